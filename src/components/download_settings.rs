//! Download settings (in 設定): Wi-Fi only, and the way to the storage screen.

use crate::i18n::{Lang, Msg};
use crate::route::Route;
use dioxus::prelude::*;

/// `can_tell`: whether this platform tells a metered connection (else the setting is said to
/// have no effect here).
#[component]
pub fn DownloadSettings(
    lang: Lang,
    wifi_only: bool,
    can_tell: bool,
    on_wifi_only: EventHandler<bool>,
) -> Element {
    rsx! {
        section { class: "download-settings", "data-testid": "download-settings",
            h2 { class: "section-title", {lang.tr(Msg::DownloadSettings)} }
            label { class: "toggle",
                input { r#type: "checkbox", "data-testid": "wifi-only", checked: wifi_only,
                    onchange: move |e| on_wifi_only.call(e.checked()),
                }
                span { {lang.tr(Msg::WifiOnly)} }
            }
            p { class: "muted", {lang.tr(Msg::WifiOnlyHint)} }
            if !can_tell {
                p { class: "muted", "data-testid": "wifi-only-cannot-tell", {lang.tr(Msg::WifiOnlyCannotTell)} }
            }
            Link { class: "button secondary", to: Route::Downloads {}, {lang.tr(Msg::ManageDownloads)} }
        }
    }
}
