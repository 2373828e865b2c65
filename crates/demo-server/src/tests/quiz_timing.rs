//! Time and place: a timed test finished by the server's rule when its time is up (Moodle's
//! `overduehandling=autosubmit`), and the offline-attempts rule's preflight check on the test
//! that may be taken offline.

use juko_moodle::answer_fields;
use serde_json::{Value, json};

use super::quiz_taking::{Taker, answer, plan, quiz_named};
use super::support::{Site, assert_exception};

const ETHICS: &str = "研究倫理と研究公正";
const BASIC: &str = "臨床研究の基礎知識講座";
/// The ethics test's time limit.
const LIMIT: i64 = 600;

/// The learner2's attempt at the timed test, with the right answers to slots 1–4 submitted and
/// the right answer to slot 5 only autosaved.
async fn answered_in_time(me: &Taker<'_>) -> Value {
    let quizid = quiz_named(me.site, ETHICS).await;
    let plan = plan(ETHICS);
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    assert_eq!(
        attempt["timecheckstate"],
        attempt["timestart"].as_i64().expect("start") + LIMIT
    );
    let questions = me.all_questions(id, 5).await;
    let mut submitted = Vec::new();
    for q in &questions[..4] {
        let right = answer(&plan.questions[q.slot as usize - 1], q, true);
        submitted.extend(answer_fields(usage, q, &right).expect("fits"));
    }
    assert_eq!(
        me.process(id, &submitted, false).await["state"],
        "inprogress"
    );
    let last = &questions[4];
    let right = answer(&plan.questions[4], last, true);
    let saved = me
        .save(id, &answer_fields(usage, last, &right).expect("fits"))
        .await;
    assert_eq!(saved["status"], true);
    attempt
}

/// A new attempt at the timed test with its pages read, and the right answer to its first
/// question as the app sends it: (the attempt's id, the fields).
async fn first_answer_ready(me: &Taker<'_>) -> (i64, Vec<(String, String)>) {
    let attempt = me.start(quiz_named(me.site, ETHICS).await).await;
    let id = attempt["id"].as_i64().expect("id");
    let questions = me.all_questions(id, 5).await;
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    let q = &questions[0];
    let right = answer(&plan(ETHICS).questions[0], q, true);
    (id, answer_fields(usage, q, &right).expect("fits"))
}

#[tokio::test]
async fn time_up_finishes_the_attempt_with_the_answers_saved_so_far() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner2").await;
    let attempt = answered_in_time(&me).await;
    let id = attempt["id"].as_i64().expect("id").to_string();
    let quiz = attempt["quiz"].as_i64().expect("quiz").to_string();
    let start = attempt["timestart"].as_i64().expect("start");
    let access = me.attempt_access(&quiz).await;
    assert_eq!(access["endtime"], start + LIMIT);
    assert_eq!(
        access["ispreflightcheckrequired"], false,
        "not an offline quiz"
    );

    site.state.clock().advance(LIMIT + 30);
    // The next touch finishes it, the learner being online: timed now.
    let closed = me.attempt_data(&id, "0").await;
    assert_exception(&closed, "attemptalreadyclosed");
    let attempts = me.user_attempts(&quiz).await;
    let finished = &attempts["attempts"][0];
    assert_eq!(finished["state"], "finished");
    // Finished when touched, past the deadline (a learner away gets the deadline: see below).
    assert!(
        finished["timefinish"].as_i64().expect("time") >= start + LIMIT + 30,
        "{finished}"
    );
    assert_eq!(finished["timecheckstate"], json!(null));
    // All five count, the autosaved one too.
    assert_eq!(finished["sumgrades"], 5.0);
    let (_, review) = me.review(attempt["id"].as_i64().expect("id")).await;
    assert_eq!(review["grade"], 100.0);
    let best = me
        .call("mod_quiz_get_user_best_grade", &[("quizid", &quiz)])
        .await;
    assert_eq!(best["grade"], 100.0);
    // And more answers are refused.
    let late = me
        .call(
            "mod_quiz_process_attempt",
            &[("attemptid", &id), ("finishattempt", "1")],
        )
        .await;
    assert_exception(&late, "attemptalreadyclosed");
}

