//! The store contract, run against every implementation.

use super::*;
use crate::test_events::{played, position};
use juko_model::{Interval, RemoteProgress, ResumePosition, WatchedIntervals};

fn ctx(duration: f64) -> LectureContext<'static> {
    LectureContext {
        course: Some(CourseId(2)),
        title: Some("講義"),
        duration_secs: Some(duration),
        complete_on_site: false,
    }
}

/// Runs `check` on a fresh store of each kind.
fn each_store(check: impl Fn(&dyn Store)) {
    #[cfg(feature = "sqlite")]
    check(&SqliteStore::open_in_memory().expect("opens"));
    check(&KvStore::open(MemoryKv::default(), "t").expect("opens"));
}

#[test]
fn recording_updates_history_and_queues_the_event() {
    each_store(|s| {
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1_000)
            .unwrap();
        let l = s
            .record(&played("b", 301, 3.0, 8.0, 2), ctx(10.0), 2_000)
            .unwrap();
        assert_eq!(
            l.progress.watched.intervals(),
            [Interval { from: 0.0, to: 8.0 }]
        );
        assert_eq!(l.coverage(), Some(0.8));
        assert!(!l.is_complete());
        assert_eq!(s.pending_count().unwrap(), 2);
        let ids: Vec<String> = s.pending(10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["a", "b"], "oldest first");
        assert_eq!(s.lecture(LectureId(301)).unwrap(), Some(l));
    });
}

#[test]
fn completion_comes_at_the_threshold_and_stays() {
    each_store(|s| {
        s.record(&played("a", 301, 0.0, 9.0, 1), ctx(10.0), 5_000)
            .unwrap();
        let l = s.lecture(LectureId(301)).unwrap().unwrap();
        assert_eq!(l.progress.completed_at, Some(5));
    });
}

#[test]
fn positions_keep_the_latest_client_time() {
    each_store(|s| {
        s.record(&position("a", 301, 40.0, 200), ctx(60.0), 1)
            .unwrap();
        s.record(&position("b", 301, 10.0, 100), ctx(60.0), 2)
            .unwrap();
        let p = s
            .lecture(LectureId(301))
            .unwrap()
            .unwrap()
            .progress
            .position;
        assert_eq!(
            p,
            Some(ResumePosition {
                seconds: 40.0,
                client_time_ms: 200
            })
        );
    });
}

#[test]
fn settling_removes_acknowledged_and_keeps_rejected_for_diagnosis() {
    each_store(|s| {
        for (id, t) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            s.record(&played(id, 301, 0.0, 1.0, t), ctx(10.0), t)
                .unwrap();
        }
        let outcome = PushOutcome {
            applied: vec!["a".into()],
            known: vec!["b".into()],
            rejected: vec![Rejection {
                id: "c".into(),
                reason: "beyondduration".into(),
                message: "m".into(),
            }],
            cursor: "5".into(),
            threshold: 0.8,
        };
        assert_eq!(s.settle(&outcome, 10).unwrap(), 3);
        let left: Vec<String> = s.pending(10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(left, ["d"], "unanswered events stay queued");
        assert_eq!(s.rejected().unwrap()[0].reason, "beyondduration");
        assert_eq!(s.threshold().unwrap(), 0.8);
    });
}

#[test]
fn remote_history_merges_by_the_model_rules() {
    each_store(|s| {
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
        let page = ProgressPage {
            lectures: vec![RemoteProgress {
                progress: LectureProgress {
                    lecture: LectureId(301),
                    watched: WatchedIntervals::from_intervals([Interval { from: 4.0, to: 9.5 }]),
                    position: Some(ResumePosition {
                        seconds: 9.5,
                        client_time_ms: 50,
                    }),
                    completed_at: Some(77),
                },
                course: CourseId(2),
                duration_secs: 10.0,
            }],
            cursor: "12".into(),
            has_more: false,
            threshold: 0.9,
        };
        s.merge_remote(&page, 100).unwrap();
        s.merge_remote(&page, 200).unwrap();
        let l = s.lecture(LectureId(301)).unwrap().unwrap();
        assert_eq!(
            l.progress.watched.intervals(),
            [Interval { from: 0.0, to: 9.5 }]
        );
        assert_eq!(l.progress.completed_at, Some(77));
        assert_eq!(s.cursor().unwrap(), "12");
        assert_eq!(
            s.pending_count().unwrap(),
            1,
            "merging does not touch the outbox"
        );
    });
}

