//! What a learner may not learn or do while taking a test: nothing says which answer is right
//! before the attempt is finished; another learner's attempt is refused by every function;
//! hostile values and stale sequence checks get Moodle's errors and change nothing.

use std::collections::BTreeSet;

use juko_model::QuestionKind;
use serde_json::{Value, json};

use super::quiz_taking::{CONFIRMED, Taker, data, footprint, plan, quiz_named, refs};
use super::shape::call;
use super::support::{Site, assert_exception};

const BASIC: &str = "臨床研究の基礎知識講座";
const ROLES: &str = "参加医療機関";

/// The ids of every answer of a quiz's questions.
async fn answer_ids(site: &Site, quizid: i64) -> Vec<i64> {
    site.state
        .db()
        .call(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT a.id FROM question_answers a JOIN quiz_slots s ON s.questionid = a.question
                 WHERE s.quizid = ?1",
            )?;
            let ids = stmt
                .query_map([quizid], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .await
        .expect("answer ids")
}

/// Whether `text` holds `number` as a whole number (not inside a longer run of digits).
fn holds_number(text: &str, number: i64) -> bool {
    let needle = number.to_string();
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The scan finds an answer id only as a whole number, so the ids must not also be numbers a
/// learner legitimately sees: pages, slots, positions, counts, marks. The schema seeds them
/// from 7001 (`question_answers` in schema v3) for this.
#[track_caller]
fn assert_ids_stand_out(ids: &[i64]) {
    assert!(
        ids.iter().all(|id| *id >= 1000),
        "answer ids small enough to pass for pages or counts: {ids:?}"
    );
}

/// Asserts a learner's view of an unfinished attempt says nothing of right or wrong.
#[track_caller]
fn assert_no_hint(label: &str, text: &str, ids: &[i64], secrets: &[&str]) {
    let lower = text.to_lowercase();
    // (`deferredfeedback`, the behaviour's name, is no feedback.)
    let words = [
        "correct",
        "fraction",
        "specificfeedback",
        "generalfeedback",
        "\\\"feedback",
        "outcome",
        "rightanswer",
        "gradedright",
        "gradedwrong",
        "gradedpartial",
        "正解",
        "解説",
    ];
    for word in words {
        assert!(!lower.contains(word), "{label} says {word:?}: {text}");
    }
    for id in ids {
        assert!(
            !holds_number(text, *id),
            "{label} holds answer id {id}: {text}"
        );
    }
    for secret in secrets {
        assert!(!text.contains(secret), "{label} holds {secret:?}: {text}");
    }
    let reply: Value = serde_json::from_str(text).expect("JSON");
    for question in reply["questions"].as_array().into_iter().flatten() {
        assert!(question.get("state").is_none(), "{label}: {question}");
        assert!(question.get("mark").is_none(), "{label}: {question}");
    }
    for attempt in [&reply["attempt"]]
        .into_iter()
        .chain(reply["attempts"].as_array().into_iter().flatten())
    {
        assert!(
            attempt.get("sumgrades").is_none_or(Value::is_null),
            "{label}: {attempt}"
        );
    }
    assert!(reply.get("grade").is_none(), "{label}: {reply}");
}

/// Every answer a learner got, labelled by the call.
struct Seen<'a> {
    me: &'a Taker<'a>,
    answers: Vec<(String, String)>,
}

impl Seen<'_> {
    async fn read(&mut self, function: &str, params: &[(&str, &str)]) -> String {
        let (text, _) = call(self.me.site, &self.me.token, function, params).await;
        self.answers
            .push((format!("{function} {params:?}"), text.clone()));
        text
    }

    /// Reads the attempt's first `pages` pages, confirmed as the app does.
    async fn read_pages(&mut self, attemptid: &str, pages: usize) {
        for page in 0..pages {
            let page = page.to_string();
            self.read(
                "mod_quiz_get_attempt_data",
                &[
                    ("attemptid", attemptid),
                    ("page", &page),
                    CONFIRMED[0],
                    CONFIRMED[1],
                ],
            )
            .await;
        }
    }
}

