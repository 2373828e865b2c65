//! Joining a facility course with its code (§5): the courses a learner may join, a course's
//! self-enrolment, sending the code, and the learner's facility user id (a custom profile
//! field). Requests as the Moodle App sends them and their answers read into model types;
//! [`crate::Session`] sequences them (`client/enrol.rs`).
//!
//! Moodle has no lookup from a code to a course (§5.4), so the learner picks the course first:
//! every course the site lists whose enrolment methods include `self`.

use crate::wire::{self, Flag, Int, Text, nullable};
use crate::{Error, Params, Result};
use juko_model::{Course, CourseId, JoinOutcome, UserId};
use serde::Deserialize;

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

// ---- Answers -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct Courses {
    #[serde(default, deserialize_with = "nullable")]
    courses: Vec<ListedCourse>,
}

#[derive(Debug, Deserialize)]
struct ListedCourse {
    id: Int,
    fullname: Option<String>,
    displayname: Option<String>,
    shortname: Option<String>,
    categoryname: Option<String>,
    summary: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    overviewfiles: Vec<OverviewFile>,
    #[serde(default, deserialize_with = "nullable")]
    enrollmentmethods: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct OverviewFile {
    fileurl: Option<String>,
    mimetype: Option<String>,
}

/// The courses a learner may join with a code: those offering self-enrolment, in the site's
/// order (the site course, which no one joins, never offers it).
pub(crate) fn joinable(answer: Courses) -> Vec<Course> {
    answer
        .courses
        .into_iter()
        .filter(|c| c.enrollmentmethods.iter().any(|m| m == SELF_PLUGIN))
        .map(|c| {
            let image_url = c
                .overviewfiles
                .into_iter()
                .filter(|f| {
                    f.mimetype
                        .as_deref()
                        .is_some_and(|m| m.starts_with("image/"))
                })
                .find_map(|f| f.fileurl.filter(|u| !u.trim().is_empty()));
            let full_name = c
                .displayname
                .filter(|n| !n.trim().is_empty())
                .or(c.fullname)
                .unwrap_or_default();
            Course {
                id: CourseId(c.id.0),
                full_name,
                short_name: c.shortname.unwrap_or_default(),
                category: c.categoryname.unwrap_or_default(),
                summary_html: c.summary.unwrap_or_default(),
                image_url,
                // Not the learner's yet: no progress, never visited.
                progress_percent: None,
                last_access: None,
            }
        })
        .collect()
}

/// One entry of `core_enrol_get_course_enrolment_methods`.
#[derive(Debug, Deserialize)]
pub(crate) struct Method {
    id: Int,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// `true`, or why the learner cannot use it now (PARAM_RAW: a string).
    status: Option<serde_json::Value>,
    wsfunction: Option<String>,
}

/// The course's self-enrolment a learner can use now, or what keeps them out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    /// This instance takes a code now; `ask_info`: the site offers its instance info (it does
    /// when a key is required), which the App reads before sending the code.
    Open {
        instance: i64,
        ask_info: bool,
    },
    Refused(JoinOutcome),
}

/// The first open self-enrolment, else the first one's reason (or none at all).
pub(crate) fn offer(methods: Vec<Method>) -> Offer {
    let own: Vec<Method> = methods
        .into_iter()
        .filter(|m| m.kind.as_deref() == Some(SELF_PLUGIN))
        .collect();
    if let Some(open) = own
        .iter()
        .find(|m| matches!(m.status, Some(serde_json::Value::Bool(true))))
    {
        return Offer::Open {
            instance: open.id.0,
            ask_info: open.wsfunction.as_deref() == Some(INSTANCE_INFO),
        };
    }
    let reason = own
        .into_iter()
        .find_map(|m| match m.status {
            Some(serde_json::Value::String(reason)) => Some(reason),
            _ => None,
        })
        .unwrap_or_default();
    Offer::Refused(refusal(reason))
}

/// `enrol_self_get_instance_info`: read for its shape only (the App asks it before the code).
#[derive(Debug, Deserialize)]
pub(crate) struct InstanceInfo {
    #[serde(rename = "id")]
    _id: Int,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Enrolled {
    status: Flag,
    #[serde(default, deserialize_with = "nullable")]
    warnings: Vec<wire::Warning>,
}

/// What `enrol_self_enrol_user` said (§5.3): warnings `2`–`4` are a wrong code (the App reads
/// all three as "invalid key"), `1` an instance that takes no one now, with its reason.
pub(crate) fn outcome(answer: Enrolled) -> JoinOutcome {
    if answer.status.0 {
        return JoinOutcome::Joined;
    }
    if answer.warnings.iter().any(|w| {
        matches!(
            w.warningcode.as_ref().map(|Text(c)| c.as_str()),
            Some("2" | "3" | "4")
        )
    }) {
        return JoinOutcome::WrongCode;
    }
    let reason = answer
        .warnings
        .into_iter()
        .find_map(|w| w.message.filter(|m| !m.trim().is_empty()))
        .unwrap_or_default();
    refusal(reason)
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

#[derive(Debug, Deserialize)]
pub(crate) struct Profile {
    id: Int,
    #[serde(default, deserialize_with = "nullable")]
    customfields: Vec<CustomField>,
}

#[derive(Debug, Deserialize)]
struct CustomField {
    shortname: Option<String>,
    value: Option<String>,
}

/// The facility user id in the learner's own profile, when the site has the field and a
/// value for them. Another user's profile in the answer is a protocol error, never read.
pub(crate) fn facility_user_id(user: UserId, profiles: Vec<Profile>) -> Result<Option<String>> {
    let Some(own) = profiles.into_iter().find(|p| p.id.0 == user.0) else {
        return Ok(None);
    };
    Ok(own
        .customfields
        .into_iter()
        .find(|f| f.shortname.as_deref() == Some(FACILITY_USER_ID_FIELD))
        .and_then(|f| f.value)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enrolled(json: &str) -> JoinOutcome {
        outcome(serde_json::from_str(json).expect("json"))
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
        offer(serde_json::from_str(json).expect("json"))
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
            Offer::Open {
                instance: 8,
                ask_info: true
            }
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
        let profiles: Vec<Profile> = serde_json::from_str(
            r#"[{"id": 9, "fullname": "x", "customfields": [
                    {"type": "text", "value": "OTHER-1", "name": "施設ユーザーID", "shortname": "facilityuserid"}]},
                {"id": 3, "fullname": "y", "customfields": [
                    {"type": "text", "value": "a", "name": "b", "shortname": "other"},
                    {"type": "text", "value": " NCCH-000003 ", "displayvalue": "NCCH-000003",
                     "name": "施設ユーザーID", "shortname": "facilityuserid"}]}]"#,
        )
        .expect("json");
        assert_eq!(
            facility_user_id(UserId(3), profiles).expect("read"),
            Some("NCCH-000003".to_owned())
        );
        let none: Vec<Profile> =
            serde_json::from_str(r#"[{"id": 3, "fullname": "y"}]"#).expect("json");
        assert_eq!(facility_user_id(UserId(3), none).expect("read"), None);
        assert_eq!(facility_user_id(UserId(3), Vec::new()).expect("read"), None);
    }
}
