//! A test site and short ways to talk to it.

use std::path::PathBuf;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

use crate::config::Config;
use crate::seed::DEMO_LEARNERS;
use crate::seed::courses::ICROWN;
use crate::state::AppState;

/// The Host every test request carries, so URLs in answers are predictable.
pub(super) const HOST: &str = "demo.test";
pub(super) const WWWROOT: &str = "http://demo.test";

/// One shared clip directory for all tests (and test runs): the clip is generated once.
pub(super) fn test_media_dir() -> PathBuf {
    std::env::temp_dir().join("juko-demo-server-test-media")
}

pub(super) struct Site {
    pub(super) state: AppState,
    router: Router,
}

pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl Reply {
    pub(super) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub(super) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Site {
    pub(super) async fn new() -> Site {
        Site::with_config(Config::for_tests(test_media_dir())).await
    }

    pub(super) async fn with_config(config: Config) -> Site {
        let state = AppState::new(&config).await.expect("test site starts");
        Site {
            router: crate::app(state.clone()),
            state,
        }
    }

    pub(super) async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// A request with the test Host and extra headers.
    pub(super) async fn request(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(body).expect("request")).await
    }

    pub(super) async fn get(&self, uri: &str) -> Reply {
        self.request(Method::GET, uri, &[], Body::empty()).await
    }

    pub(super) async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = form(pairs);
        let content_type = [("content-type", "application/x-www-form-urlencoded")];
        self.request(Method::POST, uri, &content_type, Body::from(body))
            .await
    }

    pub(super) async fn login(&self, username: &str, password: &str) -> Value {
        let pairs = [
            ("username", username),
            ("password", password),
            ("service", "moodle_mobile_app"),
        ];
        self.post_form("/login/token.php", &pairs).await.json()
    }

    /// A demo learner's token.
    pub(super) async fn token(&self, username: &str) -> String {
        let learner = DEMO_LEARNERS
            .iter()
            .find(|l| l.username == username)
            .expect("demo learner");
        let reply = self.login(username, learner.password).await;
        reply["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {reply}"))
            .to_owned()
    }

    /// A REST call as the App makes it: function in the query, everything in the form body.
    pub(super) async fn call(&self, token: &str, function: &str, params: &[(&str, &str)]) -> Value {
        let mut pairs = vec![("wstoken", token), ("wsfunction", function)];
        pairs.extend_from_slice(params);
        let uri =
            format!("/webservice/rest/server.php?moodlewsrestformat=json&wsfunction={function}");
        let reply = self.post_form(&uri, &pairs).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "REST answers 200 even for errors"
        );
        reply.json()
    }

    /// The user id of a learner (what get_site_info reports).
    pub(super) async fn userid(&self, token: &str) -> i64 {
        self.call(token, "core_webservice_get_site_info", &[]).await["userid"]
            .as_i64()
            .expect("userid")
    }

    /// A course id by shortname, straight from the database.
    pub(super) async fn course_id(&self, shortname: &str) -> i64 {
        let shortname = shortname.to_owned();
        self.state
            .db()
            .call(move |conn| {
                Ok(conn.query_row(
                    "SELECT id FROM course WHERE shortname = ?1",
                    [shortname],
                    |r| r.get(0),
                )?)
            })
            .await
            .expect("course exists")
    }

    /// `core_course_get_contents` of the course `shortname`, as `token`'s learner sees it.
    pub(super) async fn course_contents(&self, token: &str, shortname: &str) -> Value {
        let id = self.course_id(shortname).await.to_string();
        self.call(token, "core_course_get_contents", &[("courseid", &id)])
            .await
    }

    /// The context of the first lecture in iCROWN's locked third unit (its files' path).
    pub(super) async fn locked_icrown_context(&self) -> i64 {
        let courseid = self.course_id(ICROWN.shortname).await;
        self.query_i64(
            "SELECT ctx.id FROM course_modules cm
             JOIN course_sections s ON s.id = cm.section AND s.section = 3
             JOIN context ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id
             WHERE cm.course = ?1 ORDER BY cm.position LIMIT 1",
            courseid,
        )
        .await
    }

    /// Runs a query returning one integer.
    pub(super) async fn query_i64(&self, sql: &'static str, param: i64) -> i64 {
        self.state
            .db()
            .call(move |conn| Ok(conn.query_row(sql, [param], |r| r.get(0))?))
            .await
            .expect("query")
    }
}

