//! The webview's side of playing a kept lecture (desktop and mobile): an asset handler answering
//! the player's range requests from the lecture's file (`juko_core::downloads::serve`), so it
//! can seek (Android and iOS webviews need the 206 answers), and, on WebKitGTK, the page's
//! fetch of the kept file from it. The one place the app builds a webview response or fetches
//! (its own files, never the network); the tidy rule exempts it for that.

#[cfg(feature = "desktop")]
use dioxus::desktop::{use_asset_handler, wry::http};
#[cfg(all(feature = "mobile", not(feature = "desktop")))]
use dioxus::mobile::{use_asset_handler, wry::http};

use dioxus::prelude::{ReadableExt, Signal, use_effect, use_hook};
use juko_core::Session;
use juko_core::downloads::serve::range_answer;
use std::sync::{Arc, Mutex};

/// Registers the handler; it serves only the lectures of the account signed in (`session`),
/// followed as it changes.
pub fn use_kept_video_handler(session: Signal<Option<Session>>) {
    // The handler answers off the UI thread: it reads a copy of the account, kept current here.
    let account = move || session.peek().as_ref().map(Session::account_key);
    // The account at once (a kept lecture may be asked before the first effect runs).
    let shared = use_hook(|| Arc::new(Mutex::new(account())));
    let current = shared.clone();
    use_effect(move || {
        let _ = session.read(); // follow it
        *current.lock().unwrap_or_else(|p| p.into_inner()) = account();
    });
    use_asset_handler(super::KEPT_VIDEO_HANDLER, move |request, responder| {
        let account = shared.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // File reads off the UI thread.
        std::thread::spawn(move || responder.respond(answer(&request, account.as_deref())));
    });
}

fn answer(request: &http::Request<Vec<u8>>, signed_in: Option<&str>) -> http::Response<Vec<u8>> {
    let path = match super::kept_file_for(request.uri().path(), signed_in) {
        Ok(path) => path,
        Err(refusal) => return status(refusal.status()),
    };
    let range = request
        .headers()
        .get(http::header::RANGE)
        .and_then(|v| v.to_str().ok());
    let answer = range_answer(&path, range);
    let mut builder = http::Response::builder()
        .status(answer.status)
        .header(http::header::CONTENT_TYPE, "video/mp4")
        .header(http::header::ACCEPT_RANGES, "bytes")
        .header(http::header::CONTENT_LENGTH, answer.body.len());
    if let Some(range) = answer.content_range {
        builder = builder.header(http::header::CONTENT_RANGE, range);
    }
    builder.body(answer.body).unwrap_or_else(|_| status(500))
}

fn status(code: u16) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(Vec::new());
    *response.status_mut() =
        http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::NOT_FOUND);
    response
}

/// WebKitGTK's media player (GStreamer) refuses the app's custom scheme (measured: the video
/// fails with `MEDIA_ERR_SRC_NOT_SUPPORTED` while a fetch of the same URL gets its 206), so on
/// Linux desktops the page fetches the kept file from the asset handler, range by range, and
/// plays a blob URL of it (held in the webview's memory; seeking works within it), revoked
/// once no video shows it (`kept_video_webkitgtk.js`). WebView2, WKWebView and Android's
/// webview play the asset URL itself, with ranges.
#[cfg(all(feature = "desktop", target_os = "linux"))]
pub async fn on_webkitgtk(path: String) -> Option<String> {
    let js = format!(
        "{}\nreturn await keptBlob({path:?});",
        include_str!("kept_video_webkitgtk.js")
    );
    dioxus::prelude::document::eval(&js)
        .join::<String>()
        .await
        .ok()
        .filter(|url| url.starts_with("blob:"))
}

#[cfg(not(all(feature = "desktop", target_os = "linux")))]
pub async fn on_webkitgtk(path: String) -> Option<String> {
    Some(path)
}
