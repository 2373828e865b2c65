//! `course`, `course_sections`, `course_modules` (with their instance tables), enrolments and
//! contexts.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::schema::{ContextLevel, SITE_COURSE_ID};

#[derive(Debug, Clone)]
pub(crate) struct CourseRow {
    pub(crate) id: i64,
    pub(crate) category: i64,
    pub(crate) sortorder: i64,
    pub(crate) shortname: String,
    pub(crate) fullname: String,
    pub(crate) idnumber: String,
    pub(crate) summary: String,
    pub(crate) format: String,
    pub(crate) visible: bool,
    pub(crate) startdate: i64,
    pub(crate) enddate: i64,
    pub(crate) enablecompletion: bool,
    pub(crate) timemodified: i64,
    pub(crate) contextid: i64,
}

const COURSE_COLUMNS: &str = "c.id, c.category, c.shortname, c.fullname, c.idnumber, c.summary, \
     c.format, c.visible, c.startdate, c.enddate, c.enablecompletion, c.timemodified, ctx.id, c.sortorder";

const COURSE_CONTEXT_JOIN: &str =
    "JOIN context ctx ON ctx.contextlevel = 50 AND ctx.instanceid = c.id";

fn course_row(row: &Row<'_>) -> rusqlite::Result<CourseRow> {
    Ok(CourseRow {
        id: row.get(0)?,
        category: row.get(1)?,
        shortname: row.get(2)?,
        fullname: row.get(3)?,
        idnumber: row.get(4)?,
        summary: row.get(5)?,
        format: row.get(6)?,
        visible: row.get(7)?,
        startdate: row.get(8)?,
        enddate: row.get(9)?,
        enablecompletion: row.get(10)?,
        timemodified: row.get(11)?,
        contextid: row.get(12)?,
        sortorder: row.get(13)?,
    })
}

pub(crate) fn course_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<CourseRow>> {
    conn.query_row(
        &format!("SELECT {COURSE_COLUMNS} FROM course c {COURSE_CONTEXT_JOIN} WHERE c.id = ?1"),
        [id],
        course_row,
    )
    .optional()
}

/// Every course, the site course included, by id (what `get_records('course')` returns).
pub(crate) fn all_courses(conn: &Connection) -> rusqlite::Result<Vec<CourseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COURSE_COLUMNS} FROM course c {COURSE_CONTEXT_JOIN} ORDER BY c.id"
    ))?;
    stmt.query_map([], course_row)?.collect()
}

/// The name of a course category; `None` for the site course's category 0.
pub(crate) fn category_name(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT name FROM course_categories WHERE id = ?1",
        [id],
        |row| row.get(0),
    )
    .optional()
}

/// The enabled enrolment methods of a course (`enrol_get_instances($id, true)`), in order.
pub(crate) fn enrol_methods(conn: &Connection, courseid: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT enrol FROM enrol WHERE courseid = ?1 AND status = 0 ORDER BY id")?;
    stmt.query_map([courseid], |row| row.get(0))?.collect()
}

/// Courses where the user has an active enrolment through an enabled method, in the order
/// Moodle lists them (visible first, then course sort order).
pub(crate) fn enrolled_courses(conn: &Connection, userid: i64) -> rusqlite::Result<Vec<CourseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COURSE_COLUMNS} FROM course c {COURSE_CONTEXT_JOIN}
         WHERE c.id != {SITE_COURSE_ID} AND EXISTS (
             SELECT 1 FROM enrol e JOIN user_enrolments ue ON ue.enrolid = e.id
             WHERE e.courseid = c.id AND e.status = 0 AND ue.status = 0 AND ue.userid = ?1)
         ORDER BY c.visible DESC, c.sortorder"
    ))?;
    stmt.query_map([userid], course_row)?.collect()
}

pub(crate) fn is_enrolled(conn: &Connection, userid: i64, courseid: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM enrol e JOIN user_enrolments ue ON ue.enrolid = e.id
                        WHERE e.courseid = ?2 AND e.status = 0 AND ue.status = 0 AND ue.userid = ?1)",
        params![userid, courseid],
        |row| row.get(0),
    )
}

pub(crate) fn enrolled_user_count(conn: &Connection, courseid: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(DISTINCT ue.userid) FROM enrol e JOIN user_enrolments ue ON ue.enrolid = e.id
         WHERE e.courseid = ?1 AND e.status = 0 AND ue.status = 0",
        [courseid],
        |row| row.get(0),
    )
}

#[derive(Debug, Clone)]
pub(crate) struct SectionRow {
    pub(crate) id: i64,
    pub(crate) section: i64,
    pub(crate) name: String,
    pub(crate) summary: String,
    pub(crate) visible: bool,
    /// Moodle's availability JSON; `None` = always available.
    pub(crate) availability: Option<String>,
}

pub(crate) fn course_sections(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<Vec<SectionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, section, name, summary, visible, availability FROM course_sections
         WHERE course = ?1 ORDER BY section",
    )?;
    stmt.query_map([courseid], |row| {
        Ok(SectionRow {
            id: row.get(0)?,
            section: row.get(1)?,
            name: row.get(2)?,
            summary: row.get(3)?,
            visible: row.get(4)?,
            availability: row.get(5)?,
        })
    })?
    .collect()
}

