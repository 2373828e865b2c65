//! Taking a unit's test from start to review: every attempt function in Moodle 4.5's declared
//! shape, the pages as the app's parser reads them, autosave and submit, grading, the best grade
//! and the module's completion; the attempt limit; sequential navigation; an essay.

use juko_model::{Answer, Outcome, QuestionKind, QuestionState, UnsupportedReason};
use juko_moodle::{answer_fields, decode};
use serde_json::json;

use super::quiz_taking::{CONFIRMED, Taker, answer, first_html, plan, quiz_named};
use super::support::{Site, assert_exception, strings};

const BASIC: &str = "臨床研究の基礎知識講座";

#[tokio::test]
async fn a_learner_takes_the_basic_test_from_start_to_review() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let plan = plan(BASIC);
    let quiz = quizid.to_string();

    let (_, access) = me
        .shaped(
            "mod_quiz_get_attempt_access_information",
            &[("quizid", &quiz)],
            fixture!("mod_quiz_get_attempt_access_information"),
        )
        .await;
    assert_eq!(
        access,
        json!({"isfinished": false, "preventnewattemptreasons": [], "warnings": []})
    );

    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    assert_eq!(attempt["state"], "inprogress");
    assert_eq!(attempt["attempt"], 1);
    assert_eq!(
        attempt["layout"],
        "1,0,2,0,3,0,4,0,5,0,6,0,7,0,8,0,9,0,10,0"
    );
    assert_eq!(attempt["sumgrades"], json!(null));
    // Started through the web services: the offline-attempts rule now asks for its check.
    assert_eq!(attempt["timemodifiedoffline"], attempt["timestart"]);

    // Every page, as the app reads it: the four supported types, nothing answered.
    let (first_text, first) = me.page(id, 0).await;
    assert_eq!(first.next_page, Some(1));
    assert!(
        first_html(&first_text).contains(&format!(r#"name="q{usage}:1_:sequencecheck" value="1""#))
    );
    let questions = me.all_questions(id, 10).await;
    let kinds: Vec<&str> = questions
        .iter()
        .map(|q| match &q.kind {
            QuestionKind::SingleChoice { choices } => {
                assert_eq!(choices.len(), 4);
                "single"
            }
            QuestionKind::MultipleChoice { .. } => "multiple",
            QuestionKind::TrueFalse { answer } => {
                assert_eq!(*answer, None);
                "truefalse"
            }
            QuestionKind::ShortAnswer { answer } => {
                assert_eq!(answer, "");
                "short"
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "single",
            "truefalse",
            "multiple",
            "single",
            "truefalse",
            "single",
            "short",
            "truefalse",
            "multiple",
            "short"
        ]
    );
    assert!(
        questions
            .iter()
            .all(|q| q.state == QuestionState::NotYetAnswered
                && q.sequence_check == 1
                && !q.read_only)
    );
    let (last_text, last) = me.page(id, 9).await;
    assert_eq!(last.next_page, None, "{last_text}");
    let viewed = me
        .shaped(
            "mod_quiz_view_attempt",
            &[
                ("attemptid", &id.to_string()),
                ("page", "9"),
                CONFIRMED[0],
                CONFIRMED[1],
            ],
            fixture!("mod_quiz_view_attempt"),
        )
        .await
        .1;
    assert_eq!(viewed["status"], true);

    // Autosave the first answer: saved, shown, the sequence check unchanged.
    let q1 = &questions[0];
    let right1 = answer(&plan.questions[0], q1, true);
    let fields = answer_fields(usage, q1, &right1).expect("fits");
    let saved = me.save(id, &fields).await;
    assert_eq!(saved, json!({"status": true, "warnings": []}));
    let (text, page) = me.page(id, 0).await;
    let q1 = &page.questions[0];
    assert_eq!(q1.sequence_check, 1, "{text}");
    assert_eq!(q1.state, QuestionState::Answered);
    assert_eq!(q1.current_answer(), Some(right1.clone()));
    assert!(text.contains(r#""hasautosavedstep":true"#), "{text}");

    // Submit every page with nine right answers and one wrong: each answered question moves on.
    let state = me.answer_all(&attempt, plan, |slot| slot != 4, false).await;
    assert_eq!(state, json!({"state": "inprogress", "warnings": []}));
    let (summary_text, summary) = me
        .shaped(
            "mod_quiz_get_attempt_summary",
            &[("attemptid", &id.to_string()), CONFIRMED[0], CONFIRMED[1]],
            fixture!("mod_quiz_get_attempt_summary"),
        )
        .await;
    assert_eq!(summary["totalunanswered"], 0, "{summary_text}");
    for q in summary["questions"].as_array().expect("questions") {
        assert_eq!(q["stateclass"], "answersaved", "{q}");
        assert_eq!(q["status"], "Answer saved");
        assert_eq!(q["sequencecheck"], 2, "{q}");
        assert_eq!(q["hasautosavedstep"], false);
    }
    me.shaped(
        "mod_quiz_view_attempt_summary",
        &[("attemptid", &id.to_string()), CONFIRMED[0], CONFIRMED[1]],
        fixture!("mod_quiz_view_attempt_summary"),
    )
    .await;

    // Finish.
    let finished = me
        .shaped(
            "mod_quiz_process_attempt",
            &[
                ("attemptid", &id.to_string()),
                ("finishattempt", "1"),
                CONFIRMED[0],
                CONFIRMED[1],
            ],
            fixture!("mod_quiz_process_attempt"),
        )
        .await
        .1;
    assert_eq!(finished["state"], "finished");

    // Review: marks, right and wrong, the right answer, readable by the app.
    let (review_text, review) = me.review(id).await;
    assert_eq!(review["grade"], 90.0, "{review_text}");
    assert_eq!(review["attempt"]["sumgrades"], 9.0);
    assert_eq!(review["attempt"]["state"], "finished");
    assert_eq!(review["additionaldata"], json!([]));
    let page = decode::attempt_review(review_text.as_bytes()).expect("the app reads the review");
    assert_eq!(page.questions.len(), 10);
    for q in &page.questions {
        assert!(q.read_only);
        let want = if q.slot == 4 {
            Outcome::Incorrect
        } else {
            Outcome::Correct
        };
        assert_eq!(q.state, QuestionState::Graded(want), "slot {}", q.slot);
        let feedback = q.feedback_html.as_deref().unwrap_or_default();
        assert!(
            feedback.contains("rightanswer") && feedback.contains("解説"),
            "{feedback}"
        );
    }
    let slot1 = &review["questions"][0];
    assert_eq!(
        (slot1["state"].as_str(), slot1["mark"].as_str()),
        (Some("gradedright"), Some("1.00"))
    );
    assert_eq!(slot1["maxmark"], 1.0);
    let QuestionKind::SingleChoice { choices } = &page.questions[0].kind else {
        panic!("{:?}", page.questions[0].kind)
    };
    let chosen: Vec<_> = choices.iter().filter(|c| c.selected).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].outcome, Some(Outcome::Correct));
    assert!(chosen[0].label_html.contains("ランダム化比較試験"));
    me.shaped(
        "mod_quiz_view_attempt_review",
        &[("attemptid", &id.to_string())],
        fixture!("mod_quiz_view_attempt_review"),
    )
    .await;

    // The best grade, the attempt's mark, and the test complete with a pass.
    let (_, best) = me
        .shaped(
            "mod_quiz_get_user_best_grade",
            &[("quizid", &quiz)],
            fixture!("mod_quiz_get_user_best_grade"),
        )
        .await;
    assert_eq!(
        best,
        json!({"hasgrade": true, "grade": 90.0, "gradetopass": 80.0, "warnings": []})
    );
    let (_, attempts) = me
        .shaped(
            "mod_quiz_get_user_attempts",
            &[("quizid", &quiz), ("status", "all")],
            fixture!("mod_quiz_get_user_attempts"),
        )
        .await;
    assert_eq!(attempts["attempts"][0]["sumgrades"], 9.0);
    let courseid = site
        .course_id(crate::seed::courses::FACILITY_A.shortname)
        .await
        .to_string();
    let userid = site.userid(&me.token).await.to_string();
    let statuses = me
        .call(
            "core_completion_get_activities_completion_status",
            &[("courseid", &courseid), ("userid", &userid)],
        )
        .await;
    let test = statuses["statuses"]
        .as_array()
        .expect("statuses")
        .iter()
        .find(|s| s["instance"] == quizid)
        .expect("the test's completion")
        .clone();
    assert_eq!(test["state"], 2, "complete, passed: {test}");
    assert_eq!(test["isoverallcomplete"], true);
    let contents = me
        .call("core_course_get_contents", &[("courseid", &courseid)])
        .await;
    let module = contents
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["modules"].as_array().expect("modules").clone())
        .find(|m| m["instance"] == quizid && m["modname"] == "quiz")
        .expect("the test on the course page");
    assert_eq!(module["completiondata"]["state"], 2);
    assert_eq!(module["completiondata"]["isoverallcomplete"], true);

    // Logged as Moodle logs it.
    for event in [
        "attempt_started",
        "attempt_viewed",
        "attempt_summary_viewed",
        "attempt_submitted",
        "attempt_reviewed",
    ] {
        let like = format!("%\\{event}");
        let count = site
            .state
            .db()
            .call(move |conn| {
                Ok(conn.query_row(
                    "SELECT COUNT(*) FROM logstore_standard_log WHERE eventname LIKE ?1 AND objectid = ?2",
                    rusqlite::params![like, id],
                    |r| r.get::<_, i64>(0),
                )?)
            })
            .await
            .expect("count");
        assert_eq!(count, 1, "{event}");
    }
}

#[tokio::test]
async fn a_failed_attempt_then_a_better_one_keeps_the_best_grade() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let plan = plan(BASIC);
    let first = me.start(quizid).await;
    assert_eq!(
        me.answer_all(&first, plan, |slot| slot <= 5, true).await["state"],
        "finished"
    );
    let best = me
        .call(
            "mod_quiz_get_user_best_grade",
            &[("quizid", &quizid.to_string())],
        )
        .await;
    assert_eq!(best["grade"], 50.0);
    let failed = site
        .query_i64(
            "SELECT completionstate FROM course_modules_completion cmc
             JOIN course_modules cm ON cm.id = cmc.coursemoduleid
             WHERE cm.module = 'quiz' AND cm.instance = ?1",
            quizid,
        )
        .await;
    assert_eq!(failed, 3, "complete, failed");
    let second = me.start(quizid).await;
    assert_eq!(second["attempt"], 2);
    me.answer_all(&second, plan, |_| true, true).await;
    let best = me
        .call(
            "mod_quiz_get_user_best_grade",
            &[("quizid", &quizid.to_string())],
        )
        .await;
    assert_eq!(best["grade"], 100.0);
}

