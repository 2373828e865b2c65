//! Completion: by watched coverage with the extension, through Moodle's standard functions
//! and `completiondata`; the manual toggle; and who may ask.

use serde_json::{Value, json};

use super::support::{Site, assert_exception, played};
use crate::config::Config;
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B};

/// A learner's completion status of one module, from the standard function.
async fn status(site: &Site, token: &str, shortname: &str, cmid: i64) -> Value {
    let courseid = site.course_id(shortname).await.to_string();
    let userid = site.userid(token).await.to_string();
    let reply = site
        .call(
            token,
            "core_completion_get_activities_completion_status",
            &[("courseid", &courseid), ("userid", &userid)],
        )
        .await;
    reply["statuses"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .find(|s| s["cmid"] == cmid)
        .cloned()
        .unwrap_or(Value::Null)
}

/// A module as `core_course_get_contents` shows it to the learner.
async fn module(site: &Site, token: &str, shortname: &str, cmid: i64) -> Value {
    let courseid = site.course_id(shortname).await.to_string();
    let contents = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    contents
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["modules"].as_array().cloned().unwrap_or_default())
        .find(|m| m["id"] == cmid)
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn watching_90_percent_completes_a_lecture_for_good() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, 1).await[1]; // 10 s
    let t = site.now_ms();
    let push = |id: &'static str, from: f64, to: f64| {
        let site = &site;
        let token = &token;
        async move {
            site.push(token, "d", &[played(id, lecture, from, to, t)])
                .await
        }
    };
    push("c1", 0.0, 8.9).await;
    let page = site.pull(&token, "", None).await;
    assert_eq!(page["lectures"][0]["completed"], false);
    assert_eq!(page["lectures"][0]["timecompleted"], Value::Null);
    let before = status(&site, &token, FACILITY_A.shortname, lecture).await;
    assert_eq!(before["state"], 0, "{before}");
    assert_eq!(before["tracking"], 2);
    assert_eq!(before["isautomatic"], true);
    assert_eq!(before["details"][0]["rulename"], "completionwatched");
    assert_eq!(before["details"][0]["rulevalue"]["status"], 0);

    let now = site.state.clock().now();
    push("c2", 8.9, 9.0).await;
    let page = site.pull(&token, "", None).await;
    let record = &page["lectures"][0];
    assert_eq!(record["completed"], true, "{record}");
    let time = record["timecompleted"].as_i64().expect("timecompleted");
    assert!(
        (now..=now + 5).contains(&time),
        "server time, in seconds: {time}"
    );

    let after = status(&site, &token, FACILITY_A.shortname, lecture).await;
    assert_eq!(after["state"], 1, "{after}");
    assert_eq!(after["timecompleted"], time);
    assert_eq!(after["isoverallcomplete"], true);
    assert_eq!(after["details"][0]["rulevalue"]["status"], 1);
    let shown = module(&site, &token, FACILITY_A.shortname, lecture).await;
    assert_eq!(shown["completiondata"]["state"], 1, "{shown}");
    assert_eq!(shown["completiondata"]["timecompleted"], time);

    // Later watching changes the record but never the time it became complete.
    site.state.clock().advance(3600);
    push("c3", 9.0, 10.0).await;
    let page = site.pull(&token, "", None).await;
    assert_eq!(page["lectures"][0]["coverage"], 1.0);
    assert_eq!(page["lectures"][0]["timecompleted"], time);
    let later = status(&site, &token, FACILITY_A.shortname, lecture).await;
    assert_eq!(later["timecompleted"], time);
}

#[tokio::test]
async fn watching_a_units_lectures_opens_its_certificate() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    // Unit 3 (継続研修講座2023): two lectures, then the certificate.
    let lectures = site.lectures(&token, FACILITY_A.shortname, 3).await;
    assert_eq!(lectures.len(), 2);
    let certificate = lectures[1] + 1;
    let cert = module(&site, &token, FACILITY_A.shortname, certificate).await;
    assert_eq!(cert["modname"], "customcert");
    assert_eq!(cert["uservisible"], false);
    site.watch_whole(&token, lectures[0]).await;
    let cert = module(&site, &token, FACILITY_A.shortname, certificate).await;
    assert_eq!(cert["uservisible"], false, "one lecture is not enough");
    site.watch_whole(&token, lectures[1]).await;
    let cert = module(&site, &token, FACILITY_A.shortname, certificate).await;
    assert_eq!(cert["uservisible"], true, "{cert}");

    let userid = site.userid(&token).await.to_string();
    let courses = site
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    assert!(
        courses[0]["progress"].as_f64().unwrap_or(0.0) > 0.0,
        "{courses}"
    );
}

