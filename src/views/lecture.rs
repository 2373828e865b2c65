//! A lecture (講義): the video, streamed from the site, with its details and neighbours.

use crate::components::download::DownloadControl;
use crate::components::feedback::{ErrorPanel, ProgressBar};
use crate::components::player::{Playable, Player};
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::services::downloads::Downloads;
use crate::services::{recording, sync};
use crate::state::{self, CurrentSession, History};
use dioxus::prelude::*;
use juko_core::Session;
use juko_core::catalog::Item;
use juko_core::store::SiteAction;
use juko_model::{CourseContents, CourseId, Lecture, LectureId, LectureKind, format_duration};

#[component]
pub fn LectureView(course: CourseId, lecture: LectureId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let contents = use_kept(
        course,
        |c| Item::contents(*c),
        |session, course| {
            Box::pin(async move {
                let contents = session.course_contents(course).await?;
                // A kept download the site has changed since is stale.
                crate::services::downloads::check_fetched(&contents);
                Ok(contents)
            })
        },
    );
    let shown = contents.shown(&course);
    let dl = use_context::<Downloads>();
    let kept_download = dl.of(lecture);
    // The downloaded copy's address, when there is one to play (asked again as it changes).
    let playable_kept = kept_download.as_ref().is_some_and(|d| d.playable());
    let kept_source = use_resource(use_reactive!(|playable_kept, lecture| async move {
        let account = session.peek().as_ref().map(Session::account_key)?;
        if !playable_kept {
            return None;
        }
        platform::kept_video_source(&account, lecture).await
    }));
    let kept_source = kept_source.read().clone().flatten();
    // The site could not be reached (the freshness note says offline).
    let offline = matches!(shown.freshness, juko_core::catalog::Freshness::Offline(_));
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
                let playable = match &kept_source {
                    Some(src) => Playable::Kept(src.clone()),
                    None => playable(session.peek().as_ref(), l),
                };
                let recorded = l.clone();
                let (to_queue, can_download) = (l.clone(), juko_core::downloads::downloadable(l));
                rsx! {
                    Player {
                        // A new element when the source changes: the recorder listens to it.
                        key: "{l.id}-{kept_source.is_some()}",
                        lang,
                        playable,
                        on_ready: move |_| recording::start(course, recorded.clone()),
                    }
                    if offline && kept_source.is_none() {
                        p { class: "player-notice", role: "status", "data-testid": "not-downloaded-offline",
                            {lang.tr(Msg::NotDownloadedOffline)}
                        }
                    }
                    DownloadControl {
                        lang,
                        download: kept_download.clone(),
                        live: dl.progress(lecture),
                        can_download,
                        on_download: move |_| dl.download(course, &to_queue),
                        on_pause: move |_| dl.pause(lecture),
                        on_resume: move |_| dl.resume(lecture),
                        on_delete: move |_| dl.delete(lecture),
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
                                dd { {format_duration(secs)} }
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
        }
    });
    rsx! {
        div { class: "page lecture-page",
            Link { class: "back-link", to: Route::CourseView { course }, "← " {lang.tr(Msg::BackToCourse)} }
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
                span { class: "done-mark", "data-testid": "lecture-complete", "✓ " {lang.tr(Msg::Completed)} }
            }
        }
    }
}
