//! What to send and how to read the answer: no IO, so every rule is tested directly.

use juko_model::{ProgressEvent, PushOutcome};
use std::collections::HashSet;

/// Events per push: the server's batch limit (docs/progress-protocol.md).
pub const BATCH_SIZE: usize = 500;
/// Lectures per pull.
pub const PAGE_SIZE: u32 = 500;

/// The pending events in pushes of at most `size`, oldest first.
pub fn batches(pending: &[ProgressEvent], size: usize) -> Vec<&[ProgressEvent]> {
    pending.chunks(size.max(1)).collect()
}

/// Keeps only the parts of the server's answer about events in `sent`: a confused or hostile
/// answer must not settle events that were never sent (they would be lost).
pub fn reconcile(sent: &[ProgressEvent], outcome: PushOutcome) -> PushOutcome {
    let ids: HashSet<&str> = sent.iter().map(|e| e.id.as_str()).collect();
    let keep = |v: Vec<String>| {
        v.into_iter()
            .filter(|id| ids.contains(id.as_str()))
            .collect()
    };
    PushOutcome {
        applied: keep(outcome.applied),
        known: keep(outcome.known),
        rejected: outcome
            .rejected
            .into_iter()
            .filter(|r| ids.contains(r.id.as_str()))
            .collect(),
        cursor: outcome.cursor,
        threshold: outcome.threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{LectureId, ProgressKind, Rejection};

    fn event(id: &str) -> ProgressEvent {
        ProgressEvent {
            id: id.into(),
            lecture: LectureId(1),
            kind: ProgressKind::Position(1.0),
            client_time_ms: 1,
        }
    }

    #[test]
    fn batches_split_in_order() {
        let events: Vec<_> = (0..7).map(|i| event(&i.to_string())).collect();
        let sizes: Vec<usize> = batches(&events, 3).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        assert_eq!(batches(&events, 3)[2][0].id, "6");
        assert!(batches(&[], 3).is_empty());
        assert_eq!(
            batches(&events, 0).len(),
            7,
            "a zero size still makes progress"
        );
    }

    #[test]
    fn only_sent_events_are_settled() {
        let sent = [event("a"), event("b"), event("c")];
        let answer = PushOutcome {
            applied: vec!["a".into(), "zzz".into()],
            known: vec!["b".into(), "other".into()],
            rejected: vec![
                Rejection {
                    id: "c".into(),
                    reason: "negative".into(),
                    message: String::new(),
                },
                Rejection {
                    id: "x".into(),
                    reason: "negative".into(),
                    message: String::new(),
                },
            ],
            cursor: "3".into(),
            threshold: 0.9,
        };
        let r = reconcile(&sent, answer);
        assert_eq!(r.applied, ["a"]);
        assert_eq!(r.known, ["b"]);
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].id, "c");
    }
}