#[tokio::test]
async fn the_attempt_limit_refuses_a_fourth_attempt_with_warnings() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, BASIC).await;
    let quiz = quizid.to_string();
    for number in 1..=3 {
        let attempt = me.start(quizid).await;
        assert_eq!(attempt["attempt"], number);
        // A second start while one is open is refused as Moodle does: the offline rule's
        // check first, then "continue the one in progress".
        let again = me
            .call("mod_quiz_start_attempt", &[("quizid", &quiz)])
            .await;
        assert_exception(
            &again,
            "Please check and confirm that you do not have any unsaved work.",
        );
        let again = me
            .call(
                "mod_quiz_start_attempt",
                &[("quizid", &quiz), CONFIRMED[0], CONFIRMED[1]],
            )
            .await;
        assert_exception(&again, "attemptstillinprogress");
        let id = attempt["id"].as_i64().expect("id").to_string();
        let done = me
            .call(
                "mod_quiz_process_attempt",
                &[
                    ("attemptid", &id),
                    ("finishattempt", "1"),
                    CONFIRMED[0],
                    CONFIRMED[1],
                ],
            )
            .await;
        assert_eq!(done["state"], "finished");
    }
    let (_, refused) = me
        .shaped(
            "mod_quiz_start_attempt",
            &[("quizid", &quiz)],
            fixture!("mod_quiz_start_attempt"),
        )
        .await;
    assert_eq!(refused["attempt"], json!({}));
    assert_eq!(refused["warnings"][0]["warningcode"], "1");
    assert_eq!(refused["warnings"][0]["item"], "quiz");
    assert_eq!(refused["warnings"][0]["itemid"], quizid);
    let (_, access) = me
        .shaped(
            "mod_quiz_get_attempt_access_information",
            &[("quizid", &quiz)],
            fixture!("mod_quiz_get_attempt_access_information"),
        )
        .await;
    assert_eq!(access["isfinished"], true);
    assert_eq!(strings(&access["preventnewattemptreasons"]).len(), 1);
    assert_eq!(access["endtime"], 0);
    let attempts = site
        .query_i64("SELECT COUNT(*) FROM quiz_attempts WHERE quiz = ?1", quizid)
        .await;
    assert_eq!(attempts, 3);
    // Unanswered, every question was given up: no marks.
    let best = me
        .call("mod_quiz_get_user_best_grade", &[("quizid", &quiz)])
        .await;
    assert_eq!(best["grade"], 0.0);
}

