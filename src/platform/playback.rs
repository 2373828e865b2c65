//! The player's seams: the learner's playback preferences (speed, captions on or off), kept on
//! the device for every account, and how a caption track reaches the video element.

use crate::components::playback::PlaybackPrefs;
use juko_core::Session;
use juko_core::downloads::Download;
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

/// The `src` of a caption track's `<track>`. A `<track>` fetches its file from the page's
/// origin rules: a desktop or phone webview's page has its own origin (`dioxus://`), and the web
/// app may be served by another host than the site, where a track from the site would need CORS
/// (and the token in a URL the page keeps). So the app fetches the WebVTT itself through the
/// session, as it fetches everything else, and hands it over inline: a `data:` URL natively, a
/// `blob:` URL in the browser (the CSP's `media-src` allows `blob:` already, for downloads).
/// A downloaded lecture's (`kept`) captions come from the device first, kept with its file, so
/// they show offline too; others come from the site.
/// `None` when the track cannot be had (logged; the lecture plays without it).
pub async fn caption_src(
    session: &Session,
    track: &CaptionTrack,
    kept: Option<&Download>,
) -> Option<String> {
    if let Some(d) = kept {
        let files = super::download_files(&session.account_key());
        match juko_core::downloads::kept_caption(&files, d, track).await {
            Ok(Some(text)) => return inline_vtt(&text),
            Ok(None) => {}
            Err(e) => tracing::info!("kept captions not read: {e}"),
        }
    }
    match session.caption_text(track).await {
        Ok(text) => inline_vtt(&text),
        Err(e) => {
            tracing::info!("captions not loaded: {e}");
            None
        }
    }
}

#[cfg(not(feature = "web"))]
fn inline_vtt(text: &str) -> Option<String> {
    Some(crate::components::playback::vtt_data_url(text))
}

/// A `blob:` URL of the WebVTT text. Not revoked: a few kilobytes per track shown, freed with
/// the page (the player may reload the track while it lives).
#[cfg(feature = "web")]
fn inline_vtt(text: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/vtt");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
