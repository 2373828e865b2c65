//! My courses (マイコース): the learner's courses with their progress, from the device first.

use crate::components::feedback::ProgressBar;
use crate::components::news::UnreadBadge;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::route::Route;
use crate::state::{self, CurrentSession};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_model::{Course, CourseId};

#[component]
pub fn Home() -> Element {
    let lang = state::use_lang();
    let courses = use_kept(
        (),
        |_| Item::courses(),
        |session, _| Box::pin(async move { session.courses().await }),
    );
    // お知らせ follow my courses: when the site's list differs from the one drawn before (a
    // course joined or left, here or elsewhere), the news feed is asked again.
    let mut feed = crate::news::use_feed();
    let mut known = use_signal(|| None::<Vec<CourseId>>);
    use_effect(move || {
        let Some(ids) = courses
            .shown(&())
            .data
            .map(|k| k.value.iter().map(|c| c.id).collect::<Vec<_>>())
        else {
            return;
        };
        let before = known.peek().clone();
        if before.as_ref() != Some(&ids) {
            known.set(Some(ids));
            if before.is_some() {
                feed.retry();
            }
        }
    });
    // The 施設ユーザーID where the site keeps one (read with the site's description of the
    // learner at sign-in and each refresh).
    let session = use_context::<CurrentSession>().0;
    let facility_id = session
        .read()
        .as_ref()
        .and_then(|s| s.info().user.facility_user_id.clone());
    let history = use_context::<crate::state::History>();
    let unread = crate::news::shown_news()
        .map(|n| crate::news::unread(history, &n))
        .unwrap_or_default();
    let body = courses.render(lang, &(), |kept| {
        if kept.value.is_empty() {
            // No course yet: joining a facility is what to do first.
            return rsx! {
                p { class: "empty", {lang.tr(Msg::NoCourses)} }
                Link { class: "button primary join-cta", "data-testid": "join-facility", to: Route::JoinView {},
                    {lang.tr(Msg::JoinFacility)}
                }
            };
        }
        rsx! {
            ul { class: "course-grid",
                for course in kept.value.iter() {
                    CourseCard { key: "{course.id}", course: course.clone(), unread: unread.in_course(course.id) }
                }
            }
        }
    });
    rsx! {
        div { class: "page",
            div { class: "home-head",
                h1 { class: "page-title", {lang.tr(Msg::MyCourses)} }
                Link { class: "button secondary", "data-testid": "nav-join", to: Route::JoinView {},
                    {lang.tr(Msg::JoinFacility)}
                }
            }
            if let Some(id) = facility_id {
                p { class: "facility-id", "data-testid": "facility-user-id",
                    span { class: "muted", {lang.tr(Msg::FacilityUserId)} }
                    " "
                    strong { "{id}" }
                }
            }
            {body}
        }
    }
}

#[component]
fn CourseCard(course: Course, unread: usize) -> Element {
    let lang = state::use_lang();
    let summary = plain_text(&course.summary_html);
    rsx! {
        li {
            Link {
                class: "course-card",
                "data-testid": "course-card",
                to: Route::CourseView { course: course.id },
                h2 { class: "course-title", "{course.full_name}"
                    UnreadBadge { lang, count: unread }
                }
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
