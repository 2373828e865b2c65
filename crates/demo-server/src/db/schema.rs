//! Tables named and shaped after Moodle's own (`course`, `course_modules`, `files`, …), trimmed
//! to what this subset needs, so Moodle vocabulary carries over.

use rusqlite::{Connection, OptionalExtension};

use super::progress::backfill_lecture_durations;

/// The front page course every Moodle site has; `siteid` in `get_site_info`.
pub(crate) const SITE_COURSE_ID: i64 = 1;

/// Moodle's context levels, which decide what a `contextid` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContextLevel {
    System = 10,
    Course = 50,
    Module = 70,
}

impl ContextLevel {
    pub(crate) fn from_i64(value: i64) -> Option<ContextLevel> {
        match value {
            10 => Some(ContextLevel::System),
            50 => Some(ContextLevel::Course),
            70 => Some(ContextLevel::Module),
            _ => None,
        }
    }
}

/// Version 1: the Moodle tables the protocol subset needs.
const SCHEMA_V1: &str = r#"
CREATE TABLE demo_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE user (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT NOT NULL UNIQUE,
    password    TEXT NOT NULL,          -- argon2id PHC string
    firstname   TEXT NOT NULL,
    lastname    TEXT NOT NULL,
    email       TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'ja',
    institution TEXT NOT NULL DEFAULT '',
    suspended   INTEGER NOT NULL DEFAULT 0,
    timecreated INTEGER NOT NULL
);

CREATE TABLE external_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token       TEXT NOT NULL UNIQUE,
    userid      INTEGER NOT NULL REFERENCES user(id),
    service     TEXT NOT NULL,
    validuntil  INTEGER NOT NULL,
    timecreated INTEGER NOT NULL,
    lastaccess  INTEGER
);

CREATE TABLE context (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contextlevel INTEGER NOT NULL,
    instanceid   INTEGER NOT NULL,
    UNIQUE (contextlevel, instanceid)
);

CREATE TABLE course_categories (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);

CREATE TABLE course (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    category         INTEGER NOT NULL,
    sortorder        INTEGER NOT NULL,
    shortname        TEXT NOT NULL UNIQUE,
    fullname         TEXT NOT NULL,
    idnumber         TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL DEFAULT '',
    format           TEXT NOT NULL DEFAULT 'topics',
    visible          INTEGER NOT NULL DEFAULT 1,
    startdate        INTEGER NOT NULL DEFAULT 0,
    enddate          INTEGER NOT NULL DEFAULT 0,
    enablecompletion INTEGER NOT NULL DEFAULT 1,
    timecreated      INTEGER NOT NULL,
    timemodified     INTEGER NOT NULL
);

CREATE TABLE course_sections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course       INTEGER NOT NULL REFERENCES course(id),
    section      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    visible      INTEGER NOT NULL DEFAULT 1,
    availability TEXT,                 -- Moodle's availability JSON, NULL = always available
    UNIQUE (course, section)
);

-- Enrolment instances; a facility course's `self` instance holds the facility code as password.
CREATE TABLE enrol (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    courseid INTEGER NOT NULL REFERENCES course(id),
    enrol    TEXT NOT NULL,            -- 'manual' | 'self'
    status   INTEGER NOT NULL DEFAULT 0, -- 0 enabled, 1 disabled
    name     TEXT,
    password TEXT
);

CREATE TABLE user_enrolments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    enrolid     INTEGER NOT NULL REFERENCES enrol(id),
    userid      INTEGER NOT NULL REFERENCES user(id),
    status      INTEGER NOT NULL DEFAULT 0, -- 0 active, 1 suspended
    timecreated INTEGER NOT NULL,
    UNIQUE (enrolid, userid)
);

CREATE TABLE course_modules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course          INTEGER NOT NULL REFERENCES course(id),
    section         INTEGER NOT NULL REFERENCES course_sections(id),
    position        INTEGER NOT NULL,  -- order inside the section (Moodle: course_sections.sequence)
    module          TEXT NOT NULL,     -- modname: 'resource', 'customcert'
    instance        INTEGER NOT NULL,
    visible         INTEGER NOT NULL DEFAULT 1,
    completion      INTEGER NOT NULL DEFAULT 0, -- 0 none, 1 manual, 2 automatic
    completionview  INTEGER NOT NULL DEFAULT 0,
    availability    TEXT,
    added           INTEGER NOT NULL
);
CREATE INDEX course_modules_course ON course_modules (course);