#[tokio::test]
async fn sequential_navigation_keeps_pages_ahead_blank_and_refuses_going_back() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, "iCROWN事業").await;
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id").to_string();
    let far = me.attempt_data(&id, "2").await;
    assert_exception(&far, "Out of sequence access");
    assert_eq!(far["message"], "quiz/Out of sequence access");
    let (_, summary) = me
        .shaped(
            "mod_quiz_get_attempt_summary",
            &[("attemptid", &id)],
            fixture!("mod_quiz_get_attempt_summary"),
        )
        .await;
    let questions = summary["questions"].as_array().expect("questions");
    assert_eq!(questions[0]["type"], "truefalse");
    for ahead in &questions[1..] {
        assert_eq!(
            (ahead["type"].as_str(), ahead["html"].as_str()),
            (Some(""), Some("")),
            "{ahead}"
        );
    }
    // Sequential: no count of unanswered questions.
    assert!(summary.get("totalunanswered").is_none());
    // The next page may be asked for, but its questions show only once the learner is on it
    // (`view_attempt`, as Moodle's `check_page_access(page, false)` has it); then the first
    // page is closed.
    let next = me.attempt_data(&id, "1").await;
    assert_eq!(next["questions"][0]["type"], "", "{next}");
    let moved = me.view_attempt(&id, "1").await;
    assert_eq!(moved["status"], true);
    let next = me.attempt_data(&id, "1").await;
    assert_eq!(next["questions"][0]["type"], "multichoice", "{next}");
    let back = me.attempt_data(&id, "0").await;
    assert_exception(&back, "Out of sequence access");
    let back = me.view_attempt(&id, "0").await;
    assert_exception(&back, "Out of sequence access");
    // A page already seen stays readable in the summary.
    let summary = me
        .call("mod_quiz_get_attempt_summary", &[("attemptid", &id)])
        .await;
    assert_eq!(summary["questions"][0]["type"], "truefalse");
    assert_eq!(summary["questions"][2]["type"], "");
}

