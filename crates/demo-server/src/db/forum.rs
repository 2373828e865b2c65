//! `forum`, `forum_discussions` and `forum_posts`: announcements (news forums) and their posts.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::files::{FILE_COLUMNS, FileRow, file_row};

/// A forum with its course module.
#[derive(Debug, Clone)]
pub(crate) struct ForumRow {
    pub(crate) id: i64,
    pub(crate) course: i64,
    /// `news` for a course's announcements.
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) intro: String,
    pub(crate) introformat: i64,
    pub(crate) maxbytes: i64,
    pub(crate) maxattachments: i64,
    pub(crate) forcesubscribe: i64,
    pub(crate) trackingtype: i64,
    pub(crate) timemodified: i64,
    pub(crate) cmid: i64,
    pub(crate) contextid: i64,
}

const FORUM_COLUMNS: &str = "f.id, f.course, f.type, f.name, f.intro, f.introformat, f.maxbytes, \
     f.maxattachments, f.forcesubscribe, f.trackingtype, f.timemodified, cm.id, ctx.id";

const FORUM_MODULE_JOIN: &str =
    "JOIN course_modules cm ON cm.module = 'forum' AND cm.instance = f.id
     JOIN context ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id";

fn forum_row(row: &Row<'_>) -> rusqlite::Result<ForumRow> {
    Ok(ForumRow {
        id: row.get(0)?,
        course: row.get(1)?,
        kind: row.get(2)?,
        name: row.get(3)?,
        intro: row.get(4)?,
        introformat: row.get(5)?,
        maxbytes: row.get(6)?,
        maxattachments: row.get(7)?,
        forcesubscribe: row.get(8)?,
        trackingtype: row.get(9)?,
        timemodified: row.get(10)?,
        cmid: row.get(11)?,
        contextid: row.get(12)?,
    })
}

pub(crate) fn forum_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<ForumRow>> {
    conn.query_row(
        &format!("SELECT {FORUM_COLUMNS} FROM forum f {FORUM_MODULE_JOIN} WHERE f.id = ?1"),
        [id],
        forum_row,
    )
    .optional()
}

/// The forums of a course, by id.
pub(crate) fn forums_of_course(
    conn: &Connection,
    courseid: i64,
) -> rusqlite::Result<Vec<ForumRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FORUM_COLUMNS} FROM forum f {FORUM_MODULE_JOIN} WHERE f.course = ?1 ORDER BY f.id"
    ))?;
    stmt.query_map([courseid], forum_row)?.collect()
}

/// A post as stored.
#[derive(Debug, Clone)]
pub(crate) struct PostRow {
    pub(crate) id: i64,
    pub(crate) discussion: i64,
    pub(crate) parent: i64,
    pub(crate) userid: i64,
    pub(crate) created: i64,
    pub(crate) modified: i64,
    pub(crate) mailed: i64,
    pub(crate) subject: String,
    pub(crate) message: String,
    pub(crate) messageformat: i64,
    pub(crate) messagetrust: i64,
    pub(crate) attachment: String,
    pub(crate) totalscore: i64,
    pub(crate) mailnow: i64,
}

const POST_COLUMNS: &str = "p.id, p.discussion, p.parent, p.userid, p.created, p.modified, \
     p.mailed, p.subject, p.message, p.messageformat, p.messagetrust, p.attachment, p.totalscore, p.mailnow";

fn post_row(row: &Row<'_>) -> rusqlite::Result<PostRow> {
    post_row_at(row, 0)
}

fn post_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<PostRow> {
    Ok(PostRow {
        id: row.get(at)?,
        discussion: row.get(at + 1)?,
        parent: row.get(at + 2)?,
        userid: row.get(at + 3)?,
        created: row.get(at + 4)?,
        modified: row.get(at + 5)?,
        mailed: row.get(at + 6)?,
        subject: row.get(at + 7)?,
        message: row.get(at + 8)?,
        messageformat: row.get(at + 9)?,
        messagetrust: row.get(at + 10)?,
        attachment: row.get(at + 11)?,
        totalscore: row.get(at + 12)?,
        mailnow: row.get(at + 13)?,
    })
}

/// A discussion with its first post and its reply count.
#[derive(Debug, Clone)]
pub(crate) struct DiscussionRow {
    pub(crate) id: i64,
    pub(crate) forum: i64,
    pub(crate) name: String,
    pub(crate) userid: i64,
    pub(crate) groupid: i64,
    pub(crate) timemodified: i64,
    pub(crate) usermodified: i64,
    pub(crate) timestart: i64,
    pub(crate) timeend: i64,
    pub(crate) pinned: bool,
    pub(crate) numreplies: i64,
    pub(crate) firstpost: PostRow,
}

const DISCUSSION_COLUMNS: &str = "d.id, d.forum, d.name, d.userid, d.groupid, \
     d.timemodified, d.usermodified, d.timestart, d.timeend, d.pinned, \
     (SELECT COUNT(*) FROM forum_posts r WHERE r.discussion = d.id AND r.parent <> 0) AS numreplies";

fn discussion_row(row: &Row<'_>) -> rusqlite::Result<DiscussionRow> {
    Ok(DiscussionRow {
        id: row.get(0)?,
        forum: row.get(1)?,
        name: row.get(2)?,
        userid: row.get(3)?,
        groupid: row.get(4)?,
        timemodified: row.get(5)?,
        usermodified: row.get(6)?,
        timestart: row.get(7)?,
        timeend: row.get(8)?,
        pinned: row.get(9)?,
        numreplies: row.get(10)?,
        firstpost: post_row_at(row, 11)?,
    })
}

