//! The lecture player: an HTML5 video of the lecture. Props in, events out: it says when the
//! video is on the page (`on_ready`), and the recording service (`services::recording`) listens
//! to it from there.

use crate::i18n::{Lang, Msg};
use crate::text::safe_link;
use dioxus::prelude::*;

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

#[component]
pub fn Player(lang: Lang, playable: Playable, on_ready: EventHandler<()>) -> Element {
    let mut failed = use_signal(|| false);
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
                    onmounted: move |_| on_ready.call(()),
                    onerror: move |_| failed.set(true),
                    onloadedmetadata: move |_| failed.set(false),
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
            }
        },
    }
}