#[test]
fn the_device_id_is_made_once() {
    each_store(|s| {
        let id = s.device_id().unwrap();
        assert_eq!(s.device_id().unwrap(), id);
        assert_eq!(id.len(), 32);
    });
}

#[test]
fn the_recent_list_is_newest_first() {
    each_store(|s| {
        s.record(&played("a", 301, 0.0, 1.0, 1), ctx(10.0), 100)
            .unwrap();
        s.record(&played("b", 302, 0.0, 1.0, 2), ctx(10.0), 300)
            .unwrap();
        s.record(&played("c", 303, 0.0, 1.0, 3), ctx(10.0), 200)
            .unwrap();
        let order: Vec<i64> = s
            .all()
            .unwrap()
            .into_iter()
            .map(|l| l.progress.lecture.0)
            .collect();
        assert_eq!(order, [302, 303, 301]);
    });
}

#[test]
fn a_crash_between_the_two_kv_writes_is_repaired_on_open() {
    let kv = MemoryKv::default();
    let store = KvStore::open(kv.clone(), "t").unwrap();
    store
        .record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
        .unwrap();
    // Simulate the crash: the outbox entry was written, the history write was not.
    let event = played("b", 301, 5.0, 9.5, 2);
    store
        .put(
            &store.outbox_key(&event).unwrap(),
            &StoredEvent::from_event(&event),
        )
        .unwrap();
    let reopened = KvStore::open(kv, "t").unwrap();
    let l = reopened.lecture(LectureId(301)).unwrap().unwrap();
    assert_eq!(
        l.progress.watched.intervals(),
        [Interval { from: 0.0, to: 9.5 }]
    );
    assert!(l.is_complete());
}

/// After an outbox entry was damaged (by `damage`), the rest still goes out and the damaged
/// one is kept among the rejected events, not dropped and not left to block every sync.
fn damaged_entry_is_set_aside(s: &dyn Store, damage: impl FnOnce()) {
    s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
        .unwrap();
    s.record(&played("b", 301, 5.0, 6.0, 2), ctx(10.0), 2)
        .unwrap();
    s.record(&played("c", 302, 0.0, 1.0, 3), ctx(10.0), 3)
        .unwrap();
    damage();
    let ids: Vec<String> = s.pending(10).unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(s.pending_count().unwrap(), 2);
    let rejected = s.rejected().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0].id.as_str(), rejected[0].reason.as_str()),
        ("b", DAMAGED)
    );
}

#[test]
fn a_damaged_kv_outbox_entry_is_set_aside() {
    let kv = MemoryKv::default();
    let store = KvStore::open(kv.clone(), "t").unwrap();
    damaged_entry_is_set_aside(&store, || {
        let key = kv
            .keys()
            .into_iter()
            .find(|k| k.starts_with("juko:t:o:") && k.ends_with(":b"))
            .expect("b's outbox entry");
        kv.set(&key, "{\"id\": \"b\", \"truncated").unwrap();
    });
}

/// A store file in a fresh temporary directory, which goes when the test ends (even failed).
#[cfg(feature = "sqlite")]
struct TempStoreFile {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
}

#[cfg(feature = "sqlite")]
impl TempStoreFile {
    fn new() -> TempStoreFile {
        let dir = std::env::temp_dir().join(format!("juko-store-{}", crate::ids::new_id()));
        let path = dir.join("history.sqlite3");
        TempStoreFile { dir, path }
    }
}

