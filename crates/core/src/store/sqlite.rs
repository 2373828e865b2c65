//! The store on SQLite: desktop and mobile. WAL journal, full sync: a recorded event survives
//! the app being killed at any instant (and a power cut, at the cost of an fsync per record).

use super::{
    AnswerChange, KeptAttempt, LectureContext, LocalProgress, QueuedAnswer, SentAnswer, SiteAction,
    Store, StoredEvent, merge_remote_into, record_rule,
};
use crate::{Error, Result};
use juko_model::{
    AnnouncementId, AttemptId, CourseId, LectureId, LectureProgress, ProgressEvent, ProgressPage,
    PushOutcome, Rejection, ResumePosition, WatchedIntervals,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Schema versions, applied in order; `PRAGMA user_version` says how many ran. Never edit one
/// that has shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: viewing history, outbox, rejected events, sync state.
    "CREATE TABLE lecture_progress (
        lecture INTEGER PRIMARY KEY,
        course INTEGER,
        title TEXT,
        duration REAL,
        intervals TEXT NOT NULL,
        position REAL,
        position_time INTEGER,
        completed_at INTEGER,
        updated_ms INTEGER NOT NULL
     );
     CREATE INDEX lecture_progress_recent ON lecture_progress (updated_ms DESC);
     CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        lecture INTEGER NOT NULL,
        kind TEXT NOT NULL,
        a REAL NOT NULL,
        b REAL,
        client_time INTEGER NOT NULL
     );
     CREATE TABLE rejected (
        id TEXT PRIMARY KEY,
        lecture INTEGER NOT NULL,
        kind TEXT NOT NULL,
        a REAL NOT NULL,
        b REAL,
        client_time INTEGER NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        at_ms INTEGER NOT NULL
     );
     CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE site_actions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL
     );",
    // 2: the catalog: copies of what the site showed (JSON), by key, with when they came.
    "CREATE TABLE kept (
        key TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        fetched_ms INTEGER NOT NULL
     );",
    // 3: test attempts taken on this device: the site's copy (JSON), the queued submission, and
    // the learner's queued changes, one per question (the JSON holds the change; the columns
    // are what statements select on).
    "CREATE TABLE quiz_attempts (
        attempt INTEGER PRIMARY KEY,
        json TEXT NOT NULL,
        finish_queued INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE quiz_answers (
        attempt INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        json TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (attempt, slot)
     );",
    // 4: attempts open on a screen, per holder (an app, a browser tab), until when: sync in
    // another holder leaves them alone.
    "CREATE TABLE quiz_screens (
        attempt INTEGER NOT NULL,
        holder TEXT NOT NULL,
        until_ms INTEGER NOT NULL,
        PRIMARY KEY (attempt, holder)
     );",
    // 5: what was sent for each question before the site's reply came (a JSON list of
    // `SentAnswer`s), so a send whose reply was lost is told from another device's change.
    "CREATE TABLE quiz_sent (
        attempt INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (attempt, slot)
     );",
    // 6: announcements read on this device (the site's read tracking is often off), by the
    // announcement (discussion) id, with when.
    "CREATE TABLE announcement_reads (
        announcement INTEGER PRIMARY KEY,
        read_ms INTEGER NOT NULL
     );",
    // 7: lecture downloads (offline viewing), one record per lecture; the bytes are files.
    "CREATE TABLE downloads (
        lecture INTEGER PRIMARY KEY,
        json TEXT NOT NULL
     );",
];

/// Every table holding the account's data: what [`Store::erase`] empties.
const ACCOUNT_TABLES: &[&str] = &[
    "lecture_progress",
    "outbox",
    "rejected",
    "sync_state",
    "site_actions",
    "kept",
    "quiz_attempts",
    "quiz_answers",
    "quiz_screens",
    "quiz_sent",
    "announcement_reads",
    "downloads",
];

/// A handle on one account's store; clones share the connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// Set by `erase`, shared by clones: no more writes (see `Store::erase`).
    erased: Arc<std::sync::atomic::AtomicBool>,
}

fn storage(e: rusqlite::Error) -> Error {
    Error::Storage(e.to_string())
}

