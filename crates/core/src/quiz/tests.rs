//! The engine against a site in memory: it grades nothing; it keeps attempts, their answers
//! and sequence checks, and can be made to fail (offline, refusing, a reply lost, another
//! device's changes).

use super::local::with_answer;
use super::*;
use crate::Error;
use crate::Result;
use crate::store::{KvStore, MemoryKv, Store};
use crate::test_events::block_on;
use crate::test_quiz::{attempt, question, quiz};
use juko_model::{
    Answer, Attempt, AttemptId, AttemptPage, AttemptReview, AttemptState, ChoiceKey, CourseId,
    LectureId, Navigation, Question, QuestionState, Quiz, QuizAccess, QuizId, QuizOverview,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// One send the site took: the attempt, each (slot, answer), and whether it finished it.
type Taken = (AttemptId, Vec<(u32, Answer)>, bool);

/// Something another task does while the site answers a fetch.
type DuringFetch<'a> = Box<dyn FnOnce(&FakeSite<'a>) + 'a>;

struct SiteAttempt {
    attempt: Attempt,
    questions: Vec<Question>,
}

/// A site in memory.
struct FakeSite<'a> {
    quiz: Quiz,
    attempts: RefCell<Vec<SiteAttempt>>,
    offline: Cell<bool>,
    /// Answers to sends with this error (the site refusing for a reason of its own).
    refuse: RefCell<Option<Error>>,
    /// Takes a send, then the reply is lost on the way back.
    lose_reply: Cell<bool>,
    /// Runs while a send is under way (the learner answering meanwhile).
    during_send: RefCell<Option<Box<dyn FnOnce() + 'a>>>,
    /// Runs once a page is read, before it is returned (something else sent meanwhile).
    during_fetch: RefCell<Option<DuringFetch<'a>>>,
    /// Every send the site took: attempt, (slot, answer) pairs, finish.
    taken: RefCell<Vec<Taken>>,
    /// Every page fetched.
    pages_fetched: Cell<usize>,
}

impl<'a> FakeSite<'a> {
    fn new(offline_attempts: bool) -> FakeSite<'a> {
        FakeSite {
            quiz: quiz(offline_attempts),
            attempts: RefCell::default(),
            offline: Cell::new(false),
            refuse: RefCell::default(),
            lose_reply: Cell::new(false),
            during_send: RefCell::default(),
            during_fetch: RefCell::default(),
            taken: RefCell::default(),
            pages_fetched: Cell::new(0),
        }
    }

    fn reach(&self) -> Result<()> {
        if self.offline.get() {
            return Err(Error::Unreachable("offline".into()));
        }
        Ok(())
    }

    fn overview(&self) -> QuizOverview {
        QuizOverview {
            quiz: self.quiz.clone(),
            access: QuizAccess::default(),
            attempts: self
                .attempts
                .borrow()
                .iter()
                .map(|a| a.attempt.clone())
                .collect(),
            best_grade: None,
        }
    }

    fn with_attempt<T>(&self, id: AttemptId, f: impl FnOnce(&mut SiteAttempt) -> T) -> T {
        let mut all = self.attempts.borrow_mut();
        f(all
            .iter_mut()
            .find(|a| a.attempt.id == id)
            .expect("on the site"))
    }

    /// Another device (or the web) answers `slot`.
    fn answer_elsewhere(&self, id: AttemptId, slot: u32, answer: &Answer) {
        self.with_attempt(id, |a| {
            let q = &mut a.questions[slot as usize - 1];
            let seq = q.sequence_check;
            *q = with_answer(q.clone(), answer);
            q.sequence_check = seq + 1;
        });
    }

    fn finish_elsewhere(&self, id: AttemptId) {
        self.with_attempt(id, |a| a.attempt.state = AttemptState::Finished);
    }

    fn delete(&self, id: AttemptId) {
        self.attempts.borrow_mut().retain(|a| a.attempt.id != id);
    }

    fn answer_of(&self, id: AttemptId, slot: u32) -> Option<Answer> {
        self.with_attempt(id, |a| a.questions[slot as usize - 1].current_answer())
    }

    fn flag_of(&self, id: AttemptId, slot: u32) -> bool {
        self.with_attempt(id, |a| a.questions[slot as usize - 1].flagged)
    }

    fn state_of(&self, id: AttemptId) -> AttemptState {
        self.with_attempt(id, |a| a.attempt.state)
    }
}