#[cfg(feature = "sqlite")]
impl Drop for TempStoreFile {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn a_damaged_sqlite_outbox_row_is_set_aside() {
    let store = SqliteStore::open_in_memory().unwrap();
    damaged_entry_is_set_aside(&store, || {
        store
            .execute_for_tests("UPDATE outbox SET kind = 'rewound', a = 'x' WHERE id = 'b'")
            .unwrap();
    });
}

#[cfg(feature = "sqlite")]
#[test]
fn the_sqlite_store_survives_reopening() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
    }
    let s = SqliteStore::open(path).unwrap();
    assert_eq!(s.pending_count().unwrap(), 1);
    assert!(s.lecture(LectureId(301)).unwrap().is_some());
}

#[test]
fn compaction_replaces_events_in_the_outbox() {
    each_store(|s| {
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
        s.record(&played("b", 301, 5.0, 9.0, 2), ctx(10.0), 2)
            .unwrap();
        s.record(&played("c", 302, 0.0, 1.0, 3), ctx(10.0), 3)
            .unwrap();
        let merged = played("m", 301, 0.0, 9.0, 2);
        s.replace_pending(&["a".into(), "b".into()], &[merged])
            .unwrap();
        let ids: Vec<String> = s.pending(10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["c", "m"]);
    });
}

#[test]
fn site_actions_queue_once_in_order_and_leave() {
    each_store(|s| {
        let view = SiteAction::Viewed {
            lecture: LectureId(301),
            instance: 71,
            kind: juko_model::LectureKind::File,
        };
        let done = SiteAction::Completed {
            lecture: LectureId(301),
        };
        s.queue_action(&view).unwrap();
        s.queue_action(&done).unwrap();
        s.queue_action(&view).unwrap();
        assert_eq!(s.actions().unwrap(), [view.clone(), done.clone()]);
        s.remove_action(&view).unwrap();
        assert_eq!(s.actions().unwrap(), [done]);
    });
}

fn stock_ctx(duration: f64) -> LectureContext<'static> {
    LectureContext {
        complete_on_site: true,
        ..ctx(duration)
    }
}

#[test]
fn the_completing_event_queues_manual_completion_in_the_same_step_once() {
    each_store(|s| {
        let done = SiteAction::Completed {
            lecture: LectureId(301),
        };
        s.record(&played("a", 301, 0.0, 5.0, 1), stock_ctx(10.0), 1)
            .unwrap();
        assert!(s.actions().unwrap().is_empty(), "not complete yet");
        s.record(&played("b", 301, 5.0, 9.5, 2), stock_ctx(10.0), 2)
            .unwrap();
        assert_eq!(s.actions().unwrap(), std::slice::from_ref(&done));
        // Sent; watching more of a complete lecture does not report it again.
        s.remove_action(&done).unwrap();
        s.record(&played("c", 301, 9.5, 10.0, 3), stock_ctx(10.0), 3)
            .unwrap();
        assert!(s.actions().unwrap().is_empty());
        // A site with the history extension learns of completion from the history itself.
        s.record(&played("d", 302, 0.0, 10.0, 4), ctx(10.0), 4)
            .unwrap();
        assert!(s.actions().unwrap().is_empty());
    });
}

#[test]
fn a_crash_before_the_kv_completion_action_is_repaired_on_open() {
    let kv = MemoryKv::default();
    let store = KvStore::open(kv.clone(), "t").unwrap();
    store
        .record(&played("a", 301, 0.0, 5.0, 1), stock_ctx(10.0), 1)
        .unwrap();
    // The crash: the completing event reached the outbox; its action and history did not.
    let event = played("b", 301, 5.0, 9.5, 2);
    store
        .put(
            &store.outbox_key(&event).unwrap(),
            &StoredEvent::recorded(&event, true),
        )
        .unwrap();
    assert!(store.actions().unwrap().is_empty());
    let reopened = KvStore::open(kv, "t").unwrap();
    assert!(
        reopened
            .lecture(LectureId(301))
            .unwrap()
            .unwrap()
            .is_complete()
    );
    assert_eq!(
        reopened.actions().unwrap(),
        [SiteAction::Completed {
            lecture: LectureId(301)
        }]
    );
}

