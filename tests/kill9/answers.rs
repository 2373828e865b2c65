//! The bookkeeping of the kill -9 proof for a test's answers: what the probes said they chose,
//! read from their output, and the check of it against what the device's copy and the site
//! show, **question by question**.
//!
//! Every change a probe makes gets its own number and says what it sets (an answer, or a flag)
//! on which question. A question must show its last acknowledged answer and flag; the only
//! other value it may show is one a killed probe announced after that (cut before or after its
//! commit, so either is right).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What one change sets on its question.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    /// The answer, as its JSON (`juko_model::Answer`), compared as text.
    Answer(String),
    Flag(bool),
}

/// What a question shows, on the device or on the site.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Shown {
    /// The answer it holds, as its JSON (`juko_model::Answer`).
    pub(crate) answer: String,
    pub(crate) flagged: bool,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.answer)?;
        if self.flagged {
            write!(f, " (flagged)")?;
        }
        Ok(())
    }
}

/// What a probe prints, one line each. `CHANGE` comes before the store's commit (so whatever a
/// killed probe may have committed is known), `ACK` after it (the change is acknowledged).
#[derive(Debug, PartialEq)]
pub(crate) enum Line {
    Change {
        n: u64,
        slot: u32,
        change: Change,
    },
    Ack {
        n: u64,
    },
    /// A save to the site begins.
    Saving,
    /// It is done; `looks` questions then need the learner's look (see `juko_core::quiz`).
    Saved {
        looks: usize,
    },
    /// A fault the probe injected on purpose (only in the tests of this checker).
    Fault(String),
    Other,
}

pub(crate) fn parse(line: &str) -> Line {
    let words: Vec<&str> = line.splitn(5, ' ').collect();
    let number = |w: &str| w.parse::<u64>().ok();
    match words.as_slice() {
        ["CHANGE", n, slot, what, value] => {
            let change = match *what {
                "answer" => Some(Change::Answer(value.to_string())),
                "flag" => value.parse().ok().map(Change::Flag),
                _ => None,
            };
            match (number(n), slot.parse().ok(), change) {
                (Some(n), Some(slot), Some(change)) => Line::Change { n, slot, change },
                _ => Line::Other,
            }
        }
        ["ACK", n] => number(n).map_or(Line::Other, |n| Line::Ack { n }),
        ["SAVING"] => Line::Saving,
        ["SAVED", _, looks] => Line::Saved {
            looks: looks.parse().unwrap_or(0),
        },
        ["SAVED", ..] => Line::Saved { looks: 0 },
        ["FAULT", ..] => Line::Fault(line["FAULT ".len()..].to_string()),
        _ => Line::Other,
    }
}

/// The values one field of one question may show: its last acknowledged value, and the values
/// killed probes announced for it after that.
#[derive(Debug, Clone)]
struct Allowed<T> {
    acknowledged: T,
    cut: Vec<T>,
}

impl<T: PartialEq> Allowed<T> {
    fn allows(&self, value: &T) -> bool {
        self.acknowledged == *value || self.cut.contains(value)
    }
}

/// Everything the probes printed, over all rounds, question by question.
#[derive(Debug, Default)]
pub(crate) struct AnswerLedger {
    answers: BTreeMap<u32, Allowed<String>>,
    flags: BTreeMap<u32, Allowed<bool>>,
    /// Every change announced, by number.
    announced: BTreeMap<u64, (u32, Change)>,
    acknowledged: BTreeSet<u64>,
    /// Changes announced and not acknowledged, not yet overtaken by an acknowledged one.
    open: Option<u64>,
    malformed: Vec<String>,
    /// A save the current probe began is not done yet.
    saving: bool,
    /// Saves done.
    pub(crate) saves: usize,
    /// Probes killed while saving.
    pub(crate) killed_saving: usize,
    /// Saves after which a question needed the learner's look.
    pub(crate) saves_with_looks: usize,
    pub(crate) faults: Vec<String>,
}