#[tokio::test]
async fn an_essay_is_left_to_the_site_and_waits_for_its_grade() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let quizid = quiz_named(&site, "参加医療機関").await;
    let quiz = quizid.to_string();
    let types = me
        .call("mod_quiz_get_quiz_required_qtypes", &[("quizid", &quiz)])
        .await;
    assert_eq!(strings(&types["questiontypes"]), ["essay", "multichoice"]);
    let attempt = me.start(quizid).await;
    let id = attempt["id"].as_i64().expect("id");
    let questions = me.all_questions(id, 2).await;
    assert!(
        matches!(&questions[1].kind, QuestionKind::Unsupported { site_kind, reason: UnsupportedReason::Kind } if site_kind == "essay"),
        "{:?}",
        questions[1].kind
    );
    me.answer_all(&attempt, plan("参加医療機関"), |_| true, true)
        .await;
    let (text, review) = me.review(id).await;
    assert_eq!(review["grade"], json!(null), "{text}");
    assert_eq!(review["attempt"]["sumgrades"], json!(null));
    assert_eq!(review["questions"][1]["stateclass"], "requiresgrading");
    let best = me
        .call("mod_quiz_get_user_best_grade", &[("quizid", &quiz)])
        .await;
    assert_eq!(best["hasgrade"], false);
}

#[tokio::test]
async fn a_flag_posted_with_the_page_is_kept() {
    let site = Site::new().await;
    let me = Taker::new(&site, "learner1").await;
    let attempt = me.start(quiz_named(&site, BASIC).await).await;
    let id = attempt["id"].as_i64().expect("id");
    let usage = attempt["uniqueid"].as_i64().expect("usage");
    let flag = vec![(format!("q{usage}:3_:flagged"), "1".to_owned())];
    assert_eq!(me.process(id, &flag, false).await["state"], "inprogress");
    let (text, page) = me.page(id, 2).await;
    assert!(page.questions[0].flagged, "{text}");
    assert!(first_html(&text).contains(&format!(r#"name="q{usage}:3_:flagged" value="1""#)));
    // Only a flag: the response and its sequence check are as they were.
    assert_eq!(page.questions[0].sequence_check, 1);
    assert_eq!(
        page.questions[0].current_answer(),
        Some(Answer::Choices(Vec::new()))
    );
}
