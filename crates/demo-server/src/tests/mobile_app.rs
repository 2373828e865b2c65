//! The calls the official Moodle App makes to sign in, show its dashboard, open a course and
//! open a resource: each answer checked against a fixture of Moodle 4.5's declared structure
//! (`fixtures/`, `shape.rs`), plus Moodle's errors and who may see what.

use serde_json::Value;

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception, listed_functions};
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B};

#[tokio::test]
async fn site_info_lists_every_new_function_and_a_private_key() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    let names = listed_functions(&info);
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
    let setting = |reply: &Value, name: &str| {
        reply["settings"]
            .as_array()
            .expect("settings")
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["value"].clone())
    };
    for name in [
        "tool_mobile_disabledfeatures",
        "calendartype",
        "enabledashboard",
        "mygradesurl",
        "tool_mobile_autologinmintimebetweenreq",
    ] {
        assert!(setting(&all, name).is_some(), "{name} missing");
    }
    // Keys Moodle 4.5's `api::get_config` does not have, and admin-only ones.
    for name in [
        "enablemyhome",
        "enablemycourses",
        "tool_mobile_showlogoinappheader",
        "tool_mobile_customusermenuitems",
        "tool_mobile_scriptallowlist",
        "defaultfrontpageroleid",
        "h5pcustomcssurl",
    ] {
        assert!(setting(&all, name).is_none(), "{name} present");
    }
    // Values read from the database are text; the site summary keeps its stored format.
    assert_eq!(setting(&all, "summaryformat"), Some(Value::from("0")));
    assert_eq!(setting(&all, "bloglevel"), Some(Value::from("4")));
    assert_eq!(setting(&all, "numsections"), Some(Value::from(1)));

    let (text, one) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "navigation")],
    )
    .await;
    assert_shape(&text, fixture!("tool_mobile_get_config"));
    assert_eq!(
        one["settings"],
        serde_json::json!([{"name": "enabledashboard", "value": "1"}])
    );
    // The advanced theme page answers what the theme page does; an unknown one, nothing.
    let (_, theme) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "themesettingsadvanced")],
    )
    .await;
    assert_eq!(
        theme["settings"][0]["name"], "customusermenuitems",
        "{theme}"
    );
    let (_, none) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "nosuchsection")],
    )
    .await;
    assert_eq!(none, serde_json::json!({"settings": [], "warnings": []}));

    let (_, bad) = call(
        &site,
        &token,
        "tool_mobile_get_config",
        &[("section", "a b")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
    assert_eq!(
        bad["debuginfo"],
        "section => Invalid parameter value detected: Invalid external api parameter: \
         the value is \"a b\", the server was expecting \"alphanumext\" type"
    );
    let (_, unknown) = call(&site, &token, "tool_mobile_get_config", &[("colour", "1")]).await;
    assert_exception(&unknown, "invalidparameter");
}

#[tokio::test]
async fn site_info_has_exactly_moodle_45s_keys() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (text, info) = call(&site, &token, "core_webservice_get_site_info", &[]).await;
    assert_shape(&text, fixture!("core_webservice_get_site_info"));
    // Added after 4.5 (5.2): a 4.5 site does not send them.
    for later in ["usercanchangeconfig", "usercanviewconfig", "sitesecret"] {
        assert!(info.get(later).is_none(), "{later} in {info}");
    }
    let features: Vec<&str> = info["advancedfeatures"]
        .as_array()
        .expect("advancedfeatures")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        features,
        [
            "usecomments",
            "usetags",
            "enablenotes",
            "messaging",
            "enableblogs",
            "enablecompletion",
            "enablebadges",
            "messagingallusers",
            "enablecustomreports",
            "enableglobalsearch",
            "mnet_dispatcher_mode",
            "enablecompetencies",
        ]
    );
}