impl AnswerLedger {
    /// The questions as the site sent them when the attempt was opened: what each shows until a
    /// probe changes it.
    pub(crate) fn new(start: &BTreeMap<u32, Shown>) -> AnswerLedger {
        let mut ledger = AnswerLedger::default();
        for (slot, shown) in start {
            ledger.answers.insert(
                *slot,
                Allowed {
                    acknowledged: shown.answer.clone(),
                    cut: Vec::new(),
                },
            );
            ledger.flags.insert(
                *slot,
                Allowed {
                    acknowledged: shown.flagged,
                    cut: Vec::new(),
                },
            );
        }
        ledger
    }

    pub(crate) fn take(&mut self, line: &str) {
        match parse(line) {
            Line::Change { n, slot, change } => {
                // A probe makes one change at a time: the one before this must be acknowledged.
                if let Some(previous) = self.open.replace(n)
                    && !self.acknowledged.contains(&previous)
                {
                    self.malformed.push(format!(
                        "change {previous} never acknowledged, yet the probe went on"
                    ));
                }
                if self.announced.insert(n, (slot, change.clone())).is_some() {
                    self.malformed.push(format!("change {n} announced twice"));
                }
                match change {
                    Change::Answer(a) => self.answers.get_mut(&slot).map(|f| f.cut.push(a)),
                    Change::Flag(b) => self.flags.get_mut(&slot).map(|f| f.cut.push(b)),
                }
                .unwrap_or_else(|| {
                    self.malformed
                        .push(format!("change {n} is to question {slot}, not in the test"))
                });
            }
            Line::Ack { n } => {
                if !self.acknowledged.insert(n) {
                    self.malformed
                        .push(format!("change {n} acknowledged twice"));
                }
                match self.announced.get(&n).cloned() {
                    None => self
                        .malformed
                        .push(format!("change {n} acknowledged without being announced")),
                    // Acknowledged: what earlier probes may have left is overtaken.
                    Some((slot, Change::Answer(a))) => {
                        if let Some(f) = self.answers.get_mut(&slot) {
                            f.acknowledged = a;
                            f.cut.clear();
                        }
                    }
                    Some((slot, Change::Flag(b))) => {
                        if let Some(f) = self.flags.get_mut(&slot) {
                            f.acknowledged = b;
                            f.cut.clear();
                        }
                    }
                }
            }
            Line::Saving => self.saving = true,
            Line::Saved { looks } => {
                self.saving = false;
                self.saves += 1;
                self.saves_with_looks += usize::from(looks > 0);
            }
            Line::Fault(f) => self.faults.push(f),
            Line::Other => {}
        }
    }

    /// A probe was killed: its last announced change may or may not be in the store.
    pub(crate) fn end_of_probe(&mut self) {
        self.open = None;
        self.killed_saving += usize::from(std::mem::take(&mut self.saving));
    }

    /// The first change number no probe has announced yet: where the next probe starts.
    pub(crate) fn next_change(&self) -> u64 {
        self.announced.keys().max().map_or(0, |n| n + 1)
    }

    pub(crate) fn acknowledged(&self) -> usize {
        self.acknowledged.len()
    }

    /// Announced but never acknowledged: each the last change of a killed probe.
    pub(crate) fn unacknowledged(&self) -> usize {
        self.announced.len() - self.acknowledged.len()
    }

    /// Why `shown` is not what question `slot` may show, if it is not.
    fn wrong(&self, slot: u32, shown: &Shown) -> Option<String> {
        let (answer, flag) = (self.answers.get(&slot)?, self.flags.get(&slot)?);
        let mut why = Vec::new();
        if !answer.allows(&shown.answer) {
            why.push(format!(
                "answer {}, the last acknowledged is {}",
                shown.answer, answer.acknowledged
            ));
        }
        if !flag.allows(&shown.flagged) {
            why.push(format!(
                "flagged {}, the last acknowledged is {}",
                shown.flagged, flag.acknowledged
            ));
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

/// What is wrong, question by question. Empty when the run lost nothing.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Findings {
    /// Questions whose answer or flag on the device is not the last acknowledged one (nor one a
    /// killed probe may have committed after it), with what is wrong.
    pub(crate) device: BTreeMap<u32, String>,
    /// Questions the site holds otherwise, after the final save: not the last acknowledged, or
    /// not what the device shows.
    pub(crate) site: BTreeMap<u32, String>,
    pub(crate) malformed: Vec<String>,
}

impl Findings {
    pub(crate) fn is_clean(&self) -> bool {
        *self == Findings::default()
    }
}

impl fmt::Display for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (who, wrong) in [("the device", &self.device), ("the site", &self.site)] {
            for (slot, why) in wrong {
                writeln!(f, "question {slot} on {who}: {why}")?;
            }
        }
        for m in &self.malformed {
            writeln!(f, "{m}")?;
        }
        Ok(())
    }
}

