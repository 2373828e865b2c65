//! お知らせ: announcements (posts in the site's and each course's news forum) and the site's
//! notifications, with the order and unread rules every screen and the engine share.

use crate::CourseId;
use serde::{Deserialize, Serialize};

/// An announcement: one discussion of a news forum (its id, not its first post's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnouncementId(pub i64);

/// A news forum (the board announcements are posted on).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoardId(pub i64);

/// One notification from the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotificationId(pub i64);

macro_rules! show_and_parse {
    ($($t:ident),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl std::str::FromStr for $t {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($t)
            }
        }
    )*};
}
show_and_parse!(AnnouncementId, BoardId, NotificationId);

/// Where an announcement was posted: the site's front page (for everyone) or one course.
/// Kept as the course id or `null` (a plain option reads back with less code in the web build).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "Option<CourseId>", into = "Option<CourseId>")]
pub enum Board {
    Site,
    Course(CourseId),
}

impl From<Option<CourseId>> for Board {
    fn from(course: Option<CourseId>) -> Board {
        course.map_or(Board::Site, Board::Course)
    }
}

impl From<Board> for Option<CourseId> {
    fn from(board: Board) -> Option<CourseId> {
        board.course()
    }
}

impl Board {
    /// The course it belongs to, for per-course unread counts (`None` for the site's news).
    pub fn course(self) -> Option<CourseId> {
        match self {
            Board::Site => None,
            Board::Course(c) => Some(c),
        }
    }
}

/// An announcement (お知らせ) as the learner reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: AnnouncementId,
    pub board: Board,
    /// The news forum it was posted in.
    pub board_id: BoardId,
    /// The course's name for a course's announcement (empty for the site's).
    pub board_name: String,
    pub subject: String,
    /// Who posted it; `None` when the site does not say.
    pub author: Option<String>,
    /// When it was posted (unix seconds).
    pub posted_at: i64,
    /// Pinned by the site's administrator: shown before the rest.
    pub pinned: bool,
    /// The body as sanitised HTML (see `juko_moodle::sanitize`). Images from the site keep
    /// their URLs without credentials: they are added only when shown.
    pub body_html: String,
    pub attachments: Vec<Attachment>,
}

/// A file attached to an announcement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    /// The site's URL for the file, without credentials.
    pub url: String,
    pub mime_type: String,
    pub size_bytes: u64,
}

/// A notification the site sent the learner (a new announcement, a grade, a reminder…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub subject: String,
    /// The text as sanitised HTML.
    pub body_html: String,
    /// When it was sent (unix seconds).
    pub sent_at: i64,
    /// Read on the site.
    pub read: bool,
    /// The announcement it tells of, when it is about one.
    pub announcement: Option<AnnouncementId>,
    /// Where it points on the site (an `http`/`https` address), when it does.
    pub link: Option<String>,
}

/// Newest first, pinned first: the order of every list of announcements.
pub fn sort_announcements(list: &mut [Announcement]) {
    list.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.posted_at.cmp(&a.posted_at))
            .then(b.id.cmp(&a.id))
    });
}

/// What is unread: announcements not opened on this device (whatever the site's tracking says)
/// and notifications not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unread {
    pub announcements: usize,
    pub notifications: usize,
    /// Unread announcements per course (the site's news counts in none). Lists, not sets or
    /// maps: a learner has a few courses and a few dozen announcements, and the web bundle
    /// pays for every collection type instantiated.
    pub per_course: Vec<(CourseId, usize)>,
}