impl QuizRemote for FakeSite<'_> {
    async fn quiz_overview(&self, _course: CourseId, _module: LectureId) -> Result<QuizOverview> {
        self.reach()?;
        Ok(self.overview())
    }

    async fn attempts(&self, quiz: &Quiz) -> Result<Vec<Attempt>> {
        self.reach()?;
        assert_eq!(quiz.id, self.quiz.id);
        Ok(self.overview().attempts)
    }

    async fn start_attempt(&self, quiz: QuizId) -> Result<Attempt> {
        self.reach()?;
        assert_eq!(quiz, self.quiz.id);
        if let Some(open) = self.overview().open_attempt() {
            return Ok(open.clone());
        }
        let mut all = self.attempts.borrow_mut();
        let mut a = attempt(9001 + all.len() as i64);
        a.number = all.len() as u32 + 1;
        all.push(SiteAttempt {
            attempt: a.clone(),
            questions: (1..=3).map(question).collect(),
        });
        Ok(a)
    }

    async fn attempt_page(&self, id: AttemptId, page: u32) -> Result<AttemptPage> {
        self.reach()?;
        self.pages_fetched.set(self.pages_fetched.get() + 1);
        let read = {
            let all = self.attempts.borrow();
            let a = all
                .iter()
                .find(|a| a.attempt.id == id)
                .ok_or_else(|| Error::Refused("no such attempt".into()))?;
            if !a.attempt.is_open() {
                return Err(Error::Refused("this attempt is closed".into()));
            }
            let current = a.attempt.current_page;
            if self.quiz.navigation == Navigation::Sequential
                && page != current
                && page != current + 1
            {
                return Err(Error::Refused("out of sequence".into()));
            }
            let slots = &a.attempt.pages[page as usize];
            AttemptPage {
                attempt: a.attempt.clone(),
                page,
                next_page: (page as usize + 1 < a.attempt.pages.len()).then_some(page + 1),
                // As Moodle 4.5: under sequential navigation a page ahead of the current one
                // may be asked for, but its questions are left out until it is viewed.
                questions: a
                    .questions
                    .iter()
                    .filter(|q| slots.contains(&q.slot))
                    .filter(|_| self.quiz.navigation != Navigation::Sequential || page <= current)
                    .cloned()
                    .collect(),
            }
        };
        let meanwhile = self.during_fetch.borrow_mut().take();
        if let Some(meanwhile) = meanwhile {
            meanwhile(self);
        }
        Ok(read)
    }

    async fn record_attempt_view(&self, id: AttemptId, page: u32) -> Result<()> {
        self.reach()?;
        let sequential = self.quiz.navigation == Navigation::Sequential;
        self.with_attempt(id, |a| {
            if sequential && page != a.attempt.current_page && page != a.attempt.current_page + 1 {
                return Err(Error::Refused("out of sequence".into()));
            }
            a.attempt.current_page = page;
            Ok(())
        })
    }

    async fn process_attempt(
        &self,
        attempt: &Attempt,
        answers: &[(Question, Answer)],
        finish: bool,
        _time_up: bool,
    ) -> Result<Processed> {
        self.reach()?;
        if let Some(e) = self.refuse.borrow().clone() {
            return Err(e);
        }
        let stale = {
            let all = self.attempts.borrow();
            let a = all
                .iter()
                .find(|a| a.attempt.id == attempt.id)
                .ok_or_else(|| Error::Refused("no such attempt".into()))?;
            if !a.attempt.is_open() {
                return Err(Error::Refused("this attempt is closed".into()));
            }
            answers
                .iter()
                .any(|(q, _)| a.questions[q.slot as usize - 1].sequence_check != q.sequence_check)
        };
        if stale {
            return Ok(Processed::OutOfSequence);
        }
        if let Some(meanwhile) = self.during_send.borrow_mut().take() {
            meanwhile();
        }
        let state = self.with_attempt(attempt.id, |a| {
            for (sent, answer) in answers {
                let q = &mut a.questions[sent.slot as usize - 1];
                if q.current_answer().as_ref() != Some(answer) {
                    let seq = q.sequence_check;
                    *q = with_answer(q.clone(), answer);
                    q.sequence_check = seq + 1;
                }
                q.flagged = sent.flagged;
            }
            if finish {
                a.attempt.state = AttemptState::Finished;
                a.attempt.finished_at = Some(1_700_000_600);
                a.attempt.grade = Some(90.0);
            }
            a.attempt.state
        });
        self.taken.borrow_mut().push((
            attempt.id,
            answers.iter().map(|(q, a)| (q.slot, a.clone())).collect(),
            finish,
        ));
        if self.lose_reply.get() {
            return Err(Error::Unreachable("the reply was lost".into()));
        }
        Ok(Processed::Taken(state))
    }

    async fn attempt_review(&self, id: AttemptId) -> Result<AttemptReview> {
        self.reach()?;
        self.with_attempt(id, |a| {
            Ok(AttemptReview {
                attempt: a.attempt.clone(),
                grade: a.attempt.grade,
                questions: a.questions.clone(),
                feedback_html: None,
            })
        })
    }
}

fn each_store(check: impl Fn(&dyn Store)) {
    #[cfg(feature = "sqlite")]
    check(&crate::store::SqliteStore::open_in_memory().expect("opens"));
    check(&KvStore::open(MemoryKv::default(), "t").expect("opens"));
}

fn pick(key: &str) -> Answer {
    Answer::Choice(Some(ChoiceKey(key.into())))
}

/// Opens (starting) the site's attempt on `store`.
/// An attempt opened on `site` with question 1 answered (the first choice) at 2_000.
fn open_answered(site: &FakeSite<'_>, s: &dyn Store) -> AttemptId {
    let id = open_on(site, s).attempt.id;
    answer(s, id, 1, &pick("0"), 2_000).unwrap();
    id
}

/// A screen on `id` that `open()` opens (from inside the fake site, say); it stays open
/// while the guard holds it.
fn screen_opened_later(id: AttemptId) -> (Rc<RefCell<Option<OnScreen>>>, impl FnOnce()) {
    let guard: Rc<RefCell<Option<OnScreen>>> = Rc::default();
    let during = guard.clone();
    (guard, move || *during.borrow_mut() = Some(on_screen(id)))
}

