//! Viewing history (視聴履歴): which parts of a lecture's video were watched, where to resume,
//! and when it became complete. See `shared/protocol/progress-sync.md`.
//!
//! The merge rules here are the ones every party applies (the app's store, the sync engine and
//! the server), so that every device converges on the same history:
//! - watched intervals are a set union: commutative, associative, idempotent;
//! - the resume position is the one taken at the greatest client time;
//! - completion never goes back, and keeps the earliest time it became true.

use crate::LectureId;
use serde::{Deserialize, Serialize};

/// A lecture counts as complete once this share of its video has been watched, unless the site
/// says otherwise.
pub const DEFAULT_COMPLETION_THRESHOLD: f64 = 0.9;

/// A stretch of media time, in seconds, `from < to`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub from: f64,
    pub to: f64,
}

impl Interval {
    /// An interval, if the bounds make one: finite, non-negative, `from < to`.
    pub fn new(from: f64, to: f64) -> Option<Interval> {
        (from.is_finite() && to.is_finite() && from >= 0.0 && from < to)
            .then_some(Interval { from, to })
    }

    pub fn len(&self) -> f64 {
        self.to - self.from
    }
}

/// The parts of a video watched, as sorted, disjoint, non-touching intervals.
///
/// Union uses only comparisons (no arithmetic), so it is exactly commutative, associative and
/// idempotent on floats too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<Interval>", into = "Vec<Interval>")]
pub struct WatchedIntervals(Vec<Interval>);

impl WatchedIntervals {
    pub fn new() -> WatchedIntervals {
        WatchedIntervals(Vec::new())
    }

    /// The union of any intervals (overlapping, unsorted, invalid ones dropped).
    pub fn from_intervals(intervals: impl IntoIterator<Item = Interval>) -> WatchedIntervals {
        let mut all: Vec<Interval> = intervals
            .into_iter()
            .filter_map(|i| Interval::new(i.from, i.to))
            .collect();
        all.sort_by(|a, b| a.from.total_cmp(&b.from).then(a.to.total_cmp(&b.to)));
        let mut merged: Vec<Interval> = Vec::with_capacity(all.len());
        for i in all {
            match merged.last_mut() {
                // Touching counts as overlapping: [0,5] ∪ [5,9] = [0,9].
                Some(last) if i.from <= last.to => {
                    if i.to > last.to {
                        last.to = i.to;
                    }
                }
                _ => merged.push(i),
            }
        }
        WatchedIntervals(merged)
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one watched stretch; returns whether that changed anything.
    pub fn insert(&mut self, interval: Interval) -> bool {
        let next = WatchedIntervals::from_intervals(self.0.iter().copied().chain([interval]));
        let changed = next != *self;
        *self = next;
        changed
    }

    pub fn union(&self, other: &WatchedIntervals) -> WatchedIntervals {
        WatchedIntervals::from_intervals(self.0.iter().chain(&other.0).copied())
    }

    /// Seconds of media watched at least once.
    pub fn watched_seconds(&self) -> f64 {
        self.0.iter().map(Interval::len).sum()
    }

    /// Share of a video of `duration` seconds watched, 0 to 1. Intervals past the end (a
    /// duration that shrank, rounding at the last frame) never push it over 1.
    pub fn coverage(&self, duration: f64) -> f64 {
        if !(duration.is_finite() && duration > 0.0) {
            return 0.0;
        }
        let inside: f64 = self
            .0
            .iter()
            .map(|i| (i.to.min(duration) - i.from).max(0.0))
            .sum();
        (inside / duration).clamp(0.0, 1.0)
    }
}

impl From<Vec<Interval>> for WatchedIntervals {
    fn from(v: Vec<Interval>) -> Self {
        WatchedIntervals::from_intervals(v)
    }
}

impl From<WatchedIntervals> for Vec<Interval> {
    fn from(w: WatchedIntervals) -> Self {
        w.0
    }
}

/// Whether `coverage` meets the completion `threshold`.
pub fn meets_threshold(coverage: f64, threshold: f64) -> bool {
    coverage >= threshold
}

/// Where to resume, and when (client clock, ms since the epoch) the learner was there.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumePosition {
    pub seconds: f64,
    pub client_time_ms: i64,
}

impl ResumePosition {
    /// The later of two positions; ties go to the greater position, so the choice does not
    /// depend on the order they arrive in.
    pub fn latest(a: ResumePosition, b: ResumePosition) -> ResumePosition {
        match a.client_time_ms.cmp(&b.client_time_ms) {
            std::cmp::Ordering::Less => b,
            std::cmp::Ordering::Greater => a,
            std::cmp::Ordering::Equal if b.seconds.total_cmp(&a.seconds).is_gt() => b,
            std::cmp::Ordering::Equal => a,
        }
    }
}

/// One lecture's viewing history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LectureProgress {
    pub lecture: LectureId,
    pub watched: WatchedIntervals,
    pub position: Option<ResumePosition>,
    /// When it first became complete (seconds since the epoch); `None` while incomplete.
    pub completed_at: Option<i64>,
}

impl LectureProgress {
    pub fn new(lecture: LectureId) -> LectureProgress {
        LectureProgress {
            lecture,
            watched: WatchedIntervals::new(),
            position: None,
            completed_at: None,
        }
    }

