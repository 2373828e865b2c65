//! `groups` and `groups_members`: a course's groups (wards of a facility), and who is in them.
//! A group's `enrolmentkey` lets a self-enrolment whose `customint1` is on take that key and
//! put the learner into the group.

use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupRow {
    pub(crate) id: i64,
    pub(crate) courseid: i64,
    pub(crate) idnumber: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) descriptionformat: i64,
}

const GROUP_COLUMNS: &str =
    "g.id, g.courseid, g.idnumber, g.name, g.description, g.descriptionformat";

fn group_row(row: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        id: row.get(0)?,
        courseid: row.get(1)?,
        idnumber: row.get(2)?,
        name: row.get(3)?,
        description: row.get(4)?,
        descriptionformat: row.get(5)?,
    })
}

/// The course's group whose enrolment key is exactly `key` (case and spaces count), if any.
/// An empty key matches nothing: a group without a key takes no one.
pub(crate) fn group_by_enrolment_key(
    conn: &Connection,
    courseid: i64,
    key: &str,
) -> rusqlite::Result<Option<GroupRow>> {
    if key.is_empty() {
        return Ok(None);
    }
    conn.query_row(
        &format!(
            "SELECT {GROUP_COLUMNS} FROM groups g
             WHERE g.courseid = ?1 AND g.enrolmentkey = ?2 ORDER BY g.id LIMIT 1"
        ),
        params![courseid, key],
        group_row,
    )
    .optional()
}

/// The user's groups in one course, or in every course when `courseid` is `None`, by name.
pub(crate) fn user_groups(
    conn: &Connection,
    userid: i64,
    courseid: Option<i64>,
) -> rusqlite::Result<Vec<GroupRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GROUP_COLUMNS} FROM groups g JOIN groups_members m ON m.groupid = g.id
         WHERE m.userid = ?1 AND (?2 IS NULL OR g.courseid = ?2)
         ORDER BY g.name, g.id"
    ))?;
    stmt.query_map(params![userid, courseid], group_row)?
        .collect()
}

/// `groups_add_member`: once per group, a second add changes nothing.
pub(crate) fn add_group_member(
    conn: &Connection,
    groupid: i64,
    userid: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO groups_members (groupid, userid, timeadded) VALUES (?1, ?2, ?3)",
        params![groupid, userid, now],
    )?;
    Ok(())
}
