//! The viewing-history extension: push and pull, idempotence, order independence, paging,
//! and whose history is whose.

use serde_json::{Value, json};

use super::support::{Site, assert_exception, played, position, strings};
use crate::seed::courses::{FACILITY_A, ICROWN};

/// The unit of facility A whose lectures are 10 s (臨床研究の基礎知識講座; its first is 5 s).
const KISO: usize = 1;

#[tokio::test]
async fn pushed_history_comes_back_merged() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, KISO).await[1];
    let t = site.now_ms() - 60_000;
    let answer = site
        .push(
            &token,
            "phone",
            &[
                played("a1", lecture, 0.0, 3.0, t),
                played("a2", lecture, 2.0, 5.0, t + 3000),
                position("a3", lecture, 4.5, t + 5000),
                position("a4", lecture, 1.0, t + 1000),
            ],
        )
        .await;
    assert_eq!(
        strings(&answer["applied"]),
        ["a1", "a2", "a3", "a4"],
        "{answer}"
    );
    assert_eq!(answer["known"], json!([]));
    assert_eq!(answer["rejected"], json!([]));
    assert_eq!(answer["threshold"], 0.9);
    assert_eq!(answer["warnings"], json!([]));
    let cursor = answer["cursor"].as_str().expect("cursor");

    let page = site.pull(&token, "", None).await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    assert_eq!(
        page["lectures"],
        json!([{
            "cmid": lecture,
            "courseid": courseid,
            "duration": 10.0,
            "intervals": [{"from": 0.0, "to": 5.0}],
            "coverage": 0.5,
            "position": 4.5,
            "positiontime": t + 5000,
            "completed": false,
            "timecompleted": null,
        }]),
        "{page}"
    );
    assert_eq!(
        page["cursor"], cursor,
        "the pull ends where the push left it"
    );
    assert_eq!(page["hasmore"], false);
    assert_eq!(page["threshold"], 0.9);
    assert_eq!(page["warnings"], json!([]));

    let nothing_new = site.pull(&token, cursor, None).await;
    assert_eq!(nothing_new["lectures"], json!([]));
    assert_eq!(nothing_new["cursor"], cursor);
    assert_eq!(nothing_new["hasmore"], false);
}

#[tokio::test]
async fn a_replayed_batch_is_known_and_changes_nothing() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lectures = site.lectures(&token, FACILITY_A.shortname, KISO).await;
    let t = site.now_ms();
    let batch = [
        played("r1", lectures[1], 0.0, 4.0, t),
        position("r2", lectures[1], 4.0, t),
        played("r3", lectures[2], 1.0, 2.0, t),
    ];
    let first = site.push(&token, "laptop", &batch).await;
    assert_eq!(strings(&first["applied"]), ["r1", "r2", "r3"]);
    let before = site.pull(&token, "", None).await;

    let again = site.push(&token, "laptop", &batch).await;
    assert_eq!(again["applied"], json!([]), "{again}");
    assert_eq!(strings(&again["known"]), ["r1", "r2", "r3"]);
    assert_eq!(again["rejected"], json!([]));
    assert_eq!(again["cursor"], first["cursor"], "nothing changed");
    assert_eq!(site.pull(&token, "", None).await, before);

    // Known from another device too: ids are the learner's, not the device's. A replay with
    // other content is still the same event.
    let mixed = site
        .push(
            &token,
            "phone",
            &[
                played("r1", lectures[1], 0.0, 9.5, t),
                played("r4", lectures[1], 3.0, 4.0, t),
            ],
        )
        .await;
    assert_eq!(strings(&mixed["known"]), ["r1"]);
    assert_eq!(
        strings(&mixed["applied"]),
        ["r4"],
        "applied even though it adds nothing new"
    );
    assert_eq!(
        mixed["cursor"], first["cursor"],
        "a covered interval changes nothing"
    );
    assert_eq!(site.pull(&token, "", None).await, before);
}

/// The merged record of a lecture, without the server's time of completion.
fn record(page: &Value, cmid: i64) -> Value {
    let mut found = page["lectures"]
        .as_array()
        .expect("lectures")
        .iter()
        .find(|l| l["cmid"] == cmid)
        .unwrap_or_else(|| panic!("{cmid} not in {page}"))
        .clone();
    found["timecompleted"] = json!(found["timecompleted"].is_i64());
    found
}