#[tokio::test]
async fn nothing_before_the_finish_says_which_answer_is_right() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let plan = plan(BASIC);
    let ids = answer_ids(&site, quizid).await;
    assert_eq!(ids.len(), 29, "every answer of the ten questions");
    assert_ids_stand_out(&ids);
    // A short answer's accepted text that no question's text holds: nobody has typed it yet.
    let secrets = ["倫理審査委員会"];
    let quiz = quizid.to_string();

    // The quiz's settings name their review options (`reviewcorrectness`, …): only ids and
    // answers are looked for there.
    let (settings, _) = call(&site, &me.token, "mod_quiz_get_quizzes_by_courses", &[]).await;
    for id in &ids {
        assert!(!holds_number(&settings, *id), "{settings}");
    }
    assert!(secrets.iter().all(|s| !settings.contains(s)));

    let mut seen = Seen {
        me: &me,
        answers: Vec::new(),
    };
    seen.read("mod_quiz_get_quiz_access_information", &[("quizid", &quiz)])
        .await;
    let started = seen
        .read("mod_quiz_start_attempt", &[("quizid", &quiz)])
        .await;
    let attempt = serde_json::from_str::<Value>(&started).expect("JSON")["attempt"].clone();
    let id = attempt["id"].as_i64().expect("id").to_string();
    seen.read_pages(&id, 10).await;
    for (label, text) in &seen.answers {
        assert_no_hint(label, text, &ids, &secrets);
    }
    seen.answers.clear();

    // Answered, half right and half wrong, and submitted: still nothing, anywhere.
    let answered = me
        .answer_all(&attempt, plan, |slot| slot % 2 == 0, false)
        .await;
    seen.answers
        .push(("process".to_owned(), answered.to_string()));
    seen.read_pages(&id, 10).await;
    seen.read(
        "mod_quiz_get_attempt_summary",
        &[("attemptid", &id), CONFIRMED[0], CONFIRMED[1]],
    )
    .await;
    seen.read(
        "mod_quiz_get_attempt_access_information",
        &[("quizid", &quiz), ("attemptid", &id)],
    )
    .await;
    seen.read(
        "mod_quiz_get_user_attempts",
        &[("quizid", &quiz), ("status", "all")],
    )
    .await;
    seen.read("mod_quiz_get_user_best_grade", &[("quizid", &quiz)])
        .await;
    seen.read(
        "mod_quiz_view_attempt",
        &[
            ("attemptid", &id),
            ("page", "0"),
            CONFIRMED[0],
            CONFIRMED[1],
        ],
    )
    .await;
    let review = seen
        .read("mod_quiz_get_attempt_review", &[("attemptid", &id)])
        .await;
    assert!(
        review.contains("attemptclosed"),
        "no review before the finish: {review}"
    );
    for (label, text) in &seen.answers {
        // The learner's own typed answers are theirs to see; the right ones are not.
        let own_answers = label.contains("get_attempt_data") || label.contains("summary");
        let secrets: &[&str] = if own_answers { &[] } else { &secrets };
        assert_no_hint(label, text, &ids, secrets);
    }
}

#[tokio::test]
async fn the_right_choice_moves_between_attempts() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, ROLES).await;
    let mut positions = BTreeSet::new();
    let mut orders = BTreeSet::new();
    for _ in 0..15 {
        let attempt = me.start(quizid).await;
        let id = attempt["id"].as_i64().expect("id");
        let (_, page) = me.page(id, 0).await;
        let QuestionKind::SingleChoice { choices } = &page.questions[0].kind else {
            panic!("{:?}", page.questions[0].kind)
        };
        // Keys are positions on this attempt's page, never answer ids.
        let keys: Vec<&str> = choices.iter().map(|c| c.key.0.as_str()).collect();
        assert_eq!(keys, ["0", "1", "2"]);
        let labels: Vec<String> = choices.iter().map(|c| c.label_html.clone()).collect();
        positions.insert(
            labels
                .iter()
                .position(|l| l.contains("自施設が満たす登録要件"))
                .expect("the right one"),
        );
        orders.insert(labels);
        let done = me.process(id, &[], true).await;
        assert_eq!(done["state"], "finished");
    }
    assert!(
        positions.len() > 1,
        "the right choice always at {positions:?}"
    );
    assert!(orders.len() > 1);
}

