//! Everything that can go wrong talking to a Moodle site, as one typed error.
//!
//! The messages are English and meant for logs; screens map [`Error::kind`] and the predicates
//! below to their own (localized) words. No variant ever holds the token: the client scrubs it from
//! anything the site echoes back before the error leaves the crate.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The site answered with Moodle's exception envelope (HTTP 200, §1.3).
    #[error("{function}: the site refused: {exception}")]
    Exception {
        function: String,
        exception: Exception,
    },
    /// `login/token.php` refused the sign-in (its `{error, errorcode}` shape, §2.1).
    #[error("sign-in refused: {message} ({errorcode})")]
    Login { errorcode: String, message: String },
    /// A function that reports `{status: false, warnings}` instead of raising (view events,
    /// enrolment, manual completion).
    #[error("{function}: the site declined: {message}")]
    Declined {
        function: String,
        warningcode: Option<String>,
        message: String,
    },
    /// The HTTP exchange itself failed with a status Moodle does not use for its own errors.
    #[error("{endpoint}: HTTP {status}")]
    Http {
        endpoint: String,
        status: u16,
        retry_after_secs: Option<u64>,
    },
    /// No HTTP answer at all.
    #[error("{endpoint}: {kind}: {reason}")]
    Network {
        endpoint: String,
        kind: NetworkKind,
        reason: String,
    },
    /// An answer came, but not one we can read.
    #[error("{function}: {problem}")]
    Decode {
        function: String,
        problem: DecodeProblem,
    },
    /// What the learner typed is not a site address we can use.
    #[error("not a usable site address: {0}")]
    BadSiteUrl(SiteUrlProblem),
    /// The address answers, but not as a Moodle site with the app service (`appsitecheck`, §1.1).
    #[error("{url} does not answer like a Moodle site: {detail}")]
    NotMoodle { url: String, detail: String },
    /// An answer to send does not fit its question (another kind, a choice the question does not
    /// have): a caller's mistake, caught before anything is sent.
    #[error("the answer for the question in slot {slot} does not fit that question")]
    AnswerDoesNotFit { slot: u32 },
    /// A file (`pluginfile.php`) the site does not send this learner: 403 or 404 without
    /// Moodle's error JSON (a file removed, hidden, or not theirs).
    #[error("pluginfile.php: the file is not available (HTTP {status})")]
    FileNotAvailable { status: u16 },
    /// Nothing of a file from the asked offset on (HTTP 416): the file is shorter than that.
    #[error("pluginfile.php: nothing from the asked offset (HTTP 416)")]
    RangePastEnd,
}

/// Moodle's exception envelope: `{exception, errorcode, message, debuginfo?}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// The PHP exception class (`moodle_exception`, `require_login_exception`, …), when sent.
    pub class: Option<String>,
    /// Moodle's error code (`invalidtoken`, …). Newer sites leave it out for non-Moodle throwables.
    pub errorcode: Option<String>,
    pub message: String,
    /// Only present when the site runs with debugging on.
    pub debuginfo: Option<String>,
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match &self.errorcode {
            Some(code) => write!(f, " ({code})"),
            None => Ok(()),
        }
    }
}

/// What a site's refusal means for the app, from its error code (§1.6, §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExceptionKind {
    /// The token is unknown or was deleted: sign in again.
    InvalidToken,
    /// `accessexception`: expired token, function not in the service, IP restriction, …
    /// The App retries `core_webservice_get_site_info` once before asking for a new sign-in.
    AccessDenied,
    /// Wrong username or password (includes lockout).
    WrongLogin,
    /// The site is in maintenance mode: retry later.
    Maintenance,
    /// The course or activity is not open to this learner (not enrolled, hidden, restricted, gone).
    NotAvailable,
    /// The learner must act on the web site first (policy, profile, password change, confirmation).
    NeedsBrowser,
    /// The account is suspended or deleted: sign out.
    AccountDisabled,
    /// The site does not let the app sign in (web services or the mobile service off, no permission).
    AppAccessDisabled,
    /// Our request was malformed: a client bug, never the learner's fault.
    InvalidParameter,
    /// A test's answers were sent with a sequence check the site has moved past: the attempt
    /// was changed elsewhere (another device, the web) since this copy of its questions.
    StaleAnswers,
    /// The test attempt is already finished (submitted elsewhere, or by the site at its
    /// deadline): it takes no more answers.
    AttemptClosed,
    Other,
}

