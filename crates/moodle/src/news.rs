//! お知らせ (§7): news forums and their discussions, the site's popup notifications. Requests
//! as the Moodle App sends them, and their answers read into model types; pure.
//!
//! Announcements are the discussions of news forums only (`type = news`): the site's own (its
//! front page course, `siteid`, as `core/features/sitehome` finds it) and each course's. Their
//! bodies are sanitised here ([`crate::sanitize`]), so nothing else ever holds the site's raw
//! HTML. Moodle has no mark-read call for posts (§10.3): `mod_forum_view_forum_discussion` logs
//! the view (and marks read where the forum is tracked); read state is the device's.

use crate::sanitize::sanitize_html;
use crate::{Params, wire};
use juko_model::{
    Announcement, AnnouncementId, Attachment, Board, BoardId, CourseId, Notification,
    NotificationId, UserId,
};
use serde::Deserialize;

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

/// One forum of `mod_forum_get_forums_by_courses` (a bare array).
#[derive(Debug, Deserialize)]
pub(crate) struct Forum {
    pub(crate) id: wire::Int,
    pub(crate) course: wire::Int,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
}

/// `mod_forum_get_forum_discussions`.
#[derive(Debug, Deserialize)]
pub(crate) struct Discussions {
    #[serde(default, deserialize_with = "wire::nullable")]
    pub(crate) discussions: Vec<Discussion>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Discussion {
    /// The discussion id (`id` is its first post's).
    pub(crate) discussion: wire::Int,
    pub(crate) name: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) created: Option<wire::Int>,
    pub(crate) timemodified: Option<wire::Int>,
    /// "Display from": a post scheduled for later shows from then.
    pub(crate) timestart: Option<wire::Int>,
    pub(crate) userid: Option<wire::Int>,
    pub(crate) userfullname: Option<String>,
    pub(crate) pinned: Option<wire::Flag>,
    #[serde(default, deserialize_with = "wire::nullable")]
    pub(crate) attachments: Vec<File>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct File {
    pub(crate) filename: Option<String>,
    pub(crate) fileurl: Option<String>,
    pub(crate) filesize: Option<wire::Int>,
    pub(crate) mimetype: Option<String>,
}

/// `message_popup_get_popup_notifications`.
#[derive(Debug, Deserialize)]
pub(crate) struct PopupNotifications {
    #[serde(default, deserialize_with = "wire::nullable")]
    pub(crate) notifications: Vec<WireNotification>,
}

/// `core_message_get_messages`.
#[derive(Debug, Deserialize)]
pub(crate) struct Messages {
    #[serde(default, deserialize_with = "wire::nullable")]
    pub(crate) messages: Vec<WireNotification>,
}

/// The fields both calls share.
#[derive(Debug, Deserialize)]
pub(crate) struct WireNotification {
    pub(crate) id: wire::Int,
    pub(crate) subject: Option<String>,
    pub(crate) smallmessage: Option<String>,
    pub(crate) fullmessagehtml: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) contexturl: Option<String>,
    pub(crate) timecreated: Option<wire::Int>,
    /// Unix seconds, `null` (popup) or `0` (messages) when unread.
    pub(crate) timeread: Option<wire::Int>,
    /// Only in the popup call.
    pub(crate) read: Option<wire::Flag>,
    pub(crate) component: Option<String>,
    /// JSON in a string: `{cmid, instance, discussionid, postid}` for forum posts.
    pub(crate) customdata: Option<String>,
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

/// The news forums among `forums`, each with the board it is: the site's when it belongs to
/// `site_course`. Every other forum type is no announcement board.
pub(crate) fn news_boards(forums: Vec<Forum>, site_course: CourseId) -> Vec<(BoardId, Board)> {
    forums
        .into_iter()
        .filter(|f| f.kind.as_deref() == Some(NEWS))
        .map(|f| {
            let course = CourseId(f.course.0);
            let board = if course == site_course {
                Board::Site
            } else {
                Board::Course(course)
            };
            (BoardId(f.id.0), board)
        })
        .collect()
}

pub(crate) fn announcements(
    answer: Discussions,
    board_id: BoardId,
    board: Board,
) -> Vec<Announcement> {
    answer
        .discussions
        .into_iter()
        .map(|d| announcement(d, board_id, board))
        .collect()
}

fn announcement(d: Discussion, board_id: BoardId, board: Board) -> Announcement {
    let created = d.created.map_or(0, |c| c.0);
    // A post shown from a later date counts from then (Moodle lists it from then too).
    let posted_at = created.max(d.timestart.map_or(0, |t| t.0));
    let subject = d
        .subject
        .filter(|s| !s.trim().is_empty())
        .or(d.name)
        .unwrap_or_default();
    Announcement {
        id: AnnouncementId(d.discussion.0),
        board,
        board_id,
        subject,
        author: d.userfullname.filter(|n| !n.trim().is_empty()),
        author_id: d.userid.map(|u| UserId(u.0)).filter(|u| u.0 > 0),
        posted_at,
        modified_at: d.timemodified.map_or(posted_at, |t| t.0),
        pinned: d.pinned.is_some_and(|p| p.0),
        body_html: sanitize_html(d.message.as_deref().unwrap_or_default()),
        attachments: d.attachments.into_iter().filter_map(attachment).collect(),
    }
}

/// A file with a web address; one without is no attachment the learner can open.
fn attachment(f: File) -> Option<Attachment> {
    let url = f.fileurl.filter(|u| juko_model::is_web_url(u))?;
    Some(Attachment {
        name: f.filename.unwrap_or_default(),
        url,
        mime_type: f.mimetype.unwrap_or_default(),
        size_bytes: f.filesize.map_or(0, |s| u64::try_from(s.0).unwrap_or(0)),
    })
}

pub(crate) fn notifications(list: Vec<WireNotification>) -> Vec<Notification> {
    list.into_iter().map(notification).collect()
}

fn notification(n: WireNotification) -> Notification {
    let read_at = n.timeread.map_or(0, |t| t.0);
    let html = n
        .fullmessagehtml
        .filter(|h| !h.trim().is_empty())
        .or(n.text)
        .or(n.smallmessage)
        .unwrap_or_default();
    let announcement = (n.component.as_deref() == Some("mod_forum"))
        .then(|| forum_post(n.customdata.as_deref()?))
        .flatten();
    Notification {
        id: NotificationId(n.id.0),
        subject: n.subject.unwrap_or_default(),
        body_html: sanitize_html(&html),
        sent_at: n.timecreated.map_or(0, |t| t.0),
        read: n.read.map_or(read_at > 0, |r| r.0),
        announcement,
        link: n.contexturl.filter(|u| juko_model::is_web_url(u)),
    }
}

/// The discussion a forum notification's `customdata` names.
fn forum_post(customdata: &str) -> Option<AnnouncementId> {
    #[derive(Deserialize)]
    struct Post {
        discussionid: Option<wire::Int>,
    }
    let post: Post = serde_json::from_str(customdata).ok()?;
    post.discussionid.map(|d| AnnouncementId(d.0))
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
