//! Response bodies → model types, without any IO.
//!
//! The client uses these after each HTTP exchange; they are public so that the engine's tests,
//! or another transport, can decode recorded bodies the same way. Every function is total: any
//! body yields a value or a typed [`Error`], never a panic.
//!
//! The order of checks follows the Moodle App (§1.3): an object with an `exception` key is an
//! error, whatever else it holds; only then is the body read as the function's result.

use crate::error::{DecodeProblem, Error, Exception, Result};
use crate::{SiteUrl, Token, convert, enrol, news, quiz, wire};
use juko_model::{
    Announcement, Attempt, AttemptPage, AttemptReview, AttemptState, Board, BoardId, Course,
    CourseContents, CourseId, LectureId, LoginPolicy, Notification, Question, QuizOverview,
    SiteInfo,
};
use juko_model::{JoinOutcome, UserId};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) const TOKEN_ENDPOINT: &str = "login/token.php";
pub(crate) const PUBLIC_CONFIG: &str = "tool_mobile_get_public_config";
pub(crate) const SITE_INFO: &str = "core_webservice_get_site_info";
pub(crate) const USERS_COURSES: &str = "core_enrol_get_users_courses";
pub(crate) const COURSE_CONTENTS: &str = "core_course_get_contents";

/// Any REST function's result as `T`, after checking for the exception envelope.
/// Functions that return nothing answer `null`: decode them as `()`.
pub fn rest<T: DeserializeOwned>(function: &str, body: &[u8]) -> Result<T> {
    let body = json_start(function, body)?;
    if let Some(refusal) = refusal(function, body)? {
        return Err(refusal);
    }
    parse(function, body)
}

/// A `{status, warnings}` answer (view events, manual completion, enrolment). `status: false`
/// becomes [`Error::Declined`] with the first warning, as the App reports it.
pub fn status(function: &str, body: &[u8]) -> Result<()> {
    let answer: wire::Status = rest(function, body)?;
    if answer.status.0 {
        return Ok(());
    }
    let first = answer.warnings.into_iter().next();
    Err(Error::Declined {
        function: function.to_owned(),
        warningcode: first
            .as_ref()
            .and_then(|w| w.warningcode.clone())
            .map(|c| c.0),
        message: first.and_then(|w| w.message).unwrap_or_default(),
    })
}

/// `core_webservice_get_site_info`.
pub fn site_info(body: &[u8]) -> Result<SiteInfo> {
    rest::<wire::SiteInfo>(SITE_INFO, body).map(convert::site_info)
}

/// `core_enrol_get_users_courses`.
pub fn courses(body: &[u8]) -> Result<Vec<Course>> {
    let courses: Vec<wire::Course> = rest(USERS_COURSES, body)?;
    Ok(courses.into_iter().map(convert::course).collect())
}

/// `core_course_get_contents` for `course`.
pub fn course_contents(course: CourseId, body: &[u8]) -> Result<CourseContents> {
    rest::<Vec<wire::Section>>(COURSE_CONTENTS, body)
        .map(|sections| convert::course_contents(course, sections))
}

/// The certificate modules of a course, from the same answer.
pub fn certificates(
    course: CourseId,
    course_name: &str,
    body: &[u8],
) -> Result<Vec<crate::certificates::FoundCertificate>> {
    rest::<Vec<wire::Section>>(COURSE_CONTENTS, body)
        .map(|sections| crate::certificates::find(course, course_name, &sections))
}

/// `mod_forum_get_forums_by_courses`: the news forums (announcement boards) among the
/// forums listed, the site's being the one in `site_course`.
pub fn news_boards(site_course: CourseId, body: &[u8]) -> Result<Vec<(BoardId, Board)>> {
    news::news_boards(&rest(news::FORUMS_BY_COURSES, body)?, site_course)
}

/// `mod_forum_get_forum_discussions` of the news forum `board_id`: its announcements, bodies
/// sanitised.
pub fn announcements(board_id: BoardId, board: Board, body: &[u8]) -> Result<Vec<Announcement>> {
    news::announcements(&rest(news::FORUM_DISCUSSIONS, body)?, board_id, board)
}

/// `message_popup_get_popup_notifications`.
pub fn popup_notifications(body: &[u8]) -> Result<Vec<Notification>> {
    let f = news::POPUP_NOTIFICATIONS;
    news::notifications(f, &rest(f, body)?, "notifications")
}

/// `core_message_get_messages` (notifications): the fallback for sites without popups.
pub fn message_notifications(body: &[u8]) -> Result<Vec<Notification>> {
    news::notifications(news::MESSAGES, &rest(news::MESSAGES, body)?, "messages")
}