/// Compares the ledger with what the device's copy shows after the kills (`device`) and what
/// the site holds after the final save (`site`), question by question.
pub(crate) fn check(
    ledger: &AnswerLedger,
    device: &BTreeMap<u32, Shown>,
    site: &BTreeMap<u32, Shown>,
) -> Findings {
    let mut findings = Findings {
        malformed: ledger.malformed.clone(),
        ..Findings::default()
    };
    for slot in ledger.answers.keys() {
        let on_device = device.get(slot);
        let why = match on_device {
            None => Some("missing".to_string()),
            Some(shown) => ledger.wrong(*slot, shown),
        };
        if let Some(why) = why {
            findings.device.insert(*slot, why);
        }
        let why = match (site.get(slot), on_device) {
            (None, _) => Some("missing".to_string()),
            (Some(shown), _) if ledger.wrong(*slot, shown).is_some() => ledger.wrong(*slot, shown),
            (Some(shown), Some(d)) if shown != d => {
                Some(format!("{shown}, while the device shows {d}"))
            }
            _ => None,
        };
        if let Some(why) = why {
            findings.site.insert(*slot, why);
        }
    }
    for slot in device.keys().chain(site.keys()) {
        if !ledger.answers.contains_key(slot) {
            findings
                .malformed
                .push(format!("question {slot} shown, not in the test"));
        }
    }
    findings
}

/// The checker's own tests: a run it must pass, and each kind of loss it must name.
pub(crate) mod tests {
    use super::*;

    fn shown(answer: &str, flagged: bool) -> Shown {
        Shown {
            answer: answer.into(),
            flagged,
        }
    }

    /// Two questions, blank and unflagged at the start.
    fn start() -> BTreeMap<u32, Shown> {
        BTreeMap::from([(1, shown("blank", false)), (2, shown("blank", false))])
    }

    fn ledger(lines: &[&str]) -> AnswerLedger {
        let mut l = AnswerLedger::new(&start());
        for line in lines {
            l.take(line);
        }
        l
    }

    /// Question 1 answered a then b, question 2 flagged; then c on 1 announced and cut by the
    /// kill (it may or may not be committed).
    const RUN: &[&str] = &[
        "CHANGE 0 1 answer a",
        "ACK 0",
        "CHANGE 1 2 flag true",
        "ACK 1",
        "SAVING",
        "SAVED 0 0",
        "CHANGE 2 1 answer b",
        "ACK 2",
        "CHANGE 3 1 answer c",
    ];

    pub(crate) fn passes_a_clean_run() {
        let l = ledger(RUN);
        assert_eq!(
            (
                l.acknowledged(),
                l.unacknowledged(),
                l.next_change(),
                l.saves
            ),
            (3, 1, 4, 1)
        );
        for last in ["b", "c"] {
            let held = BTreeMap::from([(1, shown(last, false)), (2, shown("blank", true))]);
            let f = check(&l, &held, &held);
            assert!(f.is_clean(), "{f}");
        }
        // A question no probe changed shows what the site sent at the start.
        let l = ledger(&["CHANGE 0 1 answer a", "ACK 0"]);
        let held = BTreeMap::from([(1, shown("a", false)), (2, shown("blank", false))]);
        assert!(check(&l, &held, &held).is_clean());
    }

