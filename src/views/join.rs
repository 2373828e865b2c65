//! 施設コースに参加 (join a facility course): the site's facility courses to choose from
//! (kept on the device, so the list shows offline), then the chosen course's code. The flow
//! is `juko_core::join`'s; this screen only draws it (docs/facility-join.md).

use crate::account;
use crate::components::join::{JoinCourseCard, JoinNote, JoinNoteView};
use crate::i18n::Msg;
use crate::kept::use_kept;
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
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let courses = use_kept(
        (),
        |_| Item::joinable(),
        |session, _| Box::pin(async move { session.joinable_courses().await }),
    );
    let body = courses.render(lang, &(), |kept| {
        if kept.value.is_empty() {
            return rsx! { p { class: "empty", {lang.tr(Msg::JoinNoCourses)} } };
        }
        let session = session.read().clone();
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
                                logo: course
                                    .image_url
                                    .as_deref()
                                    .and_then(|url| session.as_ref()?.file_url(url)),
                            }
                        }
                    }
                }
            }
        }
    });
    rsx! {
        div { class: "page",
            Link { class: "back-link", to: Route::Home {}, "← " {lang.tr(Msg::MyCourses)} }
            h1 { class: "page-title", {lang.tr(Msg::JoinFacility)} }
            p { class: "muted", {lang.tr(Msg::JoinChooseCourse)} }
            {body}
        }
    }
}

/// One facility course: its code, and what the site says to it.
#[component]
pub fn JoinCourseView(course: CourseId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    let courses = use_kept(
        (),
        |_| Item::joinable(),
        |session, _| Box::pin(async move { session.joinable_courses().await }),
    );
    let mut code = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut note = use_signal(|| None::<JoinNote>);

    // On opening: a course that takes no code now (closed, or joined already) says so at once.
    use_resource(use_reactive((&course,), move |(course,)| async move {
        let Some(s) = session.peek().clone() else {
            return;
        };
        match join::check(&s, course).await {
            Ok(Some(outcome)) => note.set(Some(JoinNote::Outcome(outcome))),
            Ok(None) => {}
            // Offline: said when the learner sends the code.
            Err(e) => state::handle_session_error(&e),
        }
    }));

    let submit = move |evt: FormEvent| async move {
        evt.prevent_default();
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
        if !matches!(result, Ok(JoinOutcome::Joined)) {
            busy.set(false);
        }
        match result {
            Ok(JoinOutcome::Joined) => {
                // Joining a facility may have given the learner a facility user id: read it
                // before leaving (a task of this screen would end with it).
                account::refresh_site_info().await;
                navigator().replace(Route::CourseView { course });
            }
            Ok(outcome) => note.set(Some(JoinNote::Outcome(outcome))),
            Err(e) if e.is_retryable() => note.set(Some(JoinNote::Offline)),
            Err(e) => {
                state::handle_session_error(&e);
                note.set(Some(JoinNote::Failed(state::current_lang().error(&e))));
            }
        }
    };

    let chosen = courses
        .shown(&())
        .data
        .and_then(|kept| kept.value.into_iter().find(|c| c.id == course));
    let logo = chosen
        .as_ref()
        .and_then(|c| c.image_url.as_deref())
        .and_then(|url| session.read().as_ref()?.file_url(url));
    let closed = matches!(
        note(),
        Some(JoinNote::Outcome(
            JoinOutcome::AlreadyJoined | JoinOutcome::Closed { .. } | JoinOutcome::NotOpen { .. }
        ))
    );
    rsx! {
        div { class: "page join-page",
            Link { class: "back-link", to: Route::JoinView {}, "← " {lang.tr(Msg::JoinAllCourses)} }
            h1 { class: "page-title", {lang.tr(Msg::JoinFacility)} }
            if let Some(chosen) = chosen {
                JoinCourseCard { course: chosen, logo }
            }
            if let Some(n) = note() {
                JoinNoteView {
                    lang,
                    note: n,
                    on_open: move |_| {
                        navigator().push(Route::CourseView { course });
                    },
                }
            }
            if !closed {
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
