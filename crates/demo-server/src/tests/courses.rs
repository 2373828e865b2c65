//! Enrolled courses, authorization, and view events with their completion.

use serde_json::Value;

use super::support::{Site, assert_exception};
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B, ICROWN};

async fn my_courses(site: &Site, username: &str) -> Vec<String> {
    let token = site.token(username).await;
    let userid = site.userid(&token).await.to_string();
    let reply = site
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid), ("returnusercount", "0")],
        )
        .await;
    reply
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|c| c["shortname"].as_str().expect("shortname").to_owned())
        .collect()
}

#[tokio::test]
async fn each_learner_lists_only_their_courses() {
    let site = Site::new().await;
    let check = |got: Vec<String>, want: &[&str]| assert_eq!(got, want);
    check(
        my_courses(&site, "learner1").await,
        &[FACILITY_A.shortname, ICROWN.shortname],
    );
    check(my_courses(&site, "learner2").await, &[FACILITY_B.shortname]);
    check(my_courses(&site, "icrown1").await, &[ICROWN.shortname]);
}

#[tokio::test]
async fn a_course_entry_has_moodles_fields() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let userid = site.userid(&token).await.to_string();
    let reply = site
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    let course = &reply[0];
    assert_eq!(course["fullname"], FACILITY_B.fullname);
    assert_eq!(course["displayname"], FACILITY_B.fullname);
    assert_eq!(
        course["enrolledusercount"], 1,
        "returnusercount defaults to 1"
    );
    assert_eq!(course["visible"], 1);
    assert_eq!(course["enablecompletion"], true);
    assert_eq!(course["progress"], 0.0);
    assert_eq!(course["lastaccess"], Value::Null);
    assert!(
        course["summary"]
            .as_str()
            .is_some_and(|s| s.contains("独自コース"))
    );
}

#[tokio::test]
async fn another_users_course_list_shows_only_shared_courses_without_private_data() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let other = site.userid(&site.token("learner2").await).await;
    let list = |userid: String| {
        let (site, token) = (&site, &token);
        async move {
            site.call(
                token,
                "core_enrol_get_users_courses",
                &[("userid", &userid)],
            )
            .await
        }
    };
    // Not refused: learner2's only course is one learner1 cannot enter, and an unknown id
    // has no courses.
    assert_eq!(list(other.to_string()).await, serde_json::json!([]));
    assert_eq!(list("99999".to_owned()).await, serde_json::json!([]));

    // Once they share a course, it is listed, without learner2's completion.
    let shared = site.course_id(FACILITY_A.shortname).await;
    site.state
        .db()
        .call(move |conn| {
            Ok(conn.execute(
                "INSERT INTO user_enrolments (enrolid, userid, timecreated)
                 SELECT id, ?2, 0 FROM enrol WHERE courseid = ?1 AND enrol = 'manual'",
                [shared, other],
            )?)
        })
        .await
        .expect("enrol");
    let reply = list(other.to_string()).await;
    let courses = reply.as_array().expect("list");
    assert_eq!(courses.len(), 1, "{reply}");
    let course = &courses[0];
    assert_eq!(course["id"], shared);
    assert_eq!(course["progress"], Value::Null);
    assert_eq!(course["completed"], Value::Null);
    assert_eq!(course["completionusertracked"], false);
}

#[tokio::test]
async fn courses_the_learner_is_not_in_are_refused_everywhere() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let catalog = site.course_id(CATALOG.shortname).await.to_string();
    let facility_b = site.course_id(FACILITY_B.shortname).await.to_string();
    for course in [&catalog, &facility_b] {
        let contents = site
            .call(&token, "core_course_get_contents", &[("courseid", course)])
            .await;
        assert_exception(&contents, "errorcoursecontextnotvalid");
        assert!(
            contents["message"]
                .as_str()
                .unwrap_or("")
                .contains("Not enrolled"),
            "{contents}"
        );
        let view = site
            .call(&token, "core_course_view_course", &[("courseid", course)])
            .await;
        assert_exception(&view, "requireloginerror");
        assert_eq!(
            view["message"],
            "Course or activity not accessible. (Not enrolled)"
        );
    }
    let missing = site
        .call(&token, "core_course_get_contents", &[("courseid", "9999")])
        .await;
    assert_exception(&missing, "invalidrecord");
}

/// The `instance` and `id` of the first module of `section` in a course, as the learner sees it.
async fn module(site: &Site, token: &str, courseid: i64, section: usize, index: usize) -> Value {
    let contents = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid.to_string())],
        )
        .await;
    contents[section]["modules"][index].clone()
}