// Test attempts: kept copies and queued changes.

use crate::store::SentAnswer;
use crate::test_quiz::kept_attempt;
use juko_model::{Answer, AttemptId, ChoiceKey};

fn pick(key: &str) -> AnswerChange {
    AnswerChange::Answer(Answer::Choice(Some(ChoiceKey(key.into()))))
}

#[test]
fn kept_attempts_are_replaced_whole_and_listed_by_id() {
    each_store(|s| {
        assert_eq!(s.kept_attempt(AttemptId(9001)).unwrap(), None);
        s.keep_attempt(&kept_attempt(9002, true)).unwrap();
        let mut k = kept_attempt(9001, true);
        s.keep_attempt(&k).unwrap();
        k.questions[0].sequence_check = 2;
        k.fetched_ms = 5_000;
        s.keep_attempt(&k).unwrap();
        assert_eq!(s.kept_attempt(AttemptId(9001)).unwrap(), Some(k));
        assert_eq!(
            s.kept_attempts().unwrap(),
            [AttemptId(9001), AttemptId(9002)]
        );
    });
}

#[test]
fn the_latest_change_per_question_wins_and_a_send_settles_only_what_it_sent() {
    each_store(|s| {
        let a = AttemptId(9001);
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        let first = s.queue_answer(a, 1, &pick("0"), 10).unwrap();
        s.queue_answer(a, 1, &AnswerChange::Flag(true), 11).unwrap();
        let latest = s.queue_answer(a, 1, &pick("2"), 12).unwrap();
        s.queue_answer(a, 3, &AnswerChange::Answer(Answer::Text("GCP".into())), 13)
            .unwrap();
        assert!(latest.version > first.version, "versions increase");
        let queued = s.queued_answers(a).unwrap();
        assert_eq!(queued.len(), 2, "one entry per question");
        assert_eq!(queued[0], latest);
        assert_eq!(
            queued[0].answer,
            Some(Answer::Choice(Some(ChoiceKey("2".into()))))
        );
        assert_eq!(
            queued[0].flagged,
            Some(true),
            "the flag stays with the answer"
        );
        assert_eq!(queued[1].slot, 3);
        // A send made with the first version does not settle the change made since.
        assert_eq!(s.settle_answers(a, &[(1, first.version)]).unwrap(), 0);
        assert_eq!(s.queued_answers(a).unwrap().len(), 2);
        assert_eq!(
            s.settle_answers(a, &[(1, latest.version), (3, queued[1].version)])
                .unwrap(),
            2
        );
        assert!(s.queued_answers(a).unwrap().is_empty());
        assert!(s.queued_answers(AttemptId(900)).unwrap().is_empty());
    });
}

#[test]
fn a_question_needing_a_look_keeps_its_answer_until_answered_again() {
    each_store(|s| {
        let a = AttemptId(9001);
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        s.queue_answer(a, 1, &pick("0"), 10).unwrap();
        s.queue_answer(a, 2, &pick("1"), 10).unwrap();
        s.mark_needs_look(a, &[1, 3]).unwrap();
        let q = s.queued_answers(a).unwrap();
        assert!(q[0].needs_look && !q[1].needs_look);
        assert_eq!(
            q.len(),
            2,
            "marking does not queue a question without a change"
        );
        // A flag is not a look at the answer; a new answer is.
        assert!(
            s.queue_answer(a, 1, &AnswerChange::Flag(true), 11)
                .unwrap()
                .needs_look
        );
        assert!(!s.queue_answer(a, 1, &pick("1"), 12).unwrap().needs_look);
    });
}

fn sent(slot: u32, sequence_check: u32, key: &str, flagged: bool) -> SentAnswer {
    SentAnswer {
        slot,
        sequence_check,
        answer: Answer::Choice(Some(ChoiceKey(key.into()))),
        flagged,
    }
}

