//! A lecture (講義): the video, streamed from the site, with its details and neighbours.

use crate::components::feedback::{ErrorPanel, Loading, ProgressBar};
use crate::components::player::Player;
use crate::history::{self, History};
use crate::i18n::Msg;
use crate::route::Route;
use crate::state::{self, CurrentSession};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_core::store::SiteAction;
use juko_model::{CourseContents, CourseId, Lecture, LectureId, format_duration};

#[component]
pub fn LectureView(course: CourseId, lecture: LectureId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let mut contents = use_resource(move || async move {
        let Some(session) = session() else {
            return Err(juko_core::Error::SessionExpired);
        };
        state::signed_out_if_expired(session.course_contents(course).await)
    });
    // Tell the site once per lecture opened (Moodle's view event): queued in the store and sent
    // by the sync service, so it is not lost offline.
    let history = use_context::<History>();
    use_effect(use_reactive!(|lecture| {
        let Some(Ok(c)) = &*contents.read() else {
            return;
        };
        let (Some((_, l)), Some(store)) = (c.lecture(lecture), history.store.peek().clone()) else {
            return;
        };
        let view = SiteAction::Viewed {
            lecture: l.id,
            instance: l.instance,
            kind: l.kind,
        };
        match store.0.queue_action(&view) {
            Ok(()) => history::request_sync(),
            Err(e) => tracing::warn!("lecture view not queued: {e}"),
        }
    }));

    let read = contents.read();
    let body = match &*read {
        None => rsx! { Loading { lang } },
        Some(Err(e)) => {
            rsx! { ErrorPanel { lang, message: lang.error(e), on_retry: move |_| contents.restart() } }
        }
        Some(Ok(c)) => match c.lecture(lecture) {
            None => rsx! { ErrorPanel { lang, message: lang.tr(Msg::NotFound).to_owned() } },
            Some((unit, l)) => {
                let (prev, next) = neighbours(c, lecture);
                rsx! {
                    Player { key: "{l.id}", course, lecture: l.clone() }
                    LectureProgressLine { lecture: l.clone() }
                    div { class: "lecture-details",
                        p { class: "unit-number", {lang.unit_number(unit.number)} " · {unit.name}" }
                        h1 { class: "page-title", "{l.title}" }
                        dl { class: "facts",
                            if let Some(name) = &l.lecturer {
                                dt { {lang.tr(Msg::Lecturer)} }
                                dd { "{name}" }
                            }
                            if let Some(secs) = l.duration_secs {
                                dt { {lang.tr(Msg::Duration)} }
                                dd { {format_duration(secs)} }
                            }

                        }
                        DescriptionText { html: l.description_html.clone() }
                        nav { class: "prev-next",
                            if let Some(p) = prev {
                                Link { class: "button secondary", to: Route::LectureView { course, lecture: p },
                                    "← " {lang.tr(Msg::PreviousLecture)}
                                }
                            }
                            if let Some(n) = next {
                                Link { class: "button secondary", "data-testid": "next-lecture",
                                    to: Route::LectureView { course, lecture: n },
                                    {lang.tr(Msg::NextLecture)} " →"
                                }
                            }
                        }
                    }
                }
            }
        },
    };
    rsx! {
        div { class: "page lecture-page",
            Link { class: "back-link", to: Route::CourseView { course }, "← " {lang.tr(Msg::Back)} }
            {body}
        }
    }
}

/// The description minus the facts already shown (lecturer, length).
#[component]
fn DescriptionText(html: String) -> Element {
    let text = plain_text(&html);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !(l.starts_with("講師") || l.starts_with("時間")))
        .collect();
    if lines.is_empty() {
        return rsx! {};
    }
    rsx! {
        div { class: "description",
            for line in lines {
                p { "{line}" }
            }
        }
    }
}

/// The lectures before and after `id` in course order, skipping locked ones.
fn neighbours(contents: &CourseContents, id: LectureId) -> (Option<LectureId>, Option<LectureId>) {
    let open: Vec<LectureId> = contents
        .lectures()
        .filter(|l| l.locked_reason.is_none())
        .map(|l| l.id)
        .collect();
    let Some(i) = open.iter().position(|&l| l == id) else {
        return (None, None);
    };
    (i.checked_sub(1).map(|p| open[p]), open.get(i + 1).copied())
}

/// How much of this lecture the learner has watched, and whether it is complete.
#[component]
fn LectureProgressLine(lecture: Lecture) -> Element {
    let lang = state::use_lang();
    let st = use_context::<History>().lecture_state(&lecture);
    let percent = (st.coverage * 100.0).floor();
    rsx! {
        div { class: "lecture-progress", "data-testid": "lecture-progress", "data-coverage": "{st.coverage}",
            ProgressBar { fraction: st.coverage, label: lang.tr(Msg::Watched) }
            span { class: "muted", {lang.tr(Msg::Watched)} " {percent}%" }
            if st.complete {
                span { class: "done-mark", "data-testid": "lecture-complete", "✓ " {lang.tr(Msg::Completed)} }
            }
        }
    }
}