#[tokio::test]
async fn an_attempt_left_past_its_deadline_is_finished_at_the_deadline() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner2").await;
    let attempt = answered_in_time(&me).await;
    let quiz = attempt["quiz"].as_i64().expect("quiz").to_string();
    let start = attempt["timestart"].as_i64().expect("start");
    site.state.clock().advance(3 * LIMIT);
    // As Moodle's cron would have: the learner was away, so it ends at the deadline.
    let access = me.attempt_access(&quiz).await;
    assert_eq!(access["endtime"], start + LIMIT);
    let attempts = me.user_attempts(&quiz).await;
    assert_eq!(attempts["attempts"][0]["state"], "finished");
    assert_eq!(attempts["attempts"][0]["timefinish"], start + LIMIT);
    assert_eq!(attempts["attempts"][0]["sumgrades"], 5.0);
    // A new attempt may start (the second of two).
    let second = me.start(attempt["quiz"].as_i64().expect("quiz")).await;
    assert_eq!(second["attempt"], 2);
}

#[tokio::test]
async fn a_page_sent_as_time_runs_out_finishes_the_attempt_and_counts() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner2").await;
    let (id, fields) = first_answer_ready(&me).await;
    // The app's timer fires a second before the end: the page is sent with `timeup` (a real
    // second passing meanwhile changes nothing: within the grace it still counts).
    site.state.clock().advance(LIMIT - 1);
    let mut params = vec![
        ("attemptid".to_owned(), id.to_string()),
        ("timeup".to_owned(), "1".to_owned()),
    ];
    params.extend(super::quiz_taking::data(&fields));
    let done = me
        .call(
            "mod_quiz_process_attempt",
            &super::quiz_taking::refs(&params),
        )
        .await;
    assert_eq!(done, json!({"state": "finished", "warnings": []}));
    let (_, review) = me.review(id).await;
    assert_eq!(review["attempt"]["sumgrades"], 1.0);
}

#[tokio::test]
async fn answers_sent_long_after_the_deadline_do_not_count() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner2").await;
    let (id, fields) = first_answer_ready(&me).await;
    // More than Moodle's minimum grace (60 s) after the deadline.
    site.state.clock().advance(LIMIT + 120);
    let done = me.process(id, &fields, true).await;
    assert_eq!(done["state"], "finished");
    let (_, review) = me.review(id).await;
    assert_eq!(review["attempt"]["sumgrades"], 0.0);
    assert_eq!(review["questions"][0]["stateclass"], "notanswered");
}

#[tokio::test]
async fn the_offline_test_asks_to_confirm_no_unsaved_work() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let quiz = quizid.to_string();
    let before = me.attempt_access(&quiz).await;
    assert!(
        before.get("ispreflightcheckrequired").is_none(),
        "no attempt yet: {before}"
    );
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id").to_string();
    let access = me.attempt_access(&quiz).await;
    assert_eq!(access["ispreflightcheckrequired"], true);
    assert_eq!(access["endtime"], 0, "untimed");
    let message = "Please check and confirm that you do not have any unsaved work.";
    for preflight in [
        vec![],
        vec![
            ("preflightdata[0][name]", "confirmdatasaved"),
            ("preflightdata[0][value]", "0"),
        ],
    ] {
        let mut params = vec![("attemptid", id.as_str()), ("page", "0")];
        params.extend(preflight);
        let refused = me.call("mod_quiz_get_attempt_data", &params).await;
        assert_exception(&refused, message);
        assert_eq!(refused["message"], format!("quiz/{message}"));
    }
    let (_, page) = me.page(attempt["id"].as_i64().expect("id"), 0).await;
    assert_eq!(page.questions.len(), 1);
    // Its settings are those Moodle requires of an offline quiz.
    let quizzes = me.call("mod_quiz_get_quizzes_by_courses", &[]).await;
    let settings = quizzes["quizzes"]
        .as_array()
        .expect("quizzes")
        .iter()
        .find(|q| q["id"] == quizid)
        .expect("the basic test")
        .clone();
    assert_eq!(
        (
            &settings["allowofflineattempts"],
            &settings["navmethod"],
            &settings["preferredbehaviour"],
            &settings["timelimit"]
        ),
        (
            &json!(1),
            &json!("free"),
            &json!("deferredfeedback"),
            &json!(0)
        )
    );
}