/// Answers each `(slot, answer)` (a millisecond apart from 2_000) while the site cannot be
/// reached, and queues the submission at `now`; the site stays unreachable.
fn queue_offline(
    site: &FakeSite<'_>,
    s: &dyn Store,
    id: AttemptId,
    answers: &[(u32, Answer)],
    now: i64,
) {
    site.offline.set(true);
    for (at, (slot, given)) in (2_000..).zip(answers) {
        answer(s, id, *slot, given, at).unwrap();
    }
    assert_eq!(
        block_on(submit(site, s, id, false, now)).unwrap(),
        Submitted::Queued
    );
}

fn open_on(site: &FakeSite<'_>, store: &dyn Store) -> LocalAttempt {
    block_on(open(site, store, &site.overview(), 1_000)).expect("opens")
}

#[test]
fn opening_keeps_every_page_on_the_device() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let local = open_on(&site, s);
        assert_eq!(site.pages_fetched.get(), 2);
        assert_eq!(
            local.questions.iter().map(|q| q.slot).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(local.page(1).len(), 1);
        assert_eq!(local.unanswered(), [1, 2, 3]);
        // Continuing the same attempt later finds it open and keeps the one copy.
        let again = open_on(&site, s);
        assert_eq!(again.attempt.id, local.attempt.id);
        assert_eq!(s.kept_attempts().unwrap(), [local.attempt.id]);
        site.offline.set(true);
        assert_eq!(resume(s, local.attempt.id).unwrap(), Some(again));
    });
}

/// Answers and flags are on the device when `answer`/`flag` return: a new handle on the same
/// storage (the app killed and started again) shows them.
fn answers_survive_a_new_handle(first: &dyn Store, reopen: impl FnOnce() -> Box<dyn Store>) {
    let site = FakeSite::new(false);
    let id = open_on(&site, first).attempt.id;
    answer(first, id, 1, &pick("0"), 2_000).unwrap();
    answer(first, id, 1, &pick("2"), 2_001).unwrap();
    answer(first, id, 3, &Answer::Text("GCP".into()), 2_002).unwrap();
    flag(first, id, 2, true, 2_003).unwrap();
    let again = reopen();
    let local = resume(&*again, id).unwrap().expect("kept");
    assert_eq!(local.unsent, [1, 2, 3]);
    assert_eq!(
        local.question(1).unwrap().current_answer(),
        Some(pick("2")),
        "the latest answer wins"
    );
    assert_eq!(local.question(1).unwrap().state, QuestionState::Answered);
    assert!(local.question(2).unwrap().flagged);
    assert_eq!(local.unanswered(), [2]);
    assert_eq!(again.unsent_quiz_changes().unwrap(), 3);
}

#[test]
fn answers_survive_a_new_kv_handle() {
    let kv = MemoryKv::default();
    let first = KvStore::open(kv.clone(), "t").unwrap();
    answers_survive_a_new_handle(&first, || Box::new(KvStore::open(kv, "t").unwrap()));
}

#[cfg(feature = "sqlite")]
#[test]
fn answers_survive_a_new_sqlite_handle() {
    let dir = std::env::temp_dir().join(format!("juko-quiz-{}", crate::ids::new_id()));
    let path = dir.join("history.sqlite3");
    let first = crate::store::SqliteStore::open(&path).unwrap();
    answers_survive_a_new_handle(&first, || {
        Box::new(crate::store::SqliteStore::open(&path).unwrap())
    });
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn saving_sends_the_latest_answers_with_their_flags() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        answer(s, id, 1, &pick("1"), 2_001).unwrap();
        flag(s, id, 1, true, 2_002).unwrap();
        answer(s, id, 2, &Answer::TrueFalse(Some(false)), 2_003).unwrap();
        let fetched = site.pages_fetched.get();
        let local = block_on(save(&site, s, id, 3_000)).unwrap();
        assert!(local.unsent.is_empty());
        assert_eq!(
            site.pages_fetched.get(),
            fetched + 1,
            "only the page of what was sent is fetched again"
        );
        assert_eq!(
            local.question(1).unwrap().sequence_check,
            2,
            "the site's check now"
        );
        assert_eq!(site.answer_of(id, 1), Some(pick("1")));
        assert!(site.flag_of(id, 1));
        assert_eq!(site.answer_of(id, 2), Some(Answer::TrueFalse(Some(false))));
        assert_eq!(site.taken.borrow().len(), 1, "one send for every change");
        // The copy now holds the site's sequence checks: the next change goes through at once.
        answer(s, id, 1, &pick("2"), 4_000).unwrap();
        let local = block_on(save(&site, s, id, 4_001)).unwrap();
        assert!(local.unsent.is_empty() && local.needs_look.is_empty());
        assert_eq!(site.answer_of(id, 1), Some(pick("2")));
        assert_eq!(site.taken.borrow().len(), 2);
        assert_eq!(s.unsent_quiz_changes().unwrap(), 0);
    });
}

#[test]
fn an_answer_changed_while_sending_stays_unsent() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        *site.during_send.borrow_mut() = Some(Box::new(move || {
            answer(s, id, 1, &pick("2"), 2_500).unwrap();
        }));
        let local = block_on(save(&site, s, id, 3_000)).unwrap();
        assert_eq!(
            site.answer_of(id, 1),
            Some(pick("0")),
            "the site got the first"
        );
        assert_eq!(
            local.unsent,
            [1],
            "the change made meanwhile is still to send"
        );
        assert_eq!(local.question(1).unwrap().current_answer(), Some(pick("2")));
        assert!(
            local.needs_look.is_empty(),
            "this device's own send is no conflict"
        );
        let local = block_on(save(&site, s, id, 4_000)).unwrap();
        assert!(local.unsent.is_empty());
        assert_eq!(site.answer_of(id, 1), Some(pick("2")));
    });
}

