//! Joining a facility beyond the plain code: group enrolment keys (a ward's own code), the
//! 施設ユーザーID custom profile field and who may read it, and how a learner finds the
//! facility courses to join.

use serde_json::{Value, json};

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception, listed_functions};
use crate::facility;
use crate::seed::courses::{Category, Enrolment, FACILITY_A, FACILITY_B};

const ENROL: &str = "enrol_self_enrol_user";
const GROUPS: &str = "core_group_get_course_user_groups";
const PROFILE: &str = "core_user_get_users_by_field";
const WRONG_KEY: &str = "Incorrect enrolment key, please try again";

fn code(enrolment: Enrolment) -> &'static str {
    match enrolment {
        Enrolment::FacilityCode { code, .. } => code,
        other => panic!("not a facility course: {other:?}"),
    }
}

async fn enrol(site: &Site, token: &str, courseid: i64, password: &str) -> Value {
    site.call(
        token,
        ENROL,
        &[("courseid", &courseid.to_string()), ("password", password)],
    )
    .await
}

async fn group_names(site: &Site, token: &str, courseid: i64) -> Vec<String> {
    let reply = site
        .call(token, GROUPS, &[("courseid", &courseid.to_string())])
        .await;
    reply["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|g| g["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn enrolled_in(site: &Site, userid: i64, courseid: i64) -> bool {
    site.state
        .db()
        .call(move |conn| Ok(crate::db::is_enrolled(conn, userid, courseid)?))
        .await
        .expect("query")
}

async fn profile(site: &Site, token: &str, userid: i64) -> (String, Value) {
    call(
        site,
        token,
        PROFILE,
        &[("field", "id"), ("values[0]", &userid.to_string())],
    )
    .await
}

fn facility_user_id(reply: &Value) -> Option<&str> {
    reply[0]["customfields"]
        .as_array()?
        .iter()
        .find(|f| f["shortname"] == facility::USER_ID_FIELD)
        .and_then(|f| f["value"].as_str())
}

#[tokio::test]
async fn a_wards_code_enrols_into_its_group() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let me = site.userid(&token).await;
    let courseid = site.course_id(FACILITY_B.shortname).await;
    let ward = FACILITY_B.group_keys[1];
    let reply = enrol(&site, &token, courseid, ward.key).await;
    assert_eq!(reply, json!({"status": true, "warnings": []}));
    assert!(enrolled_in(&site, me, courseid).await);
    assert_eq!(group_names(&site, &token, courseid).await, [ward.name]);
    // Every course: the group names its course.
    let all = site.call(&token, GROUPS, &[]).await;
    assert_eq!(all["groups"][0]["courseid"], courseid, "{all}");
    assert_eq!(all["groups"][0]["idnumber"], ward.idnumber, "{all}");
}

#[tokio::test]
async fn the_facility_code_still_enrols_without_a_ward() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let courseid = site.course_id(FACILITY_B.shortname).await;
    let reply = enrol(&site, &token, courseid, code(FACILITY_B.enrolment)).await;
    assert_eq!(reply, json!({"status": true, "warnings": []}));
    assert!(group_names(&site, &token, courseid).await.is_empty());
}

#[tokio::test]
async fn with_group_keys_a_wrong_code_is_warning_2_and_enrols_nothing() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let me = site.userid(&token).await;
    let courseid = site.course_id(FACILITY_B.shortname).await;
    let instance = site
        .query_i64(
            "SELECT id FROM enrol WHERE courseid = ?1 AND enrol = 'self'",
            courseid,
        )
        .await;
    let lower = FACILITY_B.group_keys[0].key.to_lowercase();
    // Case counts; another facility's code is no ward's code; empty is no group's key.
    for wrong in ["WRONG", lower.as_str(), code(FACILITY_A.enrolment), ""] {
        let reply = enrol(&site, &token, courseid, wrong).await;
        assert_eq!(
            reply,
            json!({"status": false, "warnings": [{"item": "instance", "itemid": instance,
                   "warningcode": "2", "message": WRONG_KEY}]}),
            "{wrong:?}"
        );
    }
    assert!(!enrolled_in(&site, me, courseid).await);
    let members = site
        .query_i64("SELECT COUNT(*) FROM groups_members WHERE userid = ?1", me)
        .await;
    assert_eq!(members, 0);
    // A ward's code is no key to another facility (group keys off there: warning 4).
    let other = site.course_id(FACILITY_A.shortname).await;
    let reply = enrol(&site, &token, other, FACILITY_B.group_keys[0].key).await;
    assert_eq!(reply["warnings"][0]["warningcode"], "4", "{reply}");
    assert!(!enrolled_in(&site, me, other).await);
}