CREATE TABLE resource (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course       INTEGER NOT NULL REFERENCES course(id),
    name         TEXT NOT NULL,
    intro        TEXT NOT NULL,
    introformat  INTEGER NOT NULL DEFAULT 1,
    display      INTEGER NOT NULL DEFAULT 0,
    revision     INTEGER NOT NULL DEFAULT 1,
    timemodified INTEGER NOT NULL
);

CREATE TABLE customcert (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course       INTEGER NOT NULL REFERENCES course(id),
    name         TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    timemodified INTEGER NOT NULL
);

CREATE TABLE files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contenthash  TEXT NOT NULL,
    contextid    INTEGER NOT NULL REFERENCES context(id),
    component    TEXT NOT NULL,
    filearea     TEXT NOT NULL,
    itemid       INTEGER NOT NULL,
    filepath     TEXT NOT NULL,
    filename     TEXT NOT NULL,
    filesize     INTEGER NOT NULL,
    mimetype     TEXT NOT NULL,
    sortorder    INTEGER NOT NULL DEFAULT 0,
    userid       INTEGER,
    author       TEXT,
    license      TEXT,
    timecreated  INTEGER NOT NULL,
    timemodified INTEGER NOT NULL,
    UNIQUE (contextid, component, filearea, itemid, filepath, filename)
);
CREATE INDEX files_contenthash ON files (contenthash);

-- Which generated clip a contenthash came from, so a regenerated media dir can be re-linked.
CREATE TABLE demo_media (
    recipe      TEXT PRIMARY KEY,
    contenthash TEXT NOT NULL,
    filesize    INTEGER NOT NULL
);

CREATE TABLE course_modules_completion (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    coursemoduleid  INTEGER NOT NULL REFERENCES course_modules(id),
    userid          INTEGER NOT NULL REFERENCES user(id),
    completionstate INTEGER NOT NULL,
    timemodified    INTEGER NOT NULL,
    UNIQUE (coursemoduleid, userid)
);

CREATE TABLE logstore_standard_log (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    eventname         TEXT NOT NULL,
    component         TEXT NOT NULL,
    action            TEXT NOT NULL,
    target            TEXT NOT NULL,
    objectid          INTEGER,
    contextid         INTEGER NOT NULL,
    userid            INTEGER NOT NULL,
    courseid          INTEGER NOT NULL,
    other             TEXT,
    timecreated       INTEGER NOT NULL
);
CREATE INDEX logstore_user ON logstore_standard_log (userid, timecreated);

CREATE TABLE user_lastaccess (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    userid     INTEGER NOT NULL REFERENCES user(id),
    courseid   INTEGER NOT NULL REFERENCES course(id),
    timeaccess INTEGER NOT NULL,
    UNIQUE (userid, courseid)
);

-- Id ranges that do not overlap, as on a real site, so a client that confuses a cmid with an
-- instance id, a section id or a context id fails loudly in tests.
INSERT INTO sqlite_sequence (name, seq) VALUES
    ('user', 100), ('context', 1000), ('course_sections', 900), ('course_modules', 300),
    ('resource', 70), ('customcert', 10), ('files', 5000);
"#;

/// Version 2: Juko's viewing-history extension, the tables a `local_juko` Moodle plugin would
/// own, plus the "complete by watching" rule on course modules.
const SCHEMA_V2: &str = r#"
ALTER TABLE course_modules ADD COLUMN completionwatched INTEGER NOT NULL DEFAULT 0;

-- Lectures: the video resources, with the length of their media in seconds.
CREATE TABLE local_juko_lecture (
    cmid     INTEGER PRIMARY KEY REFERENCES course_modules(id),
    duration REAL NOT NULL
);

-- One merged viewing history per (user, lecture).
CREATE TABLE local_juko_progress (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    userid        INTEGER NOT NULL REFERENCES user(id),
    cmid          INTEGER NOT NULL REFERENCES course_modules(id),
    intervals     BLOB NOT NULL,     -- watched (from, to) pairs, little-endian f64, sorted, disjoint
    position      REAL,              -- resume position, seconds
    positiontime  INTEGER,           -- client time of the position, ms since the epoch
    timecompleted INTEGER,           -- server time coverage first reached the threshold
    seq           INTEGER NOT NULL,  -- the user's change sequence when this record last changed
    timemodified  INTEGER NOT NULL,
    UNIQUE (userid, cmid)
);
CREATE INDEX local_juko_progress_seq ON local_juko_progress (userid, seq);