#[test]
fn a_failed_send_leaves_everything_queued() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        flag(s, id, 3, true, 2_001).unwrap();
        let before = s.queued_answers(id).unwrap();
        site.offline.set(true);
        assert!(matches!(
            block_on(save(&site, s, id, 3_000)),
            Err(Error::Unreachable(_))
        ));
        assert_eq!(s.queued_answers(id).unwrap(), before);
        site.offline.set(false);
        *site.refuse.borrow_mut() = Some(Error::Refused("not now".into()));
        assert_eq!(
            block_on(save(&site, s, id, 3_001)),
            Err(Error::Refused("not now".into()))
        );
        assert_eq!(s.queued_answers(id).unwrap(), before);
        assert!(site.taken.borrow().is_empty());
        *site.refuse.borrow_mut() = None;
        assert!(
            block_on(save(&site, s, id, 3_002))
                .unwrap()
                .unsent
                .is_empty()
        );
        assert!(site.flag_of(id, 3));
    });
}

#[test]
fn a_send_whose_reply_was_lost_is_not_taken_for_a_conflict() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        answer(s, id, 1, &pick("1"), 2_000).unwrap();
        site.lose_reply.set(true);
        assert!(block_on(save(&site, s, id, 3_000)).is_err());
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
        site.lose_reply.set(false);
        // The site moved the sequence check by taking it; it holds this very answer.
        let local = block_on(save(&site, s, id, 4_000)).unwrap();
        assert!(local.needs_look.is_empty());
        assert!(local.unsent.is_empty());
    });
}

/// A save the site takes whose reply is lost (the app killed before it heard, say), then the
/// learner changing that same question: the site's copy moved by this device's own send, which
/// the device remembers (in the store, so through a new handle too); the newer answer goes
/// with the site's new check, and nothing needs a look.
fn a_change_after_a_lost_reply_is_no_conflict(
    first: &dyn Store,
    reopen: impl FnOnce() -> Box<dyn Store>,
) {
    let site = FakeSite::new(false);
    let id = open_on(&site, first).attempt.id;
    answer(first, id, 1, &pick("1"), 2_000).unwrap();
    flag(first, id, 1, true, 2_001).unwrap();
    site.lose_reply.set(true);
    assert!(block_on(save(&site, first, id, 3_000)).is_err());
    site.lose_reply.set(false);
    assert_eq!(site.answer_of(id, 1), Some(pick("1")), "the site took it");
    let s = reopen();
    let s = s.as_ref();
    answer(s, id, 1, &pick("2"), 3_500).unwrap();
    let local = block_on(save(&site, s, id, 4_000)).unwrap();
    assert!(
        local.needs_look.is_empty(),
        "only this device changed the question"
    );
    assert!(local.unsent.is_empty(), "the newer answer was sent");
    assert_eq!(site.answer_of(id, 1), Some(pick("2")));
    assert!(site.flag_of(id, 1));
    assert_eq!(local.question(1).unwrap().sequence_check, 3);
    assert!(
        s.sent_answers(id).unwrap().is_empty(),
        "nothing left to recognise once settled"
    );
}

#[test]
fn a_change_after_a_lost_reply_is_no_conflict_through_a_new_kv_handle() {
    let kv = MemoryKv::default();
    let first = KvStore::open(kv.clone(), "t").unwrap();
    a_change_after_a_lost_reply_is_no_conflict(&first, || {
        Box::new(KvStore::open(kv, "t").unwrap())
    });
}

#[cfg(feature = "sqlite")]
#[test]
fn a_change_after_a_lost_reply_is_no_conflict_through_a_new_sqlite_handle() {
    let dir = std::env::temp_dir().join(format!("juko-quiz-{}", crate::ids::new_id()));
    let path = dir.join("history.sqlite3");
    let first = crate::store::SqliteStore::open(&path).unwrap();
    a_change_after_a_lost_reply_is_no_conflict(&first, || {
        Box::new(crate::store::SqliteStore::open(&path).unwrap())
    });
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn lost_replies_in_a_row_and_sync_are_still_this_devices_own() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        site.lose_reply.set(true);
        // Each save lands (the first on the copy's check, the next ones after finding it out of
        // date), and none is heard.
        for (n, key) in ["1", "2", "0"].into_iter().enumerate() {
            answer(s, id, 1, &pick(key), 2_000 + n as i64).unwrap();
            assert!(block_on(save(&site, s, id, 3_000 + n as i64)).is_err());
            assert_eq!(site.answer_of(id, 1), Some(pick(key)));
            assert!(resume(s, id).unwrap().unwrap().needs_look.is_empty());
        }
        site.lose_reply.set(false);
        answer(s, id, 1, &pick("1"), 5_000).unwrap();
        let report = block_on(sync_attempts(s, &site, 6_000)).expect("syncs");
        assert!(report.needs_look.is_empty(), "{report:?}");
        assert_eq!(report.sent, 1);
        assert_eq!(site.answer_of(id, 1), Some(pick("1")));
        assert!(resume(s, id).unwrap().unwrap().unsent.is_empty());
    });
}