    /// Merges another record of the same lecture (from the server or another device).
    pub fn merge(&mut self, other: &LectureProgress) {
        self.watched = self.watched.union(&other.watched);
        self.position = match (self.position, other.position) {
            (Some(a), Some(b)) => Some(ResumePosition::latest(a, b)),
            (a, b) => a.or(b),
        };
        self.completed_at = match (self.completed_at, other.completed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// Marks completion at `now` (seconds) if the coverage reached the threshold; never unmarks.
    pub fn update_completion(&mut self, duration: f64, threshold: f64, now: i64) {
        if self.completed_at.is_none()
            && meets_threshold(self.watched.coverage(duration), threshold)
        {
            self.completed_at = Some(now);
        }
    }
}

/// What a client records while a lecture plays, each with a client-generated unique id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// Unique per event (a UUID): replays of the same event change nothing.
    pub id: String,
    pub lecture: LectureId,
    pub kind: ProgressKind,
    /// The client's clock when it happened, ms since the epoch.
    pub client_time_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum ProgressKind {
    /// The learner watched `from`..`to` seconds of media time.
    Played(Interval),
    /// The learner was at this point.
    Position(f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(f64, f64)]) -> WatchedIntervals {
        WatchedIntervals::from_intervals(pairs.iter().map(|&(from, to)| Interval { from, to }))
    }

    fn pairs(w: &WatchedIntervals) -> Vec<(f64, f64)> {
        w.intervals().iter().map(|i| (i.from, i.to)).collect()
    }

    #[test]
    fn intervals_normalise() {
        let check = |input: &[(f64, f64)], want: &[(f64, f64)]| {
            assert_eq!(pairs(&set(input)), want, "{input:?}");
        };
        check(&[], &[]);
        check(&[(0.0, 5.0)], &[(0.0, 5.0)]);
        check(&[(5.0, 9.0), (0.0, 5.0)], &[(0.0, 9.0)]);
        check(&[(0.0, 5.0), (6.0, 9.0)], &[(0.0, 5.0), (6.0, 9.0)]);
        check(&[(0.0, 10.0), (2.0, 3.0)], &[(0.0, 10.0)]);
        check(
            &[
                (3.0, 3.0),
                (-1.0, 2.0),
                (f64::NAN, 4.0),
                (1.0, f64::INFINITY),
            ],
            &[],
        );
    }

    #[test]
    fn coverage_counts_unique_time_only() {
        let check = |input: &[(f64, f64)], duration: f64, want: f64| {
            let got = set(input).coverage(duration);
            assert!(
                (got - want).abs() < 1e-9,
                "{input:?} over {duration}: {got} != {want}"
            );
        };
        check(&[(0.0, 5.0), (0.0, 5.0)], 10.0, 0.5);
        check(&[(0.0, 5.0), (2.5, 7.5)], 10.0, 0.75);
        check(&[(0.0, 12.0)], 10.0, 1.0);
        check(&[(9.0, 12.0)], 10.0, 0.1);
        check(&[(11.0, 12.0)], 10.0, 0.0);
        check(&[(0.0, 5.0)], 0.0, 0.0);
        check(&[(0.0, 5.0)], f64::NAN, 0.0);
    }

    #[test]
    fn positions_resolve_by_client_time_then_place() {
        let p = |seconds, client_time_ms| ResumePosition {
            seconds,
            client_time_ms,
        };
        assert_eq!(ResumePosition::latest(p(10.0, 1), p(5.0, 2)), p(5.0, 2));
        assert_eq!(ResumePosition::latest(p(10.0, 3), p(5.0, 2)), p(10.0, 3));
        assert_eq!(ResumePosition::latest(p(10.0, 2), p(5.0, 2)), p(10.0, 2));
        assert_eq!(ResumePosition::latest(p(5.0, 2), p(10.0, 2)), p(10.0, 2));
    }

    #[test]
    fn completion_is_reached_and_kept() {
        let mut p = LectureProgress::new(LectureId(1));
        p.watched = set(&[(0.0, 8.0)]);
        p.update_completion(10.0, 0.9, 100);
        assert_eq!(p.completed_at, None);
        p.watched.insert(Interval { from: 8.0, to: 9.5 });
        p.update_completion(10.0, 0.9, 200);
        assert_eq!(p.completed_at, Some(200));
        p.update_completion(10.0, 0.9, 300);
        assert_eq!(p.completed_at, Some(200), "the first time stays");
        let mut other = LectureProgress::new(LectureId(1));
        other.completed_at = Some(150);
        p.merge(&other);
        assert_eq!(p.completed_at, Some(150), "the earliest time wins");
    }
}

/// Why the server refused one event of a push (the others are unaffected).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub id: String,
    /// A stable code (`beyondduration`, `unknownlecture`, …); see docs/progress-protocol.md.
    pub reason: String,
    pub message: String,
}

/// The server's answer to a push of events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PushOutcome {
    /// Ids applied now.
    pub applied: Vec<String>,
    /// Ids the server had already applied (replays).
    pub known: Vec<String>,
    pub rejected: Vec<Rejection>,
    /// The server's change cursor after the push.
    pub cursor: String,
    pub threshold: f64,
}

/// One lecture's history as the server holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteProgress {
    pub progress: LectureProgress,
    pub course: crate::CourseId,
    pub duration_secs: f64,
}

/// A page of server history changed after a cursor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressPage {
    pub lectures: Vec<RemoteProgress>,
    /// Where the next pull continues.
    pub cursor: String,
    pub has_more: bool,
    pub threshold: f64,
}
