//! Lecture downloads on desktop and mobile (and the headless build): the files under the app's
//! data directory (not the cache, which the system may empty), served to the webview by an asset
//! handler with Range answers (WebKitGTK, WebView2, WKWebView and Android's webview ask for
//! ranges to seek), and the Wi-Fi-only preference.

use std::path::PathBuf;

use juko_model::LectureId;

/// The account's downloaded lectures.
pub type DownloadFiles = juko_core::downloads::DirFiles;

/// The path the webview asks kept videos under: `/{KEPT_VIDEO}/{account}/{lecture}`.
const KEPT_VIDEO: &str = "kept-video";
const WIFI_ONLY_FILE: &str = "downloads-wifi-only";

fn data_dir() -> PathBuf {
    #[cfg(any(feature = "desktop", feature = "mobile"))]
    if let Some(dir) = super::dirs::data_dir() {
        return dir;
    }
    std::env::temp_dir().join("juko")
}

fn downloads_root() -> PathBuf {
    data_dir().join("downloads")
}

pub fn download_files(account: &str) -> DownloadFiles {
    juko_core::downloads::DirFiles::new(downloads_root().join(account))
}

/// Where the player finds a kept lecture: the asset handler's path, when the file holds its
/// `size` bytes.
pub async fn kept_video_source(account: &str, lecture: LectureId, size: u64) -> Option<String> {
    let kept = std::fs::metadata(download_files(account).path(lecture));
    if !kept.is_ok_and(|m| m.is_file() && m.len() == size && size > 0) {
        return None;
    }
    let path = format!("/{KEPT_VIDEO}/{account}/{lecture}");
    on_webkitgtk(path).await
}

#[cfg(any(feature = "desktop", feature = "mobile"))]
use super::kept_video::on_webkitgtk;

/// No webview: the path as it is.
#[cfg(not(any(feature = "desktop", feature = "mobile")))]
async fn on_webkitgtk(path: String) -> Option<String> {
    Some(path)
}

/// Erases the account's downloads (signing out).
pub async fn erase_downloads(account: &str) -> juko_core::Result<()> {
    juko_core::certificates::erase_shelf_dir(&downloads_root().join(account))
}

/// Removes the downloads of every account but the signed-in one, `keep` (start-up).
pub async fn erase_other_downloads(keep: &str) -> juko_core::Result<usize> {
    juko_core::certificates::remove_other_shelves(&downloads_root(), Some(keep))
}

/// Whether the learner asked to download over Wi-Fi only.
pub fn saved_wifi_only() -> bool {
    std::fs::read_to_string(data_dir().join(WIFI_ONLY_FILE)).is_ok_and(|v| v.trim() == "1")
}

pub fn save_wifi_only(on: bool) {
    let dir = data_dir();
    // Losing the preference only means downloads run on any connection next time.
    let _ = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join(WIFI_ONLY_FILE), if on { "1" } else { "0" }));
}

/// Free space on the device for the app's downloads (what the learner's account may still
/// write), `None` when the system does not tell.
pub async fn free_space() -> Option<u64> {
    available_space(&downloads_root())
}

/// The space available to the learner on the file system that holds `path`, or would hold it:
/// the downloads directory does not exist before the first download, so its nearest existing
/// ancestor is asked.
fn available_space(path: &std::path::Path) -> Option<u64> {
    let existing = path.ancestors().find(|p| p.exists())?;
    fs4::available_space(existing)
        .inspect_err(|e| tracing::info!("free space not told: {e}"))
        .ok()
}

/// Serves kept lectures to the webview from their files, with 206 answers to ranges.
#[cfg(any(feature = "desktop", feature = "mobile"))]
pub use super::kept_video::use_kept_video_handler;

#[cfg(not(any(feature = "desktop", feature = "mobile")))]
pub fn use_kept_video_handler(_session: dioxus::prelude::Signal<Option<juko_core::Session>>) {}

/// Why the asset handler will not serve a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
pub(super) enum Refusal {
    /// Not a kept video's path (another name, `..`, a lecture that is no number): 404.
    NotFound,
    /// Another account's lecture, or nobody signed in: 403. The files of an account whose
    /// sign-out could not erase them stay on disk until the next start; the page of whoever uses
    /// the device now must not reach them.
    Forbidden,
}

impl Refusal {
    #[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
    pub(super) fn status(self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::Forbidden => 403,
        }
    }
}

/// `/{KEPT_VIDEO}/{account}/{lecture}` → the file, when `account` is the one signed in
/// (`signed_in`); anything else is refused.
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
pub(super) fn kept_file_for(path: &str, signed_in: Option<&str>) -> Result<PathBuf, Refusal> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (Some(handler), Some(account), Some(lecture), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::NotFound);
    };
    let account_ok = !account.is_empty()
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let Ok(lecture) = lecture.parse::<i64>() else {
        return Err(Refusal::NotFound);
    };
    if handler != KEPT_VIDEO || !account_ok {
        return Err(Refusal::NotFound);
    }
    if signed_in != Some(account) {
        return Err(Refusal::Forbidden);
    }
    Ok(download_files(account).path(LectureId(lecture)))
}

/// The asset handler's name (the first path segment it answers).
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
pub(super) const KEPT_VIDEO_HANDLER: &str = KEPT_VIDEO;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kept_video_paths_name_files() {
        let me = Some("site_jp-5");
        assert!(kept_file_for("/kept-video/site_jp-5/310", me).is_ok());
        for path in [
            "/kept-video/../310",
            "/kept-video/a/310/x",
            "/other/site_jp-5/310",
            "/kept-video/a%2F/1",
            "/kept-video/site_jp-5/x",
            "/kept-video/site_jp-5",
        ] {
            assert_eq!(kept_file_for(path, me), Err(Refusal::NotFound), "{path}");
        }
    }

    #[test]
    fn free_space_is_asked_where_the_downloads_will_be() {
        let dir = std::env::temp_dir();
        let here = available_space(&dir).expect("the temporary directory's file system tells");
        assert!(here > 0);
        // Not there yet: its file system still answers.
        assert!(available_space(&dir.join("juko-not-made-yet/downloads/a")).is_some());
    }

    #[test]
    fn only_the_signed_in_accounts_videos_are_served() {
        let other = "/kept-video/site_jp-6/310";
        assert_eq!(
            kept_file_for(other, Some("site_jp-5")),
            Err(Refusal::Forbidden)
        );
        assert_eq!(kept_file_for(other, None), Err(Refusal::Forbidden));
        assert_eq!(Refusal::Forbidden.status(), 403);
        assert_eq!(
            kept_file_for(other, Some("site_jp-6")),
            Ok(download_files("site_jp-6").path(LectureId(310)))
        );
    }
}
