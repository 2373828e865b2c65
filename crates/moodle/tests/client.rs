//! The client against a real HTTP server on loopback that serves canned bodies and records every
//! request, so both directions of the protocol are checked: what we send, and how we read what
//! comes back.

#![cfg(feature = "client")]

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use juko_model::{
    Answer, Attempt, AttemptId, AttemptState, Choice, ChoiceKey, CourseId, LectureId, LectureKind,
    Media, Question, QuestionKind, QuestionState, QuizId, UserId,
};
use juko_moodle::{
    DecodeProblem, Error, NetworkKind, Params, Session, Site, SiteUrl, Token, Value,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const TOKEN: &str = "3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e";
const ENVELOPE: &str = "wstoken=3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e&moodlewsrestformat=json&moodlewssettingfilter=true&moodlewssettingfileurl=true";

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/protocol/samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---- The test server -----------------------------------------------------------------------

#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn json(body: impl Into<Vec<u8>>) -> Reply {
    Reply {
        status: 200,
        content_type: "application/json",
        headers: vec![],
        body: body.into(),
    }
}

fn html(body: &str) -> Reply {
    Reply {
        status: 200,
        content_type: "text/html; charset=utf-8",
        headers: vec![],
        body: body.into(),
    }
}

fn status(code: u16) -> Reply {
    Reply {
        status: code,
        content_type: "text/plain",
        headers: vec![],
        body: b"error".to_vec(),
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: String,
}

struct Mock {
    /// Keyed by `REST <wsfunction>` for the REST endpoint, `<METHOD> <path>` for anything else.
    replies: HashMap<String, Reply>,
    seen: Mutex<Vec<Seen>>,
}

impl Mock {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn only(&self) -> Seen {
        let seen = self.seen();
        assert_eq!(seen.len(), 1, "{seen:#?}");
        seen[0].clone()
    }
}

fn key(method: &str, path: &str, query: &str) -> String {
    if path.ends_with("webservice/rest/server.php") {
        let function = query
            .split('&')
            .find_map(|p| p.strip_prefix("wsfunction="))
            .unwrap_or_default();
        format!("REST {function}")
    } else {
        format!("{method} {path}")
    }
}

async fn handle(State(mock): State<Arc<Mock>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().trim_start_matches('/').to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: String::from_utf8(body.to_vec()).unwrap(),
    };
    let reply = mock
        .replies
        .get(&key(&seen.method, &seen.path, &seen.query))
        .cloned()
        .unwrap_or_else(|| status(404));
    mock.seen.lock().unwrap().push(seen);
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_str(&value).unwrap());
    }
    response
}

