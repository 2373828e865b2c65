//! Turning what a video player reports into viewing-history events.
//!
//! Only media time actually played counts: a seek closes the segment being watched and starts a
//! new one where playback resumes, so jumping to the end adds nothing. The segment is also
//! closed on pause, end, speed change and page hide, and at least every [`FLUSH_EVERY_MS`] while
//! playing, so a killed app loses at most that much. Playback speed changes how fast media time
//! passes, not what counts.

use juko_model::{Interval, LectureId, ProgressEvent, ProgressKind};

/// The longest stretch of playing between two recorded events.
pub const FLUSH_EVERY_MS: i64 = 5_000;

/// What the player reported, with its media time (seconds) and whether it was playing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlayerEvent {
    pub kind: PlayerEventKind,
    pub time: f64,
    /// Playback speed at the moment (1.0 normal).
    pub rate: f64,
    pub playing: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayerEventKind {
    Play,
    TimeUpdate,
    Pause,
    Seeking,
    Seeked,
    Ended,
    RateChange,
    /// The page or app was hidden or is closing.
    Hidden,
}

/// The recorder for one lecture's playback on this device.
#[derive(Clone, Debug)]
pub struct Recorder {
    lecture: LectureId,
    /// Where the segment being watched started, while playing.
    start: Option<f64>,
    /// The last media time seen while the segment was open.
    last: f64,
    last_flush_ms: i64,
}

impl Recorder {
    pub fn new(lecture: LectureId) -> Recorder {
        Recorder {
            lecture,
            start: None,
            last: 0.0,
            last_flush_ms: 0,
        }
    }

    /// Feeds one player event; returns the history events to record (often none).
    pub fn on(&mut self, mut e: PlayerEvent, now_ms: i64) -> Vec<ProgressEvent> {
        if !e.time.is_finite() || e.time < 0.0 {
            return Vec::new();
        }
        // Players report microseconds; milliseconds are plenty and keep the events short.
        e.time = (e.time * 1000.0).round() / 1000.0;
        use PlayerEventKind::*;
        match e.kind {
            Play => {
                // A play while a segment is open (e.g. `playing` after a stall) keeps it.
                if self.start.is_none() {
                    self.open(e.time, now_ms);
                }
                Vec::new()
            }
            TimeUpdate => self.time_update(e, now_ms),
            // The player's time is already the target: close at the last time seen before.
            Seeking => self.close(self.last, now_ms),
            Seeked => {
                let out = self.close(self.last, now_ms);
                if e.playing {
                    self.open(e.time, now_ms);
                } else {
                    self.last = e.time;
                }
                out
            }
            Pause | Ended => {
                let out = self.close(self.end_at(e), now_ms);
                self.last = e.time;
                out
            }
            RateChange | Hidden => {
                let out = self.close(self.end_at(e), now_ms);
                if e.playing {
                    self.open(e.time, now_ms);
                }
                out
            }
        }
    }

    /// Where a segment closed by `e` ends: at `e`'s time when playback got there by playing
    /// (at most one step past the last time seen), else at the last time seen (an unannounced
    /// jump just before a pause or an end is not watching).
    fn end_at(&self, e: PlayerEvent) -> f64 {
        if e.time >= self.last && e.time - self.last <= max_step(e.rate) {
            e.time
        } else {
            self.last
        }
    }

    fn open(&mut self, at: f64, now_ms: i64) {
        self.start = Some(at);
        self.last = at;
        self.last_flush_ms = now_ms;
    }

    fn time_update(&mut self, e: PlayerEvent, now_ms: i64) -> Vec<ProgressEvent> {
        let Some(_) = self.start else {
            self.last = e.time;
            return Vec::new();
        };
        if e.time < self.last || e.time - self.last > max_step(e.rate) {
            let out = self.close(self.last, now_ms);
            self.open(e.time, now_ms);
            return out;
        }
        self.last = e.time;
        if now_ms - self.last_flush_ms >= FLUSH_EVERY_MS {
            let out = self.close(e.time, now_ms);
            self.open(e.time, now_ms);
            return out;
        }
        Vec::new()
    }

    /// Ends the open segment at `end`: a played interval (when it has length) and the position.
    fn close(&mut self, end: f64, now_ms: i64) -> Vec<ProgressEvent> {
        let Some(start) = self.start.take() else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(2);
        if let Some(i) = Interval::new(start, end) {
            out.push(self.event(ProgressKind::Played(i), now_ms));
        }
        out.push(self.event(ProgressKind::Position(end), now_ms));
        self.last = end;
        out
    }

    fn event(&self, kind: ProgressKind, now_ms: i64) -> ProgressEvent {
        ProgressEvent {
            id: crate::ids::new_id(),
            lecture: self.lecture,
            kind,
            client_time_ms: now_ms,
        }
    }
}