-- Every event id applied, per user, so a replayed event changes nothing.
CREATE TABLE local_juko_event (
    userid      INTEGER NOT NULL,
    eventid     TEXT NOT NULL,
    cmid        INTEGER NOT NULL,
    deviceid    TEXT NOT NULL,
    timecreated INTEGER NOT NULL,
    PRIMARY KEY (userid, eventid)
) WITHOUT ROWID;

-- Names this database in progress cursors, so a cursor from a database since deleted is
-- recognised as foreign instead of silently skipping history.
INSERT INTO demo_meta (name, value) VALUES ('progress_epoch', lower(hex(randomblob(4))));
"#;

/// Version 3: quizzes (確認テスト), their questions and the learners' attempts, shaped after
/// Moodle's `quiz`, `quiz_slots`, `question`, `question_answers` and `quiz_attempts`. Moodle
/// keeps the pass mark in the gradebook (`grade_items.gradepass`) and questions in banks with
/// versions; the demo keeps one pass mark per quiz and one version per question.
const SCHEMA_V3: &str = r#"
ALTER TABLE course_modules ADD COLUMN completionpassgrade INTEGER NOT NULL DEFAULT 0;

CREATE TABLE quiz (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    course                 INTEGER NOT NULL REFERENCES course(id),
    name                   TEXT NOT NULL,
    intro                  TEXT NOT NULL DEFAULT '',
    introformat            INTEGER NOT NULL DEFAULT 1,
    timeopen               INTEGER NOT NULL DEFAULT 0,
    timeclose              INTEGER NOT NULL DEFAULT 0,
    timelimit              INTEGER NOT NULL DEFAULT 0,
    overduehandling        TEXT NOT NULL DEFAULT 'autosubmit',
    graceperiod            INTEGER NOT NULL DEFAULT 0,
    preferredbehaviour     TEXT NOT NULL DEFAULT 'deferredfeedback',
    canredoquestions       INTEGER NOT NULL DEFAULT 0,
    attempts               INTEGER NOT NULL DEFAULT 0,   -- 0 = unlimited
    attemptonlast          INTEGER NOT NULL DEFAULT 0,
    grademethod            INTEGER NOT NULL DEFAULT 1,   -- QUIZ_GRADEHIGHEST
    decimalpoints          INTEGER NOT NULL DEFAULT 2,
    questiondecimalpoints  INTEGER NOT NULL DEFAULT -1,
    reviewattempt          INTEGER NOT NULL,
    reviewcorrectness      INTEGER NOT NULL,
    reviewmaxmarks         INTEGER NOT NULL,
    reviewmarks            INTEGER NOT NULL,
    reviewspecificfeedback INTEGER NOT NULL,
    reviewgeneralfeedback  INTEGER NOT NULL,
    reviewrightanswer      INTEGER NOT NULL,
    reviewoverallfeedback  INTEGER NOT NULL,
    questionsperpage       INTEGER NOT NULL DEFAULT 1,
    navmethod              TEXT NOT NULL DEFAULT 'free',
    shuffleanswers         INTEGER NOT NULL DEFAULT 1,
    sumgrades              REAL NOT NULL DEFAULT 0,
    grade                  REAL NOT NULL DEFAULT 100,
    gradepass              REAL NOT NULL DEFAULT 0,      -- grade_items.gradepass, on the `grade` scale
    browsersecurity        TEXT NOT NULL DEFAULT '-',
    delay1                 INTEGER NOT NULL DEFAULT 0,
    delay2                 INTEGER NOT NULL DEFAULT 0,
    showuserpicture        INTEGER NOT NULL DEFAULT 0,
    showblocks             INTEGER NOT NULL DEFAULT 0,
    completionattemptsexhausted INTEGER NOT NULL DEFAULT 0,
    allowofflineattempts   INTEGER NOT NULL DEFAULT 0,
    timecreated            INTEGER NOT NULL,
    timemodified           INTEGER NOT NULL
);

CREATE TABLE question (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    qtype           TEXT NOT NULL,          -- 'multichoice' | 'truefalse' | 'shortanswer'
    name            TEXT NOT NULL,
    questiontext    TEXT NOT NULL,
    generalfeedback TEXT NOT NULL DEFAULT '',
    defaultmark     REAL NOT NULL DEFAULT 1,
    single          INTEGER NOT NULL DEFAULT 1, -- multichoice: one answer (1) or several (0)
    timecreated     INTEGER NOT NULL
);

