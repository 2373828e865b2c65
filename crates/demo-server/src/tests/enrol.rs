//! Self-enrolment with the facility code: the three functions' shapes, the course listing a
//! learner finds facility courses in, and every way a code is refused.

use serde_json::{Value, json};

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception, listed_functions};
use crate::seed::courses::{CATALOG, Enrolment, FACILITY_A, FACILITY_B, ICROWN};

const METHODS: &str = "core_enrol_get_course_enrolment_methods";
const INFO: &str = "enrol_self_get_instance_info";
const ENROL: &str = "enrol_self_enrol_user";

const WRONG_KEY: &str = "Incorrect enrolment key, please try again";
const CANNT_ENROL: &str = "Enrolment is disabled or inactive";

fn codes(enrolment: Enrolment) -> (&'static str, &'static str) {
    match enrolment {
        Enrolment::FacilityCode { code, last_year } => (code, last_year),
        other => panic!("not a facility course: {other:?}"),
    }
}

/// The facility code of this year and last year's.
fn facility_a_codes() -> (&'static str, &'static str) {
    codes(FACILITY_A.enrolment)
}

async fn self_instance(site: &Site, shortname: &str) -> i64 {
    let courseid = site.course_id(shortname).await;
    site.query_i64(
        "SELECT id FROM enrol WHERE courseid = ?1 AND enrol = 'self'",
        courseid,
    )
    .await
}

async fn my_courses(site: &Site, token: &str) -> Vec<String> {
    let userid = site.userid(token).await.to_string();
    let reply = site
        .call(
            token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    reply
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|c| c["shortname"].as_str().expect("shortname").to_owned())
        .collect()
}

async fn enrol(site: &Site, token: &str, courseid: i64, params: &[(&str, &str)]) -> Value {
    let courseid = courseid.to_string();
    let mut all = vec![("courseid", courseid.as_str())];
    all.extend_from_slice(params);
    site.call(token, ENROL, &all).await
}

async fn contents(site: &Site, token: &str, courseid: i64) -> Value {
    site.call(
        token,
        "core_course_get_contents",
        &[("courseid", &courseid.to_string())],
    )
    .await
}

/// What a refused key leaves: no enrolment, the course's contents still closed.
async fn assert_not_enrolled(site: &Site, token: &str, courseid: i64) {
    assert!(my_courses(site, token).await.is_empty());
    assert_exception(
        &contents(site, token, courseid).await,
        "errorcoursecontextnotvalid",
    );
}

fn warning(instance: i64, code: &str, message: &str) -> Value {
    json!({"status": false, "warnings": [
        {"item": "instance", "itemid": instance, "warningcode": code, "message": message}
    ]})
}

#[tokio::test]
async fn the_functions_are_listed_and_answer_in_moodles_shapes() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    let functions = listed_functions(&info);
    for name in [METHODS, INFO, ENROL] {
        assert!(functions.contains(&name), "{name} in {functions:?}");
    }

    let course = site.course_id(FACILITY_A.shortname).await.to_string();
    let instance = self_instance(&site, FACILITY_A.shortname).await;
    let (text, reply) = call(&site, &token, METHODS, &[("courseid", &course)]).await;
    assert_shape(&text, fixture!("core_enrol_get_course_enrolment_methods"));
    assert_eq!(
        reply,
        json!([{"id": instance, "courseid": course.parse::<i64>().unwrap(), "type": "self",
                "name": "施設コード", "status": true,
                "wsfunction": "enrol_self_get_instance_info"}])
    );

    let (text, reply) = call(
        &site,
        &token,
        INFO,
        &[("instanceid", &instance.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("enrol_self_get_instance_info"));
    assert_eq!(reply["status"], true);
    // The label of the key field, never the key.
    assert_eq!(reply["enrolpassword"], "Enrolment key");
    assert!(!text.contains(facility_a_codes().0), "{text}");

    let (text, reply) = call(
        &site,
        &token,
        ENROL,
        &[("courseid", &course), ("password", "x")],
    )
    .await;
    assert_shape(&text, fixture!("enrol_self_enrol_user"));
    assert_eq!(reply["status"], false);
    let (code, _) = facility_a_codes();
    let (text, reply) = call(
        &site,
        &token,
        ENROL,
        &[("courseid", &course), ("password", code)],
    )
    .await;
    assert_shape(&text, fixture!("enrol_self_enrol_user"));
    assert_eq!(reply, json!({"status": true, "warnings": []}));
}

#[tokio::test]
async fn a_learner_enrolled_nowhere_finds_the_facility_courses_but_not_their_contents() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    assert!(my_courses(&site, &token).await.is_empty());
    // The Moodle App's "available courses": every course, by no field.
    let reply = site
        .call(&token, "core_course_get_courses_by_field", &[])
        .await;
    let courses = reply["courses"].as_array().expect("courses");
    for plan in [FACILITY_A, FACILITY_B] {
        let course = courses
            .iter()
            .find(|c| c["shortname"] == plan.shortname)
            .unwrap_or_else(|| panic!("{} listed: {reply}", plan.shortname));
        assert_eq!(course["fullname"], plan.fullname);
        assert_eq!(course["summary"], plan.summary);
        assert_eq!(course["enrollmentmethods"], json!(["manual", "self"]));
        // Only the public listing: nothing a member sees.
        for member_only in ["format", "startdate", "visible", "enablecompletion"] {
            assert!(course.get(member_only).is_none(), "{member_only}: {course}");
        }
        let id = course["id"].as_i64().expect("id");
        assert_exception(
            &contents(&site, &token, id).await,
            "errorcoursecontextnotvalid",
        );
    }
}

