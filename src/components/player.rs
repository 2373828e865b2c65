//! The lecture player: an HTML5 video streaming from the site, resuming where the learner left
//! off, and recording what is played into the viewing history.
//!
//! The page reports raw player events (play, timeupdate, seeking, …) to Rust through
//! `document::eval`; `juko_core::recorder` decides what counts as watched, and each resulting
//! event is written to the store before anything else happens with it.

use crate::history::{History, HistoryStore, SyncRequest};
use crate::i18n::{Lang, Msg};
use crate::platform;
use crate::state::{self, CurrentLang, CurrentSession};
use dioxus::prelude::*;
use juko_core::recorder::{PlayerEvent, PlayerEventKind, Recorder};
use juko_core::store::{LectureContext, SiteAction};
use juko_model::{CourseId, Interval, Lecture, LectureKind, ProgressEvent, ProgressKind};
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
                    // Outlives this component: the last report comes as the player goes away.
                    let bridge = Bridge {
                        course,
                        lecture,
                        history,
                        store: history.store.peek().clone(),
                        sync: try_consume_context::<Coroutine<SyncRequest>>().map(|c| c.tx()),
                        syncs: session.peek().as_ref().is_some_and(|s| s.syncs_history()),
                        lang: consume_context::<CurrentLang>().0,
                    };
                    dioxus::core::spawn_forever(record_playback(bridge));
                },
                {lang.tr(Msg::VideoUnsupported)}
            }
        }
    }
}

/// What the recording task needs, gathered in the component (see `onmounted`): the task runs
/// at the root scope, where the app's contexts are not.
struct Bridge {
    course: CourseId,
    lecture: Lecture,
    history: History,
    /// The signed-in account's store when the player opened: what is watched here belongs to
    /// that account even if the learner signs out before the last report.
    store: Option<HistoryStore>,
    /// The sync service's queue (its sender, not the coroutine: that belongs to the app's scope).
    sync: Option<UnboundedSender<SyncRequest>>,
    /// Whether the site has the history extension (else completion goes the stock way).
    syncs: bool,
    lang: Signal<Lang>,
}

/// Installs the page-side listeners and records what they report until the player goes away.
async fn record_playback(bridge: Bridge) {
    let Bridge {
        course,
        lecture,
        history,
        store,
        sync,
        syncs,
        lang,
    } = bridge;
    let Some(store) = store else { return };
    let resume = store
        .0
        .lecture(lecture.id)
        .ok()
        .flatten()
        .and_then(|l| l.progress.position)
        .map(|p| p.seconds);
    let mut eval = document::eval(&listener_script(resume));
    let mut recorder = Recorder::new(lecture.id);
    let mut last_push = platform::now_ms();
    // The site's listed length bounds what can count (its server checks the same); the media's
    // own length stands in when the site lists none.
    let listed = lecture.duration_secs.map(f64::from);
    let mut duration = listed;
    loop {
        let js = match eval.recv::<JsEvent>().await {
            Ok(js) => js,
            Err(e) => {
                tracing::warn!("player bridge ended: {e}");
                break;
            }
        };
        if listed.is_none() {
            duration = js
                .duration
                .filter(|d| d.is_finite() && *d > 0.0)
                .or(duration);
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
        let recorded: Vec<_> = recorder
            .on(event, now)
            .into_iter()
            .filter_map(|e| within(e, listed))
            .collect();
        let context = LectureContext {
            course: Some(course),
            title: Some(&lecture.title),
            duration_secs: duration,
        };
        for e in &recorded {
            let was_complete = store
                .0
                .lecture(lecture.id)
                .ok()
                .flatten()
                .is_some_and(|l| l.is_complete());
            let local = match store.0.record(e, context, now) {
                Ok(local) => local,
                Err(err) => {
                    // Shown until a write succeeds: the learner must know history is not kept.
                    tracing::error!("could not record viewing history: {err}");
                    history.recorded(Some(lang.peek().error(&err)));
                    continue;
                }
            };
            history.recorded(None);
            platform::acknowledged(e);
            // A site without the extension learns of completion the stock way, where the lecture
            // lets the learner mark it (manual completion), queued for offline; once, when it
            // becomes complete.
            let newly_complete = local.is_complete() && !was_complete;
            if newly_complete
                && lecture.manual_completion
                && !syncs
                && let Err(err) = store.0.queue_action(&SiteAction::Completed {
                    lecture: lecture.id,
                })
            {
                tracing::warn!("completion not queued: {err}");
            }
        }
        if !recorded.is_empty() {
            history.changed();
        }
        let urgent = matches!(
            kind,
            PlayerEventKind::Pause | PlayerEventKind::Ended | PlayerEventKind::Hidden
        );
        if !recorded.is_empty() && (urgent || now - last_push >= PUSH_WHILE_PLAYING_MS) {
            last_push = now;
            if let Some(sync) = &sync {
                let _ = sync.unbounded_send(SyncRequest::Soon); // gone only with the app
            }
        }
        if gone {
            break;
        }
    }
}

/// An event limited to the listed length: what lies past it cannot count (and the server would
/// refuse the whole interval).
fn within(mut e: ProgressEvent, listed: Option<f64>) -> Option<ProgressEvent> {
    let Some(end) = listed else { return Some(e) };
    e.kind = match e.kind {
        ProgressKind::Played(i) => ProgressKind::Played(Interval::new(i.from, i.to.min(end))?),
        ProgressKind::Position(p) => ProgressKind::Position(p.min(end)),
    };
    Some(e)
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
  const onVisibility = () => {{ if (document.hidden) hide(); }};
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', hide);
  // Leaving the lecture inside the app removes the video: report where it was, and let go of
  // the page-wide listeners (the recording task ends on 'gone').
  new MutationObserver((_, obs) => {{
    if (v.isConnected) return;
    obs.disconnect();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', hide);
    report('gone');
  }}).observe(document.body, {{ childList: true, subtree: true }});
  const resume = {resume};
  const seek = () => {{ if (resume !== null && resume < v.duration - 3) v.currentTime = resume; v.dataset.resumed = "1"; }};
  if (v.readyState >= 1) seek(); else v.addEventListener('loadedmetadata', seek, {{ once: true }});
}}
"#
    )
}
