//! Function parameters: PHP bracket syntax (`options[0][name]=cmid`) parsed by serde_qs into
//! one `#[serde(deny_unknown_fields)]` struct per function, so unknown and missing keys both
//! fail the way Moodle's `validate_parameters` fails: `invalidparameter`, with a debuginfo
//! naming the key.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::error::{Error, Result};

/// Parses the function's parameters (the request minus the reserved `ws*` keys).
pub(crate) fn parse<T: DeserializeOwned>(query: &str) -> Result<T> {
    // Non-strict: clients percent-encode the brackets (`options%5B0%5D%5Bname%5D`).
    serde_qs::Config::new(5, false)
        .deserialize_str(query)
        .map_err(|err| Error::invalid_parameter(debuginfo(&err.to_string())))
}

/// Moodle's debuginfo wording for serde's messages about keys; other messages pass through.
fn debuginfo(message: &str) -> String {
    if let Some(key) = quoted_after(message, "unknown field `") {
        format!("Unexpected keys ({key}) detected in parameter array.")
    } else if let Some(key) = quoted_after(message, "missing field `") {
        format!("Missing required key in single structure: {key}")
    } else {
        format!("Invalid parameter value detected ({message})")
    }
}

fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let start = message.find(marker)? + marker.len();
    let rest = &message[start..];
    rest.find('`').map(|end| &rest[..end])
}

/// A `PARAM_BOOL` parameter: only `0` and `1` are accepted, as core's `validate_parameters`
/// does; `true`, `yes` and the like are `invalidparameter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MoodleBool(pub(crate) bool);

impl MoodleBool {
    pub(crate) fn yes() -> MoodleBool {
        MoodleBool(true)
    }

    pub(crate) fn no() -> MoodleBool {
        MoodleBool(false)
    }
}

impl<'de> Deserialize<'de> for MoodleBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<MoodleBool, D::Error> {
        struct ZeroOrOne;

        impl Visitor<'_> for ZeroOrOne {
            type Value = MoodleBool;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("0 or 1")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<MoodleBool, E> {
                match value {
                    "0" => Ok(MoodleBool(false)),
                    "1" => Ok(MoodleBool(true)),
                    other => Err(E::custom(format!("boolean must be 0 or 1, got {other:?}"))),
                }
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<MoodleBool, E> {
                self.visit_str(&value.to_string())
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<MoodleBool, E> {
                self.visit_str(&value.to_string())
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<MoodleBool, E> {
                Ok(MoodleBool(value))
            }
        }

        deserializer.deserialize_any(ZeroOrOne)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Example {
        courseid: i64,
        #[serde(default = "MoodleBool::yes")]
        flag: MoodleBool,
        #[serde(default)]
        options: Vec<Pair>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        name: String,
        value: String,
    }

    /// `Ok(debug of the value)` or `Err(debuginfo)`.
    fn check(query: &str, want: Result<&str, &str>) {
        let got = parse::<Example>(query)
            .map(|v| format!("{v:?}"))
            .map_err(|e| match e {
                Error::InvalidParameter { debuginfo } => debuginfo,
                other => format!("unexpected error {other:?}"),
            });
        match want {
            Ok(value) => assert_eq!(got.as_deref(), Ok(value), "{query}"),
            Err(info) => assert_eq!(got.err().as_deref(), Some(info), "{query}"),
        }
    }

    #[test]
    fn parses_like_validate_parameters() {
        check(
            "courseid=42",
            Ok("Example { courseid: 42, flag: MoodleBool(true), options: [] }"),
        );
        check(
            "courseid=42&flag=0&options%5B0%5D%5Bname%5D=cmid&options%5B0%5D%5Bvalue%5D=7",
            Ok(
                r#"Example { courseid: 42, flag: MoodleBool(false), options: [Pair { name: "cmid", value: "7" }] }"#,
            ),
        );
        check(
            "",
            Err("Missing required key in single structure: courseid"),
        );
        check(
            "courseid=1&colour=red",
            Err("Unexpected keys (colour) detected in parameter array."),
        );
        check(
            "courseid=1&options[0][name]=x&options[0][value]=1&options[0][extra]=2",
            Err("Unexpected keys (extra) detected in parameter array."),
        );
        check(
            "courseid=1&options[0][name]=x",
            Err("Missing required key in single structure: value"),
        );
        assert!(parse::<Example>("courseid=1&flag=true").is_err());
        assert!(parse::<Example>("courseid=1&flag=2").is_err());
        assert!(parse::<Example>("courseid=").is_err());
        assert!(parse::<Example>("courseid=abc").is_err());
    }
}
