//! `mod_customcert`'s tables: certificates, their issues and the expiry element's setting.

use rusqlite::{Connection, OptionalExtension, params};

/// A certificate activity with what its PDF and its checks need.
#[derive(Debug, Clone)]
pub(crate) struct CertificateRow {
    pub(crate) id: i64,
    pub(crate) cmid: i64,
    pub(crate) courseid: i64,
    pub(crate) course_fullname: String,
    /// The unit (section) it certifies.
    pub(crate) section_name: String,
    pub(crate) name: String,
    /// The expiry element's rule: valid this many years from the award (`strtotime('+N
    /// year')`); `None` = no expiry element, or one the demo does not compute.
    pub(crate) expiry_years: Option<i64>,
}

/// One learner's issue of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssueRow {
    pub(crate) id: i64,
    pub(crate) userid: i64,
    pub(crate) customcertid: i64,
    pub(crate) code: String,
    pub(crate) timecreated: i64,
}

const CERTIFICATE: &str = "
    SELECT cc.id, cm.id, c.id, c.fullname, s.name, cc.name,
           (SELECT data FROM customcert_elements e
             WHERE e.customcertid = cc.id AND e.element = 'expiry' ORDER BY e.id LIMIT 1)
      FROM customcert cc
      JOIN course_modules cm ON cm.module = 'customcert' AND cm.instance = cc.id
      JOIN course c ON c.id = cc.course
      JOIN course_sections s ON s.id = cm.section";

fn certificate_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<CertificateRow> {
    let expiry: Option<String> = row.get(6)?;
    Ok(CertificateRow {
        id: row.get(0)?,
        cmid: row.get(1)?,
        courseid: row.get(2)?,
        course_fullname: row.get(3)?,
        section_name: row.get(4)?,
        name: row.get(5)?,
        expiry_years: expiry.as_deref().and_then(expiry_years),
    })
}

/// ICRweb's expiry element: one year (`dateitem` `-8`) from the award, printed as a date.
pub(crate) const EXPIRY_ONE_YEAR_FROM_AWARD: &str =
    r#"{"dateitem":"-8","dateformat":"strftimedate","startfrom":"award"}"#;

/// Reads the expiry element's data as the element stores it
/// (`{"dateitem":"-8","dateformat":"strftimedate","startfrom":"award"}`): `dateitem` `-8` to
/// `-12` are one to five years. A date counted from course completion (`coursecomplete`) or any
/// other data is read as "no expiry", as the element prints nothing it cannot compute.
fn expiry_years(data: &str) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    if value["startfrom"] != "award" {
        return None;
    }
    match value["dateitem"].as_str()? {
        "-8" => Some(1),
        "-9" => Some(2),
        "-10" => Some(3),
        "-11" => Some(4),
        "-12" => Some(5),
        _ => None,
    }
}

pub(crate) fn certificate_by_id(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<CertificateRow>> {
    conn.query_row(
        &format!("{CERTIFICATE} WHERE cc.id = ?1"),
        [id],
        certificate_row,
    )
    .optional()
}

pub(crate) fn certificate_by_cm(
    conn: &Connection,
    cmid: i64,
) -> rusqlite::Result<Option<CertificateRow>> {
    conn.query_row(
        &format!("{CERTIFICATE} WHERE cm.id = ?1"),
        [cmid],
        certificate_row,
    )
    .optional()
}

fn issue_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<IssueRow> {
    Ok(IssueRow {
        id: row.get(0)?,
        userid: row.get(1)?,
        customcertid: row.get(2)?,
        code: row.get(3)?,
        timecreated: row.get(4)?,
    })
}

pub(crate) fn issue_of(
    conn: &Connection,
    customcertid: i64,
    userid: i64,
) -> rusqlite::Result<Option<IssueRow>> {
    conn.query_row(
        "SELECT id, userid, customcertid, code, timecreated FROM customcert_issues
         WHERE customcertid = ?1 AND userid = ?2",
        params![customcertid, userid],
        issue_row,
    )
    .optional()
}

pub(crate) fn issue_by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<IssueRow>> {
    conn.query_row(
        "SELECT id, userid, customcertid, code, timecreated FROM customcert_issues WHERE code = ?1",
        [code],
        issue_row,
    )
    .optional()
}

/// Records an issue; `false` when the code is taken (the caller draws another).
pub(crate) fn insert_issue(
    conn: &Connection,
    customcertid: i64,
    userid: i64,
    code: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO customcert_issues (userid, customcertid, code, timecreated)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code) DO NOTHING",
        params![userid, customcertid, code, now],
    )?;
    Ok(inserted == 1)
}