#[test]
fn sends_on_one_check_are_all_remembered_until_the_site_moves_past_it() {
    each_store(|s| {
        let a = AttemptId(9001);
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        assert!(s.sent_answers(a).unwrap().is_empty());
        s.record_sent(a, &[sent(1, 1, "0", false), sent(12, 4, "1", true)])
            .unwrap();
        // Another send on the same check (the first may be the one the site took); the same
        // one again is remembered once.
        s.record_sent(a, &[sent(1, 1, "2", false), sent(1, 1, "0", false)])
            .unwrap();
        s.record_sent(AttemptId(9002), &[sent(1, 1, "1", false)])
            .unwrap();
        assert_eq!(
            s.sent_answers(a).unwrap(),
            [
                sent(1, 1, "2", false),
                sent(1, 1, "0", false),
                sent(12, 4, "1", true)
            ],
            "per question in slot order, latest last"
        );
        assert_eq!(
            s.unsent_quiz_changes().unwrap(),
            0,
            "what was sent is not unsent"
        );
        // A send on a later check: the device's copy moved past the earlier ones.
        s.record_sent(a, &[sent(1, 2, "1", false)]).unwrap();
        assert_eq!(
            s.sent_answers(a).unwrap(),
            [sent(1, 2, "1", false), sent(12, 4, "1", true)]
        );
        // Settled on check 3 and before: question 12's send, on 4, stays.
        s.forget_sent(a, &[(1, 3), (12, 3), (7, 3)]).unwrap();
        assert_eq!(s.sent_answers(a).unwrap(), [sent(12, 4, "1", true)]);
        s.forget_sent(a, &[(12, 4)]).unwrap();
        assert!(s.sent_answers(a).unwrap().is_empty());
        assert_eq!(s.sent_answers(AttemptId(9002)).unwrap().len(), 1);
    });
}

#[test]
fn a_question_remembers_a_bounded_number_of_sends() {
    each_store(|s| {
        let a = AttemptId(9001);
        for n in 0..40 {
            s.record_sent(a, &[sent(1, 1, &n.to_string(), false)])
                .unwrap();
        }
        let kept = s.sent_answers(a).unwrap();
        assert!(kept.len() < 40, "{}", kept.len());
        assert_eq!(
            kept.last(),
            Some(&sent(1, 1, "39", false)),
            "the latest stays"
        );
    });
}

#[test]
fn a_queued_submission_and_the_unsent_count() {
    each_store(|s| {
        let a = AttemptId(9001);
        assert_eq!(s.unsent_quiz_changes().unwrap(), 0);
        assert!(
            s.set_finish_queued(a, true).is_err(),
            "not kept: nothing to submit"
        );
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        s.queue_answer(a, 1, &pick("0"), 10).unwrap();
        s.queue_answer(a, 2, &pick("0"), 10).unwrap();
        s.set_finish_queued(a, true).unwrap();
        assert!(s.finish_queued(a).unwrap());
        // Keeping a newer copy of the attempt leaves the queued submission alone.
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        assert!(s.finish_queued(a).unwrap());
        assert_eq!(s.unsent_quiz_changes().unwrap(), 3);
        s.set_finish_queued(a, false).unwrap();
        assert!(!s.finish_queued(a).unwrap());
        assert_eq!(s.unsent_quiz_changes().unwrap(), 2);
    });
}

#[test]
fn forgetting_an_attempt_takes_its_changes_and_only_its() {
    each_store(|s| {
        for id in [1, 12] {
            s.keep_attempt(&kept_attempt(id, true)).unwrap();
            s.queue_answer(AttemptId(id), 1, &pick("0"), 10).unwrap();
            s.set_finish_queued(AttemptId(id), true).unwrap();
            s.record_sent(AttemptId(id), &[sent(1, 1, "0", false)])
                .unwrap();
        }
        s.forget_attempt(AttemptId(1)).unwrap();
        assert_eq!(s.kept_attempt(AttemptId(1)).unwrap(), None);
        assert!(s.queued_answers(AttemptId(1)).unwrap().is_empty());
        assert!(s.sent_answers(AttemptId(1)).unwrap().is_empty());
        assert_eq!(s.sent_answers(AttemptId(12)).unwrap().len(), 1);
        assert!(!s.finish_queued(AttemptId(1)).unwrap());
        assert_eq!(s.kept_attempts().unwrap(), [AttemptId(12)]);
        assert_eq!(s.queued_answers(AttemptId(12)).unwrap().len(), 1);
        assert_eq!(s.unsent_quiz_changes().unwrap(), 2);
    });
}

