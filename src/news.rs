//! お知らせ in the app: one view of the kept news (`juko_core::news`), fetched once by the
//! signed-in frame and shared by its badge, ホーム's per-course badges, the course page and the
//! お知らせ screens; what is unread, from the account's store; opening and reading, which the
//! store keeps at once and the sync service reports to the site.

use crate::kept::{KeptView, use_kept};
use crate::platform;
use crate::services::sync;
use crate::state::History;
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::news::{self, News};
use juko_model::{AnnouncementId, NotificationId, Unread};

/// The shared view of the kept news (provided by the signed-in frame).
#[derive(Clone, Copy)]
pub struct NewsFeed(pub KeptView<(), News>);

/// Starts the news feed for the signed-in frame and everything in it.
pub fn provide_news_feed() {
    let feed = use_kept(
        (),
        |_| Item::news(),
        |session, _| Box::pin(async move { news::fetch_mine(&session).await }),
    );
    use_context_provider(|| NewsFeed(feed));
}

pub fn use_feed() -> KeptView<(), News> {
    use_context::<NewsFeed>().0
}

/// The news as shown now (kept or fresh), if any.
pub fn shown_news() -> Option<News> {
    use_feed().shown(&()).data.map(|k| k.value)
}

/// What is unread in `news` on this device; nothing when the store cannot tell (logged).
pub fn unread(history: History, news: &News) -> Unread {
    let Some(store) = history.read() else {
        return Unread::default();
    };
    news::unread(&*store.0, news)
        .inspect_err(|e| tracing::error!("cannot tell what is unread: {e}"))
        .unwrap_or_default()
}

/// Announcements read on this device (empty when the store cannot tell).
pub fn read_set(history: History) -> Vec<AnnouncementId> {
    history
        .read()
        .and_then(|s| news::read_announcements(&*s.0).ok())
        .unwrap_or_default()
}

/// The learner opened an announcement: read here now, reported to the site when it can be.
pub fn open(history: History, id: AnnouncementId) {
    let Some(store) = history.store.peek().clone() else {
        return;
    };
    if let Err(e) = news::open(&*store.0, id, platform::now_ms()) {
        tracing::error!("announcement {id} not marked read: {e}");
    }
    history.changed();
    sync::request_sync();
}

/// The learner read a notification: read here now, marked read on the site when it can be.
pub fn read_notification(history: History, id: NotificationId) {
    let Some(store) = history.store.peek().clone() else {
        return;
    };
    if let Err(e) = news::read_notification(&*store.0, id, platform::now_ms()) {
        tracing::error!("notification {id} not marked read: {e}");
    }
    history.changed();
    sync::request_sync();
}
