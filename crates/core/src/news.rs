//! お知らせ on the device: the site's and my courses' announcements and the site's
//! notifications, kept as one catalog item ([`Item::news`], stale-while-revalidate like every
//! screen), and what the learner read, kept per announcement in the account's store.
//!
//! Read state is the device's: Moodle's forum read tracking is often off and has no call to
//! mark a post read (protocol §10.3). Opening an announcement marks it read at once (offline
//! too) and queues the site's view log (`SiteAction::AnnouncementViewed`); reading a
//! notification queues its mark-read (`SiteAction::NotificationRead`). Both go out with the
//! other queued site actions ([`crate::sync::replay_actions`]) when the site can be reached.

use crate::catalog::Item;
use crate::store::{SiteAction, Store};
use crate::{Error, Result, Session};
use juko_model::{
    Announcement, AnnouncementId, Board, Course, CourseId, Notification, NotificationId, Unread,
    sort_announcements,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the お知らせ screen shows, as the site last sent it.
///
/// Kept as the derived JSON, read back through [`News::try_from`] (a `serde_json::Value`
/// walked by hand): derived deserializers for these lists cost the web bundle ~3 KB brotli,
/// the walk a fraction of it. The round trip is tested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct News {
    /// The site's and every course's announcements, pinned first, newest first.
    pub announcements: Vec<Announcement>,
    /// The newest notifications, newest first.
    pub notifications: Vec<Notification>,
}

impl News {
    pub fn announcement(&self, id: AnnouncementId) -> Option<&Announcement> {
        self.announcements.iter().find(|a| a.id == id)
    }

    /// A course's newest announcement: what its page shows at the top.
    pub fn latest_in(&self, course: CourseId) -> Option<&Announcement> {
        self.announcements
            .iter()
            .filter(|a| a.board == Board::Course(course))
            .max_by_key(|a| (a.posted_at, a.id))
    }
}

impl TryFrom<Value> for News {
    type Error = String;

    fn try_from(v: Value) -> std::result::Result<News, String> {
        Ok(News {
            announcements: list(&v, "announcements")?
                .iter()
                .map(kept_announcement)
                .collect::<std::result::Result<_, _>>()?,
            notifications: list(&v, "notifications")?
                .iter()
                .map(kept_notification)
                .collect::<std::result::Result<_, _>>()?,
        })
    }
}

type Read<T> = std::result::Result<T, String>;

fn list<'v>(v: &'v Value, key: &str) -> Read<&'v Vec<Value>> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("no list {key}"))
}

fn int(v: &Value, key: &str) -> Read<i64> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("no number {key}"))
}

