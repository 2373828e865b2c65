//! The frame around every signed-in screen: top bar, navigation, content. Signed out, it shows
//! the sign-in screen instead, whatever the URL, so deep links work after signing in.
//!
//! Navigation adapts by CSS alone: a bottom tab bar on phones, a side rail from tablets up
//! (820 px). On each route change focus moves to the new screen's content, so keyboard and
//! screen reader users start there rather than on the link they left.

use crate::account;
use crate::announce::use_announcer;
use crate::components::brand::Brand;
use crate::components::icon::{Glyph, Icon};
use crate::components::news::UnreadBadge;
use crate::components::player::VIDEO_SELECTOR;
use crate::components::sign_out::{SignOutChoice, SignOutDialog};
use crate::i18n::{Lang, Msg};
use crate::news;
use crate::route::Route;
use crate::services::sync;
use crate::state::{self, CurrentSession, History, SyncState};
use crate::views::SignIn;
use dioxus::prelude::*;

#[component]
pub fn Shell() -> Element {
    let session = use_context::<CurrentSession>().0;
    if session().is_none() {
        return rsx! { SignIn {} };
    }
    rsx! { Frame {} }
}

/// The signed-in frame: mounted per signed-in account, so what it starts (the news feed) is
/// that account's.
#[component]
fn Frame() -> Element {
    let session = use_context::<CurrentSession>().0;
    let lang = state::use_lang();
    let history = use_context::<History>();
    let mut signing_out = use_signal(|| false);
    let route = use_route::<Route>();
    let in_courses = !matches!(
        route,
        Route::HistoryView {}
            | Route::CertificatesView {}
            | Route::NewsView {}
            | Route::AnnouncementView { .. }
            | Route::Settings {}
    );
    let in_news = matches!(route, Route::NewsView {} | Route::AnnouncementView { .. });
    news::provide_news_feed();
    let unread = news::shown_news().map_or(0, |n| news::unread(history, &n).total());
    let Some(session) = session() else {
        return rsx! {};
    };
    let info = session.info();
    // The screen changed: its content takes focus (not scrolled: the router keeps the place).
    let path = route.to_string();
    use_effect(use_reactive!(|path| {
        let _ = path;
        document::eval(FOCUS_CONTENT);
    }));

    rsx! {
        div { class: "shell",
            header { class: "topbar",
                Link { class: "brand", to: Route::Home {},
                    Brand { lang }
                }
                span { class: "site-name", title: "{info.site_url}", "{info.site_name}" }
                div { class: "topbar-actions",
                    SyncBadge {}
                    LangSwitch {}
                    span { class: "user-name", "{info.user.full_name}" }
                    button {
                        class: "button ghost",
                        "data-testid": "sign-out",
                        onclick: move |_| {
                            // A lecture playing under the dialog would keep recording: pause it
                            // (the pause is recorded, and counted with the rest).
                            document::eval(&format!("document.querySelector('{VIDEO_SELECTOR}')?.pause();"));
                            signing_out.set(true);
                        },
                        {lang.tr(Msg::SignOut)}
                    }
                }
            }
            // Outside the sticky top bar, so the dialog covers the whole screen.
            if signing_out() {
                SignOutFlow { on_close: move |_| signing_out.set(false) }
            }
            nav { class: "nav", "aria-label": lang.tr(Msg::MainNav),
                // My courses is where a course and its lectures are: active on all of them.
                Link { class: if in_courses { "nav-item active" } else { "nav-item" }, to: Route::Home {},
                    Icon { glyph: Glyph::Home }
                    span { {lang.tr(Msg::MyCourses)} }
                }
                Link { class: if in_news { "nav-item active" } else { "nav-item" }, to: Route::NewsView {}, "data-testid": "nav-news",
                    Icon { glyph: Glyph::News }
                    span { {lang.tr(Msg::News)} }
                    UnreadBadge { lang, count: unread }
                }
                Link { class: "nav-item", active_class: "active", to: Route::HistoryView {}, "data-testid": "nav-history",
                    Icon { glyph: Glyph::History }
                    span { {lang.tr(Msg::History)} }
                }
                Link { class: "nav-item", active_class: "active", to: Route::CertificatesView {}, "data-testid": "nav-certificates",
                    Icon { glyph: Glyph::Certificate }
                    span { {lang.tr(Msg::Certificates)} }
                }
                Link { class: "nav-item", active_class: "active", to: Route::Settings {}, "data-testid": "nav-settings",
                    Icon { glyph: Glyph::Settings }
                    span { {lang.tr(Msg::Settings)} }
                }
            }
            main { class: "content", id: "content", tabindex: "-1", Outlet::<Route> {} }
        }
    }
}

/// Moves focus to the screen's content: its heading when it has one, else the content itself
/// (`tabindex=-1` makes either focusable without adding a tab stop).
const FOCUS_CONTENT: &str = "const m=document.getElementById('content');\
    if(m&&!m.contains(document.activeElement)||document.activeElement===document.body){\
    const h=m&&m.querySelector('h1')||m;if(h){h.tabIndex=-1;h.focus({preventScroll:true});}}";