/// The most media time that may pass between two player reports while playing: timeupdate
/// comes 4–66 times a second, so more than this (scaled by speed, capped at 4x) is a jump the
/// player did not announce as a seek.
fn max_step(rate: f64) -> f64 {
    2.0 * rate.clamp(1.0, 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlayerEventKind::*;

    /// Feeds (kind, time, playing, now_ms) steps; returns what was recorded, as
    /// `P(from,to)` / `@pos` strings.
    fn run(steps: &[(PlayerEventKind, f64, bool, i64)]) -> Vec<String> {
        let mut r = Recorder::new(LectureId(1));
        steps
            .iter()
            .flat_map(|&(kind, time, playing, now)| {
                r.on(
                    PlayerEvent {
                        kind,
                        time,
                        rate: 1.0,
                        playing,
                    },
                    now,
                )
            })
            .map(|e| match e.kind {
                ProgressKind::Played(i) => format!("P({},{})", i.from, i.to),
                ProgressKind::Position(p) => format!("@{p}"),
            })
            .collect()
    }

    fn ticks(from: f64, to: f64, start_ms: i64) -> Vec<(PlayerEventKind, f64, bool, i64)> {
        let n = ((to - from) * 4.0) as i64;
        (1..=n)
            .map(|k| (TimeUpdate, from + k as f64 * 0.25, true, start_ms + k * 250))
            .collect()
    }

    #[test]
    fn playing_then_pausing_records_the_segment() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 3.0, 0));
        steps.push((Pause, 3.0, false, 3_000));
        assert_eq!(run(&steps), ["P(0,3)", "@3"]);
    }

    #[test]
    fn long_playback_is_flushed_every_five_seconds() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 12.0, 0));
        steps.push((Pause, 12.0, false, 12_000));
        assert_eq!(
            run(&steps),
            ["P(0,5)", "@5", "P(5,10)", "@10", "P(10,12)", "@12"]
        );
    }

    #[test]
    fn seeking_to_the_end_adds_nothing() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 2.0, 0));
        steps.push((Seeking, 60.0, true, 2_100));
        steps.push((Seeked, 60.0, true, 2_200));
        steps.extend(ticks(60.0, 61.0, 2_200));
        steps.push((Ended, 61.0, false, 3_300));
        assert_eq!(run(&steps), ["P(0,2)", "@2", "P(60,61)", "@61"]);
    }

    #[test]
    fn an_unannounced_jump_is_treated_as_a_seek() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 1.0, 0));
        steps.push((TimeUpdate, 30.0, true, 1_250));
        steps.push((TimeUpdate, 30.25, true, 1_500));
        steps.push((Pause, 30.25, false, 1_600));
        assert_eq!(run(&steps), ["P(0,1)", "@1", "P(30,30.25)", "@30.25"]);
    }

    #[test]
    fn seeking_while_paused_records_only_the_position_later() {
        let steps = [
            (Seeked, 40.0, false, 0),
            (Play, 40.0, true, 10),
            (TimeUpdate, 40.5, true, 510),
            (Pause, 40.5, false, 600),
        ];
        assert_eq!(run(&steps), ["P(40,40.5)", "@40.5"]);
    }

    #[test]
    fn speed_changes_and_hiding_close_the_segment_and_go_on() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 1.0, 0));
        steps.push((RateChange, 1.0, true, 1_000));
        steps.push((TimeUpdate, 2.0, true, 1_500)); // at 2x, one second of media in half a second
        steps.push((Hidden, 2.0, true, 1_600));
        assert_eq!(run(&steps), ["P(0,1)", "@1", "P(1,2)", "@2"]);
    }

    /// The player's speed control (0.75–2×): at 2× a throttled page (timeupdate every 1.5 s)
    /// advances 3 s of media per report. That is watching, not a jump, because the step allowed
    /// scales with the rate the player reports; at 1× the same step would be a jump.
    #[test]
    fn fast_playback_with_sparse_reports_is_one_watched_stretch() {
        let feed = |rate: f64| {
            let mut r = Recorder::new(LectureId(1));
            let mut out = Vec::new();
            let mut step = |kind, time, playing, now| {
                let e = PlayerEvent {
                    kind,
                    time,
                    rate,
                    playing,
                };
                out.extend(r.on(e, now));
            };
            step(Play, 0.0, true, 0);
            for k in 1..=4 {
                step(TimeUpdate, 3.0 * k as f64, true, 1_500 * k);
            }
            step(Pause, 12.0, false, 6_100);
            out.into_iter()
                .filter_map(|e| match e.kind {
                    ProgressKind::Played(i) => Some((i.from, i.to)),
                    ProgressKind::Position(_) => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(feed(2.0), [(0.0, 12.0)]);
        let at_normal_speed = feed(1.0);
        assert!(
            !at_normal_speed.contains(&(0.0, 12.0)),
            "rate matters: {at_normal_speed:?}"
        );
    }

    #[test]
    fn a_jump_right_before_a_pause_or_the_end_is_not_watching() {
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 1.0, 0));
        steps.push((Ended, 60.0, false, 1_100));
        assert_eq!(run(&steps), ["P(0,1)", "@1"]);
        let mut steps = vec![(Play, 0.0, true, 0)];
        steps.extend(ticks(0.0, 1.0, 0));
        steps.push((Pause, 1.2, false, 1_100));
        assert_eq!(run(&steps), ["P(0,1.2)", "@1.2"]);
    }

    #[test]
    fn garbage_times_are_ignored() {
        let steps = [
            (Play, f64::NAN, true, 0),
            (TimeUpdate, -1.0, true, 10),
            (Pause, f64::INFINITY, false, 20),
        ];
        assert!(run(&steps).is_empty());
    }
}