-- Each answer's fraction of the mark: never sent to a learner before review allows it.
CREATE TABLE question_answers (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    question INTEGER NOT NULL REFERENCES question(id),
    answer   TEXT NOT NULL,
    fraction REAL NOT NULL,
    feedback TEXT NOT NULL DEFAULT ''
);
CREATE INDEX question_answers_question ON question_answers (question);

CREATE TABLE quiz_slots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    quizid     INTEGER NOT NULL REFERENCES quiz(id),
    slot       INTEGER NOT NULL,
    page       INTEGER NOT NULL,
    questionid INTEGER NOT NULL REFERENCES question(id),
    maxmark    REAL NOT NULL,
    UNIQUE (quizid, slot)
);

CREATE TABLE quiz_attempts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz                INTEGER NOT NULL REFERENCES quiz(id),
    userid              INTEGER NOT NULL REFERENCES user(id),
    attempt             INTEGER NOT NULL,
    uniqueid            INTEGER NOT NULL UNIQUE,  -- the question usage id, `q{uniqueid}:` in field names
    layout              TEXT NOT NULL,
    currentpage         INTEGER NOT NULL DEFAULT 0,
    preview             INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL,
    timestart           INTEGER NOT NULL,
    timefinish          INTEGER NOT NULL DEFAULT 0,
    timemodified        INTEGER NOT NULL,
    timemodifiedoffline INTEGER NOT NULL DEFAULT 0,
    timecheckstate      INTEGER,
    sumgrades           REAL,
    UNIQUE (quiz, userid, attempt)
);

INSERT INTO sqlite_sequence (name, seq) VALUES
    ('quiz', 30), ('question', 2000), ('question_answers', 7000), ('quiz_slots', 400),
    ('quiz_attempts', 8000);
"#;

/// Version 4: taking quizzes, shaped after Moodle's question engine (`question_usages`,
/// `question_attempts`, `question_attempt_steps`, `question_attempt_step_data`) and the best
/// grade (`quiz_grades`). Each question of an attempt keeps its steps: step 0 holds the
/// per-attempt choice order (`_order`), each real step a response or the finish, and at most
/// one autosaved step, stored with a negative sequence number as Moodle stores it.
const SCHEMA_V4: &str = r#"
ALTER TABLE course_modules ADD COLUMN completionusegrade INTEGER NOT NULL DEFAULT 0;

CREATE TABLE question_usages (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    contextid INTEGER NOT NULL,
    component TEXT NOT NULL
);

CREATE TABLE question_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    questionusageid  INTEGER NOT NULL REFERENCES question_usages(id),
    slot             INTEGER NOT NULL,
    questionid       INTEGER NOT NULL REFERENCES question(id),
    maxmark          REAL NOT NULL,
    flagged          INTEGER NOT NULL DEFAULT 0,
    timemodified     INTEGER NOT NULL,
    UNIQUE (questionusageid, slot)
);

CREATE TABLE question_attempt_steps (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    questionattemptid INTEGER NOT NULL REFERENCES question_attempts(id),
    sequencenumber    INTEGER NOT NULL,  -- 0, 1, 2, …; negative: the autosaved step
    state             TEXT NOT NULL,     -- todo, complete, gradedright, gradedpartial, gradedwrong, gaveup, needsgrading
    fraction          REAL,
    timecreated       INTEGER NOT NULL,
    userid            INTEGER NOT NULL,
    UNIQUE (questionattemptid, sequencenumber)
);