/// How `mod_forum_get_forum_discussions` orders (the discussion list vault's sort orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiscussionOrder {
    LastPostDesc,
    LastPostAsc,
    CreatedDesc,
    CreatedAsc,
    RepliesDesc,
    RepliesAsc,
}

impl DiscussionOrder {
    /// Pinned discussions always come first; the discussion id breaks ties, newest first.
    fn sql(self) -> &'static str {
        match self {
            DiscussionOrder::LastPostDesc => "d.pinned DESC, d.timemodified DESC, d.id DESC",
            DiscussionOrder::LastPostAsc => "d.pinned DESC, d.timemodified ASC, d.id DESC",
            DiscussionOrder::CreatedDesc => "d.pinned DESC, p.created DESC, d.id DESC",
            DiscussionOrder::CreatedAsc => "d.pinned DESC, p.created ASC, d.id DESC",
            DiscussionOrder::RepliesDesc => "d.pinned DESC, numreplies DESC, d.id DESC",
            DiscussionOrder::RepliesAsc => "d.pinned DESC, numreplies ASC, d.id DESC",
        }
    }
}

/// Which part of the list a page asks for; `limit` 0 is everything from `offset`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub(crate) offset: i64,
    pub(crate) limit: i64,
}

/// The discussions of a forum the user may see at `now`: timed discussions only inside
/// their window, unless the user started them (the vault's rule for users who cannot view
/// hidden timed posts).
pub(crate) fn discussions_of_forum(
    conn: &Connection,
    forumid: i64,
    userid: i64,
    now: i64,
    order: DiscussionOrder,
    page: Page,
) -> rusqlite::Result<Vec<DiscussionRow>> {
    let limit = if page.limit > 0 { page.limit } else { -1 };
    let sql = format!(
        "SELECT {DISCUSSION_COLUMNS}, {POST_COLUMNS} FROM forum_discussions d
         JOIN forum_posts p ON p.id = d.firstpost
         WHERE d.forum = ?1
           AND ((d.timestart <= ?3 AND (d.timeend = 0 OR d.timeend > ?3)) OR d.userid = ?2)
         ORDER BY {} LIMIT ?4 OFFSET ?5",
        order.sql()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(
        params![forumid, userid, now, limit, page.offset.max(0)],
        discussion_row,
    )?
    .collect()
}

/// How many discussions of a forum the user may see at `now` (`forum_count_discussions`).
pub(crate) fn count_discussions(
    conn: &Connection,
    forumid: i64,
    userid: i64,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM forum_discussions d
         WHERE d.forum = ?1
           AND ((d.timestart <= ?3 AND (d.timeend = 0 OR d.timeend > ?3)) OR d.userid = ?2)",
        params![forumid, userid, now],
        |row| row.get(0),
    )
}

pub(crate) fn discussion_by_id(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<DiscussionRow>> {
    conn.query_row(
        &format!(
            "SELECT {DISCUSSION_COLUMNS}, {POST_COLUMNS} FROM forum_discussions d
             JOIN forum_posts p ON p.id = d.firstpost WHERE d.id = ?1"
        ),
        [id],
        discussion_row,
    )
    .optional()
}

/// Whether a discussion is visible to the user at `now` (see `discussions_of_forum`).
pub(crate) fn discussion_visible(discussion: &DiscussionRow, userid: i64, now: i64) -> bool {
    let in_window =
        discussion.timestart <= now && (discussion.timeend == 0 || discussion.timeend > now);
    in_window || discussion.userid == userid
}

/// How the posts of a discussion are ordered: a column the caller checked, and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostOrder {
    Id,
    Created,
    Modified,
}

pub(crate) fn posts_of_discussion(
    conn: &Connection,
    discussionid: i64,
    order: PostOrder,
    descending: bool,
) -> rusqlite::Result<Vec<PostRow>> {
    let column = match order {
        PostOrder::Id => "p.id",
        PostOrder::Created => "p.created",
        PostOrder::Modified => "p.modified",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM forum_posts p WHERE p.discussion = ?1
         ORDER BY {column} {direction}, p.id {direction}"
    ))?;
    stmt.query_map([discussionid], post_row)?.collect()
}

/// The forum a course module shows, if it is a forum.
pub(crate) fn forum_of_module(conn: &Connection, cmid: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT instance FROM course_modules WHERE id = ?1 AND module = 'forum'",
        [cmid],
        |row| row.get(0),
    )
    .optional()
}

/// The post and its discussion, if the post is in that forum.
pub(crate) fn post_in_forum(
    conn: &Connection,
    postid: i64,
    forumid: i64,
) -> rusqlite::Result<Option<DiscussionRow>> {
    let discussion: Option<i64> = conn
        .query_row(
            "SELECT d.id FROM forum_posts p JOIN forum_discussions d ON d.id = p.discussion
             WHERE p.id = ?1 AND d.forum = ?2",
            params![postid, forumid],
            |row| row.get(0),
        )
        .optional()?;
    match discussion {
        Some(id) => discussion_by_id(conn, id),
        None => Ok(None),
    }
}

/// The files of one file area item (`get_area_files`, directories left out), by path and name.
pub(crate) fn area_files(
    conn: &Connection,
    contextid: i64,
    component: &str,
    filearea: &str,
    itemid: i64,
) -> rusqlite::Result<Vec<FileRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FILE_COLUMNS} FROM files f
         WHERE f.contextid = ?1 AND f.component = ?2 AND f.filearea = ?3 AND f.itemid = ?4
           AND f.filename <> '.'
         ORDER BY f.filepath, f.filename"
    ))?;
    stmt.query_map(params![contextid, component, filearea, itemid], file_row)?
        .collect()
}