/// Signs out after saying what it erases and what would be lost, offering to send it first.
/// What would be lost is counted again whenever the sync state changes (a round that sent it
/// meanwhile, or more recorded).
#[component]
pub fn SignOutFlow(on_close: EventHandler<()>) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let mut asking = use_signal(measure);
    let mut busy = use_signal(|| false);
    let mut sync_failed = use_signal(|| false);
    use_effect(move || {
        let status = (history.status)();
        let _ = (history.revision)();
        if *busy.peek() {
            return;
        }
        asking.set(measure());
        if status == SyncState::Synced {
            sync_failed.set(false);
        }
    });
    let choose = move |choice: SignOutChoice| match choice {
        SignOutChoice::Cancel => on_close.call(()),
        SignOutChoice::EraseAnyway => {
            // More recorded since the dialog said what would be lost: say it again.
            let now = measure();
            if now.map(|u| u.total()) > asking().map(|u| u.total()) {
                asking.set(now);
                return;
            }
            on_close.call(());
            dioxus::dioxus_core::spawn_forever(account::sign_out());
        }
        SignOutChoice::SyncFirst => {
            busy.set(true);
            spawn(async move {
                sync::sync_now().await;
                busy.set(false);
                match measure() {
                    None => {
                        on_close.call(());
                        dioxus::dioxus_core::spawn_forever(account::sign_out());
                    }
                    left => {
                        asking.set(left);
                        sync_failed.set(true);
                    }
                }
            });
        }
    };
    let unsynced = asking();
    rsx! {
        SignOutDialog {
            lang,
            unsynced_lectures: unsynced.map_or(0, |u| u.lectures),
            unsent_answers: unsynced.map_or(0, |u| u.quiz_changes),
            local_only: unsynced.is_some_and(|u| u.local_only),
            can_send: unsynced.is_some_and(|u| u.can_send()),
            sync_failed: sync_failed(),
            busy: busy(),
            on_choice: choose,
        }
    }
}

/// What signing out would lose now; when the store cannot tell, assume something would.
fn measure() -> Option<account::Unsynced> {
    account::unsynced().unwrap_or_else(|e| {
        tracing::error!("cannot tell what signing out would lose: {e}");
        Some(account::Unsynced {
            events: 1,
            actions: 0,
            quiz_changes: 0,
            lectures: 1,
            local_only: false,
        })
    })
}

/// Switches between Japanese and English; labelled in the language it switches to.
#[component]
pub fn LangSwitch() -> Element {
    let lang = state::use_lang();
    rsx! {
        button {
            class: "button ghost lang-switch",
            "data-testid": "lang-switch",
            title: lang.tr(Msg::SwitchLanguage),
            "aria-label": lang.tr(Msg::SwitchLanguage),
            onclick: move |_| state::switch_language(),
            {lang.tr(Msg::LanguageName)}
        }
    }
}

/// Where viewing-history sync stands: never a silent failure. A count is always said with
/// what it counts ("3 件が送信待ち"), under the state's word on a phone.
#[component]
fn SyncBadge() -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    // The count as the store has it now (answers chosen since the last round included), read
    // with the store's revision so each saved answer updates it.
    let waiting = history.read().and_then(|store| {
        sync::waiting(&store)
            .inspect_err(|e| tracing::error!("cannot count what waits to be sent: {e}"))
            .ok()
    });
    let sync = sync_summary(lang, with_waiting((history.status)(), waiting));
    let sync_state = sync.state;
    let summary = match (history.record_failure)() {
        // Before any sync news: what is not kept cannot be synced.
        Some(e) => Summary {
            state: "not-kept",
            words: lang.tr(Msg::RecordFailed).to_owned(),
            waiting: None,
            detail: Some(lang.error(&e)),
        },
        None => sync,
    };
    let said = summary.sentence();
    let title = summary.detail.clone().unwrap_or_else(|| said.clone());
    let Summary {
        state,
        words,
        waiting,
        detail,
    } = summary;
    // Said to screen readers when the state changes (not at start, not for a count alone).
    let announcer = use_announcer();
    let mut last = use_signal(|| None::<&'static str>);
    use_effect(use_reactive!(|state, said| {
        let before = *last.peek();
        last.set(Some(state));
        if before.is_some_and(|b| b != state) {
            announcer.say(said);
        }
    }));
    rsx! {
        span {
            class: "sync-badge {state}",
            "data-testid": "sync-status",
            "data-state": state,
            // The sync state even while a record failure is shown over it.
            "data-sync": sync_state,
            title: "{title}",
            span { class: "sync-dot", "aria-hidden": "true" }
            span { class: "sync-text",
                span { "{words}" }
                if let Some(waiting) = waiting {
                    span { class: "sync-waiting", "data-testid": "sync-waiting", "{waiting}" }
                }
            }
            if let Some(reason) = detail {
                span { class: "sync-reason", "{reason}" }
            }
        }
    }
}

