//! `webservice/pluginfile.php`: lecture files for a token, streamed from disk with Moodle's
//! `send_stored_file` semantics (ETag/304, single byte ranges, HEAD, forcedownload).

use std::io::SeekFrom;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::access::CourseView;
use crate::db::{self, ContextLevel, FileRow};
use crate::error::{AjaxFatalError, Error, Result};
use crate::form::Form;
use crate::functions::enter_course;
use crate::range;
use crate::state::AppState;
use crate::token;
use crate::urls::encode_segment;

/// How long clients may cache a file (Moodle's default file lifetime, one day).
const CACHE_CONTROL: &str = "private, max-age=86400, no-transform";
const CHUNK: usize = 64 * 1024;

/// `GET|HEAD /webservice/pluginfile.php/{contextid}/{component}/{filearea}/{…}/{filename}`
pub(crate) async fn pluginfile_path(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let form = Form::from_request(query.as_deref(), b"");
    serve(&state, &method, &headers, &path, &form).await
}

/// `GET|HEAD /webservice/pluginfile.php?file=/{contextid}/…` (sites without slash arguments).
pub(crate) async fn pluginfile_query(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let form = Form::from_request(query.as_deref(), b"");
    let path = form.get("file").unwrap_or("").to_owned();
    serve(&state, &method, &headers, &path, &form).await
}

async fn serve(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    form: &Form,
) -> Response {
    let forcedownload = form
        .get("forcedownload")
        .is_some_and(|v| v != "0" && !v.is_empty());
    let sent = match lookup(state, path, form).await {
        Ok(file) => send_file(state, method, headers, &file, forcedownload).await,
        Err(err) => Err(err),
    };
    sent.unwrap_or_else(|err| AjaxFatalError(err.file_status(), err).into_response())
}

/// Token first (as `webservice/pluginfile.php` authenticates before anything), then the file.
async fn lookup(state: &AppState, path: &str, form: &Form) -> Result<FileRow> {
    let user = token::authenticate(state, form.get("token")).await?;
    let target = FilePath::parse(path).ok_or(Error::FileNotFound)?;
    let now = state.clock().now();
    state
        .db()
        .call(move |conn| find_file(conn, &user, &target, now))
        .await
}

/// A relative pluginfile path: `{contextid}/{component}/{filearea}/{args…}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FilePath {
    contextid: i64,
    component: String,
    filearea: String,
    args: Vec<String>,
}

impl FilePath {
    fn parse(path: &str) -> Option<FilePath> {
        let mut parts = path.trim_start_matches('/').split('/');
        let contextid = parts.next()?.parse().ok()?;
        let component = parts.next()?.to_owned();
        let filearea = parts.next()?.to_owned();
        let args: Vec<String> = parts.map(str::to_owned).collect();
        if args.iter().any(|a| a.is_empty() || a == "." || a == "..") {
            return None;
        }
        Some(FilePath {
            contextid,
            component,
            filearea,
            args,
        })
    }
}

/// The file a path names, if the user may have it: each component's file handler checks the
/// user may enter the course and see the item, as Moodle's `*_pluginfile` callbacks do.
fn find_file(
    conn: &rusqlite::Connection,
    user: &db::UserRow,
    target: &FilePath,
    now: i64,
) -> Result<FileRow> {
    let area = (target.component.as_str(), target.filearea.as_str());
    match db::context_of(conn, target.contextid)? {
        Some((ContextLevel::Module, cmid, Some(courseid))) => match area {
            ("mod_resource", "content") => resource_file(conn, user, target, cmid, courseid),
            ("mod_forum", "post" | "attachment") => {
                forum_file(conn, user, target, cmid, courseid, now)
            }
            _ => Err(Error::FileNotFound),
        },
        Some((ContextLevel::Course, courseid, _)) if area == ("course", "overviewfiles") => {
            course_image(conn, target, courseid)
        }
        _ => Err(Error::FileNotFound),
    }
}

fn refused(denied: crate::access::Denied) -> Error {
    Error::RequireLogin {
        reason: denied.reason(),
    }
}

