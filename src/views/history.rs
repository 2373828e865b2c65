//! 視聴履歴: continue watching, then everything else watched, most recent first (each lecture
//! once: `juko_core::history`). Lecture titles come
//! from the device's kept courses; a course this device has not kept yet (history from another
//! device) is fetched when online, so no lecture is shown as a bare id.

use crate::components::feedback::{ErrorPanel, ProgressBar};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::Msg;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History, Reconnected, SyncState};
use dioxus::prelude::*;
use juko_core::Error;
use juko_core::catalog::{self, Item};
use juko_core::history::HistoryLists;
use juko_core::store::LocalProgress;
use juko_model::{CourseId, format_duration};
use std::collections::HashMap;

#[component]
pub fn HistoryView() -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let listed: Result<(Vec<LocalProgress>, HashMap<_, _>), Error> = match history.read() {
        // Signed in without a store: it could not be opened, and the history is not readable.
        None => Err(match (history.status)() {
            SyncState::Failed(e, _) => e,
            _ => Error::Storage("the device's store is not open".to_owned()),
        }),
        Some(store) => store.0.all().and_then(|all| {
            let titles = catalog::lecture_titles(&*store.0, &all)?;
            Ok((all, titles))
        }),
    };
    // Hooks before any early return: they run in the same order on every render.
    let missing = listed
        .as_ref()
        .map(|(all, titles)| catalog::courses_missing_titles(all, titles))
        .unwrap_or_default();
    use_fetch_missing_titles(missing);
    let (all, titles) = match listed {
        Ok(listed) => listed,
        Err(e) => {
            return rsx! {
                div { class: "page",
                    h1 { class: "page-title", {lang.tr(Msg::History)} }
                    ErrorPanel { lang, message: lang.error(&e) }
                }
            };
        }
    };
    let all_empty = all.is_empty();
    let HistoryLists { continuing, recent } = HistoryLists::of(all);
    let title = |l: &LocalProgress| titles.get(&l.progress.lecture).cloned();
    rsx! {
        div { class: "page",
            h1 { class: "page-title", {lang.tr(Msg::History)} }
            if all_empty {
                p { class: "empty", {lang.tr(Msg::NoHistory)} }
            }
            if !continuing.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::ContinueWatching)} }
                ul { class: "history-list", "data-testid": "continue-watching",
                    for l in continuing {
                        HistoryRow { key: "{l.progress.lecture}", title: title(&l), item: l }
                    }
                }
            }
            if !recent.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::RecentlyWatched)} }
                ul { class: "history-list", "data-testid": "recently-watched",
                    for l in recent {
                        HistoryRow { key: "{l.progress.lecture}", title: title(&l), item: l }
                    }
                }
            }
        }
    }
}

/// Fetches (and keeps) the contents of courses whose lectures have no title on this device,
/// again when the network comes back; the history redraws with their titles.
fn use_fetch_missing_titles(missing: Vec<CourseId>) {
    let history = use_context::<History>();
    let session = use_context::<CurrentSession>().0;
    let reconnected = use_context::<Reconnected>().0;
    // The resource's value is nothing: the fetched contents go to the store.
    let _fetching = use_resource(use_reactive!(|missing| async move {
        let _ = reconnected();
        let (Some(session), Some(store)) = (session.peek().clone(), history.store.peek().clone())
        else {
            return;
        };
        for course in missing {
            let fetch = session.course_contents(course);
            match Item::contents(course)
                .refresh(Some(&*store.0), fetch, platform::now_ms())
                .await
            {
                Ok(_) => history.changed(),
                // Offline, or a course no longer open to the learner: the row says the title
                // is not known yet.
                Err(e) => tracing::warn!("titles of course {course} not fetched: {e}"),
            }
        }
    }));
}

#[component]
fn HistoryRow(item: LocalProgress, title: Option<String>) -> Element {
    let lang = state::use_lang();
    let coverage = item.coverage().unwrap_or(0.0);
    let body = rsx! {
        span { class: "lecture-main",
            if let Some(title) = &title {
                span { class: "lecture-title", "{title}" }
            } else {
                span { class: "lecture-title muted", "data-testid": "title-unknown", {lang.tr(Msg::TitleNotYetKnown)} }
            }
            if let Some(at) = item.resume_at().filter(|_| !item.is_complete()) {
                span { class: "muted", {lang.tr(Msg::ResumeAt)} " {format_duration(at as u32)}" }
            }
        }
        span { class: "lecture-side",
            if item.is_complete() {
                span { class: "done-mark", Icon { glyph: Glyph::Check } {lang.tr(Msg::Completed)} }
            } else {
                span { class: "mini-progress", ProgressBar { fraction: coverage, label: lang.tr(Msg::Watched) } }
            }
        }
    };
    rsx! {
        li { class: "lecture-item",
            if let Some(course) = item.course {
                Link { class: "lecture-row", "data-testid": "history-item",
                    to: Route::LectureView { course, lecture: item.progress.lecture }, {body}
                }
            } else {
                div { class: "lecture-row", "data-testid": "history-item", {body} }
            }
        }
    }
}