/// Starts a server on 127.0.0.1:0 answering `replies`; returns its root URL (plus `sub_path`).
async fn serve_at(sub_path: &str, replies: Vec<(&str, Reply)>) -> (SiteUrl, Arc<Mock>) {
    let mock = Arc::new(Mock {
        replies: replies
            .into_iter()
            .map(|(k, r)| (k.to_owned(), r))
            .collect(),
        seen: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        SiteUrl::parse(&format!("http://{addr}{sub_path}")).unwrap(),
        mock,
    )
}

async fn serve(replies: Vec<(&str, Reply)>) -> (SiteUrl, Arc<Mock>) {
    serve_at("", replies).await
}

async fn session(replies: Vec<(&str, Reply)>) -> (Session, Arc<Mock>) {
    let (url, mock) = serve(replies).await;
    (Site::new(url).session(Token::new(TOKEN)), mock)
}

fn rest_body(function: &str, params: &str) -> String {
    let (token, rest) = ENVELOPE.split_once('&').unwrap();
    let mut body = format!("{token}&wsfunction={function}&{rest}");
    if !params.is_empty() {
        body.push('&');
        body.push_str(params);
    }
    body
}

// ---- Before sign-in ------------------------------------------------------------------------

#[tokio::test]
async fn check_accepts_a_moodle_site() {
    let (url, mock) = serve(vec![(
        "GET login/token.php",
        json(r#"{"appsitecheck":"ok"}"#),
    )])
    .await;
    Site::new(url).check().await.unwrap();
    let seen = mock.only();
    assert_eq!(
        (seen.method.as_str(), seen.query.as_str()),
        ("GET", "appsitecheck=1")
    );
}

#[tokio::test]
async fn check_refuses_what_is_not_moodle() {
    let (url, _) = serve(vec![]).await;
    let e = Site::new(url.clone()).check().await.unwrap_err();
    assert!(
        matches!(&e, Error::NotMoodle { url: u, .. } if *u == url.to_string()),
        "{e:?}"
    );

    let (url, _) = serve(vec![(
        "GET login/token.php",
        html("<html><body>It works!</body></html>"),
    )])
    .await;
    let e = Site::new(url).check().await.unwrap_err();
    assert!(matches!(e, Error::NotMoodle { .. }), "{e:?}");
}

#[tokio::test]
async fn resolve_follows_the_site_to_its_canonical_address() {
    let (canonical, mock) = serve_at(
        "/moodle",
        vec![(
            "GET moodle/login/token.php",
            json(r#"{"appsitecheck":"ok"}"#),
        )],
    )
    .await;
    let mut moved = status(301);
    moved.headers.push((
        "location",
        format!("{}/login/token.php?appsitecheck=1", canonical),
    ));
    let (typed, _) = serve(vec![("GET login/token.php", moved)]).await;
    let site = Site::new(typed.clone())
        .with_lang("ja")
        .resolve()
        .await
        .unwrap();
    assert_eq!(site.url(), &canonical);
    assert_eq!(mock.only().query, "appsitecheck=1");
    // Without a redirect the site stays where it is.
    let same = Site::new(canonical.clone()).resolve().await.unwrap();
    assert_eq!(same.url(), &canonical);
}

#[tokio::test]
async fn login_sends_the_form_and_returns_the_token() {
    let (url, mock) = serve(vec![(
        "POST login/token.php",
        json(sample("login_token.json")),
    )])
    .await;
    let token = Site::new(url)
        .login("taro.yamada", "p@ss ワード&")
        .await
        .unwrap();
    assert_eq!(token.as_str(), TOKEN);
    let seen = mock.only();
    assert_eq!(seen.content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        seen.body,
        "username=taro.yamada&password=p%40ss+%E3%83%AF%E3%83%BC%E3%83%89%26&service=moodle_mobile_app"
    );
}

#[tokio::test]
async fn wrong_password_is_a_login_error() {
    let (url, _) = serve(vec![(
        "POST login/token.php",
        json(sample("login_token__error_invalidlogin.json")),
    )])
    .await;
    let e = Site::new(url)
        .login("taro.yamada", "hunter2")
        .await
        .unwrap_err();
    assert!(e.is_wrong_login(), "{e:?}");
    assert!(matches!(&e, Error::Login { errorcode, .. } if errorcode == "invalidlogin"));
    assert!(!format!("{e} {e:?}").contains("hunter2"));
}

#[tokio::test]
async fn a_site_echoing_the_password_does_not_leak_it() {
    let (url, _) = serve(vec![(
        "POST login/token.php",
        json(r#"{"error":"Bad password hunter2","errorcode":"invalidlogin"}"#),
    )])
    .await;
    let e = Site::new(url).login("taro", "hunter2").await.unwrap_err();
    assert!(!format!("{e} {e:?}").contains("hunter2"), "{e:?}");
}

fn public_config_reply() -> Reply {
    let data: serde_json::Value =
        serde_json::from_slice(&sample("tool_mobile_get_public_config.json")).unwrap();
    json(serde_json::to_vec(&serde_json::json!([{"error": false, "data": data}])).unwrap())
}

#[tokio::test]
async fn login_policy_uses_service_nologin() {
    let (url, mock) = serve(vec![(
        "POST lib/ajax/service-nologin.php",
        public_config_reply(),
    )])
    .await;
    let policy = Site::new(url).with_lang("ja").login_policy().await.unwrap();
    assert!(policy.password_login);
    assert_eq!(policy.site_url, "https://icrweb.example.jp");
    let seen = mock.only();
    assert_eq!(seen.query, "info=tool_mobile_get_public_config&lang=ja");
    assert_eq!(seen.content_type, "application/json");
    assert_eq!(
        seen.body,
        r#"[{"index":0,"methodname":"tool_mobile_get_public_config","args":{}}]"#
    );
}

#[tokio::test]
async fn login_policy_falls_back_to_service_php() {
    let (url, mock) = serve(vec![("POST lib/ajax/service.php", public_config_reply())]).await;
    let policy = Site::new(url).login_policy().await.unwrap();
    assert_eq!(policy.site_name, "ICRweb 臨床研究eラーニング");
    let paths: Vec<_> = mock.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        ["lib/ajax/service-nologin.php", "lib/ajax/service.php"]
    );
}

// ---- REST calls ----------------------------------------------------------------------------

#[tokio::test]
async fn site_info_sends_the_rest_envelope() {
    let (session, mock) = session(vec![(
        "REST core_webservice_get_site_info",
        json(sample("core_webservice_get_site_info.json")),
    )])
    .await;
    let info = session.site_info().await.unwrap();
    assert_eq!(info.user.id, UserId(1234));
    let seen = mock.only();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "webservice/rest/server.php");
    assert_eq!(
        seen.query,
        "moodlewsrestformat=json&wsfunction=core_webservice_get_site_info"
    );
    assert_eq!(seen.content_type, "application/x-www-form-urlencoded");
    assert_eq!(seen.body, rest_body("core_webservice_get_site_info", ""));
}

#[tokio::test]
async fn language_is_sent_when_set() {
    let (url, mock) = serve(vec![(
        "REST core_webservice_get_site_info",
        json(sample("core_webservice_get_site_info.json")),
    )])
    .await;
    let session = Site::new(url).with_lang("ja").session(Token::new(TOKEN));
    session.site_info().await.unwrap();
    assert!(mock.only().body.contains("&moodlewssettinglang=ja"));
}

#[tokio::test]
async fn courses_and_contents() {
    let (session, mock) = session(vec![
        (
            "REST core_enrol_get_users_courses",
            json(sample("core_enrol_get_users_courses.json")),
        ),
        (
            "REST core_course_get_contents",
            json(sample("core_course_get_contents.json")),
        ),
    ])
    .await;
    let courses = session.courses(UserId(1234)).await.unwrap();
    assert_eq!(courses[0].id, CourseId(42));
    let contents = session.course_contents(CourseId(42)).await.unwrap();
    assert_eq!(contents.lectures().count(), 3);

    let bodies: Vec<_> = mock.seen().into_iter().map(|s| s.body).collect();
    assert_eq!(
        bodies,
        [
            rest_body(
                "core_enrol_get_users_courses",
                "userid=1234&returnusercount=0"
            ),
            rest_body(
                "core_course_get_contents",
                "courseid=42&options[0][name]=excludemodules&options[0][value]=0&options[1][name]=excludecontents&options[1][value]=0&options[2][name]=includestealthmodules&options[2][value]=1"
            ),
        ]
    );
}

#[tokio::test]
async fn view_events_take_the_instance_id() {
    let ok = || json(sample("mod_resource_view_resource.json"));
    let (session, mock) = session(vec![
        (
            "REST core_course_get_contents",
            json(sample("core_course_get_contents.json")),
        ),
        (
            "REST core_course_view_course",
            json(sample("core_course_view_course.json")),
        ),
        ("REST mod_resource_view_resource", ok()),
        (
            "REST mod_page_view_page",
            json(sample("mod_page_view_page.json")),
        ),
        (
            "REST mod_url_view_url",
            json(sample("mod_url_view_url.json")),
        ),
        (
            "REST core_completion_update_activity_completion_status_manually",
            json(sample(
                "core_completion_update_activity_completion_status_manually.json",
            )),
        ),
    ])
    .await;
    let contents = session.course_contents(CourseId(42)).await.unwrap();
    session.view_course(CourseId(42), Some(1)).await.unwrap();
    for lecture in contents.lectures() {
        session.view_lecture(lecture).await.unwrap();
    }
    session.set_completed(LectureId(312), true).await.unwrap();

    let calls: Vec<_> = mock.seen().into_iter().skip(1).map(|s| s.body).collect();
    assert_eq!(
        calls,
        [
            rest_body("core_course_view_course", "courseid=42&sectionnumber=1"),
            rest_body("mod_resource_view_resource", "resourceid=77"),
            rest_body("mod_page_view_page", "pageid=21"),
            rest_body("mod_url_view_url", "urlid=9"),
            rest_body(
                "core_completion_update_activity_completion_status_manually",
                "cmid=312&completed=1"
            ),
        ]
    );
}

#[tokio::test]
async fn a_declined_status_is_an_error() {
    let (session, _) = session(vec![(
        "REST mod_resource_view_resource",
        json(sample("enrol_self_enrol_user__invalid_key.json")),
    )])
    .await;
    let lecture = juko_model::Lecture {
        id: LectureId(310),
        instance: 77,
        kind: LectureKind::File,
        title: String::new(),
        lecturer: None,
        duration_secs: None,
        description: Vec::new(),
        media: None,
        locked_reason: None,
        completed: false,
        manual_completion: false,
    };
    let e = session.view_lecture(&lecture).await.unwrap_err();
    assert!(
        matches!(&e, Error::Declined { function, warningcode: Some(c), .. } if function == "mod_resource_view_resource" && c == "4"),
        "{e:?}"
    );
}

#[tokio::test]
async fn generic_calls() {
    let (session, mock) = session(vec![
        (
            "REST core_user_get_user_preferences",
            json(r#"{"preferences": [], "cursor": "c1", "warnings": []}"#),
        ),
        (
            "REST core_user_update_user_preferences",
            json(sample("core_user_update_user_preferences.json")),
        ),
    ])
    .await;
    let params = Params::new().with("name", "").with("userid", 100);
    let answer: serde_json::Value = session
        .call("core_user_get_user_preferences", &params)
        .await
        .unwrap();
    assert_eq!(answer["cursor"], "c1");
    let prefs = Params::new().with(
        "preferences",
        vec![Value::Map(vec![
            ("type".into(), "x".into()),
            ("value".into(), "1".into()),
        ])],
    );
    session
        .call::<()>("core_user_update_user_preferences", &prefs)
        .await
        .unwrap();
    let bodies: Vec<_> = mock.seen().into_iter().map(|s| s.body).collect();
    assert_eq!(
        bodies[0],
        rest_body("core_user_get_user_preferences", "name=&userid=100")
    );
    assert_eq!(
        bodies[1],
        rest_body(
            "core_user_update_user_preferences",
            "preferences[0][type]=x&preferences[0][value]=1"
        )
    );
}

#[tokio::test]
async fn sub_path_sites() {
    let (url, mock) = serve_at(
        "/moodle/",
        vec![(
            "REST core_webservice_get_site_info",
            json(sample("core_webservice_get_site_info.json")),
        )],
    )
    .await;
    assert!(url.as_str().ends_with("/moodle"));
    Site::new(url)
        .session(Token::new(TOKEN))
        .site_info()
        .await
        .unwrap();
    assert_eq!(mock.only().path, "moodle/webservice/rest/server.php");
}

// ---- Failures ------------------------------------------------------------------------------

#[tokio::test]
async fn exception_envelope() {
    let (session, _) = session(vec![(
        "REST core_webservice_get_site_info",
        json(sample("rest_exception__invalidtoken.json")),
    )])
    .await;
    let e = session.site_info().await.unwrap_err();
    assert!(e.is_session_invalid(), "{e:?}");
    assert!(!e.is_retryable());
    let Error::Exception {
        function,
        exception,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(function, "core_webservice_get_site_info");
    assert_eq!(exception.message, "Invalid token - token not found");
    assert!(!format!("{e} {e:?}").contains(TOKEN));
}

#[tokio::test]
async fn html_instead_of_json() {
    let page = "<!DOCTYPE html><html><head><title>ICRweb: Log in to the site</title></head><body></body></html>";
    let (session, _) = session(vec![("REST core_course_get_contents", html(page))]).await;
    let e = session.course_contents(CourseId(42)).await.unwrap_err();
    assert_eq!(
        e,
        Error::Decode {
            function: "core_course_get_contents".into(),
            problem: DecodeProblem::Html
        }
    );
}

#[tokio::test]
async fn truncated_json() {
    let full = sample("core_course_get_contents.json");
    let (session, _) = session(vec![(
        "REST core_course_get_contents",
        json(&full[..full.len() - 40]),
    )])
    .await;
    let e = session.course_contents(CourseId(42)).await.unwrap_err();
    assert_eq!(
        e,
        Error::Decode {
            function: "core_course_get_contents".into(),
            problem: DecodeProblem::Truncated
        }
    );
}

#[tokio::test]
async fn http_errors() {
    let mut limited = status(429);
    limited.headers.push(("retry-after", "7".into()));
    let (session, _) = session(vec![
        ("REST core_webservice_get_site_info", status(500)),
        ("REST core_enrol_get_users_courses", limited),
        ("REST core_course_get_contents", status(403)),
    ])
    .await;
    let e = session.site_info().await.unwrap_err();
    assert_eq!(
        e,
        Error::Http {
            endpoint: "core_webservice_get_site_info".into(),
            status: 500,
            retry_after_secs: None
        }
    );
    assert!(e.is_retryable());
    let e = session.courses(UserId(1234)).await.unwrap_err();
    assert_eq!(
        e,
        Error::Http {
            endpoint: "core_enrol_get_users_courses".into(),
            status: 429,
            retry_after_secs: Some(7)
        }
    );
    assert!(e.is_retryable());
    let e = session.course_contents(CourseId(42)).await.unwrap_err();
    assert!(
        matches!(e, Error::Http { status: 403, .. }) && !e.is_retryable(),
        "{e:?}"
    );
}

#[tokio::test]
async fn connection_refused() {
    // A port that was just free: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = Site::new(SiteUrl::parse(&format!("127.0.0.1:{port}")).unwrap());
    let e = site.check().await.unwrap_err();
    let Error::Network {
        endpoint,
        kind,
        reason,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (endpoint.as_str(), *kind),
        ("appsitecheck", NetworkKind::Refused),
        "{reason}"
    );
    assert!(!reason.is_empty());
    assert!(e.is_retryable());
    let e = site
        .session(Token::new(TOKEN))
        .site_info()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Network {
                kind: NetworkKind::Refused,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains(TOKEN));
}

#[tokio::test]
async fn the_token_never_leaks_into_errors() {
    let echo_shape = format!(r#"{{"userid": 1, "siteurl": "https://x", "functions": "{TOKEN}"}}"#);
    let echo_message = format!(
        r#"{{"exception":"moodle_exception","errorcode":"x","message":"bad {TOKEN}","debuginfo":"{TOKEN}"}}"#
    );
    let (session, _) = session(vec![
        ("REST core_webservice_get_site_info", json(echo_shape)),
        ("REST core_enrol_get_users_courses", json(echo_message)),
    ])
    .await;
    let e = session.site_info().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Decode {
                problem: DecodeProblem::Shape(_),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains(TOKEN), "{e:?}");
    let e = session.courses(UserId(1)).await.unwrap_err();
    assert!(!format!("{e} {e:?}").contains(TOKEN), "{e:?}");
    assert!(format!("{e:?}").contains("<redacted>"));
    assert!(!format!("{session:?}").contains(TOKEN));
}

// ---- Streaming -----------------------------------------------------------------------------

#[tokio::test]
async fn stream_urls_follow_the_sites_own_root() {
    // The learner typed the loopback address; the site calls itself https://icrweb.example.jp.
    let (session, _) = session(vec![
        (
            "REST core_webservice_get_site_info",
            json(sample("core_webservice_get_site_info.json")),
        ),
        (
            "REST core_course_get_contents",
            json(sample("core_course_get_contents.json")),
        ),
    ])
    .await;
    let contents = session.course_contents(CourseId(42)).await.unwrap();
    let media = |id| {
        contents
            .lecture(LectureId(id))
            .unwrap()
            .1
            .media
            .clone()
            .unwrap()
    };
    // Before the site has told us its root, its file URLs are foreign: no token goes out.
    assert_eq!(session.stream_url(&media(310)), media(310).url);
    session.site_info().await.unwrap();
    assert_eq!(
        session.stream_url(&media(310)),
        format!(
            "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?token={TOKEN}"
        )
    );
    assert_eq!(
        session.stream_url(&media(312)),
        "https://video.example.jp/embed/abc123"
    );

    let local = Media {
        url: format!(
            "{}/pluginfile.php/9/mod_resource/content/1/a.mp4?forcedownload=1",
            session.site().url()
        ),
        mime_type: "video/mp4".into(),
        size_bytes: 1,
        external: false,
        captions: Vec::new(),
        modified: 0,
    };
    assert_eq!(
        session.stream_url(&local),
        format!(
            "{}/webservice/pluginfile.php/9/mod_resource/content/1/a.mp4?token={TOKEN}",
            session.site().url()
        )
    );
}

#[tokio::test]
async fn file_refusals_are_typed() {
    let file = "webservice/pluginfile.php/9/mod_resource/content/1/a.mp4";
    let (session, _) = session(vec![(&format!("GET {file}"), status(416))]).await;
    session.site().set_own_url(session.site().url().as_str());
    let media = |name: &str| Media {
        url: format!(
            "{}/pluginfile.php/9/mod_resource/content/1/{name}",
            session.site().url()
        ),
        mime_type: "video/mp4".into(),
        size_bytes: 10,
        external: false,
        captions: Vec::new(),
        modified: 0,
    };
    let past = session.fetch_file(&media("a.mp4"), 10).await.unwrap_err();
    assert_eq!(past, Error::RangePastEnd);
    // The mock answers anything else with a bare 404: a file gone, not a broken site.
    let gone = session.fetch_file(&media("b.mp4"), 0).await.unwrap_err();
    assert_eq!(gone, Error::FileNotAvailable { status: 404 });
}

#[tokio::test]
async fn a_restored_session_is_told_the_sites_own_root() {
    let site = Site::new(SiteUrl::parse("127.0.0.1:9").unwrap());
    let session = site.session(Token::new(TOKEN));
    let media = Media {
        url: "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?forcedownload=1".into(),
        mime_type: "video/mp4".into(),
        size_bytes: 1,
        external: false,
        captions: Vec::new(),
        modified: 0,
    };
    assert_eq!(session.stream_url(&media), media.url);
    session.site().set_own_url("https://icrweb.example.jp");
    assert!(
        session
            .stream_url(&media)
            .ends_with(&format!("lecture01.mp4?token={TOKEN}"))
    );
}

#[tokio::test]
async fn tls_failure_is_named() {
    // https:// to a server that only speaks plain HTTP: the handshake fails.
    let (url, _) = serve(vec![]).await;
    let https = SiteUrl::parse(&url.as_str().replace("http://", "https://")).unwrap();
    let e = Site::new(https).check().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Network {
                kind: NetworkKind::Tls,
                ..
            }
        ),
        "{e:?}"
    );
}

// ---- Tests (quizzes) -----------------------------------------------------------------------

/// The form body as `(name, value)` pairs, decoded, in order.
fn form_pairs(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The pairs after the REST envelope (token, function, format, text settings).
fn params_of(seen: &Seen) -> Vec<(String, String)> {
    form_pairs(&seen.body).into_iter().skip(5).collect()
}

/// Form fields, as `(name, value)`.
type Fields = Vec<(String, String)>;

fn pairs(list: &[(&str, &str)]) -> Fields {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn question(slot: u32, sequence_check: u32, kind: QuestionKind) -> Question {
    Question {
        slot,
        number: Some(slot.to_string()),
        text_html: "<p>?</p>".into(),
        kind,
        state: QuestionState::NotYetAnswered,
        status: String::new(),
        flagged: false,
        sequence_check,
        read_only: false,
        feedback_html: None,
    }
}

fn choices(keys: &[&str]) -> Vec<Choice> {
    keys.iter()
        .map(|k| Choice {
            key: ChoiceKey((*k).into()),
            numbering: None,
            label_html: (*k).into(),
            selected: false,
            outcome: None,
        })
        .collect()
}

fn open_attempt() -> Attempt {
    juko_moodle::decode::start_attempt(&sample("mod_quiz_start_attempt.json")).unwrap()
}

/// One answer of each kind Juko answers natively, and the fields Moodle expects for each.
fn answers_of_every_kind() -> (Vec<(Question, Answer)>, Fields) {
    let key = |k: &str| ChoiceKey(k.into());
    let answers = vec![
        (
            question(
                1,
                1,
                QuestionKind::SingleChoice {
                    choices: choices(&["0", "1", "2"]),
                },
            ),
            Answer::Choice(Some(key("2"))),
        ),
        (
            Question {
                // A flag set on the device goes with the answers.
                flagged: true,
                ..question(
                    2,
                    3,
                    QuestionKind::MultipleChoice {
                        choices: choices(&["0", "1", "2"]),
                    },
                )
            },
            Answer::Choices(vec![key("0"), key("2")]),
        ),
        (
            question(3, 2, QuestionKind::TrueFalse { answer: None }),
            Answer::TrueFalse(Some(false)),
        ),
        (
            question(
                4,
                1,
                QuestionKind::ShortAnswer {
                    answer: String::new(),
                },
            ),
            Answer::Text("GCP & ICH-E6 =適合".into()),
        ),
        (
            question(
                5,
                4,
                QuestionKind::SingleChoice {
                    choices: choices(&["0", "1"]),
                },
            ),
            Answer::Choice(None),
        ),
    ];
    let names_values = [
        ("q45678:1_:sequencecheck", "1"),
        ("q45678:1_:flagged", "0"),
        ("q45678:1_answer", "2"),
        ("q45678:2_:sequencecheck", "3"),
        ("q45678:2_:flagged", "1"),
        ("q45678:2_choice0", "1"),
        ("q45678:2_choice1", "0"),
        ("q45678:2_choice2", "1"),
        ("q45678:3_:sequencecheck", "2"),
        ("q45678:3_:flagged", "0"),
        ("q45678:3_answer", "0"),
        ("q45678:4_:sequencecheck", "1"),
        ("q45678:4_:flagged", "0"),
        ("q45678:4_answer", "GCP & ICH-E6 =適合"),
        ("q45678:5_:sequencecheck", "4"),
        ("q45678:5_:flagged", "0"),
        // Moodle's "clear my choice".
        ("q45678:5_answer", "-1"),
    ];
    let mut data = Vec::new();
    for (i, (name, value)) in names_values.iter().enumerate() {
        data.push((format!("data[{i}][name]"), (*name).to_owned()));
        data.push((format!("data[{i}][value]"), (*value).to_owned()));
    }
    (answers, data)
}

fn preflight() -> Vec<(String, String)> {
    pairs(&[
        ("preflightdata[0][name]", "confirmdatasaved"),
        ("preflightdata[0][value]", "1"),
    ])
}

#[tokio::test]
async fn save_answers_sends_exactly_moodles_fields_for_every_kind() {
    let (session, mock) = session(vec![(
        "REST mod_quiz_save_attempt",
        json(sample("mod_quiz_save_attempt.json")),
    )])
    .await;
    let (answers, data) = answers_of_every_kind();
    session
        .save_answers(&open_attempt(), &answers)
        .await
        .unwrap();
    let seen = mock.only();
    assert_eq!(
        seen.query,
        "moodlewsrestformat=json&wsfunction=mod_quiz_save_attempt"
    );
    let mut want = pairs(&[("attemptid", "9001")]);
    want.extend(data);
    want.extend(preflight());
    assert_eq!(params_of(&seen), want);
    assert!(
        seen.body
            .starts_with(&format!("wstoken={TOKEN}&wsfunction=mod_quiz_save_attempt"))
    );
}

#[tokio::test]
async fn process_attempt_sends_the_answers_finish_and_time_up() {
    let (finishing, mock) = session(vec![(
        "REST mod_quiz_process_attempt",
        json(sample("mod_quiz_process_attempt.json")),
    )])
    .await;
    let (answers, data) = answers_of_every_kind();
    let state = finishing
        .process_attempt(&open_attempt(), &answers, true, false)
        .await
        .unwrap();
    assert_eq!(state, AttemptState::Finished);
    let mut want = pairs(&[("attemptid", "9001")]);
    want.extend(data);
    want.extend(pairs(&[("finishattempt", "1"), ("timeup", "0")]));
    want.extend(preflight());
    assert_eq!(params_of(&mock.only()), want);

    // Time up with nothing left to send: no data fields at all (Moodle's default is []).
    let (timed_out, mock) = session(vec![(
        "REST mod_quiz_process_attempt",
        json(sample("mod_quiz_process_attempt.json")),
    )])
    .await;
    timed_out
        .process_attempt(&open_attempt(), &[], true, true)
        .await
        .unwrap();
    let mut want = pairs(&[
        ("attemptid", "9001"),
        ("finishattempt", "1"),
        ("timeup", "1"),
    ]);
    want.extend(preflight());
    assert_eq!(params_of(&mock.only()), want);
}

#[tokio::test]
async fn an_answer_that_does_not_fit_sends_nothing() {
    let (session, mock) = session(vec![]).await;
    let q = question(
        1,
        1,
        QuestionKind::SingleChoice {
            choices: choices(&["0", "1"]),
        },
    );
    let wrong_key = [(q.clone(), Answer::Choice(Some(ChoiceKey("7".into()))))];
    let e = session
        .save_answers(&open_attempt(), &wrong_key)
        .await
        .unwrap_err();
    assert_eq!(e, Error::AnswerDoesNotFit { slot: 1 });
    let wrong_kind = [(q, Answer::Text("x".into()))];
    let e = session
        .process_attempt(&open_attempt(), &wrong_kind, true, false)
        .await
        .unwrap_err();
    assert_eq!(e, Error::AnswerDoesNotFit { slot: 1 });
    // Nothing to save is no request either.
    session.save_answers(&open_attempt(), &[]).await.unwrap();
    assert!(mock.seen().is_empty());
}

#[tokio::test]
async fn stale_answers_and_closed_attempts_surface_as_their_kinds() {
    let exception = |code: &str| {
        json(format!(
            r#"{{"exception":"moodle_exception","errorcode":"{code}","message":"m"}}"#
        ))
    };
    let (answers, _) = answers_of_every_kind();
    let (stale, _) = session(vec![(
        "REST mod_quiz_process_attempt",
        exception("submissionoutofsequencefriendlymessage"),
    )])
    .await;
    let e = stale
        .process_attempt(&open_attempt(), &answers, false, false)
        .await
        .unwrap_err();
    assert!(e.is_stale_answers(), "{e:?}");
    let (closed, _) = session(vec![(
        "REST mod_quiz_save_attempt",
        exception("attemptalreadyclosed"),
    )])
    .await;
    let e = closed
        .save_answers(&open_attempt(), &answers)
        .await
        .unwrap_err();
    assert!(e.is_attempt_closed() && !e.is_stale_answers(), "{e:?}");
}

const ENDTIME: &str = r#"{"endtime": 1736125200, "isfinished": false, "preventnewattemptreasons": [], "warnings": []}"#;

#[tokio::test]
async fn start_attempt_sends_the_preflight_and_fills_the_deadline() {
    let (session, mock) = session(vec![
        (
            "REST mod_quiz_start_attempt",
            json(sample("mod_quiz_start_attempt.json")),
        ),
        (
            "REST mod_quiz_get_attempt_access_information",
            json(ENDTIME),
        ),
    ])
    .await;
    let attempt = session.start_attempt(QuizId(15)).await.unwrap();
    assert_eq!(
        (attempt.id, attempt.deadline),
        (AttemptId(9001), Some(1736125200))
    );
    let seen = mock.seen();
    let mut want = pairs(&[("quizid", "15")]);
    want.extend(preflight());
    want.extend(pairs(&[("forcenew", "0")]));
    assert_eq!(params_of(&seen[0]), want);
    assert_eq!(
        params_of(&seen[1]),
        pairs(&[("quizid", "15"), ("attemptid", "9001")])
    );
}

#[tokio::test]
async fn start_attempt_continues_the_open_one() {
    let (session, mock) = session(vec![
        (
            "REST mod_quiz_start_attempt",
            json(r#"{"exception":"moodle_quiz_exception","errorcode":"attemptstillinprogress","message":"まだ受験中です"}"#),
        ),
        ("REST mod_quiz_get_user_attempts", json(sample("mod_quiz_get_user_attempts.json"))),
        ("REST mod_quiz_get_attempt_access_information", json(ENDTIME)),
    ])
    .await;
    let attempt = session.start_attempt(QuizId(15)).await.unwrap();
    assert_eq!(attempt.id, AttemptId(9001));
    assert_eq!(attempt.state, AttemptState::InProgress);
    assert_eq!(attempt.deadline, Some(1736125200));
    let functions: Vec<_> = mock.seen().iter().map(|s| s.query.clone()).collect();
    assert_eq!(functions.len(), 3, "{functions:?}");
}

#[tokio::test]
async fn start_attempt_refused_carries_the_sites_words() {
    let (session, _) = session(vec![(
        "REST mod_quiz_start_attempt",
        json(r#"{"attempt":{},"warnings":[{"item":"quiz","itemid":15,"warningcode":"1","message":"受験回数の上限に達しました。"}]}"#),
    )])
    .await;
    let e = session.start_attempt(QuizId(15)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Declined { message, .. } if message == "受験回数の上限に達しました。"),
        "{e:?}"
    );
}

#[tokio::test]
async fn quiz_overview_asks_as_the_app_does() {
    let (session, mock) = session(vec![
        (
            "REST mod_quiz_get_quizzes_by_courses",
            json(sample("mod_quiz_get_quizzes_by_courses.json")),
        ),
        (
            "REST mod_quiz_get_quiz_access_information",
            json(sample("mod_quiz_get_quiz_access_information.json")),
        ),
        (
            "REST mod_quiz_get_quiz_required_qtypes",
            json(r#"{"questiontypes":["multichoice","essay"],"warnings":[]}"#),
        ),
        (
            "REST mod_quiz_get_user_attempts",
            json(sample("mod_quiz_get_user_attempts.json")),
        ),
        (
            "REST mod_quiz_get_attempt_access_information",
            json(ENDTIME),
        ),
        (
            "REST mod_quiz_get_user_best_grade",
            json(sample("mod_quiz_get_user_best_grade.json")),
        ),
    ])
    .await;
    let o = session
        .quiz_overview(CourseId(42), LectureId(320))
        .await
        .unwrap();
    assert_eq!(o.quiz.id, QuizId(15));
    assert_eq!(o.access.unsupported_types, ["essay"]);
    assert_eq!(o.attempts.len(), 2);
    assert_eq!(o.open_attempt().and_then(|a| a.deadline), Some(1736125200));
    assert_eq!((o.best_grade, o.quiz.pass_grade), (Some(60.0), Some(80.0)));
    let seen = mock.seen();
    let by_function = |f: &str| {
        seen.iter()
            .find(|s| s.query.ends_with(&format!("wsfunction={f}")))
            .map(params_of)
            .unwrap_or_else(|| panic!("{f} not called"))
    };
    assert_eq!(
        by_function("mod_quiz_get_quizzes_by_courses"),
        pairs(&[("courseids[0]", "42")])
    );
    assert_eq!(
        by_function("mod_quiz_get_user_attempts"),
        pairs(&[
            ("quizid", "15"),
            ("userid", "0"),
            ("status", "all"),
            ("includepreviews", "1")
        ])
    );
    // Asked about the open attempt, for its deadline.
    assert_eq!(
        by_function("mod_quiz_get_attempt_access_information"),
        pairs(&[("quizid", "15"), ("attemptid", "9001")])
    );
    assert_eq!(seen.len(), 6);
}

#[tokio::test]
async fn attempt_pages_summaries_reviews_and_views() {
    let summary = {
        let data: serde_json::Value =
            serde_json::from_slice(&sample("mod_quiz_get_attempt_data.json")).unwrap();
        serde_json::json!({"questions": data["questions"], "warnings": []}).to_string()
    };
    let (session, mock) = session(vec![
        (
            "REST mod_quiz_get_attempt_data",
            json(sample("mod_quiz_get_attempt_data.json")),
        ),
        (
            "REST mod_quiz_get_attempt_access_information",
            json(ENDTIME),
        ),
        ("REST mod_quiz_get_attempt_summary", json(summary)),
        (
            "REST mod_quiz_get_attempt_review",
            json(sample("mod_quiz_get_attempt_review.json")),
        ),
        (
            "REST mod_quiz_view_quiz",
            json(sample("mod_quiz_save_attempt.json")),
        ),
        (
            "REST mod_quiz_view_attempt",
            json(sample("mod_quiz_save_attempt.json")),
        ),
        (
            "REST mod_quiz_view_attempt_summary",
            json(sample("mod_quiz_save_attempt.json")),
        ),
        (
            "REST mod_quiz_view_attempt_review",
            json(sample("mod_quiz_save_attempt.json")),
        ),
    ])
    .await;
    let page = session.attempt_page(AttemptId(9001), 0).await.unwrap();
    assert_eq!(page.attempt.deadline, Some(1736125200));
    assert_eq!(page.questions.len(), 1);
    let questions = session.attempt_summary(&page.attempt).await.unwrap();
    assert_eq!(questions, page.questions);
    let review = session.attempt_review(AttemptId(8990)).await.unwrap();
    assert_eq!(review.grade, Some(60.0));
    session.view_quiz(QuizId(15)).await.unwrap();
    session.view_attempt(AttemptId(9001), 2).await.unwrap();
    session.view_attempt_summary(AttemptId(9001)).await.unwrap();
    session.view_attempt_review(AttemptId(8990)).await.unwrap();
    let seen = mock.seen();
    let mut page_params = pairs(&[("attemptid", "9001"), ("page", "0")]);
    page_params.extend(preflight());
    assert_eq!(params_of(&seen[0]), page_params);
    assert_eq!(
        params_of(&seen[3]),
        pairs(&[("attemptid", "8990"), ("page", "-1")])
    );
    assert_eq!(params_of(&seen[4]), pairs(&[("quizid", "15")]));
    let mut view = pairs(&[("attemptid", "9001"), ("page", "2")]);
    view.extend(preflight());
    assert_eq!(params_of(&seen[5]), view);
    assert_eq!(params_of(&seen[7]), pairs(&[("attemptid", "8990")]));
    // A finished attempt needs no deadline: no access call for the review.
    assert_eq!(seen.len(), 8);
}

#[tokio::test]
async fn a_tests_page_on_the_site_is_under_the_sites_own_root() {
    let (session, _mock) = session(vec![]).await;
    let url = session.quiz_page_url(LectureId(320));
    assert!(url.ends_with("/mod/quiz/view.php?id=320"), "{url}");
    assert!(juko_model::is_web_url(&url), "{url}");
}

// ---- Certificates --------------------------------------------------------------------------

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Course 42 with one open `mod_customcert` (cm 312) in unit 講座A.
fn course_with_a_certificate() -> Reply {
    json(
        r#"[{"id":901,"name":"講座A","section":1,"uservisible":true,"modules":[
            {"id":312,"name":"講座A 修了証","instance":13,"modname":"customcert","uservisible":true}
        ]}]"#,
    )
}

#[tokio::test]
async fn the_certificate_view_is_asked_as_the_moodle_app_asks_and_the_latest_template_read() {
    let (session, mock) = session(vec![
        ("REST core_course_get_contents", course_with_a_certificate()),
        (
            "REST tool_mobile_get_content",
            json(fixture("tool_mobile_get_content__customcert_latest.json")),
        ),
    ])
    .await;
    let certificates = session
        .certificates(CourseId(42), "施設コース", UserId(101))
        .await
        .unwrap();
    assert_eq!(certificates.len(), 1);
    let issue = certificates[0].issue().expect("issued");
    assert_eq!(issue.issued_at, 1_764_378_000);
    assert_eq!(
        certificates[0].pdf_url.as_deref(),
        Some(
            "https://icrweb.example.jp/mod/customcert/mobile/pluginfile.php?certificateid=13&userid=101"
        )
    );
    // The App's default arguments, sorted by name as it sends them.
    let seen = mock.seen();
    let params = params_of(&seen[1]);
    let args: Vec<(String, String)> = params[2..]
        .chunks(2)
        .map(|pair| (pair[0].1.clone(), pair[1].1.clone()))
        .collect();
    let names: Vec<&str> = args.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "appcustomurlscheme",
            "appid",
            "appisdesktop",
            "appismobile",
            "appiswide",
            "applang",
            "appplatform",
            "appversioncode",
            "appversionname",
            "cmid",
            "courseid",
            "userid"
        ]
    );
    let value = |name: &str| args.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert!(value("appversioncode").parse::<i64>().unwrap() >= 44000);
    assert_eq!(value("cmid"), "312");
    assert_eq!(value("courseid"), "42");
    assert_eq!(value("userid"), "101");
    assert_eq!(value("applang"), "ja");
    assert_eq!(value("appplatform"), "browser");
    assert_eq!(params[0], ("component".into(), "mod_customcert".into()));
}

#[tokio::test]
async fn a_refused_certificate_view_locks_that_certificate_only() {
    let (session, _mock) = session(vec![
        ("REST core_course_get_contents", course_with_a_certificate()),
        (
            "REST tool_mobile_get_content",
            json(sample("rest_exception__requireloginerror.json")),
        ),
    ])
    .await;
    let certificates = session
        .certificates(CourseId(42), "施設コース", UserId(101))
        .await
        .expect("the list still comes");
    let juko_model::CertificateState::Locked { missing } = &certificates[0].state else {
        panic!("locked: {:?}", certificates[0].state)
    };
    let refusal: serde_json::Value =
        serde_json::from_slice(&sample("rest_exception__requireloginerror.json")).unwrap();
    assert_eq!(missing, refusal["message"].as_str().unwrap());
    assert_eq!(certificates[0].pdf_url, None);

    // Offline or an expired session still stops the whole list.
    let (session, _mock) = session_with_view(status(503)).await;
    assert!(
        session
            .certificates(CourseId(42), "c", UserId(101))
            .await
            .is_err()
    );
    let (session, _mock) =
        session_with_view(json(sample("rest_exception__invalidtoken.json"))).await;
    assert!(
        session
            .certificates(CourseId(42), "c", UserId(101))
            .await
            .unwrap_err()
            .is_session_invalid()
    );
}

async fn session_with_view(view: Reply) -> (Session, Arc<Mock>) {
    session(vec![
        ("REST core_course_get_contents", course_with_a_certificate()),
        ("REST tool_mobile_get_content", view),
    ])
    .await
}