#[tokio::test]
async fn the_facility_code_enrols_and_opens_the_course() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let instance = self_instance(&site, FACILITY_A.shortname).await;
    let (code, _) = facility_a_codes();
    let reply = enrol(
        &site,
        &token,
        courseid,
        &[("password", code), ("instanceid", &instance.to_string())],
    )
    .await;
    assert_eq!(reply, json!({"status": true, "warnings": []}));
    assert_eq!(my_courses(&site, &token).await, [FACILITY_A.shortname]);
    let sections = contents(&site, &token, courseid).await;
    let names: Vec<&str> = sections
        .as_array()
        .unwrap_or_else(|| panic!("{sections}"))
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names.len(), FACILITY_A.units.len() + 1, "{names:?}");
    assert_eq!(names[1], FACILITY_A.units[0].name);
    // Facility B stays closed.
    let other = site.course_id(FACILITY_B.shortname).await;
    assert_exception(
        &contents(&site, &token, other).await,
        "errorcoursecontextnotvalid",
    );

    // Joined: the course no longer offers the code to this learner.
    let methods = site
        .call(&token, METHODS, &[("courseid", &courseid.to_string())])
        .await;
    assert_eq!(methods[0]["status"], CANNT_ENROL);
    assert!(methods[0].get("wsfunction").is_none(), "{methods}");
    let again = enrol(&site, &token, courseid, &[("password", code)]).await;
    assert_eq!(again, warning(instance, "1", CANNT_ENROL));
    let count = site
        .query_i64(
            "SELECT COUNT(*) FROM user_enrolments WHERE enrolid = ?1",
            instance,
        )
        .await;
    assert_eq!(count, 2, "learner1 and the newcomer, once each");
}

#[tokio::test]
async fn a_wrong_code_enrols_nothing() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let instance = self_instance(&site, FACILITY_A.shortname).await;
    let (code, _) = facility_a_codes();
    let (facility_b_code, _) = codes(FACILITY_B.enrolment);
    let lower = code.to_lowercase();
    let spaced = format!(" {code}");
    // Exact match only: case, spaces, another facility's code, nothing at all.
    for wrong in [
        "WRONG",
        lower.as_str(),
        spaced.as_str(),
        facility_b_code,
        "",
    ] {
        let reply = enrol(&site, &token, courseid, &[("password", wrong)]).await;
        assert_eq!(reply, warning(instance, "4", WRONG_KEY), "{wrong:?}");
    }
    let reply = enrol(&site, &token, courseid, &[]).await;
    assert_eq!(reply, warning(instance, "4", WRONG_KEY), "no password");
    assert_not_enrolled(&site, &token, courseid).await;
}

#[tokio::test]
async fn last_years_code_gets_the_wrong_code_answer() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    for plan in [FACILITY_A, FACILITY_B] {
        let courseid = site.course_id(plan.shortname).await;
        let instance = self_instance(&site, plan.shortname).await;
        let (_, last_year) = codes(plan.enrolment);
        let reply = enrol(&site, &token, courseid, &[("password", last_year)]).await;
        // Facility B has group keys (its wards), so a key matching no group is warning 2.
        let wrong = if plan.group_keys.is_empty() { "4" } else { "2" };
        assert_eq!(
            reply,
            warning(instance, wrong, WRONG_KEY),
            "{}",
            plan.shortname
        );
        assert_not_enrolled(&site, &token, courseid).await;
    }
}

