//! Joining a facility course with its code (§5): the courses a learner may join, a course's
//! self-enrolment, sending the code, and the learner's facility user id (a custom profile
//! field). Requests as the Moodle App sends them and their answers read into model types;
//! [`crate::Session`] sequences them (`client/enrol.rs`).
//!
//! Moodle has no lookup from a code to a course (§5.4), so the learner picks the course first:
//! every course the site lists whose enrolment methods include `self`.

use crate::{DecodeProblem, Error, Params, Result};
use juko_model::{Course, CourseId, JoinOutcome, UserId};

pub(crate) const COURSES_BY_FIELD: &str = "core_course_get_courses_by_field";
pub(crate) const ENROLMENT_METHODS: &str = "core_enrol_get_course_enrolment_methods";
pub(crate) const INSTANCE_INFO: &str = "enrol_self_get_instance_info";
pub(crate) const ENROL_SELF: &str = "enrol_self_enrol_user";
pub(crate) const USERS_BY_FIELD: &str = "core_user_get_users_by_field";

/// The custom profile field ICRweb keeps the 施設ユーザーID in.
pub(crate) const FACILITY_USER_ID_FIELD: &str = "facilityuserid";

/// The enrolment plugin that takes a key (the facility code).
const SELF_PLUGIN: &str = "self";

// ---- Requests ------------------------------------------------------------------------------

/// Every course the site lists to the learner (no field: all), with its enrolment methods.
pub(crate) fn all_courses() -> (&'static str, Params) {
    (COURSES_BY_FIELD, Params::new())
}

pub(crate) fn enrolment_methods(course: CourseId) -> (&'static str, Params) {
    (ENROLMENT_METHODS, Params::new().with("courseid", course))
}

/// The code goes to the one instance the learner was offered, as the App sends it.
pub(crate) fn enrol(course: CourseId, code: &str, instance: i64) -> (&'static str, Params) {
    (
        ENROL_SELF,
        Params::new()
            .with("courseid", course)
            .with("password", code)
            .with("instanceid", instance),
    )
}

/// The learner's own profile, as the App reads it.
pub(crate) fn own_profile(user: UserId) -> (&'static str, Params) {
    (
        USERS_BY_FIELD,
        Params::new().with("field", "id").with("values", vec![user]),
    )
}

// ---- Answers ------------------------------------------------------------------------------
//
// Read as JSON values, leniently as `wire` reads (numbers or numeric strings, `0`/`1` for
// booleans, a missing optional list as none): these answers are small, and walking a value
// keeps the web bundle from a serde reader per structure.

use serde_json::Value;

/// An integer sent as a number or a numeric string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string, or nothing for `null`, absent or another type.
fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

/// `true`/`false`, `0`/`1` or `"0"`/`"1"`.
fn flag(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64().is_some_and(|n| n != 0),
        Value::String(s) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// A list, or none for `null` or absent.
fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn shape(function: &str, what: &str) -> Error {
    Error::Decode {
        function: function.to_owned(),
        problem: DecodeProblem::Shape(what.to_owned()),
    }
}

/// The courses a learner may join with a code: those offering self-enrolment, in the site's
/// order (the site course, which no one joins, never offers it). The first image of a
/// course's overview files is its logo.
pub(crate) fn joinable(answer: &Value) -> Result<Vec<Course>> {
    let mut courses = Vec::new();
    for c in list(&answer["courses"]) {
        if !list(&c["enrollmentmethods"])
            .iter()
            .any(|m| text(m) == Some(SELF_PLUGIN))
        {
            continue;
        }
        let id = int(&c["id"]).ok_or_else(|| shape(COURSES_BY_FIELD, "a course without an id"))?;
        let owned = |key: &str| text(&c[key]).unwrap_or_default().to_owned();
        let full_name = text(&c["displayname"])
            .filter(|n| !n.trim().is_empty())
            .map_or_else(|| owned("fullname"), str::to_owned);
        let logo_url = list(&c["overviewfiles"])
            .iter()
            .filter(|f| text(&f["mimetype"]).is_some_and(|m| m.starts_with("image/")))
            .find_map(|f| text(&f["fileurl"]).filter(|u| !u.trim().is_empty()))
            .map(str::to_owned);
        courses.push(Course {
            id: CourseId(id),
            full_name,
            short_name: owned("shortname"),
            category: owned("categoryname"),
            summary_html: owned("summary"),
            logo_url,
            // Not the learner's yet: no progress, never visited.
            progress_percent: None,
            last_access: None,
        });
    }
    Ok(courses)
}

/// The course's self-enrolment a learner can use now, or what keeps them out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    /// This instance takes a code now.
    Open {
        instance: i64,
    },
    Refused(JoinOutcome),
}