    pub(crate) fn names_a_lost_answer() {
        let l = ledger(RUN);
        // b was acknowledged, yet the device shows a: b is lost.
        let device = BTreeMap::from([(1, shown("a", false)), (2, shown("blank", true))]);
        let f = check(&l, &device, &device);
        assert_eq!(f.device.keys().collect::<Vec<_>>(), [&1], "{f}");
        assert_eq!(f.site.keys().collect::<Vec<_>>(), [&1], "{f}");
        assert!(
            f.to_string()
                .contains("question 1 on the device: answer a, the last acknowledged is b"),
            "{f}"
        );
        // A cut change overtaken by an acknowledged one is no longer allowed.
        let l = ledger(&[RUN, &["ACK 3", "CHANGE 4 1 answer d", "ACK 4"]].concat());
        let device = BTreeMap::from([(1, shown("c", false)), (2, shown("blank", true))]);
        assert_eq!(check(&l, &device, &device).device.len(), 1);
    }

    pub(crate) fn names_a_lost_flag() {
        let l = ledger(RUN);
        let device = BTreeMap::from([(1, shown("b", false)), (2, shown("blank", false))]);
        let f = check(&l, &device, &device);
        assert_eq!(f.device.keys().collect::<Vec<_>>(), [&2], "{f}");
        assert!(f.device[&2].starts_with("flagged false"), "{f}");
    }

    pub(crate) fn names_a_site_that_differs_from_the_device() {
        let l = ledger(RUN);
        let device = BTreeMap::from([(1, shown("c", false)), (2, shown("blank", true))]);
        // Both allowed, yet the site must hold what the device shows.
        let site = BTreeMap::from([(1, shown("b", false)), (2, shown("blank", true))]);
        let f = check(&l, &device, &site);
        assert!(f.device.is_empty(), "{f}");
        assert_eq!(f.site.keys().collect::<Vec<_>>(), [&1], "{f}");
        // A question missing on the site.
        let site = BTreeMap::from([(1, shown("c", false))]);
        assert_eq!(check(&l, &device, &site).site[&2], "missing");
    }

    pub(crate) fn reads_probe_lines() {
        assert_eq!(
            parse(r#"CHANGE 7 3 answer {"Text":"こたえ 7"}"#),
            Line::Change {
                n: 7,
                slot: 3,
                change: Change::Answer(r#"{"Text":"こたえ 7"}"#.into())
            }
        );
        assert_eq!(
            parse("CHANGE 8 3 flag true"),
            Line::Change {
                n: 8,
                slot: 3,
                change: Change::Flag(true)
            }
        );
        assert_eq!(parse("CHANGE 8 3 flag maybe"), Line::Other);
        assert_eq!(parse("CHANGE x 3 flag true"), Line::Other);
        assert_eq!(parse("ACK 8"), Line::Ack { n: 8 });
        assert_eq!(parse("SAVING"), Line::Saving);
        assert_eq!(parse("SAVED 2 1"), Line::Saved { looks: 1 });
        assert_eq!(parse("SAVED"), Line::Saved { looks: 0 });
        assert_eq!(
            parse("FAULT dropped 8 3"),
            Line::Fault("dropped 8 3".into())
        );
        let l = ledger(&[
            "ACK 5",
            "CHANGE 0 1 answer a",
            "ACK 0",
            "CHANGE 0 9 answer a",
        ]);
        assert_eq!(l.malformed.len(), 3, "{:?}", l.malformed);
        // Only a killed probe may leave its last change unacknowledged.
        let mut l = ledger(&["CHANGE 0 1 answer a", "CHANGE 1 1 answer b"]);
        assert_eq!(
            l.malformed,
            ["change 0 never acknowledged, yet the probe went on"]
        );
        l.end_of_probe();
        l.take("CHANGE 2 2 flag true");
        assert_eq!(l.malformed.len(), 1);
        // A probe killed between SAVING and SAVED was killed while saving.
        l.take("SAVING");
        l.end_of_probe();
        l.take("SAVING");
        l.take("SAVED 1 1");
        l.end_of_probe();
        assert_eq!((l.killed_saving, l.saves, l.saves_with_looks), (1, 1, 1));
    }
}