#[tokio::test]
async fn an_enrolled_learner_is_told_so() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let instance = self_instance(&site, FACILITY_A.shortname).await;
    let (code, _) = facility_a_codes();
    let reply = enrol(&site, &token, courseid, &[("password", code)]).await;
    assert_eq!(reply, warning(instance, "1", CANNT_ENROL));
    // Even a wrong code: Moodle checks the enrolment before the key.
    let reply = enrol(&site, &token, courseid, &[("password", "WRONG")]).await;
    assert_eq!(reply, warning(instance, "1", CANNT_ENROL));
    let info = site
        .call(&token, INFO, &[("instanceid", &instance.to_string())])
        .await;
    assert_eq!(info["status"], CANNT_ENROL);
}

#[tokio::test]
async fn a_closed_enrolment_says_when_it_ended() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(ICROWN.shortname).await;
    let instance = self_instance(&site, ICROWN.shortname).await;
    let Enrolment::Closed { code } = ICROWN.enrolment else {
        panic!("the iCROWN training has the closed enrolment");
    };
    let ended = "You cannot enrol any more, since enrolment ended on \
                 Monday, 31 March 2025, 11:59 PM.";
    let methods = site
        .call(&token, METHODS, &[("courseid", &courseid.to_string())])
        .await;
    assert_eq!(methods[0]["id"], instance);
    assert_eq!(methods[0]["status"], ended);
    assert!(methods[0].get("wsfunction").is_none(), "{methods}");
    // The right code changes nothing once the enrolment has closed.
    let reply = enrol(&site, &token, courseid, &[("password", code)]).await;
    assert_eq!(reply, warning(instance, "1", ended));
    assert_not_enrolled(&site, &token, courseid).await;
}

#[tokio::test]
async fn a_course_without_self_enrolment_refuses() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(CATALOG.shortname).await;
    let methods = site
        .call(&token, METHODS, &[("courseid", &courseid.to_string())])
        .await;
    assert_eq!(methods, json!([]), "manual enrolment describes nothing");
    let reply = enrol(&site, &token, courseid, &[("password", "x")]).await;
    assert_exception(&reply, "canntenrol");
    assert_eq!(reply["message"], CANNT_ENROL);
    assert_not_enrolled(&site, &token, courseid).await;

    // Asked about the manual instance, the self plugin finds nothing it could use.
    let manual = site
        .query_i64(
            "SELECT id FROM enrol WHERE courseid = ?1 AND enrol = 'manual'",
            courseid,
        )
        .await;
    let info = site
        .call(&token, INFO, &[("instanceid", &manual.to_string())])
        .await;
    assert_eq!(
        info,
        json!({"id": manual, "courseid": courseid, "type": "self",
               "name": "Self enrolment (Student)", "status": CANNT_ENROL})
    );
}

