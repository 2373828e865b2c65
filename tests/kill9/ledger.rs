//! The bookkeeping of the kill -9 proof: what the probes said they recorded, read from their
//! output, and the check of it against what the device and the server hold, **by event id**.
//!
//! Coverage cannot prove that nothing was lost: the union of many segments hides a missing one.
//! So each event gets its own slot of the lecture (see [`slot_interval`]) and the check compares
//! ids: every acknowledged id must be on the server, once; every id on the server must be one a
//! probe recorded.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use juko_model::{Interval, WatchedIntervals};

/// Each event covers its own stretch of media time: slot `k` is `[k/32, k/32 + 1/64]` seconds.
///
/// Disjoint and never touching, so (1) the outbox compaction, which merges overlapping or touching
/// segments into new events under new ids, finds nothing to shrink and every event reaches the
/// server under the id its probe printed; (2) a lost event would also leave a hole in the
/// history. Binary fractions print and parse back exactly.
const SLOT: f64 = 1.0 / 32.0;

pub(crate) fn slot_interval(slot: u64) -> Interval {
    let from = slot as f64 * SLOT;
    Interval {
        from,
        to: from + SLOT / 2.0,
    }
}

/// How many slots fit in a lecture of `duration` seconds.
pub(crate) fn slots_in(duration: f64) -> u64 {
    (duration / SLOT) as u64
}

/// What a probe prints, one line each. `INTENT` comes before the store's commit (so whatever a
/// killed probe may have committed is known), `ACK` after it (the event is acknowledged).
#[derive(Debug, PartialEq)]
pub(crate) enum Line {
    Intent {
        id: String,
        slot: u64,
    },
    Ack {
        id: String,
    },
    Synced,
    /// A fault the probe injected on purpose (only in the tests of this checker).
    Fault(String),
    Other,
}

pub(crate) fn parse(line: &str) -> Line {
    let words: Vec<&str> = line.split(' ').collect();
    match words.as_slice() {
        ["INTENT", id, slot] => match slot.parse() {
            Ok(slot) => Line::Intent {
                id: id.to_string(),
                slot,
            },
            Err(_) => Line::Other,
        },
        ["ACK", id] => Line::Ack { id: id.to_string() },
        ["SYNCED", ..] => Line::Synced,
        ["FAULT", ..] => Line::Fault(line["FAULT ".len()..].to_string()),
        _ => Line::Other,
    }
}

/// Everything the probes printed, over all rounds.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Every event a probe was about to record, with its slot. A kill can land between the
    /// intent and the commit, so these may or may not be in the store.
    intended: BTreeMap<String, u64>,
    /// The ids the probes acknowledged: in the store, committed, then printed.
    acknowledged: BTreeSet<String>,
    /// The probe's output contradicting itself (an id announced twice, an ack without intent).
    malformed: Vec<String>,
    /// The current probe's last announced event.
    open: Option<String>,
    pub(crate) syncs: usize,
    pub(crate) faults: Vec<String>,
}

impl Ledger {
    pub(crate) fn take(&mut self, line: &str) {
        match parse(line) {
            Line::Intent { id, slot } => {
                // A probe records one event at a time: the one before this must be acknowledged.
                if let Some(previous) = self.open.replace(id.clone())
                    && !self.acknowledged.contains(&previous)
                {
                    self.malformed.push(format!(
                        "{previous} never acknowledged, yet the probe went on"
                    ));
                }
                if self.intended.insert(id.clone(), slot).is_some() {
                    self.malformed.push(format!("{id} announced twice"));
                }
            }
            Line::Ack { id } => {
                if !self.intended.contains_key(&id) {
                    self.malformed
                        .push(format!("{id} acknowledged without an intent"));
                }
                if !self.acknowledged.insert(id.clone()) {
                    self.malformed.push(format!("{id} acknowledged twice"));
                }
            }
            Line::Synced => self.syncs += 1,
            Line::Fault(f) => self.faults.push(f),
            Line::Other => {}
        }
    }

    /// A probe was killed: its last announced event may or may not be in the store.
    pub(crate) fn end_of_probe(&mut self) {
        self.open = None;
    }

    /// The first slot no probe has announced yet: where the next probe starts.
    pub(crate) fn next_slot(&self) -> u64 {
        self.intended.values().max().map_or(0, |s| s + 1)
    }

    pub(crate) fn acknowledged(&self) -> usize {
        self.acknowledged.len()
    }

