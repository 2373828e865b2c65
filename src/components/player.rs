//! The lecture player: an HTML5 video of the lecture. Props in, events out: it says when the
//! video is on the page (`on_ready`), and the recording service (`services::recording`) listens
//! to it from there. Its controls (speed, captions, keyboard shortcuts, the next lecture at
//! the end) are the learner's; what they mean is in `components::playback`.

use crate::components::playback::{
    FromPage, PlaybackPrefs, SHORTCUT_HELP, SPEEDS, controller_script, speed_at, speed_label,
};
use crate::i18n::{Lang, Msg};
use crate::text::safe_link;
use dioxus::prelude::*;
use juko_model::{CaptionTrack, choose_caption};
use std::cell::Cell;
use std::rc::Rc;

/// The selector the recording service finds the lecture's video by.
pub const VIDEO_SELECTOR: &str = "video[data-testid=lecture-video]";

/// What the player has to play.
#[derive(Clone, Debug, PartialEq)]
pub enum Playable {
    /// A video to stream from this URL (the token already added).
    Stream(String),
    /// The lecture's downloaded copy on this device (the platform's address for it).
    Kept(String),
    /// A page elsewhere that holds the video: opened in the browser.
    External(String),
    /// Nothing the app can play.
    Nothing,
}

/// `captions`: tracks ready to load (`url` is the `<track>`'s `src`). `prefs`: the learner's
/// speed and captions choice; `on_prefs` when they change them here. `up_next`: what is shown
/// when the lecture has played to its end.
#[component]
pub fn Player(
    lang: Lang,
    playable: Playable,
    on_ready: EventHandler<()>,
    #[props(default)] captions: Vec<CaptionTrack>,
    prefs: PlaybackPrefs,
    on_prefs: EventHandler<PlaybackPrefs>,
    up_next: Element,
) -> Element {
    let mut failed = use_signal(|| false);
    let mut ended = use_signal(|| false);
    // The preferences as they are now, for the page's shortcuts (the task outlives a render).
    let current = use_hook(|| Rc::new(Cell::new(prefs)));
    current.set(prefs);
    // The caption track to show: the page reads it, and the speed, from the video's attributes.
    let show = choose_caption(&captions, lang.tag())
        .filter(|_| prefs.captions)
        .map(|t| t.language.clone())
        .unwrap_or_default();
    let start_page = move || {
        let mut eval = document::eval(&controller_script(VIDEO_SELECTOR));
        let current = current.clone();
        spawn(async move {
            while let Ok(message) = eval.recv::<FromPage>().await {
                match (message.kind.as_str(), message.action) {
                    ("playing", _) => ended.set(false),
                    ("ended", _) => ended.set(true),
                    ("key", Some(action)) => on_prefs.call(current.get().after(action)),
                    ("gone", _) => break,
                    _ => {}
                }
            }
        });
    };
    let kept = matches!(playable, Playable::Kept(_));
    match playable {
        Playable::Nothing => rsx! {
            div { class: "player empty", p { {lang.tr(Msg::NoVideo)} } }
        },
        Playable::External(url) => rsx! {
            div { class: "player empty",
                if let Some(href) = safe_link(&url) {
                    a { class: "button primary", href: "{href}", target: "_blank", rel: "noopener noreferrer",
                        {lang.tr(Msg::OpenExternal)}
                    }
                } else {
                    // Not an http(s) address: shown as text, never a link.
                    p { class: "muted", "data-testid": "unsafe-link", "{url}" }
                }
            }
        },
        Playable::Stream(src) | Playable::Kept(src) => rsx! {
            div { class: "player",
                video {
                    "data-testid": "lecture-video",
                    "data-source": if kept { "kept" } else { "stream" },
                    src: "{src}",
                    controls: true,
                    preload: "metadata",
                    playsinline: true,
                    "webkit-playsinline": "true",
                    "data-speed": "{prefs.speed}",
                    "data-show": "{show}",
                    onmounted: move |_| {
                        on_ready.call(());
                        start_page();
                    },
                    onerror: move |_| failed.set(true),
                    onloadedmetadata: move |_| failed.set(false),
                    for track in captions.iter() {
                        track {
                            key: "{track.url}",
                            kind: "captions",
                            src: "{track.url}",
                            srclang: "{track.language}",
                            label: "{track.label}",
                        }
                    }
                    {lang.tr(Msg::VideoUnsupported)}
                }
                if kept {
                    p { class: "player-notice kept", role: "status", "data-testid": "playing-kept",
                        {lang.tr(Msg::PlayingDownloaded)}
                    }
                }
                if failed() && !kept {
                    p { class: "player-notice", role: "status", "data-testid": "video-needs-network",
                        {lang.tr(Msg::VideoNeedsNetwork)}
                    }
                }
                if ended() {
                    section { class: "up-next", "data-testid": "up-next", aria_label: lang.tr(Msg::LectureEnded),
                        p { class: "muted", {lang.tr(Msg::LectureEnded)} }
                        {up_next}
                    }
                }
                PlayerControls { lang, prefs, has_captions: !captions.is_empty(), on_prefs }
            }
        },
    }
}

/// The controls under the video: speed, captions on or off, and the keyboard shortcuts' help.
#[component]
fn PlayerControls(
    lang: Lang,
    prefs: PlaybackPrefs,
    has_captions: bool,
    on_prefs: EventHandler<PlaybackPrefs>,
) -> Element {
    rsx! {
        div { class: "player-controls",
            label { r#for: "playback-speed", {lang.tr(Msg::PlaybackSpeed)} }
            select {
                id: "playback-speed",
                "data-testid": "playback-speed",
                onchange: move |e| {
                    if let Some(speed) = speed_at(&e.value()) {
                        on_prefs.call(PlaybackPrefs { speed, ..prefs });
                    }
                },
                for (i, speed) in SPEEDS.into_iter().enumerate() {
                    option { value: "{i}", selected: speed == prefs.speed, {speed_label(speed)} }
                }
            }
            if has_captions {
                button {
                    class: "button secondary",
                    r#type: "button",
                    "data-testid": "captions-toggle",
                    aria_pressed: "{prefs.captions}",
                    onclick: move |_| on_prefs.call(PlaybackPrefs { captions: !prefs.captions, ..prefs }),
                    {lang.tr(Msg::Captions)}
                }
            }
            details { class: "shortcuts",
                summary { {lang.tr(Msg::KeyboardShortcuts)} }
                dl {
                    for (keys, what) in SHORTCUT_HELP {
                        dt { kbd { "{keys}" } }
                        dd { {lang.tr(what)} }
                    }
                }
            }
        }
    }
}
