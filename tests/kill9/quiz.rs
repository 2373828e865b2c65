//! Kill -9 while taking a test: a probe client resumes an attempt of the basic unit's test
//! (offline allowed) from its SQLite file, answers and flags questions, now and then saves to
//! the site, and is killed at random moments, during answering and during the save, and (a
//! few) once the site took a save whose reply is held back (`hold_proxy.rs`). Afterwards
//! (`answers.rs`): the device's copy shows for every question exactly the last acknowledged
//! answer and flag; after a final save the site holds the same; the attempt, submitted, is
//! graded from them; and no question was ever held for a look (only this device answered: its
//! own save whose reply it never heard is no other device's change). A fault run (an answer
//! acknowledged, never stored) must be named.

use crate::answers::{AnswerLedger, Findings, Shown};
use crate::hold_proxy::HoldProxy;
use crate::util::{now_ms, text};
use crate::{Lcg, arg, say, spawn_probe};
use juko_core::quiz::{self, QuizRemote, Submitted};
use juko_core::store::SqliteStore;
use juko_demo_server::seed::quizzes::{KeyAnswer, answer_key};
use juko_model::{
    ActivityKind, Answer, AttemptId, AttemptReview, Outcome, Question, QuestionKind, QuestionState,
};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

/// Ten questions, offline attempts allowed, free navigation, pass mark 80 %.
const BASIC: &str = "臨床研究の基礎知識講座 確認テスト";

/// 20 kills, half of them in processes that save to the site: nothing lost, on the device or
/// on the site, and the attempt graded from what was acknowledged.
pub(crate) fn kill9_loses_no_answer() {
    const ROUNDS: u64 = 20;
    let run = QuizRun::new(ROUNDS, false);
    // Only this device answered: nothing may pass for another device's change, not even a
    // save of its own the site took while the probe was killed before hearing back.
    assert_eq!(
        (run.needed_look, run.ledger.saves_with_looks),
        (0, 0),
        "questions marked as changed elsewhere (at the end, and saves leaving one), in a run \
         where only this device answered"
    );
    assert!(
        run.findings.is_clean(),
        "the kills cost answers:\n{}",
        run.findings
    );
    // A run that proved nothing would also be clean.
    assert!(run.ledger.acknowledged() >= ROUNDS as usize && run.ledger.saves > 0);
    assert_eq!(run.unsent_at_end, 0, "the final save sent everything");
    let review = run.review.as_ref().expect("submitted");
    let key = answer_key(BASIC).expect("the seeded test");
    let graded = graded(review, run.max_grade, &run.site, &key).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "kill9 (test answers): {ROUNDS} kills (half of them in processes saving, {} while a save \
         was under way, {} of them after the site took it; {} saves completed before the kills, \
         none leaving a question to look at), {} changes acknowledged, {} more cut by a kill; \
         graded {graded}",
        run.ledger.killed_saving,
        run.killed_after_the_site_took,
        run.ledger.saves,
        run.ledger.acknowledged(),
        run.ledger.unacknowledged(),
    );
}