#[tokio::test]
async fn my_courses_have_exactly_moodle_45s_keys() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await.to_string();
    let (text, courses) = call(
        &site,
        &token,
        "core_enrol_get_users_courses",
        &[("userid", &userid)],
    )
    .await;
    assert_shape(&text, fixture!("core_enrol_get_users_courses"));
    let courses = courses.as_array().expect("courses");
    assert!(!courses.is_empty());
    for course in courses {
        // Completion fields follow the course's own setting: tracked courses say whether
        // they are done, others say nothing (null).
        let tracked = course["enablecompletion"]
            .as_bool()
            .expect("enablecompletion");
        assert_eq!(course["completionusertracked"], tracked, "{course}");
        assert_eq!(course["completed"].is_boolean(), tracked, "{course}");
        assert_eq!(course["completed"].is_null(), !tracked, "{course}");
    }
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
    // Stored options come cleaned to integers; the plugin setting stays text.
    assert_eq!(course["courseformatoptions"][0]["value"], 1);
    assert_eq!(course["courseformatoptions"][2]["value"], "1");
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
    // `modules.id` of mod_resource on a fresh 4.5 install (24 standard modules, by name).
    assert_eq!(reply["cm"]["module"], 18);

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
    // The course-module columns come for every user: the section's number, not its id.
    let first = &resources[0];
    assert_eq!(first["section"], 1, "{first}");
    assert_eq!(first["visible"], true);
    assert_eq!(first["lang"], "");
    let icon = first["contentfiles"][0]["icon"].as_str().expect("icon");
    assert!(icon.starts_with("f/"), "{icon}");

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
    // Moodle's page names: MY_PAGE_DEFAULT and MY_PAGE_COURSES.
    for page in ["__default", "__courses"] {
        let (text, reply) = call(
            &site,
            &token,
            "core_block_get_dashboard_blocks",
            &[("returncontents", "1"), ("mypage", page)],
        )
        .await;
        assert_shape(&text, fixture!("core_block_get_dashboard_blocks"));
        let block = &reply["blocks"][0];
        assert_eq!(block["name"], "myoverview");
        assert!(block["contents"]["title"].is_string());
        assert_eq!(block["collapsible"], true);
        assert_eq!(block["dockable"], false);
        let configs: Vec<(&str, &str, &str)> = block["configs"]
            .as_array()
            .expect("configs")
            .iter()
            .map(|c| {
                let field = |k: &str| c[k].as_str().expect("text");
                (field("name"), field("value"), field("type"))
            })
            .collect();
        assert_eq!(configs[0], ("version", "\"2024100700\"", "plugin"));
        assert!(configs.contains(&("displaygroupingfavourites", "\"1\"", "plugin")));
        assert!(configs.iter().all(|c| c.0 != "displaygroupingstarred"));
    }
    let (text, reply) = call(&site, &token, "core_block_get_dashboard_blocks", &[]).await;
    assert_shape(&text, fixture!("core_block_get_dashboard_blocks"));
    assert!(reply["blocks"][0].get("contents").is_none(), "{reply}");

    // "courses" is not a page name: my_get_page finds nothing.
    for page in ["nosuchpage", "courses"] {
        let (_, bad) = call(
            &site,
            &token,
            "core_block_get_dashboard_blocks",
            &[("mypage", page)],
        )
        .await;
        assert_exception(&bad, "mymoodlesetup");
        assert_eq!(bad["exception"], "moodle_exception");
        assert_eq!(bad["message"], "error/mymoodlesetup");
    }
    let other = site.userid(&site.token("learner2").await).await.to_string();
    let (_, refused) = call(
        &site,
        &token,
        "core_block_get_dashboard_blocks",
        &[("userid", &other)],
    )
    .await;
    assert_exception(&refused, "nopermissions");
    assert_eq!(
        refused["message"],
        "Sorry, but you do not currently have permissions to do that (Change site configuration)."
    );
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
    // The calendar API's limit check: a moodle_exception whose code is the sentence.
    for limit in ["0", "51"] {
        let (_, bad) = call(
            &site,
            &token,
            "core_calendar_get_action_events_by_timesort",
            &[("limitnum", limit)],
        )
        .await;
        assert_exception(&bad, "Limit must be between 1 and 50 (inclusive)");
        assert_eq!(bad["exception"], "moodle_exception");
        assert_eq!(
            bad["message"],
            "error/Limit must be between 1 and 50 (inclusive)"
        );
    }
    // Any explicit user id (one's own too) needs manageentries; it is checked before the
    // limit. An id with no user behind it is a missing record.
    let own = site.userid(&token).await.to_string();
    let other = site.userid(&site.token("learner2").await).await.to_string();
    for userid in [own.as_str(), other.as_str()] {
        let (_, refused) = call(
            &site,
            &token,
            "core_calendar_get_action_events_by_timesort",
            &[("userid", userid), ("limitnum", "0")],
        )
        .await;
        assert_exception(&refused, "nopermission");
        assert_eq!(refused["exception"], "required_capability_exception");
        assert_eq!(refused["message"], "error/nopermission");
    }
    let (_, missing) = call(
        &site,
        &token,
        "core_calendar_get_action_events_by_timesort",
        &[("userid", "99999")],
    )
    .await;
    assert_exception(&missing, "invalidrecord");
    let (text, _) = call(
        &site,
        &token,
        "core_calendar_get_action_events_by_timesort",
        &[("userid", "0")],
    )
    .await;
    assert_shape(
        &text,
        fixture!("core_calendar_get_action_events_by_timesort"),
    );

    let mine = site.course_id(FACILITY_A.shortname).await.to_string();
    let theirs = site.course_id(FACILITY_B.shortname).await.to_string();
    let (text, reply) = call(
        &site,
        &token,
        "core_calendar_get_calendar_events",
        &[
            ("events[courseids][0]", &mine),
            ("events[courseids][1]", &theirs),
            ("events[courseids][2]", "99999"),
            ("events[groupids][0]", "7"),
            ("options[userevents]", "1"),
        ],
    )
    .await;
    assert_shape(&text, fixture!("core_calendar_get_calendar_events"));
    assert_eq!(reply["events"], serde_json::json!([]));
    let theirs: i64 = theirs.parse().expect("id");
    assert_eq!(
        reply["warnings"],
        serde_json::json!([
            {"item": "course", "itemid": theirs, "warningcode": "nopermissions",
             "message": "No access rights in course context \
                         Course or activity not accessible. (Not enrolled)"},
            {"item": "course", "itemid": 99999, "warningcode": "nopermissions",
             "message": "No access rights in course context \
                         Can't find data record in database table course."},
            {"item": "7", "warningcode": "nopermissions",
             "message": "you do not have permissions to access this group"},
        ])
    );
    let (_, bad) = call(
        &site,
        &token,
        "core_calendar_get_calendar_events",
        &[("options[colour]", "1")],
    )
    .await;
    assert_exception(&bad, "invalidparameter");
}

