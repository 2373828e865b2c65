//! Platform seams: everything the app asks of the system it runs on. One module per seam, each
//! holding its platform variants (`cfg`) inside; views never branch on platform.
//!
//! - `dirs`: where the app's data and cache live on the device.
//! - `secure_store`: the session token in the OS's secure store; `session_file`: the session's
//!   details beside it (and a token older builds left there moved into it).
//! - `connectivity`: online or not, metered or not (the sync service and downloads ask it).
//! - `open`: a kept file (a certificate PDF) in the system's viewer, a web address in the
//!   system's browser.
//! - `web` / `native` / `headless`: the rest per platform (the session's details, preferences,
//!   the history store, the certificate shelf, time), re-exported here as `platform::…`.

use crate::i18n::Lang;
use juko_core::SessionStore;

pub mod connectivity;
pub mod open;
// The web keeps its data in the browser's storage and the session in `localStorage` (see
// `web.rs`); headless builds keep nothing: neither has files or a secure store to ask.
#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
pub mod dirs;
#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
pub mod secure_store;
// Also in the featureless test build, which runs its tests (with a fake store).
#[cfg(not(feature = "web"))]
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
mod session_file;

// The names the app has always called `platform::…` (moved into their seams).
pub use connectivity::WENT_OFFLINE;
pub use open::{PdfShown, open_pdf};

#[cfg(feature = "web")]
mod web;
#[cfg(feature = "web")]
pub use web::*;

#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
mod native;
#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
pub use native::*;

#[cfg(not(any(feature = "web", feature = "desktop", feature = "mobile")))]
mod headless;
#[cfg(not(any(feature = "web", feature = "desktop", feature = "mobile")))]
pub use headless::*;

#[cfg(all(feature = "desktop", not(feature = "web")))]
pub mod selftest;
// Also in the featureless test build: CI's unit tests run without `desktop`.
#[cfg(all(
    target_os = "linux",
    not(feature = "web"),
    any(test, feature = "desktop")
))]
pub mod webview_desktop;

// The player's preferences and caption sources.
mod playback;
pub use playback::{caption_src, save_playback, saved_playback};

// The appearance preference and the licences (the 設定 screen).
mod appearance;
pub use appearance::{Appearance, Licences, licences, save_appearance, saved_appearance};

// Lecture downloads (offline viewing).
#[cfg(not(feature = "web"))]
mod downloads_native;
#[cfg(not(feature = "web"))]
pub use downloads_native::*;
#[cfg(feature = "web")]
mod downloads_web;
#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
mod kept_video;
#[cfg(feature = "web")]
pub use downloads_web::*;

/// Tells the desktop self-test that `event` is in the store (it reports each one to the harness
/// that kills the app); nothing elsewhere.
pub fn acknowledged(event: &juko_model::ProgressEvent) {
    #[cfg(all(feature = "desktop", not(feature = "web")))]
    selftest::acknowledged(event);
    #[cfg(not(all(feature = "desktop", not(feature = "web"))))]
    let _ = event;
}

/// ICRweb: the site most learners use, offered when nothing else is known.
pub const ICRWEB_URL: &str = "https://www.icrweb.jp";

/// The store for this platform, boxed so the app holds one type whatever the platform.
pub fn session_store() -> Box<dyn SessionStore> {
    Box::new(PlatformSessionStore::open())
}

/// The language to start in: the learner's earlier choice, else the system's.
pub fn start_language() -> Lang {
    saved_language().unwrap_or_else(system_language)
}
