//! The one error type of the server, and the three envelopes Moodle wraps errors in.
//!
//! * REST (`webservice/rest/server.php`): HTTP 200, `{exception, errorcode, message, debuginfo?}`.
//! * AJAX fatal error (`login/token.php`, `webservice/pluginfile.php`):
//!   `{error, errorcode, stacktrace, debuginfo, reproductionlink}`.
//! * AJAX call (`lib/ajax/service.php`): `{error: true, exception: {message, errorcode, …}}` per call.
//!
//! Internal and database errors are logged with their detail and shown to clients only as a
//! generic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::borrow::Cow;

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error("Invalid token - token not found")]
    InvalidToken,
    /// `webservice_access_exception`: expired token, function outside the service, …
    /// Moodle puts the reason in debuginfo only.
    #[error("Access control exception")]
    AccessException { debuginfo: String },
    #[error("Invalid parameter value detected")]
    InvalidParameter { debuginfo: String },
    /// An unknown `core_course_get_contents` option name (`errorinvalidparam`).
    #[error("The param \"{name}\" is invalid.")]
    InvalidOption { name: String },
    /// `dml_missing_record_exception`: a bad id, or an unknown wsfunction.
    #[error("Can't find data record in database table {table}.")]
    InvalidRecord {
        table: &'static str,
        debuginfo: Option<String>,
    },
    #[error("Course or activity not accessible. ({reason})")]
    RequireLogin { reason: &'static str },
    /// What course functions turn a failed context validation into.
    #[error(
        "You cannot execute functions in the course context (course id:{courseid}). \
         The context error message was: Course or activity not accessible. ({reason})"
    )]
    CourseContextNotValid { courseid: i64, reason: &'static str },
    #[error("Sorry, but you do not currently have permissions to do that ({capability}).")]
    NoPermissions { capability: &'static str },
    #[error("This section does not exist")]
    SectionNotExist,
    /// `core_completion_update_activity_completion_status_manually` on a module whose tracking
    /// is not manual.
    #[error("Activity does not provide manual tracking")]
    CannotManualTrack,
    #[error("Completion is not enabled")]
    CompletionNotEnabled,
    /// A `moodle_exception` whose error code has no language string, so Moodle's message is
    /// `error/<code>`: `mymoodlesetup` (no such dashboard page), the calendar's limit check
    /// (its sentence is the code), `nopermission` (the calendar's capability refusal).
    #[error("error/{errorcode}")]
    NoLangString {
        exception: &'static str,
        errorcode: &'static str,
    },
    /// A `moodle_exception` thrown with a sentence as its error code (`mod_forum`'s "Unable to
    /// find forum with id 7"): the code is the sentence, the message `error/<sentence>`.
    #[error("error/{errorcode}")]
    Unworded { errorcode: String },
    /// Moodle's `accessdenied` (module `admin`): someone else's messages.
    #[error("Access denied")]
    AccessDenied,
    /// `invaliduser`: a user id that names no real user.
    #[error("Invalid user")]
    InvalidUser,
    /// A quiz's `moodle_exception` (module `quiz` or `question`): its code and its language
    /// string, or `quiz/<code>` where Moodle has none (`Invalid page number`).
    #[error("{message}")]
    Quiz {
        errorcode: &'static str,
        message: String,
        debuginfo: Option<String>,
    },
    /// `canntenrol` (enrol_self): the course has no enabled self-enrolment to try.
    #[error("Enrolment is disabled or inactive")]
    CanntEnrol,
    #[error("Invalid login, please try again")]
    InvalidLogin,
    #[error("Web service is not available (it doesn't exist or might be disabled)")]
    ServiceNotAvailable,
    #[error("A required parameter ({0}) was missing")]
    MissingParam(&'static str),
    /// An AJAX call to a function that needs a session (this demo has no browser sessions).
    #[error("This service requires a session login")]
    ServiceRequiresLogin,
    #[error("Sorry, the requested file could not be found")]
    FileNotFound,
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("internal: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub(crate) fn invalid_parameter(debuginfo: impl Into<String>) -> Error {
        Error::InvalidParameter {
            debuginfo: debuginfo.into(),
        }
    }

    /// A quiz exception whose code has a language string.
    pub(crate) fn quiz(errorcode: &'static str, message: &str) -> Error {
        Error::Quiz {
            errorcode,
            message: message.to_owned(),
            debuginfo: None,
        }
    }

    /// A quiz exception whose code has no language string: Moodle's message is `quiz/<code>`.
    pub(crate) fn quiz_unworded(errorcode: &'static str) -> Error {
        Error::Quiz {
            errorcode,
            message: format!("quiz/{errorcode}"),
            debuginfo: None,
        }
    }

    /// A `moodle_exception` whose code is a sentence (see `Error::Unworded`).
    pub(crate) fn unworded(errorcode: impl Into<String>) -> Error {
        Error::Unworded {
            errorcode: errorcode.into(),
        }
    }

    pub(crate) fn missing_record(table: &'static str) -> Error {
        Error::InvalidRecord {
            table,
            debuginfo: None,
        }
    }

    /// The PHP exception class Moodle reports.
    fn exception_class(&self) -> &'static str {
        match self {
            Error::AccessException { .. } => "webservice_access_exception",
            Error::InvalidParameter { .. } => "invalid_parameter_exception",
            Error::InvalidRecord { .. } => "dml_missing_record_exception",
            Error::RequireLogin { .. } => "require_login_exception",
            Error::NoPermissions { .. } => "required_capability_exception",
            Error::Database(_) => "dml_read_exception",
            Error::NoLangString { exception, .. } => exception,
            // Thrown by the question engine itself where nothing catches it (autosave).
            Error::Quiz {
                errorcode: "submissionoutofsequence",
                ..
            } => "question_out_of_sequence_exception",
            _ => "moodle_exception",
        }
    }

    pub(crate) fn errorcode(&self) -> Cow<'static, str> {
        match self {
            Error::Unworded { errorcode } => Cow::Owned(errorcode.clone()),
            other => Cow::Borrowed(other.static_errorcode()),
        }
    }

    /// The code of every error but `Unworded`, whose code `errorcode` takes from the error.
    fn static_errorcode(&self) -> &'static str {
        match self {
            Error::Unworded { .. } => "",
            Error::AccessDenied => "accessdenied",
            Error::InvalidUser => "invaliduser",
            Error::InvalidToken => "invalidtoken",
            Error::AccessException { .. } => "accessexception",
            Error::InvalidParameter { .. } => "invalidparameter",
            Error::InvalidOption { .. } => "errorinvalidparam",
            Error::InvalidRecord { .. } => "invalidrecord",
            Error::RequireLogin { .. } => "requireloginerror",
            Error::CourseContextNotValid { .. } => "errorcoursecontextnotvalid",
            Error::NoPermissions { .. } => "nopermissions",
            Error::SectionNotExist => "sectionnotexist",
            Error::CannotManualTrack => "cannotmanualctrack",
            Error::CompletionNotEnabled => "completionnotenabled",
            Error::NoLangString { errorcode, .. } => errorcode,
            Error::Quiz { errorcode, .. } => errorcode,
            Error::CanntEnrol => "canntenrol",
            Error::InvalidLogin => "invalidlogin",
            Error::ServiceNotAvailable => "servicenotavailable",
            Error::MissingParam(_) => "missingparam",
            Error::ServiceRequiresLogin => "servicerequireslogin",
            Error::FileNotFound => "filenotfound",
            Error::Database(_) => "dmlreadexception",
            Error::Internal(_) => "generalexceptionmessage",
        }
    }

    /// The message shown to clients: never the detail of an internal error.
    fn message(&self) -> String {
        match self {
            Error::Database(_) => "Error reading from database".to_owned(),
            Error::Internal(_) => "Error: an internal error occurred".to_owned(),
            other => other.to_string(),
        }
    }

    fn debuginfo(&self) -> Option<String> {
        match self {
            Error::AccessException { debuginfo } | Error::InvalidParameter { debuginfo } => {
                Some(debuginfo.clone())
            }
            Error::InvalidRecord { debuginfo, .. } | Error::Quiz { debuginfo, .. } => {
                debuginfo.clone()
            }
            _ => None,
        }
    }

    fn is_internal(&self) -> bool {
        matches!(self, Error::Database(_) | Error::Internal(_))
    }

    /// Logs internal errors in full, once, where they are rendered.
    fn log(&self) {
        if self.is_internal() {
            tracing::error!(error = %self, "request failed");
        }
    }

    /// The REST envelope (`webservice/rest/server.php`).
    pub(crate) fn rest_body(&self) -> RestException {
        self.log();
        RestException {
            exception: self.exception_class(),
            errorcode: self.errorcode(),
            message: self.message(),
            debuginfo: self.debuginfo(),
        }
    }

    /// The AJAX renderer's fatal-error shape (`login/token.php`, `webservice/pluginfile.php`).
    pub(crate) fn ajax_fatal_body(&self) -> AjaxFatal {
        self.log();
        AjaxFatal {
            error: self.message(),
            errorcode: self.errorcode(),
            stacktrace: None,
            debuginfo: self.debuginfo(),
            reproductionlink: None,
        }
    }

    /// One failed call inside a `lib/ajax/service.php` response array.
    pub(crate) fn ajax_call_exception(&self) -> AjaxCallException {
        self.log();
        AjaxCallException {
            message: self.message(),
            errorcode: self.errorcode(),
            link: String::new(),
            moreinfourl: String::new(),
            debuginfo: self.debuginfo(),
        }
    }

    /// The HTTP status of a refused file download: the body says why.
    pub(crate) fn file_status(&self) -> StatusCode {
        match self {
            Error::FileNotFound | Error::InvalidRecord { .. } => StatusCode::NOT_FOUND,
            _ if self.is_internal() => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::FORBIDDEN,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct RestException {
    exception: &'static str,
    errorcode: Cow<'static, str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    debuginfo: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AjaxFatal {
    error: String,
    errorcode: Cow<'static, str>,
    stacktrace: Option<String>,
    debuginfo: Option<String>,
    reproductionlink: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AjaxCallException {
    message: String,
    errorcode: Cow<'static, str>,
    link: String,
    moreinfourl: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    debuginfo: Option<String>,
}

/// REST errors are HTTP 200, as in Moodle: clients look for the `exception` key.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        (StatusCode::OK, Json(self.rest_body())).into_response()
    }
}

/// Renders an error in the AJAX fatal-error shape with the given status.
pub(crate) struct AjaxFatalError(pub(crate) StatusCode, pub(crate) Error);

impl IntoResponse for AjaxFatalError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1.ajax_fatal_body())).into_response()
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Error {
        Error::Internal(anyhow::Error::new(err))
    }
}
