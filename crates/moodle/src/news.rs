//! お知らせ (§7): news forums and their discussions, the site's popup notifications. Requests
//! as the Moodle App sends them, and their answers read into model types; pure.
//!
//! Announcements are the discussions of news forums only (`type = news`): the site's own (its
//! front page course, `siteid`, as `core/features/sitehome` finds it) and each course's. Their
//! bodies are sanitised here ([`crate::sanitize`]), so nothing else ever holds the site's raw
//! HTML. Moodle has no mark-read call for posts (§10.3): `mod_forum_view_forum_discussion` logs
//! the view (and marks read where the forum is tracked); read state is the device's.

use crate::Params;
use crate::error::{DecodeProblem, Error, Result};
use crate::sanitize::sanitize_html;
use juko_model::{
    Announcement, AnnouncementId, Attachment, Board, BoardId, CourseId, Notification,
    NotificationId, UserId,
};
use serde_json::Value;

pub(crate) const FORUMS_BY_COURSES: &str = "mod_forum_get_forums_by_courses";
pub(crate) const FORUM_DISCUSSIONS: &str = "mod_forum_get_forum_discussions";
pub(crate) const VIEW_DISCUSSION: &str = "mod_forum_view_forum_discussion";
pub(crate) const POPUP_NOTIFICATIONS: &str = "message_popup_get_popup_notifications";
pub(crate) const MESSAGES: &str = "core_message_get_messages";
pub(crate) const MARK_NOTIFICATION_READ: &str = "core_message_mark_notification_read";

/// The forum type Moodle gives the announcements forum of a course (`forum_get_course_forum`).
const NEWS: &str = "news";
/// `discussion_list::SORTORDER_CREATED_DESC`: newest posted first.
const CREATED_NEWEST_FIRST: i64 = 3;
/// How many of each board's newest announcements are fetched.
pub const ANNOUNCEMENTS_PER_BOARD: u32 = 20;
/// How many of the newest notifications are fetched.
pub const NOTIFICATIONS_LIMIT: u32 = 30;

// ---- Wire ------------------------------------------------------------------------------------
//
// These answers are read from `serde_json::Value` with the small lenient readers below rather
// than with derived structs as elsewhere: the derives' code for these four shapes cost the web
// bundle ~5 KB brotli, the readers almost nothing. Leniency is the same (numbers as strings,
// booleans as 0/1, `null` as absent).

fn int(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => Some(n.as_f64() != Some(0.0)),
        Value::String(s) => Some(matches!(s.trim(), "1" | "true")),
        _ => None,
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_owned)
}

/// A list under `key` (absent or `null`: empty).
fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An id the item cannot do without: its absence is a decode error naming the field.
fn id(function: &str, v: &Value, key: &str) -> Result<i64> {
    int(v, key).ok_or_else(|| Error::Decode {
        function: function.to_owned(),
        problem: DecodeProblem::Shape(format!("an item without `{key}`")),
    })
}

// ---- Requests --------------------------------------------------------------------------------

pub(crate) fn forums_by_courses(courses: &[CourseId]) -> (&'static str, Params) {
    (
        FORUMS_BY_COURSES,
        Params::new().with("courseids", courses.to_vec()),
    )
}

pub(crate) fn forum_discussions(board: BoardId) -> (&'static str, Params) {
    (
        FORUM_DISCUSSIONS,
        Params::new()
            .with("forumid", board.0)
            .with("sortorder", CREATED_NEWEST_FIRST)
            .with("page", 0)
            .with("perpage", ANNOUNCEMENTS_PER_BOARD),
    )
}

pub(crate) fn view_discussion(announcement: AnnouncementId) -> (&'static str, Params) {
    (
        VIEW_DISCUSSION,
        Params::new().with("discussionid", announcement.0),
    )
}

/// The learner's own (`useridto` = them), newest first, as the App's notifications page asks.
pub(crate) fn popup_notifications(user: UserId) -> (&'static str, Params) {
    (
        POPUP_NOTIFICATIONS,
        Params::new()
            .with("useridto", user)
            .with("newestfirst", true)
            .with("limit", NOTIFICATIONS_LIMIT)
            .with("offset", 0),
    )
}

/// The fallback on sites without the popup processor: notifications, read or not (`read=2`,
/// Moodle ≥ 4.0).
pub(crate) fn messages(user: UserId) -> (&'static str, Params) {
    (
        MESSAGES,
        Params::new()
            .with("useridto", user)
            .with("type", "notifications")
            .with("read", 2)
            .with("newestfirst", true)
            .with("limitfrom", 0)
            .with("limitnum", NOTIFICATIONS_LIMIT),
    )
}

pub(crate) fn mark_notification_read(id: NotificationId, at_secs: i64) -> (&'static str, Params) {
    (
        MARK_NOTIFICATION_READ,
        Params::new()
            .with("notificationid", id.0)
            .with("timeread", at_secs),
    )
}

// ---- Answers ---------------------------------------------------------------------------------

/// `mod_forum_get_forums_by_courses` (a bare array): the news forums, each with the board it
/// is: the site's when it belongs to `site_course`. Every other forum type is no announcement
/// board.
pub(crate) fn news_boards(forums: &Value, site_course: CourseId) -> Result<Vec<(BoardId, Board)>> {
    let Some(forums) = forums.as_array() else {
        return Err(shape(FORUMS_BY_COURSES, "not a list of forums"));
    };
    let mut boards = Vec::new();
    for f in forums {
        if f.get("type").and_then(Value::as_str) != Some(NEWS) {
            continue;
        }
        let course = CourseId(id(FORUMS_BY_COURSES, f, "course")?);
        let board = if course == site_course {
            Board::Site
        } else {
            Board::Course(course)
        };
        boards.push((BoardId(id(FORUMS_BY_COURSES, f, "id")?), board));
    }
    Ok(boards)
}

