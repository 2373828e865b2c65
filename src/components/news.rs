//! お知らせ pieces: the unread badge, an announcement's line in a list, its body, a
//! notification. Props in, events out.

use crate::i18n::{Lang, Msg};
use crate::text::text_lang;
use dioxus::prelude::*;

/// The count of unread items; nothing at 0.
#[component]
pub fn UnreadBadge(lang: Lang, count: usize) -> Element {
    if count == 0 {
        return rsx! {};
    }
    let label = lang.unread_count(count);
    let shown = if count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    };
    rsx! {
        span { class: "unread-badge", "data-testid": "unread-badge", role: "img", "aria-label": "{label}", title: "{label}", "{shown}" }
    }
}

/// An announcement's line: where from, subject, when, pinned and unread marks.
#[component]
pub fn AnnouncementLine(
    lang: Lang,
    board: String,
    subject: String,
    ago: String,
    pinned: bool,
    unread: bool,
) -> Element {
    rsx! {
        span { class: if unread { "news-line unread" } else { "news-line" },
            span { class: "news-meta muted",
                if unread {
                    span { class: "unread-dot", role: "img", "aria-label": lang.tr(Msg::Unread), title: lang.tr(Msg::Unread) }
                }
                if pinned {
                    span { class: "pin", {lang.tr(Msg::Pinned)} }
                }
                span { class: "news-board", lang: text_lang(&board), "{board}" }
                span { " · {ago}" }
            }
            span { class: "news-subject", lang: text_lang(&subject), "{subject}" }
        }
    }
}

/// The site's HTML as the sanitiser left it (`Session::display_html`): never anything else.
#[component]
pub fn SiteHtml(html: String) -> Element {
    rsx! {
        div { class: "site-html", dangerous_inner_html: "{html}" }
    }
}

/// One notification: subject, when, its text; `on_read` when the learner opens it.
#[component]
pub fn NotificationItem(
    lang: Lang,
    subject: String,
    ago: String,
    html: String,
    read: bool,
    on_read: EventHandler<()>,
) -> Element {
    rsx! {
        li { class: if read { "notification" } else { "notification unread" }, "data-testid": "notification",
            button {
                class: "notification-open",
                "aria-expanded": "false",
                onclick: move |_| on_read.call(()),
                span { class: "news-meta muted",
                    if !read {
                        span { class: "unread-dot", role: "img", "aria-label": lang.tr(Msg::Unread), title: lang.tr(Msg::Unread) }
                    }
                    "{ago}"
                }
                span { class: "news-subject", lang: text_lang(&subject), "{subject}" }
            }
            SiteHtml { html }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::render;

    #[test]
    fn the_badge_counts_and_hides_at_zero() {
        assert_eq!(
            render(|| rsx! { UnreadBadge { lang: Lang::Ja, count: 0 } }),
            ""
        );
        let html = render(|| rsx! { UnreadBadge { lang: Lang::Ja, count: 3 } });
        assert!(html.contains(">3<") && html.contains("未読 3 件"), "{html}");
        let html = render(|| rsx! { UnreadBadge { lang: Lang::En, count: 120 } });
        assert!(
            html.contains(">99+<") && html.contains("120 unread"),
            "{html}"
        );
    }

    #[test]
    fn a_line_marks_unread_and_pinned() {
        let html = render(|| {
            rsx! {
                AnnouncementLine {
                    lang: Lang::Ja,
                    board: "基本コース".to_owned(),
                    subject: "受講期限".to_owned(),
                    ago: "3日前".to_owned(),
                    pinned: true,
                    unread: true,
                }
            }
        });
        assert!(
            html.contains("news-line unread") && html.contains("unread-dot"),
            "{html}"
        );
        assert!(html.contains("重要") && html.contains("受講期限"), "{html}");
        let html = render(|| {
            rsx! {
                AnnouncementLine {
                    lang: Lang::En,
                    board: "Site".to_owned(),
                    subject: "s".to_owned(),
                    ago: "now".to_owned(),
                    pinned: false,
                    unread: false,
                }
            }
        });
        assert!(
            !html.contains("unread") && !html.contains("Pinned"),
            "{html}"
        );
    }
}