    /// Announced but never acknowledged: each the last event of a killed probe, cut before or
    /// after its commit (anything else is reported as malformed).
    pub(crate) fn unacknowledged(&self) -> usize {
        self.intended.len() - self.acknowledged.len()
    }
}

/// Where events are, by id, at one moment.
#[derive(Debug, Default)]
pub(crate) struct Holdings {
    /// The ids the server has applied for the learner (its event table, read as it is: an id
    /// present twice would appear twice).
    pub(crate) server: Vec<String>,
    /// The ids in the device's outbox.
    pub(crate) outbox: Vec<String>,
}

/// What is wrong, by id. Empty when the run lost nothing and counted nothing twice.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Findings {
    /// Acknowledged, but before the final sync neither in the device's outbox nor on the
    /// server: the device let go of it.
    pub(crate) vanished_on_device: BTreeSet<String>,
    /// Acknowledged, but not on the server after the final sync.
    pub(crate) lost: BTreeSet<String>,
    /// On the server, but no probe ever recorded an event with that id: an event counted a
    /// second time under a new id (or made up).
    pub(crate) unaccounted: BTreeSet<String>,
    /// On the server more than once.
    pub(crate) counted_twice: BTreeSet<String>,
    /// Histories that are not exactly the union of the slots the server holds.
    pub(crate) histories: Vec<String>,
    pub(crate) malformed: Vec<String>,
}

impl Findings {
    pub(crate) fn is_clean(&self) -> bool {
        *self == Findings::default()
    }
}

impl fmt::Display for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = |what: &str, ids: &BTreeSet<String>| {
            if ids.is_empty() {
                return Ok(());
            }
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            writeln!(f, "{what} ({}): {}", ids.len(), ids.join(", "))
        };
        list(
            "acknowledged, gone from the device",
            &self.vanished_on_device,
        )?;
        list("acknowledged, not on the server", &self.lost)?;
        list(
            "on the server, never recorded (counted twice under a new id?)",
            &self.unaccounted,
        )?;
        list("on the server more than once", &self.counted_twice)?;
        for h in self.histories.iter().chain(&self.malformed) {
            writeln!(f, "{h}")?;
        }
        Ok(())
    }
}

/// Compares the ledger with the holdings before the final sync (`before`), the server's ids
/// after it (`server`), and the history each side holds after it.
pub(crate) fn check(
    ledger: &Ledger,
    before: &Holdings,
    server: &[String],
    server_history: &WatchedIntervals,
    device_history: &WatchedIntervals,
) -> Findings {
    let held_before: BTreeSet<&String> = before.server.iter().chain(&before.outbox).collect();
    let on_server: BTreeSet<&String> = server.iter().collect();
    let mut seen = BTreeSet::new();
    let counted_twice = server
        .iter()
        .filter(|id| !seen.insert(*id))
        .cloned()
        .collect();
    // What the server should hold: the slots of the ids it has, each once.
    let want = WatchedIntervals::from_intervals(
        on_server
            .iter()
            .filter_map(|id| ledger.intended.get(*id))
            .map(|slot| slot_interval(*slot)),
    );
    let mut histories = Vec::new();
    for (who, got) in [("server", server_history), ("device", device_history)] {
        if *got != want {
            histories.push(format!(
                "the {who}'s history is not the union of the {} events on the server: {} intervals, want {}",
                on_server.len(),
                got.intervals().len(),
                want.intervals().len()
            ));
        }
    }
    Findings {
        vanished_on_device: ledger
            .acknowledged
            .iter()
            .filter(|id| !held_before.contains(id))
            .cloned()
            .collect(),
        lost: ledger
            .acknowledged
            .iter()
            .filter(|id| !on_server.contains(id))
            .cloned()
            .collect(),
        unaccounted: on_server
            .iter()
            .filter(|id| !ledger.intended.contains_key(**id))
            .map(|id| id.to_string())
            .collect(),
        counted_twice,
        histories,
        malformed: ledger.malformed.clone(),
    }
}

/// The checker's own tests: a run it must pass, and each kind of loss it must name.
pub(crate) mod tests {
    use super::*;

