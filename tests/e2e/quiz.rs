//! Tests (確認テスト) end to end: the app's quiz engine (`juko_core::quiz`, over `juko-moodle`'s
//! HTTP client) taking the seeded tests on the real demo server, with a real SQLite store on
//! disk, through a network that goes down and comes back.
//!
//! The learner here knows the right answers from the seed (`answer_key`), as a teacher would;
//! nothing the client received tells them.

use crate::util::{demo_server, now_ms, server_behind_proxy, signed_in_at, text};
use juko_core::quiz::{self, LocalAttempt, QuizSyncReport, Resolution, Submitted};
use juko_core::store::SqliteStore;
use juko_demo_server::seed::quizzes::{KeyAnswer, answer_key};
use juko_model::{
    ActivityKind, Answer, AttemptState, ChoiceKey, CourseId, LectureId, Question, QuestionKind,
    QuizOverview, QuizStatus,
};
use std::path::PathBuf;

const BASIC: &str = "臨床研究の基礎知識講座 確認テスト";
/// Timed (10 minutes), in facility B's course (learner2).
const ETHICS: &str = "研究倫理と研究公正 確認テスト";

/// A fresh SQLite file for one device of one test.
fn store_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-quiz");
    std::fs::create_dir_all(&dir).expect("store dir");
    let path = dir.join(format!("{name}-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// A learner's device: a session with the site at `url` and its own store on disk (also the
/// certificates' test's learner).
pub(crate) struct Device {
    pub(crate) session: juko_core::Session,
    pub(crate) store: SqliteStore,
    path: PathBuf,
}

impl Device {
    pub(crate) async fn new(url: &str, username: &str, name: &str) -> Device {
        let path = store_path(name);
        let session = signed_in_at(url, username).await;
        let store = SqliteStore::open(&path).expect("store");
        Device {
            session,
            store,
            path,
        }
    }

    /// The app killed and started again: every handle dropped without a word, the store
    /// reopened from its file, the session brought back from what was kept.
    pub(crate) fn restarted(self) -> Device {
        let saved = self.session.saved();
        let path = self.path.clone();
        drop(self);
        Device {
            session: juko_core::Session::restore(&saved).expect("restore"),
            store: SqliteStore::open(&path).expect("store reopens"),
            path,
        }
    }

    /// The test named `name` in the learner's courses: its course and module.
    async fn find(&self, name: &str) -> (CourseId, LectureId) {
        for course in self.session.courses().await.expect("courses") {
            let contents = self
                .session
                .course_contents(course.id)
                .await
                .expect("contents");
            for unit in &contents.units {
                if let Some(a) = unit
                    .activities
                    .iter()
                    .find(|a| a.kind == ActivityKind::Quiz && a.name == name)
                {
                    return (course.id, a.id);
                }
            }
        }
        panic!("no test {name} for this learner");
    }

    async fn overview(&self, name: &str) -> QuizOverview {
        let (course, module) = self.find(name).await;
        self.session
            .quiz_overview(course, module)
            .await
            .expect("the test's page")
    }

    pub(crate) async fn open(&self, name: &str) -> LocalAttempt {
        let overview = self.overview(name).await;
        quiz::open(&self.session, &self.store, &overview, now_ms())
            .await
            .expect("opens an attempt")
    }

    /// Sends the answers the site does not have yet.
    async fn save(&self, local: &LocalAttempt) -> juko_core::Result<LocalAttempt> {
        quiz::save(&self.session, &self.store, local.attempt.id, now_ms()).await
    }

    /// Submits the attempt; `time_up` when its countdown reached zero.
    pub(crate) async fn submit(
        &self,
        local: &LocalAttempt,
        time_up: bool,
    ) -> juko_core::Result<Submitted> {
        quiz::submit(
            &self.session,
            &self.store,
            local.attempt.id,
            time_up,
            now_ms(),
        )
        .await
    }

    /// The attempt as this device keeps it.
    fn held(&self, local: &LocalAttempt) -> LocalAttempt {
        quiz::resume(&self.store, local.attempt.id)
            .unwrap()
            .unwrap()
    }

    async fn sync(&self) -> QuizSyncReport {
        quiz::sync_attempts(&self.store, &self.session, now_ms())
            .await
            .expect("sync")
    }

    fn answer(&self, local: &LocalAttempt, slot: u32, answer: Answer) -> LocalAttempt {
        quiz::answer(&self.store, local.attempt.id, slot, &answer, now_ms()).expect("answer kept")
    }

    /// Answers `slots` as the key says (or wrongly, for the slots in `wrong`).
    pub(crate) fn answer_from_key(
        &self,
        mut local: LocalAttempt,
        name: &str,
        slots: impl IntoIterator<Item = u32>,
        wrong: &[u32],
    ) -> LocalAttempt {
        for slot in slots {
            let question = local.question(slot).expect("slot").clone();
            let answer = if wrong.contains(&slot) {
                wrong_answer(&question, name)
            } else {
                right_answer(&question, name)
            };
            local = self.answer(&local, slot, answer);
        }
        local
    }
}

fn key_for(question: &Question, name: &str) -> KeyAnswer {
    let shown = text(&question.text_html);
    answer_key(name)
        .expect("a seeded test")
        .into_iter()
        .find(|(t, _)| text(t) == shown)
        .unwrap_or_else(|| panic!("no key for {shown}"))
        .1
}

fn choice_labelled(question: &Question, label: &str) -> ChoiceKey {
    let choices = match &question.kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
            choices
        }
        other => panic!("not a choice question: {other:?}"),
    };
    choices
        .iter()
        .find(|c| text(&c.label_html).ends_with(label))
        .unwrap_or_else(|| panic!("no choice {label}"))
        .key
        .clone()
}