#[test]
fn another_devices_change_after_a_lost_reply_still_needs_a_look() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        answer(s, id, 1, &pick("1"), 2_000).unwrap();
        site.lose_reply.set(true);
        assert!(block_on(save(&site, s, id, 3_000)).is_err());
        site.lose_reply.set(false);
        // Over this device's send, another device answers otherwise.
        site.answer_elsewhere(id, 1, &pick("2"));
        answer(s, id, 1, &pick("0"), 3_500).unwrap();
        let local = block_on(save(&site, s, id, 4_000)).unwrap();
        assert_eq!(local.needs_look, [1]);
        assert_eq!(site.answer_of(id, 1), Some(pick("2")), "not sent over it");
        assert_eq!(local.question(1).unwrap().current_answer(), Some(pick("0")));
    });
}

/// Moodle tells responses apart by what they are, not by who gave them: a site holding
/// exactly what this device sent (here, another device gave the same answer while this
/// device's send never arrived) is taken as this device's send. The newer answer replaces an
/// answer the learner had already replaced here, as it would have had the send landed.
#[test]
fn the_same_answer_given_elsewhere_counts_as_this_devices_send() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        answer(s, id, 1, &pick("1"), 2_000).unwrap();
        *site.refuse.borrow_mut() = Some(Error::Unreachable("dropped on the way".into()));
        assert!(block_on(save(&site, s, id, 3_000)).is_err());
        *site.refuse.borrow_mut() = None;
        assert!(
            site.taken.borrow().is_empty(),
            "this device's send never arrived"
        );
        site.answer_elsewhere(id, 1, &pick("1"));
        answer(s, id, 1, &pick("2"), 3_500).unwrap();
        let local = block_on(save(&site, s, id, 4_000)).unwrap();
        assert!(local.needs_look.is_empty());
        assert_eq!(site.answer_of(id, 1), Some(pick("2")));
        // The same answer without this device's flag is another state: a look.
        answer(s, id, 1, &pick("0"), 4_500).unwrap();
        flag(s, id, 1, true, 4_501).unwrap();
        *site.refuse.borrow_mut() = Some(Error::Unreachable("dropped on the way".into()));
        assert!(block_on(save(&site, s, id, 5_000)).is_err());
        *site.refuse.borrow_mut() = None;
        site.answer_elsewhere(id, 1, &pick("0"));
        assert!(!site.flag_of(id, 1));
        answer(s, id, 1, &pick("1"), 5_500).unwrap();
        assert_eq!(block_on(save(&site, s, id, 6_000)).unwrap().needs_look, [1]);
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
    });
}

#[test]
fn a_question_changed_elsewhere_needs_a_look_and_the_attempt_is_not_submitted() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        answer(s, id, 2, &Answer::TrueFalse(Some(true)), 2_001).unwrap();
        site.answer_elsewhere(id, 1, &pick("1"));
        let got = block_on(submit(&site, s, id, false, 3_000)).unwrap();
        assert_eq!(got, Submitted::NeedsLook(vec![1]));
        assert_eq!(site.state_of(id), AttemptState::InProgress, "not finished");
        assert_eq!(
            site.answer_of(id, 1),
            Some(pick("1")),
            "nothing sent for it"
        );
        assert_eq!(
            site.answer_of(id, 2),
            Some(Answer::TrueFalse(Some(true))),
            "the rest was sent"
        );
        assert!(
            site.taken
                .borrow()
                .iter()
                .all(|(_, sent, finish)| { !finish && sent.iter().all(|(slot, _)| *slot != 1) })
        );
        let local = resume(s, id).unwrap().unwrap();
        assert_eq!(local.needs_look, [1]);
        assert_eq!(local.unsent, [1]);
        assert_eq!(
            local.question(1).unwrap().current_answer(),
            Some(pick("0")),
            "the learner's answer is kept on the device"
        );
        // Saving and submitting again hold it back while it needs a look.
        assert_eq!(block_on(save(&site, s, id, 3_100)).unwrap().needs_look, [1]);
        assert_eq!(
            block_on(submit(&site, s, id, false, 3_200)).unwrap(),
            Submitted::NeedsLook(vec![1])
        );
        assert_eq!(site.answer_of(id, 1), Some(pick("1")));
        // Looked at: the learner keeps their answer, and then it goes.
        let local = resolve(s, id, 1, Resolution::KeepMine).unwrap();
        assert!(local.needs_look.is_empty());
        let Submitted::Finished(done) = block_on(submit(&site, s, id, false, 4_000)).unwrap()
        else {
            panic!("submitted");
        };
        assert_eq!(done.state, AttemptState::Finished);
        assert_eq!(done.grade, Some(90.0), "the site's record of it");
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
        assert_eq!(s.kept_attempts().unwrap(), [], "nothing of it left to send");
    });
}

#[test]
fn taking_the_sites_answer_drops_the_devices() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        site.answer_elsewhere(id, 1, &pick("1"));
        assert_eq!(block_on(save(&site, s, id, 3_000)).unwrap().needs_look, [1]);
        let local = resolve(s, id, 1, Resolution::TakeSite).unwrap();
        assert!(local.unsent.is_empty());
        assert_eq!(local.question(1).unwrap().current_answer(), Some(pick("1")));
        assert!(
            resolve(s, id, 2, Resolution::KeepMine).is_err(),
            "nothing to look at"
        );
    });
}

#[test]
fn opening_again_compares_the_devices_answers_with_the_site() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        answer(s, id, 3, &Answer::Text("ICH".into()), 2_001).unwrap();
        site.answer_elsewhere(id, 1, &pick("2"));
        let local = open_on(&site, s);
        assert_eq!(local.needs_look, [1]);
        assert_eq!(local.unsent, [1, 3]);
        assert!(site.taken.borrow().is_empty());
    });
}