    fn ledger(lines: &[&str]) -> Ledger {
        let mut l = Ledger::default();
        for line in lines {
            l.take(line);
        }
        l
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn history(slots: &[u64]) -> WatchedIntervals {
        WatchedIntervals::from_intervals(slots.iter().map(|s| slot_interval(*s)))
    }

    /// a, b acknowledged; c announced and cut by the kill (committed: it is in the outbox).
    const RUN: &[&str] = &[
        "INTENT a 0",
        "ACK a",
        "SYNCED 1 0",
        "INTENT b 1",
        "ACK b",
        "INTENT c 2",
    ];

    pub(crate) fn passes_a_clean_run() {
        let l = ledger(RUN);
        assert_eq!(
            (l.acknowledged(), l.unacknowledged(), l.next_slot()),
            (2, 1, 3)
        );
        let before = Holdings {
            server: ids(&["a"]),
            outbox: ids(&["b", "c"]),
        };
        let server = ids(&["a", "b", "c"]);
        let h = history(&[0, 1, 2]);
        let f = check(&l, &before, &server, &h, &h);
        assert!(f.is_clean(), "{f}");
        // An announced event the kill cut before its commit is fine missing too.
        let before = Holdings {
            server: ids(&["a"]),
            outbox: ids(&["b"]),
        };
        let h = history(&[0, 1]);
        let f = check(&l, &before, &ids(&["a", "b"]), &h, &h);
        assert!(f.is_clean(), "{f}");
    }

    pub(crate) fn names_an_acknowledged_event_that_is_missing() {
        let l = ledger(RUN);
        // b vanished from the outbox before it was sent.
        let before = Holdings {
            server: ids(&["a"]),
            outbox: ids(&["c"]),
        };
        let h = history(&[0, 2]);
        let f = check(&l, &before, &ids(&["a", "c"]), &h, &h);
        assert_eq!(f.lost, BTreeSet::from(["b".to_string()]));
        assert_eq!(f.vanished_on_device, f.lost);
        assert!(f.unaccounted.is_empty() && f.histories.is_empty());
        assert!(f.to_string().contains("not on the server (1): b"), "{f}");
    }

    pub(crate) fn names_an_event_counted_under_a_new_id() {
        let l = ledger(RUN);
        let before = Holdings {
            server: ids(&["a"]),
            outbox: ids(&["b", "c", "a-again"]),
        };
        let h = history(&[0, 1, 2]);
        let f = check(&l, &before, &ids(&["a", "b", "c", "a-again"]), &h, &h);
        assert_eq!(f.unaccounted, BTreeSet::from(["a-again".to_string()]));
        assert!(f.lost.is_empty() && f.vanished_on_device.is_empty());
        // And an id the server holds twice.
        let f = check(&l, &before, &ids(&["a", "b", "c", "b"]), &h, &h);
        assert_eq!(f.counted_twice, BTreeSet::from(["b".to_string()]));
    }

    pub(crate) fn names_a_history_that_differs() {
        let l = ledger(RUN);
        let before = Holdings {
            server: ids(&["a", "b"]),
            outbox: vec![],
        };
        let server = ids(&["a", "b"]);
        let f = check(&l, &before, &server, &history(&[0, 1]), &history(&[0]));
        assert_eq!(f.histories.len(), 1, "{f}");
        assert!(f.histories[0].starts_with("the device's history"));
        assert!(!f.is_clean());
    }

    pub(crate) fn reads_probe_lines() {
        assert_eq!(
            parse("INTENT 0b9e 12"),
            Line::Intent {
                id: "0b9e".into(),
                slot: 12
            }
        );
        assert_eq!(parse("ACK 0b9e"), Line::Ack { id: "0b9e".into() });
        assert_eq!(parse("INTENT 0b9e x"), Line::Other);
        assert_eq!(
            parse("FAULT dropped 0b9e"),
            Line::Fault("dropped 0b9e".into())
        );
        let l = ledger(&["ACK z", "INTENT a 0", "ACK a", "INTENT a 1"]);
        assert_eq!(l.malformed.len(), 2, "{:?}", l.malformed);
        // Only a killed probe may leave its last event unacknowledged.
        let mut l = ledger(&["INTENT a 0", "INTENT b 1"]);
        assert_eq!(l.malformed, ["a never acknowledged, yet the probe went on"]);
        l.end_of_probe();
        l.take("INTENT c 2");
        assert_eq!(l.malformed.len(), 1);
        assert_eq!(
            slot_interval(3),
            Interval {
                from: 0.09375,
                to: 0.109375
            }
        );
        assert_eq!(slots_in(68.0), 2176);
    }
}
