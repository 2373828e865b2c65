//! The viewing-history extension's tables: lectures with their media length, one merged
//! history per (user, lecture) stamped with the user's change sequence, and the ids of the
//! events already applied.

use std::collections::HashSet;

use juko_model::{Interval, LectureId, LectureProgress, ResumePosition, WatchedIntervals};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A lecture: a video resource and the length of its media.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LectureRow {
    pub(crate) cmid: i64,
    pub(crate) courseid: i64,
    /// Seconds, as the lecture's description lists it (what clients show and measure against).
    pub(crate) duration: f64,
}

pub(crate) fn lecture(conn: &Connection, cmid: i64) -> rusqlite::Result<Option<LectureRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.cmid, cm.course, l.duration FROM local_juko_lecture l
         JOIN course_modules cm ON cm.id = l.cmid
         WHERE l.cmid = ?1 AND cm.module = 'resource'",
    )?;
    stmt.query_row([cmid], |row| {
        Ok(LectureRow {
            cmid: row.get(0)?,
            courseid: row.get(1)?,
            duration: row.get(2)?,
        })
    })
    .optional()
}

pub(crate) fn register_lecture(
    conn: &Connection,
    cmid: i64,
    duration: f64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO local_juko_lecture (cmid, duration) VALUES (?1, ?2)
         ON CONFLICT (cmid) DO UPDATE SET duration = excluded.duration",
        params![cmid, duration],
    )?;
    Ok(())
}

/// How lectures complete, set at every start because the mode is a server flag while the
/// database outlives it: by watched coverage (automatic, the extension's rule) or by the
/// learner (manual), as on a stock site. Completion already recorded stays.
pub(crate) fn set_lecture_completion(conn: &Connection, extension: bool) -> rusqlite::Result<()> {
    let (tracking, watched) = if extension { (2, 1) } else { (1, 0) };
    conn.execute(
        "UPDATE course_modules SET completion = ?1, completionview = 0, completionwatched = ?2
         WHERE id IN (SELECT cmid FROM local_juko_lecture)",
        params![tracking, watched],
    )?;
    Ok(())
}

/// Registers the lectures of a database seeded before durations were stored: video resources
/// whose description lists a time (`<p>時間: M:SS</p>`, clip time, the way version 1's seed
/// wrote it). `seed::link_media` then gives every seeded lecture its length for the media in use.
pub(super) fn backfill_lecture_durations(conn: &Connection) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT cm.id, r.intro FROM course_modules cm
         JOIN resource r ON cm.module = 'resource' AND r.id = cm.instance
         JOIN context ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id
         WHERE EXISTS (SELECT 1 FROM files f WHERE f.contextid = ctx.id
                       AND f.component = 'mod_resource' AND f.mimetype LIKE 'video/%')",
    )?;
    let found: Vec<(i64, String)> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (cmid, intro) in found {
        if let Some(seconds) = listed_seconds(&intro) {
            register_lecture(conn, cmid, seconds)?;
        }
    }
    Ok(())
}

/// The `時間: M:SS` a lecture description lists, in seconds.
fn listed_seconds(intro: &str) -> Option<f64> {
    let (_, rest) = intro.split_once("時間: ")?;
    let time = rest.split('<').next()?.trim();
    let (minutes, seconds) = time.split_once(':')?;
    let total = minutes.parse::<u32>().ok()? * 60 + seconds.parse::<u32>().ok()?;
    (total > 0).then_some(f64::from(total))
}

/// The database's name in progress cursors (see the schema).
pub(crate) fn progress_epoch(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT value FROM demo_meta WHERE name = 'progress_epoch'",
        [],
        |row| row.get(0),
    )
}

/// The user's change sequence: the `seq` of their most recent change, 0 before any.
pub(crate) fn last_seq(conn: &Connection, userid: i64) -> rusqlite::Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(MAX(seq), 0) FROM local_juko_progress WHERE userid = ?1",
    )?;
    stmt.query_row([userid], |row| row.get(0))
}

/// Which of these event ids were applied for the user before: one query for a whole batch.
pub(crate) fn known_event_ids(
    conn: &Connection,
    userid: i64,
    ids: &[&str],
) -> rusqlite::Result<HashSet<String>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let list = serde_json::to_string(ids)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT eventid FROM local_juko_event
         WHERE userid = ?1 AND eventid IN (SELECT value FROM json_each(?2))",
    )?;
    stmt.query_map(params![userid, list], |row| row.get(0))?
        .collect()
}

/// Remembers applied events, so their replays are reported as known.
pub(crate) fn remember_events<'a>(
    conn: &Connection,
    userid: i64,
    deviceid: &str,
    events: impl IntoIterator<Item = (&'a str, i64)>,
    now: i64,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO local_juko_event (userid, eventid, cmid, deviceid, timecreated)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (id, cmid) in events {
        stmt.execute(params![userid, id, cmid, deviceid, now])?;
    }
    Ok(())
}

