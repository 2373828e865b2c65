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
    let dir = std::env::temp_dir().join(format!("juko-store-{}", crate::ids::new_id()));
    let path = dir.join("history.sqlite3");
    {
        let s = SqliteStore::open(&path).unwrap();
        s.record(&played("a", 301, 0.0, 5.0, 1), ctx(10.0), 1)
            .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.pending_count().unwrap(), 1);
    assert!(s.lecture(LectureId(301)).unwrap().is_some());
    std::fs::remove_dir_all(dir).ok();
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