CREATE TABLE question_attempt_step_data (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    attemptstepid INTEGER NOT NULL REFERENCES question_attempt_steps(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    value         TEXT NOT NULL,
    UNIQUE (attemptstepid, name)
);

CREATE TABLE quiz_grades (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz         INTEGER NOT NULL REFERENCES quiz(id),
    userid       INTEGER NOT NULL REFERENCES user(id),
    grade        REAL NOT NULL,
    timemodified INTEGER NOT NULL,
    UNIQUE (quiz, userid)
);

INSERT INTO sqlite_sequence (name, seq) VALUES
    ('question_usages', 45000), ('question_attempts', 612000), ('question_attempt_steps', 900000);
"#;

/// Version 5: self-enrolment windows and switches, as Moodle's `enrol` table has them.
/// `customint6` (new enrolments allowed) is NULL on Moodle's other instances, so 0 here; the
/// seed turns it on for self-enrolment.
const SCHEMA_V5: &str = r#"
ALTER TABLE enrol ADD COLUMN enrolstartdate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrol ADD COLUMN enrolenddate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrol ADD COLUMN customint3 INTEGER NOT NULL DEFAULT 0; -- most self-enrolments, 0 = no limit
ALTER TABLE enrol ADD COLUMN customint6 INTEGER NOT NULL DEFAULT 0; -- new self-enrolments allowed
UPDATE enrol SET customint6 = 1 WHERE enrol = 'self';
"#;

/// Version 6 (facility join): group enrolment keys (`customint1` on a self-enrolment, the key
/// on each group, as Moodle's `groups.enrolmentkey`), course groups and their members, and
/// custom user profile fields (`user_info_field`/`user_info_data`: the 施設ユーザーID).
/// `visible` is Moodle's profile field visibility: 0 none, 1 private (the user and those who
/// may view all details), 2 everyone, 3 the user and teachers.
const SCHEMA_V6: &str = r#"
ALTER TABLE enrol ADD COLUMN customint1 INTEGER NOT NULL DEFAULT 0; -- group enrolment keys on

CREATE TABLE groups (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    courseid          INTEGER NOT NULL REFERENCES course(id),
    idnumber          TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    descriptionformat INTEGER NOT NULL DEFAULT 1,
    enrolmentkey      TEXT,
    timecreated       INTEGER NOT NULL
);

CREATE TABLE groups_members (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    groupid   INTEGER NOT NULL REFERENCES groups(id),
    userid    INTEGER NOT NULL REFERENCES user(id),
    timeadded INTEGER NOT NULL,
    UNIQUE (groupid, userid)
);

CREATE TABLE user_info_field (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    shortname TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    datatype  TEXT NOT NULL,
    sortorder INTEGER NOT NULL,
    visible   INTEGER NOT NULL DEFAULT 2
);

CREATE TABLE user_info_data (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    userid     INTEGER NOT NULL REFERENCES user(id),
    fieldid    INTEGER NOT NULL REFERENCES user_info_field(id),
    data       TEXT NOT NULL,
    dataformat INTEGER NOT NULL DEFAULT 0,
    UNIQUE (userid, fieldid)
);
"#;

/// Version 7: announcements and notifications, shaped after Moodle's `forum`,
/// `forum_discussions`, `forum_posts` and `notifications` (the popup processor's list is
/// every notification here). A course's image (`course/overviewfiles`) and a post's inline
/// images and attachments (`mod_forum/post`, `mod_forum/attachment`, item = post id) are rows
/// of `files` like any other.
const SCHEMA_V7: &str = r#"
CREATE TABLE forum (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    course         INTEGER NOT NULL REFERENCES course(id),
    type           TEXT NOT NULL DEFAULT 'general',  -- 'news' for announcements
    name           TEXT NOT NULL,
    intro          TEXT NOT NULL DEFAULT '',
    introformat    INTEGER NOT NULL DEFAULT 1,
    maxbytes       INTEGER NOT NULL DEFAULT 512000,
    maxattachments INTEGER NOT NULL DEFAULT 9,
    forcesubscribe INTEGER NOT NULL DEFAULT 0,
    trackingtype   INTEGER NOT NULL DEFAULT 1,
    timemodified   INTEGER NOT NULL
);

CREATE TABLE forum_discussions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course       INTEGER NOT NULL REFERENCES course(id),
    forum        INTEGER NOT NULL REFERENCES forum(id),
    name         TEXT NOT NULL,
    firstpost    INTEGER NOT NULL,
    userid       INTEGER NOT NULL,
    groupid      INTEGER NOT NULL DEFAULT -1,
    timemodified INTEGER NOT NULL,
    usermodified INTEGER NOT NULL,
    timestart    INTEGER NOT NULL DEFAULT 0,
    timeend      INTEGER NOT NULL DEFAULT 0,
    pinned       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX forum_discussions_forum ON forum_discussions (forum);

CREATE TABLE forum_posts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    discussion    INTEGER NOT NULL REFERENCES forum_discussions(id),
    parent        INTEGER NOT NULL DEFAULT 0,
    userid        INTEGER NOT NULL,
    created       INTEGER NOT NULL,
    modified      INTEGER NOT NULL,
    mailed        INTEGER NOT NULL DEFAULT 1,
    subject       TEXT NOT NULL,
    message       TEXT NOT NULL,       -- HTML with @@PLUGINFILE@@ for the post's own files
    messageformat INTEGER NOT NULL DEFAULT 1,
    messagetrust  INTEGER NOT NULL DEFAULT 0,
    attachment    TEXT NOT NULL DEFAULT '',  -- '1' when the post has attachments
    totalscore    INTEGER NOT NULL DEFAULT 0,
    mailnow       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX forum_posts_discussion ON forum_posts (discussion);

CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    useridfrom        INTEGER NOT NULL,
    useridto          INTEGER NOT NULL REFERENCES user(id),
    subject           TEXT NOT NULL,
    fullmessage       TEXT NOT NULL,
    fullmessageformat INTEGER NOT NULL DEFAULT 2,
    fullmessagehtml   TEXT NOT NULL DEFAULT '',
    smallmessage      TEXT NOT NULL DEFAULT '',
    component         TEXT NOT NULL,
    eventtype         TEXT NOT NULL,
    contexturl        TEXT,
    contexturlname    TEXT,
    timeread          INTEGER,
    timecreated       INTEGER NOT NULL,
    customdata        TEXT
);
CREATE INDEX notifications_useridto ON notifications (useridto, timecreated);

