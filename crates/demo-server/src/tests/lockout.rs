//! token.php tells nobody which usernames exist, and locks an account after repeated failed
//! logins as Moodle's lockout does.

use serde_json::Value;

use super::support::{Reply, Site, test_media_dir};
use crate::config::Config;
use crate::lockout::LockoutPolicy;

const POLICY: LockoutPolicy = LockoutPolicy {
    threshold: 4,
    window_seconds: 600,
    duration_seconds: 900,
};

async fn site_with_lockout() -> Site {
    let mut config = Config::for_tests(test_media_dir());
    config.lockout = POLICY;
    Site::with_config(config).await
}

async fn attempt(site: &Site, username: &str, password: &str) -> Reply {
    let pairs = [
        ("username", username),
        ("password", password),
        ("service", "moodle_mobile_app"),
    ];
    site.post_form("/login/token.php", &pairs).await
}

fn is_token(reply: &Reply) -> bool {
    reply.json()["token"].is_string()
}

fn errorcode(reply: &Reply) -> Value {
    reply.json()["errorcode"].clone()
}

/// Status, body and headers a client could tell apart (the date aside).
fn visible(reply: &Reply) -> (u16, Vec<u8>, Vec<(String, String)>) {
    let mut headers: Vec<(String, String)> = reply
        .headers
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_owned()))
        .collect();
    headers.sort();
    (reply.status.as_u16(), reply.body.to_vec(), headers)
}

#[tokio::test]
async fn unknown_usernames_get_exactly_the_wrong_password_answer() {
    let site = Site::new().await;
    let wrong_password = attempt(&site, "learner1", "not-the-password").await;
    assert_eq!(errorcode(&wrong_password), "invalidlogin");
    for (username, password) in [
        ("nobody", "not-the-password"),
        ("nobody", "Juko-demo-1"),
        ("admin", "!"),
        ("guest", ""),
    ] {
        let reply = attempt(&site, username, password).await;
        assert_eq!(visible(&reply), visible(&wrong_password), "{username}");
    }
}

#[tokio::test]
async fn an_account_locks_at_the_threshold_and_unlocks_after_the_duration() {
    let site = site_with_lockout().await;
    for _ in 0..POLICY.threshold - 1 {
        assert_eq!(
            errorcode(&attempt(&site, "learner1", "wrong").await),
            "invalidlogin"
        );
    }
    // One short of the threshold the right password still works, and clears the count.
    assert!(is_token(&attempt(&site, "learner1", "Juko-demo-1").await));
    for _ in 0..POLICY.threshold {
        attempt(&site, "learner1", "wrong").await;
    }
    let wrong = attempt(&site, "learner1", "wrong").await;
    let locked = attempt(&site, "learner1", "Juko-demo-1").await;
    assert!(
        !is_token(&locked),
        "locked: even the right password is refused"
    );
    // Moodle's token.php answers a locked account as any failed login.
    assert_eq!(visible(&locked), visible(&wrong));
    // Per account: another learner is not affected.
    assert!(is_token(&attempt(&site, "learner2", "Juko-demo-2").await));

    site.state.clock().advance(POLICY.duration_seconds - 1);
    assert!(!is_token(&attempt(&site, "learner1", "Juko-demo-1").await));
    site.state.clock().advance(1);
    assert!(is_token(&attempt(&site, "learner1", "Juko-demo-1").await));
}

#[tokio::test]
async fn failures_spread_beyond_the_window_do_not_lock() {
    let site = site_with_lockout().await;
    for _ in 0..3 * POLICY.threshold {
        attempt(&site, "learner1", "wrong").await;
        site.state.clock().advance(POLICY.window_seconds + 1);
    }
    assert!(is_token(&attempt(&site, "learner1", "Juko-demo-1").await));
}

#[tokio::test]
async fn unknown_usernames_leave_nothing_behind() {
    let site = site_with_lockout().await;
    for n in 0..50 {
        attempt(&site, &format!("nobody{n}"), "wrong").await;
        attempt(&site, "nobody", "wrong").await;
    }
    assert_eq!(site.state.lockout().tracked_accounts(), 0);
    let users = site
        .query_i64("SELECT COUNT(*) FROM user WHERE id > ?1", 0)
        .await;
    assert_eq!(
        users,
        2 + crate::seed::DEMO_LEARNERS.len() as i64 + crate::seed::news::STAFF.len() as i64,
        "guest, admin, the demo learners and the facilities' staff"
    );
    // They cannot lock anyone out either, case and spaces aside (PARAM_USERNAME).
    assert!(is_token(&attempt(&site, "learner1", "Juko-demo-1").await));
    for _ in 0..POLICY.threshold {
        attempt(&site, " LEARNER2 ", "wrong").await;
    }
    assert!(
        !is_token(&attempt(&site, "learner2", "Juko-demo-2").await),
        "the same account"
    );
}