#[tokio::test]
async fn another_learners_attempt_is_refused_by_every_function() {
    let site = Site::new().await;
    let owner = Taker::new(&site, "icrown1").await;
    let quizid = quiz_named(&site, ROLES).await;
    let attempt = owner.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    let before = footprint(&site, id).await;
    let attemptid = id.to_string();
    let quiz = quizid.to_string();
    let fields = data(&[
        (format!("q{usage}:1_:sequencecheck"), "1".to_owned()),
        (format!("q{usage}:1_answer"), "0".to_owned()),
    ]);
    let with_data = |extra: &[(&str, &str)]| {
        let mut params = vec![("attemptid".to_owned(), attemptid.clone())];
        params.extend(fields.iter().cloned());
        params.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        params
    };
    let save = with_data(&[]);
    let process = with_data(&[("finishattempt", "1")]);
    // (function, parameters, the error code a classmate gets)
    type Call<'a> = (&'a str, Vec<(String, String)>, &'a str);
    let calls: Vec<Call<'_>> = vec![
        (
            "mod_quiz_get_attempt_data",
            vec![
                ("attemptid".into(), attemptid.clone()),
                ("page".into(), "0".into()),
            ],
            "notyourattempt",
        ),
        (
            "mod_quiz_get_attempt_summary",
            vec![("attemptid".into(), attemptid.clone())],
            "notyourattempt",
        ),
        ("mod_quiz_save_attempt", save, "notyourattempt"),
        ("mod_quiz_process_attempt", process, "notyourattempt"),
        (
            "mod_quiz_view_attempt",
            vec![
                ("attemptid".into(), attemptid.clone()),
                ("page".into(), "0".into()),
            ],
            "notyourattempt",
        ),
        (
            "mod_quiz_view_attempt_summary",
            vec![("attemptid".into(), attemptid.clone())],
            "notyourattempt",
        ),
        (
            "mod_quiz_get_attempt_access_information",
            vec![
                ("quizid".into(), quiz.clone()),
                ("attemptid".into(), attemptid.clone()),
            ],
            "notyourattempt",
        ),
        (
            "mod_quiz_get_attempt_review",
            vec![("attemptid".into(), attemptid.clone())],
            "noreviewattempt",
        ),
        (
            "mod_quiz_view_attempt_review",
            vec![("attemptid".into(), attemptid.clone())],
            "noreviewattempt",
        ),
    ];
    // A learner of the same course, and one outside it.
    let classmate = Taker::new(&site, "learner1").await;
    let outsider = Taker::new(&site, "learner2").await;
    for (function, params, code) in &calls {
        let reply = classmate.call(function, &refs(params)).await;
        assert_exception(&reply, code);
        assert_eq!(
            reply["exception"], "moodle_exception",
            "{function}: {reply}"
        );
        let reply = outsider.call(function, &refs(params)).await;
        let want = match *function {
            "mod_quiz_get_attempt_review" | "mod_quiz_view_attempt_review" => "nopermissions",
            _ => "requireloginerror",
        };
        assert_exception(&reply, want);
    }
    assert_eq!(footprint(&site, id).await, before, "nothing changed");
    // Finished, it is still theirs alone.
    let done = owner.process(id, &[], true).await;
    assert_eq!(done["state"], "finished");
    for (function, params, code) in &calls[7..] {
        let reply = classmate.call(function, &refs(params)).await;
        assert_exception(&reply, code);
    }
}

