//! The lecture player: an HTML5 video streaming from the site, resuming where the learner left
//! off, and recording what is played into the viewing history.
//!
//! The page reports raw player events (play, timeupdate, seeking, …) to Rust through
//! `document::eval`; `juko_core::recorder` decides what counts as watched, and each resulting
//! event is written to the store before anything else happens with it.

use crate::history::{self, History, SyncNow};
use crate::i18n::Msg;
use crate::platform;
use crate::state::{self, CurrentSession};
use dioxus::prelude::*;
use juko_core::recorder::{PlayerEvent, PlayerEventKind, Recorder};
use juko_core::store::{LectureContext, SiteAction};
use juko_model::{CourseId, Lecture, LectureKind};
use serde::Deserialize;

/// What the page sends for each player event.
#[derive(Debug, Deserialize)]
struct JsEvent {
    kind: String,
    time: f64,
    rate: f64,
    playing: bool,
    duration: Option<f64>,
}

/// Pushes at most this often while playing; pause, hide and leaving push at once.
const PUSH_WHILE_PLAYING_MS: i64 = 60_000;

#[component]
pub fn Player(course: CourseId, lecture: Lecture) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let Some(media) = lecture.media.clone() else {
        return rsx! { div { class: "player empty", p { {lang.tr(Msg::NoVideo)} } } };
    };
    if lecture.kind == LectureKind::Link && !media.mime_type.starts_with("video/") {
        return rsx! {
            div { class: "player empty",
                a { class: "button primary", href: "{media.url}", target: "_blank", rel: "noopener noreferrer",
                    {lang.tr(Msg::OpenExternal)}
                }
            }
        };
    }
    let src = session
        .peek()
        .as_ref()
        .map(|s| s.stream_url(&media))
        .unwrap_or_default();
    let lecture_for_bridge = lecture.clone();
    rsx! {
        div { class: "player",
            video {
                "data-testid": "lecture-video",
                src: "{src}",
                controls: true,
                preload: "metadata",
                playsinline: true,
                onmounted: move |_| {
                    let lecture = lecture_for_bridge.clone();
                    let history = consume_context::<History>();
                    let sync = try_consume_context::<Coroutine<SyncNow>>();
                    // Outlives this component: the last report comes as the player goes away.
                    // Contexts are read here: the task runs at the root, where they are not.
                    let syncs = session.peek().as_ref().is_some_and(|s| s.syncs_history());
                    let bridge = Bridge { course, lecture, history, sync, syncs };
                    dioxus::core::spawn_forever(record_playback(bridge));
                },
                {lang.tr(Msg::VideoUnsupported)}
            }
        }
    }
}

/// What the recording task needs, gathered in the component (see `onmounted`).
struct Bridge {
    course: CourseId,
    lecture: Lecture,
    history: History,
    sync: Option<Coroutine<SyncNow>>,
    /// Whether the site has the history extension (else completion goes the stock way).
    syncs: bool,
}

