//! A lecture (講義): the video, streamed from the site, with its details and neighbours.

use crate::components::feedback::{ErrorPanel, ProgressBar};
use crate::components::icon::{Glyph, Icon};
use crate::components::player::{Playable, Player};
use crate::format;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::route::Route;
use crate::services::{recording, sync};
use crate::state::{self, CurrentSession, History};
use crate::text::text_lang;
use dioxus::prelude::*;
use juko_core::Session;
use juko_core::catalog::Item;
use juko_core::store::SiteAction;
use juko_model::{CourseContents, CourseId, Lecture, LectureId, LectureKind, Unit};

#[component]
pub fn LectureView(course: CourseId, lecture: LectureId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let contents = use_kept(
        course,
        |c| Item::contents(*c),
        |session, course| Box::pin(async move { session.course_contents(course).await }),
    );
    let shown = contents.shown(&course);
    // Tell the site once per lecture opened (Moodle's view event): queued in the store and sent
    // by the sync service, so it is not lost offline.
    let history = use_context::<History>();
    let found = shown
        .data
        .as_ref()
        .and_then(|k| k.value.lecture(lecture).map(|(_, l)| l));
    // Once per lecture opened, not again when a refreshed copy of the course arrives.
    let viewed = found.map(|l| (l.id, l.instance, l.kind));
    use_effect(use_reactive!(|viewed| {
        let (Some((id, instance, kind)), Some(store)) = (viewed, history.store.peek().clone())
        else {
            return;
        };
        let view = SiteAction::Viewed {
            lecture: id,
            instance,
            kind,
        };
        match store.0.queue_action(&view) {
            Ok(()) => sync::request_sync(),
            Err(e) => tracing::warn!("lecture view not queued: {e}"),
        }
    }));

    let body = contents.render(lang, &course, |kept| {
        match kept.value.lecture(lecture) {
            None => rsx! { ErrorPanel { lang, message: lang.tr(Msg::NotFound).to_owned() } },
            Some((unit, l)) => {
                let (prev, next) = neighbours(&kept.value, lecture);
                let playable = playable(session.peek().as_ref(), l);
                let recorded = l.clone();
                rsx! {
                    Player {
                        key: "{l.id}",
                        lang,
                        playable,
                        on_ready: move |_| recording::start(course, recorded.clone()),
                    }
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
                                dd { {format::duration(lang, secs)} }
                            }

                        }
                        if !l.description.is_empty() {
                            div { class: "description",
                                for line in l.description.iter() {
                                    p { "{line}" }
                                }
                            }
                        }
                        nav { class: "prev-next",
                            if let Some(p) = prev {
                                Link { class: "button secondary", to: Route::LectureView { course, lecture: p },
                                    Icon { glyph: Glyph::Back } {lang.tr(Msg::PreviousLecture)}
                                }
                            }
                            if let Some(n) = next {
                                Link { class: "button secondary", "data-testid": "next-lecture",
                                    to: Route::LectureView { course, lecture: n },
                                    {lang.tr(Msg::NextLecture)} Icon { glyph: Glyph::Forward }
                                }
                            }
                        }
                    }
                    UnitLectures { course, unit: unit.clone(), current: lecture }
                }
            }
        }
    });
    rsx! {
        div { class: "page lecture-page",
            Link { class: "back-link", to: Route::CourseView { course }, Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToCourse)} }
            {body}
        }
    }
}

/// What the player can play of a lecture: its video streamed with the session's token, or the
/// external page that holds it (web addresses only; see `Session::stream_url`).
fn playable(session: Option<&Session>, lecture: &Lecture) -> Playable {
    let (Some(session), Some(media)) = (session, &lecture.media) else {
        return Playable::Nothing;
    };
    if lecture.kind == LectureKind::Link && !media.mime_type.starts_with("video/") {
        return Playable::External(media.url.clone());
    }
    session
        .stream_url(media)
        .map_or(Playable::Nothing, Playable::Stream)
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
                span { class: "done-mark", "data-testid": "lecture-complete", Icon { glyph: Glyph::Check } {lang.tr(Msg::Completed)} }
            }
        }
    }
}

/// The unit's lectures beside the one playing (tablets and wider; hidden on phones by the
/// stylesheet, where the previous and next buttons do this).
#[component]
fn UnitLectures(course: CourseId, unit: Unit, current: LectureId) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    rsx! {
        nav { class: "unit-lectures", "aria-label": lang.tr(Msg::UnitLectures),
            h2 { class: "section-title", {lang.tr(Msg::UnitLectures)} }
            ol {
                for l in unit.lectures.iter().filter(|l| l.locked_reason.is_none()) {
                    li { key: "{l.id}",
                        Link {
                            class: if l.id == current { "unit-lecture current" } else { "unit-lecture" },
                            "aria-current": if l.id == current { "page" } else { "false" },
                            to: Route::LectureView { course, lecture: l.id },
                            span { class: "lecture-title", lang: text_lang(&l.title), "{l.title}" }
                            if history.lecture_state(l).complete {
                                Icon { glyph: Glyph::Check, label: lang.tr(Msg::Completed).to_owned() }
                            }
                        }
                    }
                }
            }
        }
    }
}
