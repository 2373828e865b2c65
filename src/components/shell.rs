//! The frame around every signed-in screen: top bar, navigation, content. Signed out, it shows
//! the sign-in screen instead, whatever the URL, so deep links work after signing in.
//!
//! Navigation adapts by CSS alone: a side rail on wide windows, a bottom tab bar on phones.

use crate::history::{History, SyncState};
use crate::i18n::{Lang, Msg};
use crate::route::Route;
use crate::state::{self, CurrentSession};
use crate::views::SignIn;
use dioxus::prelude::*;

#[component]
pub fn Shell() -> Element {
    let session = use_context::<CurrentSession>().0;
    let lang = state::use_lang();
    let Some(session) = session() else {
        return rsx! { SignIn {} };
    };
    let info = session.info();
    rsx! {
        div { class: "shell",
            header { class: "topbar",
                Link { class: "brand", to: Route::Home {},
                    span { class: "brand-mark", "aria-hidden": "true", "受" }
                    span { class: "brand-name", "Juko" }
                }
                span { class: "site-name", title: "{info.site_url}", "{info.site_name}" }
                div { class: "topbar-actions",
                    SyncBadge {}
                    LangSwitch {}
                    span { class: "user-name", "{info.user.full_name}" }
                    button {
                        class: "button ghost",
                        "data-testid": "sign-out",
                        onclick: move |_| state::sign_out(None),
                        {lang.tr(Msg::SignOut)}
                    }
                }
            }
            nav { class: "nav", "aria-label": lang.tr(Msg::MyCourses),
                Link { class: "nav-item", active_class: "active", to: Route::Home {},
                    span { class: "nav-icon", "aria-hidden": "true", "▦" }
                    span { {lang.tr(Msg::MyCourses)} }
                }
                Link { class: "nav-item", active_class: "active", to: Route::HistoryView {}, "data-testid": "nav-history",
                    span { class: "nav-icon", "aria-hidden": "true", "⟲" }
                    span { {lang.tr(Msg::History)} }
                }
            }
            main { class: "content", Outlet::<Route> {} }
        }
    }
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

/// Where viewing-history sync stands: never a silent failure.
#[component]
fn SyncBadge() -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let sync = sync_summary(lang, (history.status)());
    let sync_state = sync.0;
    let (state, text, detail) = match (history.record_failure)() {
        // Before any sync news: what is not kept cannot be synced.
        Some(reason) => (
            "not-kept",
            lang.tr(Msg::RecordFailed).to_owned(),
            Some(reason),
        ),
        None => sync,
    };
    let title = detail.clone().unwrap_or_else(|| text.clone());
    rsx! {
        span {
            class: "sync-badge {state}",
            role: "status",
            "data-testid": "sync-status",
            "data-state": state,
            // The sync state even while a record failure is shown over it.
            "data-sync": sync_state,
            title: "{title}",
            span { class: "sync-dot", "aria-hidden": "true" }
            span { class: "sync-text", "{text}" }
            if let Some(reason) = detail {
                span { class: "sync-reason", "{reason}" }
            }
        }
    }
}

/// The badge's state name (`data-state`), text and detail for a sync state.
fn sync_summary(lang: Lang, status: SyncState) -> (&'static str, String, Option<String>) {
    match status {
        SyncState::Synced => ("synced", lang.tr(Msg::SyncSynced).to_owned(), None),
        SyncState::Syncing => ("syncing", lang.tr(Msg::SyncSyncing).to_owned(), None),
        SyncState::Pending(n) => (
            "pending",
            format!("{} {n}", lang.tr(Msg::SyncPending)),
            None,
        ),
        SyncState::Offline(n) => (
            "offline",
            format!("{} ({n})", lang.tr(Msg::SyncOffline)),
            None,
        ),
        SyncState::Failed(reason, n) => (
            "error",
            format!("{} ({n})", lang.tr(Msg::SyncFailed)),
            Some(reason),
        ),
        SyncState::LocalOnly => ("local", lang.tr(Msg::SyncLocalOnly).to_owned(), None),
    }
}
