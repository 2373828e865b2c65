//! The real thing: a server on 127.0.0.1:0, a real HTTP client.

use serde_json::{Value, json};

use super::support::test_media_dir;
use crate::config::Config;
use crate::seed::courses::{FACILITY_A, ICROWN};
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

/// Signs a demo learner in over HTTP; returns the token.
async fn sign_in(http: &reqwest::Client, site: &str, username: &str, password: &str) -> String {
    let login: Value = http
        .post(format!("{site}/login/token.php"))
        .form(&[
            ("username", username),
            ("password", password),
            ("service", "moodle_mobile_app"),
        ])
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    login["token"].as_str().expect("token").to_owned()
}

/// A REST call over HTTP with a form body.
async fn rest(
    http: &reqwest::Client,
    site: &str,
    token: &str,
    function: &str,
    params: &[(String, String)],
) -> Value {
    let mut form = vec![
        ("wstoken".to_owned(), token.to_owned()),
        ("wsfunction".to_owned(), function.to_owned()),
    ];
    form.extend_from_slice(params);
    http.post(format!(
        "{site}/webservice/rest/server.php?moodlewsrestformat=json"
    ))
    .form(&form)
    .send()
    .await
    .expect("rest")
    .json()
    .await
    .expect("json")
}

/// The queue of a long offline stretch: 10,000 events (14 hours of playback recorded every
/// 5 s) pushed in 20 batches of 500 over a real connection. The time is printed, not asserted:
/// debug builds are several times slower than release (see the README for the release figure).
#[tokio::test]
async fn ten_thousand_events_sync_in_batches_over_http() {
    let server = Server::start(Config::for_tests(test_media_dir()))
        .await
        .expect("server starts");
    let site = server.url();
    let http = reqwest::Client::new();
    let token = sign_in(&http, &site, "learner1", "Juko-demo-1").await;
    let courses = rest(
        &http,
        &site,
        &token,
        "core_enrol_get_users_courses",
        &[(
            "userid".to_owned(),
            rest(&http, &site, &token, "core_webservice_get_site_info", &[]).await["userid"]
                .to_string(),
        )],
    )
    .await;
    let courseid = courses
        .as_array()
        .expect("courses")
        .iter()
        .find(|c| c["shortname"] == FACILITY_A.shortname)
        .expect("facility course")["id"]
        .to_string();
    let contents = rest(
        &http,
        &site,
        &token,
        "core_course_get_contents",
        &[("courseid".to_owned(), courseid)],
    )
    .await;
    // The basic unit's lectures 2..10 are 10 s long.
    let lectures: Vec<i64> = contents[1]["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .filter(|m| m["modname"] == "resource")
        .skip(1)
        .map(|m| m["id"].as_i64().expect("cmid"))
        .collect();
    assert_eq!(lectures.len(), 9);

    let t = 1_750_000_000_000_i64;
    let batches: Vec<Vec<(String, String)>> = (0..20)
        .map(|b| {
            let mut form = vec![("deviceid".to_owned(), "bulk".to_owned())];
            for i in 0..500 {
                let n = b * 500 + i;
                let at = (n / 9 % 20) as f64 * 0.5;
                let mut field = |name: &str, value: String| {
                    form.push((format!("events[{i}][{name}]"), value));
                };
                field("id", format!("bulk-{n}"));
                field("cmid", lectures[n % 9].to_string());
                field("clienttime", (t + n as i64).to_string());
                // Every seventh event a position, the rest half-second segments.
                if n % 7 == 6 {
                    field("kind", "position".to_owned());
                    field("position", at.to_string());
                } else {
                    field("kind", "played".to_owned());
                    field("from", at.to_string());
                    field("to", (at + 0.5).to_string());
                }
            }
            form
        })
        .collect();

    let started = std::time::Instant::now();
    for batch in &batches {
        let answer = rest(&http, &site, &token, "local_juko_push_progress", batch).await;
        assert_eq!(
            answer["applied"].as_array().map(Vec::len),
            Some(500),
            "{}",
            answer["rejected"]
        );
    }
    eprintln!(
        "10,000 events in 20 batches over loopback: {:?}",
        started.elapsed()
    );
    let page = rest(&http, &site, &token, "local_juko_get_progress", &[]).await;
    let lectures = page["lectures"].as_array().expect("lectures");
    assert_eq!(lectures.len(), 9);
    for lecture in lectures {
        assert_eq!(
            lecture["intervals"],
            json!([{"from": 0.0, "to": 10.0}]),
            "{lecture}"
        );
        assert_eq!(lecture["completed"], true);
    }
    server.shutdown().await;
}
