//! 視聴履歴: continue watching, and everything watched, most recent first.

use crate::components::feedback::ProgressBar;
use crate::history::History;
use crate::i18n::Msg;
use crate::route::Route;
use crate::state;
use dioxus::prelude::*;
use juko_core::store::LocalProgress;
use juko_model::format_duration;

#[component]
pub fn HistoryView() -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let all: Vec<LocalProgress> = history
        .read()
        .and_then(|s| s.0.all().ok())
        .unwrap_or_default();
    let continuing: Vec<&LocalProgress> = all
        .iter()
        .filter(|l| !l.is_complete() && l.progress.position.is_some_and(|p| p.seconds > 0.0))
        .take(3)
        .collect();
    rsx! {
        div { class: "page",
            h1 { class: "page-title", {lang.tr(Msg::History)} }
            if all.is_empty() {
                p { class: "empty", {lang.tr(Msg::NoHistory)} }
            }
            if !continuing.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::ContinueWatching)} }
                ul { class: "history-list", "data-testid": "continue-watching",
                    for l in continuing {
                        HistoryRow { key: "c{l.progress.lecture}", item: l.clone() }
                    }
                }
            }
            if !all.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::RecentlyWatched)} }
                ul { class: "history-list", "data-testid": "recently-watched",
                    for l in all.iter() {
                        HistoryRow { key: "{l.progress.lecture}", item: l.clone() }
                    }
                }
            }
        }
    }
}

#[component]
fn HistoryRow(item: LocalProgress) -> Element {
    let lang = state::use_lang();
    let title = item
        .title
        .clone()
        .unwrap_or_else(|| format!("#{}", item.progress.lecture));
    let coverage = item.coverage().unwrap_or(0.0);
    let body = rsx! {
        span { class: "lecture-main",
            span { class: "lecture-title", "{title}" }
            if let Some(p) = item.progress.position.filter(|_| !item.is_complete()) {
                span { class: "muted", {lang.tr(Msg::ResumeAt)} " {format_duration(p.seconds as u32)}" }
            }
        }
        span { class: "lecture-side",
            if item.is_complete() {
                span { class: "done-mark", "✓ " {lang.tr(Msg::Completed)} }
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
