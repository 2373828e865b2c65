//! Checks an answer against a fixture of Moodle's declared return structure.
//!
//! A fixture (`fixtures/<function>.json`) mirrors the `*_returns()` description: an object is
//! an `external_single_structure` (keys in declared order; a key ending in `?` is
//! `VALUE_OPTIONAL`), a one-element array is an `external_multiple_structure` of that
//! element, and a string is an `external_value`'s JSON type: `int`, `float`, `string`,
//! `bool`, or `raw` (`PARAM_RAW` passes strings and numbers through), with `|null` when
//! Moodle may send null; an object with the key `"|null"` is a structure Moodle may send as
//! null (an exporter's `'null' => NULL_ALLOWED` structure). An answer matches when it has no undeclared key, every required
//! key, keys in the declared order, and the declared type everywhere.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

use super::support::Site;

/// JSON that keeps the order of object keys (serde_json's `Value` sorts them here).
#[derive(Debug, Clone)]
pub(super) enum Json {
    Null,
    Bool,
    Int,
    Float,
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    /// Only in fixtures: a leaf type name.
    Type(String),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        struct JsonVisitor;

        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
                Ok(Json::Bool)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Json, E> {
                Ok(Json::Int)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Json, E> {
                Ok(Json::Int)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
                Ok(Json::Float)
            }
            fn visit_str<E>(self, value: &str) -> Result<Json, E> {
                Ok(Json::Type(value.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Json::Object(entries))
            }
        }

        deserializer.deserialize_any(JsonVisitor)
    }
}

fn parse(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Every mismatch between an answer (JSON text) and a fixture, with its path.
pub(super) fn mismatches(answer: &str, fixture: &str) -> Vec<String> {
    let mut found = Vec::new();
    compare(&parse(answer), &parse(fixture), "$", &mut found);
    found
}

/// Panics with every mismatch, and the answer, when the answer does not match.
#[track_caller]
pub(super) fn assert_shape(answer: &str, fixture: &str) {
    let found = mismatches(answer, fixture);
    assert!(found.is_empty(), "{}\nin: {answer}", found.join("\n"));
}

fn compare(actual: &Json, declared: &Json, path: &str, found: &mut Vec<String>) {
    match declared {
        Json::Type(name) => {
            if !leaf_matches(actual, name) {
                found.push(format!("{path}: expected {name}, got {}", kind(actual)));
            }
        }
        Json::Array(element) => {
            let [element] = element.as_slice() else {
                panic!("fixture {path}: a list declares exactly one element");
            };
            match actual {
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        compare(item, element, &format!("{path}[{i}]"), found);
                    }
                }
                other => found.push(format!("{path}: expected a list, got {}", kind(other))),
            }
        }
        Json::Object(keys) => match actual {
            Json::Object(entries) => compare_object(entries, keys, path, found),
            Json::Null if keys.iter().any(|(key, _)| key == NULLABLE) => {}
            other => found.push(format!("{path}: expected an object, got {}", kind(other))),
        },
        other => panic!("fixture {path}: unexpected {other:?}"),
    }
}

fn compare_object(
    entries: &[(String, Json)],
    keys: &[(String, Json)],
    path: &str,
    found: &mut Vec<String>,
) {
    let declared: Vec<(&str, bool, &Json)> = keys
        .iter()
        .filter(|(key, _)| key != NULLABLE)
        .map(|(key, shape)| match key.strip_suffix('?') {
            Some(name) => (name, true, shape),
            None => (key.as_str(), false, shape),
        })
        .collect();
    let mut last_position = 0;
    for (key, value) in entries {
        match declared.iter().position(|(name, _, _)| name == key) {
            None => found.push(format!("{path}: undeclared key {key:?}")),
            Some(position) => {
                if position < last_position {
                    found.push(format!("{path}: key {key:?} out of the declared order"));
                }
                last_position = position;
                compare(value, declared[position].2, &format!("{path}.{key}"), found);
            }
        }
    }
    for (name, optional, _) in &declared {
        if !optional && !entries.iter().any(|(key, _)| key == name) {
            found.push(format!("{path}: missing key {name:?}"));
        }
    }
}

/// The fixture key marking a structure that may be null.
const NULLABLE: &str = "|null";

fn leaf_matches(actual: &Json, declared: &str) -> bool {
    declared.split('|').any(|alternative| {
        matches!(
            (alternative, actual),
            ("null", Json::Null)
                | ("bool", Json::Bool)
                | ("int", Json::Int)
                | ("float", Json::Int | Json::Float)
                | ("string", Json::Type(_))
                | ("raw", Json::Type(_) | Json::Int | Json::Float)
        )
    })
}

fn kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool => "bool",
        Json::Int => "int",
        Json::Float => "float",
        Json::Type(_) => "string",
        Json::Array(_) => "list",
        Json::Object(_) => "object",
    }
}

#[test]
fn the_checker_finds_each_kind_of_mismatch() {
    let fixture = r#"{"id": "int", "name": "string", "note?": "string|null", "tags": ["string"]}"#;
    let check =
        |answer: &str, want: &[&str]| assert_eq!(mismatches(answer, fixture), want, "{answer}");
    check(r#"{"id": 1, "name": "a", "tags": ["x"]}"#, &[]);
    check(r#"{"id": 1, "name": "a", "note": null, "tags": []}"#, &[]);
    check(r#"{"id": 1, "tags": []}"#, &[r#"$: missing key "name""#]);
    check(
        r#"{"id": 1, "name": "a", "tags": [], "extra": 2}"#,
        &[r#"$: undeclared key "extra""#],
    );
    check(
        r#"{"name": "a", "id": 1, "tags": []}"#,
        &[r#"$: key "id" out of the declared order"#],
    );
    check(
        r#"{"id": "1", "name": "a", "tags": [3]}"#,
        &[
            "$.id: expected int, got string",
            "$.tags[0]: expected string, got int",
        ],
    );
    check(r#"[]"#, &["$: expected an object, got list"]);
}

/// A REST call; returns the answer's text (key order intact) and its JSON.
pub(super) async fn call(
    site: &Site,
    token: &str,
    function: &str,
    params: &[(&str, &str)],
) -> (String, Value) {
    let mut pairs = vec![("wstoken", token), ("wsfunction", function)];
    pairs.extend_from_slice(params);
    let uri = format!("/webservice/rest/server.php?moodlewsrestformat=json&wsfunction={function}");
    let reply = site.post_form(&uri, &pairs).await;
    (reply.text(), reply.json())
}

#[test]
fn structures_marked_nullable_may_be_null() {
    let fixture =
        r#"{"html?": {"|null": "null", "rating?": "string"}, "urls": {"view": "string"}}"#;
    assert!(mismatches(r#"{"html": null, "urls": {"view": "x"}}"#, fixture).is_empty());
    assert!(
        mismatches(
            r#"{"html": {"rating": "r"}, "urls": {"view": "x"}}"#,
            fixture
        )
        .is_empty()
    );
    assert_eq!(
        mismatches(r#"{"urls": null}"#, fixture),
        ["$.urls: expected an object, got null"]
    );
}