/// Installs the page-side listeners and records what they report until the player goes away.
async fn record_playback(bridge: Bridge) {
    let Bridge {
        course,
        lecture,
        history,
        sync,
        syncs,
    } = bridge;
    let resume = history
        .store
        .peek()
        .as_ref()
        .and_then(|s| s.0.lecture(lecture.id).ok().flatten())
        .and_then(|l| l.progress.position)
        .map(|p| p.seconds);
    tracing::debug!(
        "player bridge for lecture {} (resume at {resume:?})",
        lecture.id
    );
    let mut eval = document::eval(&listener_script(resume));
    let mut recorder = Recorder::new(lecture.id);
    let mut last_push = platform::now_ms();
    let mut duration = lecture.duration_secs.map(f64::from);
    loop {
        let js = match eval.recv::<JsEvent>().await {
            Ok(js) => js,
            Err(e) => {
                tracing::warn!("player bridge ended: {e}");
                break;
            }
        };
        if let Some(d) = js.duration.filter(|d| d.is_finite() && *d > 0.0) {
            duration = Some(d);
        }
        let gone = js.kind == "gone";
        let Some(kind) = kind_of(&js.kind) else {
            continue;
        };
        let now = platform::now_ms();
        let event = PlayerEvent {
            kind,
            time: js.time,
            rate: js.rate,
            playing: js.playing,
        };
        let recorded = recorder.on(event, now);
        if recorded.is_empty() {
            if gone {
                break;
            }
            continue;
        }
        let Some(store) = history.store.peek().clone() else {
            continue;
        };
        let context = LectureContext {
            course: Some(course),
            title: Some(&lecture.title),
            duration_secs: duration,
        };
        for e in &recorded {
            match store.0.record(e, context, now) {
                // A site without the extension learns of completion the stock way, where the
                // lecture lets the learner mark it (manual completion), queued for offline.
                Ok(local) if local.is_complete() && lecture.manual_completion && !syncs => {
                    let done = SiteAction::Completed {
                        lecture: lecture.id,
                    };
                    if let Err(err) = store.0.queue_action(&done) {
                        tracing::warn!("completion not queued: {err}");
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    // Shown in the sync state: the learner must know history is not being kept.
                    tracing::error!("could not record viewing history: {err}");
                    let mut status = history.status;
                    status.set(history::SyncState::Failed(
                        state::current_lang().error(&err),
                        0,
                    ));
                }
            }
        }
        history.changed();
        let urgent = matches!(
            kind,
            PlayerEventKind::Pause | PlayerEventKind::Ended | PlayerEventKind::Hidden
        );
        if urgent || now - last_push >= PUSH_WHILE_PLAYING_MS {
            last_push = now;
            if let Some(sync) = sync {
                sync.send(SyncNow);
            }
        }
        if gone {
            break;
        }
    }
}

fn kind_of(name: &str) -> Option<PlayerEventKind> {
    use PlayerEventKind::*;
    Some(match name {
        "play" | "playing" => Play,
        "timeupdate" => TimeUpdate,
        "pause" => Pause,
        "seeking" => Seeking,
        "seeked" => Seeked,
        "ended" => Ended,
        "ratechange" => RateChange,
        "hidden" | "gone" => Hidden,
        _ => return None,
    })
}

/// The page side: listens on the lecture's video and reports each event with the player's state.
/// Seeks to `resume` once the media's length is known (unless that is within 3 s of the end).
fn listener_script(resume: Option<f64>) -> String {
    let resume = resume.map_or("null".to_owned(), |r| format!("{r}"));
    format!(
        r#"
const v = document.querySelector('video[data-testid=lecture-video]');
if (v) {{
  const report = (kind) => dioxus.send({{
    kind, time: v.currentTime || 0, rate: v.playbackRate || 1,
    playing: !v.paused && !v.ended, duration: isFinite(v.duration) ? v.duration : null,
  }});
  for (const k of ['play', 'playing', 'timeupdate', 'pause', 'seeking', 'seeked', 'ended', 'ratechange']) {{
    v.addEventListener(k, () => report(k));
  }}
  const hide = () => report('hidden');
  document.addEventListener('visibilitychange', () => {{ if (document.hidden) hide(); }});
  window.addEventListener('pagehide', hide);
  // Leaving the lecture inside the app removes the video: report where it was.
  new MutationObserver((_, obs) => {{ if (!v.isConnected) {{ obs.disconnect(); report('gone'); }} }})
    .observe(document.body, {{ childList: true, subtree: true }});
  const resume = {resume};
  const seek = () => {{ if (resume !== null && resume < v.duration - 3) v.currentTime = resume; v.dataset.resumed = "1"; }};
  if (v.readyState >= 1) seek(); else v.addEventListener('loadedmetadata', seek, {{ once: true }});
}}
"#
    )
}
