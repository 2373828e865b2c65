//! The engine's errors, sorted by what a learner can do about them.

/// What went wrong, in terms the app can explain to a learner. Details from the site or the
/// network are kept for the message but never include credentials.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// What was typed as the site address is not one.
    #[error("not a site address: {0}")]
    BadSiteUrl(String),
    /// The site address's host name is not ASCII (a Japanese domain name): the app takes only
    /// its `xn--` (Punycode) form.
    #[error("the site's host name must be typed in its xn-- form")]
    NonAsciiSiteHost,
    /// The site could not be reached (offline, refused, timed out, DNS, TLS).
    #[error("the site could not be reached: {0}")]
    Unreachable(String),
    /// Something answered, but it is not a Moodle site with the mobile service on.
    #[error("not a Moodle site for this app: {0}")]
    NotMoodle(String),
    /// The site does not allow signing in with a password from an app.
    #[error("the site does not allow password sign-in from the app")]
    PasswordLoginDisabled,
    /// The site is under maintenance; the site's message (HTML) when it gave one.
    #[error("the site is under maintenance")]
    Maintenance(String),
    /// Wrong username or password.
    #[error("wrong username or password")]
    WrongLogin,
    /// The session is no longer valid: sign in again.
    #[error("the session has expired")]
    SessionExpired,
    /// The learner may not open this (not enrolled, hidden, locked).
    #[error("not available: {0}")]
    NotAvailable(String),
    /// The site refused this request for another reason; its message. Sending the same request
    /// again would get the same answer.
    #[error("the site refused: {0}")]
    Refused(String),
    /// The site found the request itself invalid (a parameter it no longer accepts, such as a
    /// sync cursor from before its database was reset): never the learner's doing.
    #[error("the site found the request invalid: {0}")]
    InvalidRequest(String),
    /// The site's answer could not be understood.
    #[error("unexpected answer from the site: {0}")]
    Protocol(String),
    /// The device's own storage failed.
    #[error("storage error: {0}")]
    Storage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<juko_moodle::Error> for Error {
    fn from(e: juko_moodle::Error) -> Self {
        use juko_moodle::{Error as M, ExceptionKind as K};
        if e.is_session_invalid() {
            return Error::SessionExpired;
        }
        match (e.kind(), e) {
            (Some(K::WrongLogin), _) => Error::WrongLogin,
            (Some(K::AppAccessDisabled), _) => Error::PasswordLoginDisabled,
            (Some(K::Maintenance), e) => Error::Maintenance(e.to_string()),
            (Some(K::NotAvailable), e) => Error::NotAvailable(e.to_string()),
            (Some(K::InvalidParameter), e) => Error::InvalidRequest(e.to_string()),
            (_, M::Exception { exception, .. }) => Error::Refused(exception.message),
            (_, M::Login { message, .. }) => Error::Refused(message),
            (_, M::Declined { message, .. }) => Error::Refused(message),
            (
                _,
                e @ M::Http {
                    status: 408 | 429 | 500..=599,
                    ..
                },
            ) => Error::Unreachable(e.to_string()),
            // Another status (a proxy's 404, a login page): not an answer from Moodle.
            (_, e @ M::Http { .. }) => Error::Protocol(e.to_string()),
            (_, e @ M::Network { .. }) => Error::Unreachable(e.to_string()),
            (_, e @ M::Decode { .. }) => Error::Protocol(e.to_string()),
            (_, M::BadSiteUrl(juko_moodle::SiteUrlProblem::NonAsciiHost)) => {
                Error::NonAsciiSiteHost
            }
            (_, M::BadSiteUrl(problem)) => Error::BadSiteUrl(problem.to_string()),
            (_, e @ M::NotMoodle { .. }) => Error::NotMoodle(e.to_string()),
            // Caught before sending: a caller's mistake, like a request the site finds invalid.
            (_, e @ M::AnswerDoesNotFit { .. }) => Error::InvalidRequest(e.to_string()),
            (_, e @ M::FileNotAvailable { .. }) => Error::NotAvailable(e.to_string()),
            // The download engine reads it before it gets here; anywhere else the offset was
            // the caller's mistake.
            (_, e @ M::RangePastEnd) => Error::InvalidRequest(e.to_string()),
        }
    }
}

impl Error {
    /// Whether trying again later may succeed (no answer, or a passing fault at the site).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Unreachable(_))
    }
}

#[cfg(test)]
mod tests {
    use super::Error;
    use juko_moodle::{Error as M, Exception, NetworkKind};

    fn exception(code: &str) -> M {
        M::Exception {
            function: "f".into(),
            exception: Exception {
                class: Some("moodle_exception".into()),
                errorcode: Some(code.into()),
                message: format!("message for {code}"),
                debuginfo: None,
            },
        }
    }

    #[test]
    fn moodle_errors_sort_by_what_the_learner_can_do() {
        let check = |e: M, want: &str| {
            let got = Error::from(e);
            assert!(
                format!("{got:?}").starts_with(want),
                "{got:?} is not {want}"
            );
        };
        check(exception("invalidtoken"), "SessionExpired");
        check(exception("wsaccessusersuspended"), "SessionExpired");
        check(exception("requireloginerror"), "NotAvailable");
        check(exception("errorcoursecontextnotvalid"), "NotAvailable");
        check(exception("sitemaintenance"), "Maintenance");
        check(exception("servicenotavailable"), "PasswordLoginDisabled");
        check(exception("somethingelse"), "Refused");
        check(exception("invalidparameter"), "InvalidRequest");
        check(
            M::Login {
                errorcode: "invalidlogin".into(),
                message: "x".into(),
            },
            "WrongLogin",
        );
        check(
            M::Network {
                endpoint: "e".into(),
                kind: NetworkKind::Refused,
                reason: "r".into(),
            },
            "Unreachable",
        );
        check(
            M::Http {
                endpoint: "e".into(),
                status: 502,
                retry_after_secs: None,
            },
            "Unreachable",
        );
        check(
            M::Http {
                endpoint: "e".into(),
                status: 403,
                retry_after_secs: None,
            },
            "Protocol",
        );
        check(
            M::NotMoodle {
                url: "u".into(),
                detail: "d".into(),
            },
            "NotMoodle",
        );
        check(M::FileNotAvailable { status: 404 }, "NotAvailable");
    }

    #[test]
    fn only_unreachable_is_worth_retrying() {
        assert!(Error::Unreachable("x".into()).is_retryable());
        assert!(!Error::WrongLogin.is_retryable());
        assert!(!Error::NotAvailable("x".into()).is_retryable());
    }
}
