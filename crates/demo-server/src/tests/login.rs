//! `login/token.php` and the AJAX public config.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::support::{Site, WWWROOT};

#[tokio::test]
async fn a_learner_gets_a_token_and_the_same_token_again() {
    let site = Site::new().await;
    let first = site.login("learner1", "Juko-demo-1").await;
    let token = first["token"].as_str().expect("token");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(first["privatetoken"], Value::Null);
    // Usernames are trimmed and lower-cased; a valid token is reused.
    let again = site.login("  LEARNER1 ", "Juko-demo-1").await;
    assert_eq!(again["token"], token);
}

#[tokio::test]
async fn login_errors_use_the_ajax_shape() {
    let site = Site::new().await;
    let check = |reply: Value, errorcode: &str| {
        assert_eq!(reply["errorcode"], errorcode, "{reply}");
        assert!(reply["error"].is_string(), "{reply}");
        for key in ["stacktrace", "debuginfo", "reproductionlink"] {
            assert!(reply.get(key).is_some(), "{key} in {reply}");
        }
        assert!(reply.get("token").is_none());
    };
    check(site.login("learner1", "wrong").await, "invalidlogin");
    check(site.login("nobody", "Juko-demo-1").await, "invalidlogin");
    check(site.login("admin", "!").await, "invalidlogin");
    let wrong_service = [
        ("username", "learner1"),
        ("password", "Juko-demo-1"),
        ("service", "other"),
    ];
    check(
        site.post_form("/login/token.php", &wrong_service)
            .await
            .json(),
        "servicenotavailable",
    );
    let missing = site
        .post_form("/login/token.php", &[("username", "learner1")])
        .await;
    assert_eq!(missing.status, StatusCode::OK);
    check(missing.json(), "missingparam");
    assert_eq!(
        site.login("learner1", "wrong").await,
        json!({"error": "Invalid login, please try again", "errorcode": "invalidlogin",
               "stacktrace": null, "debuginfo": null, "reproductionlink": null})
    );
}

#[tokio::test]
async fn token_php_also_answers_get_and_the_site_check() {
    let site = Site::new().await;
    let check = site.get("/login/token.php?appsitecheck=1").await;
    assert_eq!(check.json(), json!({"appsitecheck": "ok"}));
    assert_eq!(check.header("access-control-allow-origin"), Some("*"));
    let get = site
        .get("/login/token.php?username=learner2&password=Juko-demo-2&service=moodle_mobile_app")
        .await;
    assert!(get.json()["token"].is_string());
}

async fn ajax(site: &Site, path: &str, body: &str) -> Value {
    let headers = [("content-type", "application/json")];
    let reply = site
        .request(Method::POST, path, &headers, Body::from(body.to_owned()))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    reply.json()
}

#[tokio::test]
async fn public_config_reports_the_url_the_client_used() {
    let site = Site::new().await;
    let call = r#"[{"index":0,"methodname":"tool_mobile_get_public_config","args":{}}]"#;
    for path in [
        "/lib/ajax/service-nologin.php?info=tool_mobile_get_public_config&lang=ja",
        "/lib/ajax/service.php?info=tool_mobile_get_public_config",
    ] {
        let reply = ajax(&site, path, call).await;
        assert_eq!(reply[0]["error"], false, "{reply}");
        let data = &reply[0]["data"];
        assert_eq!(data["wwwroot"], WWWROOT);
        assert_eq!(data["httpswwwroot"], WWWROOT);
        assert_eq!(data["typeoflogin"], 1);
        assert_eq!(data["enablemobilewebservice"], 1);
        assert_eq!(data["maintenanceenabled"], 0);
        assert!(
            data["sitename"]
                .as_str()
                .is_some_and(|s| s.contains("ICRweb"))
        );
    }
    // The App's GET fallback carries the calls in `args`.
    let args = super::support::form(&[("args", call)]);
    let get = site
        .get(&format!(
            "/lib/ajax/service-nologin.php?info=tool_mobile_get_public_config&{args}"
        ))
        .await;
    assert_eq!(get.json()[0]["data"]["wwwroot"], WWWROOT);
}

#[tokio::test]
async fn unknown_ajax_methods_fail_inside_the_array() {
    let site = Site::new().await;
    let reply = ajax(
        &site,
        "/lib/ajax/service-nologin.php",
        r#"[{"index":0,"methodname":"tool_mobile_get_public_config","args":{}},
            {"index":1,"methodname":"no_such_function","args":{}},
            {"index":2,"methodname":"core_webservice_get_site_info","args":{}}]"#,
    )
    .await;
    assert_eq!(reply[0]["error"], false);
    assert_eq!(reply[1]["error"], true);
    assert_eq!(reply[1]["exception"]["errorcode"], "invalidrecord");
    assert!(reply[1]["exception"]["message"].is_string());
    assert_eq!(reply[2]["exception"]["errorcode"], "servicerequireslogin");
}
