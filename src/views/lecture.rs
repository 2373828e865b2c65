//! A lecture (講義): the video, streamed from the site, with its details and neighbours.

use crate::components::download::DownloadControl;
use crate::components::feedback::{ErrorPanel, ProgressBar};
use crate::components::icon::{Glyph, Icon};
use crate::components::playback::PlaybackPrefs;
use crate::components::player::{Playable, Player};
use crate::format;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::services::downloads::{Asked, Downloads};
use crate::services::{recording, sync};
use crate::state::{self, CurrentSession, History};
use crate::text::text_lang;
use dioxus::prelude::*;
use juko_core::Session;
use juko_core::catalog::Item;
use juko_core::store::SiteAction;
use juko_model::{
    ActivityKind, CaptionTrack, CourseContents, CourseId, Lecture, LectureId, LectureKind, Unit,
};

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
    let kept_size = kept_download
        .as_ref()
        .filter(|d| d.playable())
        .map(|d| d.bytes_on_device());
    let kept_source = use_resource(use_reactive!(|kept_size, lecture| async move {
        let account = session.peek().as_ref().map(Session::account_key)?;
        platform::kept_video_source(&account, lecture, kept_size?).await
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

    // The learner's speed and captions choice: one for every lecture, kept on the device.
    let mut prefs = use_signal(platform::saved_playback);
    let set_prefs = move |p: PlaybackPrefs| {
        prefs.set(p);
        platform::save_playback(p);
    };
    // The lecture's caption tracks, each at a `src` the video can load (see
    // `platform::caption_src`); the lecture plays at once and its captions join when ready.
    let tracks: Vec<CaptionTrack> = found
        .and_then(|l| l.media.as_ref())
        .map(|m| m.captions.clone())
        .unwrap_or_default();
    // A downloaded lecture's captions are kept with it: read from the device, offline too.
    let kept_captions = kept_download.clone().filter(|d| d.playable());
    // (listed tracks, ready tracks): ready ones show only with the lecture they were made for.
    let mut captions = use_signal(|| (Vec::<CaptionTrack>::new(), Vec::<CaptionTrack>::new()));
    use_effect(use_reactive!(|tracks, kept_captions| {
        let Some(session) = session.peek().clone() else {
            return;
        };
        spawn(async move {
            let mut ready = Vec::with_capacity(tracks.len());
            for track in &tracks {
                if let Some(src) =
                    platform::caption_src(&session, track, kept_captions.as_ref()).await
                {
                    ready.push(CaptionTrack {
                        url: src,
                        ..track.clone()
                    });
                }
            }
            captions.set((tracks, ready));
        });
    }));
    let ready = {
        let (listed, ready) = &*captions.read();
        if *listed == tracks {
            ready.clone()
        } else {
            Vec::new()
        }
    };

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
                let after = up_next(&kept.value, lecture);
                let (to_queue, can_download) = (l.clone(), juko_core::downloads::downloadable(l));
                rsx! {
                    Player {
                        // A new element when the source changes: the recorder listens to it.
                        key: "{l.id}-{kept_source.is_some()}",
                        lang,
                        playable,
                        on_ready: move |_| recording::start(course, recorded.clone()),
                        captions: ready.clone(),
                        prefs: prefs(),
                        on_prefs: set_prefs,
                        up_next: rsx! { UpNextOffer { course, next: after } },
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
                        refused: dl.no_space_for(Asked::Lecture(lecture)).map(|n| lang.no_space(n.needed, n.free)),
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

/// What follows a lecture once it has played to its end.
#[derive(Clone, Debug, PartialEq)]
enum UpNext {
    /// The unit's next open lecture.
    Lecture(LectureId, String),
    /// The last lecture of the unit was played: its test, open to the learner.
    Test(LectureId, String),
    /// Nothing more in the unit: back to the course.
    Course,
}

/// The next open lecture of the same unit; after the unit's last, its test when there is one
/// the learner may open; else the course.
fn up_next(contents: &CourseContents, id: LectureId) -> UpNext {
    let Some((unit, _)) = contents.lecture(id) else {
        return UpNext::Course;
    };
    let after = unit.lectures.iter().skip_while(|l| l.id != id).skip(1);
    if let Some(next) = after.clone().find(|l| l.locked_reason.is_none()) {
        return UpNext::Lecture(next.id, next.title.clone());
    }
    unit.activities
        .iter()
        .find(|a| a.kind == ActivityKind::Quiz && a.locked_reason.is_none())
        .map_or(UpNext::Course, |quiz| {
            UpNext::Test(quiz.id, quiz.name.clone())
        })
}

/// The offer at the end of a lecture: its title and one button, which takes the keyboard's
/// focus as it appears (a screen reader reads it; Enter or Space follows it).
#[component]
fn UpNextOffer(course: CourseId, next: UpNext) -> Element {
    let lang = state::use_lang();
    // One link for the three cases: (what is next, where, the button's words).
    let (title, to, action) = match next.clone() {
        UpNext::Lecture(lecture, title) => (
            format!("{}: {title}", lang.tr(Msg::NextLecture)),
            Route::LectureView { course, lecture },
            Msg::GoToNextLecture,
        ),
        UpNext::Test(quiz, name) => (
            format!("{} {name}", lang.tr(Msg::UnitFinished)),
            Route::QuizView { course, quiz },
            Msg::GoToUnitTest,
        ),
        UpNext::Course => (
            lang.tr(Msg::UnitFinished).to_owned(),
            Route::CourseView { course },
            Msg::BackToCourse,
        ),
    };
    // "Play the next lecture" means it: its player starts as it opens.
    let plays = match &next {
        UpNext::Lecture(lecture, _) => Some(*lecture),
        _ => None,
    };
    let mut play_next = use_context::<state::PlayNext>().0;
    rsx! {
        p { class: "up-next-title", "{title}" }
        Link { class: "button primary", "data-testid": "up-next-go", to,
            onclick: move |_| play_next.set(plays),
            onmounted: |e: MountedEvent| async move {
                let _ = e.set_focus(true).await;
            },
            {lang.tr(action)}
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

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{Activity, Unit, UnitId};

    fn lecture(id: i64, locked: bool) -> Lecture {
        Lecture {
            id: LectureId(id),
            instance: id,
            kind: LectureKind::File,
            title: format!("L{id}"),
            lecturer: None,
            duration_secs: None,
            description: Vec::new(),
            media: None,
            locked_reason: locked.then(String::new),
            completed: false,
            manual_completion: false,
        }
    }

    fn unit(id: i64, lectures: Vec<Lecture>, activities: Vec<Activity>) -> Unit {
        Unit {
            id: UnitId(id),
            number: id as u32,
            name: format!("U{id}"),
            summary_html: String::new(),
            locked_reason: None,
            lectures,
            activities,
        }
    }

    fn activity(id: i64, kind: ActivityKind, locked: bool) -> Activity {
        Activity {
            id: LectureId(id),
            name: format!("A{id}"),
            kind,
            locked_reason: locked.then(String::new),
            completed: None,
        }
    }

    #[test]
    fn the_next_lecture_then_the_units_test_then_the_course() {
        let contents = CourseContents {
            course_id: CourseId(1),
            units: vec![
                unit(
                    1,
                    vec![lecture(1, false), lecture(2, true), lecture(3, false)],
                    vec![
                        activity(90, ActivityKind::Certificate, false),
                        activity(91, ActivityKind::Quiz, false),
                    ],
                ),
                unit(
                    2,
                    vec![lecture(4, false)],
                    vec![activity(92, ActivityKind::Quiz, true)],
                ),
                unit(3, vec![lecture(5, false)], vec![]),
            ],
        };
        let next = |id| up_next(&contents, LectureId(id));
        assert_eq!(
            next(1),
            UpNext::Lecture(LectureId(3), "L3".into()),
            "a locked one is skipped"
        );
        assert_eq!(next(3), UpNext::Test(LectureId(91), "A91".into()));
        assert_eq!(next(4), UpNext::Course, "a locked test is not offered");
        assert_eq!(
            next(5),
            UpNext::Course,
            "no next unit's lecture: the unit ends"
        );
        assert_eq!(next(99), UpNext::Course);
    }
}
