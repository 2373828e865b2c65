//! `mod_resource_get_resources_by_courses`: the file resources of courses, as a learner sees
//! them (only modules they can open; no editing fields).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{Ctx, Warning};
use crate::access::{self, CourseView};
use crate::db::{self, FileRow};
use crate::error::Result;
use crate::urls;

/// The parameters of every `mod_*_get_*_by_courses` call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Default: every course the learner is enrolled in.
    #[serde(default)]
    pub(crate) courseids: Vec<i64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Resources {
    resources: Vec<Resource>,
    warnings: Vec<Warning>,
}

/// `helper_for_get_mods_by_courses::standard_coursemodule_elements_returns()` and the
/// resource's own fields. `get_all_instances_in_courses` adds the course-module columns for
/// every user: `section` is the section's number (`cw.section`), `lang` the module's forced
/// language, "" when none is forced (Moodle cleans it with `PARAM_LANG`, as the quiz functions).
#[derive(Debug, Serialize)]
struct Resource {
    id: i64,
    coursemodule: i64,
    course: i64,
    name: String,
    intro: String,
    introformat: i64,
    introfiles: Vec<File>,
    section: i64,
    visible: bool,
    groupmode: i64,
    groupingid: i64,
    lang: Option<&'static str>,
    contentfiles: Vec<File>,
    tobemigrated: i64,
    legacyfiles: i64,
    legacyfileslast: Option<i64>,
    display: i64,
    displayoptions: &'static str,
    filterfiles: i64,
    revision: i64,
    timemodified: i64,
}

/// `external_files` entry, as `util::get_area_files` fills it for a stored file.
#[derive(Debug, Serialize)]
struct File {
    filename: String,
    filepath: String,
    filesize: i64,
    fileurl: String,
    timemodified: i64,
    mimetype: String,
    isexternalfile: bool,
    icon: &'static str,
}

pub(crate) async fn get_resources_by_courses(ctx: &Ctx, params: Params) -> Result<Resources> {
    let (user, wwwroot) = (ctx.user.clone(), ctx.wwwroot.clone());
    ctx.state
        .db()
        .call(move |conn| {
            let (courses, warnings) = requested_courses(conn, user.id, params.courseids)?;
            let mut resources = Vec::new();
            for courseid in courses {
                resources.extend(course_resources(conn, &wwwroot, courseid, user.id)?);
            }
            Ok(Resources {
                resources,
                warnings,
            })
        })
        .await
}

/// The courses a `mod_*_get_*_by_courses` call is about, with a warning for each the learner
/// may not enter. No ids means `enrol_get_my_courses()`, which leaves out hidden courses for
/// learners.
pub(crate) fn requested_courses(
    conn: &Connection,
    userid: i64,
    courseids: Vec<i64>,
) -> rusqlite::Result<(Vec<i64>, Vec<Warning>)> {
    let courseids = if courseids.is_empty() {
        db::enrolled_courses(conn, userid)?
            .into_iter()
            .filter(|c| c.visible)
            .map(|c| c.id)
            .collect()
    } else {
        courseids
    };
    validate_courses(conn, userid, &courseids)
}

/// `util::validate_courses`: the courses the user can enter, in the order asked (duplicates
/// once), and a warning for each other id (missing or refused, worded the same).
pub(crate) fn validate_courses(
    conn: &Connection,
    userid: i64,
    ids: &[i64],
) -> rusqlite::Result<(Vec<i64>, Vec<Warning>)> {
    let (mut courses, mut warnings) = (Vec::new(), Vec::new());
    let mut seen = Vec::new();
    for &id in ids {
        // `array_unique` first: a repeated id is checked, and warned about, once.
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let enters = match db::course_by_id(conn, id)? {
            Some(course) => access::course_access(conn, userid, &course)?.is_ok(),
            None => false,
        };
        if enters {
            courses.push(id);
        } else {
            warnings.push(Warning::course(
                id,
                "1",
                "No access rights in course context",
            ));
        }
    }
    Ok((courses, warnings))
}

fn course_resources(
    conn: &Connection,
    wwwroot: &str,
    courseid: i64,
    userid: i64,
) -> rusqlite::Result<Vec<Resource>> {
    let view = CourseView::load(conn, courseid, userid)?;
    let files = db::files_of_course(conn, courseid)?;
    let settings = db::resource_settings(conn, courseid)?;
    Ok(view
        .modules()
        // `get_all_instances_in_courses` lists only what the learner can open.
        .filter(|cm| cm.row.modname == "resource" && cm.uservisible)
        .map(|cm| {
            let row = &cm.row;
            let section = view
                .sections
                .iter()
                .find(|s| s.row.id == row.section_id)
                .map_or(0, |s| s.row.section);
            let (display, timemodified) = settings.get(&row.instance).copied().unwrap_or((0, 0));
            let contentfiles = files
                .get(&row.contextid)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|f| file(wwwroot, f))
                .collect();
            Resource {
                id: row.instance,
                coursemodule: row.id,
                course: courseid,
                name: row.name.clone(),
                intro: row.intro.clone(),
                introformat: 1,
                introfiles: Vec::new(),
                section,
                visible: row.visible,
                groupmode: 0,
                groupingid: 0,
                lang: Some(""),
                contentfiles,
                tobemigrated: 0,
                legacyfiles: 0,
                legacyfileslast: None,
                display,
                displayoptions: r#"a:1:{s:10:"printintro";i:1;}"#,
                filterfiles: 0,
                revision: row.revision,
                timemodified,
            }
        })
        .collect())
}

/// `get_area_files` puts the file's item id (0 for resource content) where the course page's
/// URLs carry the revision; the resource's file handler ignores that segment either way.
fn file(wwwroot: &str, f: &FileRow) -> File {
    File {
        fileurl: urls::resource_file_url(wwwroot, f.contextid, 0, &f.filepath, &f.filename)
            .trim_end_matches("?forcedownload=1")
            .to_owned(),
        filename: f.filename.clone(),
        filepath: f.filepath.clone(),
        filesize: f.filesize,
        timemodified: f.timemodified,
        mimetype: f.mimetype.clone(),
        isexternalfile: false,
        icon: file_icon(&f.filename, &f.mimetype),
    }
}

/// `file_file_icon()`: the icon of the file's extension when Moodle knows it, else of its
/// MIME type, for the kinds of file the demo's lectures and announcements hold.
pub(crate) fn file_icon(filename: &str, mimetype: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("mp4" | "m4v" | "webm") => "f/video",
        Some("pdf") => "f/pdf",
        Some("vtt" | "txt") => "f/text",
        Some("png" | "jpg" | "jpeg" | "gif" | "webp") => "f/image",
        _ if mimetype.starts_with("video/") => "f/video",
        _ if mimetype == "application/pdf" => "f/pdf",
        _ if mimetype.starts_with("image/") => "f/image",
        _ => "f/unknown",
    }
}