fn right_answer(question: &Question, name: &str) -> Answer {
    match key_for(question, name) {
        KeyAnswer::Choice(label) => Answer::Choice(Some(choice_labelled(question, label))),
        KeyAnswer::Choices(labels) => Answer::Choices(
            labels
                .iter()
                .map(|l| choice_labelled(question, l))
                .collect(),
        ),
        KeyAnswer::TrueFalse(b) => Answer::TrueFalse(Some(b)),
        KeyAnswer::Text(t) => Answer::Text(t.to_owned()),
        KeyAnswer::Essay => panic!("an essay has no right answer"),
    }
}

fn wrong_answer(question: &Question, name: &str) -> Answer {
    match (key_for(question, name), &question.kind) {
        (KeyAnswer::Choice(label), QuestionKind::SingleChoice { choices }) => {
            let right = choice_labelled(question, label);
            Answer::Choice(choices.iter().map(|c| c.key.clone()).find(|k| *k != right))
        }
        (KeyAnswer::Choices(_), _) => Answer::Choices(vec![]),
        (KeyAnswer::TrueFalse(b), _) => Answer::TrueFalse(Some(!b)),
        (KeyAnswer::Text(_), _) => Answer::Text("わからない".into()),
        (key, kind) => panic!("no wrong answer for {key:?} / {kind:?}"),
    }
}

fn slots(local: &LocalAttempt) -> Vec<u32> {
    local.questions.iter().map(|q| q.slot).collect()
}

async fn submit(device: &Device, local: &LocalAttempt) -> Submitted {
    device.submit(local, false).await.expect("submits")
}

#[tokio::test]
async fn a_test_is_answered_killed_resumed_submitted_reviewed_and_passed() {
    let server = demo_server().await;
    let device = Device::new(&server.url(), "learner1", "pass").await;
    let before = device.overview(BASIC).await;
    assert_eq!(before.status(), QuizStatus::NotAttempted);
    assert_eq!(before.attempts_left(), Some(3));
    assert_eq!(before.quiz.pass_grade, Some(80.0));
    assert!(before.quiz.offline_attempts);

    let local = device.open(BASIC).await;
    let all = slots(&local);
    assert_eq!(all.len(), 10);
    assert!(local.unanswered().len() == 10, "{:?}", local.unanswered());

    // The first half answered (one wrongly) and saved to the site as they go.
    let local = device.answer_from_key(local, BASIC, all[..5].iter().copied(), &[all[4]]);
    let local = device.save(&local).await.expect("saved");
    assert!(local.unsent.is_empty(), "{:?}", local.unsent);

    // The second half answered, then the app is killed before anything is sent.
    let local = device.answer_from_key(local, BASIC, all[5..].iter().copied(), &[]);
    let id = local.attempt.id;
    let answered: Vec<_> = local.questions.clone();
    let device = device.restarted();
    let resumed = quiz::resume(&device.store, id)
        .expect("reads")
        .expect("the attempt is on the device");
    assert_eq!(
        resumed.questions, answered,
        "every answer survived the kill"
    );
    assert_eq!(resumed.unsent, all[5..].to_vec());
    assert!(resumed.unanswered().is_empty());

    let Submitted::Finished(finished) = submit(&device, &resumed).await else {
        panic!("not finished");
    };
    assert_eq!(finished.state, AttemptState::Finished);

    // Nine of ten right: 90 of 100, over the pass mark of 80.
    let review = quiz::review(&device.session, &device.store, id, now_ms())
        .await
        .expect("review");
    assert_eq!(review.grade, Some(90.0));
    assert_eq!(review.questions.len(), 10);
    let after = device.overview(BASIC).await;
    assert_eq!(after.best_grade, Some(90.0));
    assert_eq!(after.status(), QuizStatus::Passed);
    assert_eq!(after.attempts_left(), Some(2));

    // The unit counts the test complete, as Moodle's completion does.
    let (course, module) = device.find(BASIC).await;
    let contents = device
        .session
        .course_contents(course)
        .await
        .expect("contents");
    let activity = contents
        .units
        .iter()
        .flat_map(|u| &u.activities)
        .find(|a| a.id == module)
        .expect("the test");
    assert_eq!(activity.completed, Some(true));
    server.shutdown().await;
}