#[test]
fn erasing_takes_the_attempts_and_refuses_new_answers() {
    each_store(|s| {
        let a = AttemptId(9001);
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        s.queue_answer(a, 1, &pick("0"), 10).unwrap();
        s.set_finish_queued(a, true).unwrap();
        s.record_sent(a, &[sent(1, 1, "0", false)]).unwrap();
        s.erase().unwrap();
        assert_eq!(s.kept_attempts().unwrap(), []);
        assert_eq!(s.kept_attempt(a).unwrap(), None);
        assert!(s.queued_answers(a).unwrap().is_empty());
        assert!(s.sent_answers(a).unwrap().is_empty());
        assert!(s.record_sent(a, &[sent(1, 1, "0", false)]).is_err());
        assert_eq!(s.unsent_quiz_changes().unwrap(), 0);
        assert!(s.queue_answer(a, 1, &pick("1"), 11).is_err());
        assert!(s.keep_attempt(&kept_attempt(9001, true)).is_err());
    });
}

/// An answer is on the device the moment it is queued: another handle opened on the same
/// storage (the app started again after being killed) reads it.
fn a_new_handle_sees_queued_answers(first: &dyn Store, reopen: impl FnOnce() -> Box<dyn Store>) {
    let a = AttemptId(9001);
    first.keep_attempt(&kept_attempt(9001, true)).unwrap();
    let queued = first.queue_answer(a, 1, &pick("2"), 10).unwrap();
    first.mark_needs_look(a, &[1]).unwrap();
    first.set_finish_queued(a, true).unwrap();
    first.record_sent(a, &[sent(1, 1, "2", true)]).unwrap();
    let again = reopen();
    assert_eq!(again.sent_answers(a).unwrap(), [sent(1, 1, "2", true)]);
    assert_eq!(
        again.kept_attempt(a).unwrap(),
        Some(kept_attempt(9001, true))
    );
    assert_eq!(
        again.queued_answers(a).unwrap(),
        [QueuedAnswer {
            needs_look: true,
            ..queued
        }]
    );
    assert!(again.finish_queued(a).unwrap());
}

#[test]
fn a_new_kv_handle_sees_queued_answers() {
    let kv = MemoryKv::default();
    let first = KvStore::open(kv.clone(), "t").unwrap();
    a_new_handle_sees_queued_answers(&first, || Box::new(KvStore::open(kv, "t").unwrap()));
}

#[cfg(feature = "sqlite")]
#[test]
fn a_new_sqlite_handle_sees_queued_answers() {
    let file = TempStoreFile::new();
    let path = &file.path;
    let first = SqliteStore::open(path).unwrap();
    a_new_handle_sees_queued_answers(&first, || Box::new(SqliteStore::open(path).unwrap()));
}

#[cfg(feature = "sqlite")]
#[test]
fn a_store_from_before_tests_gains_them_keeping_its_history() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
        // As a store made by the previous release: schema 2, no quiz tables.
        for sql in [
            "DROP TABLE downloads",
            "DROP TABLE announcement_reads",
            "DROP TABLE quiz_sent",
            "DROP TABLE quiz_screens",
            "DROP TABLE quiz_answers",
            "DROP TABLE quiz_attempts",
            "PRAGMA user_version = 2",
        ] {
            s.execute_for_tests(sql).unwrap();
        }
    }
    let s = SqliteStore::open(path).unwrap();
    assert_eq!(s.pending_count().unwrap(), 1);
    s.keep_attempt(&kept_attempt(9001, true)).unwrap();
    s.queue_answer(AttemptId(9001), 1, &pick("0"), 10).unwrap();
    assert_eq!(s.unsent_quiz_changes().unwrap(), 1);
}