/// `core_enrol_get_course_enrolment_methods`: the first open self-enrolment (its `status`
/// is `true`), else the first one's reason (a string), or none at all.
pub(crate) fn offer(methods: &Value) -> Result<Offer> {
    let methods = methods
        .as_array()
        .ok_or_else(|| shape(ENROLMENT_METHODS, "not a list of methods"))?;
    let own = || {
        methods
            .iter()
            .filter(|m| text(&m["type"]) == Some(SELF_PLUGIN))
    };
    if let Some(open) = own().find(|m| m["status"] == Value::Bool(true)) {
        let instance =
            int(&open["id"]).ok_or_else(|| shape(ENROLMENT_METHODS, "a method without an id"))?;
        return Ok(Offer::Open { instance });
    }
    let reason = own()
        .find_map(|m| text(&m["status"]))
        .unwrap_or_default()
        .to_owned();
    Ok(Offer::Refused(refusal(reason)))
}

/// What `enrol_self_enrol_user` said (§5.3): warnings `2`–`4` are a wrong code (the App reads
/// all three as "invalid key"), `1` an instance that takes no one now, with its reason.
pub(crate) fn outcome(answer: &Value) -> Result<JoinOutcome> {
    if !answer.is_object() {
        return Err(shape(ENROL_SELF, "not a status"));
    }
    if flag(&answer["status"]) {
        return Ok(JoinOutcome::Joined);
    }
    let warnings = list(&answer["warnings"]);
    let code = |w: &Value| match &w["warningcode"] {
        Value::Number(n) => n.to_string(),
        other => text(other).unwrap_or_default().to_owned(),
    };
    if warnings
        .iter()
        .any(|w| matches!(code(w).as_str(), "2" | "3" | "4"))
    {
        return Ok(JoinOutcome::WrongCode);
    }
    let reason = warnings
        .iter()
        .find_map(|w| text(&w["message"]).filter(|m| !m.trim().is_empty()))
        .unwrap_or_default()
        .to_owned();
    Ok(refusal(reason))
}

/// `canntenrol` (no self-enrolment to try): the course takes no one with a code. Other
/// exceptions are errors.
pub(crate) fn refused_by_exception(error: Error) -> Result<JoinOutcome> {
    match &error {
        Error::Exception { exception, .. }
            if exception.errorcode.as_deref() == Some("canntenrol") =>
        {
            Ok(JoinOutcome::NotOpen {
                reason: exception.message.clone(),
            })
        }
        _ => Err(error),
    }
}

/// `can_self_enrol`'s reason, sorted: an enrolment whose end date has passed
/// (`canntenrollate`, in English or Japanese) is closed; anything else is not open.
fn refusal(reason: String) -> JoinOutcome {
    let ended = reason.contains("enrolment ended")
        || reason.contains("enrollment ended")
        || reason.contains("終了");
    if ended {
        JoinOutcome::Closed { reason }
    } else {
        JoinOutcome::NotOpen { reason }
    }
}