/// The calendar fixtures are the whole event element: a full event as Moodle 4.5 exports it
/// matches, and one without a required key does not.
#[test]
fn the_calendar_event_fixture_is_complete() {
    // Raw text: the checker reads key order, which a `serde_json::Value` would sort.
    let event = r#"{
        "id": 5, "name": "Quiz closes", "description": "", "descriptionformat": 1,
        "location": "", "categoryid": null, "groupid": null, "userid": 2, "repeatid": null,
        "eventcount": null, "component": "mod_quiz", "modulename": "quiz",
        "activityname": "Quiz 1", "activitystr": "Go to activity", "instance": 3,
        "eventtype": "close", "timestart": 1700000000, "timeduration": 0,
        "timesort": 1700000000, "timeusermidnight": 1699920000, "visible": 1,
        "timemodified": 1690000000, "overdue": false,
        "icon": {"key": "monologo", "component": "quiz", "alttext": "Quiz",
                 "iconurl": "https://x/theme/image.php/boost/quiz/1/monologo", "iconclass": ""},
        "course": {
            "id": 2, "fullname": "C", "shortname": "C", "idnumber": "", "summary": "",
            "summaryformat": 1, "startdate": 0, "enddate": 0, "visible": true,
            "showactivitydates": true, "showcompletionconditions": true, "pdfexportfont": null,
            "fullnamedisplay": "C", "viewurl": "https://x/course/view.php?id=2",
            "courseimage": "data:image/svg+xml;base64,", "progress": 0, "hasprogress": true,
            "isfavourite": false, "hidden": false, "showshortname": false,
            "coursecategory": "Cat"
        },
        "canedit": false, "candelete": false, "deleteurl": "https://x/d",
        "editurl": "https://x/e", "viewurl": "https://x/v",
        "formattedtime": "<span>Monday</span>", "formattedlocation": "",
        "isactionevent": true, "iscourseevent": false, "iscategoryevent": false,
        "groupname": null, "normalisedeventtype": "course",
        "normalisedeventtypetext": "Course event",
        "action": {"name": "Attempt quiz now", "url": "https://x/a", "itemcount": 1,
                   "actionable": true, "showitemcount": false},
        "purpose": "assessment", "branded": false, "url": "https://x/mod/quiz/view.php?id=9"
    }"#;
    let answer = format!(r#"{{"events": [{event}], "firstid": 5, "lastid": 5}}"#);
    let fixture = fixture!("core_calendar_get_action_events_by_timesort");
    assert_shape(&answer, fixture);
    let without_url = answer.replace(r#", "url": "https://x/mod/quiz/view.php?id=9""#, "");
    assert_ne!(without_url, answer);
    assert_eq!(
        super::shape::mismatches(&without_url, fixture),
        [r#"$.events[0]: missing key "url""#]
    );
}

#[tokio::test]
async fn groups_are_empty_and_checked() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let me = site.userid(&token).await;
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
    // All my courses: nothing to warn about.
    let (text, reply) = call(&site, &token, "core_group_get_course_user_groups", &[]).await;
    assert_shape(&text, fixture!("core_group_get_course_user_groups"));
    assert_eq!(reply, serde_json::json!({"groups": [], "warnings": []}));

    let theirs = site.course_id(FACILITY_B.shortname).await;
    let (text, reply) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", &theirs.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("core_group_get_course_user_groups"));
    assert_eq!(
        reply["warnings"],
        serde_json::json!([{"item": "course", "itemid": theirs, "warningcode": "1",
                            "message": "No access rights in course context"}])
    );
    // The site course opens to everyone, but nobody is enrolled in it: warned, not refused.
    let (_, reply) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", "1")],
    )
    .await;
    assert_eq!(
        reply["warnings"],
        serde_json::json!([{"item": "course", "itemid": 1, "warningcode": "notenrolled",
                            "message": format!("User {me} is not enrolled in course 1")}])
    );

    let (_, missing) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("courseid", "99999")],
    )
    .await;
    assert_exception(&missing, "invalidrecord");
    let (_, nobody) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("userid", "99999")],
    )
    .await;
    assert_exception(&nobody, "invalidrecord");
    // Another learner's groups: a warning per shared course, not an error.
    let other = site.token("learner2").await;
    let theirid = site.userid(&other).await;
    let (text, reply) = call(
        &site,
        &token,
        "core_group_get_course_user_groups",
        &[("userid", &theirid.to_string()), ("courseid", &mine)],
    )
    .await;
    assert_shape(&text, fixture!("core_group_get_course_user_groups"));
    assert_eq!(
        reply["warnings"],
        serde_json::json!([{"item": "course", "itemid": mine.parse::<i64>().expect("id"),
                            "warningcode": "cannotmanagegroups",
                            "message": format!("User {me} cannot manage groups in course {mine}")}])
    );
}