/// `login/token.php`: the token, or the sign-in refusal as [`Error::Login`].
pub fn token(body: &[u8]) -> Result<Token> {
    let body = json_start(TOKEN_ENDPOINT, body)?;
    if let Some(refusal) = refusal(TOKEN_ENDPOINT, body)? {
        return Err(login_refusal(refusal));
    }
    let answer: wire::TokenAnswer = parse(TOKEN_ENDPOINT, body)?;
    match answer.token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Ok(Token::new(token.trim())),
        None => Err(shape(TOKEN_ENDPOINT, "no token in the answer")),
    }
}

/// token.php reports through the AJAX renderer (no exception class): that shape is a sign-in
/// refusal, [`Error::Login`]; anything else stays as it is.
fn login_refusal(refusal: Error) -> Error {
    match refusal {
        Error::Exception {
            exception:
                Exception {
                    class: None,
                    errorcode,
                    message,
                    ..
                },
            ..
        } => Error::Login {
            errorcode: errorcode.unwrap_or_default(),
            message,
        },
        other => other,
    }
}

/// `login/token.php?appsitecheck=1` on `site`: `{"appsitecheck":"ok"}` or it is not Moodle.
pub fn app_site_check(site: &SiteUrl, body: &[u8]) -> Result<()> {
    let not_moodle = |detail: &str| Error::NotMoodle {
        url: site.to_string(),
        detail: detail.to_owned(),
    };
    let Ok(body) = json_start(TOKEN_ENDPOINT, body) else {
        return Err(not_moodle("empty answer to the app site check"));
    };
    // A site that answers with token.php's own error shape is Moodle, refusing (web services off).
    if let Ok(Some(refusal)) = refusal(TOKEN_ENDPOINT, body) {
        return Err(login_refusal(refusal));
    }
    match serde_json::from_slice::<wire::AppSiteCheck>(body) {
        Ok(wire::AppSiteCheck {
            appsitecheck: Some(Value::String(ok)),
        }) if ok == "ok" => Ok(()),
        Ok(_) => Err(not_moodle("the app site check did not answer \"ok\"")),
        Err(_) if looks_like_html(body) => {
            Err(not_moodle("a web page answered the app site check"))
        }
        Err(_) => Err(not_moodle("the app site check did not answer JSON")),
    }
}

/// The AJAX endpoint's answer to `tool_mobile_get_public_config` (§2.2):
/// `[{"error":false,"data":{…}}]` or `[{"error":true,"exception":{…}}]`.
pub fn login_policy(body: &[u8]) -> Result<LoginPolicy> {
    let body = json_start(PUBLIC_CONFIG, body)?;
    if let Some(refusal) = refusal(PUBLIC_CONFIG, body)? {
        return Err(refusal);
    }
    let items: Vec<wire::AjaxItem<wire::PublicConfig>> = parse(PUBLIC_CONFIG, body)?;
    let Some(item) = items.into_iter().next() else {
        return Err(shape(PUBLIC_CONFIG, "an empty answer array"));
    };
    if item.error.is_some_and(|e| e.0) || item.exception.is_some() {
        let e = item.exception.unwrap_or(wire::AjaxException {
            message: None,
            errorcode: None,
            debuginfo: None,
        });
        let exception = Exception {
            class: None,
            errorcode: e.errorcode,
            message: e.message.unwrap_or_default(),
            debuginfo: e.debuginfo,
        };
        return Err(Error::Exception {
            function: PUBLIC_CONFIG.to_owned(),
            exception,
        });
    }
    match item.data {
        Some(data) => Ok(convert::login_policy(data)),
        None => Err(shape(PUBLIC_CONFIG, "no data in the answer")),
    }
}

/// The body from its first JSON byte: leading whitespace and a UTF-8 BOM (which a stray PHP file
/// on the site can print before the JSON) are skipped.
fn json_start<'b>(function: &str, body: &'b [u8]) -> Result<&'b [u8]> {
    let body = body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(body)
        .trim_ascii_start();
    if body.is_empty() {
        return Err(Error::Decode {
            function: function.to_owned(),
            problem: DecodeProblem::Empty,
        });
    }
    Ok(body)
}