impl SqliteStore {
    /// Opens (creating and migrating) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Storage(e.to_string()))?;
        }
        Self::setup(Connection::open(path).map_err(storage)?)
    }

    /// A store that lives in memory: tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::setup(Connection::open_in_memory().map_err(storage)?)
    }

    /// Runs raw SQL on the store: tests that damage it on purpose.
    #[cfg(test)]
    pub(crate) fn execute_for_tests(&self, sql: &str) -> Result<usize> {
        self.with(|c| c.execute(sql, []))
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore> {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(storage)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            erased: Arc::default(),
        })
    }

    fn writable(&self) -> Result<()> {
        if self.erased.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(super::erased());
        }
        Ok(())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn).map_err(storage)
    }

    fn transaction<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction().map_err(storage)?;
        let value = f(&tx)?;
        tx.commit().map_err(storage)?;
        Ok(value)
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let done: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(storage)?;
    let done = usize::try_from(done).unwrap_or(0);
    if done > MIGRATIONS.len() {
        return Err(Error::Storage(format!(
            "the store is from a newer Juko (schema {done}, this app knows {})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction().map_err(storage)?;
        tx.execute_batch(sql).map_err(storage)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(storage)?;
        tx.commit().map_err(storage)?;
    }
    Ok(())
}

fn read_lecture(conn: &Connection, lecture: LectureId) -> Result<Option<LocalProgress>> {
    let row = conn
        .query_row(
            "SELECT lecture, course, duration, intervals, position, position_time, completed_at, updated_ms, title
             FROM lecture_progress WHERE lecture = ?1",
            [lecture.0],
            raw_row,
        )
        .optional()
        .map_err(storage)?;
    row.map(from_raw).transpose()
}

type RawRow = (
    i64,
    Option<i64>,
    Option<f64>,
    String,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<String>,
);

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn from_raw(
    (
        lecture,
        course,
        duration,
        intervals,
        position,
        position_time,
        completed_at,
        updated_ms,
        title,
    ): RawRow,
) -> Result<LocalProgress> {
    Ok(LocalProgress {
        progress: LectureProgress {
            lecture: LectureId(lecture),
            watched: intervals_from_json(&intervals)?,
            position: position
                .zip(position_time)
                .map(|(seconds, client_time_ms)| ResumePosition {
                    seconds,
                    client_time_ms,
                }),
            completed_at,
        },
        course: course.map(CourseId),
        title,
        duration_secs: duration,
        updated_ms,
    })
}

fn write_lecture(conn: &Connection, l: &LocalProgress) -> Result<()> {
    let p = &l.progress;
    conn.prepare_cached(
        "INSERT INTO lecture_progress
            (lecture, course, duration, intervals, position, position_time, completed_at, updated_ms, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (lecture) DO UPDATE SET course = ?2, duration = ?3, intervals = ?4,
            position = ?5, position_time = ?6, completed_at = ?7, updated_ms = ?8, title = ?9",
    )
    .and_then(|mut s| {
        s.execute(params![
            p.lecture.0,
            l.course.map(|c| c.0),
            l.duration_secs,
            intervals_json(&p.watched),
            p.position.map(|p| p.seconds),
            p.position.map(|p| p.client_time_ms),
            p.completed_at,
            l.updated_ms,
            l.title,
        ])
    })
    .map_err(storage)?;
    Ok(())
}

fn get_state(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .map_err(storage)
}

fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        [key, value],
    )
    .map_err(storage)?;
    Ok(())
}

fn threshold_of(conn: &Connection) -> Result<f64> {
    Ok(get_state(conn, "threshold")?
        .and_then(|t| t.parse().ok())
        .unwrap_or(juko_model::DEFAULT_COMPLETION_THRESHOLD))
}

impl Store for SqliteStore {
    fn record(
        &self,
        event: &ProgressEvent,
        context: LectureContext<'_>,
        now_ms: i64,
    ) -> Result<LocalProgress> {
        self.writable()?;
        self.transaction(|tx| {
            let s = StoredEvent::from_event(event);
            let inserted = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO outbox (id, lecture, kind, a, b, client_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .and_then(|mut st| {
                    st.execute(params![s.id, s.lecture, s.kind, s.a, s.b, s.client_time_ms])
                })
                .map_err(storage)?;
            let current = read_lecture(tx, event.lecture)?
                .unwrap_or_else(|| LocalProgress::new(event.lecture));
            if inserted == 0 {
                // The same event recorded twice (a retried call): already applied.
                return Ok(current);
            }
            let recorded = record_rule(current, event, context, threshold_of(tx)?, now_ms);
            if let Some(action) = &recorded.action {
                insert_action(tx, action)?;
            }
            write_lecture(tx, &recorded.progress)?;
            Ok(recorded.progress)
        })
    }

    fn lecture(&self, lecture: LectureId) -> Result<Option<LocalProgress>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        read_lecture(&conn, lecture)
    }

    fn all(&self) -> Result<Vec<LocalProgress>> {
        let rows = self.with(|c| {
            c.prepare(
                "SELECT lecture, course, duration, intervals, position, position_time, completed_at, updated_ms, title
                 FROM lecture_progress ORDER BY updated_ms DESC, lecture",
            )?
            .query_map([], raw_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter().map(from_raw).collect()
    }

    fn pending(&self, limit: usize) -> Result<Vec<ProgressEvent>> {
        // Each row read on its own, so one this device cannot read back is set aside (see
        // `super::damaged`) instead of failing every sync from now on.
        let rows = self.with(|c| {
            c.prepare_cached(
                "SELECT id, lecture, kind, a, b, client_time FROM outbox ORDER BY seq LIMIT ?1",
            )?
            .query_map([limit as i64], |r| {
                let event = stored_event(r).ok().and_then(StoredEvent::into_event);
                Ok((r.get::<_, String>(0)?, event))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        let damaged: Vec<_> = rows
            .iter()
            .filter(|(_, e)| e.is_none())
            .map(|(id, _)| super::damaged(id))
            .collect();
        if damaged.is_empty() {
            return Ok(rows.into_iter().filter_map(|(_, e)| e).collect());
        }
        let set_aside = PushOutcome {
            rejected: damaged,
            ..PushOutcome::default()
        };
        self.settle(&set_aside, 0)?;
        self.pending(limit)
    }

    fn pending_count(&self) -> Result<usize> {
        self.with(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0)))
            .map(|n| n as usize)
    }

    fn replace_pending(&self, replaced: &[String], replacements: &[ProgressEvent]) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO outbox (id, lecture, kind, a, b, client_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(storage)?;
            for e in replacements {
                let s = StoredEvent::from_event(e);
                insert
                    .execute(params![s.id, s.lecture, s.kind, s.a, s.b, s.client_time_ms])
                    .map_err(storage)?;
            }
            let mut delete = tx
                .prepare_cached("DELETE FROM outbox WHERE id = ?1")
                .map_err(storage)?;
            for id in replaced {
                delete.execute([id]).map_err(storage)?;
            }
            Ok(())
        })
    }

    fn settle(&self, outcome: &PushOutcome, now_ms: i64) -> Result<usize> {
        self.writable()?;
        self.transaction(|tx| {
            let mut removed = 0;
            {
                let mut delete = tx.prepare_cached("DELETE FROM outbox WHERE id = ?1").map_err(storage)?;
                for id in outcome.applied.iter().chain(&outcome.known) {
                    removed += delete.execute([id]).map_err(storage)?;
                }
                let mut keep = tx
                    .prepare_cached(
                        "INSERT OR REPLACE INTO rejected (id, lecture, kind, a, b, client_time, reason, message, at_ms)
                         SELECT id, lecture, kind, a, b, client_time, ?2, ?3, ?4 FROM outbox WHERE id = ?1",
                    )
                    .map_err(storage)?;
                for r in &outcome.rejected {
                    keep.execute(params![r.id, r.reason, r.message, now_ms]).map_err(storage)?;
                    removed += delete.execute([&r.id]).map_err(storage)?;
                }
            }
            if outcome.threshold.is_finite() && outcome.threshold > 0.0 && outcome.threshold <= 1.0 {
                set_state(tx, "threshold", &outcome.threshold.to_string())?;
            }
            Ok(removed)
        })
    }

    fn merge_remote(&self, page: &ProgressPage, _now_ms: i64) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            for remote in &page.lectures {
                let merged = merge_remote_into(read_lecture(tx, remote.progress.lecture)?, remote);
                write_lecture(tx, &merged)?;
            }
            set_state(tx, "cursor", &page.cursor)?;
            if page.threshold.is_finite() && page.threshold > 0.0 && page.threshold <= 1.0 {
                set_state(tx, "threshold", &page.threshold.to_string())?;
            }
            Ok(())
        })
    }

    fn cursor(&self) -> Result<String> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok(get_state(&conn, "cursor")?.unwrap_or_default())
    }

    fn threshold(&self) -> Result<f64> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        threshold_of(&conn)
    }

    fn device_id(&self) -> Result<String> {
        self.transaction(|tx| {
            if let Some(id) = get_state(tx, "device_id")? {
                return Ok(id);
            }
            self.writable()?;
            let id = crate::ids::new_id();
            set_state(tx, "device_id", &id)?;
            Ok(id)
        })
    }

    fn queue_action(&self, action: &SiteAction) -> Result<()> {
        self.writable()?;
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        insert_action(&conn, action)
    }

    fn actions(&self) -> Result<Vec<SiteAction>> {
        let rows: Vec<String> = self.with(|c| {
            c.prepare("SELECT action FROM site_actions ORDER BY seq")?
                .query_map([], |r| r.get(0))?
                .collect()
        })?;
        rows.iter()
            .map(|j| {
                serde_json::from_str(j)
                    .map_err(|e| Error::Storage(format!("damaged site action: {e}")))
            })
            .collect()
    }

    fn remove_action(&self, action: &SiteAction) -> Result<()> {
        self.with(|c| c.execute("DELETE FROM site_actions WHERE key = ?1", [action.key()]))?;
        Ok(())
    }

    fn mark_announcement_read(&self, announcement: AnnouncementId, at_ms: i64) -> Result<()> {
        self.writable()?;
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO announcement_reads (announcement, read_ms) VALUES (?1, ?2)",
                (announcement.0, at_ms),
            )
        })?;
        Ok(())
    }

    fn read_announcements(&self) -> Result<Vec<AnnouncementId>> {
        self.with(|c| {
            c.prepare("SELECT announcement FROM announcement_reads ORDER BY announcement")?
                .query_map([], |r| r.get(0).map(AnnouncementId))?
                .collect()
        })
    }

    fn put_download(&self, download: &crate::downloads::Download) -> Result<()> {
        self.writable()?;
        let json = serde_json::to_string(download).map_err(|e| Error::Storage(e.to_string()))?;
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO downloads (lecture, json) VALUES (?1, ?2)",
                (download.lecture.0, json),
            )
        })?;
        Ok(())
    }

    fn downloads(&self) -> Result<Vec<crate::downloads::Download>> {
        let rows: Vec<String> = self.with(|c| {
            c.prepare("SELECT json FROM downloads ORDER BY lecture")?
                .query_map([], |r| r.get(0))?
                .collect()
        })?;
        rows.iter()
            .map(|j| {
                serde_json::from_str(j)
                    .map_err(|e| Error::Storage(format!("damaged download record: {e}")))
            })
            .collect()
    }

    fn remove_download(&self, lecture: LectureId) -> Result<()> {
        self.with(|c| c.execute("DELETE FROM downloads WHERE lecture = ?1", [lecture.0]))?;
        Ok(())
    }

    fn rejected(&self) -> Result<Vec<Rejection>> {
        self.with(|c| {
            c.prepare("SELECT id, reason, message FROM rejected ORDER BY at_ms DESC, id")?
                .query_map([], |r| {
                    Ok(Rejection {
                        id: r.get(0)?,
                        reason: r.get(1)?,
                        message: r.get(2)?,
                    })
                })?
                .collect()
        })
    }

    fn keep(&self, key: &str, json: &str, fetched_ms: i64) -> Result<()> {
        self.writable()?;
        self.with(|c| {
            c.prepare_cached(
                "INSERT INTO kept (key, json, fetched_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET json = excluded.json, fetched_ms = excluded.fetched_ms",
            )?
            .execute(params![key, json, fetched_ms])
        })?;
        Ok(())
    }

    fn kept(&self, key: &str) -> Result<Option<(String, i64)>> {
        self.with(|c| {
            c.query_row(
                "SELECT json, fetched_ms FROM kept WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
    }

    fn keep_attempt(&self, kept: &KeptAttempt) -> Result<()> {
        self.writable()?;
        let json = serde_json::to_string(kept).map_err(|e| Error::Storage(e.to_string()))?;
        self.with(|c| {
            // Only the copy: the queued finish is another column, written by its own method.
            c.prepare_cached(
                "INSERT INTO quiz_attempts (attempt, json) VALUES (?1, ?2)
                 ON CONFLICT (attempt) DO UPDATE SET json = excluded.json",
            )?
            .execute(params![kept.attempt.id.0, json])
        })?;
        Ok(())
    }

    fn kept_attempt(&self, attempt: AttemptId) -> Result<Option<KeptAttempt>> {
        let json: Option<String> = self.with(|c| {
            c.query_row(
                "SELECT json FROM quiz_attempts WHERE attempt = ?1",
                [attempt.0],
                |r| r.get(0),
            )
            .optional()
        })?;
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| Error::Storage(format!("damaged kept attempt {attempt}: {e}")))
        })
        .transpose()
    }

    fn kept_attempts(&self) -> Result<Vec<AttemptId>> {
        self.with(|c| {
            c.prepare("SELECT attempt FROM quiz_attempts ORDER BY attempt")?
                .query_map([], |r| r.get(0).map(AttemptId))?
                .collect()
        })
    }

    fn forget_attempt(&self, attempt: AttemptId) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            for sql in [
                "DELETE FROM quiz_answers WHERE attempt = ?1",
                "DELETE FROM quiz_screens WHERE attempt = ?1",
                "DELETE FROM quiz_sent WHERE attempt = ?1",
                "DELETE FROM quiz_attempts WHERE attempt = ?1",
            ] {
                tx.execute(sql, [attempt.0]).map_err(storage)?;
            }
            Ok(())
        })
    }

    fn queue_answer(
        &self,
        attempt: AttemptId,
        slot: u32,
        change: &AnswerChange,
        now_ms: i64,
    ) -> Result<QueuedAnswer> {
        self.writable()?;
        self.transaction(|tx| {
            let current = read_queued(tx, attempt, Some(slot))?.pop();
            let version = next_version(tx)?;
            let queued = QueuedAnswer::changed(current, attempt, slot, change, version, now_ms);
            let json = serde_json::to_string(&queued).map_err(|e| Error::Storage(e.to_string()))?;
            tx.prepare_cached(
                "INSERT INTO quiz_answers (attempt, slot, json, version) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (attempt, slot) DO UPDATE SET json = ?3, version = ?4",
            )
            .and_then(|mut st| st.execute(params![attempt.0, slot, json, version as i64]))
            .map_err(storage)?;
            Ok(queued)
        })
    }

    fn queued_answers(&self, attempt: AttemptId) -> Result<Vec<QueuedAnswer>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        read_queued(&conn, attempt, None)
    }

    fn settle_answers(&self, attempt: AttemptId, sent: &[(u32, u64)]) -> Result<usize> {
        self.writable()?;
        self.transaction(|tx| {
            let mut delete = tx
                .prepare_cached(
                    "DELETE FROM quiz_answers WHERE attempt = ?1 AND slot = ?2 AND version = ?3",
                )
                .map_err(storage)?;
            let mut removed = 0;
            for (slot, version) in sent {
                removed += delete
                    .execute(params![attempt.0, slot, *version as i64])
                    .map_err(storage)?;
            }
            Ok(removed)
        })
    }

    fn mark_needs_look(&self, attempt: AttemptId, slots: &[u32]) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            for slot in slots {
                let Some(mut queued) = read_queued(tx, attempt, Some(*slot))?.pop() else {
                    continue;
                };
                queued.needs_look = true;
                let json =
                    serde_json::to_string(&queued).map_err(|e| Error::Storage(e.to_string()))?;
                tx.execute(
                    "UPDATE quiz_answers SET json = ?3 WHERE attempt = ?1 AND slot = ?2",
                    params![attempt.0, slot, json],
                )
                .map_err(storage)?;
            }
            Ok(())
        })
    }

    fn record_sent(&self, attempt: AttemptId, sent: &[SentAnswer]) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            for s in sent {
                let current = read_sent(tx, attempt, Some(s.slot))?;
                write_sent(tx, attempt, s.slot, &SentAnswer::added(current, s))?;
            }
            Ok(())
        })
    }

    fn sent_answers(&self, attempt: AttemptId) -> Result<Vec<SentAnswer>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        read_sent(&conn, attempt, None)
    }

    fn forget_sent(&self, attempt: AttemptId, settled: &[(u32, u32)]) -> Result<()> {
        self.writable()?;
        self.transaction(|tx| {
            for (slot, through) in settled {
                let mut left = read_sent(tx, attempt, Some(*slot))?;
                left.retain(|s| s.sequence_check > *through);
                write_sent(tx, attempt, *slot, &left)?;
            }
            Ok(())
        })
    }

    fn set_finish_queued(&self, attempt: AttemptId, queued: bool) -> Result<()> {
        self.writable()?;
        let changed = self.with(|c| {
            c.execute(
                "UPDATE quiz_attempts SET finish_queued = ?2 WHERE attempt = ?1",
                params![attempt.0, queued],
            )
        })?;
        if changed == 0 && queued {
            return Err(Error::Storage(format!(
                "attempt {attempt} is not kept on this device"
            )));
        }
        Ok(())
    }

    fn finish_queued(&self, attempt: AttemptId) -> Result<bool> {
        Ok(self
            .with(|c| {
                c.query_row(
                    "SELECT finish_queued FROM quiz_attempts WHERE attempt = ?1",
                    [attempt.0],
                    |r| r.get::<_, bool>(0),
                )
                .optional()
            })?
            .unwrap_or(false))
    }

    fn unsent_quiz_changes(&self) -> Result<usize> {
        self.with(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM quiz_answers)
                      + (SELECT count(*) FROM quiz_attempts WHERE finish_queued)",
                [],
                |r| r.get::<_, i64>(0),
            )
        })
        .map(|n| n as usize)
    }

    fn mark_on_screen(
        &self,
        attempt: AttemptId,
        holder: &str,
        until_ms: Option<i64>,
    ) -> Result<()> {
        self.writable()?;
        self.with(|c| match until_ms {
            Some(until) => c.execute(
                "INSERT INTO quiz_screens (attempt, holder, until_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (attempt, holder) DO UPDATE SET until_ms = excluded.until_ms",
                params![attempt.0, holder, until],
            ),
            None => c.execute(
                "DELETE FROM quiz_screens WHERE attempt = ?1 AND holder = ?2",
                params![attempt.0, holder],
            ),
        })?;
        Ok(())
    }

    fn on_screen_marks(&self, attempt: AttemptId) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT holder, until_ms FROM quiz_screens WHERE attempt = ?1 ORDER BY holder",
            )?;
            let rows = stmt.query_map([attempt.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    fn erase(&self) -> Result<()> {
        self.erased.store(true, std::sync::atomic::Ordering::SeqCst);
        // Overwrite what is deleted (a shared ward device), and leave nothing in the WAL.
        self.with(|c| c.pragma_update(None, "secure_delete", "ON"))?;
        self.transaction(|tx| {
            for table in ACCOUNT_TABLES {
                tx.execute(&format!("DELETE FROM {table}"), [])
                    .map_err(storage)?;
            }
            Ok(())
        })?;
        // The checkpoint says in its first column whether another connection kept it from
        // finishing: then the deleted rows may still sit in the WAL, so say so.
        let busy: i64 =
            self.with(|c| c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0)))?;
        if busy != 0 {
            return Err(Error::Storage(
                "erased, but another connection kept the journal from being cleared".to_owned(),
            ));
        }
        self.with(|c| c.execute_batch("VACUUM;"))
    }
}

