//! `files` (Moodle's file table: one row per file in a context/component/area) and the link
//! from generated clips to their contenthash.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone)]
pub(crate) struct FileRow {
    pub(crate) contenthash: String,
    pub(crate) contextid: i64,
    pub(crate) filepath: String,
    pub(crate) filename: String,
    pub(crate) filesize: i64,
    pub(crate) mimetype: String,
    pub(crate) sortorder: i64,
    pub(crate) userid: Option<i64>,
    pub(crate) author: Option<String>,
    pub(crate) license: Option<String>,
    pub(crate) timecreated: i64,
    pub(crate) timemodified: i64,
}

pub(super) const FILE_COLUMNS: &str = "f.contenthash, f.contextid, f.filepath, f.filename, f.filesize, f.mimetype, \
     f.sortorder, f.userid, f.author, f.license, f.timecreated, f.timemodified";

pub(super) fn file_row(row: &Row<'_>) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        contenthash: row.get(0)?,
        contextid: row.get(1)?,
        filepath: row.get(2)?,
        filename: row.get(3)?,
        filesize: row.get(4)?,
        mimetype: row.get(5)?,
        sortorder: row.get(6)?,
        userid: row.get(7)?,
        author: row.get(8)?,
        license: row.get(9)?,
        timecreated: row.get(10)?,
        timemodified: row.get(11)?,
    })
}

/// The `mod_resource` content files of every module of a course, by module context id, in
/// Moodle's order (`sortorder DESC, id ASC`: the main file first).
pub(crate) fn files_of_course(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<HashMap<i64, Vec<FileRow>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FILE_COLUMNS} FROM files f
         JOIN context ctx ON ctx.id = f.contextid AND ctx.contextlevel = 70
         JOIN course_modules cm ON cm.id = ctx.instanceid
         WHERE cm.course = ?1 AND f.component = 'mod_resource' AND f.filearea = 'content'
         ORDER BY f.sortorder DESC, f.id ASC"
    ))?;
    let mut by_context: HashMap<i64, Vec<FileRow>> = HashMap::new();
    for file in stmt.query_map([courseid], file_row)? {
        let file = file?;
        by_context.entry(file.contextid).or_default().push(file);
    }
    Ok(by_context)
}

/// The file at a full Moodle file path.
pub(crate) fn file_at(
    conn: &Connection,
    contextid: i64,
    component: &str,
    filearea: &str,
    itemid: i64,
    filepath: &str,
    filename: &str,
) -> rusqlite::Result<Option<FileRow>> {
    conn.query_row(
        &format!(
            "SELECT {FILE_COLUMNS} FROM files f
             WHERE f.contextid = ?1 AND f.component = ?2 AND f.filearea = ?3 AND f.itemid = ?4
               AND f.filepath = ?5 AND f.filename = ?6"
        ),
        params![contextid, component, filearea, itemid, filepath, filename],
        file_row,
    )
    .optional()
}

/// Remembers which clip recipe produced a contenthash.
pub(crate) fn record_media(
    conn: &Connection,
    recipe: &str,
    contenthash: &str,
    filesize: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO demo_media (recipe, contenthash, filesize) VALUES (?1, ?2, ?3)
         ON CONFLICT (recipe) DO UPDATE SET contenthash = excluded.contenthash,
                                            filesize = excluded.filesize",
        params![recipe, contenthash, filesize],
    )?;
    Ok(())
}

/// A lecture's video as stored: the file row, its module and the module's `resource`.
#[derive(Debug, Clone)]
pub(crate) struct LectureFile {
    pub(crate) file_id: i64,
    pub(crate) cmid: i64,
    pub(crate) resource_id: i64,
    pub(crate) filename: String,
}

/// Every video file of a `resource` module.
pub(crate) fn lecture_files(conn: &Connection) -> rusqlite::Result<Vec<LectureFile>> {
    let mut stmt = conn.prepare(
        "SELECT f.id, cm.id, cm.instance, f.filename FROM files f
         JOIN context ctx ON ctx.id = f.contextid AND ctx.contextlevel = 70
         JOIN course_modules cm ON cm.id = ctx.instanceid AND cm.module = 'resource'
         WHERE f.component = 'mod_resource' AND f.filearea = 'content'
           AND f.mimetype LIKE 'video/%'
         ORDER BY f.id",
    )?;
    stmt.query_map([], |row| {
        Ok(LectureFile {
            file_id: row.get(0)?,
            cmid: row.get(1)?,
            resource_id: row.get(2)?,
            filename: row.get(3)?,
        })
    })?
    .collect()
}

/// Points a file at other stored bytes. Returns whether anything changed.
pub(crate) fn set_file_content(
    conn: &Connection,
    file_id: i64,
    contenthash: &str,
    filesize: i64,
    now: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE files SET contenthash = ?2, filesize = ?3, timemodified = ?4
         WHERE id = ?1 AND (contenthash <> ?2 OR filesize <> ?3)",
        params![file_id, contenthash, filesize, now],
    )?;
    Ok(changed > 0)
}