/// `require_course_login` on a module: enrolled (or the site course) and the module open.
fn open_module(
    conn: &rusqlite::Connection,
    user: &db::UserRow,
    cmid: i64,
    courseid: i64,
) -> Result<()> {
    enter_course(conn, user, courseid)?.map_err(refused)?;
    CourseView::load(conn, courseid, user.id)?
        .open_module(cmid)
        .map_err(refused)?;
    Ok(())
}

/// `/dir/` from the path segments between the item and the file name (`/` when none).
fn file_path(dirs: &[String]) -> String {
    if dirs.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}/", dirs.join("/"))
    }
}

/// `resource_pluginfile`: the learner must be able to open the module; the first argument is
/// the revision, ignored (it only busts caches); the rest is the file's path and name.
fn resource_file(
    conn: &rusqlite::Connection,
    user: &db::UserRow,
    target: &FilePath,
    cmid: i64,
    courseid: i64,
) -> Result<FileRow> {
    open_module(conn, user, cmid, courseid)?;
    let [_revision, dirs @ .., filename] = target.args.as_slice() else {
        return Err(Error::FileNotFound);
    };
    db::file_at(
        conn,
        target.contextid,
        "mod_resource",
        "content",
        0,
        &file_path(dirs),
        filename,
    )?
    .ok_or(Error::FileNotFound)
}

/// `forum_pluginfile`: the learner must be able to open the forum, and the post (the item)
/// must be one of this forum's that they may see (a timed discussion not yet shown is not).
fn forum_file(
    conn: &rusqlite::Connection,
    user: &db::UserRow,
    target: &FilePath,
    cmid: i64,
    courseid: i64,
    now: i64,
) -> Result<FileRow> {
    open_module(conn, user, cmid, courseid)?;
    let [postid, dirs @ .., filename] = target.args.as_slice() else {
        return Err(Error::FileNotFound);
    };
    let postid: i64 = postid.parse().map_err(|_| Error::FileNotFound)?;
    let forumid = db::forum_of_module(conn, cmid)?.ok_or(Error::FileNotFound)?;
    let discussion = db::post_in_forum(conn, postid, forumid)?.ok_or(Error::FileNotFound)?;
    if !db::discussion_visible(&discussion, user.id, now) {
        return Err(Error::FileNotFound);
    }
    db::file_at(
        conn,
        target.contextid,
        "mod_forum",
        &target.filearea,
        postid,
        &file_path(dirs),
        filename,
    )?
    .ok_or(Error::FileNotFound)
}

/// A course's image (`course/overviewfiles`, no item id). Moodle's `file_pluginfile` serves a
/// course's overview files to anyone signed in (the token here), enrolled or not: the courses
/// a newcomer may join show their logos. Stricter than Moodle, which looks only at the sign-in
/// here: a hidden course's are refused (learners lack `moodle/course:viewhiddencourses`, and
/// no listing shows them one).
fn course_image(conn: &rusqlite::Connection, target: &FilePath, courseid: i64) -> Result<FileRow> {
    let course = db::course_by_id(conn, courseid)?.ok_or(Error::FileNotFound)?;
    if !course.visible {
        return Err(refused(crate::access::Denied::CourseHidden));
    }
    let [dirs @ .., filename] = target.args.as_slice() else {
        return Err(Error::FileNotFound);
    };
    let contextid = target.contextid;
    db::file_at(
        conn,
        contextid,
        "course",
        "overviewfiles",
        0,
        &file_path(dirs),
        filename,
    )?
    .ok_or(Error::FileNotFound)
}