/// The merged history of one lecture, if the user has any.
pub(crate) fn load_progress(
    conn: &Connection,
    userid: i64,
    cmid: i64,
) -> rusqlite::Result<Option<LectureProgress>> {
    let mut stmt = conn.prepare_cached(
        "SELECT cmid, intervals, position, positiontime, timecompleted FROM local_juko_progress
         WHERE userid = ?1 AND cmid = ?2",
    )?;
    stmt.query_row(params![userid, cmid], |row| progress_from(row, 0))
        .optional()
}

/// Writes a changed history, stamped with the user's next change sequence.
pub(crate) fn save_progress(
    conn: &Connection,
    userid: i64,
    progress: &LectureProgress,
    seq: i64,
    now: i64,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO local_juko_progress
             (userid, cmid, intervals, position, positiontime, timecompleted, seq, timemodified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (userid, cmid) DO UPDATE SET
             intervals = excluded.intervals, position = excluded.position,
             positiontime = excluded.positiontime, timecompleted = excluded.timecompleted,
             seq = excluded.seq, timemodified = excluded.timemodified",
    )?;
    stmt.execute(params![
        userid,
        progress.lecture.0,
        encode_intervals(&progress.watched),
        progress.position.map(|p| p.seconds),
        progress.position.map(|p| p.client_time_ms),
        progress.completed_at,
        seq,
        now
    ])?;
    Ok(())
}

/// A history that changed after some point of the user's sequence.
#[derive(Debug, Clone)]
pub(crate) struct ChangedProgress {
    pub(crate) seq: i64,
    pub(crate) lecture: LectureRow,
    pub(crate) progress: LectureProgress,
}

/// The user's histories changed after `since`, oldest change first, handed to `visit` one by
/// one until it returns false (rows are read lazily, so a page costs what it returns).
pub(crate) fn changed_since(
    conn: &Connection,
    userid: i64,
    since: i64,
    mut visit: impl FnMut(ChangedProgress) -> rusqlite::Result<bool>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.seq, cm.course, l.duration,
                p.cmid, p.intervals, p.position, p.positiontime, p.timecompleted
         FROM local_juko_progress p
         JOIN course_modules cm ON cm.id = p.cmid
         JOIN local_juko_lecture l ON l.cmid = p.cmid
         WHERE p.userid = ?1 AND p.seq > ?2
         ORDER BY p.seq",
    )?;
    let mut rows = stmt.query(params![userid, since])?;
    while let Some(row) = rows.next()? {
        let progress = progress_from(row, 3)?;
        let changed = ChangedProgress {
            seq: row.get(0)?,
            lecture: LectureRow {
                cmid: progress.lecture.0,
                courseid: row.get(1)?,
                duration: row.get(2)?,
            },
            progress,
        };
        if !visit(changed)? {
            break;
        }
    }
    Ok(())
}

/// Reads `cmid, intervals, position, positiontime, timecompleted` starting at column `at`.
fn progress_from(row: &Row<'_>, at: usize) -> rusqlite::Result<LectureProgress> {
    let position: Option<f64> = row.get(at + 2)?;
    let position_time: Option<i64> = row.get(at + 3)?;
    Ok(LectureProgress {
        lecture: LectureId(row.get(at)?),
        watched: decode_intervals(&row.get::<_, Vec<u8>>(at + 1)?),
        position: position
            .zip(position_time)
            .map(|(seconds, client_time_ms)| ResumePosition {
                seconds,
                client_time_ms,
            }),
        completed_at: row.get(at + 4)?,
    })
}

/// Intervals as raw little-endian f64 pairs: exact (no decimal round trip) and compact.
fn encode_intervals(watched: &WatchedIntervals) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(watched.intervals().len() * 16);
    for interval in watched.intervals() {
        bytes.extend_from_slice(&interval.from.to_le_bytes());
        bytes.extend_from_slice(&interval.to.to_le_bytes());
    }
    bytes
}

fn decode_intervals(bytes: &[u8]) -> WatchedIntervals {
    let float = |b: &[u8]| f64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
    WatchedIntervals::from_intervals(bytes.chunks_exact(16).map(|pair| Interval {
        from: float(&pair[..8]),
        to: float(&pair[8..]),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_times_are_read_from_descriptions() {
        let check =
            |intro: &str, want: Option<f64>| assert_eq!(listed_seconds(intro), want, "{intro}");
        check("<p>講師: 水澤純基</p><p>時間: 1:08</p>", Some(68.0));
        check("<p>時間: 0:05</p>", Some(5.0));
        check("<p>時間: 0:00</p>", None);
        check("<p>時間: soon</p>", None);
        check("no time", None);
    }

    #[test]
    fn intervals_survive_storage_exactly() {
        let watched = WatchedIntervals::from_intervals([
            Interval {
                from: 0.1,
                to: 0.30000000000000004,
            },
            Interval {
                from: 5.0,
                to: 1e-3 + 7.0,
            },
        ]);
        assert_eq!(decode_intervals(&encode_intervals(&watched)), watched);
        assert_eq!(decode_intervals(&[1, 2, 3]), WatchedIntervals::new());
    }
}
