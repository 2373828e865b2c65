//! Platform seams: where the session and preferences live, what the system language is, and
//! which site to offer by default. Each platform has one module; views never branch on platform.

use crate::i18n::Lang;
use juko_core::SessionStore;

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

/// What opening a kept certificate PDF did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdfShown {
    /// A viewer shows it.
    Shown,
    /// This build has no viewer for it yet (Android, iOS): the PDF stays kept on the device
    /// and the learner is told so.
    KeptOnly,
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
