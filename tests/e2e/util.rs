//! A demo server per test, and the demo learners.

use juko_demo_server::seed::{DEMO_LEARNERS, DemoLearner};
use juko_demo_server::{Config, Server};
use std::path::PathBuf;

/// Starts an in-memory demo server on 127.0.0.1:0. Every test shares one media directory, so
/// the test clip is generated once per machine.
pub(crate) async fn demo_server() -> Server {
    let media = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-media");
    Server::start(Config::for_tests(media))
        .await
        .expect("the demo server starts")
}

pub(crate) fn learner(username: &str) -> &'static DemoLearner {
    DEMO_LEARNERS
        .iter()
        .find(|l| l.username == username)
        .unwrap_or_else(|| panic!("no demo learner {username}"))
}

/// Signs in as a demo learner.
pub(crate) async fn signed_in(server: &Server, username: &str) -> juko_core::Session {
    let l = learner(username);
    juko_core::sign_in(&server.url(), l.username, l.password)
        .await
        .expect("signs in")
}