impl ExceptionKind {
    /// Classifies one of Moodle's error codes.
    pub fn from_code(code: &str) -> ExceptionKind {
        match code {
            "invalidtoken" => ExceptionKind::InvalidToken,
            "accessexception" => ExceptionKind::AccessDenied,
            "invalidlogin" | "usernamenotfound" => ExceptionKind::WrongLogin,
            "sitemaintenance" => ExceptionKind::Maintenance,
            "requireloginerror"
            | "errorcoursecontextnotvalid"
            | "coursehidden"
            | "nopermissions"
            | "invalidrecord"
            | "invalidrecordunknown"
            | "invalidcoursemodule"
            | "notyourattempt" => ExceptionKind::NotAvailable,
            "usernotfullysetup"
            | "forcepasswordchangenotice"
            | "sitepolicynotagreed"
            | "passwordisexpired"
            | "usernotconfirmed"
            | "restoredaccountresetpassword" => ExceptionKind::NeedsBrowser,
            "wsaccessusersuspended" | "wsaccessuserdeleted" | "wsaccessusernologin" => {
                ExceptionKind::AccountDisabled
            }
            "enablewsdescription"
            | "servicenotavailable"
            | "cannotcreatetoken"
            | "usernotallowed"
            | "missingrequiredcapability"
            | "noguest" => ExceptionKind::AppAccessDisabled,
            "invalidparameter" | "errorinvalidparam" => ExceptionKind::InvalidParameter,
            // The quiz rethrows the question engine's `question_out_of_sequence_exception`
            // (`submissionoutofsequence`) as the friendly one when processing; autosave lets
            // the original through.
            "submissionoutofsequencefriendlymessage" | "submissionoutofsequence" => {
                ExceptionKind::StaleAnswers
            }
            "attemptalreadyclosed" => ExceptionKind::AttemptClosed,
            _ => ExceptionKind::Other,
        }
    }
}

/// Why no HTTP answer came. `reason` in [`Error::Network`] keeps the underlying message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NetworkKind {
    /// The host answered but nothing listens on that port.
    Refused,
    /// The host name did not resolve.
    Dns,
    Timeout,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// Any other failure to connect (unreachable network, reset, …).
    Connect,
    /// The connection broke while sending or receiving.
    Other,
}

impl fmt::Display for NetworkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetworkKind::Refused => "connection refused",
            NetworkKind::Dns => "host name not found",
            NetworkKind::Timeout => "timed out",
            NetworkKind::Tls => "secure connection failed",
            NetworkKind::Connect => "cannot connect",
            NetworkKind::Other => "connection failed",
        })
    }
}

/// What was wrong with an answer we could not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeProblem {
    #[error("the answer was empty")]
    Empty,
    /// Typically a login page, a proxy's error page or a captive portal.
    #[error("the answer was a web page (HTML), not JSON")]
    Html,
    #[error("the answer was cut off")]
    Truncated,
    #[error("the answer was not JSON: {0}")]
    NotJson(String),
    /// Valid JSON, but not the structure this function returns.
    #[error("unexpected structure: {0}")]
    Shape(String),
}