INSERT INTO sqlite_sequence (name, seq) VALUES
    ('forum', 30), ('forum_discussions', 4100), ('forum_posts', 5100), ('notifications', 778800);
"#;

/// Version 8: certificates (修了証) as `mod_customcert` keeps them. `customcert_issues` is the
/// plugin's table (one issue per learner and certificate, its verification code, when it was
/// issued; no expiry column: the PDF's expiry element computes it). `customcert_elements` holds
/// each certificate's elements that carry settings the demo reads (the expiry element's
/// `{"dateitem": …, "startfrom": "award", "expiry": "+1 year"}`-like data, here
/// `{"startfrom":"award","years":1}`); the layout itself is drawn by `certificates/pdf.rs`.
const SCHEMA_V8: &str = r#"
ALTER TABLE customcert ADD COLUMN requiredtime INTEGER NOT NULL DEFAULT 0;

CREATE TABLE customcert_issues (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    userid       INTEGER NOT NULL REFERENCES user(id),
    customcertid INTEGER NOT NULL REFERENCES customcert(id),
    code         TEXT NOT NULL UNIQUE,
    emailed      INTEGER NOT NULL DEFAULT 0,
    timecreated  INTEGER NOT NULL,
    UNIQUE (userid, customcertid)
);

CREATE TABLE customcert_elements (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customcertid INTEGER NOT NULL REFERENCES customcert(id),
    element      TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT ''
);

-- Certificates seeded before this version: the ICRweb rule, valid one year from the award.
INSERT INTO customcert_elements (customcertid, element, data)
    SELECT id, 'expiry', '{"startfrom":"award","years":1}' FROM customcert;

INSERT INTO sqlite_sequence (name, seq) VALUES ('customcert_issues', 700);
"#;

/// Version 9: the expiry element's data in the element's own shape (`dateitem` `-8` is
/// "+1 year", counted from the award).
const SCHEMA_V9: &str = r#"
UPDATE customcert_elements
   SET data = '{"dateitem":"-8","dateformat":"strftimedate","startfrom":"award"}'
 WHERE element = 'expiry' AND data = '{"startfrom":"award","years":1}';
"#;

/// Each step takes the database from version `index` to `index + 1` (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, SCHEMA_V7, SCHEMA_V8,
    SCHEMA_V9,
];

/// Brings the schema up to date, one transaction per step.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let done = usize::try_from(version).unwrap_or(0);
    for (index, step) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        if index == 1 {
            // A database seeded before version 2 has lectures but no durations yet.
            backfill_lecture_durations(&tx)?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub(crate) fn is_seeded(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT value FROM demo_meta WHERE name = 'seeded'",
        [],
        |_| Ok(()),
    )
    .optional()
    .map(|row| row.is_some())
}

pub(crate) fn mark_seeded(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO demo_meta (name, value) VALUES ('seeded', ?1)",
        [now.to_string()],
    )?;
    Ok(())
}