/// `mod_forum_get_forum_discussions` → announcements, bodies sanitised.
pub(crate) fn announcements(
    answer: &Value,
    board_id: BoardId,
    board: Board,
) -> Result<Vec<Announcement>> {
    list(answer, "discussions")
        .iter()
        .map(|d| announcement(d, board_id, board))
        .collect()
}

fn announcement(d: &Value, board_id: BoardId, board: Board) -> Result<Announcement> {
    // `id` is the first post's; the discussion's own id is `discussion`.
    let discussion = id(FORUM_DISCUSSIONS, d, "discussion")?;
    let created = int(d, "created").unwrap_or(0);
    // A post shown from a later date counts from then (Moodle lists it from then too).
    let posted_at = created.max(int(d, "timestart").unwrap_or(0));
    let subject = text(d, "subject")
        .filter(|s| !s.trim().is_empty())
        .or_else(|| text(d, "name"))
        .unwrap_or_default();
    Ok(Announcement {
        id: AnnouncementId(discussion),
        board,
        board_id,
        subject,
        board_name: String::new(),
        author: text(d, "userfullname").filter(|n| !n.trim().is_empty()),
        posted_at,
        pinned: flag(d, "pinned").unwrap_or(false),
        body_html: sanitize_html(&text(d, "message").unwrap_or_default()),
        attachments: list(d, "attachments")
            .iter()
            .filter_map(attachment)
            .collect(),
    })
}

/// A file with a web address; one without is no attachment the learner can open.
fn attachment(f: &Value) -> Option<Attachment> {
    let url = text(f, "fileurl").filter(|u| juko_model::is_web_url(u))?;
    Some(Attachment {
        name: text(f, "filename").unwrap_or_default(),
        url,
        mime_type: text(f, "mimetype").unwrap_or_default(),
        size_bytes: int(f, "filesize").map_or(0, |s| u64::try_from(s).unwrap_or(0)),
    })
}

/// The notifications of `message_popup_get_popup_notifications` (`notifications`) or
/// `core_message_get_messages` (`messages`): the fields both share.
pub(crate) fn notifications(
    function: &str,
    answer: &Value,
    key: &str,
) -> Result<Vec<Notification>> {
    list(answer, key)
        .iter()
        .map(|n| notification(function, n))
        .collect()
}

fn notification(function: &str, n: &Value) -> Result<Notification> {
    // Unix seconds; `null` (popup) or `0` (messages) while unread.
    let read_at = int(n, "timeread").unwrap_or(0);
    let html = text(n, "fullmessagehtml")
        .filter(|h| !h.trim().is_empty())
        .or_else(|| text(n, "text"))
        .or_else(|| text(n, "smallmessage"))
        .unwrap_or_default();
    let announcement = (text(n, "component").as_deref() == Some("mod_forum"))
        .then(|| forum_post(&text(n, "customdata")?))
        .flatten();
    Ok(Notification {
        id: NotificationId(id(function, n, "id")?),
        subject: text(n, "subject").unwrap_or_default(),
        body_html: sanitize_html(&html),
        sent_at: int(n, "timecreated").unwrap_or(0),
        // Only the popup call says `read`; the messages call only `timeread`.
        read: flag(n, "read").unwrap_or(read_at > 0),
        announcement,
        link: text(n, "contexturl").filter(|u| juko_model::is_web_url(u)),
    })
}

/// The discussion a forum notification's `customdata` (JSON in a string) names.
fn forum_post(customdata: &str) -> Option<AnnouncementId> {
    let post: Value = serde_json::from_str(customdata).ok()?;
    int(&post, "discussionid").map(AnnouncementId)
}

fn shape(function: &str, what: &str) -> Error {
    Error::Decode {
        function: function.to_owned(),
        problem: DecodeProblem::Shape(what.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check((function, params): (&str, Params), want_function: &str, want: &str) {
        assert_eq!(function, want_function);
        assert_eq!(params.encode(), want);
    }

    #[test]
    fn requests_as_the_app_sends_them() {
        check(
            forums_by_courses(&[CourseId(1), CourseId(42)]),
            FORUMS_BY_COURSES,
            "courseids[0]=1&courseids[1]=42",
        );
        check(
            forum_discussions(BoardId(31)),
            FORUM_DISCUSSIONS,
            "forumid=31&sortorder=3&page=0&perpage=20",
        );
        check(
            view_discussion(AnnouncementId(4101)),
            VIEW_DISCUSSION,
            "discussionid=4101",
        );
        check(
            popup_notifications(UserId(1234)),
            POPUP_NOTIFICATIONS,
            "useridto=1234&newestfirst=1&limit=30&offset=0",
        );
        check(
            messages(UserId(1234)),
            MESSAGES,
            "useridto=1234&type=notifications&read=2&newestfirst=1&limitfrom=0&limitnum=30",
        );
        check(
            mark_notification_read(NotificationId(778812), 1_736_100_000),
            MARK_NOTIFICATION_READ,
            "notificationid=778812&timeread=1736100000",
        );
    }
}