#[tokio::test]
async fn hostile_parameters_are_refused_without_enrolling() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let a = site.course_id(FACILITY_A.shortname).await;
    let b = site.course_id(FACILITY_B.shortname).await;
    let instance_a = self_instance(&site, FACILITY_A.shortname).await;
    let instance_b = self_instance(&site, FACILITY_B.shortname).await;
    let (code_a, _) = facility_a_codes();
    let (code_b, _) = codes(FACILITY_B.enrolment);

    for courseid in ["abc", "1.5", "99999999999999999999", ""] {
        let reply = site
            .call(
                &token,
                ENROL,
                &[("courseid", courseid), ("password", code_a)],
            )
            .await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = site.call(&token, ENROL, &[("password", code_a)]).await;
    assert_exception(&reply, "invalidparameter");
    let reply = site
        .call(
            &token,
            ENROL,
            &[
                ("courseid", &a.to_string()),
                ("password", code_a),
                ("userid", "2"),
            ],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
    let reply = enrol(
        &site,
        &token,
        a,
        &[("password", code_a), ("instanceid", "x")],
    )
    .await;
    assert_exception(&reply, "invalidparameter");
    assert_exception(&enrol(&site, &token, 999_999, &[]).await, "invalidrecord");
    assert_exception(&enrol(&site, &token, -1, &[]).await, "invalidrecord");

    // Another course's instance, with the key of either course: no candidate instance.
    for (courseid, instance, key) in [
        (a, instance_b, code_a),
        (a, instance_b, code_b),
        (b, instance_a, code_a),
    ] {
        let reply = enrol(
            &site,
            &token,
            courseid,
            &[("password", key), ("instanceid", &instance.to_string())],
        )
        .await;
        assert_exception(&reply, "canntenrol");
    }
    let reply = enrol(
        &site,
        &token,
        a,
        &[("password", code_a), ("instanceid", "999999")],
    )
    .await;
    assert_exception(&reply, "canntenrol");
    assert_not_enrolled(&site, &token, a).await;
    assert_not_enrolled(&site, &token, b).await;

    for instanceid in ["abc", "99999999999999999999"] {
        let reply = site.call(&token, INFO, &[("instanceid", instanceid)]).await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = site.call(&token, INFO, &[("instanceid", "999999")]).await;
    assert_exception(&reply, "invalidrecord");
    let reply = site.call(&token, METHODS, &[("courseid", "999999")]).await;
    assert_exception(&reply, "invalidrecord");
    let reply = site.call(&token, METHODS, &[("courseid", "abc")]).await;
    assert_exception(&reply, "invalidparameter");
}

#[tokio::test]
async fn a_hidden_course_cannot_be_joined_or_asked_about() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let instance = self_instance(&site, FACILITY_A.shortname).await;
    site.state
        .db()
        .call(move |conn| {
            conn.execute("UPDATE course SET visible = 0 WHERE id = ?1", [courseid])?;
            Ok(())
        })
        .await
        .expect("hide");
    let (code, _) = facility_a_codes();
    let reply = enrol(&site, &token, courseid, &[("password", code)]).await;
    assert_exception(&reply, "coursehidden");
    assert_eq!(reply["message"], "error/coursehidden");
    let reply = site
        .call(&token, METHODS, &[("courseid", &courseid.to_string())])
        .await;
    assert_exception(&reply, "coursehidden");
    let reply = site
        .call(&token, INFO, &[("instanceid", &instance.to_string())])
        .await;
    assert_exception(&reply, "coursehidden");
    let count = site
        .query_i64(
            "SELECT COUNT(*) FROM user_enrolments ue JOIN enrol e ON e.id = ue.enrolid
             WHERE e.courseid = ?1",
            courseid,
        )
        .await;
    assert_eq!(count, 1, "only learner1");
}

/// Changes facility A's self-enrolment as a site administrator would.
async fn configure_facility_a(site: &Site, sql: &'static str) -> i64 {
    let instance = self_instance(site, FACILITY_A.shortname).await;
    site.state
        .db()
        .call(move |conn| {
            conn.execute(sql, [instance])?;
            Ok(())
        })
        .await
        .expect("configure");
    instance
}

#[tokio::test]
async fn each_closed_instance_gives_moodles_reason_and_enrols_nobody() {
    let (code, _) = facility_a_codes();
    for (sql, reason) in [
        (
            // 2099-01-01 00:00 JST.
            "UPDATE enrol SET enrolstartdate = 4070876400 WHERE id = ?1",
            "You cannot enrol yet; enrolment starts on Thursday, 1 January 2099, 12:00 AM.",
        ),
        ("UPDATE enrol SET customint6 = 0 WHERE id = ?1", CANNT_ENROL),
        (
            // learner1 already fills the one place.
            "UPDATE enrol SET customint3 = 1 WHERE id = ?1",
            "Maximum number of users allowed to self-enrol was already reached.",
        ),
    ] {
        let site = Site::new().await;
        let token = site.token("newcomer").await;
        let courseid = site.course_id(FACILITY_A.shortname).await;
        let instance = configure_facility_a(&site, sql).await;
        let methods = site
            .call(&token, METHODS, &[("courseid", &courseid.to_string())])
            .await;
        assert_eq!(methods[0]["status"], reason, "{sql}");
        assert!(methods[0].get("wsfunction").is_none(), "{methods}");
        let reply = enrol(&site, &token, courseid, &[("password", code)]).await;
        assert_eq!(reply, warning(instance, "1", reason), "{sql}");
        assert_not_enrolled(&site, &token, courseid).await;
    }
}

#[tokio::test]
async fn a_disabled_instance_is_not_offered_and_cannot_be_used() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let instance = configure_facility_a(&site, "UPDATE enrol SET status = 1 WHERE id = ?1").await;
    let methods = site
        .call(&token, METHODS, &[("courseid", &courseid.to_string())])
        .await;
    assert_eq!(methods, json!([]));
    let (code, _) = facility_a_codes();
    let reply = enrol(
        &site,
        &token,
        courseid,
        &[("password", code), ("instanceid", &instance.to_string())],
    )
    .await;
    assert_exception(&reply, "canntenrol");
    let info = site
        .call(&token, INFO, &[("instanceid", &instance.to_string())])
        .await;
    assert_eq!(info["status"], CANNT_ENROL);
    assert_not_enrolled(&site, &token, courseid).await;
}