impl Unread {
    /// Counts `announcements` not in `read`, and `notifications` not read (on the site or on
    /// this device, `read_notifications`, waiting to be sent).
    pub fn count(
        announcements: &[Announcement],
        read: &[AnnouncementId],
        notifications: &[Notification],
        read_notifications: &[NotificationId],
    ) -> Unread {
        let mut unread = Unread::default();
        for a in announcements.iter().filter(|a| !read.contains(&a.id)) {
            unread.announcements += 1;
            if let Some(course) = a.board.course() {
                match unread.per_course.iter_mut().find(|(c, _)| *c == course) {
                    Some((_, n)) => *n += 1,
                    None => unread.per_course.push((course, 1)),
                }
            }
        }
        // A notification telling of a listed announcement is that announcement, counted once
        // (opening the announcement marks it read too); one of an announcement not listed still
        // counts, or nothing would show it.
        unread.notifications = notifications
            .iter()
            .filter(|n| !n.read && !read_notifications.contains(&n.id))
            .filter(|n| {
                n.announcement
                    .is_none_or(|id| !announcements.iter().any(|a| a.id == id))
            })
            .count();
        unread
    }

    /// What the お知らせ badge shows.
    pub fn total(&self) -> usize {
        self.announcements + self.notifications
    }

    pub fn in_course(&self, course: CourseId) -> usize {
        self.per_course
            .iter()
            .find(|(c, _)| *c == course)
            .map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: i64, board: Board, posted_at: i64, pinned: bool) -> Announcement {
        Announcement {
            id: AnnouncementId(id),
            board,
            board_id: BoardId(1),
            subject: format!("s{id}"),
            board_name: String::new(),
            author: None,
            posted_at,
            pinned,
            body_html: String::new(),
            attachments: vec![],
        }
    }

    #[test]
    fn pinned_first_then_newest_first() {
        let mut list = vec![
            post(1, Board::Site, 100, false),
            post(2, Board::Course(CourseId(5)), 300, false),
            post(3, Board::Course(CourseId(5)), 50, true),
            post(4, Board::Site, 200, true),
        ];
        sort_announcements(&mut list);
        let ids: Vec<i64> = list.iter().map(|a| a.id.0).collect();
        assert_eq!(ids, [4, 3, 2, 1]);
    }

    #[test]
    fn unread_counts_total_and_per_course() {
        let list = vec![
            post(1, Board::Site, 1, false),
            post(2, Board::Course(CourseId(5)), 2, false),
            post(3, Board::Course(CourseId(5)), 3, false),
            post(4, Board::Course(CourseId(6)), 4, false),
        ];
        let read = [AnnouncementId(3)];
        let note = |id, read| Notification {
            id: NotificationId(id),
            subject: String::new(),
            body_html: String::new(),
            sent_at: 0,
            read,
            announcement: None,
            link: None,
        };
        let notes = vec![note(1, false), note(2, true), note(3, false)];
        let unread = Unread::count(&list, &read, &notes, &[NotificationId(3)]);
        assert_eq!(unread.announcements, 3);
        assert_eq!(unread.notifications, 1);
        assert_eq!(unread.total(), 4);
        assert_eq!(unread.in_course(CourseId(5)), 1);
        assert_eq!(unread.in_course(CourseId(6)), 1);
        assert_eq!(unread.in_course(CourseId(7)), 0);
    }

    #[test]
    fn a_notification_of_a_listed_announcement_is_counted_once() {
        let list = vec![post(1, Board::Course(CourseId(5)), 1, false)];
        let note = |id, announcement: Option<i64>| Notification {
            id: NotificationId(id),
            subject: String::new(),
            body_html: String::new(),
            sent_at: 0,
            read: false,
            announcement: announcement.map(AnnouncementId),
            link: None,
        };
        // 10 tells of the listed announcement 1; 11 of one not listed; 12 of none.
        let notes = vec![note(10, Some(1)), note(11, Some(99)), note(12, None)];
        let unread = Unread::count(&list, &[], &notes, &[]);
        assert_eq!(unread.announcements, 1);
        assert_eq!(unread.notifications, 2);
        assert_eq!(unread.total(), 3);
        // Once the announcement is read, its notification does not bring the count back.
        let unread = Unread::count(&list, &[AnnouncementId(1)], &notes, &[]);
        assert_eq!(unread.total(), 2);
    }
}