/// A course module with the fields of its instance (`resource`, `quiz`, `customcert`, `forum`)
/// that the course page shows. A forum's description stays off the course page, as Moodle
/// shows it only with "display description on course page".
#[derive(Debug, Clone)]
pub(crate) struct CmRow {
    pub(crate) id: i64,
    pub(crate) section_id: i64,
    pub(crate) modname: String,
    pub(crate) instance: i64,
    pub(crate) visible: bool,
    pub(crate) completion: i64,
    pub(crate) completionview: bool,
    /// The extension's rule: complete once the watched coverage reaches the threshold.
    pub(crate) completionwatched: bool,
    /// Quizzes: complete with a grade (`completionusegrade`), a passing one (`completionpassgrade`).
    pub(crate) completionusegrade: bool,
    pub(crate) completionpassgrade: bool,
    pub(crate) availability: Option<String>,
    pub(crate) contextid: i64,
    pub(crate) name: String,
    pub(crate) intro: String,
    /// `resource.revision`, the cache-busting segment of file URLs; 0 for other modules.
    pub(crate) revision: i64,
}

pub(crate) fn course_modules(conn: &Connection, courseid: i64) -> rusqlite::Result<Vec<CmRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT cm.id, cm.section, cm.module, cm.instance, cm.visible, cm.completion,
                cm.completionview, cm.availability, ctx.id,
                COALESCE(r.name, q.name, cc.name, fo.name, ''), COALESCE(r.intro, q.intro, cc.intro, ''), COALESCE(r.revision, 0),
                cm.completionwatched, cm.completionusegrade, cm.completionpassgrade
         FROM course_modules cm
         JOIN context ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id
         JOIN course_sections s ON s.id = cm.section
         LEFT JOIN resource r ON cm.module = 'resource' AND r.id = cm.instance
         LEFT JOIN quiz q ON cm.module = 'quiz' AND q.id = cm.instance
         LEFT JOIN customcert cc ON cm.module = 'customcert' AND cc.id = cm.instance
         LEFT JOIN forum fo ON cm.module = 'forum' AND fo.id = cm.instance
         WHERE cm.course = ?1
         ORDER BY s.section, cm.position",
    )?;
    stmt.query_map([courseid], |row| {
        Ok(CmRow {
            id: row.get(0)?,
            section_id: row.get(1)?,
            modname: row.get(2)?,
            instance: row.get(3)?,
            visible: row.get(4)?,
            completion: row.get(5)?,
            completionview: row.get(6)?,
            availability: row.get(7)?,
            contextid: row.get(8)?,
            name: row.get(9)?,
            intro: row.get(10)?,
            revision: row.get(11)?,
            completionwatched: row.get(12)?,
            completionusegrade: row.get(13)?,
            completionpassgrade: row.get(14)?,
        })
    })?
    .collect()
}

/// The course of a course module.
pub(crate) fn course_of_module(conn: &Connection, cmid: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT course FROM course_modules WHERE id = ?1",
        [cmid],
        |row| row.get(0),
    )
    .optional()
}

/// The course a section belongs to.
pub(crate) fn course_of_section(
    conn: &Connection,
    sectionid: i64,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT course FROM course_sections WHERE id = ?1",
        [sectionid],
        |row| row.get(0),
    )
    .optional()
}

/// The course module and course of a `resource` instance.
/// Sets a `resource`'s description, bumping its modification time only when it changed.
pub(crate) fn set_resource_intro(
    conn: &Connection,
    resourceid: i64,
    intro: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE resource SET intro = ?2, timemodified = ?3 WHERE id = ?1 AND intro <> ?2",
        params![resourceid, intro, now],
    )?;
    Ok(())
}

pub(crate) fn resource_cm(
    conn: &Connection,
    resourceid: i64,
) -> rusqlite::Result<Option<(i64, i64)>> {
    conn.query_row(
        "SELECT cm.id, cm.course FROM course_modules cm
         WHERE cm.module = 'resource' AND cm.instance = ?1",
        [resourceid],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()
}

/// What a context id points at. For a module context, also its course.
pub(crate) fn context_of(
    conn: &Connection,
    contextid: i64,
) -> rusqlite::Result<Option<(ContextLevel, i64, Option<i64>)>> {
    let found: Option<(i64, i64, Option<i64>)> = conn
        .query_row(
            "SELECT ctx.contextlevel, ctx.instanceid, cm.course FROM context ctx
             LEFT JOIN course_modules cm ON ctx.contextlevel = 70 AND cm.id = ctx.instanceid
             WHERE ctx.id = ?1",
            [contextid],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    Ok(found.and_then(|(level, instance, course)| {
        ContextLevel::from_i64(level).map(|level| (level, instance, course))
    }))
}

/// The display settings of a course's `resource` instances, by instance id:
/// (`display`, `timemodified`).
pub(crate) fn resource_settings(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<std::collections::HashMap<i64, (i64, i64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, display, timemodified FROM resource WHERE course = ?1")?;
    stmt.query_map([courseid], |row| {
        Ok((row.get(0)?, (row.get(1)?, row.get(2)?)))
    })?
    .collect()
}
