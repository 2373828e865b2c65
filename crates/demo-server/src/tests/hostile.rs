//! Hostile input to `local_juko_push_progress`: every bad event is rejected on its own with a
//! reason, the good ones around it are applied, and the server keeps serving.

use serde_json::{Value, json};

use super::support::{Fields, Site, assert_exception, played, position, strings};
use crate::seed::courses::{CATALOG, FACILITY_A, ICROWN};

/// Replaces (or adds) one field of an event.
fn with(mut fields: Fields, name: &'static str, value: impl Into<String>) -> Fields {
    let value = value.into();
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some(field) => field.1 = value,
        None => fields.push((name, value)),
    }
    fields
}

fn without(mut fields: Fields, name: &str) -> Fields {
    fields.retain(|(k, _)| *k != name);
    fields
}

/// Still serving: a plain call answers normally.
async fn assert_alive(site: &Site, token: &str) {
    let info = site.call(token, "core_webservice_get_site_info", &[]).await;
    assert_eq!(info["username"], "learner1", "{info}");
}

#[tokio::test]
async fn bad_events_are_rejected_one_by_one() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, 1).await[1]; // 10 s
    let catalog = site.course_id(CATALOG.shortname).await;
    let not_enrolled = site
        .query_i64(
            "SELECT MIN(l.cmid) FROM local_juko_lecture l JOIN course_modules cm ON cm.id = l.cmid
             WHERE cm.course = ?1",
            catalog,
        )
        .await;
    let icrown = site.course_id(ICROWN.shortname).await;
    let locked = site
        .query_i64(
            "SELECT MIN(cm.id) FROM course_modules cm JOIN course_sections s ON s.id = cm.section
             WHERE s.course = ?1 AND s.section = 3",
            icrown,
        )
        .await;
    let certificate = site
        .query_i64(
            "SELECT MIN(id) FROM course_modules WHERE module = 'customcert' AND course = ?1",
            site.course_id(FACILITY_A.shortname).await,
        )
        .await;
    let now = site.now_ms();
    let ok = |id: &str| played(id, lecture, 0.0, 1.0, now);
    let huge = "9".repeat(100_000);
    let cases: Vec<(Fields, Option<&str>)> = vec![
        (ok("ok-0"), None),
        (with(ok("nan-from"), "from", "NaN"), Some("notfinite")),
        (with(ok("nan-to"), "to", "nan"), Some("notfinite")),
        (with(ok("inf-to"), "to", "inf"), Some("notfinite")),
        (with(ok("huge-to"), "to", huge.as_str()), Some("notfinite")),
        (with(ok("neg"), "from", "-1"), Some("negative")),
        (position("neg-pos", lecture, -0.5, now), Some("negative")),
        (with(ok("neg-time"), "clienttime", "-1"), Some("negative")),
        (
            played("empty", lecture, 5.0, 5.0, now),
            Some("emptyinterval"),
        ),
        (
            played("backwards", lecture, 6.0, 2.0, now),
            Some("emptyinterval"),
        ),
        (
            played("long", lecture, 0.0, 11.5, now),
            Some("beyondduration"),
        ),
        (played("tolerated", lecture, 0.0, 11.0, now), None),
        (position("far", lecture, 1e308, now), Some("beyondduration")),
        (
            with(ok("nowhere"), "cmid", "999999"),
            Some("unknownlecture"),
        ),
        (
            with(ok("not-mine"), "cmid", not_enrolled.to_string()),
            Some("unknownlecture"),
        ),
        (
            with(ok("certificate"), "cmid", certificate.to_string()),
            Some("unknownlecture"),
        ),
        (
            with(ok("locked"), "cmid", locked.to_string()),
            Some("unknownlecture"),
        ),
        (with(ok("cmid-text"), "cmid", "abc"), Some("invalidevent")),
        (without(ok("no-kind"), "kind"), Some("invalidevent")),
        (with(ok("seek"), "kind", "seek"), Some("invalidevent")),
        (
            with(ok("huge-kind"), "kind", "k".repeat(100_000)),
            Some("invalidevent"),
        ),
        (without(ok("no-time"), "clienttime"), Some("invalidevent")),
        (without(ok("no-to"), "to"), Some("invalidevent")),
        (with(ok("colour"), "colour", "red"), Some("invalidevent")),
        (
            with(
                ok("future"),
                "clienttime",
                (now + 10 * 365 * 86_400_000).to_string(),
            ),
            Some("futuretime"),
        ),
        (
            with(ok("soon"), "clienttime", (now + 4 * 60_000).to_string()),
            None,
        ),
        (ok("ok-0"), Some("duplicateid")),
        (without(ok("x"), "id"), Some("invalidevent")),
        (
            with(ok("x"), "id", "i".repeat(100_000)),
            Some("invalidevent"),
        ),
        (ok("'; DROP TABLE local_juko_event; --"), None),
        (ok("視聴-🎬-1"), None),
    ];
    let events: Vec<Fields> = cases.iter().map(|(fields, _)| fields.clone()).collect();
    let answer = site.push(&token, "hostile", &events).await;

    let want_applied: Vec<&str> = cases
        .iter()
        .filter(|(_, reason)| reason.is_none())
        .map(|(fields, _)| fields[0].1.as_str())
        .collect();
    assert_eq!(strings(&answer["applied"]), want_applied, "{answer}");
    assert_eq!(answer["known"], json!([]));
    let rejected = answer["rejected"].as_array().expect("rejected");
    let want_rejected: Vec<(usize, &str)> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, (_, reason))| reason.map(|r| (i, r)))
        .collect();
    assert_eq!(rejected.len(), want_rejected.len(), "{answer}");
    for (got, (index, reason)) in rejected.iter().zip(&want_rejected) {
        let message = got["message"].as_str().expect("message");
        assert_eq!(got["reason"], *reason, "events[{index}]: {got}");
        assert!(message.starts_with(&format!("events[{index}]: ")), "{got}");
        assert!(message.len() < 200, "messages stay short: {message}");
        let sent_id = cases[*index]
            .0
            .iter()
            .find(|(k, _)| *k == "id")
            .map(|(_, v)| v.as_str());
        let want_id = match sent_id {
            Some(id) if id.len() <= 64 => id,
            _ => "",
        };
        assert_eq!(got["id"], want_id);
    }
    // Every unknown lecture reads the same, whether it exists or not, is a lecture or not.
    let unknown: Vec<String> = rejected
        .iter()
        .filter(|r| r["reason"] == "unknownlecture")
        .map(|r| {
            let message = r["message"].as_str().unwrap_or("");
            let words: Vec<&str> = message.split(' ').collect();
            words[1..]
                .iter()
                .filter(|w| w.parse::<i64>().is_err())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(unknown.len(), 4);
    assert!(unknown.iter().all(|m| *m == unknown[0]), "{unknown:?}");

    assert_alive(&site, &token).await;
    let page = site.pull(&token, "", None).await;
    assert_eq!(page["lectures"].as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(
        page["lectures"][0]["intervals"],
        json!([{"from": 0.0, "to": 11.0}])
    );
    assert_eq!(page["lectures"][0]["coverage"], 1.0, "never over 1");
    // The applied ids were remembered, the odd ones included.
    let again = site.push(&token, "hostile", &events).await;
    assert_eq!(strings(&again["known"]), want_applied);
}

#[tokio::test]
async fn oversized_batches_are_cut_at_500() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let lecture = site.lectures(&token, FACILITY_A.shortname, 1).await[1];
    let now = site.now_ms();
    let events: Vec<Fields> = (0..501)
        .map(|i| position(&format!("b{i}"), lecture, 1.0, now - i))
        .collect();
    let answer = site.push(&token, "d", &events).await;
    assert_eq!(answer["applied"].as_array().map(Vec::len), Some(500));
    assert_eq!(answer["rejected"].as_array().map(Vec::len), Some(1));
    assert_eq!(answer["rejected"][0]["id"], "b500");
    assert_eq!(answer["rejected"][0]["reason"], "batchlimit");

    // A much larger one (about 1 MB) is answered too, and only its head is read.
    let events: Vec<Fields> = (0..12_000)
        .map(|i| with(position(&format!("c{i}"), lecture, 2.0, now), "kind", "x"))
        .collect();
    let started = std::time::Instant::now();
    let answer = site.push(&token, "d", &events).await;
    let rejected = answer["rejected"].as_array().expect("rejected");
    assert_eq!(rejected.len(), 12_000);
    assert_eq!(rejected[499]["reason"], "invalidevent");
    assert_eq!(rejected[500]["reason"], "batchlimit");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert_alive(&site, &token).await;
}

#[tokio::test]
async fn only_the_device_and_unknown_keys_fail_a_whole_call() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let push = "local_juko_push_progress";
    let check = |reply: Value, key: &str| {
        assert_exception(&reply, "invalidparameter");
        let info = reply["debuginfo"].as_str().unwrap_or("");
        assert!(info.contains(key), "{info} names {key}");
        assert!(info.len() < 200, "{info}");
    };
    check(
        site.call(&token, push, &[("events[0][id]", "a")]).await,
        "deviceid",
    );
    check(
        site.call(&token, push, &[("deviceid", "")]).await,
        "deviceid",
    );
    let long = "d".repeat(100_000);
    check(
        site.call(&token, push, &[("deviceid", &long)]).await,
        "deviceid",
    );
    check(
        site.call(&token, push, &[("deviceid", "d"), ("userid", "2")])
            .await,
        "userid",
    );
    check(
        site.call(
            &token,
            push,
            &[("deviceid", "d"), ("events[first][id]", "a")],
        )
        .await,
        "events[first][id]",
    );
    // No events at all is a valid, empty batch: it tells the cursor.
    let empty = site.call(&token, push, &[("deviceid", "d")]).await;
    assert_eq!(empty["applied"], json!([]));
    assert!(empty["cursor"].is_string(), "{empty}");
    assert_alive(&site, &token).await;
}
