//! Recording what the learner watches: listens to the lecture's video on the page and writes
//! each resulting event to the account's store before anything else happens with it.
//!
//! The page reports raw player events (play, timeupdate, seeking, …) through `document::eval`;
//! `juko_core::recorder` decides what counts as watched.

use crate::components::player::VIDEO_SELECTOR;
use crate::platform;
use crate::services::sync::SyncRequest;
use crate::state::{AccountStore, CurrentSession, History, PlayNext};
use dioxus::prelude::*;
use juko_core::recorder::{PlayerEvent, PlayerEventKind, Recorder};
use juko_core::store::LectureContext;
use juko_model::{CourseId, Interval, Lecture, LectureId, ProgressEvent, ProgressKind};
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

/// Starts recording the lecture's playback once its player is on the page. Called from the
/// view, where the app's contexts are; the task itself runs at the root scope so that it
/// outlives the view and records the player's last report as it goes away.
pub fn start(course: CourseId, lecture: Lecture) {
    let lecture_id = lecture.id;
    let history = consume_context::<History>();
    // The signed-in account's store when the player opened: what is watched here belongs to
    // that account even if the learner signs out before the last report.
    let Some(store) = history.store.peek().clone() else {
        return;
    };
    let session = consume_context::<CurrentSession>().0;
    let bridge = Bridge {
        course,
        lecture,
        history,
        store,
        // The sync service's queue (its sender: the coroutine belongs to the app's scope).
        sync: try_consume_context::<Coroutine<SyncRequest>>().map(|c| c.tx()),
        syncs: session.peek().as_ref().is_some_and(|s| s.syncs_history()),
        autoplay: take_play_next(lecture_id),
    };
    dioxus::core::spawn_forever(record_playback(bridge));
}

/// What the recording task needs, gathered where the contexts are (see [`start`]).
struct Bridge {
    course: CourseId,
    lecture: Lecture,
    history: History,
    store: AccountStore,
    sync: Option<UnboundedSender<SyncRequest>>,
    /// Whether the site has the history extension (else completion goes the stock way).
    syncs: bool,
    /// The learner asked for this lecture to play as it opens.
    autoplay: bool,
}

/// Whether `lecture` was asked to play next; the request is used up either way it is read.
fn take_play_next(lecture: LectureId) -> bool {
    try_consume_context::<PlayNext>().is_some_and(|PlayNext(mut asked)| {
        let yes = *asked.peek() == Some(lecture);
        asked.set(None);
        yes
    })
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
        autoplay,
    } = bridge;
    let resume = store
        .0
        .lecture(lecture.id)
        .ok()
        .flatten()
        .and_then(|l| l.resume_at());
    let mut eval = document::eval(&listener_script(resume, autoplay));
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
            // A site without the extension learns of completion the stock way, where the
            // lecture lets the learner mark it: queued by the store with the completing event.
            complete_on_site: lecture.manual_completion && !syncs,
        };
        for e in &recorded {
            match store.0.record(e, context, now) {
                Ok(_) => {
                    history.recorded(None);
                    platform::acknowledged(e);
                }
                Err(err) => {
                    // Shown until a write succeeds: the learner must know history is not kept.
                    tracing::error!("could not record viewing history: {err}");
                    history.recorded(Some(err));
                }
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
/// Seeks to `resume` once the media's length is known (unless that is within
/// `RESUME_END_MARGIN_SECS` of the end: the store may not have known the length).
/// With `autoplay`, starts playing there too (the browser may refuse without a recent tap: then
/// it waits for the learner, as without it).
fn listener_script(resume: Option<f64>, autoplay: bool) -> String {
    let resume = resume.map_or("null".to_owned(), |r| format!("{r}"));
    let margin = juko_core::store::RESUME_END_MARGIN_SECS;
    format!(
        r#"
const v = document.querySelector('{VIDEO_SELECTOR}');
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
  const seek = () => {{ if (resume !== null && resume < v.duration - {margin}) v.currentTime = resume; v.dataset.resumed = "1"; if ({autoplay}) v.play().catch(() => {{}}); }};
  if (v.readyState >= 1) seek(); else v.addEventListener('loadedmetadata', seek, {{ once: true }});
}}
"#
    )
}
