//! The player's seams: the learner's playback preferences (speed, captions on or off), kept on
//! the device for every account, and how a caption track reaches the video element.

use crate::components::playback::PlaybackPrefs;
use juko_core::Session;
use juko_model::CaptionTrack;

/// The preference's name: a file in the app's data directory, or a `localStorage` key.
#[cfg_attr(
    not(any(feature = "web", feature = "desktop", feature = "mobile")),
    allow(dead_code)
)]
const PLAYBACK_KEY: &str = "juko.playback";

/// The learner's playback preferences, or the defaults when none were saved (or they cannot be
/// read: a lost preference only means the defaults again).
pub fn saved_playback() -> PlaybackPrefs {
    read().map_or_else(PlaybackPrefs::default, |text| {
        PlaybackPrefs::from_text(&text)
    })
}

/// Keeps the learner's playback preferences for the next lecture and the next start.
pub fn save_playback(prefs: PlaybackPrefs) {
    write(&prefs.to_text());
}

#[cfg(feature = "web")]
fn read() -> Option<String> {
    super::web::storage()?.get_item(PLAYBACK_KEY).ok().flatten()
}

#[cfg(feature = "web")]
fn write(text: &str) {
    if let Some(s) = super::web::storage() {
        let _ = s.set_item(PLAYBACK_KEY, text);
    }
}

#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
fn read() -> Option<String> {
    std::fs::read_to_string(super::native::data_dir()?.join(PLAYBACK_KEY)).ok()
}

#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
fn write(text: &str) {
    if let Some(dir) = super::native::data_dir() {
        let _ = super::native::write_private(&dir.join(PLAYBACK_KEY), text.as_bytes());
    }
}

#[cfg(not(any(feature = "web", feature = "desktop", feature = "mobile")))]
fn read() -> Option<String> {
    None
}

#[cfg(not(any(feature = "web", feature = "desktop", feature = "mobile")))]
fn write(_: &str) {}

/// The `src` of a caption track's `<track>`. In the browser the app is served by the site
/// itself, so the site's file loads as it is (same origin; the CSP's `media-src 'self'`). A
/// desktop or phone webview's page has its own origin (`dioxus://`), where a track from the
/// site would need CORS: the app fetches the WebVTT itself and hands it over as a `data:` URL.
/// `None` when the track cannot be had (logged; the lecture plays without it).
pub async fn caption_src(session: &Session, track: &CaptionTrack) -> Option<String> {
    #[cfg(feature = "web")]
    {
        session.file_url(&track.url)
    }
    #[cfg(not(feature = "web"))]
    {
        match session.caption_text(track).await {
            Ok(text) => Some(crate::components::playback::vtt_data_url(&text)),
            Err(e) => {
                tracing::info!("captions not loaded: {e}");
                None
            }
        }
    }
}
