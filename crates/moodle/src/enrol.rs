//! Joining a facility course with its code (§5): the courses a learner may join, a course's
//! self-enrolment, sending the code, and the learner's facility user id (a custom profile
//! field). Requests as the Moodle App sends them and their answers read into model types;
//! [`crate::Session`] sequences them (`client/enrol.rs`).
//!
//! Moodle has no lookup from a code to a course (§5.4), so the learner picks the course first:
//! every course the site lists whose enrolment methods include `self`.

use crate::{Error, Params, Result, wire};
use juko_model::{Course, CourseId, JoinOutcome, UserId};

pub(crate) const COURSES_BY_FIELD: &str = "core_course_get_courses_by_field";
pub(crate) const ENROLMENT_METHODS: &str = "core_enrol_get_course_enrolment_methods";
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

/// The courses a learner may join with a code: those offering self-enrolment, in the site's
/// order (the site course, which no one joins, never offers it). The first image of a
/// course's overview files is its logo.
pub(crate) fn joinable(answer: wire::ListedCourses) -> Vec<Course> {
    answer
        .courses
        .into_iter()
        .filter(|c| c.enrollmentmethods.iter().any(|m| m == SELF_PLUGIN))
        .map(|c| {
            let logo_url = crate::convert::logo(c.overviewfiles);
            Course {
                id: CourseId(c.id.0),
                full_name: c
                    .displayname
                    .filter(|n| !n.trim().is_empty())
                    .or(c.fullname)
                    .unwrap_or_default(),
                short_name: c.shortname.unwrap_or_default(),
                category: c.categoryname.unwrap_or_default(),
                summary_html: c.summary.unwrap_or_default(),
                logo_url,
                // Not the learner's yet: no progress, never visited.
                progress_percent: None,
                last_access: None,
            }
        })
        .collect()
}

/// The course's self-enrolment a learner can use now, or what keeps them out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    /// This instance takes a code now.
    Open { instance: i64 },
    /// None does; the site's reason (its own words, in its language), when it gave one.
    Refused { reason: String },
}

/// `core_enrol_get_course_enrolment_methods`: the first open self-enrolment, else the first
/// one's reason, or none at all.
pub(crate) fn offer(methods: Vec<wire::EnrolmentMethod>) -> Offer {
    let own = || {
        methods
            .iter()
            .filter(|m| m.kind.as_deref() == Some(SELF_PLUGIN))
    };
    if let Some(open) = own().find(|m| m.status == wire::MethodStatus::Open) {
        return Offer::Open {
            instance: open.id.0,
        };
    }
    let reason = own()
        .find_map(|m| match &m.status {
            wire::MethodStatus::Refused(reason) => Some(reason.clone()),
            wire::MethodStatus::Open => None,
        })
        .unwrap_or_default();
    Offer::Refused { reason }
}

/// What `enrol_self_enrol_user` said (§5.3): warnings `2`–`4` are a wrong code (the App reads
/// all three as "invalid key"); `1` an instance that takes no one now. Moodle gives no code
/// telling an ended enrolment from one not open yet, switched off or full (warning `1`
/// carries `can_self_enrol`'s text in the site's language), so the outcome is one, carrying
/// the site's words.
pub(crate) fn outcome(answer: wire::Status) -> JoinOutcome {
    if answer.status.0 {
        return JoinOutcome::Joined;
    }
    let code = |w: &wire::Warning| w.warningcode.as_ref().map(|c| c.0.trim().to_owned());
    if answer
        .warnings
        .iter()
        .any(|w| matches!(code(w).as_deref(), Some("2" | "3" | "4")))
    {
        return JoinOutcome::WrongCode;
    }
    let reason = answer
        .warnings
        .into_iter()
        .find_map(|w| w.message.filter(|m| !m.trim().is_empty()))
        .unwrap_or_default();
    JoinOutcome::NotTakingLearners { reason }
}

