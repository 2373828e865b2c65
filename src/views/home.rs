//! My courses (マイコース): the learner's courses with their progress, from the device first.

use crate::components::feedback::{ErrorPanel, Loading, ProgressBar};
use crate::components::freshness::FreshnessNote;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::state;
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_model::Course;

#[component]
pub fn Home() -> Element {
    let lang = state::use_lang();
    let mut courses = use_kept(
        (),
        |_| Item::courses(),
        |session, _| async move { session.courses().await },
    );
    let shown = courses.shown(&());
    let body = match (&shown.data, shown.error()) {
        (Some(kept), _) if kept.value.is_empty() => {
            rsx! { p { class: "empty", {lang.tr(Msg::NoCourses)} } }
        }
        (Some(kept), _) => rsx! {
            ul { class: "course-grid",
                for course in kept.value.iter() {
                    CourseCard { key: "{course.id}", course: course.clone() }
                }
            }
        },
        (None, Some(e)) => {
            rsx! { ErrorPanel { lang, message: lang.error(e), on_retry: move |_| courses.retry() } }
        }
        (None, None) => rsx! { Loading { lang } },
    };
    rsx! {
        div { class: "page",
            h1 { class: "page-title", {lang.tr(Msg::MyCourses)} }
            FreshnessNote {
                lang,
                freshness: shown.freshness.clone(),
                fetched_ms: shown.data.as_ref().map(|k| k.fetched_ms),
                now_ms: platform::now_ms(),
                on_retry: move |_| courses.retry(),
            }
            {body}
        }
    }
}

#[component]
fn CourseCard(course: Course) -> Element {
    let lang = state::use_lang();
    let summary = plain_text(&course.summary_html);
    rsx! {
        li {
            Link {
                class: "course-card",
                "data-testid": "course-card",
                to: Route::CourseView { course: course.id },
                h2 { class: "course-title", "{course.full_name}" }
                if !summary.is_empty() {
                    p { class: "course-summary", "{summary}" }
                }
                if let Some(percent) = course.progress_percent {
                    div { class: "course-progress",
                        ProgressBar { fraction: percent / 100.0, label: lang.tr(Msg::CourseProgress) }
                        span { class: "muted", "{percent.round()}%" }
                    }
                }
            }
        }
    }
}