pub(super) fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish()
}

/// Asserts Moodle's REST exception shape with this errorcode.
#[track_caller]
pub(super) fn assert_exception(reply: &Value, errorcode: &str) {
    assert_eq!(reply["errorcode"], errorcode, "{reply}");
    assert!(reply["exception"].is_string(), "{reply}");
    assert!(reply["message"].is_string(), "{reply}");
}

/// One progress event's fields, as `events[i][…]` of `local_juko_push_progress`.
pub(super) type Fields = Vec<(&'static str, String)>;

pub(super) fn played(id: &str, cmid: i64, from: f64, to: f64, clienttime: i64) -> Fields {
    vec![
        ("id", id.to_owned()),
        ("cmid", cmid.to_string()),
        ("kind", "played".to_owned()),
        ("from", from.to_string()),
        ("to", to.to_string()),
        ("clienttime", clienttime.to_string()),
    ]
}

pub(super) fn position(id: &str, cmid: i64, at: f64, clienttime: i64) -> Fields {
    vec![
        ("id", id.to_owned()),
        ("cmid", cmid.to_string()),
        ("kind", "position".to_owned()),
        ("position", at.to_string()),
        ("clienttime", clienttime.to_string()),
    ]
}

/// The function names a site info answer lists, in its order.
pub(super) fn listed_functions(info: &Value) -> Vec<&str> {
    info["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect()
}

impl Site {
    /// `local_juko_push_progress` from device `deviceid`.
    pub(super) async fn push(&self, token: &str, deviceid: &str, events: &[Fields]) -> Value {
        let mut pairs: Vec<(String, String)> = vec![("deviceid".to_owned(), deviceid.to_owned())];
        for (i, fields) in events.iter().enumerate() {
            for (name, value) in fields {
                pairs.push((format!("events[{i}][{name}]"), value.clone()));
            }
        }
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.call(token, "local_juko_push_progress", &borrowed)
            .await
    }

    /// `local_juko_get_progress`; `limit` left out when `None`.
    pub(super) async fn pull(&self, token: &str, since: &str, limit: Option<i64>) -> Value {
        let limit = limit.map(|l| l.to_string());
        let mut params = vec![("since", since)];
        if let Some(limit) = &limit {
            params.push(("limit", limit));
        }
        self.call(token, "local_juko_get_progress", &params).await
    }

    /// The server's clock in ms, what a client's clock would read now.
    pub(super) fn now_ms(&self) -> i64 {
        self.state.clock().now() * 1000
    }

    /// The cmids of a unit's lectures (section `unit` of the course), as the learner sees them.
    pub(super) async fn lectures(&self, token: &str, shortname: &str, unit: usize) -> Vec<i64> {
        let courseid = self.course_id(shortname).await.to_string();
        let contents = self
            .call(
                token,
                "core_course_get_contents",
                &[("courseid", &courseid)],
            )
            .await;
        contents[unit]["modules"]
            .as_array()
            .unwrap_or_else(|| panic!("no unit {unit}: {contents}"))
            .iter()
            .filter(|m| m["modname"] == "resource")
            .map(|m| m["id"].as_i64().expect("cmid"))
            .collect()
    }
}

/// The strings of a JSON array (ids in push answers).
pub(super) fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().expect("string"))
        .collect()
}

impl Site {
    /// Watches a whole lecture (one played event over its listed length); returns the answer.
    pub(super) async fn watch_whole(&self, token: &str, cmid: i64) -> Value {
        let duration = self
            .state
            .db()
            .call(move |conn| {
                Ok(conn.query_row(
                    "SELECT duration FROM local_juko_lecture WHERE cmid = ?1",
                    [cmid],
                    |r| r.get::<_, f64>(0),
                )?)
            })
            .await
            .expect("a lecture");
        let id = format!("whole-{cmid}-{}", rand::random::<u64>());
        let answer = self
            .push(
                token,
                "test",
                &[played(&id, cmid, 0.0, duration, self.now_ms())],
            )
            .await;
        assert_eq!(strings(&answer["applied"]), [id.as_str()], "{answer}");
        answer
    }
}
