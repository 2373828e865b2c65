//! `mod_quiz_*`: the learner's side of Moodle quizzes (the units' tests).
//!
//! Every function but `get_quizzes_by_courses` starts as Moodle's `validate_quiz` does: the
//! quiz must exist (`invalidrecord`) and the learner must be able to open its module
//! (`require_login_exception`), so a learner outside the course learns nothing about it.

mod access;
mod attempt;
mod attempts;
mod engine;
mod quizzes;
mod render;
mod review;
mod review_attempt;
mod taking;

use rusqlite::Connection;
use serde::Deserialize;

pub(crate) use access::{get_quiz_access_information, get_quiz_required_qtypes};
pub(crate) use attempts::{get_user_attempts, get_user_best_grade};
pub(crate) use quizzes::get_quizzes_by_courses;
pub(crate) use review_attempt::{get_attempt_review, view_attempt_review};
pub(crate) use taking::{
    get_attempt_access_information, get_attempt_data, get_attempt_summary, process_attempt,
    save_attempt, start_attempt, view_attempt, view_attempt_summary,
};

use super::{Ctx, StatusResult, enter_course};
use crate::access::{CourseView, Denied};
use crate::db::{self, LogEvent, QuizRow, UserRow};
use crate::error::{Error, Result};

/// The only parameter of most quiz functions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuizIdParams {
    quizid: i64,
}

/// A quiz the learner may open, and its module's context id.
pub(super) struct OpenQuiz {
    pub(super) quiz: QuizRow,
    pub(super) contextid: i64,
}

/// `validate_quiz`: the quiz exists and its module is open to the learner.
pub(super) fn validate_quiz(conn: &Connection, user: &UserRow, quizid: i64) -> Result<OpenQuiz> {
    let quiz = db::quiz_by_id(conn, quizid)?.ok_or_else(|| Error::missing_record("quiz"))?;
    let denied = |denied: Denied| Error::RequireLogin {
        reason: denied.reason(),
    };
    enter_course(conn, user, quiz.course)?.map_err(denied)?;
    let view = CourseView::load(conn, quiz.course, user.id)?;
    let contextid = view.open_module(quiz.cmid).map_err(denied)?.row.contextid;
    Ok(OpenQuiz { quiz, contextid })
}

/// `mod_quiz_view_quiz`: logs the view. Quizzes here have no "complete on view" rule.
pub(crate) async fn view_quiz(ctx: &Ctx, params: QuizIdParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let open = validate_quiz(conn, &user, params.quizid)?;
            db::log_event(
                conn,
                &LogEvent {
                    eventname: "\\mod_quiz\\event\\course_module_viewed",
                    component: "mod_quiz",
                    action: "viewed",
                    target: "course_module",
                    objectid: Some(open.quiz.id),
                    contextid: open.contextid,
                    userid: user.id,
                    courseid: open.quiz.course,
                    other: None,
                    timecreated: now,
                },
            )?;
            db::touch_lastaccess(conn, user.id, open.quiz.course, now)?;
            Ok(StatusResult::ok())
        })
        .await
}
