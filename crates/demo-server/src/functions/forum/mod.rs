//! Forums, for announcements (お知らせ): `mod_forum_get_forums_by_courses`,
//! `mod_forum_get_forum_discussions` (`discussions.rs`), `mod_forum_get_discussion_posts`
//! (`posts.rs`), and the view events `mod_forum_view_forum` / `mod_forum_view_forum_discussion`.
//!
//! Learners read: news forums let only teachers post, so nothing here writes posts. Every
//! call checks that the learner may open the forum's module (enrolled in its course, or the
//! site course), as Moodle's `validate_context` does.

mod discussions;
mod posts;

pub(crate) use discussions::get_forum_discussions;
pub(crate) use posts::get_discussion_posts;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::area_files::{AreaFile, format_string};
use super::resources::{Params as CoursesParams, requested_courses};
use super::{Ctx, StatusResult, Warning, enter_course};
use crate::access::{CourseView, Denied};
use crate::db::{self, ForumRow, LogEvent, UserRow};
use crate::error::{Error, Result};

/// `mod_forum_get_forums_by_courses` answers a bare list of these, in Moodle's declared order.
#[derive(Debug, Serialize)]
pub(crate) struct Forum {
    id: i64,
    course: i64,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    intro: String,
    introformat: i64,
    introfiles: Vec<AreaFile>,
    lang: &'static str,
    duedate: i64,
    cutoffdate: i64,
    assessed: i64,
    assesstimestart: i64,
    assesstimefinish: i64,
    scale: i64,
    grade_forum: i64,
    grade_forum_notify: i64,
    maxbytes: i64,
    maxattachments: i64,
    forcesubscribe: i64,
    trackingtype: i64,
    rsstype: i64,
    rssarticles: i64,
    timemodified: i64,
    warnafter: i64,
    blockafter: i64,
    blockperiod: i64,
    completiondiscussions: i64,
    completionreplies: i64,
    completionposts: i64,
    cmid: i64,
    numdiscussions: i64,
    cancreatediscussions: bool,
    lockdiscussionafter: i64,
    /// Learners do not track forums unless they choose to (`trackforums` is off by default),
    /// so `unreadpostscount` is never sent.
    istracked: bool,
}

pub(crate) async fn get_forums_by_courses(ctx: &Ctx, params: CoursesParams) -> Result<Vec<Forum>> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            // Moodle's warnings about refused courses are dropped: the answer is a bare list.
            let (courses, _warnings): (Vec<i64>, Vec<Warning>) =
                requested_courses(conn, user.id, params.courseids)?;
            let mut forums = Vec::new();
            for courseid in courses {
                let view = CourseView::load(conn, courseid, user.id)?;
                for forum in db::forums_of_course(conn, courseid)? {
                    // `get_all_instances_in_courses` lists only what the learner can open.
                    if view.open_module(forum.cmid).is_err() {
                        continue;
                    }
                    let numdiscussions = db::count_discussions(conn, forum.id, user.id, now)?;
                    forums.push(forum_entry(forum, numdiscussions));
                }
            }
            Ok(forums)
        })
        .await
}

fn forum_entry(forum: ForumRow, numdiscussions: i64) -> Forum {
    Forum {
        id: forum.id,
        course: forum.course,
        // Learners in a news forum only read.
        cancreatediscussions: forum.kind != "news",
        kind: forum.kind,
        name: format_string(&forum.name),
        intro: forum.intro,
        introformat: forum.introformat,
        introfiles: Vec::new(),
        lang: "",
        duedate: 0,
        cutoffdate: 0,
        assessed: 0,
        assesstimestart: 0,
        assesstimefinish: 0,
        scale: 0,
        grade_forum: 0,
        grade_forum_notify: 0,
        maxbytes: forum.maxbytes,
        maxattachments: forum.maxattachments,
        forcesubscribe: forum.forcesubscribe,
        trackingtype: forum.trackingtype,
        rsstype: 0,
        rssarticles: 0,
        timemodified: forum.timemodified,
        warnafter: 0,
        blockafter: 0,
        blockperiod: 0,
        completiondiscussions: 0,
        completionreplies: 0,
        completionposts: 0,
        cmid: forum.cmid,
        numdiscussions,
        lockdiscussionafter: 0,
        istracked: false,
    }
}

/// Moodle's refusal when a module's context cannot be entered.
fn require_login(denied: Denied) -> Error {
    Error::RequireLogin {
        reason: denied.reason(),
    }
}

/// `validate_context` on the forum's module: the learner may enter its course and open it.
pub(super) fn open_forum(conn: &Connection, user: &UserRow, forum: &ForumRow) -> Result<()> {
    enter_course(conn, user, forum.course)?.map_err(require_login)?;
    CourseView::load(conn, forum.course, user.id)?
        .open_module(forum.cmid)
        .map_err(require_login)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewForumParams {
    forumid: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewDiscussionParams {
    discussionid: i64,
}

/// `mod_forum_view_forum`: logs the module view (`forum_view`).
pub(crate) async fn view_forum(ctx: &Ctx, params: ViewForumParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let forum = db::forum_by_id(conn, params.forumid)?
                .ok_or_else(|| Error::missing_record("forum"))?;
            open_forum(conn, &user, &forum)?;
            db::log_event(
                conn,
                &LogEvent {
                    eventname: "\\mod_forum\\event\\course_module_viewed",
                    component: "mod_forum",
                    action: "viewed",
                    target: "course_module",
                    objectid: Some(forum.id),
                    contextid: forum.contextid,
                    userid: user.id,
                    courseid: forum.course,
                    other: None,
                    timecreated: now,
                },
            )?;
            Ok(StatusResult::ok())
        })
        .await
}

/// `mod_forum_view_forum_discussion`: logs the discussion view. Marking it read needs a
/// tracked forum, which learners' forums are not (`istracked` false), so nothing else changes.
pub(crate) async fn view_forum_discussion(
    ctx: &Ctx,
    params: ViewDiscussionParams,
) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let discussion = db::discussion_by_id(conn, params.discussionid)?
                .ok_or_else(|| Error::missing_record("forum_discussions"))?;
            let forum = db::forum_by_id(conn, discussion.forum)?
                .ok_or_else(|| Error::missing_record("forum"))?;
            open_forum(conn, &user, &forum)?;
            // A timed discussion not yet shown is, to a learner, no discussion at all.
            if !db::discussion_visible(&discussion, user.id, now) {
                return Err(Error::missing_record("forum_discussions"));
            }
            db::log_event(
                conn,
                &LogEvent {
                    eventname: "\\mod_forum\\event\\discussion_viewed",
                    component: "mod_forum",
                    action: "viewed",
                    target: "discussion",
                    objectid: Some(discussion.id),
                    contextid: forum.contextid,
                    userid: user.id,
                    courseid: forum.course,
                    other: None,
                    timecreated: now,
                },
            )?;
            Ok(StatusResult::ok())
        })
        .await
}
