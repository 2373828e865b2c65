//! Writes the demo site into the database: the inserts behind [`super::seed`].

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::catalog::{Lecture, Unit};
use super::courses::{self, CoursePlan, Enrolment};
use super::quizzes::{self, Question, QuizPlan};
use super::{Clips, DEMO_LEARNERS, DemoLearner, ENROLMENTS};
use crate::config::PasswordCost;
use crate::db::{self, ContextLevel, SITE_COURSE_ID};
use crate::facility;
use crate::password;

/// 2025-04-01 00:00 JST, the start of the Japanese fiscal year the demo courses run in.
const COURSE_START: i64 = 1_743_433_200;
const ADMIN_USER_ID: i64 = 2;
/// The names learners see for the self-enrolment instances.
const FACILITY_CODE_NAME: &str = "施設コード";
const CLOSED_CODE_NAME: &str = "参加登録（2024年度）";

pub(super) struct Seeder<'a> {
    tx: &'a Transaction<'a>,
    clips: &'a Clips,
    now: i64,
}

/// Where a module goes: course, section and place in the section.
#[derive(Debug, Clone, Copy)]
struct Slot {
    courseid: i64,
    sectionid: i64,
    position: i64,
}

/// A module to insert, already having its instance.
struct NewModule<'a> {
    modname: &'a str,
    instance: i64,
    completion_on_view: bool,
    availability: Option<&'a str>,
}

/// Enrolment instance ids of a course.
struct EnrolInstances {
    manual: i64,
    facility_code: Option<i64>,
}