/// The error an object body carries, if any. Arrays are results by construction.
pub(crate) fn refusal(function: &str, body: &[u8]) -> Result<Option<Error>> {
    if !body.starts_with(b"{") {
        return Ok(None);
    }
    let probe: wire::ErrorProbe = parse(function, body)?;
    let text = |v: Option<Value>| match v {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let exception = match (probe.exception, &probe.error) {
        // REST envelope: `{exception, errorcode, message, debuginfo?}`.
        (Some(class), _) if !class.is_null() => Exception {
            class: text(Some(class)),
            errorcode: text(probe.errorcode),
            message: text(probe.message).unwrap_or_default(),
            debuginfo: text(probe.debuginfo),
        },
        // AJAX renderer: `{error: "message", errorcode, …}`. `error: false` is not an error.
        (_, Some(Value::String(_))) => Exception {
            class: None,
            errorcode: text(probe.errorcode),
            message: text(probe.error).unwrap_or_default(),
            debuginfo: text(probe.debuginfo),
        },
        _ => return Ok(None),
    };
    Ok(Some(Error::Exception {
        function: function.to_owned(),
        exception,
    }))
}

fn parse<T: DeserializeOwned>(function: &str, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        let problem = match e.classify() {
            Category::Eof => DecodeProblem::Truncated,
            Category::Data => DecodeProblem::Shape(e.to_string()),
            Category::Syntax | Category::Io if looks_like_html(body) => DecodeProblem::Html,
            Category::Syntax | Category::Io => DecodeProblem::NotJson(e.to_string()),
        };
        Error::Decode {
            function: function.to_owned(),
            problem,
        }
    })
}

fn looks_like_html(body: &[u8]) -> bool {
    body.trim_ascii_start().starts_with(b"<")
}

fn shape(function: &str, what: &str) -> Error {
    Error::Decode {
        function: function.to_owned(),
        problem: DecodeProblem::Shape(what.to_owned()),
    }
}

// ---- Tests (quizzes, §6) -------------------------------------------------------------------

/// The answers [`quiz_overview`] reads, one body per function, for the same quiz.
#[derive(Clone, Copy, Debug)]
pub struct QuizBodies<'a> {
    /// `mod_quiz_get_quizzes_by_courses` for the quiz's course.
    pub quizzes: &'a [u8],
    /// `mod_quiz_get_quiz_access_information`.
    pub access: &'a [u8],
    /// `mod_quiz_get_quiz_required_qtypes`.
    pub required_qtypes: &'a [u8],
    /// `mod_quiz_get_user_attempts` (`status=all`).
    pub attempts: &'a [u8],
    /// `mod_quiz_get_attempt_access_information` for the open attempt, else attempt 0.
    pub attempt_access: &'a [u8],
    /// `mod_quiz_get_user_best_grade`.
    pub best_grade: &'a [u8],
}

/// A test's page: the quiz of course module `module`, what the learner may do, their attempts
/// (raw marks rescaled to the quiz's grade) and best grade.
pub fn quiz_overview(module: LectureId, bodies: &QuizBodies<'_>) -> Result<QuizOverview> {
    let quiz = quiz::find_quiz(rest(quiz::QUIZZES_BY_COURSES, bodies.quizzes)?, module)?;
    let attempt_access: wire::AttemptAccess = rest(quiz::ATTEMPT_ACCESS, bodies.attempt_access)?;
    let access = quiz::access(
        rest(quiz::QUIZ_ACCESS, bodies.access)?,
        &attempt_access,
        rest(quiz::REQUIRED_QTYPES, bodies.required_qtypes)?,
    );
    quiz::overview(
        &quiz,
        access,
        rest(quiz::USER_ATTEMPTS, bodies.attempts)?,
        &attempt_access,
        rest(quiz::BEST_GRADE, bodies.best_grade)?,
    )
}

/// `mod_quiz_get_attempt_access_information`: when the attempt must be submitted, if ever.
pub fn attempt_deadline(body: &[u8]) -> Result<Option<i64>> {
    rest(quiz::ATTEMPT_ACCESS, body).map(|a| quiz::deadline(&a))
}

/// `mod_quiz_start_attempt`: the new attempt, or [`Error::Declined`] with the site's reasons
/// (no attempts left, closed, …) when it answers with an empty attempt and warnings.
pub fn start_attempt(body: &[u8]) -> Result<Attempt> {
    rest(quiz::START_ATTEMPT, body).and_then(quiz::started)
}

/// `mod_quiz_get_attempt_data` for page `page`: the attempt (without its deadline, which comes
/// from [`attempt_deadline`]) and the page's questions read into native questions.
pub fn attempt_data(page: u32, body: &[u8]) -> Result<AttemptPage> {
    rest(quiz::ATTEMPT_DATA, body).and_then(|w| quiz::attempt_page(page, w))
}

