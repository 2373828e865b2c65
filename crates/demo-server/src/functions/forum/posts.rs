//! `mod_forum_get_discussion_posts`: a discussion's posts as the post exporter writes them
//! (author, capabilities, URLs, files), which the Moodle App uses to show a thread.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::super::area_files::{Area, format_string};
use super::super::{Ctx, Warning};
use super::discussions::author_name;
use super::open_forum;
use crate::db::{self, ForumRow, PostOrder, PostRow};
use crate::error::{Error, Result};
use crate::rest::params::MoodleBool;
use crate::urls;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    discussionid: i64,
    #[serde(default = "created")]
    sortby: String,
    #[serde(default = "desc")]
    sortdirection: String,
    #[serde(default = "MoodleBool::no")]
    includeinlineattachments: MoodleBool,
}

fn created() -> String {
    "created".to_owned()
}

fn desc() -> String {
    "DESC".to_owned()
}

#[derive(Debug, Serialize)]
pub(crate) struct DiscussionPosts {
    posts: Vec<Post>,
    forumid: i64,
    courseid: i64,
    ratinginfo: RatingInfo,
    warnings: Vec<Warning>,
}

/// The post exporter's read structure, in its declared order.
#[derive(Debug, Serialize)]
struct Post {
    id: i64,
    subject: String,
    replysubject: String,
    message: String,
    messageformat: i64,
    author: Author,
    discussionid: i64,
    hasparent: bool,
    parentid: Option<i64>,
    timecreated: Option<i64>,
    timemodified: Option<i64>,
    /// `null`: the forum is not tracked for the learner.
    unread: Option<bool>,
    isdeleted: bool,
    isprivatereply: bool,
    haswordcount: bool,
    wordcount: Option<i64>,
    charcount: Option<i64>,
    capabilities: Capabilities,
    urls: PostUrls,
    attachments: Vec<Attachment>,
    messageinlinefiles: Vec<StoredFile>,
    tags: Vec<serde_json::Value>,
    html: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct Author {
    id: Option<i64>,
    fullname: Option<String>,
    isdeleted: Option<bool>,
    groups: Vec<serde_json::Value>,
    urls: AuthorUrls,
}

#[derive(Debug, Serialize)]
struct AuthorUrls {
    profile: Option<String>,
    profileimage: Option<String>,
}

/// What a learner may do with an announcement: read it.
#[derive(Debug, Serialize)]
struct Capabilities {
    view: bool,
    edit: bool,
    delete: bool,
    split: bool,
    reply: bool,
    selfenrol: bool,
    export: bool,
    controlreadstatus: bool,
    canreplyprivately: bool,
}

#[derive(Debug, Serialize)]
struct PostUrls {
    view: Option<String>,
    viewisolated: Option<String>,
    viewparent: Option<String>,
    edit: Option<String>,
    delete: Option<String>,
    split: Option<String>,
    reply: Option<String>,
    export: Option<String>,
    markasread: Option<String>,
    markasunread: Option<String>,
    discuss: Option<String>,
}

/// `stored_file_exporter`'s properties, then its other properties.
#[derive(Debug, Serialize)]
struct StoredFile {
    contextid: i64,
    component: &'static str,
    filearea: &'static str,
    itemid: i64,
    filepath: String,
    filename: String,
    isdir: bool,
    isimage: bool,
    timemodified: i64,
    timecreated: i64,
    filesize: i64,
    author: String,
    license: String,
    filenameshort: String,
    filesizeformatted: String,
    icon: &'static str,
    timecreatedformatted: String,
    timemodifiedformatted: String,
    url: String,
}

/// An attachment: a stored file plus the post exporter's `urls` and `html`.
#[derive(Debug, Serialize)]
struct Attachment {
    #[serde(flatten)]
    file: StoredFile,
    urls: AttachmentUrls,
    html: AttachmentHtml,
}

#[derive(Debug, Serialize)]
struct AttachmentUrls {
    export: Option<String>,
}

#[derive(Debug, Serialize)]
struct AttachmentHtml {
    plagiarism: Option<String>,
}

/// `rating/external util::get_rating_info` for a forum without ratings.
#[derive(Debug, Serialize)]
struct RatingInfo {
    contextid: i64,
    component: &'static str,
    ratingarea: &'static str,
    canviewall: Option<bool>,
    canviewany: Option<bool>,
    scales: Vec<serde_json::Value>,
    ratings: Vec<serde_json::Value>,
}

/// `sortby` is `PARAM_ALPHA` (anything but letters is dropped before the check) and one of
/// `id`, `created`, `modified` in any case; `sortdirection` `ASC` or `DESC` in any case.
fn post_order(sortby: &str, sortdirection: &str) -> Result<(PostOrder, bool)> {
    let sortby: String = sortby.chars().filter(char::is_ascii_alphabetic).collect();
    let order = match sortby.to_ascii_lowercase().as_str() {
        "id" => PostOrder::Id,
        "created" => PostOrder::Created,
        "modified" => PostOrder::Modified,
        _ => {
            return Err(Error::invalid_parameter(format!(
                "Invalid value for sortby parameter (value: {sortby}),allowed values are: id, created, modified"
            )));
        }
    };
    let direction: String = sortdirection
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_uppercase();
    let descending = match direction.as_str() {
        "DESC" => true,
        "ASC" => false,
        _ => {
            return Err(Error::invalid_parameter(format!(
                "Invalid value for sortdirection parameter (value: {direction}),allowed values are: ASC,DESC"
            )));
        }
    };
    Ok((order, descending))
}

pub(crate) async fn get_discussion_posts(ctx: &Ctx, params: Params) -> Result<DiscussionPosts> {
    let user = ctx.user.clone();
    let wwwroot = ctx.wwwroot.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            // Moodle 4.5 fails with a PHP error on an unknown id here; the demo answers as
            // `mod_forum_view_forum_discussion` does for one.
            let discussion = db::discussion_by_id(conn, params.discussionid)?
                .ok_or_else(|| Error::missing_record("forum_discussions"))?;
            let forum = db::forum_by_id(conn, discussion.forum)?
                .ok_or_else(|| Error::missing_record("forum"))?;
            open_forum(conn, &user, &forum)?;
            let (order, descending) = post_order(&params.sortby, &params.sortdirection)?;
            // Posts the learner may not view (a timed discussion not yet shown) are left out.
            let posts = if db::discussion_visible(&discussion, user.id, now) {
                db::posts_of_discussion(conn, discussion.id, order, descending)?
            } else {
                Vec::new()
            };
            let inline = params.includeinlineattachments.0;
            let posts = posts
                .into_iter()
                .map(|p| post(conn, &wwwroot, &forum, p, inline))
                .collect::<Result<Vec<_>>>()?;
            Ok(DiscussionPosts {
                posts,
                forumid: forum.id,
                courseid: forum.course,
                ratinginfo: RatingInfo {
                    contextid: forum.contextid,
                    component: "mod_forum",
                    ratingarea: "post",
                    canviewall: None,
                    canviewany: None,
                    scales: Vec::new(),
                    ratings: Vec::new(),
                },
                warnings: Vec::new(),
            })
        })
        .await
}

