//! What a review shows, by the quiz's review options, and what a close date does to an attempt
//! and to the quiz.

use serde_json::{Value, json};

use super::quiz_taking::{CONFIRMED, Taker, plan, quiz_named};
use super::support::{Site, assert_exception};

const BASIC: &str = "臨床研究の基礎知識講座";

/// Sets a quiz setting directly, as a teacher would in its settings.
async fn set<V>(site: &Site, quizid: i64, column: &'static str, value: V)
where
    V: rusqlite::ToSql + Send + 'static,
{
    site.state
        .db()
        .call(move |conn| {
            conn.execute(
                &format!("UPDATE quiz SET {column} = ?1 WHERE id = ?2"),
                rusqlite::params![value, quizid],
            )?;
            Ok(())
        })
        .await
        .expect("update");
}

fn htmls(review: &Value) -> String {
    review["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter_map(|q| q["html"].as_str())
        .collect()
}

#[tokio::test]
async fn a_review_shows_only_what_the_options_allow() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    me.answer_all(&attempt, plan(BASIC), |_| true, true).await;
    let (_, full) = me.review(id).await;
    assert!(htmls(&full).contains("rightanswer"));

    // Marks, but not right or wrong, feedback or the right answer.
    for column in [
        "reviewcorrectness",
        "reviewspecificfeedback",
        "reviewgeneralfeedback",
        "reviewrightanswer",
    ] {
        set(&site, quizid, column, 0).await;
    }
    let (text, review) = me.review(id).await;
    let html = htmls(&review).to_lowercase();
    for word in ["correct", "rightanswer", "feedback\"", "解説", "outcome"] {
        assert!(!html.contains(word), "{word}: {text}");
    }
    for q in review["questions"].as_array().expect("questions") {
        assert!(q.get("state").is_none(), "{q}");
        assert_eq!(q["stateclass"], "complete");
        assert_eq!(q["status"], "Complete");
        assert_eq!(q["mark"], "1.00");
    }
    assert_eq!(review["attempt"]["sumgrades"], 10.0);
    assert_eq!(review["grade"], 100.0);

    // No marks either.
    set(&site, quizid, "reviewmarks", 0).await;
    set(&site, quizid, "reviewmaxmarks", 0).await;
    let (text, review) = me.review(id).await;
    assert_eq!(review["attempt"]["sumgrades"], json!(null), "{text}");
    assert_eq!(review["grade"], json!(null));
    assert!(
        review["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .all(|q| q.get("mark").is_none() && q.get("maxmark").is_none())
    );
    assert!(!htmls(&review).contains("out of"), "{text}");
    let quiz = quizid.to_string();
    let best = me
        .call("mod_quiz_get_user_best_grade", &[("quizid", &quiz)])
        .await;
    assert_eq!(best["hasgrade"], false);
    let attempts = me
        .call("mod_quiz_get_user_attempts", &[("quizid", &quiz)])
        .await;
    assert_eq!(attempts["attempts"][0]["sumgrades"], json!(null));

    // No review at all after the attempt.
    set(&site, quizid, "reviewattempt", 0x10000).await;
    let attemptid = id.to_string();
    for function in [
        "mod_quiz_get_attempt_review",
        "mod_quiz_view_attempt_review",
    ] {
        let refused = me.call(function, &[("attemptid", &attemptid)]).await;
        assert_exception(&refused, "noreview");
        assert!(refused["debuginfo"].is_string(), "{refused}");
    }
}

#[tokio::test]
async fn a_close_date_ends_the_attempt_and_closes_the_quiz() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let quiz = quizid.to_string();
    let close = site.state.clock().now() + 100;
    set(&site, quizid, "timeclose", close).await;
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    assert_eq!(attempt["timecheckstate"], close);
    let access = me.attempt_access(&quiz).await;
    assert_eq!(access["endtime"], close);
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    let first = vec![
        (format!("q{usage}:2_:sequencecheck"), "1".to_owned()),
        (format!("q{usage}:2_answer"), "1".to_owned()),
    ];
    assert_eq!(me.process(id, &first, false).await["state"], "inprogress");

    site.state.clock().advance(200);
    let attemptid = id.to_string();
    // The attempt is finished by the rule, then the closed quiz refuses the page.
    let refused = me
        .call(
            "mod_quiz_get_attempt_data",
            &[
                ("attemptid", &attemptid),
                ("page", "0"),
                CONFIRMED[0],
                CONFIRMED[1],
            ],
        )
        .await;
    assert_exception(&refused, "attempterror");
    let attempts = me.user_attempts(&quiz).await;
    assert_eq!(attempts["attempts"][0]["state"], "finished");
    assert_eq!(
        attempts["attempts"][0]["sumgrades"], 1.0,
        "the answer given counts"
    );
    let started = me
        .call("mod_quiz_start_attempt", &[("quizid", &quiz)])
        .await;
    assert_eq!(started["attempt"], json!({}));
    assert_eq!(started["warnings"][0]["warningcode"], "1");
    // `quizaccess_openclosedate`'s one reason (`notavailable`), and no other.
    let not_available = json!(["この小テストは現在利用できません。"]);
    let messages: Vec<&Value> = started["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| &w["message"])
        .collect();
    assert_eq!(json!(messages), not_available);
    let quiz_access = me
        .call("mod_quiz_get_quiz_access_information", &[("quizid", &quiz)])
        .await;
    assert_eq!(quiz_access["preventaccessreasons"], not_available);
    let access = me.attempt_access(&quiz).await;
    assert_eq!(access["isfinished"], true);
    // The date rule prevents access, not a new attempt: the attempts rule alone speaks here,
    // and this quiz's attempts are not used up.
    assert_eq!(access["preventnewattemptreasons"], json!([]));
}

#[tokio::test]
async fn a_grace_period_keeps_a_closed_quiz_open_for_that_long() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let quiz = quizid.to_string();
    let close = site.state.clock().now() - 100;
    set(&site, quizid, "timeclose", close).await;
    set(&site, quizid, "graceperiod", 600).await;
    set(&site, quizid, "overduehandling", "graceperiod").await;
    let reasons = || async {
        me.call("mod_quiz_get_quiz_access_information", &[("quizid", &quiz)])
            .await["preventaccessreasons"]
            .clone()
    };
    assert_eq!(reasons().await, json!([]), "inside the grace period");
    site.state.clock().advance(600);
    assert_eq!(
        reasons().await,
        json!(["この小テストは現在利用できません。"]),
        "after it"
    );
}
