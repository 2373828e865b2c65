//! Signing in, and every way it can fail, with the error a learner is shown.

use crate::util::{demo_server, learner, signed_in};
use juko_core::{Error, Session, sign_in};

#[tokio::test]
async fn a_demo_learner_signs_in_and_the_site_knows_them() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner1").await;
    let info = session.info();
    assert_eq!(info.user.username, "learner1");
    assert_eq!(info.user.full_name, learner("learner1").full_name);
    assert_eq!(info.site_url, server.url());
    assert!(
        info.features.history_sync,
        "the demo site has the extension"
    );
    assert!(info.can_download_files);
    server.shutdown().await;
}

#[tokio::test]
async fn usernames_are_not_case_or_space_sensitive() {
    let server = demo_server().await;
    let l = learner("learner2");
    let session = sign_in(&server.url(), "  LEARNER2 ", l.password)
        .await
        .expect("signs in");
    assert_eq!(session.info().user.username, "learner2");
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_is_a_wrong_login() {
    let server = demo_server().await;
    let err = sign_in(&server.url(), "learner1", "not-the-password")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WrongLogin), "{err:?}");
    let err = sign_in(&server.url(), "nobody", "x").await.unwrap_err();
    assert!(matches!(err, Error::WrongLogin), "{err:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_addresses_say_what_is_wrong() {
    for typed in [
        "",
        "ht!tp://",
        "ftp://example.jp",
        "https://user:pw@example.jp",
    ] {
        let err = sign_in(typed, "learner1", "x").await.unwrap_err();
        assert!(matches!(err, Error::BadSiteUrl(_)), "{typed:?}: {err:?}");
    }
}

#[tokio::test]
async fn an_unreachable_site_is_unreachable() {
    // A port that was free a moment ago: nothing listens there now.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = dead.local_addr().expect("addr");
    drop(dead);
    let err = sign_in(&format!("http://{addr}"), "learner1", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unreachable(_)), "{err:?}");
}

#[tokio::test]
async fn a_site_that_is_not_moodle_is_named_so() {
    // The demo server's web-app fallback answers every other path: a sub-path of it is an
    // ordinary web site, not a Moodle site.
    let server = demo_server().await;
    let err = sign_in(&format!("{}/not-moodle", server.url()), "learner1", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotMoodle(_)), "{err:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_kept_session_comes_back_without_signing_in() {
    let server = demo_server().await;
    let saved = signed_in(&server, "learner1").await.saved();
    let restored = Session::restore(&saved).expect("restores");
    assert!(!restored.courses().await.expect("courses").is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_forged_token_is_an_expired_session() {
    let server = demo_server().await;
    let mut saved = signed_in(&server, "learner1").await.saved();
    saved.token = "0".repeat(32);
    let err = Session::restore(&saved)
        .expect("restores")
        .courses()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SessionExpired), "{err:?}");
    server.shutdown().await;
}