/// `canntenrol` (no self-enrolment to try): the course takes no one with a code. Other
/// exceptions are errors.
pub(crate) fn refused_by_exception(error: Error) -> Result<JoinOutcome> {
    match &error {
        Error::Exception { exception, .. }
            if exception.errorcode.as_deref() == Some("canntenrol") =>
        {
            Ok(JoinOutcome::NotTakingLearners {
                reason: exception.message.clone(),
            })
        }
        _ => Err(error),
    }
}

/// The facility user id in the learner's own profile, when the site has the field and a
/// value for them. Another user's profile in the answer is never read as the learner's.
pub(crate) fn facility_user_id(user: UserId, profiles: Vec<wire::Profile>) -> Option<String> {
    profiles
        .into_iter()
        .find(|p| p.id.0 == user.0)?
        .customfields
        .into_iter()
        .find(|f| f.shortname.as_deref() == Some(FACILITY_USER_ID_FIELD))
        .and_then(|f| f.value)
        .map(|v| v.0.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enrolled(json: &str) -> JoinOutcome {
        outcome(serde_json::from_str(json).expect("a status"))
    }

    fn not_taking(reason: &str) -> JoinOutcome {
        JoinOutcome::NotTakingLearners {
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn warnings_map_to_outcomes() {
        assert_eq!(
            enrolled(r#"{"status": true, "warnings": []}"#),
            JoinOutcome::Joined
        );
        for code in ["2", "3", "4", "\"4\""] {
            let json = format!(
                r#"{{"status": false, "warnings": [{{"item": "instance", "itemid": 1,
                    "warningcode": {code}, "message": "Incorrect enrolment key"}}]}}"#
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
        // Ended, not open yet, or in another language pack: one outcome, the site's words.
        for words in [
            "You cannot enrol any more, since enrolment ended on Monday, 31 March 2025, 11:59 PM.",
            "You cannot enrol yet; enrolment starts on Tuesday, 1 April 2025, 12:00 AM.",
            "Sie können sich nicht mehr einschreiben, die Einschreibung endete am 31. März 2025.",
        ] {
            assert_eq!(
                enrolled(&format!(
                    r#"{{"status": 0, "warnings": [{{"warningcode": 1, "message": "{words}"}}]}}"#
                )),
                not_taking(words)
            );
        }
        assert_eq!(enrolled(r#"{"status": false}"#), not_taking(""));
        assert_eq!(
            enrolled(r#"{"status": "0", "warnings": null}"#),
            not_taking("")
        );
        assert!(
            serde_json::from_str::<wire::Status>("[]").is_err(),
            "not a status"
        );
    }

    #[test]
    fn the_samples_open_self_enrolment_takes_a_code() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/protocol/samples/core_enrol_get_course_enrolment_methods.json"
        );
        let body = std::fs::read(path).expect("fixture");
        assert_eq!(
            crate::decode::join_offer(&body).expect("decodes"),
            Offer::Open { instance: 118 }
        );
        // Closed at the end of last year: the site's reason is kept.
        let mut closed: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let reason =
            "You cannot enrol any more, since enrolment ended on Monday, 31 March 2025, 11:59 PM.";
        closed[0]["status"] = serde_json::json!(reason);
        let closed = serde_json::to_vec(&closed).expect("json");
        assert_eq!(
            crate::decode::join_offer(&closed).expect("decodes"),
            Offer::Refused {
                reason: reason.to_owned()
            }
        );
    }

    fn methods(json: &str) -> Offer {
        offer(serde_json::from_str(json).expect("methods"))
    }

    #[test]
    fn the_open_self_enrolment_is_offered() {
        let ended = "You cannot enrol any more, since enrolment ended on x.";
        assert_eq!(
            methods(&format!(
                r#"[{{"id": 5, "courseid": 2, "type": "guest", "name": "g", "status": true}},
                    {{"id": 7, "courseid": 2, "type": "self", "name": "old", "status": "{ended}"}},
                    {{"id": "8", "courseid": 2, "type": "self", "name": "施設コード", "status": true,
                     "wsfunction": "enrol_self_get_instance_info"}}]"#
            )),
            Offer::Open { instance: 8 }
        );
        assert_eq!(
            methods(&format!(
                r#"[{{"id": 7, "courseid": 2, "type": "self", "name": "old", "status": "{ended}"}}]"#
            )),
            Offer::Refused {
                reason: ended.to_owned()
            }
        );
        // Another plugin open is not a self-enrolment.
        assert_eq!(
            methods(r#"[{"id": 5, "courseid": 2, "type": "guest", "name": "g", "status": true}]"#),
            Offer::Refused {
                reason: String::new()
            }
        );
        assert_eq!(
            methods("[]"),
            Offer::Refused {
                reason: String::new()
            }
        );
        assert!(serde_json::from_str::<Vec<wire::EnrolmentMethod>>("{}").is_err());
    }

    #[test]
    fn only_listed_self_enrolments_are_joinable_with_their_first_image() {
        let listed: wire::ListedCourses = serde_json::from_str(
            r#"{"courses": [
                {"id": 1, "fullname": "Site", "shortname": "s", "enrollmentmethods": []},
                {"id": 2, "fullname": "A", "displayname": " ", "shortname": "a",
                 "categoryname": "施設コース", "summary": "<p>x</p>",
                 "enrollmentmethods": ["manual", "self"],
                 "overviewfiles": [
                    {"filename": "a.pdf", "mimetype": "application/pdf", "fileurl": "http://x/a.pdf"},
                    {"filename": "logo.png", "mimetype": "image/png", "fileurl": "http://x/logo.png"}]},
                {"id": "3", "fullname": "B", "displayname": "B 病院", "shortname": "b",
                 "enrollmentmethods": ["self"], "overviewfiles": null}],
              "warnings": []}"#,
        )
        .expect("courses");
        let courses = joinable(listed);
        assert_eq!(
            courses.iter().map(|c| c.id).collect::<Vec<_>>(),
            [CourseId(2), CourseId(3)]
        );
        assert_eq!(courses[0].full_name, "A");
        assert_eq!(courses[0].category, "施設コース");
        assert_eq!(courses[0].logo_url.as_deref(), Some("http://x/logo.png"));
        assert_eq!(courses[1].full_name, "B 病院");
        assert_eq!(courses[1].logo_url, None);
        assert!(
            serde_json::from_str::<wire::ListedCourses>(r#"{"courses": [{"fullname": "x"}]}"#)
                .is_err(),
            "a course without an id"
        );
    }

    #[test]
    fn only_the_own_profiles_facility_user_id_is_read() {
        let read =
            |json: &str| facility_user_id(UserId(3), serde_json::from_str(json).expect("profiles"));
        assert_eq!(
            read(
                r#"[{"id": 9, "fullname": "x", "customfields": [
                    {"type": "text", "value": "OTHER-1", "name": "施設ユーザーID", "shortname": "facilityuserid"}]},
                {"id": 3, "fullname": "y", "customfields": [
                    {"type": "text", "value": "a", "name": "b", "shortname": "other"},
                    {"type": "text", "value": " NCCH-000003 ", "displayvalue": "NCCH-000003",
                     "name": "施設ユーザーID", "shortname": "facilityuserid"}]}]"#
            ),
            Some("NCCH-000003".to_owned())
        );
        assert_eq!(read(r#"[{"id": "3", "fullname": "y"}]"#), None);
        assert_eq!(read("[]"), None);
        assert_eq!(
            read(
                r#"[{"id": 3, "customfields": [{"shortname": "facilityuserid", "value": "  "}]}]"#
            ),
            None
        );
        assert!(serde_json::from_str::<Vec<wire::Profile>>("null").is_err());
    }
}