/// A probe that acknowledges one answer without storing it: the check names exactly that
/// question, on the device and on the site.
pub(crate) fn check_names_a_dropped_answer() {
    let run = QuizRun::new(3, true);
    let [fault] = run.ledger.faults.as_slice() else {
        panic!("one fault expected, got {:?}", run.ledger.faults);
    };
    let slot: u32 = fault
        .strip_prefix("dropped ")
        .and_then(|rest| rest.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("the fault names its question");
    let named = |m: &BTreeMap<u32, String>| m.keys().copied().collect::<Vec<_>>();
    assert_eq!(named(&run.findings.device), [slot], "{}", run.findings);
    assert_eq!(named(&run.findings.site), [slot], "{}", run.findings);
    assert!(run.findings.malformed.is_empty(), "{}", run.findings);
}

/// The client: resumes the attempt from `--store`, makes one change after another from change
/// number `--first-change` on, printing `CHANGE n slot …` before each store commit and `ACK n`
/// after it (see `answers.rs`), and (in save mode) saves to the site now and then.
pub(crate) fn probe(args: &[String]) {
    let store = SqliteStore::open(Path::new(arg(args, "--store"))).expect("store");
    let attempt = AttemptId(arg(args, "--attempt").parse().expect("attempt"));
    let mut rng = Lcg(arg(args, "--seed").parse().expect("seed"));
    let mut n: u64 = arg(args, "--first-change").parse().expect("change");
    let mut drop_one = arg(args, "--fault") == "drop";
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let session = (arg(args, "--mode") == "save").then(|| {
        runtime
            .block_on(juko_core::sign_in(
                arg(args, "--site"),
                arg(args, "--username"),
                arg(args, "--password"),
            ))
            .expect("signs in")
    });
    let key = answer_key(BASIC).expect("the seeded test");
    let mut local = quiz::resume(&store, attempt)
        .expect("reads")
        .expect("the attempt is kept");
    // The question whose answer the fault dropped: left alone afterwards, so the loss shows.
    let mut dropped = None;
    loop {
        let question = if drop_one {
            short_answer(&local.questions)
        } else {
            let left: Vec<&Question> = local
                .questions
                .iter()
                .filter(|q| Some(q.slot) != dropped)
                .collect();
            left[rng.below(left.len() as u64) as usize]
        }
        .clone();
        let slot = question.slot;
        if drop_one {
            drop_one = false;
            dropped = Some(slot);
            let answer = Answer::Text(format!("こたえ{n}"));
            say(&format!("CHANGE {n} {slot} answer {}", json(&answer)));
            say(&format!("FAULT dropped {n} {slot}"));
        } else if rng.below(4) == 0 {
            let flagged = !question.flagged;
            say(&format!("CHANGE {n} {slot} flag {flagged}"));
            local = quiz::flag(&store, attempt, slot, flagged, now_ms()).expect("flag kept");
        } else {
            let answer = answer_for(&question, n, &key);
            say(&format!("CHANGE {n} {slot} answer {}", json(&answer)));
            local = quiz::answer(&store, attempt, slot, &answer, now_ms()).expect("answer kept");
        }
        say(&format!("ACK {n}"));
        n += 1;
        if let Some(session) = &session
            && rng.below(4) == 0
        {
            say("SAVING");
            local = runtime
                .block_on(quiz::save(session, &store, attempt, now_ms()))
                .expect("saves");
            say(&format!(
                "SAVED {} {}",
                local.unsent.len(),
                local.needs_look.len()
            ));
        }
    }
}

/// Change `n`'s answer to `question`: choices rotating, true and false in turn, a numbered text
/// (every third time the accepted one), so answers change and are sometimes right.
fn answer_for(question: &Question, n: u64, key: &[(&str, KeyAnswer)]) -> Answer {
    match &question.kind {
        QuestionKind::SingleChoice { choices } => Answer::Choice(Some(
            choices[(n % choices.len() as u64) as usize].key.clone(),
        )),
        QuestionKind::MultipleChoice { choices } => {
            let mask = n % (1 << choices.len());
            Answer::Choices(
                choices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, c)| c.key.clone())
                    .collect(),
            )
        }
        QuestionKind::TrueFalse { .. } => Answer::TrueFalse(Some(n.is_multiple_of(2))),
        QuestionKind::ShortAnswer { .. } => match key_for(question, key) {
            KeyAnswer::Text(right) if n.is_multiple_of(3) => Answer::Text((*right).to_owned()),
            _ => Answer::Text(format!("こたえ{n}")),
        },
        QuestionKind::Unsupported { .. } => panic!("the basic test has only supported questions"),
    }
}

fn short_answer(questions: &[Question]) -> &Question {
    questions
        .iter()
        .find(|q| matches!(q.kind, QuestionKind::ShortAnswer { .. }))
        .expect("the basic test has a short-answer question")
}

