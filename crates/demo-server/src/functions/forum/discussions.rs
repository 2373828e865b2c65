//! `mod_forum_get_forum_discussions` (Moodle 3.7+): a forum's discussions, pinned first, each
//! as its first post with the reply count, the authors and the post's files.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::super::area_files::{Area, AreaFile, format_string};
use super::super::{Ctx, Warning};
use super::open_forum;
use crate::db::{self, DiscussionOrder, DiscussionRow, ForumRow, Page};
use crate::error::{Error, Result};
use crate::urls;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    forumid: i64,
    /// -1: the default, newest last post first.
    #[serde(default = "minus_one")]
    sortorder: i64,
    /// -1: no paging.
    #[serde(default = "minus_one")]
    page: i64,
    #[serde(default)]
    perpage: i64,
    /// Forums here have no groups, so every group sees the same list.
    #[serde(default)]
    #[allow(dead_code)]
    groupid: i64,
}

fn minus_one() -> i64 {
    -1
}

#[derive(Debug, Serialize)]
pub(crate) struct Discussions {
    discussions: Vec<Discussion>,
    warnings: Vec<Warning>,
}

/// One discussion, keys in `get_forum_discussions_returns()` order.
#[derive(Debug, Serialize)]
struct Discussion {
    /// The first post's id.
    id: i64,
    name: String,
    groupid: i64,
    timemodified: i64,
    usermodified: Option<i64>,
    timestart: i64,
    timeend: i64,
    discussion: i64,
    parent: i64,
    userid: Option<i64>,
    created: i64,
    modified: i64,
    mailed: i64,
    subject: String,
    message: String,
    messageformat: i64,
    messagetrust: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    messageinlinefiles: Option<Vec<AreaFile>>,
    attachment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<Vec<AreaFile>>,
    totalscore: i64,
    mailnow: i64,
    userfullname: Option<String>,
    usermodifiedfullname: Option<String>,
    userpictureurl: Option<String>,
    usermodifiedpictureurl: Option<String>,
    numreplies: i64,
    numunread: i64,
    pinned: bool,
    locked: bool,
    starred: bool,
    canreply: bool,
    canlock: bool,
    canfavourite: bool,
}

/// The vault's sort orders Moodle accepts here, by number.
fn sort_order(value: i64) -> Result<DiscussionOrder> {
    Ok(match value {
        -1 | 1 => DiscussionOrder::LastPostDesc,
        2 => DiscussionOrder::LastPostAsc,
        3 => DiscussionOrder::CreatedDesc,
        4 => DiscussionOrder::CreatedAsc,
        5 => DiscussionOrder::RepliesDesc,
        6 => DiscussionOrder::RepliesAsc,
        other => {
            return Err(Error::invalid_parameter(format!(
                "Invalid value for sortorder parameter (value: {other}), allowed values are: 1,2,3,4,5,6"
            )));
        }
    })
}

/// `get_records_sql($sql, $params, $page * $perpage, $perpage)`: a negative start is 0 and a
/// limit of 0 (or less) is everything.
fn page(page: i64, perpage: i64) -> Page {
    let limit = perpage.max(0);
    Page {
        offset: page.saturating_mul(limit).max(0),
        limit,
    }
}

pub(crate) async fn get_forum_discussions(ctx: &Ctx, params: Params) -> Result<Discussions> {
    let order = sort_order(params.sortorder)?;
    let user = ctx.user.clone();
    let wwwroot = ctx.wwwroot.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let forum = db::forum_by_id(conn, params.forumid)?.ok_or_else(|| {
                Error::unworded(format!("Unable to find forum with id {}", params.forumid))
            })?;
            open_forum(conn, &user, &forum)?;
            let page = page(params.page, params.perpage);
            let rows = db::discussions_of_forum(conn, forum.id, user.id, now, order, page)?;
            let discussions = rows
                .into_iter()
                .map(|row| discussion(conn, &wwwroot, &forum, row))
                .collect::<Result<Vec<_>>>()?;
            Ok(Discussions {
                discussions,
                warnings: Vec::new(),
            })
        })
        .await
}

fn discussion(
    conn: &Connection,
    wwwroot: &str,
    forum: &ForumRow,
    row: DiscussionRow,
) -> Result<Discussion> {
    let post = &row.firstpost;
    let inline = Area {
        contextid: forum.contextid,
        component: "mod_forum",
        filearea: "post",
        itemid: Some(post.id),
    };
    let attached = Area {
        filearea: "attachment",
        ..inline
    };
    let inline_files = db::area_files(conn, forum.contextid, "mod_forum", "post", post.id)?;
    let attachments = if post.attachment.is_empty() {
        None
    } else {
        let files = db::area_files(conn, forum.contextid, "mod_forum", "attachment", post.id)?;
        Some(files.iter().map(|f| attached.file(wwwroot, f)).collect())
    };
    let author = author_name(conn, post.userid)?;
    let modifier = author_name(conn, row.usermodified)?;
    Ok(Discussion {
        id: post.id,
        name: format_string(&row.name),
        groupid: row.groupid,
        timemodified: row.timemodified,
        usermodified: Some(row.usermodified),
        timestart: row.timestart,
        timeend: row.timeend,
        discussion: row.id,
        parent: post.parent,
        userid: Some(post.userid),
        created: post.created,
        modified: post.modified,
        mailed: post.mailed,
        subject: format_string(&post.subject),
        message: inline.rewrite(wwwroot, &post.message),
        messageformat: post.messageformat,
        messagetrust: post.messagetrust,
        messageinlinefiles: (!inline_files.is_empty()).then(|| {
            inline_files
                .iter()
                .map(|f| inline.file(wwwroot, f))
                .collect()
        }),
        attachment: post.attachment.clone(),
        attachments,
        totalscore: post.totalscore,
        mailnow: post.mailnow,
        userfullname: Some(author),
        usermodifiedfullname: Some(modifier),
        userpictureurl: Some(urls::user_picture(wwwroot, "f2")),
        usermodifiedpictureurl: Some(urls::user_picture(wwwroot, "f2")),
        numreplies: row.numreplies,
        // Learners' forums are not tracked, so nothing counts as unread.
        numunread: 0,
        pinned: row.pinned,
        locked: false,
        starred: false,
        // Only teachers post in news forums.
        canreply: forum.kind != "news",
        canlock: false,
        canfavourite: true,
    })
}

/// An author's full name as the site shows it; a deleted account shows as Moodle's
/// "deleted user".
pub(super) fn author_name(conn: &Connection, userid: i64) -> Result<String> {
    Ok(db::user_by_id(conn, userid)?
        .map_or_else(|| "削除されたユーザー".to_owned(), |user| user.fullname()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_offsets_and_limits_as_moodle_computes_them() {
        let check = |p: i64, per: i64, offset: i64, limit: i64| {
            let got = page(p, per);
            assert_eq!((got.offset, got.limit), (offset, limit), "page {p} × {per}");
        };
        check(-1, 0, 0, 0);
        check(-1, 5, 0, 5);
        check(0, 2, 0, 2);
        check(2, 2, 4, 2);
        check(3, -4, 0, 0);
        check(i64::MAX, 10, i64::MAX, 10);
    }

    #[test]
    fn only_the_six_vault_orders_are_accepted() {
        assert_eq!(sort_order(-1).unwrap(), DiscussionOrder::LastPostDesc);
        assert_eq!(sort_order(4).unwrap(), DiscussionOrder::CreatedAsc);
        for bad in [0, 7, 12, -2] {
            assert_eq!(sort_order(bad).unwrap_err().errorcode(), "invalidparameter");
        }
    }
}
