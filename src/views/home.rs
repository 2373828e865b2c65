//! My courses (マイコース): the learner's courses with their progress.

use crate::components::feedback::{ErrorPanel, Loading, ProgressBar};
use crate::i18n::Msg;
use crate::route::Route;
use crate::state::{self, CurrentSession};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_model::Course;

#[component]
pub fn Home() -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let mut courses = use_resource(move || async move {
        let Some(session) = session() else {
            return Ok(Vec::new());
        };
        state::signed_out_if_expired(session.courses().await)
    });
    let body = match &*courses.read() {
        None => rsx! { Loading { lang } },
        Some(Err(e)) => {
            rsx! { ErrorPanel { lang, message: lang.error(e), on_retry: move |_| courses.restart() } }
        }
        Some(Ok(list)) if list.is_empty() => {
            rsx! { p { class: "empty", {lang.tr(Msg::NoCourses)} } }
        }
        Some(Ok(list)) => rsx! {
            ul { class: "course-grid",
                for course in list.iter() {
                    CourseCard { key: "{course.id}", course: course.clone() }
                }
            }
        },
    };
    rsx! {
        div { class: "page",
            h1 { class: "page-title", {lang.tr(Msg::MyCourses)} }
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