/// `mod_quiz_get_attempt_summary` of `attempt`: every question the learner may see.
pub fn attempt_summary(attempt: &Attempt, body: &[u8]) -> Result<Vec<Question>> {
    let summary: wire::AttemptSummary = rest(quiz::ATTEMPT_SUMMARY, body)?;
    quiz::questions(quiz::ATTEMPT_SUMMARY, attempt.usage, &summary.questions)
}

/// `mod_quiz_save_attempt`: `{status, warnings}`; a warning is a refusal.
pub fn save_attempt(body: &[u8]) -> Result<()> {
    rest(quiz::SAVE_ATTEMPT, body).and_then(quiz::saved)
}

/// `mod_quiz_process_attempt`: the attempt's state afterwards; a warning is a refusal.
pub fn process_attempt(body: &[u8]) -> Result<AttemptState> {
    rest(quiz::PROCESS_ATTEMPT, body).and_then(quiz::processed)
}

/// `mod_quiz_get_attempt_review`: the finished attempt's questions, read-only, with the grade,
/// marks and feedback the review options show.
pub fn attempt_review(body: &[u8]) -> Result<AttemptReview> {
    rest(quiz::ATTEMPT_REVIEW, body).and_then(quiz::review)
}

// ---- Facility join (§5) ---------------------------------------------------------------------

/// `core_course_get_courses_by_field` (no field): the courses a learner may join with a code.
pub fn joinable_courses(body: &[u8]) -> Result<Vec<Course>> {
    rest(enrol::COURSES_BY_FIELD, body).map(enrol::joinable)
}

/// `core_enrol_get_course_enrolment_methods`: the instance to send the code to, or the
/// site's reason why none takes one now.
pub(crate) fn join_offer(body: &[u8]) -> Result<enrol::Offer> {
    rest(enrol::ENROLMENT_METHODS, body).map(enrol::offer)
}

/// `enrol_self_enrol_user`: joined, or why not (a wrong code is an outcome, not an error).
pub fn join_outcome(body: &[u8]) -> Result<JoinOutcome> {
    match rest(enrol::ENROL_SELF, body) {
        Ok(answer) => Ok(enrol::outcome(answer)),
        Err(e) => enrol::refused_by_exception(e),
    }
}

/// `core_user_get_users_by_field` for the learner `user`: their 施設ユーザーID, if any.
pub fn facility_user_id(user: UserId, body: &[u8]) -> Result<Option<String>> {
    rest(enrol::USERS_BY_FIELD, body).map(|profiles| enrol::facility_user_id(user, profiles))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(body: &str) -> Option<DecodeProblem> {
        match rest::<Vec<i64>>("f", body.as_bytes()) {
            Err(Error::Decode { problem, .. }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn unreadable_bodies_are_named() {
        assert_eq!(problem(""), Some(DecodeProblem::Empty));
        assert_eq!(problem("  \n"), Some(DecodeProblem::Empty));
        assert_eq!(
            problem("<!DOCTYPE html><html><body>Log in</body></html>"),
            Some(DecodeProblem::Html)
        );
        assert_eq!(problem("[1, 2"), Some(DecodeProblem::Truncated));
        assert_eq!(
            problem("{\"exception\": \"moodle_ex"),
            Some(DecodeProblem::Truncated)
        );
        assert!(matches!(
            problem("Fatal error: out of memory"),
            Some(DecodeProblem::NotJson(_))
        ));
        assert!(matches!(
            problem("[1] trailing"),
            Some(DecodeProblem::NotJson(_))
        ));
        assert!(matches!(problem("[\"a\"]"), Some(DecodeProblem::Shape(_))));
        assert!(matches!(
            problem("{\"a\": 1}"),
            Some(DecodeProblem::Shape(_))
        ));
    }

    #[test]
    fn a_bom_and_whitespace_are_skipped() {
        assert_eq!(
            rest::<Vec<i64>>("f", b"\xEF\xBB\xBF\n [1]").unwrap(),
            vec![1]
        );
    }

    #[test]
    fn exception_wins_over_a_matching_shape() {
        // A result type that would accept anything must still see the error.
        let body = br#"{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token"}"#;
        let e = rest::<Value>("core_webservice_get_site_info", body).unwrap_err();
        assert!(e.is_session_invalid(), "{e:?}");
    }

    #[test]
    fn null_results_decode_as_unit() {
        rest::<()>("core_user_update_user_preferences", b"null").unwrap();
    }

    #[test]
    fn ajax_false_error_is_not_an_error() {
        assert_eq!(
            rest::<Value>("f", br#"{"error": false, "x": 1}"#).unwrap()["x"],
            1
        );
    }
}