#[tokio::test]
async fn viewing_a_lecture_logs_it_without_completing_it() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    // Unit 3 (継続研修講座2023) has two lectures and its certificate.
    let unit = 3;
    for index in 0..2 {
        let lecture = module(&site, &token, courseid, unit, index).await;
        let instance = lecture["instance"].as_i64().expect("instance").to_string();
        let reply = site
            .call(
                &token,
                "mod_resource_view_resource",
                &[("resourceid", &instance)],
            )
            .await;
        assert_eq!(reply, serde_json::json!({"status": true, "warnings": []}));
        // Lectures complete by watching (the extension's rule), not by opening.
        let after = module(&site, &token, courseid, unit, index).await;
        assert_eq!(after["completiondata"]["state"], 0, "{after}");
    }
    let certificate = module(&site, &token, courseid, unit, 2).await;
    assert_eq!(certificate["uservisible"], false, "{certificate}");

    let userid = site.userid(&token).await;
    let events = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log WHERE userid = ?1 AND eventname LIKE '%course_module_viewed'",
            userid,
        )
        .await;
    assert_eq!(events, 2);
    let courses = site
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid.to_string())],
        )
        .await;
    assert_eq!(courses[0]["progress"], 0.0, "{courses}");
    assert!(courses[0]["lastaccess"].as_i64().is_some());
}

#[tokio::test]
async fn view_resource_takes_the_instance_id_and_checks_access() {
    let site = Site::new().await;
    let learner1 = site.token("learner1").await;
    let learner2 = site.token("learner2").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let lecture = module(&site, &learner1, courseid, 1, 0).await;
    let instance = lecture["instance"].as_i64().expect("instance").to_string();
    let cmid = lecture["id"].as_i64().expect("id").to_string();

    let by_cmid = site
        .call(
            &learner1,
            "mod_resource_view_resource",
            &[("resourceid", &cmid)],
        )
        .await;
    assert_exception(&by_cmid, "invalidrecord");
    let not_enrolled = site
        .call(
            &learner2,
            "mod_resource_view_resource",
            &[("resourceid", &instance)],
        )
        .await;
    assert_exception(&not_enrolled, "requireloginerror");
}

#[tokio::test]
async fn a_locked_section_opens_when_the_one_before_is_done() {
    let site = Site::new().await;
    let token = site.token("icrown1").await;
    let courseid = site.course_id(ICROWN.shortname).await;
    let id = courseid.to_string();
    let contents = site
        .call(&token, "core_course_get_contents", &[("courseid", &id)])
        .await;
    let locked = &contents[3];
    assert_eq!(locked["uservisible"], false);
    assert_eq!(locked["modules"], serde_json::json!([]));
    assert!(
        locked["availabilityinfo"]
            .as_str()
            .unwrap_or("")
            .starts_with("Not available unless:")
    );
    let view_locked = site
        .call(
            &token,
            "core_course_view_course",
            &[("courseid", &id), ("sectionnumber", "3")],
        )
        .await;
    assert_exception(&view_locked, "nopermissions");

    let modules = contents[2]["modules"].as_array().expect("modules");
    for lecture in modules.iter().filter(|m| m["modname"] == "resource") {
        site.watch_whole(&token, lecture["id"].as_i64().expect("cmid"))
            .await;
    }
    let contents = site
        .call(&token, "core_course_get_contents", &[("courseid", &id)])
        .await;
    assert_eq!(contents[3]["uservisible"], true);
    assert_eq!(contents[3]["modules"].as_array().map(Vec::len), Some(2));
    let view = site
        .call(
            &token,
            "core_course_view_course",
            &[("courseid", &id), ("sectionnumber", "3")],
        )
        .await;
    assert_eq!(view["status"], true);
}

#[tokio::test]
async fn view_course_logs_and_checks_the_section() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let id = site.course_id(FACILITY_B.shortname).await.to_string();
    let check = |reply: Value, errorcode: Option<&str>| match errorcode {
        None => assert_eq!(reply, serde_json::json!({"status": true, "warnings": []})),
        Some(code) => assert_exception(&reply, code),
    };
    check(
        site.call(&token, "core_course_view_course", &[("courseid", &id)])
            .await,
        None,
    );
    check(
        site.call(
            &token,
            "core_course_view_course",
            &[("courseid", &id), ("sectionnumber", "2")],
        )
        .await,
        None,
    );
    check(
        site.call(
            &token,
            "core_course_view_course",
            &[("courseid", &id), ("sectionnumber", "99")],
        )
        .await,
        Some("sectionnotexist"),
    );
    let logged = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log WHERE courseid = ?1 AND eventname LIKE '%course_viewed'",
            id.parse().expect("id"),
        )
        .await;
    assert_eq!(logged, 2);
}