#[tokio::test]
async fn the_own_profile_carries_the_facility_user_id() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let me = site.userid(&token).await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert!(listed_functions(&info).contains(&PROFILE));
    let (text, reply) = profile(&site, &token, me).await;
    assert_shape(&text, fixture!("core_user_get_users_by_field"));
    assert_eq!(reply.as_array().map(Vec::len), Some(1), "{reply}");
    assert_eq!(reply[0]["username"], "learner1");
    let expected = facility::user_id(FACILITY_A.shortname, me);
    assert_eq!(
        reply[0]["customfields"],
        json!([{"type": "text", "value": expected, "displayvalue": expected,
                "name": "施設ユーザーID", "shortname": "facilityuserid"}])
    );
}

#[tokio::test]
async fn another_learners_facility_user_id_never_shows() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    // icrown1 shares the iCROWN course with learner1: the public part only.
    let icrown = site.token("icrown1").await;
    let icrown_id = site.userid(&icrown).await;
    let (text, reply) = profile(&site, &token, icrown_id).await;
    assert_shape(&text, fixture!("core_user_get_users_by_field"));
    assert_eq!(reply[0]["id"], icrown_id, "{reply}");
    for private in ["username", "email", "institution", "customfields"] {
        assert!(reply[0].get(private).is_none(), "{private}: {reply}");
    }
    // learner2 (facility B) shares nothing with learner1: left out, by id, user name or
    // e-mail, and their facility user id appears nowhere.
    let other = site.token("learner2").await;
    let other_id = site.userid(&other).await;
    let theirs = facility::user_id(FACILITY_B.shortname, other_id);
    for (field, value) in [
        ("id", other_id.to_string()),
        ("username", "learner2".to_owned()),
        ("email", "learner2@demo.juko.invalid".to_owned()),
    ] {
        let (text, reply) = call(
            &site,
            &token,
            PROFILE,
            &[("field", field), ("values[0]", &value)],
        )
        .await;
        assert_eq!(reply, json!([]), "{field}");
        assert!(!text.contains(&theirs), "{text}");
    }
    // Asking for both: only one's own comes back.
    let me = site.userid(&token).await;
    let (text, reply) = call(
        &site,
        &token,
        PROFILE,
        &[
            ("field", "id"),
            ("values[0]", &other_id.to_string()),
            ("values[1]", &me.to_string()),
        ],
    )
    .await;
    assert_eq!(reply.as_array().map(Vec::len), Some(1), "{reply}");
    assert!(!text.contains(&theirs), "{text}");
}

#[tokio::test]
async fn joining_a_facility_gives_a_facility_user_id_once() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let me = site.userid(&token).await;
    let (_, before) = profile(&site, &token, me).await;
    assert!(before[0].get("customfields").is_none(), "{before}");
    let a = site.course_id(FACILITY_A.shortname).await;
    let joined = enrol(&site, &token, a, code(FACILITY_A.enrolment)).await;
    assert_eq!(joined["status"], true, "{joined}");
    let (_, after) = profile(&site, &token, me).await;
    let id = facility::user_id(FACILITY_A.shortname, me);
    assert_eq!(facility_user_id(&after), Some(id.as_str()), "{after}");
    // A second facility keeps the first id.
    let b = site.course_id(FACILITY_B.shortname).await;
    let joined = enrol(&site, &token, b, code(FACILITY_B.enrolment)).await;
    assert_eq!(joined["status"], true, "{joined}");
    let (_, again) = profile(&site, &token, me).await;
    assert_eq!(facility_user_id(&again), Some(id.as_str()), "{again}");
}

