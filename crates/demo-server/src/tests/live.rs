//! The real thing: a server on 127.0.0.1:0, a real HTTP client.

use super::support::test_media_dir;
use crate::config::Config;
use crate::seed::courses::ICROWN;
use crate::server::Server;

#[tokio::test]
async fn a_client_signs_in_browses_and_streams_over_http() {
    let server = Server::start(Config::for_tests(test_media_dir()))
        .await
        .expect("server starts");
    let site = server.url();
    assert!(site.starts_with("http://127.0.0.1:"), "{site}");
    let http = reqwest::Client::new();

    let config: serde_json::Value = http
        .post(format!(
            "{site}/lib/ajax/service-nologin.php?info=tool_mobile_get_public_config"
        ))
        .body(r#"[{"index":0,"methodname":"tool_mobile_get_public_config","args":{}}]"#)
        .send()
        .await
        .expect("public config")
        .json()
        .await
        .expect("json");
    assert_eq!(
        config[0]["data"]["wwwroot"], site,
        "wwwroot is the URL the client used"
    );

    let login: serde_json::Value = http
        .post(format!("{site}/login/token.php"))
        .form(&[
            ("username", "icrown1"),
            ("password", "Juko-demo-3"),
            ("service", "moodle_mobile_app"),
        ])
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token");

    let rest = |function: &'static str, params: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("wstoken", token.to_owned()),
            ("wsfunction", function.to_owned()),
        ];
        form.extend(params);
        http.post(format!(
            "{site}/webservice/rest/server.php?moodlewsrestformat=json"
        ))
        .form(&form)
        .send()
    };
    let info: serde_json::Value = rest("core_webservice_get_site_info", vec![])
        .await
        .expect("info")
        .json()
        .await
        .expect("json");
    let userid = info["userid"].to_string();
    let courses: serde_json::Value = rest(
        "core_enrol_get_users_courses",
        vec![("userid", userid), ("returnusercount", "0".into())],
    )
    .await
    .expect("courses")
    .json()
    .await
    .expect("json");
    assert_eq!(courses[0]["shortname"], ICROWN.shortname);
    let courseid = courses[0]["id"].to_string();
    let contents: serde_json::Value =
        rest("core_course_get_contents", vec![("courseid", courseid)])
            .await
            .expect("contents")
            .json()
            .await
            .expect("json");
    let fileurl = contents[1]["modules"][0]["contents"][0]["fileurl"]
        .as_str()
        .expect("fileurl");
    assert!(fileurl.starts_with(&site), "{fileurl}");

    let partial = http
        .get(format!("{fileurl}&token={token}"))
        .header("range", "bytes=0-1023")
        .send()
        .await
        .expect("file");
    assert_eq!(partial.status(), reqwest::StatusCode::PARTIAL_CONTENT);
    assert!(
        partial.headers()["content-range"]
            .to_str()
            .unwrap_or("")
            .starts_with("bytes 0-1023/")
    );
    assert_eq!(partial.bytes().await.expect("bytes").len(), 1024);

    server.shutdown().await;
    assert!(
        http.get(format!("{site}/login/token.php?appsitecheck=1"))
            .send()
            .await
            .is_err(),
        "stopped"
    );
}
