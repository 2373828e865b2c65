//! The calls the official Moodle App makes to sign in, show its dashboard, open a course and
//! open a resource: each answer checked against a fixture of Moodle 4.5's declared structure
//! (`fixtures/`, `shape.rs`), plus Moodle's errors and who may see what.

use serde_json::Value;

use super::shape::assert_shape;
use super::support::{Site, assert_exception};
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/", $name, ".json"))
    };
}

/// A REST call; returns the answer's text (key order intact) and its JSON.
async fn call(
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

#[tokio::test]
async fn site_info_lists_every_new_function_and_a_private_key() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    let names: Vec<&str> = info["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    for function in [
        "tool_mobile_get_config",
        "core_course_get_courses_by_field",
        "mod_resource_get_resources_by_courses",
        "core_course_get_course_module",
        "core_block_get_dashboard_blocks",
        "core_calendar_get_action_events_by_timesort",
        "core_calendar_get_calendar_events",
        "core_group_get_course_user_groups",
    ] {
        assert!(names.contains(&function), "{function} not in {names:?}");
    }
    let key = info["userprivateaccesskey"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_eq!(key.len(), 32);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(key, token);
    // Stable for the user, different for another.
    let again = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_eq!(again["userprivateaccesskey"], key.as_str());
    let other = site.token("learner2").await;
    let theirs = site
        .call(&other, "core_webservice_get_site_info", &[])
        .await;
    assert_ne!(theirs["userprivateaccesskey"], key.as_str());
}

#[tokio::test]
async fn get_config_answers_every_section_or_one() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (text, all) = call(&site, &token, "tool_mobile_get_config", &[]).await;
    assert_shape(&text, fixture!("tool_mobile_get_config"));
    let names: Vec<&str> = all["settings"]
        .as_array()
        .expect("settings")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    for name in [
        "tool_mobile_disabledfeatures",
        "calendartype",
        "enabledashboard",
        "mygradesurl",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let (text, one) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "navigation")],
    )
    .await;
    assert_shape(&text, fixture!("tool_mobile_get_config"));
    assert_eq!(one["settings"].as_array().map(Vec::len), Some(3), "{one}");
    let (_, bad) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "a b")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
    let (_, unknown) = call(&site, &token, "tool_mobile_get_config", &[("colour", "1")]).await;
    assert_exception(&unknown, "invalidparameter");
}

#[tokio::test]
async fn courses_by_field_gives_members_the_whole_course_and_others_the_listing() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let mine = site.course_id(FACILITY_A.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "id"), ("value", &mine)],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    let course = &reply["courses"][0];
    assert_eq!(course["shortname"], FACILITY_A.shortname);
    assert_eq!(course["format"], "topics");
    let options: Vec<&str> = course["courseformatoptions"]
        .as_array()
        .expect("courseformatoptions")
        .iter()
        .map(|o| o["name"].as_str().expect("name"))
        .collect();
    assert_eq!(options, ["hiddensections", "coursedisplay", "indentation"]);
    assert_eq!(
        course["enrollmentmethods"],
        serde_json::json!(["manual", "self"])
    );

    // A visible course the learner is not in: only what Moodle's course listing shows.
    let catalog = site.course_id(CATALOG.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "ids"), ("value", &format!("{mine},{catalog}"))],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    let listed = &reply["courses"][1];
    assert_eq!(listed["shortname"], CATALOG.shortname);
    for member_only in ["format", "courseformatoptions", "filters", "visible"] {
        assert!(
            listed.get(member_only).is_none(),
            "{member_only} in {listed}"
        );
    }

    // Every course: the site course and the four demo courses, by id.
    let (text, reply) = call(&site, &token, "core_course_get_courses_by_field", &[]).await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    assert_eq!(
        reply["courses"].as_array().map(Vec::len),
        Some(5),
        "{reply}"
    );

    let (_, bad) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "colour"), ("value", "1")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
    assert_eq!(bad["debuginfo"], "Invalid field name");
}