fn json(answer: &Answer) -> String {
    serde_json::to_string(answer).expect("an answer serializes")
}

/// What each question shows: its answer (as JSON) and flag.
fn shown<'a>(questions: impl IntoIterator<Item = &'a Question>) -> BTreeMap<u32, Shown> {
    questions
        .into_iter()
        .map(|q| {
            let answer = q.current_answer().expect("a supported question");
            (
                q.slot,
                Shown {
                    answer: json(&answer),
                    flagged: q.flagged,
                },
            )
        })
        .collect()
}

/// One proof run: a demo server, an attempt opened into a store file, `rounds` probes killed
/// in turn, a final save, the check; then (without a fault) the attempt submitted and reviewed.
struct QuizRun {
    ledger: AnswerLedger,
    findings: Findings,
    /// What the site held after the final save.
    site: BTreeMap<u32, Shown>,
    needed_look: usize,
    /// Probes killed with the site's reply to their save held back.
    killed_after_the_site_took: usize,
    unsent_at_end: usize,
    review: Option<AttemptReview>,
    /// The test's grade for all questions right.
    max_grade: f64,
}

impl QuizRun {
    /// With `fault`, the last probe drops its first answer (and the attempt is not submitted).
    fn new(rounds: u64, fault: bool) -> QuizRun {
        let dir =
            std::env::temp_dir().join(format!("juko-kill9-quiz-{}", juko_core::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run = QuizRun::in_dir(&dir, rounds, fault);
        std::fs::remove_dir_all(dir).ok();
        run
    }

    fn in_dir(dir: &Path, rounds: u64, fault: bool) -> QuizRun {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime
            .block_on(juko_demo_server::Server::start(crate::util::test_config()))
            .expect("server");
        let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
        let store_path = dir.join("quiz.sqlite3");
        let (session, start) = runtime.block_on(async {
            let session = juko_core::sign_in(&server.url(), learner.username, learner.password)
                .await
                .expect("signs in");
            let overview = overview(&session).await;
            assert!(overview.quiz.offline_attempts, "{BASIC} allows offline");
            let store = SqliteStore::open(&store_path).expect("store");
            let local = quiz::open(&session, &store, &overview, now_ms())
                .await
                .expect("opens an attempt");
            (session, local)
        });
        let attempt = start.attempt.id;
        assert_eq!(start.questions.len(), 10);

        let upstream = server.url().trim_start_matches("http://").parse().unwrap();
        let proxy = HoldProxy::start(&runtime, upstream);
        let mut rng = Lcg(0x0a75);
        let mut ledger = AnswerLedger::new(&shown(&start.questions));
        let mut killed_after_the_site_took = 0;
        for round in 0..rounds {
            let mode = if round % 2 == 0 { "answer" } else { "save" };
            let fault = if fault && round + 1 == rounds {
                "drop"
            } else {
                "none"
            };
            // How the probe is killed (see below).
            let (in_a_save, reply_held) = (round % 4 == 1, round % 4 == 3);
            let site = if reply_held {
                proxy.arm();
                proxy.url()
            } else {
                server.url()
            };
            let mut child = spawn_probe(
                &store_path,
                &site,
                learner,
                &[
                    "--quiz",
                    "--mode",
                    mode,
                    "--seed",
                    &round.to_string(),
                    "--fault",
                    fault,
                    "--first-change",
                    &ledger.next_change().to_string(),
                    "--attempt",
                    &attempt.0.to_string(),
                ],
            );
            // Kill after a random number of acknowledged changes, so the kill lands anywhere
            // in the answer/save loop (mid-transaction, mid-request, between the two); in
            // half the saving probes, once a save has begun, so some kills surely land in one
            // (at a random point of it, or just after): in one of those, the site's reply to
            // the save is held back, and the kill lands after the site took the answers and
            // before the device heard.
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let target = if reply_held { 0 } else { 1 + rng.below(30) };
            let mut acks = 0;
            loop {
                let Some(Ok(line)) = lines.next() else {
                    panic!(
                        "probe {round} stopped by itself after {acks} changes: {:?}",
                        child.wait()
                    );
                };
                acks += u64::from(line.starts_with("ACK "));
                ledger.take(&line);
                if acks >= target && (!(in_a_save || reply_held) || line == "SAVING") {
                    break;
                }
            }
            if reply_held {
                proxy.wait_held();
                killed_after_the_site_took += 1;
            } else {
                std::thread::sleep(Duration::from_millis(rng.below(30)));
            }
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            for line in lines.map_while(Result::ok) {
                ledger.take(&line);
            }
            ledger.end_of_probe();
        }

        // (1) The device's copy, as the app shows it after the kills.
        let store = SqliteStore::open(&store_path).expect("reopens after the kills");
        let held = quiz::resume(&store, attempt)
            .expect("reads")
            .expect("the attempt is still kept");
        let device = shown(&held.questions);
        // (2) The final save, and the site's pages read back.
        let saved = runtime
            .block_on(quiz::save(&session, &store, attempt, now_ms()))
            .expect("final save");
        // A kill mid-save can leave an answer the site took with the device not knowing; the
        // device remembers what it sent, so a later answer to that question is no conflict.
        // Counted here (those the kills left, and any the final save found), failed by the
        // caller: a question held for a look is not sent, and the attempt not submitted.
        let needed_look = saved.needs_look.len();
        let site_questions = runtime.block_on(site_pages(&session, attempt));
        let site = shown(&site_questions);
        let findings = crate::answers::check(&ledger, &device, &site);
        let review = (!fault && needed_look == 0).then(|| {
            runtime.block_on(async {
                let submitted = quiz::submit(&session, &store, attempt, false, now_ms())
                    .await
                    .expect("submits");
                assert!(matches!(submitted, Submitted::Finished(_)), "{submitted:?}");
                quiz::review(&session, &store, attempt, now_ms())
                    .await
                    .expect("review")
            })
        });
        proxy.stop();
        runtime.block_on(server.shutdown());
        QuizRun {
            killed_after_the_site_took,
            ledger,
            findings,
            site,
            needed_look,
            unsent_at_end: saved.unsent.len(),
            review,
            max_grade: start.quiz.max_grade,
        }
    }
}

/// The basic unit's test as the site shows it to the learner.
async fn overview(session: &juko_core::Session) -> juko_model::QuizOverview {
    for course in session.courses().await.expect("courses") {
        let contents = session.course_contents(course.id).await.expect("contents");
        let found = contents
            .units
            .iter()
            .flat_map(|u| &u.activities)
            .find(|a| a.kind == ActivityKind::Quiz && a.name == BASIC);
        if let Some(a) = found {
            return session
                .quiz_overview(course.id, a.id)
                .await
                .expect("the test's page");
        }
    }
    panic!("no test {BASIC} for learner1");
}

/// Every question of the attempt as the site's pages show it now.
async fn site_pages(session: &juko_core::Session, attempt: AttemptId) -> Vec<Question> {
    let mut questions = Vec::new();
    let mut page = Some(0);
    while let Some(p) = page {
        let got = session.attempt_page(attempt, p).await.expect("a page");
        questions.extend(got.questions);
        page = got.next_page.filter(|next| *next > p);
    }
    questions
}

/// Whether the review shows the answers the site held and marks each as the key says, and the
/// grade is theirs: one mark per question (a partly right multiple choice somewhere between).
/// Says how it was graded.
fn graded(
    review: &AttemptReview,
    max_grade: f64,
    site: &BTreeMap<u32, Shown>,
    key: &[(&str, KeyAnswer)],
) -> Result<String, String> {
    let answers: BTreeMap<u32, String> = shown(&review.questions)
        .into_iter()
        .map(|(slot, s)| (slot, s.answer))
        .collect();
    let held: BTreeMap<u32, String> = site
        .iter()
        .map(|(slot, s)| (*slot, s.answer.clone()))
        .collect();
    if answers != held {
        return Err(format!(
            "the review shows other answers than the site held:\n{answers:?}\n{held:?}"
        ));
    }
    let (mut right, mut partly) = (0.0, 0.0);
    for q in &review.questions {
        let want = marked(q, key_for(q, key));
        let got = match q.state {
            QuestionState::Graded(o) => Some(o),
            QuestionState::NotAnswered => None,
            other => return Err(format!("question {} is {other:?} in the review", q.slot)),
        };
        if got != want {
            return Err(format!(
                "question {} is marked {got:?}, its answer {} is {want:?}",
                q.slot, answers[&q.slot]
            ));
        }
        match want {
            Some(Outcome::Correct) => right += 1.0,
            Some(Outcome::PartiallyCorrect) => partly += 1.0,
            _ => {}
        }
    }
    let scale = max_grade / review.questions.len() as f64;
    let grade = review.grade.ok_or("the review shows no grade")?;
    let (low, high) = (right * scale, (right + partly) * scale);
    let fits = if partly == 0.0 {
        (grade - low).abs() < 1e-6
    } else {
        low < grade && grade < high
    };
    if !fits {
        return Err(format!(
            "graded {grade}, while {right} right and {partly} partly right give {low}..{high}"
        ));
    }
    Ok(format!("{grade} ({right} right, {partly} partly)"))
}

/// How the site should mark `question`'s answer, by the key: `None` for no answer. A multiple
/// choice with any wrong choice ticked is wrong: the seed's wrong choices each take a whole mark.
fn marked(question: &Question, key: &KeyAnswer) -> Option<Outcome> {
    let right = |yes: bool| {
        Some(if yes {
            Outcome::Correct
        } else {
            Outcome::Incorrect
        })
    };
    match (&question.kind, key) {
        (QuestionKind::SingleChoice { choices }, KeyAnswer::Choice(label)) => {
            let chosen = choices.iter().find(|c| c.selected)?;
            right(text(&chosen.label_html).ends_with(label))
        }
        (QuestionKind::MultipleChoice { choices }, KeyAnswer::Choices(labels)) => {
            let ticked: BTreeSet<String> = choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| text(&c.label_html))
                .collect();
            let is_right = |t: &String| labels.iter().any(|l| t.ends_with(l));
            if ticked.is_empty() {
                None
            } else if !ticked.iter().all(is_right) {
                Some(Outcome::Incorrect)
            } else if ticked.len() == labels.len() {
                Some(Outcome::Correct)
            } else {
                Some(Outcome::PartiallyCorrect)
            }
        }
        (QuestionKind::TrueFalse { answer }, KeyAnswer::TrueFalse(b)) => right((*answer)? == *b),
        (QuestionKind::ShortAnswer { answer }, KeyAnswer::Text(t)) => {
            if answer.trim().is_empty() {
                None
            } else {
                right(answer.trim() == *t)
            }
        }
        (kind, key) => panic!("the key {key:?} does not fit {kind:?}"),
    }
}

fn key_for<'k>(question: &Question, key: &'k [(&str, KeyAnswer)]) -> &'k KeyAnswer {
    let shown = text(&question.text_html);
    &key.iter()
        .find(|(t, _)| text(t) == shown)
        .unwrap_or_else(|| panic!("no key for {shown}"))
        .1
}

