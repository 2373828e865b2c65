//! Request parameters, encoded the way PHP reads nested form fields (§1.2).
//!
//! Moodle's REST server takes `application/x-www-form-urlencoded` bodies in PHP's bracket syntax:
//! `courseids[0]=42`, `options[0][name]=excludemodules&options[0][value]=0`. Booleans must be
//! `1`/`0` (`true` fails `PARAM_BOOL` validation). A small value tree makes both rules impossible
//! to get wrong; serde_qs would need per-field overrides for every boolean.

use juko_model::{AttemptId, CourseId, LectureId, QuizId, UnitId, UserId};
use std::fmt;
use url::form_urlencoded::byte_serialize;

/// One parameter value: a scalar, a list (`key[0]`, `key[1]`, …) or a structure (`key[name]`).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    /// Written with Rust's shortest round-trip form (`12.5`, `0`); never in exponent notation.
    Float(f64),
    /// Sent as `1` / `0`.
    Bool(bool),
    Text(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// Moodle's usual `{name, value}` option list: `options[i][name]=…&options[i][value]=…`.
    pub fn name_values<N, V>(items: impl IntoIterator<Item = (N, V)>) -> Value
    where
        N: Into<String>,
        V: Into<Value>,
    {
        Value::List(
            items
                .into_iter()
                .map(|(n, v)| {
                    Value::Map(vec![
                        ("name".into(), Value::Text(n.into())),
                        ("value".into(), v.into()),
                    ])
                })
                .collect(),
        )
    }
}

macro_rules! value_from {
    ($($t:ty => $v:expr),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(x: $t) -> Value {
                #[allow(clippy::redundant_closure_call)]
                ($v)(x)
            }
        })*
    };
}

value_from! {
    i64 => Value::Int,
    i32 => |x: i32| Value::Int(x.into()),
    u32 => |x: u32| Value::Int(x.into()),
    f64 => Value::Float,
    bool => Value::Bool,
    String => Value::Text,
    &str => |x: &str| Value::Text(x.to_owned()),
    CourseId => |x: CourseId| Value::Int(x.0),
    UnitId => |x: UnitId| Value::Int(x.0),
    LectureId => |x: LectureId| Value::Int(x.0),
    UserId => |x: UserId| Value::Int(x.0),
    QuizId => |x: QuizId| Value::Int(x.0),
    AttemptId => |x: AttemptId| Value::Int(x.0),
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

/// A function's parameters, in order. Build with [`Params::with`].
#[derive(Clone, Default, PartialEq)]
pub struct Params(Vec<(String, Value)>);

/// Keys whose values must not show in `Debug` output (a facility code is sent as `password`).
const SECRET_KEYS: [&str; 3] = ["password", "wstoken", "token"];

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Params {
        self.push(key, value);
        self
    }

    pub fn push(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.0.push((key.into(), value.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The flat `(field name, value)` pairs, before percent-encoding: `("courseids[0]", "42")`.
    /// An empty list produces no pair at all (PHP then sees the key as absent, i.e. its default).
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, value) in &self.0 {
            flatten(key.clone(), value, &mut out);
        }
        out
    }

    /// The `application/x-www-form-urlencoded` body. Brackets in field names stay literal, as
    /// browsers and most PHP clients send them; values and name parts are percent-encoded as UTF-8.
    pub fn encode(&self) -> String {
        encode_pairs(self.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

fn flatten(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Int(i) => out.push((key, i.to_string())),
        Value::Float(x) => out.push((key, x.to_string())),
        Value::Bool(b) => out.push((key, if *b { "1" } else { "0" }.to_owned())),
        Value::Text(s) => out.push((key, s.clone())),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), item, out);
            }
        }
        Value::Map(fields) => {
            for (name, item) in fields {
                flatten(format!("{key}[{name}]"), item, out);
            }
        }
    }
}

/// Encodes already-flat pairs; field names keep their brackets.
pub(crate) fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut body = String::new();
    for (key, value) in pairs {
        if !body.is_empty() {
            body.push('&');
        }
        encode_key(key, &mut body);
        body.push('=');
        body.extend(byte_serialize(value.as_bytes()));
    }
    body
}

fn encode_key(key: &str, out: &mut String) {
    for (i, part) in key.split('[').enumerate() {
        if i > 0 {
            out.push('[');
        }
        match part.strip_suffix(']') {
            Some(inner) if i > 0 => {
                out.extend(byte_serialize(inner.as_bytes()));
                out.push(']');
            }
            _ => out.extend(byte_serialize(part.as_bytes())),
        }
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in &self.0 {
            if SECRET_KEYS.contains(&key.as_str()) {
                map.entry(key, &"<redacted>");
            } else {
                map.entry(key, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(params: Params, want: &str) {
        assert_eq!(params.encode(), want, "{params:?}");
    }

    #[test]
    fn bracket_encoding() {
        check(Params::new(), "");
        check(Params::new().with("courseid", 42), "courseid=42");
        check(
            Params::new()
                .with("courseid", CourseId(42))
                .with("sectionnumber", 3u32),
            "courseid=42&sectionnumber=3",
        );
        check(
            Params::new().with("courseids", vec![42, 43]),
            "courseids[0]=42&courseids[1]=43",
        );
        check(Params::new().with("courseids", Vec::<i64>::new()), "");
        check(
            Params::new().with("returnusercount", false),
            "returnusercount=0",
        );
        check(Params::new().with("completed", true), "completed=1");
        check(
            Params::new().with(
                "options",
                Value::name_values([("excludemodules", false), ("includestealthmodules", true)]),
            ),
            "options[0][name]=excludemodules&options[0][value]=0&options[1][name]=includestealthmodules&options[1][value]=1",
        );
        check(
            Params::new().with(
                "data",
                Value::name_values([("q45678:1_answer", Value::from("2"))]),
            ),
            "data[0][name]=q45678%3A1_answer&data[0][value]=2",
        );
        check(
            Params::new().with(
                "events",
                vec![Value::Map(vec![
                    ("from".into(), 0.0.into()),
                    ("to".into(), 12.5.into()),
                ])],
            ),
            "events[0][from]=0&events[0][to]=12.5",
        );
        check(
            Params::new().with("password", "施設コード 01"),
            "password=%E6%96%BD%E8%A8%AD%E3%82%B3%E3%83%BC%E3%83%89+01",
        );
        check(
            Params::new().with("text", "a&b=c+d%"),
            "text=a%26b%3Dc%2Bd%25",
        );
        check(
            Params::new().with("名前", "講師"),
            "%E5%90%8D%E5%89%8D=%E8%AC%9B%E5%B8%AB",
        );
        check(
            Params::new().with("m", Value::Map(vec![("キー".into(), "v".into())])),
            "m[%E3%82%AD%E3%83%BC]=v",
        );
    }

    #[test]
    fn pairs_are_flat_and_unencoded() {
        let p = Params::new().with("options", Value::name_values([("cmid", 310)]));
        assert_eq!(
            p.pairs(),
            vec![
                ("options[0][name]".to_owned(), "cmid".to_owned()),
                ("options[0][value]".to_owned(), "310".to_owned())
            ]
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let p = Params::new()
            .with("courseid", 42)
            .with("password", "FAC-SECRET");
        let shown = format!("{p:?}");
        assert!(!shown.contains("FAC-SECRET"), "{shown}");
        assert!(shown.contains("courseid"));
    }
}