#[tokio::test]
async fn the_status_function_lists_what_the_learner_can_see() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await.to_string();
    let userid = site.userid(&token).await.to_string();
    let function = "core_completion_get_activities_completion_status";
    let reply = site
        .call(
            &token,
            function,
            &[("courseid", &courseid), ("userid", &userid)],
        )
        .await;
    assert_eq!(reply["warnings"], json!([]));
    let statuses = reply["statuses"].as_array().expect("statuses");
    let mut lectures = 0;
    for unit in 1..=5 {
        lectures += site
            .lectures(&token, FACILITY_A.shortname, unit)
            .await
            .len();
    }
    // Certificates have no completion of their own: the lectures are listed, and the tests of
    // the basic unit and the short unit, complete with a passing grade.
    assert_eq!(statuses.len(), lectures + 2);
    let test = statuses
        .iter()
        .find(|s| s["modname"] == "quiz")
        .expect("the unit's test");
    assert_eq!(test["state"], 0);
    assert_eq!(test["isautomatic"], true);
    let rules: Vec<&str> = test["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["rulename"].as_str())
        .collect();
    assert_eq!(rules, ["completionusegrade", "completionpassgrade"]);
    let first = &statuses[0];
    for key in [
        "cmid",
        "modname",
        "instance",
        "state",
        "timecompleted",
        "tracking",
        "overrideby",
        "valueused",
        "hascompletion",
        "isautomatic",
        "istrackeduser",
        "uservisible",
        "details",
    ] {
        assert!(first.get(key).is_some(), "{key} missing: {first}");
    }
    assert_eq!(first["modname"], "resource");
    assert_eq!(first["overrideby"], Value::Null);
    assert_eq!(first["valueused"], true, "certificates read it");

    let other = site.userid(&site.token("learner2").await).await.to_string();
    let refused = site
        .call(
            &token,
            function,
            &[("courseid", &courseid), ("userid", &other)],
        )
        .await;
    assert_exception(&refused, "nopermissions");
    assert_eq!(refused["exception"], "required_capability_exception");
    let catalog = site.course_id(CATALOG.shortname).await.to_string();
    let not_enrolled = site
        .call(
            &token,
            function,
            &[("courseid", &catalog), ("userid", &userid)],
        )
        .await;
    assert_exception(&not_enrolled, "requireloginerror");
    let no_course = site
        .call(
            &token,
            function,
            &[("courseid", "99999"), ("userid", &userid)],
        )
        .await;
    assert_exception(&no_course, "invalidrecord");
    let no_user = site
        .call(
            &token,
            function,
            &[("courseid", &courseid), ("userid", "99999")],
        )
        .await;
    assert_exception(&no_user, "invalidrecord");
    let missing = site
        .call(&token, function, &[("courseid", &courseid)])
        .await;
    assert_exception(&missing, "invalidparameter");
}

#[tokio::test]
async fn manual_completion_is_refused_where_tracking_is_automatic() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, 1).await[0].to_string();
    let manual = "core_completion_update_activity_completion_status_manually";
    let refused = site
        .call(&token, manual, &[("cmid", &lecture), ("completed", "1")])
        .await;
    assert_exception(&refused, "cannotmanualctrack");
    assert_eq!(
        refused["message"],
        "Activity does not provide manual tracking"
    );
    let bad_bool = site
        .call(&token, manual, &[("cmid", &lecture), ("completed", "true")])
        .await;
    assert_exception(&bad_bool, "invalidparameter");
    let missing = site
        .call(&token, manual, &[("cmid", "99999"), ("completed", "1")])
        .await;
    assert_exception(&missing, "invalidrecord");
    let learner2 = site.token("learner2").await;
    let theirs = site
        .call(&learner2, manual, &[("cmid", &lecture), ("completed", "1")])
        .await;
    assert_exception(&theirs, "requireloginerror");
}

#[tokio::test]
async fn the_threshold_is_the_sites() {
    let mut config = Config::for_tests(super::support::test_media_dir());
    config.completion_threshold = 0.5;
    let site = Site::with_config(config).await;
    let token = site.token("learner2").await;
    let lecture = site.lectures(&token, FACILITY_B.shortname, 1).await[1]; // 10 s
    let answer = site
        .push(
            &token,
            "d",
            &[played("half", lecture, 0.0, 5.0, site.now_ms())],
        )
        .await;
    assert_eq!(answer["threshold"], 0.5);
    let page = site.pull(&token, "", None).await;
    assert_eq!(page["threshold"], 0.5);
    assert_eq!(page["lectures"][0]["completed"], true);
    let shown = module(&site, &token, FACILITY_B.shortname, lecture).await;
    assert_eq!(
        shown["completiondata"]["details"][0]["rulevalue"]["description"],
        "Watch at least 50% of the video"
    );
    let mut bad = Config::for_tests(super::support::test_media_dir());
    for threshold in [0.0, 1.5, f64::NAN] {
        bad.completion_threshold = threshold;
        assert!(crate::AppState::new(&bad).await.is_err(), "{threshold}");
    }
}