/// The grading check's own tests: a review it must pass, and each kind of wrong grading it
/// must name.
pub(crate) mod tests {
    use super::*;
    use juko_model::{Attempt, AttemptState, Choice, ChoiceKey, QuizId};

    fn key() -> Vec<(&'static str, KeyAnswer)> {
        vec![
            ("<p>一</p>", KeyAnswer::Choice("甲")),
            ("<p>二</p>", KeyAnswer::Choices(vec!["甲", "乙"])),
            ("<p>三</p>", KeyAnswer::Text("交絡")),
        ]
    }

    fn choices(ticked: &[&str]) -> Vec<Choice> {
        ["甲", "乙", "丙"]
            .iter()
            .enumerate()
            .map(|(i, label)| Choice {
                key: ChoiceKey(i.to_string()),
                numbering: None,
                label_html: format!("<span>{label}</span>"),
                selected: ticked.contains(label),
                outcome: None,
            })
            .collect()
    }

    fn question(slot: u32, text: &str, kind: QuestionKind, state: QuestionState) -> Question {
        Question {
            slot,
            number: Some(slot.to_string()),
            text_html: text.into(),
            kind,
            state,
            status: String::new(),
            flagged: false,
            sequence_check: 2,
            read_only: true,
            feedback_html: None,
        }
    }

