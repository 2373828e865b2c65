//! The engine's errors, sorted by what a learner can do about them.

/// What went wrong, in terms the app can explain to a learner. Details from the site or the
/// network are kept for the message but never include credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What was typed as the site address is not one.
    #[error("not a site address: {0}")]
    BadSiteUrl(String),
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
    /// The site refused for another reason; its error code and message.
    #[error("the site refused: {message} ({code})")]
    Site { code: String, message: String },
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
            (_, M::Exception { exception, .. }) => Error::Site {
                code: exception.errorcode.unwrap_or_default(),
                message: exception.message,
            },
            (_, M::Login { errorcode, message }) => Error::Site {
                code: errorcode,
                message,
            },
            (
                _,
                M::Declined {
                    warningcode,
                    message,
                    ..
                },
            ) => Error::Site {
                code: warningcode.unwrap_or_default(),
                message,
            },
            // Overloaded, down for a moment, or rate-limited: like no answer, worth trying later.
            (
                _,
                e @ M::Http {
                    status: 408 | 429 | 500..=599,
                    ..
                },
            ) => Error::Unreachable(e.to_string()),
            (
                _,
                M::Http {
                    status, endpoint, ..
                },
            ) => Error::Site {
                code: format!("HTTP {status}"),
                message: endpoint,
            },
            (_, e @ M::Network { .. }) => Error::Unreachable(e.to_string()),
            (_, e @ M::Decode { .. }) => Error::Protocol(e.to_string()),
            (_, M::BadSiteUrl(problem)) => Error::BadSiteUrl(problem.to_string()),
            (_, e @ M::NotMoodle { .. }) => Error::NotMoodle(e.to_string()),
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
        check(exception("somethingelse"), "Site");
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
            "Site",
        );
        check(
            M::NotMoodle {
                url: "u".into(),
                detail: "d".into(),
            },
            "NotMoodle",
        );
    }

    #[test]
    fn only_unreachable_is_worth_retrying() {
        assert!(Error::Unreachable("x".into()).is_retryable());
        assert!(!Error::WrongLogin.is_retryable());
        assert!(!Error::NotAvailable("x".into()).is_retryable());
    }
}
