//! What learners did: the event log, activity completion and per-course last access.

use std::collections::HashMap;

use rusqlite::{Connection, params};

/// A row of Moodle's standard log (`\core\event\course_viewed`, `\mod_resource\event\course_module_viewed`).
#[derive(Debug, Clone)]
pub(crate) struct LogEvent {
    pub(crate) eventname: &'static str,
    pub(crate) component: &'static str,
    pub(crate) action: &'static str,
    pub(crate) target: &'static str,
    pub(crate) objectid: Option<i64>,
    pub(crate) contextid: i64,
    pub(crate) userid: i64,
    pub(crate) courseid: i64,
    /// Event-specific JSON, e.g. `{"coursesectionnumber":2}`.
    pub(crate) other: Option<String>,
    pub(crate) timecreated: i64,
}

pub(crate) fn log_event(conn: &Connection, event: &LogEvent) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO logstore_standard_log
             (eventname, component, action, target, objectid, contextid, userid, courseid, other, timecreated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            event.eventname,
            event.component,
            event.action,
            event.target,
            event.objectid,
            event.contextid,
            event.userid,
            event.courseid,
            event.other,
            event.timecreated
        ],
    )?;
    Ok(())
}

/// The completion state and time of each module of a course the user has a row for.
pub(crate) fn completion_states(
    conn: &Connection,
    courseid: i64,
    userid: i64,
) -> rusqlite::Result<HashMap<i64, (i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT cmc.coursemoduleid, cmc.completionstate, cmc.timemodified
         FROM course_modules_completion cmc
         JOIN course_modules cm ON cm.id = cmc.coursemoduleid
         WHERE cm.course = ?1 AND cmc.userid = ?2",
    )?;
    stmt.query_map(params![courseid, userid], |row| {
        Ok((row.get(0)?, (row.get(1)?, row.get(2)?)))
    })?
    .collect()
}

/// Completes a module by its automatic rule ("view", or "watched" for lectures). Automatic
/// completion never goes back, and the first completion time is kept.
pub(crate) fn mark_complete(
    conn: &Connection,
    cmid: i64,
    userid: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO course_modules_completion (coursemoduleid, userid, completionstate, timemodified)
         VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (coursemoduleid, userid) DO UPDATE
             SET completionstate = 1, timemodified = excluded.timemodified
             WHERE completionstate = 0",
        params![cmid, userid, now],
    )?;
    Ok(())
}

/// The learner's own toggle on a manual-tracking module: it can go both ways, as in Moodle; the
/// time is that of the last change of state.
pub(crate) fn set_manual_completion(
    conn: &Connection,
    cmid: i64,
    userid: i64,
    complete: bool,
    now: i64,
) -> rusqlite::Result<()> {
    set_completion_state(conn, cmid, userid, i64::from(complete), now)
}

/// Sets a module's completion state (`COMPLETION_COMPLETE_PASS` / `_FAIL` / …, or a manual
/// toggle); unlike automatic completion by viewing, it can be taken back. The time is that of
/// the last change of state.
pub(crate) fn set_completion_state(
    conn: &Connection,
    cmid: i64,
    userid: i64,
    state: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO course_modules_completion (coursemoduleid, userid, completionstate, timemodified)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (coursemoduleid, userid) DO UPDATE
             SET completionstate = excluded.completionstate, timemodified = excluded.timemodified
             WHERE completionstate != excluded.completionstate",
        params![cmid, userid, state, now],
    )?;
    Ok(())
}

pub(crate) fn touch_lastaccess(
    conn: &Connection,
    userid: i64,
    courseid: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user_lastaccess (userid, courseid, timeaccess) VALUES (?1, ?2, ?3)
         ON CONFLICT (userid, courseid) DO UPDATE SET timeaccess = excluded.timeaccess",
        params![userid, courseid, now],
    )?;
    Ok(())
}

pub(crate) fn lastaccess_of(conn: &Connection, userid: i64) -> rusqlite::Result<HashMap<i64, i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT courseid, timeaccess FROM user_lastaccess WHERE userid = ?1")?;
    stmt.query_map([userid], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect()
}