    /// Question 1 right, 2 partly (one of its two right choices), 3 wrong: 1 to 2 marks of 3,
    /// on a test out of 30.
    fn review(grade: f64) -> AttemptReview {
        let graded = |o| QuestionState::Graded(o);
        AttemptReview {
            attempt: Attempt {
                id: AttemptId(1),
                quiz: QuizId(1),
                number: 1,
                usage: 1,
                state: AttemptState::Finished,
                started_at: 0,
                finished_at: Some(1),
                deadline: None,
                pages: vec![vec![1, 2, 3]],
                current_page: 0,
                grade: Some(grade),
            },
            grade: Some(grade),
            questions: vec![
                question(
                    1,
                    "<p>一</p>",
                    QuestionKind::SingleChoice {
                        choices: choices(&["甲"]),
                    },
                    graded(Outcome::Correct),
                ),
                question(
                    2,
                    "<p>二</p>",
                    QuestionKind::MultipleChoice {
                        choices: choices(&["乙"]),
                    },
                    graded(Outcome::PartiallyCorrect),
                ),
                question(
                    3,
                    "<p>三</p>",
                    QuestionKind::ShortAnswer {
                        answer: "こたえ7".into(),
                    },
                    graded(Outcome::Incorrect),
                ),
            ],
            feedback_html: None,
        }
    }

