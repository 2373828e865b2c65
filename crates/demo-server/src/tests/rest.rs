//! The REST server: tokens, function lookup, parameter validation, site info.

use serde_json::Value;

use super::support::{Site, WWWROOT, assert_exception, listed_functions};
use crate::functions::functions;

const DAY: i64 = 24 * 60 * 60;

#[tokio::test]
async fn site_info_describes_the_learner_and_lists_exactly_the_functions() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_eq!(info["username"], "learner1");
    assert_eq!(info["fullname"], "山田 花子");
    assert_eq!(info["siteurl"], WWWROOT);
    assert_eq!(info["version"], "2024100700");
    assert_eq!(info["downloadfiles"], 1);
    assert_eq!(info["siteid"], 1);
    let listed = listed_functions(&info);
    assert_eq!(listed, functions(true));
    // Each listed function is callable (none answers "unknown function" or "not in service").
    for name in listed {
        let reply = site.call(&token, name, &[]).await;
        let code = reply["errorcode"].as_str().unwrap_or("");
        assert!(
            !matches!(code, "invalidrecord" | "accessexception"),
            "{name}: {reply}"
        );
    }
}

#[tokio::test]
async fn unknown_tokens_are_invalidtoken() {
    let site = Site::new().await;
    for token in ["", "0123456789abcdef0123456789abcdef", "not-alnum!"] {
        let reply = site.call(token, "core_webservice_get_site_info", &[]).await;
        assert_exception(&reply, "invalidtoken");
        assert_eq!(reply["message"], "Invalid token - token not found");
    }
}

#[tokio::test]
async fn an_expired_token_is_an_access_exception_once_then_unknown() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    site.state.clock().advance(12 * 7 * DAY + 1);
    let first = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_exception(&first, "accessexception");
    assert_eq!(first["exception"], "webservice_access_exception");
    let second = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_exception(&second, "invalidtoken");
    // Logging in again gives a fresh token.
    assert_ne!(site.token("learner1").await, token);
}

#[tokio::test]
async fn parameters_are_validated_like_moodle() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await.to_string();
    let courses = "core_enrol_get_users_courses";
    let check = |reply: Value, key: &str| {
        assert_exception(&reply, "invalidparameter");
        assert_eq!(reply["exception"], "invalid_parameter_exception");
        assert_eq!(reply["message"], "Invalid parameter value detected");
        let info = reply["debuginfo"].as_str().unwrap_or("");
        assert!(info.contains(key), "debuginfo {info:?} should name {key}");
    };
    check(
        site.call(&token, courses, &[("userid", &userid), ("colour", "red")])
            .await,
        "colour",
    );
    check(site.call(&token, courses, &[]).await, "userid");
    check(
        site.call(
            &token,
            courses,
            &[("userid", &userid), ("returnusercount", "true")],
        )
        .await,
        "true",
    );
    check(site.call(&token, courses, &[("userid", "")]).await, "");
    let contents = "core_course_get_contents";
    check(
        site.call(
            &token,
            contents,
            &[("courseid", "2"), ("options[0][name]", "excludecontents")],
        )
        .await,
        "value",
    );
    // The moodlewssetting* keys are not the function's and are accepted.
    let ok = site
        .call(
            &token,
            courses,
            &[
                ("userid", &userid),
                ("moodlewssettingfilter", "true"),
                ("moodlewssettingfileurl", "1"),
                ("moodlewssettinglang", "ja"),
            ],
        )
        .await;
    assert!(ok.is_array(), "{ok}");
}

#[tokio::test]
async fn unknown_functions_and_formats_are_refused() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let unknown = site.call(&token, "local_nothing_here", &[]).await;
    assert_exception(&unknown, "invalidrecord");
    assert_eq!(unknown["exception"], "dml_missing_record_exception");
    assert_eq!(
        unknown["message"],
        "Can't find data record in database table external_functions."
    );
    let not_offered = site.call(&token, "core_message_get_messages", &[]).await;
    assert_exception(&not_offered, "accessexception");

    let xml = site
        .post_form(
            "/webservice/rest/server.php",
            &[
                ("wstoken", &token),
                ("wsfunction", "core_webservice_get_site_info"),
                ("moodlewsrestformat", "xml"),
            ],
        )
        .await
        .json();
    assert_exception(&xml, "invalidparameter");
    assert!(
        xml["debuginfo"].as_str().unwrap_or("").contains("json"),
        "{xml}"
    );
}

#[tokio::test]
async fn get_requests_work_too() {
    let site = Site::new().await;
    let token = site.token("icrown1").await;
    let reply = site
        .get(&format!(
            "/webservice/rest/server.php?wstoken={token}&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json"
        ))
        .await;
    assert_eq!(reply.json()["username"], "icrown1");
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn the_public_config_is_also_a_rest_function() {
    let site = Site::new().await;
    let token = site.token("icrown1").await;
    let config = site
        .call(&token, "tool_mobile_get_public_config", &[])
        .await;
    assert_eq!(config["wwwroot"], WWWROOT);
}

#[tokio::test]
async fn cors_preflights_are_answered() {
    let site = Site::new().await;
    let reply = site
        .request(
            axum::http::Method::OPTIONS,
            "/lib/ajax/service-nologin.php",
            &[
                ("origin", "http://elsewhere.test"),
                ("access-control-request-headers", "content-type"),
            ],
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::NO_CONTENT);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("content-type")
    );
    assert!(
        reply
            .header("access-control-allow-methods")
            .is_some_and(|m| m.contains("POST"))
    );
}

#[tokio::test]
async fn a_file_database_keeps_tokens_and_is_seeded_once() {
    let dir = std::env::temp_dir().join(format!(
        "juko-demo-server-db-{}-{:x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let mut config = crate::config::Config::for_tests(super::support::test_media_dir());
    config.db = crate::config::DbLocation::File(dir.join("demo.sqlite3"));

    let first = Site::with_config(config.clone()).await;
    let token = first.token("learner1").await;
    let courses = first
        .query_i64("SELECT COUNT(*) FROM course WHERE id > ?1", 0)
        .await;
    drop(first);

    let second = Site::with_config(config).await;
    assert_eq!(
        second
            .query_i64("SELECT COUNT(*) FROM course WHERE id > ?1", 0)
            .await,
        courses
    );
    let info = second
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_eq!(info["username"], "learner1", "{info}");
    drop(second);
    let _ = std::fs::remove_dir_all(dir);
}
