//! `enrol` instances and `user_enrolments`: how a learner comes into a course.

use rusqlite::{Connection, OptionalExtension, Row, params};

/// One enrolment instance of a course (a row of Moodle's `enrol` table).
#[derive(Debug, Clone)]
pub(crate) struct EnrolRow {
    pub(crate) id: i64,
    pub(crate) courseid: i64,
    /// The plugin: `manual` or `self`.
    pub(crate) enrol: String,
    /// `ENROL_INSTANCE_ENABLED` (0) or disabled (1).
    pub(crate) status: i64,
    pub(crate) name: Option<String>,
    /// The enrolment key (the facility code); `None` or empty: no key needed.
    pub(crate) password: Option<String>,
    pub(crate) enrolstartdate: i64,
    pub(crate) enrolenddate: i64,
    /// Most self-enrolments allowed; 0 = no limit.
    pub(crate) customint3: i64,
    /// New self-enrolments allowed.
    pub(crate) customint6: bool,
    /// Group enrolment keys: a group's key also enrols, into that group.
    pub(crate) customint1: bool,
}

impl EnrolRow {
    pub(crate) fn is_enabled(&self) -> bool {
        self.status == 0
    }

    /// The key, when one is required (Moodle tests `$instance->password` for truth).
    pub(crate) fn key(&self) -> Option<&str> {
        self.password.as_deref().filter(|p| !p.is_empty())
    }
}

const ENROL_COLUMNS: &str = "id, courseid, enrol, status, name, password, enrolstartdate, \
     enrolenddate, customint3, customint6, customint1";

fn enrol_row(row: &Row<'_>) -> rusqlite::Result<EnrolRow> {
    Ok(EnrolRow {
        id: row.get(0)?,
        courseid: row.get(1)?,
        enrol: row.get(2)?,
        status: row.get(3)?,
        name: row.get(4)?,
        password: row.get(5)?,
        enrolstartdate: row.get(6)?,
        enrolenddate: row.get(7)?,
        customint3: row.get(8)?,
        customint6: row.get(9)?,
        customint1: row.get(10)?,
    })
}

pub(crate) fn enrol_instance(conn: &Connection, id: i64) -> rusqlite::Result<Option<EnrolRow>> {
    conn.query_row(
        &format!("SELECT {ENROL_COLUMNS} FROM enrol WHERE id = ?1"),
        [id],
        enrol_row,
    )
    .optional()
}

/// A course's enabled instances in Moodle's order (`enrol_get_instances($courseid, true)`).
pub(crate) fn enabled_instances(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<Vec<EnrolRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENROL_COLUMNS} FROM enrol WHERE courseid = ?1 AND status = 0 ORDER BY id"
    ))?;
    stmt.query_map([courseid], enrol_row)?.collect()
}

/// Whether the user has an enrolment (active or not) through this instance.
pub(crate) fn has_user_enrolment(
    conn: &Connection,
    enrolid: i64,
    userid: i64,
) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM user_enrolments WHERE enrolid = ?1 AND userid = ?2)",
        params![enrolid, userid],
        |row| row.get(0),
    )
}

pub(crate) fn user_enrolment_count(conn: &Connection, enrolid: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM user_enrolments WHERE enrolid = ?1",
        [enrolid],
        |row| row.get(0),
    )
}

/// Enrols the user through the instance, active from now.
pub(crate) fn insert_user_enrolment(
    conn: &Connection,
    enrolid: i64,
    userid: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user_enrolments (enrolid, userid, timecreated) VALUES (?1, ?2, ?3)",
        params![enrolid, userid, now],
    )?;
    Ok(())
}
