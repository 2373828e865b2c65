//! `notifications`: what the site sent each user (forum posts, grades, welcomes), and when
//! they read it.

use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone)]
pub(crate) struct NotificationRow {
    pub(crate) id: i64,
    pub(crate) useridfrom: i64,
    pub(crate) useridto: i64,
    pub(crate) subject: String,
    pub(crate) fullmessage: String,
    pub(crate) fullmessageformat: i64,
    pub(crate) fullmessagehtml: String,
    pub(crate) smallmessage: String,
    pub(crate) component: String,
    pub(crate) eventtype: String,
    pub(crate) contexturl: Option<String>,
    pub(crate) contexturlname: Option<String>,
    pub(crate) timeread: Option<i64>,
    pub(crate) timecreated: i64,
    pub(crate) customdata: Option<String>,
}

const COLUMNS: &str = "id, useridfrom, useridto, subject, fullmessage, fullmessageformat, \
     fullmessagehtml, smallmessage, component, eventtype, contexturl, contexturlname, timeread, \
     timecreated, customdata";

fn notification_row(row: &Row<'_>) -> rusqlite::Result<NotificationRow> {
    Ok(NotificationRow {
        id: row.get(0)?,
        useridfrom: row.get(1)?,
        useridto: row.get(2)?,
        subject: row.get(3)?,
        fullmessage: row.get(4)?,
        fullmessageformat: row.get(5)?,
        fullmessagehtml: row.get(6)?,
        smallmessage: row.get(7)?,
        component: row.get(8)?,
        eventtype: row.get(9)?,
        contexturl: row.get(10)?,
        contexturlname: row.get(11)?,
        timeread: row.get(12)?,
        timecreated: row.get(13)?,
        customdata: row.get(14)?,
    })
}

/// A user's notifications, newest or oldest first (the id breaks ties the same way);
/// `limit` 0 is all from `offset`.
pub(crate) fn notifications_to(
    conn: &Connection,
    userid: i64,
    newest_first: bool,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<NotificationRow>> {
    let direction = if newest_first { "DESC" } else { "ASC" };
    let limit = if limit > 0 { limit } else { -1 };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM notifications WHERE useridto = ?1
         ORDER BY timecreated {direction}, id {direction} LIMIT ?2 OFFSET ?3"
    ))?;
    stmt.query_map(params![userid, limit, offset.max(0)], notification_row)?
        .collect()
}

pub(crate) fn unread_notification_count(conn: &Connection, userid: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM notifications WHERE useridto = ?1 AND timeread IS NULL",
        [userid],
        |row| row.get(0),
    )
}

pub(crate) fn notification_by_id(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<NotificationRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"),
        [id],
        notification_row,
    )
    .optional()
}

/// Marks a notification read at `timeread`, unless it was read already (the first reading
/// stays). Returns whether it changed.
pub(crate) fn mark_notification_read(
    conn: &Connection,
    id: i64,
    timeread: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE notifications SET timeread = ?2 WHERE id = ?1 AND timeread IS NULL",
        params![id, timeread],
    )?;
    Ok(changed > 0)
}

/// Marks unread notifications read: to `useridto` (0: to anyone), from `useridfrom` (0: from
/// anyone), created up to `timecreatedto` (0: any time). Returns how many changed.
pub(crate) fn mark_all_notifications_read(
    conn: &Connection,
    useridto: i64,
    useridfrom: i64,
    timecreatedto: i64,
    timeread: i64,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE notifications SET timeread = ?4
         WHERE (?1 = 0 OR useridto = ?1) AND timeread IS NULL
           AND (?2 = 0 OR useridfrom = ?2) AND (?3 = 0 OR timecreated <= ?3)",
        params![useridto, useridfrom, timecreatedto, timeread],
    )
}

/// A notification to insert.
#[derive(Debug, Clone)]
pub(crate) struct NewNotification<'a> {
    pub(crate) useridfrom: i64,
    pub(crate) useridto: i64,
    pub(crate) subject: &'a str,
    pub(crate) fullmessage: &'a str,
    pub(crate) fullmessagehtml: &'a str,
    pub(crate) smallmessage: &'a str,
    pub(crate) component: &'a str,
    pub(crate) eventtype: &'a str,
    pub(crate) contexturl: Option<&'a str>,
    pub(crate) contexturlname: Option<&'a str>,
    pub(crate) timeread: Option<i64>,
    pub(crate) timecreated: i64,
    pub(crate) customdata: Option<&'a str>,
}

pub(crate) fn insert_notification(
    conn: &Connection,
    n: &NewNotification<'_>,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO notifications (useridfrom, useridto, subject, fullmessage, fullmessageformat,
             fullmessagehtml, smallmessage, component, eventtype, contexturl, contexturlname,
             timeread, timecreated, customdata)
         VALUES (?1, ?2, ?3, ?4, 2, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            n.useridfrom,
            n.useridto,
            n.subject,
            n.fullmessage,
            n.fullmessagehtml,
            n.smallmessage,
            n.component,
            n.eventtype,
            n.contexturl,
            n.contexturlname,
            n.timeread,
            n.timecreated,
            n.customdata
        ],
    )?;
    Ok(conn.last_insert_rowid())
}