fn opt_int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn text(v: &Value, key: &str) -> Read<String> {
    opt_text(v, key).ok_or_else(|| format!("no text {key}"))
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn flag(v: &Value, key: &str) -> Read<bool> {
    v.get(key)
        .and_then(Value::as_bool)
        .ok_or_else(|| format!("no flag {key}"))
}

fn kept_announcement(v: &Value) -> Read<Announcement> {
    Ok(Announcement {
        id: AnnouncementId(int(v, "id")?),
        board: opt_int(v, "board").map(CourseId).into(),
        board_id: juko_model::BoardId(int(v, "board_id")?),
        board_name: text(v, "board_name")?,
        subject: text(v, "subject")?,
        author: opt_text(v, "author"),
        posted_at: int(v, "posted_at")?,
        pinned: flag(v, "pinned")?,
        body_html: text(v, "body_html")?,
        attachments: list(v, "attachments")?
            .iter()
            .map(|f| {
                Ok(juko_model::Attachment {
                    name: text(f, "name")?,
                    url: text(f, "url")?,
                    mime_type: text(f, "mime_type")?,
                    size_bytes: f.get("size_bytes").and_then(Value::as_u64).unwrap_or(0),
                })
            })
            .collect::<Read<_>>()?,
    })
}

fn kept_notification(v: &Value) -> Read<Notification> {
    Ok(Notification {
        id: NotificationId(int(v, "id")?),
        subject: text(v, "subject")?,
        body_html: text(v, "body_html")?,
        sent_at: int(v, "sent_at")?,
        read: flag(v, "read")?,
        announcement: opt_int(v, "announcement").map(AnnouncementId),
        link: opt_text(v, "link"),
    })
}

/// Asks the site for the learner's news: the news forums of the site and of `courses`, the
/// newest announcements of each (named for their course), and the newest notifications. A
/// board or notification list the site refuses (a course since left, messaging off) is left
/// out, not the whole screen.
pub async fn fetch(session: &Session, courses: &[Course]) -> Result<News> {
    let remote = session.remote();
    let info = session.info();
    let mut asked = vec![info.site_course];
    asked.extend(
        courses
            .iter()
            .map(|c| c.id)
            .filter(|&c| c != info.site_course),
    );
    let boards = remote.news_boards(info.site_course, &asked).await?;
    let mut announcements = Vec::new();
    for (id, board) in boards {
        match remote.announcements(id, board).await.map_err(Error::from) {
            Ok(list) => {
                let name = board
                    .course()
                    .and_then(|id| courses.iter().find(|c| c.id == id))
                    .map(|c| c.full_name.clone())
                    .unwrap_or_default();
                announcements.extend(list.into_iter().map(|a| Announcement {
                    board_name: name.clone(),
                    ..a
                }));
            }
            Err(e) if refused(&e) => tracing::warn!("news forum {id} left out: {e}"),
            Err(e) => return Err(e),
        }
    }
    sort_announcements(&mut announcements);
    let popups = info.features.popup_notifications;
    let notifications = match remote
        .notifications(info.user.id, popups)
        .await
        .map_err(Error::from)
    {
        Ok(list) => list,
        Err(e) if refused(&e) => {
            tracing::warn!("notifications left out: {e}");
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    Ok(News {
        announcements,
        notifications,
    })
}

/// The site's HTML cleaned as announcement bodies are (`juko_moodle::sanitize`): for the web
/// build's differential test, which compares the browser's backend with ammonia's answers.
pub fn clean_site_html(html: &str) -> String {
    juko_moodle::sanitize::sanitize_html(html)
}

/// [`fetch`] for the learner's courses as the site lists them now.
pub async fn fetch_mine(session: &Session) -> Result<News> {
    fetch(session, &session.courses().await?).await
}

/// The site said no to this one request (as opposed to not being reachable, or the session).
fn refused(e: &Error) -> bool {
    matches!(
        e,
        Error::NotAvailable(_) | Error::Refused(_) | Error::InvalidRequest(_)
    )
}

/// The learner opened an announcement: read on this device now, the site's view log queued,
/// and the notifications that told of it read too.
pub fn open(store: &dyn Store, id: AnnouncementId, now_ms: i64) -> Result<()> {
    store.mark_announcement_read(id, now_ms)?;
    store.queue_action(&SiteAction::AnnouncementViewed { announcement: id })?;
    if let Some(kept) = Item::news().read(store)? {
        for n in &kept.value.notifications {
            if !n.read && n.announcement == Some(id) {
                read_notification(store, n.id, now_ms)?;
            }
        }
    }
    Ok(())
}

/// The learner read a notification: its mark-read queued for the site, and the kept copy
/// updated so the count stays right until the site's next answer says the same.
pub fn read_notification(store: &dyn Store, id: NotificationId, now_ms: i64) -> Result<()> {
    store.queue_action(&SiteAction::NotificationRead {
        notification: id,
        at_secs: now_ms / 1000,
    })?;
    let item = Item::news();
    if let Some(mut kept) = item.read(store)? {
        if let Some(n) = kept.value.notifications.iter_mut().find(|n| n.id == id) {
            n.read = true;
        }
        item.keep(store, &kept.value, kept.fetched_ms)?;
    }
    Ok(())
}

/// Announcements read on this device.
pub fn read_announcements(store: &dyn Store) -> Result<Vec<AnnouncementId>> {
    store.read_announcements()
}

/// What is unread in `news` on this device: announcements never opened here, notifications
/// neither read on the site nor read here (their mark-read still queued).
pub fn unread(store: &dyn Store, news: &News) -> Result<Unread> {
    let read = store.read_announcements()?;
    let read_here: Vec<NotificationId> = store
        .actions()?
        .into_iter()
        .filter_map(|a| match a {
            SiteAction::NotificationRead { notification, .. } => Some(notification),
            _ => None,
        })
        .collect();
    Ok(Unread::count(
        &news.announcements,
        &read,
        &news.notifications,
        &read_here,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KvStore, MemoryKv};
    use crate::sync::{Remote, replay_actions};
    use crate::test_events::block_on;
    use juko_model::{BoardId, ProgressEvent, ProgressPage, PushOutcome};
    use std::cell::RefCell;

    fn each_store(check: impl Fn(&dyn Store)) {
        #[cfg(feature = "sqlite")]
        check(&crate::store::SqliteStore::open_in_memory().expect("opens"));
        check(&KvStore::open(MemoryKv::default(), "t").expect("opens"));
    }

    fn post(id: i64, board: Board, posted_at: i64) -> Announcement {
        Announcement {
            id: AnnouncementId(id),
            board,
            board_id: BoardId(1),
            subject: format!("お知らせ{id}"),
            board_name: String::new(),
            author: None,
            posted_at,
            pinned: false,
            body_html: "<p>本文</p>".into(),
            attachments: vec![],
        }
    }

    fn note(id: i64, about: Option<i64>) -> Notification {
        Notification {
            id: NotificationId(id),
            subject: "s".into(),
            body_html: String::new(),
            sent_at: 0,
            read: false,
            announcement: about.map(AnnouncementId),
            link: None,
        }
    }

    fn news() -> News {
        News {
            announcements: vec![
                post(1, Board::Site, 10),
                post(2, Board::Course(CourseId(5)), 20),
                post(3, Board::Course(CourseId(5)), 30),
            ],
            notifications: vec![note(70, Some(3)), note(71, None)],
        }
    }

    /// A site that logs what it is sent, or is not there.
    struct Site {
        online: bool,
        got: RefCell<Vec<SiteAction>>,
    }

    impl Remote for Site {
        async fn push(&self, _: &str, _: &[ProgressEvent]) -> Result<PushOutcome> {
            unreachable!()
        }
        async fn pull(&self, _: &str, _: u32) -> Result<ProgressPage> {
            unreachable!()
        }
        async fn act(&self, action: &SiteAction) -> Result<()> {
            if !self.online {
                return Err(Error::Unreachable("offline".into()));
            }
            self.got.borrow_mut().push(action.clone());
            Ok(())
        }
    }

    #[test]
    fn opening_reads_it_here_at_once_and_queues_the_view_for_the_site() {
        each_store(|s| {
            Item::news().keep(s, &news(), 1_000).unwrap();
            let before = unread(s, &news()).unwrap();
            // Notification 70 tells of announcement 3: counted once, as the announcement.
            assert_eq!((before.announcements, before.notifications), (3, 1));
            assert_eq!(before.total(), 4);
            assert_eq!(before.in_course(CourseId(5)), 2);

            open(s, AnnouncementId(3), 5_000).unwrap();
            let kept = Item::news().read(s).unwrap().unwrap();
            let after = unread(s, &kept.value).unwrap();
            // The announcement and the notification that told of it are both read now.
            assert_eq!((after.announcements, after.notifications), (2, 1));
            assert_eq!(after.in_course(CourseId(5)), 1);
            assert_eq!(after.total(), 3);
            assert_eq!(
                s.actions().unwrap(),
                [
                    SiteAction::AnnouncementViewed {
                        announcement: AnnouncementId(3)
                    },
                    SiteAction::NotificationRead {
                        notification: NotificationId(70),
                        at_secs: 5
                    },
                ]
            );
            // Opening again keeps the first time and queues nothing twice.
            open(s, AnnouncementId(3), 9_000).unwrap();
            assert_eq!(s.actions().unwrap().len(), 2);
            assert_eq!(s.read_announcements().unwrap(), [AnnouncementId(3)]);
        });
    }

    #[test]
    fn offline_the_reports_wait_and_the_counts_hold_then_they_go() {
        each_store(|s| {
            Item::news().keep(s, &news(), 1_000).unwrap();
            open(s, AnnouncementId(1), 2_000).unwrap();
            read_notification(s, NotificationId(71), 3_000).unwrap();
            let offline = Site {
                online: false,
                got: RefCell::default(),
            };
            assert!(block_on(replay_actions(s, &offline)).is_err());
            assert_eq!(s.actions().unwrap().len(), 2, "kept while offline");
            // The site's next answer may still say unread before the queue went: still read.
            // (70, of announcement 3, counts as that announcement, not as a notification.)
            let stale = news();
            assert_eq!(unread(s, &stale).unwrap().notifications, 0);

            let online = Site {
                online: true,
                got: RefCell::default(),
            };
            assert_eq!(block_on(replay_actions(s, &online)).unwrap(), 2);
            assert!(s.actions().unwrap().is_empty());
            assert_eq!(
                online.got.borrow().as_slice(),
                [
                    SiteAction::AnnouncementViewed {
                        announcement: AnnouncementId(1)
                    },
                    SiteAction::NotificationRead {
                        notification: NotificationId(71),
                        at_secs: 3
                    },
                ]
            );
            // Read state stays on the device after the reports went.
            let kept = Item::news().read(s).unwrap().unwrap().value;
            let u = unread(s, &kept).unwrap();
            assert_eq!((u.announcements, u.notifications), (2, 0));
        });
    }

    #[test]
    fn read_state_survives_reopening_and_goes_with_erase() {
        let kv = MemoryKv::default();
        let s = KvStore::open(kv.clone(), "t").unwrap();
        open(&s, AnnouncementId(2), 1_000).unwrap();
        let reopened = KvStore::open(kv.clone(), "t").unwrap();
        assert_eq!(reopened.read_announcements().unwrap(), [AnnouncementId(2)]);
        reopened.erase().unwrap();
        let again = KvStore::open(kv, "t").unwrap();
        assert!(again.read_announcements().unwrap().is_empty());
    }

    #[test]
    fn the_kept_copy_reads_back_as_it_was() {
        let mut n = news();
        n.announcements[1].author = Some("事務局".into());
        n.announcements[1].board_name = "基本コース".into();
        n.announcements[1].pinned = true;
        n.announcements[1].attachments = vec![juko_model::Attachment {
            name: "案内.pdf".into(),
            url: "https://icrweb.example.jp/webservice/pluginfile.php/1/a.pdf".into(),
            mime_type: "application/pdf".into(),
            size_bytes: 2048,
        }];
        n.notifications[1].read = true;
        n.notifications[1].link = Some("https://icrweb.example.jp/x".into());
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(serde_json::from_str::<News>(&json).unwrap(), n);
        // A copy missing a field (another version's) does not read: the site is asked again.
        let broken = json.replace("\"subject\"", "\"title\"");
        assert!(serde_json::from_str::<News>(&broken).is_err());
    }

    #[test]
    fn a_course_page_shows_its_newest() {
        let n = news();
        assert_eq!(
            n.latest_in(CourseId(5)).map(|a| a.id),
            Some(AnnouncementId(3))
        );
        assert_eq!(n.latest_in(CourseId(6)), None);
    }
}