    pub(crate) fn passes_a_review_graded_from_the_answers() {
        let r = review(15.0);
        let site = shown(&r.questions);
        let got = graded(&r, 30.0, &site, &key());
        assert_eq!(got.as_deref(), Ok("15 (1 right, 1 partly)"));
        // Without the partly right question, the grade is exact.
        let mut r = review(10.0);
        r.questions.remove(1);
        let site = shown(&r.questions);
        assert_eq!(
            graded(&r, 20.0, &site, &key()).as_deref(),
            Ok("10 (1 right, 0 partly)")
        );
    }

    pub(crate) fn names_a_grade_not_from_the_answers() {
        let r = review(15.0);
        let site = shown(&r.questions);
        // A grade outside what the marks give.
        let e = graded(&review(25.0), 30.0, &site, &key()).unwrap_err();
        assert!(e.starts_with("graded 25"), "{e}");
        // A question marked otherwise than its answer deserves.
        let mut r = review(15.0);
        r.questions[2].state = QuestionState::Graded(Outcome::Correct);
        let e = graded(&r, 30.0, &site, &key()).unwrap_err();
        assert!(e.starts_with("question 3 is marked Some(Correct)"), "{e}");
        // A ticked wrong choice makes the multiple choice wrong, not partly right.
        let mut r = review(15.0);
        r.questions[1].kind = QuestionKind::MultipleChoice {
            choices: choices(&["乙", "丙"]),
        };
        let site = shown(&r.questions);
        assert!(
            graded(&r, 30.0, &site, &key())
                .unwrap_err()
                .starts_with("question 2")
        );
        // A review showing another answer than the site held.
        let r = review(15.0);
        let mut site = shown(&r.questions);
        site.get_mut(&3).unwrap().answer = json(&Answer::Text("交絡".into()));
        let e = graded(&r, 30.0, &site, &key()).unwrap_err();
        assert!(e.starts_with("the review shows other answers"), "{e}");
    }
}