#[tokio::test]
async fn hidden_courses_are_not_listed() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let hidden = site.course_id(FACILITY_B.shortname).await;
    site.state
        .db()
        .call(
            move |conn| Ok(conn.execute("UPDATE course SET visible = 0 WHERE id = ?1", [hidden])?),
        )
        .await
        .expect("hide");
    let (_, reply) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "id"), ("value", &hidden.to_string())],
    )
    .await;
    assert_eq!(reply, serde_json::json!({"courses": [], "warnings": []}));
}

/// The first lecture (resource) of facility A's first unit.
async fn first_lecture(site: &Site, token: &str) -> Value {
    let courseid = site.course_id(FACILITY_A.shortname).await.to_string();
    let contents = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    contents[1]["modules"][0].clone()
}

#[tokio::test]
async fn get_course_module_describes_a_lecture_to_its_learners_only() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = first_lecture(&site, &token).await;
    let cmid = lecture["id"].as_i64().expect("id").to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_course_get_course_module",
        &[("cmid", &cmid)],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_course_module"));
    assert_eq!(reply["cm"]["modname"], "resource");
    assert_eq!(reply["cm"]["instance"], lecture["instance"]);
    assert_eq!(reply["cm"]["sectionnum"], 1);

    let (_, missing) = call(
        &site,
        &token,
        "core_course_get_course_module",
        &[("cmid", "99999")],
    )
    .await;
    assert_exception(&missing, "invalidrecord");
    let outsider = site.token("learner2").await;
    let (_, refused) = call(
        &site,
        &outsider,
        "core_course_get_course_module",
        &[("cmid", &cmid)],
    )
    .await;
    assert_exception(&refused, "requireloginerror");
    assert_eq!(
        refused["message"],
        "Course or activity not accessible. (Not enrolled)"
    );
}

#[tokio::test]
async fn resources_by_courses_lists_openable_lectures_with_files() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (text, reply) = call(&site, &token, "mod_resource_get_resources_by_courses", &[]).await;
    assert_shape(&text, fixture!("mod_resource_get_resources_by_courses"));
    let resources = reply["resources"].as_array().expect("resources");
    assert!(!resources.is_empty());
    let file_url = resources[0]["contentfiles"][0]["fileurl"]
        .as_str()
        .expect("fileurl");
    assert!(file_url.contains("/mod_resource/content/0/"), "{file_url}");

    // Its file downloads with the learner's token.
    let path = file_url.trim_start_matches(super::support::WWWROOT);
    let file = site.get(&format!("{path}?token={token}")).await;
    assert!(file.status.is_success(), "{}", file.status);

    let facility_b = site.course_id(FACILITY_B.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "mod_resource_get_resources_by_courses",
        &[("courseids[0]", &facility_b)],
    )
    .await;
    assert_shape(&text, fixture!("mod_resource_get_resources_by_courses"));
    assert_eq!(reply["resources"], serde_json::json!([]));
    assert_eq!(
        reply["warnings"][0]["itemid"],
        facility_b.parse::<i64>().expect("id")
    );
    assert_eq!(reply["warnings"][0]["warningcode"], "1");

    let (_, bad) = call(
        &site,
        &token,
        "mod_resource_get_resources_by_courses",
        &[("courseids[0]", "x")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
}

#[tokio::test]
async fn dashboard_holds_the_course_overview() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    for page in ["__default", "courses"] {
        let (text, reply) = call(
            &site,
            &token,
            "core_block_get_dashboard_blocks",
            &[("returncontents", "1"), ("mypage", page)],
        )
        .await;
        assert_shape(&text, fixture!("core_block_get_dashboard_blocks"));
        assert_eq!(reply["blocks"][0]["name"], "myoverview");
        assert!(reply["blocks"][0]["contents"]["title"].is_string());
    }
    let (text, reply) = call(&site, &token, "core_block_get_dashboard_blocks", &[]).await;
    assert_shape(&text, fixture!("core_block_get_dashboard_blocks"));
    assert!(reply["blocks"][0].get("contents").is_none(), "{reply}");

    let (_, bad) = call(
        &site,
        &token,
        "core_block_get_dashboard_blocks",
        &[("mypage", "nosuchpage")],
    )
    .await;
    assert_exception(&bad, "mymoodlesetup");
    let other = site.userid(&site.token("learner2").await).await.to_string();
    let (_, refused) = call(
        &site,
        &token,
        "core_block_get_dashboard_blocks",
        &[("userid", &other)],
    )
    .await;
    assert_exception(&refused, "nopermissions");
}