#[tokio::test]
async fn the_last_attempt_allowed_is_the_last() {
    let server = demo_server().await;
    let device = Device::new(&server.url(), "learner2", "limit").await;
    for n in 1..=3 {
        let local = device.open(BASIC).await;
        assert_eq!(local.attempt.number, n);
        let local = device.answer_from_key(local, BASIC, [1], &[1]);
        assert!(matches!(
            submit(&device, &local).await,
            Submitted::Finished(_)
        ));
    }
    let overview = device.overview(BASIC).await;
    assert_eq!(overview.attempts_left(), Some(0));
    assert!(!overview.access.new_attempt_blocked.is_empty());
    assert_eq!(overview.status(), QuizStatus::NotPassed);
    let refused = quiz::open(&device.session, &device.store, &overview, now_ms())
        .await
        .expect_err("a fourth attempt");
    assert!(
        matches!(&refused, juko_core::Error::Refused(words) if !words.is_empty()),
        "{refused:?}"
    );
    assert_eq!(device.overview(BASIC).await.attempts.len(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn an_answer_changed_on_another_device_is_never_overwritten_blindly() {
    let server = demo_server().await;
    let phone = Device::new(&server.url(), "learner1", "stale-phone").await;
    let desk = Device::new(&server.url(), "learner1", "stale-desk").await;
    let local = phone.open(BASIC).await;
    let slot = local.questions[0].slot;
    // The phone answers question 1 but has not sent it when the desktop answers it too.
    let local = phone.answer_from_key(local, BASIC, [slot], &[]);
    let other = desk.open(BASIC).await;
    assert_eq!(other.attempt.id, local.attempt.id, "the same attempt");
    let other = desk.answer_from_key(other, BASIC, [slot], &[slot]);
    desk.save(&other).await.expect("the desktop saves");

    // The phone's copy of question 1 is stale: its answer is held back, nothing is finished.
    assert_eq!(
        submit(&phone, &local).await,
        Submitted::NeedsLook(vec![slot])
    );
    let overview = phone.overview(BASIC).await;
    assert!(overview.open_attempt().is_some(), "still open on the site");
    let held = phone.held(&local);
    assert_eq!(held.needs_look, vec![slot]);

    // The learner looks and keeps their answer: it is sent over the desktop's, then submitted.
    let kept = quiz::resolve(&phone.store, local.attempt.id, slot, Resolution::KeepMine)
        .expect("resolved");
    assert!(kept.needs_look.is_empty());
    assert!(matches!(
        submit(&phone, &kept).await,
        Submitted::Finished(_)
    ));
    let review = quiz::review(&phone.session, &phone.store, local.attempt.id, now_ms())
        .await
        .expect("review");
    // Only question 1 answered, and answered right (the phone's answer won): 1 of 10.
    assert_eq!(review.grade, Some(10.0));
    server.shutdown().await;
}

#[tokio::test]
async fn a_timed_test_counts_down_and_is_submitted_by_the_sites_rule() {
    let server = demo_server().await;
    let device = Device::new(&server.url(), "learner2", "timed").await;
    let overview = device.overview(ETHICS).await;
    assert_eq!(overview.quiz.time_limit_secs, Some(600));
    assert!(!overview.quiz.offline_attempts, "timed tests need the site");

    // First attempt: the countdown reaches zero and the app submits at once, with an answer
    // made after the last save. Within the site's grace for the network, it counts.
    let local = device.open(ETHICS).await;
    let deadline = local.attempt.deadline.expect("a deadline");
    assert_eq!(deadline, local.attempt.started_at + 600);
    let all = slots(&local);
    let local = device.answer_from_key(local, ETHICS, all[..2].iter().copied(), &[]);
    device.save(&local).await.expect("saved");
    let local = device.answer_from_key(local, ETHICS, [all[2]], &[]);
    server.advance_clock(600);
    let submitted = device
        .submit(&local, true)
        .await
        .expect("submitted at time up");
    assert!(matches!(submitted, Submitted::Finished(_)), "{submitted:?}");
    assert_eq!(device.overview(ETHICS).await.best_grade, Some(60.0));

    // Second attempt: the app is away when time runs out. The site finishes the attempt by
    // its rule, with what it had at the deadline (the one saved answer); the answer the app
    // still held is not sent over it, and stays visible on the device.
    let local = device.open(ETHICS).await;
    assert_eq!(local.attempt.number, 2);
    let all = slots(&local);
    let local = device.answer_from_key(local, ETHICS, [all[0]], &[]);
    device.save(&local).await.expect("saved");
    let local = device.answer_from_key(local, ETHICS, [all[1]], &[]);
    server.advance_clock(15 * 60);
    let after = device.overview(ETHICS).await;
    let attempt = after.attempts.last().expect("the attempt");
    assert_eq!(attempt.state, AttemptState::Finished);
    assert_eq!(attempt.grade, Some(20.0));
    let submitted = device.submit(&local, true).await.expect("answered");
    assert!(
        matches!(submitted, Submitted::ClosedOnSite(_)),
        "{submitted:?}"
    );
    let held = device.held(&local);
    assert_eq!(held.unsent, vec![all[1]]);
    // The best of the two stands.
    assert_eq!(device.overview(ETHICS).await.best_grade, Some(60.0));
    server.shutdown().await;
}

#[tokio::test]
async fn a_test_answered_offline_is_submitted_when_the_network_returns() {
    let (server, proxy) = server_behind_proxy().await;
    let device = Device::new(&proxy.url(), "learner1", "offline").await;
    let local = device.open(BASIC).await;
    let all = slots(&local);

    proxy.set_offline(true);
    let local = device.answer_from_key(local, BASIC, all.iter().copied(), &[]);
    let offline = device.save(&local).await;
    assert!(
        matches!(offline, Err(juko_core::Error::Unreachable(_))),
        "{offline:?}"
    );
    assert_eq!(submit(&device, &local).await, Submitted::Queued);
    // Killed while offline: everything is still there, submission queued.
    let device = device.restarted();
    let held = device.held(&local);
    assert!(held.finish_queued);
    assert_eq!(held.unsent, all);

    proxy.set_offline(false);
    let report = device.sync().await;
    assert_eq!(report.finished.len(), 1, "{report:?}");
    assert_eq!(report.sent, 10, "{report:?}");
    let after = device.overview(BASIC).await;
    assert_eq!(after.best_grade, Some(100.0));
    assert_eq!(after.status(), QuizStatus::Passed);
    proxy.stop();
    server.shutdown().await;
}

#[tokio::test]
async fn a_timed_test_is_not_submitted_offline_and_loses_nothing() {
    let (server, proxy) = server_behind_proxy().await;
    let device = Device::new(&proxy.url(), "learner2", "timed-offline").await;
    let local = device.open(ETHICS).await;
    let slot = local.questions[0].slot;
    proxy.set_offline(true);
    let local = device.answer_from_key(local, ETHICS, [slot], &[]);
    let refused = device
        .submit(&local, false)
        .await
        .expect_err("needs the site");
    assert!(refused.is_retryable(), "{refused:?}");
    let held = device.held(&local);
    assert!(!held.finish_queued);
    assert_eq!(held.unsent, vec![slot]);

    proxy.set_offline(false);
    assert!(matches!(
        submit(&device, &held).await,
        Submitted::Finished(_)
    ));
    assert_eq!(device.overview(ETHICS).await.best_grade, Some(20.0));
    proxy.stop();
    server.shutdown().await;
}

#[tokio::test]
async fn an_attempt_finished_on_another_device_meanwhile_is_not_submitted_again() {
    let (server, proxy) = server_behind_proxy().await;
    let phone = Device::new(&proxy.url(), "learner1", "elsewhere-phone").await;
    let desk = Device::new(&server.url(), "learner1", "elsewhere-desk").await;
    let local = phone.open(BASIC).await;
    let all = slots(&local);
    proxy.set_offline(true);
    let local = phone.answer_from_key(local, BASIC, all[..3].iter().copied(), &[]);
    assert_eq!(submit(&phone, &local).await, Submitted::Queued);

    // Meanwhile the learner finishes the same attempt on the desktop, answering nothing.
    let other = desk.open(BASIC).await;
    assert_eq!(other.attempt.id, local.attempt.id);
    assert!(matches!(
        submit(&desk, &other).await,
        Submitted::Finished(_)
    ));

    proxy.set_offline(false);
    let report = phone.sync().await;
    assert!(report.finished.is_empty(), "{report:?}");
    assert_eq!(report.closed_on_site.len(), 1, "{report:?}");
    // The phone still shows what the site never got.
    let held = phone.held(&local);
    assert!(held.closed_on_site.is_some());
    assert_eq!(held.unsent, all[..3].to_vec());
    let after = phone.overview(BASIC).await;
    assert_eq!(after.attempts.len(), 1);
    assert_eq!(after.best_grade, Some(0.0));
    proxy.stop();
    server.shutdown().await;
}

#[tokio::test]
async fn continuing_from_an_old_page_an_attempt_finished_elsewhere_shows_what_was_not_sent() {
    let server = demo_server().await;
    let phone = Device::new(&server.url(), "learner1", "stale-phone").await;
    let tablet = Device::new(&server.url(), "learner1", "stale-tablet").await;
    let desk = Device::new(&server.url(), "learner1", "stale-desk").await;
    // The phone answers two questions (kept on it, not sent yet); the tablet only opened it.
    let local = phone.open(BASIC).await;
    let all = slots(&local);
    let local = phone.answer_from_key(local, BASIC, all[..2].iter().copied(), &[]);
    let held = tablet.open(BASIC).await;
    assert_eq!(held.attempt.id, local.attempt.id);
    // The test's page as both last had it: the attempt there to continue.
    let old_page = phone.overview(BASIC).await;
    assert!(old_page.open_attempt().is_some());

    let other = desk.open(BASIC).await;
    assert!(matches!(
        submit(&desk, &other).await,
        Submitted::Finished(_)
    ));

    // Continuing from the old page: the site's refusal is understood, not passed on.
    let shown = quiz::open(&phone.session, &phone.store, &old_page, now_ms())
        .await
        .expect("the device's copy is shown");
    assert!(shown.closed_on_site.is_some(), "{shown:?}");
    assert_eq!(shown.unsent, all[..2].to_vec(), "what the site never got");
    // With nothing unsent, the copy is let go and the refusal says the attempt is closed.
    let e = quiz::open(&tablet.session, &tablet.store, &old_page, now_ms())
        .await
        .expect_err("closed");
    assert!(matches!(e, juko_core::Error::NotAvailable(_)), "{e:?}");
    assert_eq!(quiz::resume(&tablet.store, held.attempt.id).unwrap(), None);
    server.shutdown().await;
}

#[tokio::test]
async fn a_flag_set_on_one_device_is_on_the_site_and_on_another() {
    let server = demo_server().await;
    let phone = Device::new(&server.url(), "learner1", "flag-phone").await;
    let desk = Device::new(&server.url(), "learner1", "flag-desk").await;
    let local = phone.open(BASIC).await;
    let (answered, unanswered) = (local.questions[0].slot, local.questions[1].slot);
    // One flag on an answered question, one on a question not answered at all.
    let local = phone.answer_from_key(local, BASIC, [answered], &[]);
    for slot in [answered, unanswered] {
        quiz::flag(&phone.store, local.attempt.id, slot, true, now_ms()).expect("flag kept");
    }
    let saved = phone.save(&local).await.expect("saved");
    assert!(saved.unsent.is_empty(), "{:?}", saved.unsent);

    let other = desk.open(BASIC).await;
    let flagged: Vec<u32> = other
        .questions
        .iter()
        .filter(|q| q.flagged)
        .map(|q| q.slot)
        .collect();
    assert_eq!(flagged, vec![answered, unanswered]);
    assert!(!other.question(unanswered).unwrap().state.is_answered());
    server.shutdown().await;
}