/// The outbox made smaller before a push: per lecture, the played intervals merged into as few
/// events as their union needs, and only the latest position. Returns the new events and the
/// ids they replace, or `None` when nothing would shrink.
///
/// Safe even for events already sent whose answer was lost: union and latest-position are
/// idempotent, so the server applying both the old and the new events holds the same history.
pub fn compact(
    pending: &[ProgressEvent],
    new_id: impl Fn() -> String,
) -> Option<(Vec<ProgressEvent>, Vec<String>)> {
    use juko_model::{Interval, LectureId, ProgressKind, ResumePosition};
    use std::collections::BTreeMap;
    /// Per lecture: valid played intervals with their times, and the latest position.
    #[derive(Default)]
    struct PerLecture {
        played: Vec<(Interval, i64)>,
        position: Option<ResumePosition>,
    }
    let mut by_lecture: BTreeMap<LectureId, PerLecture> = BTreeMap::new();
    let mut replaced = Vec::new();
    for e in pending {
        match e.kind {
            ProgressKind::Played(i) => {
                // An invalid interval stays as it is: the server rejects it, and it is kept with
                // the reason for diagnosis (it must not vanish into a merge).
                let Some(valid) = Interval::new(i.from, i.to) else {
                    continue;
                };
                by_lecture
                    .entry(e.lecture)
                    .or_default()
                    .played
                    .push((valid, e.client_time_ms));
            }
            ProgressKind::Position(seconds) => {
                let p = ResumePosition {
                    seconds,
                    client_time_ms: e.client_time_ms,
                };
                let l = by_lecture.entry(e.lecture).or_default();
                l.position = Some(l.position.map_or(p, |old| ResumePosition::latest(old, p)));
            }
        }
        replaced.push(e.id.clone());
    }
    let mut out = Vec::new();
    for (lecture, mut l) in by_lecture {
        // Merge overlapping or touching intervals; each merged one keeps the latest time of
        // its own parts (so one event's clock cannot date another's).
        l.played.sort_by(|a, b| a.0.from.total_cmp(&b.0.from));
        let mut merged: Vec<(Interval, i64)> = Vec::new();
        for (i, t) in l.played {
            match merged.last_mut() {
                Some((m, mt)) if i.from <= m.to => {
                    m.to = m.to.max(i.to);
                    *mt = (*mt).max(t);
                }
                _ => merged.push((i, t)),
            }
        }
        out.extend(merged.into_iter().map(|(i, t)| ProgressEvent {
            id: new_id(),
            lecture,
            kind: ProgressKind::Played(i),
            client_time_ms: t,
        }));
        if let Some(p) = l.position {
            out.push(ProgressEvent {
                id: new_id(),
                lecture,
                kind: ProgressKind::Position(p.seconds),
                client_time_ms: p.client_time_ms,
            });
        }
    }
    (out.len() < replaced.len()).then_some((out, replaced))
}

#[cfg(test)]
mod compact_tests {
    use super::compact;
    use crate::test_events::{played, position};
    use juko_model::{Interval, ProgressKind};

    #[test]
    fn a_minute_of_playback_becomes_two_events() {
        let mut pending = Vec::new();
        for k in 0..12 {
            let (from, t) = (f64::from(k) * 5.0, i64::from(k) * 5_000);
            pending.push(played(&format!("p{k}"), 7, from, from + 5.0, t));
            pending.push(position(&format!("q{k}"), 7, from + 5.0, t));
        }
        let counter = std::cell::Cell::new(0);
        let (events, replaced) = compact(&pending, || {
            counter.set(counter.get() + 1);
            format!("n{}", counter.get())
        })
        .expect("shrinks");
        assert_eq!(replaced.len(), 24);
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].kind,
            ProgressKind::Played(Interval {
                from: 0.0,
                to: 60.0
            })
        );
        assert_eq!(events[1].kind, ProgressKind::Position(60.0));
        assert_eq!(events[1].client_time_ms, 55_000);
    }

    #[test]
    fn merged_intervals_keep_their_own_times_and_invalid_ones_stay_queued() {
        let pending = [
            played("a", 1, 0.0, 5.0, 10),
            played("b", 1, 5.0, 9.0, 20),
            played("c", 1, 20.0, 25.0, 99),
            played("d", 1, 30.0, 31.0, 30),
            played("e", 1, 31.0, 32.0, 40),
            played("bad", 1, 7.0, 3.0, 50),
        ];
        let (events, replaced) = compact(&pending, || "n".into()).expect("shrinks");
        let times: Vec<i64> = events.iter().map(|e| e.client_time_ms).collect();
        assert_eq!(times, [20, 99, 40]);
        assert!(!replaced.contains(&"bad".to_string()), "{replaced:?}");
        assert_eq!(replaced.len(), 5);
    }

    #[test]
    fn gaps_and_lectures_stay_apart_and_small_outboxes_are_left_alone() {
        let pending = [
            played("a", 1, 0.0, 5.0, 1),
            played("b", 1, 10.0, 15.0, 2),
            played("c", 2, 0.0, 5.0, 3),
        ];
        assert!(compact(&pending, || "n".into()).is_none());
        let pending = [
            played("a", 1, 0.0, 5.0, 1),
            played("b", 1, 5.0, 9.0, 2),
            played("c", 2, 0.0, 5.0, 3),
        ];
        let (events, _) = compact(&pending, || "n".into()).expect("shrinks");
        assert_eq!(events.len(), 2);
    }
}
