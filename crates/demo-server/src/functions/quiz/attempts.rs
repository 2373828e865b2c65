//! `mod_quiz_get_user_attempts` and `mod_quiz_get_user_best_grade`: a learner's own attempts
//! and best grade. Marks show only where the review options allow them; another user's
//! attempts need `mod/quiz:viewreports`, which learners lack.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::review::{self, MARK_AND_MAX};
use super::{OpenQuiz, validate_quiz};
use crate::db::{self, AttemptFilter, AttemptRow, QuizRow, UserRow};
use crate::error::{Error, Result};
use crate::functions::Ctx;
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttemptsParams {
    quizid: i64,
    /// 0 = the caller.
    #[serde(default)]
    userid: i64,
    /// `all`, `finished` or `unfinished`.
    #[serde(default = "finished")]
    status: String,
    #[serde(default = "no")]
    includepreviews: MoodleBool,
}

fn finished() -> String {
    "finished".to_owned()
}

fn no() -> MoodleBool {
    MoodleBool(false)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BestGradeParams {
    quizid: i64,
    #[serde(default)]
    userid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Attempts {
    attempts: Vec<Attempt>,
    warnings: Vec<serde_json::Value>,
}

/// `attempt_structure()`, every field optional. The demo has no extra grade items, so
/// `gradeitemmarks` is empty, and sent only with the mark, as Moodle does; no manual
/// grading, so no notification time.
#[derive(Debug, Serialize)]
pub(super) struct Attempt {
    id: i64,
    quiz: i64,
    userid: i64,
    attempt: i64,
    uniqueid: i64,
    layout: String,
    currentpage: i64,
    preview: i64,
    state: String,
    timestart: i64,
    timefinish: i64,
    timemodified: i64,
    timemodifiedoffline: i64,
    timecheckstate: Option<i64>,
    sumgrades: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gradeitemmarks: Option<Vec<serde_json::Value>>,
    gradednotificationsenttime: Option<i64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct BestGrade {
    hasgrade: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gradetopass: Option<f64>,
    warnings: Vec<serde_json::Value>,
}

/// Whose attempts: the caller, or another user, which needs a capability learners lack.
/// An unknown user is `invalidrecord` first, as `core_user::get_user(MUST_EXIST)` is.
fn whose(conn: &Connection, caller: &UserRow, userid: i64) -> Result<i64> {
    if userid == 0 || userid == caller.id {
        return Ok(caller.id);
    }
    db::user_by_id(conn, userid)?.ok_or_else(|| Error::missing_record("user"))?;
    Err(Error::NoPermissions {
        capability: "View quiz reports",
    })
}

pub(crate) async fn get_user_attempts(ctx: &Ctx, params: AttemptsParams) -> Result<Attempts> {
    let caller = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let tx = conn.transaction()?;
            let open = validate_quiz(&tx, &caller, params.quizid)?;
            let filter = match params.status.as_str() {
                "all" => AttemptFilter::All,
                "finished" => AttemptFilter::Finished,
                "unfinished" => AttemptFilter::Unfinished,
                _ => return Err(Error::invalid_parameter("Invalid status value")),
            };
            let userid = whose(&tx, &caller, params.userid)?;
            as_cron_left_it(&tx, &open, userid, now)?;
            tx.commit()?;
            let quiz = open.quiz;
            let rows = db::user_attempts(conn, quiz.id, userid, filter, params.includepreviews.0)?;
            Ok(Attempts {
                attempts: rows.iter().map(|row| attempt(&quiz, row, now)).collect(),
                warnings: Vec::new(),
            })
        })
        .await
}

/// Moodle's cron (`update_overdue_attempts`, every minute) submits or abandons attempts whose
/// time ran out, whether or not anyone opens them; the demo has no cron, so it does the same
/// for this quiz's attempts of `userid` before answering about them.
fn as_cron_left_it(conn: &Connection, open: &OpenQuiz, userid: i64, now: i64) -> Result<()> {
    super::attempt::expire_unfinished(conn, open, userid, now).map(drop)
}

/// An attempt as its owner sees it: the mark only once finished and the review options
/// allow marks.
pub(super) fn attempt(quiz: &QuizRow, row: &AttemptRow, now: i64) -> Attempt {
    let marks_shown = row.state == "finished" && review::marks(quiz, row, now) >= MARK_AND_MAX;
    Attempt {
        id: row.id,
        quiz: row.quiz,
        userid: row.userid,
        attempt: row.attempt,
        uniqueid: row.uniqueid,
        layout: row.layout.clone(),
        currentpage: row.currentpage,
        preview: row.preview,
        state: row.state.clone(),
        timestart: row.timestart,
        timefinish: row.timefinish,
        timemodified: row.timemodified,
        timemodifiedoffline: row.timemodifiedoffline,
        timecheckstate: row.timecheckstate,
        sumgrades: row.sumgrades.filter(|_| marks_shown),
        gradeitemmarks: marks_shown.then(Vec::new),
        gradednotificationsenttime: None,
    }
}

pub(crate) async fn get_user_best_grade(ctx: &Ctx, params: BestGradeParams) -> Result<BestGrade> {
    let caller = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let tx = conn.transaction()?;
            let open = validate_quiz(&tx, &caller, params.quizid)?;
            let userid = whose(&tx, &caller, params.userid)?;
            as_cron_left_it(&tx, &open, userid, now)?;
            tx.commit()?;
            let quiz = open.quiz;
            let attempts = db::user_attempts(conn, quiz.id, userid, AttemptFilter::All, false)?;
            // Every attempt must let marks show (`quiz_get_combined_reviewoptions`).
            let can_view = !attempts.is_empty()
                && attempts
                    .iter()
                    .all(|a| review::marks(&quiz, a, now) >= MARK_AND_MAX);
            // The grade kept when an attempt was finished (`quiz_grades`).
            let grade = if can_view {
                db::best_grade(conn, quiz.id, userid)?
            } else {
                None
            };
            Ok(BestGrade {
                hasgrade: grade.is_some(),
                grade,
                gradetopass: (quiz.gradepass != 0.0).then_some(quiz.gradepass),
                warnings: Vec::new(),
            })
        })
        .await
}

/// `quiz_calculate_best_grade` over the finished attempts, rescaled to the quiz's grade.
pub(super) fn best_grade(quiz: &QuizRow, attempts: &[AttemptRow]) -> Option<f64> {
    let marks: Vec<f64> = attempts
        .iter()
        .filter(|a| a.state == "finished")
        .filter_map(|a| a.sumgrades)
        .collect();
    let raw = match quiz.grademethod {
        // QUIZ_GRADEAVERAGE
        2 if !marks.is_empty() => Some(marks.iter().sum::<f64>() / marks.len() as f64),
        // QUIZ_ATTEMPTFIRST, QUIZ_ATTEMPTLAST
        3 => marks.first().copied(),
        4 => marks.last().copied(),
        // QUIZ_GRADEHIGHEST
        _ => marks.iter().copied().reduce(f64::max),
    }?;
    if quiz.sumgrades > 0.0 {
        Some(raw * quiz.grade / quiz.sumgrades)
    } else {
        Some(0.0)
    }
}