#[tokio::test]
async fn calendar_answers_are_empty_and_whole() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (text, reply) = call(
        &site,
        &token,
        "core_calendar_get_action_events_by_timesort",
        &[("timesortfrom", "0"), ("limitnum", "10")],
    )
    .await;
    assert_shape(
        &text,
        fixture!("core_calendar_get_action_events_by_timesort"),
    );
    assert_eq!(
        reply,
        serde_json::json!({"events": [], "firstid": null, "lastid": null})
    );
    let (_, bad) = call(
        &site,
        &token,
        "core_calendar_get_action_events_by_timesort",
        &[("limitnum", "0")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");

    let mine = site.course_id(FACILITY_A.shortname).await.to_string();
    let theirs = site.course_id(FACILITY_B.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_calendar_get_calendar_events",
        &[
            ("events[courseids][0]", &mine),
            ("events[courseids][1]", &theirs),
            ("options[userevents]", "1"),
        ],
    )
    .await;
    assert_shape(&text, fixture!("core_calendar_get_calendar_events"));
    assert_eq!(reply["events"], serde_json::json!([]));
    let warned: Vec<&Value> = reply["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| &w["itemid"])
        .collect();
    assert_eq!(warned, [&Value::from(theirs.parse::<i64>().expect("id"))]);
    let (_, bad) = call(
        &site,
        &token,
        "core_calendar_get_calendar_events",
        &[("options[colour]", "1")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
}

#[tokio::test]
async fn groups_are_empty_and_checked() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let mine = site.course_id(FACILITY_A.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", &mine)],
    )
    .await;
    assert_shape(&text, fixture!("core_group_get_course_user_groups"));
    assert_eq!(reply, serde_json::json!({"groups": [], "warnings": []}));

    let theirs = site.course_id(FACILITY_B.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", &theirs)],
    )
    .await;
    assert_shape(&text, fixture!("core_group_get_course_user_groups"));
    assert_eq!(
        reply["warnings"][0]["message"],
        "No access rights in course context"
    );

    let (_, missing) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", "99999")],
    )
    .await;
    assert_exception(&missing, "invalidrecord");
    let other = site.userid(&site.token("learner2").await).await.to_string();
    let (_, refused) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("userid", &other)],
    )
    .await;
    assert_exception(&refused, "nopermissions");
}

#[tokio::test]
async fn my_courses_carry_a_course_image_the_site_serves() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await.to_string();
    let courses = site
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    let image = courses[0]["courseimage"].as_str().expect("courseimage");
    let reply = site
        .get(image.trim_start_matches(super::support::WWWROOT))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/svg+xml"));
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert!(reply.text().starts_with("<svg"));
    let missing = site
        .get("/pluginfile.php/1/course/generated/1/other.svg")
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn module_icons_are_served_under_both_url_shapes() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = first_lecture(&site, &token).await;
    let icon = lecture["modicon"].as_str().expect("modicon");
    for uri in [
        icon.trim_start_matches(super::support::WWWROOT).to_owned(),
        "/theme/image.php/boost/customcert/1/monologo".to_owned(),
        "/theme/image.php?theme=boost&component=mod_quiz&rev=1&image=monologo".to_owned(),
        "/theme/image.php/boost/core/1/u/f1".to_owned(),
    ] {
        let reply = site.get(&uri).await;
        assert_eq!(reply.status, 200, "{uri}");
        assert_eq!(reply.header("content-type"), Some("image/svg+xml"), "{uri}");
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{uri}"
        );
        assert_eq!(
            reply.header("cross-origin-resource-policy"),
            Some("cross-origin"),
            "{uri}"
        );
        assert!(reply.text().starts_with("<svg"), "{uri}");
    }
    assert_eq!(
        site.get("/theme/image.php/boost/core/1/nosuch")
            .await
            .status,
        404
    );
}