#[test]
fn a_submission_queued_offline_goes_with_the_answers_when_back_online() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        queue_offline(
            &site,
            s,
            id,
            &[(1, pick("2")), (3, Answer::Text("治験".into()))],
            3_000,
        );
        let local = resume(s, id).unwrap().unwrap();
        assert!(local.finish_queued);
        assert_eq!(
            s.unsent_quiz_changes().unwrap(),
            3,
            "two answers and the submission"
        );
        assert!(matches!(
            block_on(sync_attempts(s, &site, 4_000)),
            Err(Error::Unreachable(_))
        ));
        assert_eq!(s.unsent_quiz_changes().unwrap(), 3);
        site.offline.set(false);
        let report = block_on(sync_attempts(s, &site, 5_000)).unwrap();
        assert_eq!(report.sent, 2);
        assert_eq!(report.finished.len(), 1);
        assert_eq!(report.finished[0].state, AttemptState::Finished);
        assert_eq!(site.state_of(id), AttemptState::Finished);
        assert_eq!(site.answer_of(id, 1), Some(pick("2")));
        assert_eq!(site.answer_of(id, 3), Some(Answer::Text("治験".into())));
        let taken = site.taken.borrow();
        assert_eq!(taken.len(), 1, "the answers and the submission in one send");
        assert!(taken[0].2);
        assert_eq!(s.kept_attempts().unwrap(), []);
        assert_eq!(s.unsent_quiz_changes().unwrap(), 0);
    });
}

#[test]
fn sync_never_submits_over_a_question_changed_elsewhere() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        queue_offline(
            &site,
            s,
            id,
            &[(1, pick("0")), (2, Answer::TrueFalse(Some(false)))],
            3_000,
        );
        site.offline.set(false);
        site.answer_elsewhere(id, 1, &pick("1"));
        let report = block_on(sync_attempts(s, &site, 4_000)).unwrap();
        assert_eq!(report.needs_look, [(id, vec![1])]);
        assert!(report.finished.is_empty());
        assert_eq!(site.state_of(id), AttemptState::InProgress);
        assert_eq!(
            site.answer_of(id, 1),
            Some(pick("1")),
            "the other device's answer stands"
        );
        assert_eq!(site.answer_of(id, 2), Some(Answer::TrueFalse(Some(false))));
        let local = resume(s, id).unwrap().unwrap();
        assert_eq!(local.needs_look, [1]);
        assert!(
            !local.finish_queued,
            "the learner submits again after looking"
        );
        // The next rounds leave it alone until the learner looks.
        let sends = site.taken.borrow().len();
        let report = block_on(sync_attempts(s, &site, 5_000)).unwrap();
        assert_eq!(report.needs_look, [(id, vec![1])]);
        assert_eq!(site.taken.borrow().len(), sends);
        assert_eq!(site.state_of(id), AttemptState::InProgress);
    });
}

#[test]
fn an_attempt_finished_elsewhere_is_not_submitted_and_the_learner_is_told() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        queue_offline(&site, s, id, &[(1, pick("0"))], 3_000);
        site.offline.set(false);
        site.finish_elsewhere(id);
        let report = block_on(sync_attempts(s, &site, 4_000)).unwrap();
        assert_eq!(
            report.closed_on_site,
            [(id, ClosedOnSite::State(AttemptState::Finished))]
        );
        assert!(site.taken.borrow().is_empty(), "nothing sent");
        let local = resume(s, id).unwrap().unwrap();
        assert_eq!(
            local.closed_on_site,
            Some(ClosedOnSite::State(AttemptState::Finished))
        );
        assert_eq!(local.unsent, [1], "what the site never got is still shown");
        assert!(answer(s, id, 2, &Answer::TrueFalse(Some(true)), 5_000).is_err());
        assert!(
            block_on(sync_attempts(s, &site, 6_000))
                .unwrap()
                .closed_on_site
                .is_empty(),
            "told once; kept until dismissed"
        );
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
        dismiss(s, id).unwrap();
        assert_eq!(resume(s, id).unwrap(), None);
    });
}

#[test]
fn an_attempt_gone_from_the_site_is_kept_and_told() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        site.delete(id);
        let report = block_on(sync_attempts(s, &site, 4_000)).unwrap();
        assert_eq!(report.closed_on_site, [(id, ClosedOnSite::Gone)]);
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
        // Submitting it online says so too, sending nothing.
        assert_eq!(
            block_on(submit(&site, s, id, false, 5_000)).unwrap(),
            Submitted::ClosedOnSite(ClosedOnSite::Gone)
        );
        assert!(site.taken.borrow().is_empty());
    });
}

#[test]
fn submitting_online_an_attempt_finished_elsewhere_says_so() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        site.finish_elsewhere(id);
        assert_eq!(
            block_on(submit(&site, s, id, false, 3_000)).unwrap(),
            Submitted::ClosedOnSite(ClosedOnSite::State(AttemptState::Finished))
        );
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
    });
}

#[test]
fn a_test_without_offline_attempts_refuses_to_queue_a_submission() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        site.offline.set(true);
        answer(s, id, 1, &pick("0"), 2_000).unwrap();
        assert!(matches!(
            block_on(submit(&site, s, id, false, 3_000)),
            Err(Error::Unreachable(_))
        ));
        let local = resume(s, id).unwrap().unwrap();
        assert!(!local.finish_queued);
        assert_eq!(local.unsent, [1], "nothing lost");
        assert_eq!(s.unsent_quiz_changes().unwrap(), 1);
    });
}

