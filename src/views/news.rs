//! お知らせ: the site's and my courses' announcements (pinned first, newest first, unread
//! marked) and the site's notifications on one screen; and one announcement's page.

use crate::components::icon::{Glyph, Icon};
use crate::components::news::{AnnouncementLine, NotificationItem, SiteHtml, UnreadBadge};
use crate::i18n::{Lang, Msg};
use crate::news::{self, use_feed};
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History};
use crate::text::text_lang;
use dioxus::prelude::*;
use juko_model::{Announcement, AnnouncementId, Board};

/// Where an announcement was posted, as the learner knows it.
fn board_name(lang: Lang, a: &Announcement) -> String {
    match a.board {
        Board::Site => lang.tr(Msg::SiteNews).to_owned(),
        Board::Course(_) if a.board_name.is_empty() => lang.tr(Msg::Course).to_owned(),
        Board::Course(_) => a.board_name.clone(),
    }
}

fn ago(lang: Lang, unix_secs: i64) -> String {
    lang.ago(platform::now_ms() - unix_secs * 1000)
}

#[component]
pub fn NewsView() -> Element {
    rsx! { NewsScreen { open: None } }
}

#[component]
pub fn AnnouncementView(announcement: AnnouncementId) -> Element {
    rsx! { NewsScreen { open: Some(announcement) } }
}

/// The list, or (`open`) one announcement: one screen over the one news feed, so the web build
/// carries one copy of the feed's drawing.
#[component]
fn NewsScreen(open: Option<AnnouncementId>) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let feed = use_feed();
    // Opened: read on this device at once (offline too), reported to the site when it can be.
    use_effect(use_reactive((&open,), move |(open,)| {
        if let Some(id) = open {
            news::open(history, id);
        }
    }));
    let read = news::read_set(history);
    let body = feed.render(lang, &(), |kept| {
        if let Some(id) = open {
            return match kept.value.announcement(id) {
                Some(a) => rsx! { AnnouncementPage { a: a.clone(), board: board_name(lang, a) } },
                None => rsx! { p { class: "empty", {lang.tr(Msg::NotFound)} } },
            };
        }
        let unread = news::unread(history, &kept.value);
        rsx! {
            section { class: "news-section",
                h2 { class: "section-title", {lang.tr(Msg::Announcements)}
                    UnreadBadge { lang, count: unread.announcements }
                }
                if kept.value.announcements.is_empty() {
                    p { class: "empty", {lang.tr(Msg::NoNews)} }
                }
                ul { class: "news-list",
                    for a in kept.value.announcements.iter() {
                        li { key: "{a.id}",
                            Link {
                                class: "news-item",
                                "data-testid": "announcement",
                                to: Route::AnnouncementView { announcement: a.id },
                                AnnouncementLine {
                                    lang,
                                    board: board_name(lang, a),
                                    subject: a.subject.clone(),
                                    ago: ago(lang, a.posted_at),
                                    pinned: a.pinned,
                                    unread: !read.contains(&a.id),
                                }
                            }
                        }
                    }
                }
            }
            section { class: "news-section",
                h2 { class: "section-title", {lang.tr(Msg::Notifications)}
                    UnreadBadge { lang, count: unread.notifications }
                }
                if kept.value.notifications.is_empty() {
                    p { class: "empty", {lang.tr(Msg::NoNotifications)} }
                }
                ul { class: "notification-list",
                    for n in kept.value.notifications.iter() {
                        NotificationItem {
                            key: "{n.id}",
                            lang,
                            subject: n.subject.clone(),
                            ago: ago(lang, n.sent_at),
                            html: n.body_html.clone(),
                            read: n.read,
                            on_read: {
                                let (id, about) = (n.id, n.announcement);
                                move |_| {
                                    news::read_notification(history, id);
                                    if let Some(announcement) = about {
                                        navigator().push(Route::AnnouncementView { announcement });
                                    }
                                }
                            },
                        }
                    }
                }
            }
        }
    });
    rsx! {
        div { class: "page",
            if open.is_some() {
                Link { class: "back-link", to: Route::NewsView {}, Icon { glyph: Glyph::Back } {lang.tr(Msg::News)} }
            } else {
                h1 { class: "page-title", {lang.tr(Msg::News)} }
            }
            {body}
        }
    }
}

#[component]
fn AnnouncementPage(a: Announcement, board: String) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let session = session.peek().clone();
    // Shown with the token on the site's own images; nothing of it is kept.
    let html = session
        .as_ref()
        .map_or_else(String::new, |s| s.display_html(&a.body_html));
    rsx! {
        article { class: "announcement", "data-testid": "announcement-page",
            p { class: "news-meta muted",
                if a.pinned {
                    span { class: "pin", {lang.tr(Msg::Pinned)} }
                }
                span { lang: text_lang(&board), "{board}" }
                span { " · {ago(lang, a.posted_at)}" }
                if let Some(author) = &a.author {
                    span { " · {author}" }
                }
            }
            h1 { class: "page-title", lang: text_lang(&a.subject), "{a.subject}" }
            SiteHtml { html }
            if !a.attachments.is_empty() {
                section { class: "attachments",
                    h2 { class: "section-title", {lang.tr(Msg::Attachments)} }
                    ul {
                        for file in a.attachments.iter() {
                            li { key: "{file.url}",
                                if let Some(href) = session.as_ref().and_then(|s| s.file_url(&file.url)) {
                                    a {
                                        class: "attachment",
                                        "data-testid": "attachment",
                                        href: "{href}",
                                        target: "_blank",
                                        rel: "noopener noreferrer",
                                        download: "{file.name}",
                                        "{file.name}"
                                    }
                                } else {
                                    span { "{file.name}" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