#[cfg(feature = "sqlite")]
#[test]
fn a_store_from_before_screen_marks_gains_them_keeping_its_attempts() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        s.queue_answer(AttemptId(9001), 1, &pick("0"), 10).unwrap();
        // As a store made by the release before: schema 3, no screen marks.
        for sql in [
            "DROP TABLE downloads",
            "DROP TABLE announcement_reads",
            "DROP TABLE quiz_sent",
            "DROP TABLE quiz_screens",
            "PRAGMA user_version = 3",
        ] {
            s.execute_for_tests(sql).unwrap();
        }
    }
    let s = SqliteStore::open(path).unwrap();
    assert_eq!(s.unsent_quiz_changes().unwrap(), 1);
    s.mark_on_screen(AttemptId(9001), "tab", Some(1)).unwrap();
    assert_eq!(s.on_screen_marks(AttemptId(9001)).unwrap().len(), 1);
}

#[cfg(feature = "sqlite")]
#[test]
fn a_store_from_before_sends_were_remembered_gains_them_keeping_its_attempts() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        s.queue_answer(AttemptId(9001), 1, &pick("0"), 10).unwrap();
        s.mark_on_screen(AttemptId(9001), "tab", Some(1)).unwrap();
        // As a store made by the release before: schema 4, no sends remembered.
        for sql in [
            "DROP TABLE downloads",
            "DROP TABLE announcement_reads",
            "DROP TABLE quiz_sent",
            "PRAGMA user_version = 4",
        ] {
            s.execute_for_tests(sql).unwrap();
        }
    }
    let s = SqliteStore::open(path).unwrap();
    assert_eq!(s.unsent_quiz_changes().unwrap(), 1);
    assert_eq!(s.on_screen_marks(AttemptId(9001)).unwrap().len(), 1);
    assert!(s.sent_answers(AttemptId(9001)).unwrap().is_empty());
    s.record_sent(AttemptId(9001), &[sent(1, 1, "0", false)])
        .unwrap();
    assert_eq!(s.sent_answers(AttemptId(9001)).unwrap().len(), 1);
}

#[test]
fn screen_marks_are_kept_per_holder_and_go_with_the_attempt() {
    each_store(|s| {
        let a = AttemptId(9001);
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        assert!(s.on_screen_marks(a).unwrap().is_empty());
        s.mark_on_screen(a, "tab-b", Some(5_000)).unwrap();
        s.mark_on_screen(a, "tab-a", Some(1_000)).unwrap();
        s.mark_on_screen(a, "tab-a", Some(2_000)).unwrap();
        s.mark_on_screen(AttemptId(9002), "tab-a", Some(9_000))
            .unwrap();
        assert_eq!(
            s.on_screen_marks(a).unwrap(),
            [("tab-a".to_owned(), 2_000), ("tab-b".to_owned(), 5_000)],
            "renewed, not added"
        );
        s.mark_on_screen(a, "tab-b", None).unwrap();
        assert_eq!(s.on_screen_marks(a).unwrap(), [("tab-a".to_owned(), 2_000)]);
        s.forget_attempt(a).unwrap();
        assert!(s.on_screen_marks(a).unwrap().is_empty());
        assert_eq!(s.on_screen_marks(AttemptId(9002)).unwrap().len(), 1);
        s.erase().unwrap();
        assert!(s.on_screen_marks(AttemptId(9002)).unwrap().is_empty());
    });
}

#[test]
fn a_damaged_kv_screen_mark_holds_nothing() {
    let kv = MemoryKv::default();
    let store = KvStore::open(kv.clone(), "t").unwrap();
    store
        .mark_on_screen(AttemptId(9001), "tab-a", Some(5_000))
        .unwrap();
    kv.set("juko:t:s:9001:tab-b", "soon").unwrap();
    assert_eq!(
        store.on_screen_marks(AttemptId(9001)).unwrap(),
        [("tab-a".to_owned(), 5_000)]
    );
}