fn post(
    conn: &Connection,
    wwwroot: &str,
    forum: &ForumRow,
    post: PostRow,
    include_inline: bool,
) -> Result<Post> {
    let inline = Area {
        contextid: forum.contextid,
        component: "mod_forum",
        filearea: "post",
        itemid: Some(post.id),
    };
    let attachments = if post.attachment.is_empty() {
        Vec::new()
    } else {
        db::area_files(conn, forum.contextid, "mod_forum", "attachment", post.id)?
            .iter()
            .map(|f| Attachment {
                file: stored_file(wwwroot, f, "attachment", post.id),
                urls: AttachmentUrls { export: None },
                html: AttachmentHtml { plagiarism: None },
            })
            .collect()
    };
    let messageinlinefiles = if include_inline {
        db::area_files(conn, forum.contextid, "mod_forum", "post", post.id)?
            .iter()
            .map(|f| stored_file(wwwroot, f, "post", post.id))
            .collect()
    } else {
        Vec::new()
    };
    let subject = format_string(&post.subject);
    let replysubject = if subject.starts_with("Re:") {
        subject.clone()
    } else {
        format!("Re: {subject}")
    };
    let discuss = format!("{wwwroot}/mod/forum/discuss.php?d={}", post.discussion);
    let hasparent = post.parent != 0;
    Ok(Post {
        id: post.id,
        replysubject,
        subject,
        message: inline.rewrite(wwwroot, &post.message),
        messageformat: post.messageformat,
        author: Author {
            id: Some(post.userid),
            fullname: Some(author_name(conn, post.userid)?),
            isdeleted: Some(false),
            groups: Vec::new(),
            urls: AuthorUrls {
                profile: Some(format!(
                    "{wwwroot}/user/view.php?id={}&course={}",
                    post.userid, forum.course
                )),
                profileimage: Some(urls::user_picture(wwwroot, "f1")),
            },
        },
        discussionid: post.discussion,
        hasparent,
        parentid: hasparent.then_some(post.parent),
        timecreated: Some(post.created),
        timemodified: Some(post.modified),
        unread: None,
        isdeleted: false,
        isprivatereply: false,
        haswordcount: false,
        wordcount: None,
        charcount: None,
        capabilities: Capabilities {
            view: true,
            edit: false,
            delete: false,
            split: false,
            reply: forum.kind != "news",
            selfenrol: false,
            export: false,
            controlreadstatus: false,
            canreplyprivately: false,
        },
        urls: PostUrls {
            view: Some(format!("{discuss}#p{}", post.id)),
            viewisolated: Some(format!("{discuss}&parent={}", post.id)),
            viewparent: hasparent.then(|| format!("{discuss}#p{}", post.parent)),
            edit: None,
            delete: None,
            split: None,
            reply: None,
            export: None,
            markasread: None,
            markasunread: None,
            discuss: Some(discuss),
        },
        attachments,
        messageinlinefiles,
        tags: Vec::new(),
        html: None,
    })
}

