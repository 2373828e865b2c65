//! `mod_quiz_get_quizzes_by_courses`: the quizzes of courses, with the settings a learner may
//! see. Settings that matter only to someone allowed in are left out while the access rules
//! keep the learner out (closed quiz), as Moodle does.

use rusqlite::Connection;
use serde::Serialize;

use super::access::prevent_access;
use crate::access::CourseView;
use crate::db::{self, QuizRow};
use crate::error::Result;
use crate::functions::resources::requested_courses;
use crate::functions::{Ctx, Warning};

/// Moodle's default `quiz | autosaveperiod` (seconds); the demo keeps it.
pub(super) const AUTOSAVE_PERIOD: i64 = 60;

/// `courseids`, as every `mod_*_get_*_by_courses` call takes it.
pub(crate) use crate::functions::resources::Params;

#[derive(Debug, Serialize)]
pub(crate) struct Quizzes {
    quizzes: Vec<Quiz>,
    warnings: Vec<Warning>,
}

/// `get_quizzes_by_courses_returns()` in its declared order, for a learner (no manager
/// fields). `Allowed` fields are there only when the access rules let the learner in.
#[derive(Debug, Serialize)]
struct Quiz {
    id: i64,
    coursemodule: i64,
    course: i64,
    name: String,
    intro: String,
    introformat: i64,
    introfiles: Vec<serde_json::Value>,
    section: i64,
    visible: bool,
    groupmode: i64,
    groupingid: i64,
    /// `clean_param(lang, PARAM_LANG)`: empty when no language is forced.
    lang: &'static str,
    timeopen: i64,
    timeclose: i64,
    timelimit: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    overduehandling: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    graceperiod: Option<i64>,
    preferredbehaviour: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    canredoquestions: Option<i64>,
    attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    attemptonlast: Option<i64>,
    grademethod: i64,
    decimalpoints: i64,
    questiondecimalpoints: i64,
    #[serde(flatten)]
    review: Option<Review>,
    sumgrades: f64,
    grade: f64,
    #[serde(flatten)]
    allowed: Option<Allowed>,
    hasfeedback: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    hasquestions: Option<i64>,
}

/// The review bit fields and page settings, between `questiondecimalpoints` and `sumgrades`.
#[derive(Debug, Serialize)]
struct Review {
    reviewattempt: i64,
    reviewcorrectness: i64,
    reviewmaxmarks: i64,
    reviewmarks: i64,
    reviewspecificfeedback: i64,
    reviewgeneralfeedback: i64,
    reviewrightanswer: i64,
    reviewoverallfeedback: i64,
    questionsperpage: i64,
    navmethod: String,
}

/// The fields between `grade` and `hasfeedback`.
#[derive(Debug, Serialize)]
struct Allowed {
    browsersecurity: String,
    delay1: i64,
    delay2: i64,
    showuserpicture: i64,
    showblocks: i64,
    completionattemptsexhausted: i64,
    completionpass: i64,
    allowofflineattempts: i64,
    autosaveperiod: i64,
}

pub(crate) async fn get_quizzes_by_courses(ctx: &Ctx, params: Params) -> Result<Quizzes> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (courses, warnings) = requested_courses(conn, user.id, params.courseids)?;
            let mut quizzes = Vec::new();
            for courseid in courses {
                quizzes.extend(course_quizzes(conn, courseid, user.id, now)?);
            }
            Ok(Quizzes { quizzes, warnings })
        })
        .await
}

/// The quizzes of one course the learner can open (`get_all_instances_in_courses`).
fn course_quizzes(
    conn: &Connection,
    courseid: i64,
    userid: i64,
    now: i64,
) -> rusqlite::Result<Vec<Quiz>> {
    let view = CourseView::load(conn, courseid, userid)?;
    let settings = db::quizzes_of_course(conn, courseid)?;
    let mut quizzes = Vec::new();
    for cm in view
        .modules()
        .filter(|cm| cm.row.modname == "quiz" && cm.uservisible)
    {
        let Some(quiz) = settings.iter().find(|q| q.cmid == cm.row.id) else {
            continue;
        };
        let section = view
            .sections
            .iter()
            .find(|s| s.row.id == cm.row.section_id)
            .map_or(0, |s| s.row.section);
        let allowed = prevent_access(quiz, now).is_empty();
        let hasquestions = db::has_questions(conn, quiz.id)?;
        quizzes.push(quiz_entry(
            quiz,
            &cm.row,
            section,
            allowed.then_some(hasquestions),
        ));
    }
    Ok(quizzes)
}

/// One entry; `allowed` holds `hasquestions` when the access rules let the learner in.
fn quiz_entry(quiz: &QuizRow, cm: &db::CmRow, section: i64, allowed: Option<bool>) -> Quiz {
    let open = allowed.is_some();
    let when_open = |value: i64| open.then_some(value);
    Quiz {
        id: quiz.id,
        coursemodule: quiz.cmid,
        course: quiz.course,
        name: cm.name.clone(),
        intro: cm.intro.clone(),
        introformat: 1,
        introfiles: Vec::new(),
        section,
        visible: cm.visible,
        groupmode: 0,
        groupingid: 0,
        lang: "",
        timeopen: quiz.timeopen,
        timeclose: quiz.timeclose,
        timelimit: quiz.timelimit,
        overduehandling: open.then(|| quiz.overduehandling.clone()),
        graceperiod: when_open(quiz.graceperiod),
        preferredbehaviour: quiz.preferredbehaviour.clone(),
        canredoquestions: when_open(quiz.canredoquestions),
        attempts: quiz.attempts,
        attemptonlast: when_open(quiz.attemptonlast),
        grademethod: quiz.grademethod,
        decimalpoints: quiz.decimalpoints,
        questiondecimalpoints: quiz.questiondecimalpoints,
        review: open.then(|| Review {
            reviewattempt: quiz.review.attempt,
            reviewcorrectness: quiz.review.correctness,
            reviewmaxmarks: quiz.review.maxmarks,
            reviewmarks: quiz.review.marks,
            reviewspecificfeedback: quiz.review.specificfeedback,
            reviewgeneralfeedback: quiz.review.generalfeedback,
            reviewrightanswer: quiz.review.rightanswer,
            reviewoverallfeedback: quiz.review.overallfeedback,
            questionsperpage: quiz.questionsperpage,
            navmethod: quiz.navmethod.clone(),
        }),
        sumgrades: quiz.sumgrades,
        grade: quiz.grade,
        allowed: open.then(|| Allowed {
            browsersecurity: quiz.browsersecurity.clone(),
            delay1: quiz.delay1,
            delay2: quiz.delay2,
            showuserpicture: quiz.showuserpicture,
            showblocks: quiz.showblocks,
            completionattemptsexhausted: quiz.completionattemptsexhausted,
            completionpass: quiz.completionpassgrade,
            allowofflineattempts: quiz.allowofflineattempts,
            autosaveperiod: AUTOSAVE_PERIOD,
        }),
        // No overall feedback texts are seeded (`quiz_has_feedback`).
        hasfeedback: 0,
        hasquestions: allowed.map(i64::from),
    }
}
