//! The quiz functions' requests: names and parameters as the Moodle App sends them.

use super::{
    ATTEMPT_ACCESS, ATTEMPT_DATA, ATTEMPT_REVIEW, ATTEMPT_SUMMARY, BEST_GRADE, PROCESS_ATTEMPT,
    QUIZ_ACCESS, QUIZZES_BY_COURSES, REQUIRED_QTYPES, SAVE_ATTEMPT, START_ATTEMPT, USER_ATTEMPTS,
};
use crate::Error;
use crate::error::Result;
use crate::question_html::answer_fields;
use crate::{Params, Value};
use juko_model::{Answer, Attempt, AttemptId, CourseId, Question, QuizId};

pub(crate) const VIEW_QUIZ: &str = "mod_quiz_view_quiz";
pub(crate) const VIEW_ATTEMPT: &str = "mod_quiz_view_attempt";
pub(crate) const VIEW_ATTEMPT_SUMMARY: &str = "mod_quiz_view_attempt_summary";
pub(crate) const VIEW_ATTEMPT_REVIEW: &str = "mod_quiz_view_attempt_review";

/// `preflightdata[0][name]=confirmdatasaved&preflightdata[0][value]=1`, as the App sends it.
fn preflight() -> Value {
    Value::name_values([("confirmdatasaved", "1")])
}

fn data(fields: Vec<(String, String)>) -> Value {
    Value::name_values(fields)
}

pub(crate) fn quizzes_by_courses(course: CourseId) -> (&'static str, Params) {
    (
        QUIZZES_BY_COURSES,
        Params::new().with("courseids", vec![course]),
    )
}

pub(crate) fn quiz_access(quiz: QuizId) -> (&'static str, Params) {
    (QUIZ_ACCESS, Params::new().with("quizid", quiz))
}

/// For `attempt`, or (`None`) for the learner's last attempt: what blocks a new one.
pub(crate) fn attempt_access(quiz: QuizId, attempt: Option<AttemptId>) -> (&'static str, Params) {
    (
        ATTEMPT_ACCESS,
        Params::new()
            .with("quizid", quiz)
            .with("attemptid", attempt.map_or(0, |a| a.0)),
    )
}

pub(crate) fn required_qtypes(quiz: QuizId) -> (&'static str, Params) {
    (REQUIRED_QTYPES, Params::new().with("quizid", quiz))
}

/// Every attempt of the signed-in learner (`userid=0` is "me").
pub(crate) fn user_attempts(quiz: QuizId) -> (&'static str, Params) {
    (
        USER_ATTEMPTS,
        Params::new()
            .with("quizid", quiz)
            .with("userid", 0)
            .with("status", "all")
            .with("includepreviews", true),
    )
}

pub(crate) fn best_grade(quiz: QuizId) -> (&'static str, Params) {
    (
        BEST_GRADE,
        Params::new().with("quizid", quiz).with("userid", 0),
    )
}

pub(crate) fn start_attempt(quiz: QuizId) -> (&'static str, Params) {
    (
        START_ATTEMPT,
        Params::new()
            .with("quizid", quiz)
            .with("preflightdata", preflight())
            .with("forcenew", false),
    )
}

pub(crate) fn attempt_data(attempt: AttemptId, page: u32) -> (&'static str, Params) {
    (
        ATTEMPT_DATA,
        Params::new()
            .with("attemptid", attempt)
            .with("page", page)
            .with("preflightdata", preflight()),
    )
}

pub(crate) fn attempt_summary(attempt: AttemptId) -> (&'static str, Params) {
    (
        ATTEMPT_SUMMARY,
        Params::new()
            .with("attemptid", attempt)
            .with("preflightdata", preflight()),
    )
}

/// The form fields of every answer, in order. An answer that does not fit its question (another
/// kind, a choice it does not have) is refused before anything is sent.
pub(crate) fn answers_data(
    attempt: &Attempt,
    answers: &[(Question, Answer)],
) -> Result<Vec<(String, String)>> {
    let mut fields = Vec::new();
    for (question, answer) in answers {
        let more =
            answer_fields(attempt.usage, question, answer).ok_or(Error::AnswerDoesNotFit {
                slot: question.slot,
            })?;
        fields.extend(more);
    }
    Ok(fields)
}

pub(crate) fn save_attempt(
    attempt: AttemptId,
    fields: Vec<(String, String)>,
) -> (&'static str, Params) {
    (
        SAVE_ATTEMPT,
        Params::new()
            .with("attemptid", attempt)
            .with("data", data(fields))
            .with("preflightdata", preflight()),
    )
}

