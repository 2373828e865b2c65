//! Opening things outside the app: a kept file (a certificate PDF) in the system's viewer, and a
//! web address in the system's browser.
//!
//! - Desktop: the kept file with `open` (macOS), `explorer` (Windows), `xdg-open` (Linux).
//! - Android: see `open_android.rs` (the file shared through `MediaStore`, then an
//!   `ACTION_VIEW` intent).
//! - iOS: see `open_ios.rs` (Quick Look's viewer through UIKit's document interaction
//!   controller).
//! - Web: a new tab with the PDF (a download where pop-ups are blocked).
//! - Links: the system browser everywhere (`webbrowser`, which Dioxus desktop and mobile also
//!   use for a link the webview must not follow); a new tab on the web. Only http(s).

#[cfg(all(not(feature = "web"), feature = "mobile", target_os = "android"))]
#[path = "open_android.rs"]
mod android;

#[cfg(all(not(feature = "web"), feature = "mobile", target_os = "ios"))]
#[path = "open_ios.rs"]
mod ios;

use juko_core::Result;
use juko_core::certificates::PdfKey;

/// What opening a kept certificate PDF did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdfShown {
    /// A viewer shows it.
    Shown,
    /// This build has no viewer for it (Android before 10): the PDF stays kept on the device
    /// and the learner is told so.
    KeptOnly,
}

/// Shows a certificate: `pdf` is its content, also kept on `shelf` under `key`.
pub fn open_pdf(
    shelf: &super::CertificateShelf,
    key: PdfKey,
    pdf: &[u8],
    filename: &str,
) -> Result<PdfShown> {
    imp::open_pdf(shelf, key, pdf, filename)
}

/// Opens a web address in the system's browser (a new tab on the web). Only `http` and
/// `https`: anything else is refused.
#[allow(
    dead_code,
    reason = "the seam for links handled in Rust; anchors go through Dioxus"
)]
pub fn open_in_browser(url: &str) -> Result<()> {
    if !is_web_address(url) {
        return Err(juko_core::Error::InvalidRequest(format!(
            "not a web address: {url}"
        )));
    }
    imp::open_in_browser(url)
}

fn is_web_address(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(all(not(feature = "web"), any(feature = "desktop", feature = "mobile")))]
mod imp {
    use super::{PdfKey, PdfShown, Result};
    use juko_core::Error;

    pub(super) fn open_pdf(
        shelf: &crate::platform::CertificateShelf,
        key: PdfKey,
        pdf: &[u8],
        filename: &str,
    ) -> Result<PdfShown> {
        let path = shelf
            .file(key)
            .ok_or_else(|| Error::Storage("the certificate is not kept on this device".into()))?;
        #[cfg(target_os = "android")]
        return super::android::open_pdf(&path, pdf, filename);
        #[cfg(not(target_os = "android"))]
        {
            let _ = (pdf, filename);
            system_viewer(&path)
        }
    }

    #[cfg(target_os = "ios")]
    fn system_viewer(path: &std::path::Path) -> Result<PdfShown> {
        super::ios::open_pdf(path)
    }

    #[cfg(not(any(target_os = "ios", target_os = "android")))]
    fn system_viewer(path: &std::path::Path) -> Result<PdfShown> {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(target_os = "windows") {
            "explorer"
        } else {
            "xdg-open"
        };
        std::process::Command::new(opener)
            .arg(path)
            .spawn()
            .map(|_| PdfShown::Shown)
            .map_err(|e| Error::Storage(format!("no viewer for the certificate: {e}")))
    }

    pub(super) fn open_in_browser(url: &str) -> Result<()> {
        webbrowser::open(url).map_err(|e| Error::Storage(format!("no browser to open {url}: {e}")))
    }
}

#[cfg(feature = "web")]
mod imp {
    use super::{PdfKey, PdfShown, Result};
    use juko_core::Error;

    pub(super) fn open_pdf(
        _shelf: &crate::platform::CertificateShelf,
        _key: PdfKey,
        pdf: &[u8],
        filename: &str,
    ) -> Result<PdfShown> {
        crate::platform::certificates_js::pdf_open(pdf, filename)
            .map(|()| PdfShown::Shown)
            .map_err(|_| Error::Storage("the browser refused to open the certificate".into()))
    }

    pub(super) fn open_in_browser(url: &str) -> Result<()> {
        let opened = web_sys::window().and_then(|w| {
            w.open_with_url_and_target_and_features(url, "_blank", "noopener")
                .ok()
        });
        opened
            .map(|_| ())
            .ok_or_else(|| Error::Storage(format!("the browser refused to open {url}")))
    }
}

#[cfg(not(any(feature = "web", feature = "desktop", feature = "mobile")))]
mod imp {
    use super::{PdfKey, PdfShown, Result};

    /// Nothing to show it on: the caller's flow goes on as if it were shown.
    pub(super) fn open_pdf(
        _: &crate::platform::CertificateShelf,
        _: PdfKey,
        _: &[u8],
        _: &str,
    ) -> Result<PdfShown> {
        Ok(PdfShown::Shown)
    }

    pub(super) fn open_in_browser(_: &str) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_web_addresses_open_in_the_browser() {
        assert!(super::is_web_address(
            "https://www.icrweb.jp/course/view.php?id=2"
        ));
        assert!(super::is_web_address("HTTP://example.jp"));
        for refused in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "",
            "//x",
        ] {
            assert!(super::open_in_browser(refused).is_err(), "{refused}");
        }
    }
}