#[cfg(feature = "sqlite")]
#[test]
fn a_store_from_before_announcements_were_read_gains_them_keeping_its_history() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.keep_attempt(&kept_attempt(9001, true)).unwrap();
        // As a store made by the release before: schema 5, no read announcements.
        for sql in [
            "DROP TABLE downloads",
            "DROP TABLE announcement_reads",
            "PRAGMA user_version = 5",
        ] {
            s.execute_for_tests(sql).unwrap();
        }
    }
    let s = SqliteStore::open(path).unwrap();
    assert!(s.kept_attempt(AttemptId(9001)).unwrap().is_some());
    assert!(s.read_announcements().unwrap().is_empty());
    s.mark_announcement_read(juko_model::AnnouncementId(4101), 1)
        .unwrap();
    assert_eq!(s.read_announcements().unwrap().len(), 1);
}

fn download(lecture: i64, course: i64) -> crate::downloads::Download {
    crate::downloads::Download {
        lecture: LectureId(lecture),
        course: CourseId(course),
        title: "講義".into(),
        media: juko_model::Media {
            url: "https://h.jp/pluginfile.php/1/a.mp4".into(),
            mime_type: "video/mp4".into(),
            size_bytes: 10,
            external: false,
            modified: 7,
            captions: Vec::new(),
        },
        state: crate::downloads::DownloadState::Queued,
        received: 0,
        total: None,
        etag: None,
        queued_ms: 1,
    }
}

#[test]
fn downloads_are_recorded_replaced_removed_and_erased() {
    each_store(|s| {
        s.put_download(&download(301, 2)).unwrap();
        let mut done = download(302, 3);
        s.put_download(&done).unwrap();
        done.state = crate::downloads::DownloadState::Done { at_ms: 9 };
        done.received = 10;
        done.etag = Some("\"abc\"".into());
        s.put_download(&done).unwrap();
        let mut all = s.downloads().unwrap();
        all.sort_by_key(|d| d.lecture.0);
        assert_eq!(all, [download(301, 2), done.clone()]);
        s.remove_download(LectureId(301)).unwrap();
        assert_eq!(s.downloads().unwrap(), [done]);
        s.erase().unwrap();
        assert!(s.downloads().unwrap().is_empty());
        assert!(
            s.put_download(&download(303, 2)).is_err(),
            "erased: no more writes"
        );
    });
}

#[cfg(feature = "sqlite")]
#[test]
fn a_store_from_before_downloads_gains_them_keeping_its_history() {
    let file = TempStoreFile::new();
    let path = &file.path;
    {
        let s = SqliteStore::open(path).unwrap();
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
        // As a store made by the release before: schema 6, no downloads.
        for sql in ["DROP TABLE downloads", "PRAGMA user_version = 6"] {
            s.execute_for_tests(sql).unwrap();
        }
    }
    let s = SqliteStore::open(path).unwrap();
    assert_eq!(s.pending_count().unwrap(), 1);
    s.put_download(&download(301, 2)).unwrap();
    assert_eq!(s.downloads().unwrap().len(), 1);
}

#[test]
fn a_lecture_left_at_its_end_is_not_resumed_there() {
    let at = |seconds: f64, duration: Option<f64>| {
        let mut l = LocalProgress::new(LectureId(1));
        l.duration_secs = duration;
        l.progress.position = Some(ResumePosition {
            seconds,
            client_time_ms: 0,
        });
        l.resume_at()
    };
    assert_eq!(at(120.0, Some(300.0)), Some(120.0));
    assert_eq!(at(298.0, Some(300.0)), None, "within the margin of the end");
    assert_eq!(at(300.0, Some(300.0)), None);
    assert_eq!(
        at(298.0, None),
        Some(298.0),
        "length unknown: the player decides"
    );
    assert_eq!(at(0.0, Some(300.0)), None, "the start is no resume");
    assert_eq!(LocalProgress::new(LectureId(1)).resume_at(), None);
}