#[test]
fn sync_leaves_attempts_on_screen_alone() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        let guard = on_screen(id);
        let report = block_on(sync_attempts(s, &site, 3_000)).unwrap();
        assert_eq!(report.on_screen, [id]);
        assert!(site.taken.borrow().is_empty());
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
        drop(guard);
        let report = block_on(sync_attempts(s, &site, 4_000)).unwrap();
        assert_eq!(report.sent, 1);
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
    });
}

#[test]
fn answers_that_do_not_fit_are_refused_and_nothing_is_queued() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        for (slot, bad) in [
            (1, Answer::Text("a".into())),
            (1, pick("9")),
            (2, pick("0")),
            (7, pick("0")),
        ] {
            assert!(
                matches!(
                    answer(s, id, slot, &bad, 2_000),
                    Err(Error::NotAvailable(_))
                ),
                "{slot} {bad:?}"
            );
        }
        assert!(flag(s, id, 7, true, 2_000).is_err());
        assert!(answer(s, AttemptId(1), 1, &pick("0"), 2_000).is_err());
        assert_eq!(s.unsent_quiz_changes().unwrap(), 0);
        // A cleared choice is an answer (it clears the site's).
        let local = answer(s, id, 1, &Answer::Choice(None), 2_001).unwrap();
        assert_eq!(local.unanswered(), [1, 2, 3]);
        assert_eq!(local.unsent, [1]);
    });
}

#[test]
fn a_review_is_kept_for_offline() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        assert!(matches!(
            block_on(submit(&site, s, id, false, 3_000)).unwrap(),
            Submitted::Finished(_)
        ));
        let review = block_on(review(&site, s, id, 4_000)).unwrap();
        assert_eq!(review.grade, Some(90.0));
        let kept = crate::catalog::Item::review(id).read(s).unwrap().unwrap();
        assert_eq!(kept.value, review);
    });
}

#[test]
fn a_send_finished_while_fetching_is_still_this_devices_own_doing() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_answered(&site, s);
        // The first page is read; then another task's send of question 1 finishes (moving its
        // sequence check on the site) before this fetch is done and kept.
        let sent_meanwhile = move |site: &FakeSite<'_>| {
            let pushed = block_on(super::site::push(site, s, id, false, false, 2_500));
            assert!(matches!(
                pushed,
                Ok(super::site::Pushed::Taken { ref sent, .. }) if sent == &[1]
            ));
        };
        *site.during_fetch.borrow_mut() = Some(Box::new(sent_meanwhile));
        block_on(super::site::refresh(&site, s, id, None, 3_000)).unwrap();
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
        // The learner changes it again: the device's copy of its check is behind the site's by
        // this device's own send, which is no conflict.
        answer(s, id, 1, &pick("2"), 4_000).unwrap();
        let local = block_on(save(&site, s, id, 5_000)).unwrap();
        assert!(local.needs_look.is_empty(), "{local:?}");
        assert!(local.unsent.is_empty());
        assert_eq!(site.answer_of(id, 1), Some(pick("2")));
    });
}

#[test]
fn a_sequential_test_moves_on_page_by_page_and_never_back() {
    each_store(|s| {
        let mut site = FakeSite::new(false);
        site.quiz.navigation = Navigation::Sequential;
        let local = open_on(&site, s);
        let id = local.attempt.id;
        assert_eq!(site.pages_fetched.get(), 1, "only the current page");
        assert_eq!(
            local.questions.iter().map(|q| q.slot).collect::<Vec<_>>(),
            [1, 2]
        );
        answer(s, id, 1, &pick("1"), 2_000).unwrap();
        assert!(
            answer(s, id, 3, &Answer::Text("x".into()), 2_001).is_err(),
            "a page not reached yet"
        );
        let local = block_on(next_page(&site, s, id, 3_000)).unwrap();
        assert_eq!(local.attempt.current_page, 1);
        assert!(local.unsent.is_empty(), "the page's answers went first");
        assert_eq!(site.answer_of(id, 1), Some(pick("1")));
        assert_eq!(site.with_attempt(id, |a| a.attempt.current_page), 1);
        assert_eq!(local.page(1).len(), 1);
        assert!(
            answer(s, id, 1, &pick("2"), 4_000).is_err(),
            "a page left is left for good"
        );
        answer(s, id, 3, &Answer::Text("ICH-GCP".into()), 4_001).unwrap();
        assert!(
            block_on(next_page(&site, s, id, 5_000)).is_err(),
            "the last page"
        );
        // Opened again (another start of the app), the site's current page is where it goes on.
        let local = open_on(&site, s);
        assert_eq!(local.attempt.current_page, 1);
        assert_eq!(local.unsent, [3]);
        assert!(local.needs_look.is_empty());
    });
}

#[test]
fn continuing_an_attempt_finished_elsewhere_marks_the_copy_closed() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        // The test's page, as the device last had it, still offers to continue.
        let stale = site.overview();
        site.finish_elsewhere(id);
        let local = block_on(open(&site, s, &stale, 3_000)).expect("shown, not refused");
        assert_eq!(
            local.closed_on_site,
            Some(ClosedOnSite::State(AttemptState::Finished))
        );
        assert_eq!(local.unsent, [1], "what the site never got is shown");
        assert!(site.taken.borrow().is_empty());
    });
}