#[tokio::test]
async fn courses_by_field_warns_of_ids_and_finds_sections() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let mine = site.course_id(FACILITY_A.shortname).await;
    let catalog = site.course_id(CATALOG.shortname).await;
    // PARAM_SEQUENCE drops what is not a digit or comma; ids keep the order asked.
    let (text, reply) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[
            ("field", "ids"),
            ("value", &format!("{catalog}, {mine},{catalog}")),
        ],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    let ids: Vec<i64> = reply["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [catalog, mine]);
    assert_eq!(
        reply["warnings"],
        serde_json::json!([{"item": "course", "itemid": catalog, "warningcode": "1",
                            "message": "No access rights in course context"}])
    );

    let section = site
        .query_i64(
            "SELECT id FROM course_sections WHERE course = ?1 AND section = 1",
            mine,
        )
        .await;
    let (text, reply) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "sectionid"), ("value", &section.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    assert_eq!(reply["courses"][0]["id"], mine);
    let (_, none) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "sectionid"), ("value", "99999")],
    )
    .await;
    assert_eq!(none, serde_json::json!({"courses": [], "warnings": []}));
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
    // A course without an uploaded image (iCROWN): Moodle's generated pattern, served to
    // anyone. Facility logos are uploaded files (`tests/forum.rs`).
    let image = courses
        .as_array()
        .expect("courses")
        .iter()
        .filter_map(|c| c["courseimage"].as_str())
        .find(|url| url.ends_with(".svg"))
        .expect("a generated course image");
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