impl<'a> Seeder<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>, clips: &'a Clips, now: i64) -> Seeder<'a> {
        Seeder { tx, clips, now }
    }

    pub(super) fn seed_site(&self, cost: PasswordCost) -> anyhow::Result<()> {
        self.site()?;
        let users = self.users(cost)?;
        let mut enrol_instances = HashMap::new();
        for (sortorder, plan) in courses::COURSES.iter().enumerate() {
            let courseid = self.course(plan, sortorder as i64 + 1)?;
            enrol_instances.insert(
                plan.shortname,
                self.enrol_instances(courseid, plan.enrolment)?,
            );
        }
        for (username, shortname) in ENROLMENTS {
            let instances = &enrol_instances[shortname];
            // Facility learners joined with their facility code, as they would on ICRweb.
            let enrolid = instances.facility_code.unwrap_or(instances.manual);
            self.tx.execute(
                "INSERT INTO user_enrolments (enrolid, userid, timecreated) VALUES (?1, ?2, ?3)",
                params![enrolid, users[username], self.now],
            )?;
        }
        self.facility_setup()?;
        Ok(())
    }

    /// The facility-join parts of the site, on a new database or one seeded before them
    /// (each step only when missing): the 施設ユーザーID profile field with a value for each
    /// learner of a facility course, and the group enrolment keys of the courses that have
    /// them.
    pub(super) fn facility_setup(&self) -> anyhow::Result<()> {
        // Private: the learner sees their own id; other learners never do.
        self.tx.execute(
            "INSERT OR IGNORE INTO user_info_field (shortname, name, datatype, sortorder, visible)
             VALUES (?1, ?2, 'text', 1, 1)",
            params![facility::USER_ID_FIELD, facility::USER_ID_FIELD_NAME],
        )?;
        for plan in courses::COURSES {
            let Some(course) = db::all_courses(self.tx)?
                .into_iter()
                .find(|c| c.shortname == plan.shortname)
            else {
                continue;
            };
            self.group_keys(&course, plan)?;
            let learners: Vec<i64> = {
                let mut stmt = self.tx.prepare(
                    "SELECT DISTINCT ue.userid FROM user_enrolments ue
                     JOIN enrol e ON e.id = ue.enrolid WHERE e.courseid = ?1 ORDER BY ue.userid",
                )?;
                stmt.query_map([course.id], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for userid in learners {
                facility::joined(self.tx, userid, &course)?;
            }
        }
        Ok(())
    }

    /// Turns group keys on for the course's open facility code and adds its keyed groups,
    /// unless the course has groups already.
    fn group_keys(&self, course: &db::CourseRow, plan: &CoursePlan) -> anyhow::Result<()> {
        if plan.group_keys.is_empty() {
            return Ok(());
        }
        let has_groups: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM groups WHERE courseid = ?1)",
            [course.id],
            |row| row.get(0),
        )?;
        if has_groups {
            return Ok(());
        }
        self.tx.execute(
            "UPDATE enrol SET customint1 = 1
             WHERE courseid = ?1 AND enrol = 'self' AND enrolenddate = 0",
            [course.id],
        )?;
        for group in plan.group_keys {
            self.tx.execute(
                "INSERT INTO groups (courseid, idnumber, name, enrolmentkey, timecreated)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![course.id, group.idnumber, group.name, group.key, self.now],
            )?;
        }
        Ok(())
    }

    /// The system context, the site course (id 1), the categories, guest and admin.
    fn site(&self) -> anyhow::Result<()> {
        self.tx.execute(
            "INSERT INTO context (id, contextlevel, instanceid) VALUES (1, ?1, 0)",
            [ContextLevel::System as i64],
        )?;
        for (category, name) in courses::CATEGORIES {
            self.tx.execute(
                "INSERT INTO course_categories (id, name) VALUES (?1, ?2)",
                params![*category as i64, name],
            )?;
        }
        self.tx.execute(
            "INSERT INTO course (id, category, sortorder, shortname, fullname, summary, timecreated, timemodified)
             VALUES (?1, 0, 0, 'juko-demo', 'Juko デモサイト（ICRweb 互換）', '', ?2, ?2)",
            params![SITE_COURSE_ID, self.now],
        )?;
        self.context(ContextLevel::Course, SITE_COURSE_ID)?;
        for (id, username, firstname, lastname) in [
            (1, "guest", "Guest user", " "),
            (ADMIN_USER_ID, "admin", "事務局", "ICRweb"),
        ] {
            // "!" is no argon2 hash: these accounts cannot log in.
            self.tx.execute(
                "INSERT INTO user (id, username, password, firstname, lastname, email, timecreated)
                 VALUES (?1, ?2, '!', ?3, ?4, '', ?5)",
                params![id, username, firstname, lastname, self.now],
            )?;
        }
        Ok(())
    }

    fn users(&self, cost: PasswordCost) -> anyhow::Result<HashMap<&'static str, i64>> {
        let mut ids = HashMap::new();
        for learner in DEMO_LEARNERS {
            ids.insert(learner.username, self.user(learner, cost)?);
        }
        Ok(ids)
    }

    fn user(&self, learner: &DemoLearner, cost: PasswordCost) -> anyhow::Result<i64> {
        let (lastname, firstname) = learner
            .full_name
            .split_once(' ')
            .unwrap_or((learner.full_name, ""));
        let hash = password::hash(learner.password, cost)?;
        let email = format!("{}@demo.juko.invalid", learner.username);
        let user = db::NewUser {
            username: learner.username,
            password_hash: &hash,
            firstname,
            lastname,
            email: &email,
            institution: learner.facility,
        };
        Ok(db::insert_user(self.tx, &user, self.now)?)
    }

    /// On a database seeded by an earlier version: the demo learners added since, with their
    /// enrolments (through the open facility code where the course has one, as `seed_site`
    /// does). Returns how many were added.
    pub(super) fn add_missing_learners(&self, cost: PasswordCost) -> anyhow::Result<usize> {
        let mut added = 0;
        for learner in DEMO_LEARNERS {
            let exists: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM user WHERE username = ?1)",
                [learner.username],
                |row| row.get(0),
            )?;
            if exists {
                continue;
            }
            let userid = self.user(learner, cost)?;
            for (_, shortname) in ENROLMENTS.iter().filter(|(u, _)| *u == learner.username) {
                let enrolid: i64 = self.tx.query_row(
                    "SELECT e.id FROM enrol e JOIN course c ON c.id = e.courseid
                     WHERE c.shortname = ?1
                       AND (e.enrol = 'manual' OR (e.enrol = 'self' AND e.enrolenddate = 0))
                     ORDER BY e.enrol = 'self' DESC, e.id LIMIT 1",
                    [shortname],
                    |row| row.get(0),
                )?;
                db::insert_user_enrolment(self.tx, enrolid, userid, self.now)?;
            }
            added += 1;
        }
        self.facility_setup()?;
        Ok(added)
    }

    fn context(&self, level: ContextLevel, instanceid: i64) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT INTO context (contextlevel, instanceid) VALUES (?1, ?2)",
            params![level as i64, instanceid],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    fn course(&self, plan: &CoursePlan, sortorder: i64) -> anyhow::Result<i64> {
        self.tx.execute(
            "INSERT INTO course (category, sortorder, shortname, fullname, idnumber, summary, startdate,
                                 timecreated, timemodified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                plan.category as i64,
                sortorder,
                plan.shortname,
                plan.fullname,
                plan.idnumber,
                plan.summary,
                COURSE_START,
                self.now
            ],
        )?;
        let courseid = self.tx.last_insert_rowid();
        self.context(ContextLevel::Course, courseid)?;
        self.section(courseid, 0, "一般", "", None)?;
        let mut previous_lectures: Vec<i64> = Vec::new();
        for (index, unit) in plan.units.iter().enumerate() {
            let number = index as i64 + 1;
            let availability = plan
                .locked_sections
                .contains(&number)
                .then(|| completion_availability(&previous_lectures));
            let sectionid =
                self.section(courseid, number, unit.name, unit.summary, availability)?;
            previous_lectures = self.unit_modules(courseid, sectionid, unit, plan.certificates)?;
        }
        Ok(courseid)
    }

    fn section(
        &self,
        courseid: i64,
        number: i64,
        name: &str,
        summary: &str,
        availability: Option<String>,
    ) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT INTO course_sections (course, section, name, summary, availability)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![courseid, number, name, summary, availability],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A unit's lectures, its test if it has one, then (facility courses) its certificate.
    /// Returns the lecture cmids.
    fn unit_modules(
        &self,
        courseid: i64,
        sectionid: i64,
        unit: &Unit,
        certificate: bool,
    ) -> anyhow::Result<Vec<i64>> {
        let slot = |position: usize| Slot {
            courseid,
            sectionid,
            position: position as i64,
        };
        let mut lectures = Vec::with_capacity(unit.lectures.len());
        for (index, lecture) in unit.lectures.iter().enumerate() {
            let filename = super::video_filename(unit, index);
            lectures.push(self.lecture(slot(index), lecture, &filename)?);
        }
        let mut next = lectures.len();
        // A certificate asks for every lecture and, where the unit has a test, the test passed
        // (its completion is "passing grade", so a failed test never counts as complete).
        let mut required = lectures.clone();
        if let Some(plan) = quizzes::for_unit(unit) {
            required.push(self.quiz(slot(next), plan)?);
            next += 1;
        }
        if certificate {
            let name = format!("{} 修了証", unit.name);
            let availability = completion_availability(&required);
            self.certificate(slot(next), &name, &availability)?;
        }
        Ok(lectures)
    }

    /// Inserts the course module and its context; returns (cmid, contextid).
    fn course_module(&self, slot: Slot, module: NewModule<'_>) -> rusqlite::Result<(i64, i64)> {
        let completion = if module.completion_on_view { 2 } else { 0 };
        self.tx.execute(
            "INSERT INTO course_modules (course, section, position, module, instance, completion,
                                         completionview, availability, added)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                slot.courseid,
                slot.sectionid,
                slot.position,
                module.modname,
                module.instance,
                completion,
                module.completion_on_view,
                module.availability,
                self.now
            ],
        )?;
        let cmid = self.tx.last_insert_rowid();
        let contextid = self.context(ContextLevel::Module, cmid)?;
        Ok((cmid, contextid))
    }

    /// A `resource` with one video file: a lecture, registered with its length. How it
    /// completes depends on the server's mode and is set at every start
    /// (`db::set_lecture_completion`).
    fn lecture(&self, slot: Slot, lecture: &Lecture, filename: &str) -> anyhow::Result<i64> {
        self.tx.execute(
            "INSERT INTO resource (course, name, intro, timemodified) VALUES (?1, ?2, ?3, ?4)",
            params![
                slot.courseid,
                lecture.name,
                lecture.description_html(self.clips.timing()),
                self.now
            ],
        )?;
        let module = NewModule {
            modname: "resource",
            instance: self.tx.last_insert_rowid(),
            completion_on_view: false,
            availability: None,
        };
        let (cmid, contextid) = self.course_module(slot, module)?;
        let seconds = lecture.seconds(self.clips.timing());
        db::register_lecture(self.tx, cmid, f64::from(seconds))?;
        let clip = self.clips.for_lecture(lecture)?;
        self.tx.execute(
            "INSERT INTO files (contenthash, contextid, component, filearea, itemid, filepath, filename,
                                filesize, mimetype, sortorder, userid, author, license, timecreated, timemodified)
             VALUES (?1, ?2, 'mod_resource', 'content', 0, '/', ?3, ?4, 'video/mp4', 1, ?5,
                     'ICRweb事務局', 'allrightsreserved', ?6, ?6)",
            params![clip.contenthash, contextid, filename, clip.filesize, ADMIN_USER_ID, self.now],
        )?;
        Ok(cmid)
    }

    /// A `customcert` locked until the unit's lectures are complete and its test passed, valid
    /// one year from the award (its expiry element).
    fn certificate(&self, slot: Slot, name: &str, availability: &str) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT INTO customcert (course, name, timemodified) VALUES (?1, ?2, ?3)",
            params![slot.courseid, name, self.now],
        )?;
        let instance = self.tx.last_insert_rowid();
        self.tx.execute(
            "INSERT INTO customcert_elements (customcertid, element, data)
             VALUES (?1, 'expiry', ?2)",
            params![instance, crate::db::EXPIRY_ONE_YEAR_FROM_AWARD],
        )?;
        let module = NewModule {
            modname: "customcert",
            instance,
            completion_on_view: false,
            availability: Some(availability),
        };
        let (cmid, _) = self.course_module(slot, module)?;
        Ok(cmid)
    }

    /// A `quiz` with its questions, one per page, each worth one mark.
    fn quiz(&self, slot: Slot, plan: &QuizPlan) -> rusqlite::Result<i64> {
        let count = plan.questions.len() as f64;
        let grade = 100.0;
        self.tx.execute(
            "INSERT INTO quiz (course, name, intro, timelimit, attempts, reviewattempt,
                               reviewcorrectness, reviewmaxmarks, reviewmarks,
                               reviewspecificfeedback, reviewgeneralfeedback, reviewrightanswer,
                               reviewoverallfeedback, sumgrades, grade, gradepass,
                               allowofflineattempts, navmethod, timecreated, timemodified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7, ?7, ?7, ?7, ?7, ?8, ?9, ?10, ?11, ?13, ?12, ?12)",
            params![
                slot.courseid,
                plan.name,
                plan.intro,
                plan.timelimit,
                plan.attempts,
                REVIEW_DURING_AND_AFTER,
                REVIEW_AFTER,
                count,
                grade,
                grade * plan.pass_percent / 100.0,
                plan.allowofflineattempts,
                self.now,
                plan.navmethod
            ],
        )?;
        let quizid = self.tx.last_insert_rowid();
        for (index, question) in plan.questions.iter().enumerate() {
            let questionid = self.question(plan, index, question)?;
            self.tx.execute(
                "INSERT INTO quiz_slots (quizid, slot, page, questionid, maxmark)
                 VALUES (?1, ?2, ?2, ?3, 1.0)",
                params![quizid, index as i64 + 1, questionid],
            )?;
        }
        let module = NewModule {
            modname: "quiz",
            instance: quizid,
            completion_on_view: false,
            availability: None,
        };
        let (cmid, _) = self.course_module(slot, module)?;
        // Complete with a passing grade, as ICRweb's unit tests are.
        self.tx.execute(
            "UPDATE course_modules SET completion = 2, completionusegrade = 1, completionpassgrade = 1
             WHERE id = ?1",
            [cmid],
        )?;
        Ok(cmid)
    }

    fn question(
        &self,
        plan: &QuizPlan,
        index: usize,
        question: &Question,
    ) -> rusqlite::Result<i64> {
        let single = !matches!(question, Question::MultiChoice { single: false, .. });
        self.tx.execute(
            "INSERT INTO question (qtype, name, questiontext, generalfeedback, single, timecreated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                question.qtype(),
                format!("{} 問{}", plan.unit.name, index + 1),
                question.text(),
                general_feedback(question),
                single,
                self.now
            ],
        )?;
        let questionid = self.tx.last_insert_rowid();
        let truefalse;
        let answers: &[(&str, f64)] = match question {
            Question::MultiChoice { answers, .. } | Question::ShortAnswer { answers, .. } => {
                answers
            }
            Question::Essay { .. } => &[],
            // Moodle's true/false question keeps both answers, "true" first.
            Question::TrueFalse { correct, .. } => {
                let (yes, no) = if *correct { (1.0, 0.0) } else { (0.0, 1.0) };
                truefalse = [("正しい", yes), ("誤り", no)];
                &truefalse
            }
        };
        for (answer, fraction) in answers {
            self.tx.execute(
                "INSERT INTO question_answers (question, answer, fraction) VALUES (?1, ?2, ?3)",
                params![questionid, answer, fraction],
            )?;
        }
        Ok(questionid)
    }

    fn enrol_instances(
        &self,
        courseid: i64,
        enrolment: Enrolment,
    ) -> rusqlite::Result<EnrolInstances> {
        self.tx.execute(
            "INSERT INTO enrol (courseid, enrol) VALUES (?1, 'manual')",
            [courseid],
        )?;
        let manual = self.tx.last_insert_rowid();
        let facility_code = match enrolment {
            Enrolment::Manual => None,
            Enrolment::FacilityCode { code, .. } => {
                Some(self.self_enrolment(courseid, FACILITY_CODE_NAME, code, 0)?)
            }
            // Closed at the end of the last fiscal year: nobody was seeded through it.
            Enrolment::Closed { code } => {
                self.self_enrolment(courseid, CLOSED_CODE_NAME, code, COURSE_START - 1)?;
                None
            }
        };
        Ok(EnrolInstances {
            manual,
            facility_code,
        })
    }

    /// A self-enrolment taking new learners with `key`, until `enrolenddate` (0: no end).
    fn self_enrolment(
        &self,
        courseid: i64,
        name: &str,
        key: &str,
        enrolenddate: i64,
    ) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT INTO enrol (courseid, enrol, name, password, enrolenddate, customint6)
             VALUES (?1, 'self', ?2, ?3, ?4, 1)",
            params![courseid, name, key, enrolenddate],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}

