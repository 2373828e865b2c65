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

/// Removes the downloads of every account but the signed-in one (start-up).
pub async fn erase_other_downloads(keep: Option<&str>) -> juko_core::Result<usize> {
    juko_core::certificates::remove_other_shelves(&downloads_root(), keep)
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

/// Free space on the device, where the platform tells: not measured natively yet.
pub async fn free_space() -> Option<u64> {
    None
}

/// Serves kept lectures to the webview from their files, with 206 answers to ranges.
#[cfg(any(feature = "desktop", feature = "mobile"))]
pub use super::kept_video::use_kept_video_handler;

#[cfg(not(any(feature = "desktop", feature = "mobile")))]
pub fn use_kept_video_handler() {}

/// `/{KEPT_VIDEO}/{account}/{lecture}` → the file; anything else (another name, `..`) none.
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
pub(super) fn kept_file_of(path: &str) -> Option<PathBuf> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (handler, account, lecture) = (parts.next()?, parts.next()?, parts.next()?);
    let account_ok = !account.is_empty()
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let lecture: i64 = lecture.parse().ok()?;
    (handler == KEPT_VIDEO && account_ok && parts.next().is_none())
        .then(|| download_files(account).path(LectureId(lecture)))
}

/// The asset handler's name (the first path segment it answers).
#[cfg_attr(not(any(feature = "desktop", feature = "mobile")), allow(dead_code))]
pub(super) const KEPT_VIDEO_HANDLER: &str = KEPT_VIDEO;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kept_video_paths_name_files() {
        assert!(kept_file_of("/kept-video/site_jp-5/310").is_some());
        assert!(kept_file_of("/kept-video/../310").is_none());
        assert!(kept_file_of("/kept-video/a/310/x").is_none());
        assert!(kept_file_of("/other/a/310").is_none());
        assert!(kept_file_of("/kept-video/a%2F/1").is_none());
    }
}
