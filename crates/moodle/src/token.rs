//! The web-service token: a bearer secret, so it never shows in logs.

use std::fmt;

/// A `moodle_mobile_app` web-service token (32 hex characters on stock Moodle).
///
/// `Debug` and `Display` print `<redacted>`; only [`Token::as_str`] gives the value, for sending it
/// and for storing it in the platform's secure store. Deliberately not `Serialize`: a token should
/// not end up inside some larger serialized struct by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into())
    }

    /// The secret itself: only for requests and secure storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn the_secret_never_prints() {
        let t = Token::new("3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e");
        let shown = format!("{t} {t:?} {:?}", Some(&t));
        assert!(!shown.contains("3b8f"), "{shown}");
        assert_eq!(t.as_str(), "3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e");
    }
}