/// The explanation shown after the attempt (general feedback): it names the right answer, so
/// it must never reach a learner before the review options allow it.
fn general_feedback(question: &Question) -> String {
    let right: Vec<&str> = match question {
        Question::MultiChoice { answers, .. } | Question::ShortAnswer { answers, .. } => answers
            .iter()
            .filter(|(_, fraction)| *fraction > 0.0)
            .map(|(answer, _)| *answer)
            .take(if matches!(question, Question::ShortAnswer { .. }) {
                1
            } else {
                answers.len()
            })
            .collect(),
        Question::TrueFalse { correct: true, .. } => vec!["正しい"],
        Question::TrueFalse { correct: false, .. } => vec!["誤り"],
        Question::Essay { .. } => return String::new(),
    };
    format!("<p>解説: 正解は「{}」です。</p>", right.join("」「"))
}

/// Review options (`mod_quiz\question\display_options` bits): during the attempt,
/// immediately after it and later while the quiz is open.
const REVIEW_DURING_AND_AFTER: i64 = 0x10000 | 0x01000 | 0x00100;
/// Immediately after the attempt and later while the quiz is open, not during it: what right
/// or wrong shows only once the attempt is finished.
const REVIEW_AFTER: i64 = 0x01000 | 0x00100;

/// Moodle's availability JSON for "all of these activities are marked complete".
fn completion_availability(cmids: &[i64]) -> String {
    let conditions: Vec<_> = cmids
        .iter()
        .map(|cm| serde_json::json!({"type": "completion", "cm": cm, "e": 1}))
        .collect();
    serde_json::json!({"op": "&", "c": conditions, "showc": vec![true; cmids.len()]}).to_string()
}