fn stored_file(wwwroot: &str, f: &db::FileRow, filearea: &'static str, itemid: i64) -> StoredFile {
    StoredFile {
        contextid: f.contextid,
        component: "mod_forum",
        filearea,
        itemid,
        filepath: f.filepath.clone(),
        filename: f.filename.clone(),
        isdir: false,
        isimage: f.mimetype.starts_with("image/") && f.mimetype != "image/svg+xml",
        timemodified: f.timemodified,
        timecreated: f.timecreated,
        filesize: f.filesize,
        author: f.author.clone().unwrap_or_default(),
        license: f.license.clone().unwrap_or_default(),
        filenameshort: f.filename.clone(),
        filesizeformatted: display_size(f.filesize),
        icon: super::super::resources::file_icon(&f.filename, &f.mimetype),
        timecreatedformatted: super::super::self_enrol::userdate(f.timecreated),
        timemodifiedformatted: super::super::self_enrol::userdate(f.timemodified),
        url: urls::forum_file_url(
            wwwroot,
            f.contextid,
            filearea,
            itemid,
            &f.filepath,
            &f.filename,
        ),
    }
}

/// `display_size()`: bytes in Moodle's units (`12.3 KB`).
fn display_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let size = bytes as f64;
    if size >= KB * KB {
        format!("{:.1} MB", size / (KB * KB))
    } else if size >= KB {
        format!("{:.1} KB", size / KB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parameters_are_cleaned_then_checked() {
        assert_eq!(
            post_order("created", "DESC").unwrap(),
            (PostOrder::Created, true)
        );
        assert_eq!(post_order("ID", "asc").unwrap(), (PostOrder::Id, false));
        // PARAM_ALPHA drops what is not a letter before the check.
        assert_eq!(
            post_order("mod1ified", "d-e-s-c").unwrap(),
            (PostOrder::Modified, true)
        );
        let refused = |by: &str, dir: &str| match post_order(by, dir) {
            Err(Error::InvalidParameter { debuginfo }) => debuginfo,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused("name; DROP TABLE", "DESC"),
            "Invalid value for sortby parameter (value: nameDROPTABLE),allowed values are: id, created, modified"
        );
        assert_eq!(
            refused("id", "sideways"),
            "Invalid value for sortdirection parameter (value: SIDEWAYS),allowed values are: ASC,DESC"
        );
    }

    #[test]
    fn sizes_read_as_moodle_writes_them() {
        assert_eq!(display_size(512), "512 bytes");
        assert_eq!(display_size(20_480), "20.0 KB");
        assert_eq!(display_size(3 * 1024 * 1024), "3.0 MB");
    }
}