#[tokio::test]
async fn bad_profile_queries_are_refused_as_moodle_refuses_them() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (_, reply) = call(
        &site,
        &token,
        PROFILE,
        &[("field", "firstname"), ("values[0]", "花子")],
    )
    .await;
    assert_exception(&reply, "codingerror");
    assert_eq!(
        reply["debuginfo"],
        "The search field 'firstname' is not supported, look at the web service documentation"
    );
    let (_, reply) = call(
        &site,
        &token,
        PROFILE,
        &[("field", "id"), ("values[0]", "3 OR 1=1")],
    )
    .await;
    assert_exception(&reply, "invalidparameter");
    let (_, reply) = call(&site, &token, PROFILE, &[("values[0]", "3")]).await;
    assert_exception(&reply, "invalidparameter");
    // No values: nobody.
    let (_, reply) = call(&site, &token, PROFILE, &[("field", "id")]).await;
    assert_eq!(reply, json!([]));
}

#[tokio::test]
async fn the_facility_category_lists_visible_facility_courses_with_self_enrolment() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let category = (Category::Facility as i64).to_string();
    let listed = |reply: &Value| -> Vec<String> {
        reply["courses"]
            .as_array()
            .unwrap_or_else(|| panic!("{reply}"))
            .iter()
            .map(|c| c["shortname"].as_str().expect("shortname").to_owned())
            .collect()
    };
    let reply = site
        .call(
            &token,
            "core_course_get_courses_by_field",
            &[("field", "category"), ("value", &category)],
        )
        .await;
    assert_eq!(listed(&reply), [FACILITY_A.shortname, FACILITY_B.shortname]);
    assert_eq!(reply["courses"][0]["categoryname"], "施設コース");
    assert_eq!(
        reply["courses"][0]["enrollmentmethods"],
        json!(["manual", "self"])
    );
    // A hidden course is not listed to learners.
    let b = site.course_id(FACILITY_B.shortname).await;
    site.query_i64(
        "UPDATE course SET visible = 0 WHERE id = ?1 RETURNING id",
        b,
    )
    .await;
    let reply = site
        .call(
            &token,
            "core_course_get_courses_by_field",
            &[("field", "category"), ("value", &category)],
        )
        .await;
    assert_eq!(listed(&reply), [FACILITY_A.shortname]);
}

/// The join list's logos: a newcomer (in no course) gets facility A's, as Moodle serves a
/// visible course's overview files to anyone signed in; a hidden course's is refused, and
/// no one gets one without signing in.
#[tokio::test]
async fn a_newcomer_sees_the_facility_logos_but_not_a_hidden_courses() {
    let site = Site::new().await;
    let token = site.token("newcomer").await;
    let a = site.course_id(FACILITY_A.shortname).await;
    let reply = site
        .call(
            &token,
            "core_course_get_courses_by_field",
            &[("field", "id"), ("value", &a.to_string())],
        )
        .await;
    let logo = reply["courses"][0]["overviewfiles"][0]["fileurl"]
        .as_str()
        .unwrap_or_else(|| panic!("{reply}"))
        .to_owned();
    let got = site.get(&format!("{logo}?token={token}")).await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert!(got.body.starts_with(b"\x89PNG"));
    assert_ne!(site.get(&logo).await.status, 200, "signed in only");

    site.query_i64(
        "UPDATE course SET visible = 0 WHERE id = ?1 RETURNING id",
        a,
    )
    .await;
    let hidden = site.get(&format!("{logo}?token={token}")).await;
    assert_eq!(hidden.status, 403, "{}", hidden.text());
    assert_eq!(hidden.json()["errorcode"], "requireloginerror");
}