pub(crate) fn process_attempt(
    attempt: AttemptId,
    fields: Vec<(String, String)>,
    finish: bool,
    time_up: bool,
) -> (&'static str, Params) {
    (
        PROCESS_ATTEMPT,
        Params::new()
            .with("attemptid", attempt)
            .with("data", data(fields))
            .with("finishattempt", finish)
            .with("timeup", time_up)
            .with("preflightdata", preflight()),
    )
}

/// Every page at once (`page=-1`).
pub(crate) fn attempt_review(attempt: AttemptId) -> (&'static str, Params) {
    (
        ATTEMPT_REVIEW,
        Params::new().with("attemptid", attempt).with("page", -1),
    )
}

pub(crate) fn view_quiz(quiz: QuizId) -> (&'static str, Params) {
    (VIEW_QUIZ, Params::new().with("quizid", quiz))
}

pub(crate) fn view_attempt(attempt: AttemptId, page: u32) -> (&'static str, Params) {
    (
        VIEW_ATTEMPT,
        Params::new()
            .with("attemptid", attempt)
            .with("page", page)
            .with("preflightdata", preflight()),
    )
}

pub(crate) fn view_attempt_summary(attempt: AttemptId) -> (&'static str, Params) {
    (
        VIEW_ATTEMPT_SUMMARY,
        Params::new()
            .with("attemptid", attempt)
            .with("preflightdata", preflight()),
    )
}

pub(crate) fn view_attempt_review(attempt: AttemptId) -> (&'static str, Params) {
    (
        VIEW_ATTEMPT_REVIEW,
        Params::new().with("attemptid", attempt),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check((function, params): (&str, Params), want_function: &str, want_body: &str) {
        assert_eq!(function, want_function);
        assert_eq!(params.encode(), want_body, "{function}");
    }

    const PREFLIGHT: &str = "preflightdata[0][name]=confirmdatasaved&preflightdata[0][value]=1";

    #[test]
    fn requests_carry_the_apps_parameters() {
        let (q, a) = (QuizId(15), AttemptId(9001));
        check(
            quizzes_by_courses(CourseId(42)),
            QUIZZES_BY_COURSES,
            "courseids[0]=42",
        );
        check(quiz_access(q), QUIZ_ACCESS, "quizid=15");
        check(
            attempt_access(q, None),
            ATTEMPT_ACCESS,
            "quizid=15&attemptid=0",
        );
        check(
            attempt_access(q, Some(a)),
            ATTEMPT_ACCESS,
            "quizid=15&attemptid=9001",
        );
        check(required_qtypes(q), REQUIRED_QTYPES, "quizid=15");
        check(
            user_attempts(q),
            USER_ATTEMPTS,
            "quizid=15&userid=0&status=all&includepreviews=1",
        );
        check(best_grade(q), BEST_GRADE, "quizid=15&userid=0");
        check(
            start_attempt(q),
            START_ATTEMPT,
            &format!("quizid=15&{PREFLIGHT}&forcenew=0"),
        );
        check(
            attempt_data(a, 2),
            ATTEMPT_DATA,
            &format!("attemptid=9001&page=2&{PREFLIGHT}"),
        );
        check(
            attempt_summary(a),
            ATTEMPT_SUMMARY,
            &format!("attemptid=9001&{PREFLIGHT}"),
        );
        check(attempt_review(a), ATTEMPT_REVIEW, "attemptid=9001&page=-1");
        check(view_quiz(q), VIEW_QUIZ, "quizid=15");
        check(
            view_attempt(a, 1),
            VIEW_ATTEMPT,
            &format!("attemptid=9001&page=1&{PREFLIGHT}"),
        );
        check(
            view_attempt_summary(a),
            VIEW_ATTEMPT_SUMMARY,
            &format!("attemptid=9001&{PREFLIGHT}"),
        );
        check(
            view_attempt_review(a),
            VIEW_ATTEMPT_REVIEW,
            "attemptid=9001",
        );
        let fields = vec![
            ("q45678:1_:sequencecheck".to_owned(), "1".to_owned()),
            ("q45678:1_answer".to_owned(), "0".to_owned()),
        ];
        let data = "data[0][name]=q45678%3A1_%3Asequencecheck&data[0][value]=1&data[1][name]=q45678%3A1_answer&data[1][value]=0";
        check(
            save_attempt(a, fields.clone()),
            SAVE_ATTEMPT,
            &format!("attemptid=9001&{data}&{PREFLIGHT}"),
        );
        check(
            process_attempt(a, fields, true, false),
            PROCESS_ATTEMPT,
            &format!("attemptid=9001&{data}&finishattempt=1&timeup=0&{PREFLIGHT}"),
        );
    }
}
