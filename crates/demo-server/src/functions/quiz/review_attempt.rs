//! `mod_quiz_get_attempt_review` and `mod_quiz_view_attempt_review`: a finished attempt as
//! its owner may review it, by the quiz's review options at this moment.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::attempt::{self, AttemptEvent, FINISHED, Loaded, Questions, pages};
use super::attempts::{Attempt, attempt as attempt_json};
use super::render::{QuestionData, questions_data};
use super::review::{Display, MARK_AND_MAX};
use crate::db::UserRow;
use crate::error::{Error, Result};
use crate::functions::{Ctx, StatusResult, Warning};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewParams {
    attemptid: i64,
    /// -1 = every page.
    #[serde(default = "all_pages")]
    page: i64,
}

fn all_pages() -> i64 {
    -1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewReviewParams {
    attemptid: i64,
}

/// `get_attempt_review_returns()`.
#[derive(Debug, Serialize)]
pub(crate) struct Review {
    /// The attempt's grade on the quiz's scale (`quiz_rescale_grade` unformatted): a number.
    grade: Option<f64>,
    attempt: Attempt,
    additionaldata: Vec<AdditionalData>,
    questions: Vec<QuestionData>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
struct AdditionalData {
    id: String,
    title: String,
    content: String,
}

/// `validate_attempt_review`: the learner's own attempt, finished, with review allowed now.
/// Another learner's attempt needs `mod/quiz:viewreports` (`noreviewattempt`); a quiz the
/// learner cannot open, the review capability.
fn validate_review(
    conn: &Connection,
    user: &UserRow,
    attemptid: i64,
    now: i64,
) -> Result<(Loaded, Display)> {
    let loaded = match attempt::load(conn, user, attemptid) {
        Err(Error::RequireLogin { .. }) => {
            return Err(Error::NoPermissions {
                capability: "Review your own attempts",
            });
        }
        other => other?,
    };
    if loaded.attempt.userid != user.id {
        return Err(Error::quiz(
            "noreviewattempt",
            "You are not allowed to review this attempt.",
        ));
    }
    let display = Display::review(&loaded.open.quiz, &loaded.attempt, now);
    if loaded.attempt.state != FINISHED && loaded.attempt.state != attempt::ABANDONED {
        return Err(Error::quiz("attemptclosed", "Attempt has not closed yet"));
    }
    if !display.attempt {
        return Err(Error::Quiz {
            errorcode: "noreview",
            message: "You are not able to review this quiz".to_owned(),
            debuginfo: Some("The quiz's review options do not allow a review now.".to_owned()),
        });
    }
    Ok((loaded, display))
}

pub(crate) async fn get_attempt_review(ctx: &Ctx, params: ReviewParams) -> Result<Review> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (loaded, display) = validate_review(conn, &user, params.attemptid, now)?;
            let quiz = &loaded.open.quiz;
            let count = pages(&loaded.attempt.layout).len() as i64;
            let page = (params.page != -1).then(|| params.page.clamp(0, (count - 1).max(0)));
            let questions = Questions::load(conn, loaded.attempt.uniqueid)?;
            let data = questions_data(&loaded, &questions, page, display, |_| true);
            // Moodle computes the grade before it blanks the marks the options hide, so a
            // learner could read it anyway; the demo hides it with them.
            let marks_shown = display.marks >= MARK_AND_MAX;
            let grade = loaded.attempt.sumgrades.filter(|_| marks_shown).map(|sum| {
                if quiz.sumgrades >= 0.000_005 {
                    sum * quiz.grade / quiz.sumgrades
                } else {
                    0.0
                }
            });
            Ok(Review {
                grade,
                attempt: attempt_json(quiz, &loaded.attempt, now),
                // Deferred feedback adds no summary, and the demo's quizzes have no overall
                // feedback (`hasfeedback` 0).
                additionaldata: Vec::new(),
                questions: data,
                warnings: Vec::new(),
            })
        })
        .await
}

pub(crate) async fn view_attempt_review(
    ctx: &Ctx,
    params: ViewReviewParams,
) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (loaded, _) = validate_review(conn, &user, params.attemptid, now)?;
            attempt::log(
                conn,
                &loaded.open,
                &loaded.attempt,
                AttemptEvent::Reviewed,
                now,
            )?;
            Ok(StatusResult::ok())
        })
        .await
}
