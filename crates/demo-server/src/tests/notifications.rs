//! Popup notifications: each learner's own, in Moodle 4.5's declared shape (`fixtures/`),
//! newest or oldest first, paged, counted, marked read one by one or all at once, and
//! nobody else's ever read or marked. Also: the shared protocol samples for announcements
//! and notifications have the shape the demo answers in.

use std::path::PathBuf;

use serde_json::Value;

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception};

async fn popups(site: &Site, token: &str, params: &[(&str, &str)]) -> Value {
    let mut all = vec![("useridto", "0")];
    all.extend_from_slice(params);
    site.call(token, "message_popup_get_popup_notifications", &all)
        .await
}

fn ids(answer: &Value) -> Vec<i64> {
    answer["notifications"]
        .as_array()
        .unwrap_or_else(|| panic!("notifications: {answer}"))
        .iter()
        .map(|n| n["id"].as_i64().expect("id"))
        .collect()
}

async fn unread_count(site: &Site, token: &str, userid: i64) -> Value {
    site.call(
        token,
        "message_popup_get_unread_popup_notification_count",
        &[("useridto", &userid.to_string())],
    )
    .await
}

#[tokio::test]
async fn my_notifications_come_newest_first_in_moodles_shape() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await;
    let (text, answer) = call(
        &site,
        &token,
        "message_popup_get_popup_notifications",
        &[("useridto", &userid.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("message_popup_get_popup_notifications"));
    let all = answer["notifications"].as_array().expect("list");
    assert_eq!(all.len(), 4);
    assert_eq!(answer["unreadcount"], 2);
    let times: Vec<i64> = all
        .iter()
        .map(|n| n["timecreated"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    assert!(all.iter().all(|n| n["useridto"] == userid));
    // The newest: the test's grade (2 days), unread.
    let graded = &all[0];
    assert_eq!(graded["component"], "mod_quiz");
    assert_eq!(graded["read"], false);
    assert_eq!(graded["timeread"], Value::Null);
    assert_eq!(graded["timecreatedpretty"], "2 日 前");
    assert!(
        graded["iconurl"]
            .as_str()
            .unwrap()
            .ends_with("/theme/image.php/boost/quiz/1/monologo")
    );
    // The facility's pinned announcement, as mod_forum sends it to subscribers.
    let post = all
        .iter()
        .find(|n| n["component"] == "mod_forum" && n["read"] == false)
        .expect("an unread forum post");
    assert_eq!(post["eventtype"], "posts");
    let contexturl = post["contexturl"].as_str().unwrap();
    assert!(
        contexturl.starts_with("http://demo.test/mod/forum/discuss.php?d="),
        "{contexturl}"
    );
    let custom: Value = serde_json::from_str(post["customdata"].as_str().unwrap()).unwrap();
    assert!(contexturl.ends_with(&format!("#p{}", custom["postid"])));
    assert_eq!(
        post["contexturlname"],
        "【必須】2025年度 受講必須講座と受講期限"
    );
    // The welcome, read long ago, has the core marker icon.
    let welcome = all
        .iter()
        .find(|n| n["eventtype"] == "enrolcoursewelcomemessage")
        .unwrap();
    assert_eq!(welcome["read"], true);
    assert!(welcome["timeread"].as_i64() > welcome["timecreated"].as_i64());
    assert!(
        welcome["iconurl"]
            .as_str()
            .unwrap()
            .ends_with("/core/1/i/marker")
    );
    let icon = site.get("/theme/image.php/boost/core/1/i/marker").await;
    assert_eq!(icon.status, 200);
}

#[tokio::test]
async fn every_learner_has_their_own_few() {
    let site = Site::new().await;
    for (learner, count, unread) in [
        ("learner1", 4, 2),
        ("learner2", 3, 2),
        ("icrown1", 2, 1),
        ("newcomer", 2, 2),
    ] {
        let token = site.token(learner).await;
        let userid = site.userid(&token).await;
        let answer = popups(&site, &token, &[]).await;
        assert_eq!(ids(&answer).len(), count, "{learner}");
        assert_eq!(answer["unreadcount"], unread, "{learner}");
        let (text, counted) = call(
            &site,
            &token,
            "message_popup_get_unread_popup_notification_count",
            &[("useridto", &userid.to_string())],
        )
        .await;
        assert_shape(
            &text,
            fixture!("message_popup_get_unread_popup_notification_count"),
        );
        assert_eq!(counted, unread, "{learner}");
        // Nothing from another facility: learner2's are about facility B only.
        let text = answer.to_string();
        if learner != "learner1" {
            assert!(!text.contains("受講必須講座と受講期限"), "{learner}");
        }
    }
}

#[tokio::test]
async fn order_and_paging_follow_the_parameters() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let newest = ids(&popups(&site, &token, &[]).await);
    let oldest = ids(&popups(&site, &token, &[("newestfirst", "0")]).await);
    let mut reversed = newest.clone();
    reversed.reverse();
    assert_eq!(oldest, reversed);
    let page = ids(&popups(&site, &token, &[("limit", "2"), ("offset", "1")]).await);
    assert_eq!(page, newest[1..3]);
    let past_the_end = popups(&site, &token, &[("limit", "2"), ("offset", "10")]).await;
    assert_eq!(ids(&past_the_end), Vec::<i64>::new());
    assert_eq!(
        past_the_end["unreadcount"], 2,
        "the count is of all, not the page"
    );
    let negative = ids(&popups(&site, &token, &[("limit", "-3"), ("offset", "-2")]).await);
    assert_eq!(negative, newest, "no limit, from the start");
    for bad in [
        ("newestfirst", "yes"),
        ("limit", "ten"),
        ("offset", "1.5"),
        ("colour", "red"),
    ] {
        let reply = popups(&site, &token, &[bad]).await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = site
        .call(&token, "message_popup_get_popup_notifications", &[])
        .await;
    assert_exception(&reply, "invalidparameter");
}

#[tokio::test]
async fn marking_one_read_counts_down_and_keeps_the_first_reading() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await;
    let answer = popups(&site, &token, &[]).await;
    let unread = answer["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["read"] == false)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (text, marked) = call(
        &site,
        &token,
        "core_message_mark_notification_read",
        &[
            ("notificationid", &unread.to_string()),
            ("timeread", "1767225600"),
        ],
    )
    .await;
    assert_shape(&text, fixture!("core_message_mark_notification_read"));
    assert_eq!(marked["notificationid"], unread);
    assert_eq!(unread_count(&site, &token, userid).await, 1);
    // Again, later: still read at the first time.
    site.call(
        &token,
        "core_message_mark_notification_read",
        &[("notificationid", &unread.to_string())],
    )
    .await;
    let answer = popups(&site, &token, &[]).await;
    let read = answer["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == unread)
        .unwrap();
    assert_eq!(read["read"], true);
    assert_eq!(read["timeread"], 1_767_225_600);
    assert_eq!(answer["unreadcount"], 1);

    // timeread 0 (the default): now.
    let other = answer["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["read"] == false)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    site.call(
        &token,
        "core_message_mark_notification_read",
        &[("notificationid", &other.to_string())],
    )
    .await;
    let answer = popups(&site, &token, &[]).await;
    assert_eq!(answer["unreadcount"], 0);
    let now = site.state.clock().now();
    let timeread = answer["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == other)
        .unwrap()["timeread"]
        .as_i64()
        .unwrap();
    assert!((now - 60..=now).contains(&timeread), "{timeread} vs {now}");
}

#[tokio::test]
async fn marking_all_read_clears_only_mine() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let userid = site.userid(&token).await;
    let (text, done) = call(
        &site,
        &token,
        "core_message_mark_all_notifications_as_read",
        &[("useridto", &userid.to_string())],
    )
    .await;
    assert_shape(
        &text,
        fixture!("core_message_mark_all_notifications_as_read"),
    );
    assert_eq!(done, true);
    assert_eq!(unread_count(&site, &token, userid).await, 0);
    let other = site.token("learner1").await;
    let other_id = site.userid(&other).await;
    assert_eq!(unread_count(&site, &other, other_id).await, 2, "untouched");
}

/// Another learner's notifications: never listed, counted or marked.
#[tokio::test]
async fn someone_elses_notifications_are_refused() {
    let site = Site::new().await;
    let mine = site.token("learner1").await;
    let theirs = site.token("learner2").await;
    let their_id = site.userid(&theirs).await;
    let their_notification = ids(&popups(&site, &theirs, &[]).await)[0].to_string();

    let reply = popups(&site, &mine, &[("useridto", &their_id.to_string())]).await;
    assert_exception(&reply, "accessdenied");
    assert_eq!(reply["message"], "Access denied");
    assert!(!reply.to_string().contains("湘南"), "{reply}");

    let reply = unread_count(&site, &mine, their_id).await;
    assert_exception(&reply, "accessdenied");
    // 0 is "any user": only a privileged user may count everyone's.
    let reply = unread_count(&site, &mine, 0).await;
    assert_exception(&reply, "accessdenied");
    let reply = unread_count(&site, &mine, -10).await;
    assert_exception(&reply, "invaliduser");
    let reply = unread_count(&site, &mine, 987_654).await;
    assert_exception(&reply, "invalidrecord");

    let reply = site
        .call(
            &mine,
            "core_message_mark_notification_read",
            &[("notificationid", &their_notification)],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
    assert_eq!(
        reply["debuginfo"],
        "Invalid notificationid, you don't have permissions to mark this notification as read"
    );
    let reply = site
        .call(
            &mine,
            "core_message_mark_notification_read",
            &[("notificationid", "987654321")],
        )
        .await;
    assert_exception(&reply, "invalidrecord");

    let reply = site
        .call(
            &mine,
            "core_message_mark_all_notifications_as_read",
            &[("useridto", &their_id.to_string())],
        )
        .await;
    assert_exception(&reply, "accessdenied");
    let reply = site
        .call(
            &mine,
            "core_message_mark_all_notifications_as_read",
            &[("useridto", "0")],
        )
        .await;
    assert_exception(&reply, "accessdenied");
    assert_eq!(
        unread_count(&site, &theirs, their_id).await,
        2,
        "still unread"
    );
    let reply = site
        .call(
            &mine,
            "core_message_mark_notification_read",
            &[("notificationid", "1 OR 1=1")],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
}

/// The hand-written samples in `shared/protocol/samples/` (which the client's fixture tests
/// decode) have the declared shape the demo answers in.
#[test]
fn the_protocol_samples_have_the_declared_shape() {
    let samples =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/protocol/samples");
    for (sample, fixture) in [
        (
            "mod_forum_get_forums_by_courses",
            fixture!("mod_forum_get_forums_by_courses"),
        ),
        (
            "mod_forum_get_forum_discussions",
            fixture!("mod_forum_get_forum_discussions"),
        ),
        (
            "message_popup_get_popup_notifications",
            fixture!("message_popup_get_popup_notifications"),
        ),
    ] {
        let path = samples.join(format!("{sample}.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_shape(&text, fixture);
    }
}