#[tokio::test]
async fn hostile_values_get_moodles_errors_and_change_nothing() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let attempt = me.start(quiz_named(&site, BASIC).await).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    // Another attempt of the same learner, to borrow its field names.
    let other = me.start(quiz_named(&site, ROLES).await).await;
    let other_usage = other["uniqueid"].as_i64().expect("usage");
    let before = footprint(&site, id).await;
    let attemptid = id.to_string();

    for (bad, code) in [
        ("abc", "invalidparameter"),
        ("99999999999999999999", "invalidparameter"),
        ("1.5", "invalidparameter"),
        ("", "invalidparameter"),
        ("-1", "invalidrecord"),
        ("999999", "invalidrecord"),
    ] {
        for function in [
            "mod_quiz_get_attempt_summary",
            "mod_quiz_get_attempt_review",
            "mod_quiz_view_attempt_summary",
            "mod_quiz_view_attempt_review",
        ] {
            let reply = me.call(function, &[("attemptid", bad)]).await;
            assert_exception(&reply, code);
        }
        let reply = me
            .call(
                "mod_quiz_get_attempt_data",
                &[("attemptid", bad), ("page", "0")],
            )
            .await;
        assert_exception(&reply, code);
        let reply = me
            .call(
                "mod_quiz_process_attempt",
                &[("attemptid", bad), ("finishattempt", "1")],
            )
            .await;
        assert_exception(&reply, code);
    }
    for (page, code) in [
        ("-1", "Invalid page number"),
        ("10", "Invalid page number"),
        ("4294967296", "Invalid page number"),
        ("abc", "invalidparameter"),
        ("", "invalidparameter"),
    ] {
        for function in ["mod_quiz_get_attempt_data", "mod_quiz_view_attempt"] {
            let reply = me
                .call(
                    function,
                    &[
                        ("attemptid", &attemptid),
                        ("page", page),
                        CONFIRMED[0],
                        CONFIRMED[1],
                    ],
                )
                .await;
            assert_exception(&reply, code);
        }
    }
    let p = |slot: i64, field: &str| format!("q{usage}:{slot}_{field}");
    let seq = |slot: i64| (p(slot, ":sequencecheck"), "1".to_owned());
    let hostile: Vec<Vec<(String, String)>> = vec![
        vec![
            (format!("q{other_usage}:1_:sequencecheck"), "1".into()),
            (format!("q{other_usage}:1_answer"), "0".into()),
        ],
        vec![
            (p(99, ":sequencecheck"), "1".into()),
            (p(99, "answer"), "0".into()),
        ],
        vec![seq(1), (p(1, "bogus"), "1".into())],
        vec![("foo".into(), "bar".into())],
        vec![seq(1), (p(1, "answer"), "abc".into())],
        vec![seq(1), (p(1, "answer"), "4".into())],
        vec![seq(1), (p(1, "answer"), "-2".into())],
        vec![seq(1), (p(1, "answer"), "".into())],
        vec![seq(2), (p(2, "answer"), "2".into())],
        vec![seq(3), (p(3, "choice9"), "1".into())],
        vec![seq(3), (p(3, "choice0"), "yes".into())],
        vec![seq(7), (p(7, "answer"), "交".repeat(20_000))],
        vec![
            (p(1, ":sequencecheck"), "x".into()),
            (p(1, "answer"), "0".into()),
        ],
        vec![(p(1, ":sequencecheck"), "-1".into())],
        vec![(p(1, ":flagged"), "2".into())],
        vec![("slots".into(), "1,a".into())],
    ];
    for fields in &hostile {
        for function in ["mod_quiz_save_attempt", "mod_quiz_process_attempt"] {
            let reply = if function == "mod_quiz_save_attempt" {
                me.save(id, fields).await
            } else {
                me.process(id, fields, true).await
            };
            assert_exception(&reply, "invalidparameter");
            let shown = reply["debuginfo"].as_str().unwrap_or_default();
            assert!(
                shown.len() < 300,
                "the refusal does not echo a long value: {shown}"
            );
        }
    }
    // Malformed parameters around the data.
    for params in [
        vec![("attemptid", attemptid.as_str()), ("colour", "red")],
        vec![
            ("attemptid", attemptid.as_str()),
            ("data[0][name]", "x"),
            ("data[0][value]", "1"),
            ("data[0][extra]", "2"),
        ],
        vec![("attemptid", attemptid.as_str()), ("data[0][name]", "x")],
        vec![("attemptid", attemptid.as_str()), ("finishattempt", "yes")],
        vec![
            ("attemptid", attemptid.as_str()),
            ("preflightdata[0][name]", "a b"),
            ("preflightdata[0][value]", "1"),
        ],
    ] {
        let reply = me.call("mod_quiz_process_attempt", &params).await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = me
        .call("mod_quiz_save_attempt", &[("attemptid", &attemptid)])
        .await;
    assert_exception(&reply, "invalidparameter");
    assert_eq!(footprint(&site, id).await, before, "nothing changed");
    // The attempt still takes a proper answer.
    let fine = vec![seq(1), (p(1, "answer"), "2".into())];
    assert_eq!(
        me.process(id, &fine, false).await,
        json!({"state": "inprogress", "warnings": []})
    );
}