/// The facility user id in the learner's own profile, when the site has the field and a
/// value for them. Another user's profile in the answer is never read as the learner's.
pub(crate) fn facility_user_id(user: UserId, profiles: &Value) -> Result<Option<String>> {
    let profiles = profiles
        .as_array()
        .ok_or_else(|| shape(USERS_BY_FIELD, "not a list of users"))?;
    let Some(own) = profiles.iter().find(|p| int(&p["id"]) == Some(user.0)) else {
        return Ok(None);
    };
    Ok(list(&own["customfields"])
        .iter()
        .find(|f| text(&f["shortname"]) == Some(FACILITY_USER_ID_FIELD))
        .and_then(|f| text(&f["value"]))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enrolled(json: &str) -> JoinOutcome {
        outcome(&serde_json::from_str(json).expect("json")).expect("outcome")
    }

    #[test]
    fn warnings_map_to_outcomes() {
        assert_eq!(
            enrolled(r#"{"status": true, "warnings": []}"#),
            JoinOutcome::Joined
        );
        for code in ["2", "3", "4", "\"4\""] {
            let code = code.trim_matches('"');
            let json = format!(
                r#"{{"status": false, "warnings": [{{"item": "instance", "itemid": 1,
                    "warningcode": "{code}", "message": "Incorrect enrolment key"}}]}}"#
            );
            assert_eq!(enrolled(&json), JoinOutcome::WrongCode, "{code}");
        }
        // A closed instance tried first, then the open one with the wrong key: a wrong code.
        assert_eq!(
            enrolled(
                r#"{"status": false, "warnings": [
                {"warningcode": "1", "message": "You cannot enrol any more, since enrolment ended on Monday, 31 March 2025, 11:59 PM."},
                {"warningcode": "4", "message": "Incorrect enrolment key, please try again"}]}"#
            ),
            JoinOutcome::WrongCode
        );
        let late =
            "You cannot enrol any more, since enrolment ended on Monday, 31 March 2025, 11:59 PM.";
        assert_eq!(
            enrolled(&format!(
                r#"{{"status": false, "warnings": [{{"warningcode": "1", "message": "{late}"}}]}}"#
            )),
            JoinOutcome::Closed {
                reason: late.to_owned()
            }
        );
        let early = "You cannot enrol yet; enrolment starts on Tuesday, 1 April 2025, 12:00 AM.";
        assert_eq!(
            enrolled(&format!(
                r#"{{"status": 0, "warnings": [{{"warningcode": 1, "message": "{early}"}}]}}"#
            )),
            JoinOutcome::NotOpen {
                reason: early.to_owned()
            }
        );
        assert_eq!(
            enrolled(r#"{"status": false}"#),
            JoinOutcome::NotOpen {
                reason: String::new()
            }
        );
    }

    fn methods(json: &str) -> Offer {
        offer(&serde_json::from_str(json).expect("json")).expect("offer")
    }

    #[test]
    fn the_open_self_enrolment_is_offered() {
        assert_eq!(
            methods(
                r#"[{"id": 5, "courseid": 2, "type": "guest", "name": "g", "status": true},
                    {"id": 7, "courseid": 2, "type": "self", "name": "old", "status": "You cannot enrol any more, since enrolment ended on x."},
                    {"id": 8, "courseid": 2, "type": "self", "name": "施設コード", "status": true,
                     "wsfunction": "enrol_self_get_instance_info"}]"#
            ),
            Offer::Open { instance: 8 }
        );
        assert_eq!(
            methods(
                r#"[{"id": 7, "courseid": 2, "type": "self", "name": "old", "status": "You cannot enrol any more, since enrolment ended on x."}]"#
            ),
            Offer::Refused(JoinOutcome::Closed {
                reason: "You cannot enrol any more, since enrolment ended on x.".to_owned()
            })
        );
        assert_eq!(
            methods("[]"),
            Offer::Refused(JoinOutcome::NotOpen {
                reason: String::new()
            })
        );
    }

    #[test]
    fn only_the_own_profiles_facility_user_id_is_read() {
        let profiles: Value = serde_json::from_str(
            r#"[{"id": 9, "fullname": "x", "customfields": [
                    {"type": "text", "value": "OTHER-1", "name": "施設ユーザーID", "shortname": "facilityuserid"}]},
                {"id": 3, "fullname": "y", "customfields": [
                    {"type": "text", "value": "a", "name": "b", "shortname": "other"},
                    {"type": "text", "value": " NCCH-000003 ", "displayvalue": "NCCH-000003",
                     "name": "施設ユーザーID", "shortname": "facilityuserid"}]}]"#,
        )
        .expect("json");
        assert_eq!(
            facility_user_id(UserId(3), &profiles).expect("read"),
            Some("NCCH-000003".to_owned())
        );
        let none: Value = serde_json::from_str(r#"[{"id": "3", "fullname": "y"}]"#).expect("json");
        assert_eq!(facility_user_id(UserId(3), &none).expect("read"), None);
        let empty = Value::Array(Vec::new());
        assert_eq!(facility_user_id(UserId(3), &empty).expect("read"), None);
        assert!(facility_user_id(UserId(3), &Value::Null).is_err());
    }
}