async fn send_file(
    state: &AppState,
    method: &Method,
    request: &HeaderMap,
    file: &FileRow,
    forcedownload: bool,
) -> Result<Response> {
    let disk_path = state.media().path_of(&file.contenthash);
    let size = match tokio::fs::metadata(&disk_path).await {
        Ok(meta) => meta.len(),
        Err(err) => {
            tracing::error!(contenthash = %file.contenthash, %err, "stored file missing on disk");
            return Err(Error::FileNotFound);
        }
    };
    let etag = format!("\"{}\"", file.contenthash);
    let modified = UNIX_EPOCH + Duration::from_secs(file.timemodified.max(0) as u64);
    let mut headers = HeaderMap::new();
    set(&mut headers, header::ETAG, &etag);
    set(
        &mut headers,
        header::LAST_MODIFIED,
        &httpdate::fmt_http_date(modified),
    );
    set(&mut headers, header::CACHE_CONTROL, CACHE_CONTROL);
    set(&mut headers, "cross-origin-resource-policy", "cross-origin");
    set(
        &mut headers,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified",
    );

    if not_modified(request, &etag, file.timemodified) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }

    let text = file.mimetype == "text/plain";
    let content_type = if text {
        "text/plain; charset=utf-8"
    } else {
        &file.mimetype
    };
    set(&mut headers, header::CONTENT_TYPE, content_type);
    set(
        &mut headers,
        header::CONTENT_DISPOSITION,
        &disposition(&file.filename, forcedownload),
    );
    // Moodle turns byte serving off for plain text.
    set(
        &mut headers,
        header::ACCEPT_RANGES,
        if text { "none" } else { "bytes" },
    );

    let requested = request
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| !text)
        .and_then(|value| range::parse(value, size));
    let (status, start, length) = match requested {
        Some(r) => {
            set(
                &mut headers,
                header::CONTENT_RANGE,
                &format!("bytes {}-{}/{size}", r.start, r.end),
            );
            (StatusCode::PARTIAL_CONTENT, r.start, r.len())
        }
        None => (StatusCode::OK, 0, size),
    };
    set(&mut headers, header::CONTENT_LENGTH, &length.to_string());
    if method == Method::HEAD {
        return Ok((status, headers).into_response());
    }
    let body = stream_file(&disk_path, start, length).await?;
    Ok((status, headers, body).into_response())
}

/// `If-None-Match` decides when present; otherwise `If-Modified-Since`.
fn not_modified(request: &HeaderMap, etag: &str, timemodified: i64) -> bool {
    if let Some(tags) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*");
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .and_then(|since| since.duration_since(UNIX_EPOCH).ok())
        .is_some_and(|since| since.as_secs() as i64 >= timemodified)
}

fn disposition(filename: &str, attachment: bool) -> String {
    let kind = if attachment { "attachment" } else { "inline" };
    let plain = filename.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !filename.contains(['"', '\\']);
    if plain {
        format!("{kind}; filename=\"{filename}\"")
    } else {
        format!("{kind}; filename*=UTF-8''{}", encode_segment(filename))
    }
}

/// The bytes `start..start+length` of a file, read in chunks as the client consumes them.
async fn stream_file(path: &std::path::Path, start: u64, length: u64) -> Result<Body> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    file.seek(SeekFrom::Start(start))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    Ok(Body::from_stream(ReaderStream::with_capacity(
        file.take(length),
        CHUNK,
    )))
}

fn set(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_context_component_area_and_args() {
        let parsed = FilePath::parse("/1620/mod_resource/content/3/lecture01.mp4").unwrap();
        assert_eq!(parsed.contextid, 1620);
        assert_eq!(parsed.component, "mod_resource");
        assert_eq!(parsed.filearea, "content");
        assert_eq!(parsed.args, ["3", "lecture01.mp4"]);
        assert_eq!(FilePath::parse("x/mod_resource/content/1/a.mp4"), None);
        assert_eq!(FilePath::parse("1/mod_resource/content/1/../a.mp4"), None);
        assert_eq!(FilePath::parse("1/mod_resource"), None);
    }

    #[test]
    fn dispositions_quote_or_encode_the_name() {
        assert_eq!(
            disposition("kiso-01.mp4", true),
            "attachment; filename=\"kiso-01.mp4\""
        );
        assert_eq!(
            disposition("講義.mp4", false),
            "inline; filename*=UTF-8''%E8%AC%9B%E7%BE%A9.mp4"
        );
    }
}
