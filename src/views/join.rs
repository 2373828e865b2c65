//! 施設コースに参加 (join a facility course): the site's facility courses to choose from
//! (kept on the device, so the list shows offline), then the chosen course's code. The flow
//! is `juko_core::join`'s; this screen only draws it (docs/facility-join.md). One screen for
//! both steps (one copy of the code in the web bundle); each step has its own address.

use crate::account;
use crate::components::icon::{Glyph, Icon};
use crate::components::join::{JoinCourseCard, JoinNote, JoinNoteView};
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::news;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::join;
use juko_model::{CourseId, JoinOutcome};

/// The facility courses to choose from.
#[component]
pub fn JoinView() -> Element {
    rsx! { JoinScreen { chosen: None } }
}

/// One facility course: its code, and what the site says to it.
#[component]
pub fn JoinCourseView(course: CourseId) -> Element {
    rsx! { JoinScreen { chosen: Some(course) } }
}

#[component]
fn JoinScreen(chosen: Option<CourseId>) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    let mut feed = news::use_feed();
    let courses = use_kept(
        (),
        |_| Item::joinable(),
        |session, _| Box::pin(async move { session.joinable_courses().await }),
    );
    let mut code = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut note = use_signal(|| None::<JoinNote>);
    // A course the device knows the learner is in: said at once, no code asked (the site is
    // asked again before any code is sent, `join::join`).
    let mine = chosen.is_some_and(|course| {
        history.read().is_some_and(|store| {
            Item::courses()
                .read(&*store.0)
                .ok()
                .flatten()
                .is_some_and(|kept| kept.value.iter().any(|c| c.id == course))
        })
    });
    let shown_note = if mine {
        Some(JoinNote::Outcome(JoinOutcome::AlreadyJoined))
    } else {
        note()
    };

    let submit = move |evt: FormEvent| async move {
        evt.prevent_default();
        let Some(course) = chosen else {
            return;
        };
        if busy() {
            return;
        }
        let typed = code();
        if join::clean_code(&typed).is_empty() {
            note.set(Some(JoinNote::EmptyCode));
            return;
        }
        let Some(s) = session.peek().clone() else {
            return;
        };
        busy.set(true);
        note.set(None);
        let store = history.store.peek().clone();
        let result = join::join(
            &s,
            store.as_ref().map(|s| &*s.0),
            course,
            &typed,
            platform::now_ms(),
        )
        .await;
        match result {
            Ok(JoinOutcome::Joined) => {
                // Joining a facility may have given the learner a facility user id: read it
                // before leaving (a task of this screen would end with it).
                account::refresh_site_info().await;
                // The new course's announcements belong in お知らせ now, not at the next sign-in.
                feed.retry();
                navigator().replace(Route::CourseView { course });
                return;
            }
            Ok(outcome) => note.set(Some(JoinNote::Outcome(outcome))),
            Err(e) if e.is_retryable() => note.set(Some(JoinNote::Offline)),
            Err(e) => {
                state::handle_session_error(&e);
                note.set(Some(JoinNote::Failed(state::current_lang().error(&e))));
            }
        }
        busy.set(false);
    };

    let body = courses.render(lang, &(), |kept| {
        let session = session.read().clone();
        let logo = |url: Option<&str>| url.and_then(|url| session.as_ref()?.file_url(url));
        if let Some(course) = chosen {
            return match kept.value.iter().find(|c| c.id == course) {
                Some(c) => rsx! {
                    JoinCourseCard { course: c.clone(), logo: logo(c.logo_url.as_deref()) }
                },
                None => rsx! {},
            };
        }
        if kept.value.is_empty() {
            return rsx! { p { class: "empty", {lang.tr(Msg::JoinNoCourses)} } };
        }
        rsx! {
            ul { class: "course-grid",
                for course in kept.value.iter() {
                    li { key: "{course.id}",
                        Link {
                            class: "course-card",
                            "data-testid": "join-course",
                            to: Route::JoinCourseView { course: course.id },
                            JoinCourseCard {
                                course: course.clone(),
                                logo: logo(course.logo_url.as_deref()),
                            }
                        }
                    }
                }
            }
        }
    });
    let closed = matches!(
        shown_note,
        Some(JoinNote::Outcome(
            JoinOutcome::AlreadyJoined | JoinOutcome::NotTakingLearners { .. }
        ))
    );
    rsx! {
        div { class: "page join-page",
            if chosen.is_some() {
                Link { class: "back-link", to: Route::JoinView {}, Icon { glyph: Glyph::Back } {lang.tr(Msg::JoinAllCourses)} }
            } else {
                Link { class: "back-link", to: Route::Home {}, Icon { glyph: Glyph::Back } {lang.tr(Msg::MyCourses)} }
            }
            h1 { class: "page-title", {lang.tr(Msg::JoinFacility)} }
            if chosen.is_none() {
                p { class: "muted", {lang.tr(Msg::JoinChooseCourse)} }
            }
            {body}
            if let (Some(course), Some(n)) = (chosen, shown_note) {
                JoinNoteView {
                    lang,
                    note: n,
                    on_open: move |_| {
                        navigator().push(Route::CourseView { course });
                    },
                }
            }
            if chosen.is_some() && !closed {
                form { class: "form", onsubmit: submit, novalidate: true,
                    label { r#for: "facility-code", {lang.tr(Msg::JoinCode)} }
                    input {
                        id: "facility-code", r#type: "text", autocomplete: "off",
                        autocapitalize: "characters", spellcheck: false,
                        placeholder: lang.tr(Msg::JoinCodeHint),
                        value: "{code}", oninput: move |e| code.set(e.value()),
                    }
                    button {
                        id: "join-submit", class: "button primary wide", r#type: "submit", disabled: busy(),
                        if busy() { {lang.tr(Msg::Joining)} } else { {lang.tr(Msg::JoinSubmit)} }
                    }
                }
            }
        }
    }
}
