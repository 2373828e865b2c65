//! Applying a push batch in one transaction.
//!
//! Built for throughput (10,000 queued events should sync in well under a second): the
//! batch's known ids are found with one query, each lecture's access is checked once, and each
//! touched lecture's record is read once and written at most once, with every event for it
//! merged in memory first.

use std::collections::{BTreeMap, HashMap, HashSet};

use juko_model::{LectureId, LectureProgress, ResumePosition, WatchedIntervals};
use rusqlite::Connection;

use super::events::{BATCH_LIMIT, Change, Event, PushRequest, Reason, Rejection};
use crate::access::VisibleLectures;
use crate::db::{self, LectureRow};
use crate::error::Result;

/// What became of each event of a batch, in batch order within each list.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) applied: Vec<String>,
    pub(crate) known: Vec<String>,
    pub(crate) rejected: Vec<Rejection>,
    /// The user's change sequence after the batch.
    pub(crate) seq: i64,
}

/// One event's fate, kept by its place in the batch so the answer lists keep batch order.
enum Fate {
    Applied(String),
    Known(String),
    Rejected(Rejection),
}

/// Settings the batch is applied with.
pub(crate) struct Apply<'a> {
    pub(crate) userid: i64,
    /// Server clock, seconds.
    pub(crate) now: i64,
    pub(crate) threshold: f64,
    pub(crate) request: &'a PushRequest,
}

impl Apply<'_> {
    pub(crate) fn run(&self, conn: &mut Connection) -> Result<Outcome> {
        let tx = conn.transaction()?;
        let mut fates: Vec<Option<Fate>> = Vec::new();
        fates.resize_with(self.request.events.len(), || None);

        // Ids first: a replayed id is known whatever else it carries.
        let mut seen = HashSet::new();
        let mut candidates = Vec::new();
        for (at, raw) in self.request.events.iter().enumerate() {
            let id = raw.id();
            if at >= BATCH_LIMIT {
                let id = id.unwrap_or_default();
                let why = format!(
                    "only the first {BATCH_LIMIT} events of a batch are read; send the rest again"
                );
                fates[at] = Some(Fate::Rejected(raw.reject(id, Reason::BatchLimit, why)));
                continue;
            }
            match id {
                Err(rejection) => fates[at] = Some(Fate::Rejected(rejection)),
                Ok(id) if !seen.insert(id) => {
                    let why = "id already used by an earlier event of this batch";
                    fates[at] = Some(Fate::Rejected(raw.reject(id, Reason::DuplicateId, why)));
                }
                Ok(id) => candidates.push((at, raw, id)),
            }
        }
        let ids: Vec<&str> = candidates.iter().map(|(_, _, id)| *id).collect();
        let known = db::known_event_ids(&tx, self.userid, &ids)?;

        let mut events: Vec<(usize, Event)> = Vec::new();
        for (at, raw, id) in candidates {
            fates[at] = if known.contains(id) {
                Some(Fate::Known(id.to_owned()))
            } else {
                match raw.read(id, self.now.saturating_mul(1000)) {
                    Ok(event) => {
                        events.push((at, event));
                        None
                    }
                    Err(rejection) => Some(Fate::Rejected(rejection)),
                }
            };
        }

        // Access and length, once per lecture; then the events grouped by lecture.
        let mut visible = VisibleLectures::new(&tx, self.userid);
        let mut lectures: HashMap<i64, Option<LectureRow>> = HashMap::new();
        let mut groups: BTreeMap<i64, (LectureRow, Vec<Event>)> = BTreeMap::new();
        for (at, event) in events {
            let lecture = match lectures.get(&event.cmid) {
                Some(found) => *found,
                None => {
                    let found = visible.lecture(event.cmid)?;
                    lectures.insert(event.cmid, found);
                    found
                }
            };
            if let Err(rejection) = event.check_lecture(lecture.as_ref()) {
                fates[at] = Some(Fate::Rejected(rejection));
                continue;
            }
            let Some(lecture) = lecture else { continue };
            fates[at] = Some(Fate::Applied(event.id.clone()));
            groups
                .entry(lecture.cmid)
                .or_insert_with(|| (lecture, Vec::new()))
                .1
                .push(event);
        }

        let mut seq = db::last_seq(&tx, self.userid)?;
        for (lecture, events) in groups.values() {
            if self.merge(&tx, lecture, events, seq + 1)? {
                seq += 1;
            }
        }
        let applied = groups
            .values()
            .flat_map(|(lecture, events)| events.iter().map(|e| (e.id.as_str(), lecture.cmid)));
        db::remember_events(&tx, self.userid, &self.request.deviceid, applied, self.now)?;
        tx.commit()?;

        let mut outcome = Outcome {
            seq,
            ..Outcome::default()
        };
        for fate in fates.into_iter().flatten() {
            match fate {
                Fate::Applied(id) => outcome.applied.push(id),
                Fate::Known(id) => outcome.known.push(id),
                Fate::Rejected(rejection) => outcome.rejected.push(rejection),
            }
        }
        Ok(outcome)
    }

    /// Merges a lecture's events into its stored history by the model's rules; writes it,
    /// stamped `seq`, only if that changed it. Returns whether it did.
    fn merge(
        &self,
        conn: &Connection,
        lecture: &LectureRow,
        events: &[Event],
        seq: i64,
    ) -> Result<bool> {
        let mut incoming = LectureProgress::new(LectureId(lecture.cmid));
        let mut played = Vec::new();
        for event in events {
            match event.change {
                Change::Played(interval) => played.push(interval),
                Change::Position(seconds) => {
                    let position = ResumePosition {
                        seconds,
                        client_time_ms: event.clienttime,
                    };
                    incoming.position = Some(match incoming.position {
                        Some(other) => ResumePosition::latest(other, position),
                        None => position,
                    });
                }
            }
        }
        incoming.watched = WatchedIntervals::from_intervals(played);

        let stored = db::load_progress(conn, self.userid, lecture.cmid)?;
        let mut merged = stored
            .clone()
            .unwrap_or_else(|| LectureProgress::new(LectureId(lecture.cmid)));
        merged.merge(&incoming);
        merged.update_completion(lecture.duration, self.threshold, self.now);
        if stored.as_ref() == Some(&merged) {
            return Ok(false);
        }
        let newly_complete = merged.completed_at.is_some()
            && stored.as_ref().is_none_or(|s| s.completed_at.is_none());
        if newly_complete {
            // Moodle's own completion record: what the standard functions, course progress
            // and the unit's certificate lock read.
            db::mark_complete(conn, lecture.cmid, self.userid, self.now)?;
        }
        db::save_progress(conn, self.userid, &merged, seq, self.now)?;
        Ok(true)
    }
}