#[tokio::test]
async fn arrival_order_does_not_change_the_result() {
    let site = Site::new().await;
    // Both learners are in the iCROWN course: each gets the batches in another order.
    let learner = site.token("learner1").await;
    let icrown = site.token("icrown1").await;
    let lecture = site.lectures(&learner, ICROWN.shortname, 1).await[0]; // 12 s
    let t = site.now_ms() - 600_000;
    let batch1 = [
        played("o1", lecture, 0.0, 6.0, t),
        position("o2", lecture, 6.0, t + 6000),
        // A tie in client time: the greater position wins, whatever arrives first.
        position("o3", lecture, 2.0, t + 9000),
    ];
    let batch2 = [
        played("o4", lecture, 5.0, 11.0, t + 20_000),
        position("o5", lecture, 7.5, t + 9000),
        played("o6", lecture, 0.5, 1.0, t + 30_000),
    ];
    for (token, order) in [
        (&learner, [&batch1, &batch2]),
        (&icrown, [&batch2, &batch1]),
    ] {
        for batch in order {
            let answer = site.push(token, "d", batch).await;
            assert_eq!(answer["rejected"], json!([]), "{answer}");
        }
    }
    let a = record(&site.pull(&learner, "", None).await, lecture);
    let b = record(&site.pull(&icrown, "", None).await, lecture);
    assert_eq!(a, b);
    assert_eq!(a["intervals"], json!([{"from": 0.0, "to": 11.0}]));
    assert_eq!(a["position"], 7.5);
    assert_eq!(a["positiontime"], t + 9000);
    assert_eq!(a["completed"], true, "11 of 12 s is over 90%");
    assert_eq!(a["timecompleted"], true);
}

#[tokio::test]
async fn pages_follow_the_change_sequence() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let l = site.lectures(&token, FACILITY_A.shortname, KISO).await;
    let t = site.now_ms();
    // Five lectures changed one after another, then the first again: it moves to the end.
    for (i, cmid) in l[..5].iter().enumerate() {
        site.push(&token, "d", &[played(&format!("p{i}"), *cmid, 0.0, 1.0, t)])
            .await;
    }
    site.push(&token, "d", &[played("again", l[0], 1.0, 2.0, t)])
        .await;

    let mut since = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = site.pull(&token, &since, Some(2)).await;
        let cmids: Vec<i64> = page["lectures"]
            .as_array()
            .expect("lectures")
            .iter()
            .map(|l| l["cmid"].as_i64().expect("cmid"))
            .collect();
        assert!(cmids.len() <= 2, "{page}");
        seen.extend(cmids);
        since = page["cursor"].as_str().expect("cursor").to_owned();
        pages += 1;
        if page["hasmore"] == false {
            break;
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(seen, [l[1], l[2], l[3], l[4], l[0]], "oldest change first");
    assert_eq!(pages, 3);

    // The limit is clamped, not refused; the default page holds everything here.
    let one = site.pull(&token, "", Some(0)).await;
    assert_eq!(one["lectures"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["hasmore"], true);
    let all = site.pull(&token, "", Some(100_000)).await;
    assert_eq!(all["lectures"].as_array().map(Vec::len), Some(5));
    assert_eq!(all["hasmore"], false);
    assert_eq!(all["cursor"], since.as_str());
}

#[tokio::test]
async fn cursors_and_limits_are_checked() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, KISO).await[1];
    let pushed = site
        .push(
            &token,
            "d",
            &[played("c1", lecture, 0.0, 1.0, site.now_ms())],
        )
        .await;
    let cursor = pushed["cursor"].as_str().expect("cursor");
    let (epoch, seq) = cursor.split_once('.').expect("epoch.seq");
    assert_eq!(seq, "1");
    let ahead = format!("{epoch}.2");
    let other_site = format!(
        "{}.1",
        if epoch == "00000000" {
            "ffffffff"
        } else {
            "00000000"
        }
    );
    for garbage in ["garbage", "1", &ahead, &other_site, &"x".repeat(10_000)] {
        let reply = site.pull(&token, garbage, None).await;
        assert_exception(&reply, "invalidparameter");
        assert!(
            reply["debuginfo"].as_str().unwrap_or("").contains("since"),
            "{reply}"
        );
    }
    for limit in ["abc", "", "1.5"] {
        let reply = site
            .call(
                &token,
                "local_juko_get_progress",
                &[("since", ""), ("limit", limit)],
            )
            .await;
        assert_exception(&reply, "invalidparameter");
    }
    let unknown = site
        .call(
            &token,
            "local_juko_get_progress",
            &[("since", ""), ("cmid", "1")],
        )
        .await;
    assert_exception(&unknown, "invalidparameter");
    // `since` may be left out: the whole history.
    let whole = site.call(&token, "local_juko_get_progress", &[]).await;
    assert_eq!(whole["cursor"], cursor);
}