/// Why a typed site address was refused. Never echoes the input (it may hold a password).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SiteUrlProblem {
    #[error("it is empty")]
    Empty,
    #[error("it contains spaces")]
    Spaces,
    #[error("it contains a user name or password")]
    Credentials,
    #[error("only http and https are supported, not {0:?}")]
    UnsupportedScheme(String),
    #[error("it has no host name")]
    NoHost,
    #[error("its host name is not ASCII: type its xn-- (Punycode) form")]
    NonAsciiHost,
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The classification of a site's refusal; `None` for transport and decoding errors.
    pub fn kind(&self) -> Option<ExceptionKind> {
        match self {
            Error::Exception { exception, .. } => Some(
                exception
                    .errorcode
                    .as_deref()
                    .map_or(ExceptionKind::Other, ExceptionKind::from_code),
            ),
            Error::Login { errorcode, .. } => Some(ExceptionKind::from_code(errorcode)),
            _ => None,
        }
    }

    /// The stored token is no good any more: the learner must sign in again.
    pub fn is_session_invalid(&self) -> bool {
        matches!(
            self.kind(),
            Some(ExceptionKind::InvalidToken | ExceptionKind::AccountDisabled)
        )
    }

    pub fn is_wrong_login(&self) -> bool {
        self.kind() == Some(ExceptionKind::WrongLogin)
    }

    pub fn is_maintenance(&self) -> bool {
        self.kind() == Some(ExceptionKind::Maintenance)
    }

    pub fn is_not_available(&self) -> bool {
        self.kind() == Some(ExceptionKind::NotAvailable)
    }

    /// A test's answers were refused because the attempt changed elsewhere (stale sequence
    /// check): nothing of them was saved.
    pub fn is_stale_answers(&self) -> bool {
        if self.kind() == Some(ExceptionKind::StaleAnswers) {
            return true;
        }
        // A site that leaves the code out still names the engine's exception class.
        matches!(self, Error::Exception { exception, .. }
            if exception.class.as_deref() == Some("question_out_of_sequence_exception"))
    }

    /// The test attempt is already finished and takes no more answers.
    pub fn is_attempt_closed(&self) -> bool {
        self.kind() == Some(ExceptionKind::AttemptClosed)
    }

    /// Every further call would fail the same way: offline, the site down or in maintenance,
    /// the session gone. Anything else concerns only what was asked (one course, one module).
    pub fn stops_everything(&self) -> bool {
        self.is_retryable() || self.is_session_invalid() || self.is_maintenance()
    }

    /// Worth trying again later: no answer, or a transient HTTP status. A site's refusal is not
    /// (the Moodle App never queues an action that got a WS exception, §9.1).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Network { .. } => true,
            Error::Http { status, .. } => matches!(status, 408 | 429 | 500..=599),
            _ => false,
        }
    }

    /// Replaces every occurrence of `secret` in the error's texts. Sites sometimes echo request
    /// values in messages and pages; the token must never reach a log.
    #[cfg(any(feature = "client", test))]
    pub(crate) fn redact(self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        let r = |s: String| {
            if s.contains(secret) {
                s.replace(secret, "<redacted>")
            } else {
                s
            }
        };
        let ro = |s: Option<String>| s.map(r);
        match self {
            Error::Exception {
                function,
                exception,
            } => Error::Exception {
                function: r(function),
                exception: Exception {
                    class: ro(exception.class),
                    errorcode: ro(exception.errorcode),
                    message: r(exception.message),
                    debuginfo: ro(exception.debuginfo),
                },
            },
            Error::Login { errorcode, message } => Error::Login {
                errorcode: r(errorcode),
                message: r(message),
            },
            Error::Declined {
                function,
                warningcode,
                message,
            } => Error::Declined {
                function: r(function),
                warningcode: ro(warningcode),
                message: r(message),
            },
            Error::Http {
                endpoint,
                status,
                retry_after_secs,
            } => Error::Http {
                endpoint: r(endpoint),
                status,
                retry_after_secs,
            },
            Error::Network {
                endpoint,
                kind,
                reason,
            } => Error::Network {
                endpoint: r(endpoint),
                kind,
                reason: r(reason),
            },
            Error::Decode { function, problem } => Error::Decode {
                function: r(function),
                problem: match problem {
                    DecodeProblem::NotJson(s) => DecodeProblem::NotJson(r(s)),
                    DecodeProblem::Shape(s) => DecodeProblem::Shape(r(s)),
                    other => other,
                },
            },
            Error::NotMoodle { url, detail } => Error::NotMoodle {
                url: r(url),
                detail: r(detail),
            },
            e @ (Error::BadSiteUrl(_)
            | Error::AnswerDoesNotFit { .. }
            | Error::FileNotAvailable { .. }
            | Error::RangePastEnd) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(code: Option<&str>) -> Error {
        Error::Exception {
            function: "f".into(),
            exception: Exception {
                class: Some("moodle_exception".into()),
                errorcode: code.map(Into::into),
                message: "m".into(),
                debuginfo: None,
            },
        }
    }

    #[test]
    fn codes_are_classified() {
        let check = |code: &str, want: ExceptionKind| {
            assert_eq!(ExceptionKind::from_code(code), want, "{code}")
        };
        check("invalidtoken", ExceptionKind::InvalidToken);
        check("accessexception", ExceptionKind::AccessDenied);
        check("invalidlogin", ExceptionKind::WrongLogin);
        check("sitemaintenance", ExceptionKind::Maintenance);
        check("requireloginerror", ExceptionKind::NotAvailable);
        check("errorcoursecontextnotvalid", ExceptionKind::NotAvailable);
        check("sitepolicynotagreed", ExceptionKind::NeedsBrowser);
        check("wsaccessusersuspended", ExceptionKind::AccountDisabled);
        check("servicenotavailable", ExceptionKind::AppAccessDisabled);
        check("invalidparameter", ExceptionKind::InvalidParameter);
        check(
            "submissionoutofsequencefriendlymessage",
            ExceptionKind::StaleAnswers,
        );
        check("submissionoutofsequence", ExceptionKind::StaleAnswers);
        check("attemptalreadyclosed", ExceptionKind::AttemptClosed);
        check("notyourattempt", ExceptionKind::NotAvailable);
        check("somethingnew", ExceptionKind::Other);
    }

    #[test]
    fn predicates_follow_the_kind() {
        assert!(exception(Some("invalidtoken")).is_session_invalid());
        assert!(!exception(Some("accessexception")).is_session_invalid());
        assert!(exception(Some("sitemaintenance")).is_maintenance());
        assert!(exception(Some("requireloginerror")).is_not_available());
        assert!(exception(Some("submissionoutofsequencefriendlymessage")).is_stale_answers());
        assert!(!exception(Some("attemptalreadyclosed")).is_stale_answers());
        assert!(exception(Some("attemptalreadyclosed")).is_attempt_closed());
        assert!(!exception(Some("submissionoutofsequence")).is_attempt_closed());
        let mut by_class = exception(None);
        if let Error::Exception { exception, .. } = &mut by_class {
            exception.class = Some("question_out_of_sequence_exception".into());
        }
        assert!(by_class.is_stale_answers());
        assert_eq!(exception(None).kind(), Some(ExceptionKind::Other));
        let login = Error::Login {
            errorcode: "invalidlogin".into(),
            message: "m".into(),
        };
        assert!(login.is_wrong_login());
        assert!(!login.is_retryable());
    }

    #[test]
    fn only_transport_trouble_is_retryable() {
        let http = |status| Error::Http {
            endpoint: "e".into(),
            status,
            retry_after_secs: None,
        };
        assert!(http(429).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        let net = Error::Network {
            endpoint: "e".into(),
            kind: NetworkKind::Refused,
            reason: "r".into(),
        };
        assert!(net.is_retryable());
        assert!(!exception(Some("invalidtoken")).is_retryable());
    }

    #[test]
    fn redaction_reaches_every_text() {
        let e = Error::Decode {
            function: "f".into(),
            problem: DecodeProblem::Shape("bad \"s3cret\" here".into()),
        };
        let shown = format!("{:?} {}", e.clone().redact("s3cret"), e.redact("s3cret"));
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