/// An attempt's queued changes (one slot's, when given), in slot order.
fn read_queued(
    conn: &Connection,
    attempt: AttemptId,
    slot: Option<u32>,
) -> Result<Vec<QueuedAnswer>> {
    let rows: Vec<String> = conn
        .prepare_cached(
            "SELECT json FROM quiz_answers WHERE attempt = ?1 AND (?2 IS NULL OR slot = ?2)
             ORDER BY slot",
        )
        .and_then(|mut st| {
            st.query_map(params![attempt.0, slot], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(storage)?;
    rows.iter()
        .map(|j| {
            serde_json::from_str(j)
                .map_err(|e| Error::Storage(format!("damaged queued answer of {attempt}: {e}")))
        })
        .collect()
}

/// What was sent for an attempt's questions (one slot's, when given), in slot order.
fn read_sent(conn: &Connection, attempt: AttemptId, slot: Option<u32>) -> Result<Vec<SentAnswer>> {
    let rows: Vec<String> = conn
        .prepare_cached(
            "SELECT json FROM quiz_sent WHERE attempt = ?1 AND (?2 IS NULL OR slot = ?2)
             ORDER BY slot",
        )
        .and_then(|mut st| {
            st.query_map(params![attempt.0, slot], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(storage)?;
    let mut sent = Vec::new();
    for j in &rows {
        let sends: Vec<SentAnswer> = serde_json::from_str(j)
            .map_err(|e| Error::Storage(format!("damaged record of a send of {attempt}: {e}")))?;
        sent.extend(sends);
    }
    Ok(sent)
}

/// Replaces what is remembered of a question's sends (none: the row goes).
fn write_sent(
    tx: &Transaction<'_>,
    attempt: AttemptId,
    slot: u32,
    sent: &[SentAnswer],
) -> Result<()> {
    if sent.is_empty() {
        tx.execute(
            "DELETE FROM quiz_sent WHERE attempt = ?1 AND slot = ?2",
            params![attempt.0, slot],
        )
        .map_err(storage)?;
        return Ok(());
    }
    let json = serde_json::to_string(sent).map_err(|e| Error::Storage(e.to_string()))?;
    tx.execute(
        "INSERT INTO quiz_sent (attempt, slot, json) VALUES (?1, ?2, ?3)
         ON CONFLICT (attempt, slot) DO UPDATE SET json = excluded.json",
        params![attempt.0, slot, json],
    )
    .map_err(storage)?;
    Ok(())
}

/// The next version of a queued change: increasing across the store (see `QueuedAnswer`).
fn next_version(tx: &Transaction<'_>) -> Result<u64> {
    let version = get_state(tx, "quiz_version")?
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    set_state(tx, "quiz_version", &version.to_string())?;
    Ok(version)
}

/// Queues a site action unless one with its key waits already.
fn insert_action(conn: &Connection, action: &SiteAction) -> Result<()> {
    let json = serde_json::to_string(action).map_err(|e| Error::Storage(e.to_string()))?;
    conn.execute(
        "INSERT OR IGNORE INTO site_actions (key, action) VALUES (?1, ?2)",
        [action.key(), json],
    )
    .map_err(storage)?;
    Ok(())
}

/// Intervals as stored: a JSON list of `[from, to]` pairs.
fn intervals_json(w: &WatchedIntervals) -> String {
    let pairs: Vec<[f64; 2]> = w.intervals().iter().map(|i| [i.from, i.to]).collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

fn intervals_from_json(s: &str) -> Result<WatchedIntervals> {
    let pairs: Vec<[f64; 2]> = serde_json::from_str(s)
        .map_err(|e| crate::Error::Storage(format!("damaged intervals in the store: {e}")))?;
    Ok(WatchedIntervals::from_intervals(
        pairs
            .into_iter()
            .map(|[from, to]| juko_model::Interval { from, to }),
    ))
}

/// An outbox row as stored (its columns may not make an event: see `StoredEvent::into_event`).
fn stored_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        id: r.get(0)?,
        lecture: r.get(1)?,
        kind: r.get(2)?,
        a: r.get(3)?,
        b: r.get(4)?,
        client_time_ms: r.get(5)?,
        // SQLite queues the site action in the recording transaction: the outbox need not say.
        complete_on_site: false,
    })
}
