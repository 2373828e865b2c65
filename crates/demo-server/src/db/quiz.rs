//! Quizzes: their settings, the question types they use and the learners' attempts
//! (`quiz`, `quiz_slots`, `question`, `quiz_attempts`).

use rusqlite::{Connection, OptionalExtension, Row, params};

/// A quiz's settings, as stored (`quiz` row) plus its course module and pass mark.
#[derive(Debug, Clone)]
pub(crate) struct QuizRow {
    pub(crate) id: i64,
    pub(crate) course: i64,
    pub(crate) cmid: i64,
    pub(crate) timeopen: i64,
    pub(crate) timeclose: i64,
    pub(crate) timelimit: i64,
    pub(crate) overduehandling: String,
    pub(crate) graceperiod: i64,
    pub(crate) preferredbehaviour: String,
    pub(crate) canredoquestions: i64,
    pub(crate) attempts: i64,
    pub(crate) attemptonlast: i64,
    pub(crate) grademethod: i64,
    pub(crate) decimalpoints: i64,
    pub(crate) questiondecimalpoints: i64,
    pub(crate) review: ReviewOptions,
    pub(crate) questionsperpage: i64,
    pub(crate) navmethod: String,
    pub(crate) sumgrades: f64,
    pub(crate) grade: f64,
    /// `grade_items.gradepass` on a real site; 0 = none.
    pub(crate) gradepass: f64,
    pub(crate) browsersecurity: String,
    pub(crate) delay1: i64,
    pub(crate) delay2: i64,
    pub(crate) showuserpicture: i64,
    pub(crate) showblocks: i64,
    pub(crate) completionattemptsexhausted: i64,
    pub(crate) completionpassgrade: i64,
    pub(crate) allowofflineattempts: i64,
    pub(crate) shuffleanswers: bool,
    /// The module's completion tracking (`course_modules.completion`: 0 none, 2 automatic).
    pub(crate) completion: i64,
    /// Completion needs a grade (`completionusegrade`).
    pub(crate) completionusegrade: bool,
}

/// The `review*` bit fields (`mod_quiz\question\display_options`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewOptions {
    pub(crate) attempt: i64,
    pub(crate) correctness: i64,
    pub(crate) maxmarks: i64,
    pub(crate) marks: i64,
    pub(crate) specificfeedback: i64,
    pub(crate) generalfeedback: i64,
    pub(crate) rightanswer: i64,
    pub(crate) overallfeedback: i64,
}

const QUIZ_COLUMNS: &str = "q.id, q.course, cm.id, q.timeopen, q.timeclose, q.timelimit,
    q.overduehandling, q.graceperiod, q.preferredbehaviour, q.canredoquestions, q.attempts,
    q.attemptonlast, q.grademethod, q.decimalpoints, q.questiondecimalpoints, q.reviewattempt,
    q.reviewcorrectness, q.reviewmaxmarks, q.reviewmarks, q.reviewspecificfeedback,
    q.reviewgeneralfeedback, q.reviewrightanswer, q.reviewoverallfeedback, q.questionsperpage,
    q.navmethod, q.sumgrades, q.grade, q.gradepass, q.browsersecurity, q.delay1, q.delay2,
    q.showuserpicture, q.showblocks, q.completionattemptsexhausted, cm.completionpassgrade,
    q.allowofflineattempts, q.shuffleanswers, cm.completion, cm.completionusegrade";

fn quiz_row(row: &Row<'_>) -> rusqlite::Result<QuizRow> {
    Ok(QuizRow {
        id: row.get(0)?,
        course: row.get(1)?,
        cmid: row.get(2)?,
        timeopen: row.get(3)?,
        timeclose: row.get(4)?,
        timelimit: row.get(5)?,
        overduehandling: row.get(6)?,
        graceperiod: row.get(7)?,
        preferredbehaviour: row.get(8)?,
        canredoquestions: row.get(9)?,
        attempts: row.get(10)?,
        attemptonlast: row.get(11)?,
        grademethod: row.get(12)?,
        decimalpoints: row.get(13)?,
        questiondecimalpoints: row.get(14)?,
        review: ReviewOptions {
            attempt: row.get(15)?,
            correctness: row.get(16)?,
            maxmarks: row.get(17)?,
            marks: row.get(18)?,
            specificfeedback: row.get(19)?,
            generalfeedback: row.get(20)?,
            rightanswer: row.get(21)?,
            overallfeedback: row.get(22)?,
        },
        questionsperpage: row.get(23)?,
        navmethod: row.get(24)?,
        sumgrades: row.get(25)?,
        grade: row.get(26)?,
        gradepass: row.get(27)?,
        browsersecurity: row.get(28)?,
        delay1: row.get(29)?,
        delay2: row.get(30)?,
        showuserpicture: row.get(31)?,
        showblocks: row.get(32)?,
        completionattemptsexhausted: row.get(33)?,
        completionpassgrade: row.get(34)?,
        allowofflineattempts: row.get(35)?,
        shuffleanswers: row.get(36)?,
        completion: row.get(37)?,
        completionusegrade: row.get(38)?,
    })
}