#[tokio::test]
async fn each_learner_sees_only_their_own_history() {
    let site = Site::new().await;
    let learner1 = site.token("learner1").await;
    let icrown1 = site.token("icrown1").await;
    let learner2 = site.token("learner2").await;
    let shared = site.lectures(&learner1, ICROWN.shortname, 1).await[0];
    let own = site.lectures(&learner1, FACILITY_A.shortname, KISO).await[1];
    let t = site.now_ms();
    site.push(
        &learner1,
        "d",
        &[
            played("same-id", shared, 0.0, 6.0, t),
            played("x2", own, 0.0, 6.0, t),
        ],
    )
    .await;

    let empty = site.pull(&icrown1, "", None).await;
    assert_eq!(empty["lectures"], json!([]), "{empty}");
    // Event ids are per learner: the same id from someone else is a new event.
    let theirs = site
        .push(&icrown1, "d", &[played("same-id", shared, 8.0, 9.0, t)])
        .await;
    assert_eq!(strings(&theirs["applied"]), ["same-id"]);
    let page = site.pull(&icrown1, "", None).await;
    assert_eq!(
        page["lectures"][0]["intervals"],
        json!([{"from": 8.0, "to": 9.0}])
    );
    assert_eq!(page["lectures"].as_array().map(Vec::len), Some(1));
    let mine = site.pull(&learner1, "", None).await;
    assert_eq!(
        record(&mine, shared)["intervals"],
        json!([{"from": 0.0, "to": 6.0}])
    );

    // learner2 is not in facility A's course: its lecture is unknown to them.
    let refused = site
        .push(&learner2, "d", &[played("y1", own, 0.0, 1.0, t)])
        .await;
    assert_eq!(refused["rejected"][0]["reason"], "unknownlecture");
    assert_eq!(site.pull(&learner2, "", None).await["lectures"], json!([]));
}

#[tokio::test]
async fn a_lecture_out_of_reach_leaves_the_pull() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await;
    let icrown = site.lectures(&token, ICROWN.shortname, 1).await[0];
    let own = site.lectures(&token, FACILITY_A.shortname, KISO).await[1];
    let t = site.now_ms();
    site.push(
        &token,
        "d",
        &[
            played("u1", icrown, 0.0, 1.0, t),
            played("u2", own, 0.0, 1.0, t),
        ],
    )
    .await;
    let icrown_course = site.course_id(ICROWN.shortname).await;
    site.state
        .db()
        .call(move |conn| {
            conn.execute(
                "UPDATE user_enrolments SET status = 1 WHERE userid = ?1 AND enrolid IN
                     (SELECT id FROM enrol WHERE courseid = ?2)",
                [userid, icrown_course],
            )?;
            Ok(())
        })
        .await
        .expect("suspend");
    let page = site.pull(&token, "", None).await;
    let cmids: Vec<&Value> = page["lectures"]
        .as_array()
        .expect("lectures")
        .iter()
        .map(|l| &l["cmid"])
        .collect();
    assert_eq!(cmids, [&json!(own)]);
    assert_eq!(page["hasmore"], false);
    let refused = site
        .push(&token, "d", &[played("u3", icrown, 1.0, 2.0, t)])
        .await;
    assert_eq!(refused["rejected"][0]["reason"], "unknownlecture");
}
