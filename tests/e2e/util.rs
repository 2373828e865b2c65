//! What the end-to-end tests share: a demo server per test (alone or behind the fault proxy),
//! the demo learners and signing in as one, the clock, and site HTML read as text. The kill -9
//! test (tests/kill9) includes this file too.

use crate::fault_proxy::FaultProxy;
use juko_demo_server::seed::{DEMO_LEARNERS, DemoLearner};
use juko_demo_server::{Config, Server};
use std::path::PathBuf;

/// A test server's configuration. Every test shares one media directory, so the test clip is
/// generated once per machine.
pub(crate) fn test_config() -> Config {
    Config::for_tests(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-media"))
}

/// Starts an in-memory demo server on 127.0.0.1:0.
pub(crate) async fn demo_server() -> Server {
    demo_server_with(test_config()).await
}

/// Starts a demo server with `config` (a `test_config()` changed by the test).
pub(crate) async fn demo_server_with(config: Config) -> Server {
    Server::start(config).await.expect("the demo server starts")
}

/// A fault proxy on 127.0.0.1:0 in front of `server`, which the test takes offline and back.
pub(crate) async fn proxy_to(server: &Server) -> FaultProxy {
    let upstream = server
        .url()
        .trim_start_matches("http://")
        .parse()
        .expect("the server's address");
    FaultProxy::start(upstream).await
}

/// The demo server, and a fault proxy in front of it.
pub(crate) async fn server_behind_proxy() -> (Server, FaultProxy) {
    let server = demo_server().await;
    let proxy = proxy_to(&server).await;
    (server, proxy)
}

pub(crate) fn learner(username: &str) -> &'static DemoLearner {
    DEMO_LEARNERS
        .iter()
        .find(|l| l.username == username)
        .unwrap_or_else(|| panic!("no demo learner {username}"))
}

/// Signs in as a demo learner.
pub(crate) async fn signed_in(server: &Server, username: &str) -> juko_core::Session {
    signed_in_at(&server.url(), username).await
}

/// Signs in as a demo learner at `url` (the server's, or a proxy's in front of it).
pub(crate) async fn signed_in_at(url: &str, username: &str) -> juko_core::Session {
    let l = learner(username);
    juko_core::sign_in(url, l.username, l.password)
        .await
        .expect("signs in")
}

/// Now, in milliseconds since the Unix epoch (the app's clock).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Site HTML read as text, for matching a question to the key (test code: tags only).
pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