#[tokio::test]
async fn a_stale_sequence_check_is_refused_and_changes_nothing() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let attempt = me.start(quiz_named(&site, BASIC).await).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    let answer = |seq: &str, value: &str| {
        vec![
            (format!("q{usage}:1_:sequencecheck"), seq.to_owned()),
            (format!("q{usage}:1_answer"), value.to_owned()),
        ]
    };
    assert_eq!(
        me.process(id, &answer("1", "0"), false).await["state"],
        "inprogress"
    );
    let (_, page) = me.page(id, 0).await;
    assert_eq!(page.questions[0].sequence_check, 2);
    let before = footprint(&site, id).await;

    // Another device still holds sequence check 1.
    let stale = me.process(id, &answer("1", "3"), false).await;
    assert_exception(&stale, "submissionoutofsequencefriendlymessage");
    assert_eq!(stale["exception"], "moodle_exception");
    let stale = me.process(id, &answer("1", "3"), true).await;
    assert_exception(&stale, "submissionoutofsequencefriendlymessage");
    let stale = me.save(id, &answer("1", "3")).await;
    assert_exception(&stale, "submissionoutofsequence");
    assert_eq!(stale["exception"], "question_out_of_sequence_exception");
    let ahead = me.process(id, &answer("7", "3"), false).await;
    assert_exception(&ahead, "submissionoutofsequencefriendlymessage");
    assert_eq!(footprint(&site, id).await, before, "nothing changed");
    let (_, page) = me.page(id, 0).await;
    assert_eq!(
        page.questions[0].current_answer(),
        Some(juko_model::Answer::Choice(Some(juko_model::ChoiceKey(
            "0".into()
        ))))
    );

    // Without a sequence check the slot is skipped, as Moodle skips it.
    let skipped = vec![(format!("q{usage}:1_answer"), "3".to_owned())];
    assert_eq!(me.process(id, &skipped, false).await["state"], "inprogress");
    assert_eq!(footprint(&site, id).await.0, before.0, "no step added");

    // The current check is taken.
    assert_eq!(
        me.process(id, &answer("2", "3"), false).await["state"],
        "inprogress"
    );
    let (_, page) = me.page(id, 0).await;
    assert_eq!(page.questions[0].sequence_check, 3);
}

/// The scan itself: a page as sent passes, and the same page with one answer id in place of a
/// choice's position fails it.
#[tokio::test]
async fn the_scan_finds_a_leaked_answer_id() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let ids = answer_ids(&site, quizid).await;
    assert_ids_stand_out(&ids);
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id").to_string();
    let (page, _) = call(
        &site,
        &me.token,
        "mod_quiz_get_attempt_data",
        &[
            ("attemptid", &id),
            ("page", "0"),
            CONFIRMED[0],
            CONFIRMED[1],
        ],
    )
    .await;
    assert_no_hint("page 0", &page, &ids, &[]);
    let position = r#"value=\"0\""#;
    let leaked = page.replacen(position, &format!(r#"value=\"{}\""#, ids[0]), 1);
    assert_ne!(leaked, page, "no choice at position 0 on {page}");
    let scan = std::panic::catch_unwind(|| assert_no_hint("leaked", &leaked, &ids, &[]));
    assert!(scan.is_err(), "answer id {} went unnoticed", ids[0]);
}