#[test]
fn continuing_an_idle_attempt_finished_elsewhere_lets_the_copy_go() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        let stale = site.overview();
        site.finish_elsewhere(id);
        let e = block_on(open(&site, s, &stale, 3_000)).unwrap_err();
        assert!(matches!(e, Error::NotAvailable(_)), "{e:?}");
        assert_eq!(resume(s, id).unwrap(), None, "nothing of it left to lose");
    });
}

/// Keeps the device's copy of `id` with `change` made to its questions.
fn change_kept_questions(s: &dyn Store, id: AttemptId, change: impl FnOnce(&mut Vec<Question>)) {
    let mut kept = s.kept_attempt(id).unwrap().unwrap();
    change(&mut kept.questions);
    s.keep_attempt(&kept).unwrap();
}

#[test]
fn a_change_the_copy_cannot_carry_is_never_dropped_from_a_submission() {
    each_store(|s| {
        for gone in [false, true] {
            let site = FakeSite::new(true);
            let id = open_on(&site, s).attempt.id;
            answer(s, id, 1, &pick("0"), 2_000).unwrap();
            answer(s, id, 2, &Answer::TrueFalse(Some(true)), 2_000).unwrap();
            // The copy kept since no longer lets question 1 be answered here (answered on the
            // site only, or not in the copy at all).
            change_kept_questions(s, id, |qs| {
                if gone {
                    qs.retain(|q| q.slot != 1);
                } else {
                    qs[0].read_only = true;
                }
            });
            assert_eq!(
                block_on(submit(&site, s, id, false, 3_000)).unwrap(),
                Submitted::NeedsLook(vec![1]),
                "gone: {gone}"
            );
            assert_eq!(site.state_of(id), AttemptState::InProgress, "not finished");
            assert!(site.taken.borrow().iter().all(|(_, _, finish)| !finish));
            let local = resume(s, id).unwrap().unwrap();
            assert_eq!(local.needs_look, [1], "kept, for the learner to see");
            // The learner lets it go for the site's: then it may be submitted.
            resolve(s, id, 1, Resolution::TakeSite).unwrap();
            assert!(matches!(
                block_on(submit(&site, s, id, false, 4_000)).unwrap(),
                Submitted::Finished(_)
            ));
            assert_eq!(site.answer_of(id, 2), Some(Answer::TrueFalse(Some(true))));
        }
    });
}

#[test]
fn sync_sends_answers_of_an_online_test_but_never_submits_it() {
    each_store(|s| {
        let site = FakeSite::new(false);
        let id = open_on(&site, s).attempt.id;
        site.offline.set(true);
        answer(s, id, 1, &pick("0"), 2_000).unwrap();
        assert!(block_on(save(&site, s, id, 2_500)).is_err());
        // A submission queued when the test could still be taken offline.
        s.set_finish_queued(id, true).unwrap();
        site.offline.set(false);
        let report = block_on(sync_attempts(s, &site, 3_000)).unwrap();
        assert_eq!(report.sent, 1, "the answer a save could not send");
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
        assert_eq!(report.not_submitted, [id]);
        assert!(report.finished.is_empty());
        assert_eq!(site.state_of(id), AttemptState::InProgress);
        assert!(!resume(s, id).unwrap().unwrap().finish_queued);
    });
}

#[test]
fn a_screen_opened_while_sync_asks_the_site_keeps_the_attempt() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        let (guard, open) = screen_opened_later(id);
        *site.during_fetch.borrow_mut() = Some(Box::new(move |_| open()));
        let report = block_on(sync_attempts(s, &site, 3_000)).unwrap();
        assert_eq!(report.on_screen, [id]);
        assert!(
            site.taken.borrow().is_empty(),
            "nothing sent under the screen"
        );
        assert_eq!(resume(s, id).unwrap().unwrap().unsent, [1]);
        drop(guard.borrow_mut().take());
    });
}

#[test]
fn a_screen_opened_while_sync_submits_keeps_its_copy() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_on(&site, s).attempt.id;
        queue_offline(&site, s, id, &[(1, pick("0"))], 2_500);
        site.offline.set(false);
        let (guard, open) = screen_opened_later(id);
        *site.during_send.borrow_mut() = Some(Box::new(open));
        let report = block_on(sync_attempts(s, &site, 3_000)).unwrap();
        assert_eq!(report.finished.len(), 1);
        let shown = resume(s, id).unwrap().expect("the screen's copy is kept");
        assert!(!shown.attempt.is_open(), "shown finished");
        drop(guard.borrow_mut().take());
        block_on(sync_attempts(s, &site, 4_000)).unwrap();
        assert_eq!(
            resume(s, id).unwrap(),
            None,
            "let go once the screen closed"
        );
    });
}

#[test]
fn another_tabs_screen_keeps_sync_off_the_attempt_until_its_mark_lapses() {
    each_store(|s| {
        let site = FakeSite::new(true);
        let id = open_answered(&site, s);
        // Another tab over the same storage shows the attempt; it renewed its mark at 2 000.
        s.mark_on_screen(id, "another-tab", Some(2_000 + SCREEN_MARK_MS))
            .unwrap();
        let report = block_on(sync_attempts(s, &site, 3_000)).unwrap();
        assert_eq!(report.on_screen, [id]);
        assert!(site.taken.borrow().is_empty());
        // The tab died without taking its mark away: sync waits no longer than the mark holds.
        let report = block_on(sync_attempts(s, &site, 2_000 + SCREEN_MARK_MS)).unwrap();
        assert!(report.on_screen.is_empty());
        assert_eq!(report.sent, 1);
        assert_eq!(site.answer_of(id, 1), Some(pick("0")));
    });
}