/// The sync state with what waits on the device counted now (`None`: the store could not say).
fn with_waiting(status: SyncState, waiting: Option<usize>) -> SyncState {
    match (status, waiting) {
        // "Synced" never stands over answers or history still waiting (a save that could not
        // reach the site leaves them queued while the last round was clean).
        (SyncState::Pending(_) | SyncState::Synced, Some(n)) if n > 0 => SyncState::Pending(n),
        (SyncState::Offline(_), Some(n)) => SyncState::Offline(n),
        (SyncState::Failed(e, _), Some(n)) => SyncState::Failed(e, n),
        (status, _) => status,
    }
}

/// What the sync badge says.
#[derive(Clone, Debug, PartialEq)]
struct Summary {
    /// The state's name (`data-state`, the badge's class).
    state: &'static str,
    /// The state in words ("オフライン").
    words: String,
    /// What waits to be sent, counted ("3 件が送信待ち"); none when nothing does.
    waiting: Option<String>,
    /// Why, for a failure (shown on wide screens, and as the badge's title).
    detail: Option<String>,
}

impl Summary {
    /// The state and its count as one phrase: the badge's title and what screen readers hear.
    fn sentence(&self) -> String {
        match &self.waiting {
            Some(waiting) => format!("{} · {waiting}", self.words),
            None => self.words.clone(),
        }
    }
}

/// What the badge says for a sync state.
fn sync_summary(lang: Lang, status: SyncState) -> Summary {
    let waiting = |n: usize| (n > 0).then(|| lang.waiting_to_send(n));
    let (state, words, waiting, detail) = match status {
        SyncState::Synced => ("synced", lang.tr(Msg::SyncSynced).to_owned(), None, None),
        SyncState::Syncing => ("syncing", lang.tr(Msg::SyncSyncing).to_owned(), None, None),
        // The count is the whole news: "3 件が送信待ち".
        SyncState::Pending(n) => ("pending", lang.waiting_to_send(n), None, None),
        SyncState::Offline(n) => (
            "offline",
            lang.tr(Msg::SyncOffline).to_owned(),
            waiting(n),
            None,
        ),
        SyncState::Failed(e, n) => (
            "error",
            lang.tr(Msg::SyncFailed).to_owned(),
            waiting(n),
            Some(lang.error(&e)),
        ),
        SyncState::LocalOnly => ("local", lang.tr(Msg::SyncLocalOnly).to_owned(), None, None),
    };
    Summary {
        state,
        words,
        waiting,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_core::Error;

    #[test]
    fn the_badge_counts_what_waits_now() {
        // Two test answers chosen offline since the round that found nothing waiting.
        assert_eq!(
            with_waiting(SyncState::Offline(0), Some(2)),
            SyncState::Offline(2)
        );
        assert_eq!(
            with_waiting(SyncState::Pending(1), Some(3)),
            SyncState::Pending(3)
        );
        let failed = SyncState::Failed(Error::Protocol("x".into()), 0);
        assert_eq!(
            with_waiting(failed, Some(4)),
            SyncState::Failed(Error::Protocol("x".into()), 4)
        );
        // A store that cannot count keeps the round's count; synced stays synced.
        assert_eq!(
            with_waiting(SyncState::Offline(5), None),
            SyncState::Offline(5)
        );
        assert_eq!(with_waiting(SyncState::Synced, Some(0)), SyncState::Synced);
        // A clean round, then answers queued by a save that could not reach the site.
        assert_eq!(
            with_waiting(SyncState::Synced, Some(2)),
            SyncState::Pending(2)
        );
    }

    #[test]
    fn offline_says_so_with_what_the_count_counts_in_both_languages() {
        let ja = sync_summary(Lang::Ja, SyncState::Offline(3));
        assert_eq!(ja.state, "offline");
        assert_eq!(ja.words, "オフライン");
        assert_eq!(ja.waiting.as_deref(), Some("3 件が送信待ち"));
        assert_eq!(ja.sentence(), "オフライン · 3 件が送信待ち");
        let en = sync_summary(Lang::En, SyncState::Offline(3));
        assert_eq!(en.sentence(), "Offline · 3 waiting to send");
        // Nothing waiting: the state alone, never a bare "(0)".
        let none = sync_summary(Lang::En, SyncState::Offline(0));
        assert_eq!(none.waiting, None);
        assert_eq!(none.sentence(), "Offline");
    }

    #[test]
    fn no_state_shows_a_bare_count() {
        let failed = sync_summary(
            Lang::En,
            SyncState::Failed(Error::Protocol("x".into()), 1_200),
        );
        assert_eq!(failed.sentence(), "Sync error · 1,200 waiting to send");
        assert!(failed.detail.is_some());
        let pending = sync_summary(Lang::Ja, SyncState::Pending(2));
        assert_eq!(pending.sentence(), "2 件が送信待ち");
        for lang in [Lang::Ja, Lang::En] {
            for status in [
                SyncState::Synced,
                SyncState::Syncing,
                SyncState::Pending(7),
                SyncState::Offline(7),
                SyncState::Failed(Error::Protocol("x".into()), 7),
                SyncState::LocalOnly,
            ] {
                let said = sync_summary(lang, status).sentence();
                assert!(!said.contains("(7)"), "{said}");
                if said.contains('7') {
                    assert!(said.contains(&lang.waiting_to_send(7)), "{said}");
                }
            }
        }
    }
}