/// A quiz by instance id, with its course module.
pub(crate) fn quiz_by_id(conn: &Connection, quizid: i64) -> rusqlite::Result<Option<QuizRow>> {
    let sql = format!(
        "SELECT {QUIZ_COLUMNS} FROM quiz q
         JOIN course_modules cm ON cm.module = 'quiz' AND cm.instance = q.id
         WHERE q.id = ?1"
    );
    conn.query_row(&sql, [quizid], quiz_row).optional()
}

/// The quizzes of a course, in course order.
pub(crate) fn quizzes_of_course(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<Vec<QuizRow>> {
    let sql = format!(
        "SELECT {QUIZ_COLUMNS} FROM quiz q
         JOIN course_modules cm ON cm.module = 'quiz' AND cm.instance = q.id
         WHERE q.course = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map([courseid], quiz_row)?.collect()
}

/// The question types a quiz's slots use, sorted and once each.
pub(crate) fn question_types(conn: &Connection, quizid: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT qn.qtype FROM quiz_slots s JOIN question qn ON qn.id = s.questionid
         WHERE s.quizid = ?1 ORDER BY qn.qtype",
    )?;
    stmt.query_map([quizid], |row| row.get(0))?.collect()
}

pub(crate) fn has_questions(conn: &Connection, quizid: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM quiz_slots WHERE quizid = ?1)",
        [quizid],
        |row| row.get(0),
    )
}

/// One `quiz_attempts` row.
#[derive(Debug, Clone)]
pub(crate) struct AttemptRow {
    pub(crate) id: i64,
    pub(crate) quiz: i64,
    pub(crate) userid: i64,
    pub(crate) attempt: i64,
    pub(crate) uniqueid: i64,
    pub(crate) layout: String,
    pub(crate) currentpage: i64,
    pub(crate) preview: i64,
    pub(crate) state: String,
    pub(crate) timestart: i64,
    pub(crate) timefinish: i64,
    pub(crate) timemodified: i64,
    pub(crate) timemodifiedoffline: i64,
    pub(crate) timecheckstate: Option<i64>,
    pub(crate) sumgrades: Option<f64>,
}

/// Which attempts `quiz_get_user_attempts` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptFilter {
    All,
    /// `finished` and `abandoned`.
    Finished,
    /// `inprogress` and `overdue`.
    Unfinished,
}

/// A user's attempts at a quiz, oldest first.
pub(crate) fn user_attempts(
    conn: &Connection,
    quizid: i64,
    userid: i64,
    filter: AttemptFilter,
    includepreviews: bool,
) -> rusqlite::Result<Vec<AttemptRow>> {
    let states = match filter {
        AttemptFilter::All => "",
        AttemptFilter::Finished => "AND state IN ('finished', 'abandoned')",
        AttemptFilter::Unfinished => "AND state IN ('inprogress', 'overdue')",
    };
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts
         WHERE quiz = ?1 AND userid = ?2 AND (?3 OR preview = 0) {states}
         ORDER BY attempt"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params![quizid, userid, includepreviews], attempt_row)?
        .collect()
}

pub(super) const ATTEMPT_COLUMNS: &str = "id, quiz, userid, attempt, uniqueid, layout,
    currentpage, preview, state, timestart, timefinish, timemodified, timemodifiedoffline,
    timecheckstate, sumgrades";

pub(super) fn attempt_row(row: &Row<'_>) -> rusqlite::Result<AttemptRow> {
    Ok(AttemptRow {
        id: row.get(0)?,
        quiz: row.get(1)?,
        userid: row.get(2)?,
        attempt: row.get(3)?,
        uniqueid: row.get(4)?,
        layout: row.get(5)?,
        currentpage: row.get(6)?,
        preview: row.get(7)?,
        state: row.get(8)?,
        timestart: row.get(9)?,
        timefinish: row.get(10)?,
        timemodified: row.get(11)?,
        timemodifiedoffline: row.get(12)?,
        timecheckstate: row.get(13)?,
        sumgrades: row.get(14)?,
    })
}
