//! 設定 (settings): language, appearance, the account (sign out) and what the app is (versions,
//! licences), with the playback defaults (`components/playback_settings.rs`: the same preference
//! the player's own speed control changes) and downloads (`components/download_settings.rs`:
//! Wi-Fi only, and the way to the storage screen).

use crate::components::download_settings::DownloadSettings;
use crate::components::playback_settings::PlaybackSettings;
use crate::i18n::{Lang, Msg};
use crate::platform::{self, Appearance, Licences};
use crate::state::{self, CurrentAppearance, CurrentSession};
use crate::views::shell::SignOutFlow;
use dioxus::prelude::*;

#[component]
pub fn Settings() -> Element {
    let lang = state::use_lang();
    let appearance = use_context::<CurrentAppearance>().0;
    let session = use_context::<CurrentSession>().0;
    let mut signing_out = use_signal(|| false);
    let mut playback = use_signal(platform::saved_playback);
    let mut wifi_only = use_signal(platform::saved_wifi_only);
    let Some(session) = session() else {
        return rsx! {};
    };
    let info = session.info();
    let appearance_name = |a: Appearance| match a {
        Appearance::System => Msg::AppearanceSystem,
        Appearance::Light => Msg::AppearanceLight,
        Appearance::Dark => Msg::AppearanceDark,
    };
    rsx! {
        div { class: "page settings-page",
            h1 { class: "page-title", {lang.tr(Msg::Settings)} }
            section { class: "settings-section", "aria-labelledby": "settings-language",
                h2 { id: "settings-language", {lang.tr(Msg::Language)} }
                div { class: "choice-group", role: "radiogroup", "aria-labelledby": "settings-language",
                    for (l, name) in [(Lang::Ja, Msg::LangJa), (Lang::En, Msg::LangEn)] {
                        label { class: "choice", lang: l.tag(),
                            input { r#type: "radio", name: "language", "data-testid": "language-{l.tag()}",
                                checked: lang == l,
                                onchange: move |_| state::set_language(l),
                            }
                            span { class: "choice-label", {lang.tr(name)} }
                        }
                    }
                }
            }
            section { class: "settings-section", "aria-labelledby": "settings-appearance",
                h2 { id: "settings-appearance", {lang.tr(Msg::Appearance)} }
                div { class: "choice-group", role: "radiogroup", "aria-labelledby": "settings-appearance",
                    for a in Appearance::ALL {
                        label { class: "choice",
                            input { r#type: "radio", name: "appearance", "data-testid": "appearance-{a.tag()}",
                                checked: appearance() == a,
                                onchange: move |_| state::set_appearance(a),
                            }
                            span { class: "choice-label", {lang.tr(appearance_name(a))} }
                        }
                    }
                }
            }
            section { class: "settings-section",
                PlaybackSettings {
                    lang,
                    prefs: playback(),
                    on_change: move |p| {
                        platform::save_playback(p);
                        playback.set(p);
                    },
                }
            }
            div { class: "settings-section",
                DownloadSettings {
                    lang,
                    wifi_only: wifi_only(),
                    can_tell: platform::connectivity::network().metered.is_some(),
                    on_wifi_only: move |on: bool| {
                        platform::save_wifi_only(on);
                        wifi_only.set(on);
                    },
                }
            }
            section { class: "settings-section", "aria-labelledby": "settings-account",
                h2 { id: "settings-account", {lang.tr(Msg::Account)} }
                dl { class: "facts",
                    dt { {lang.tr(Msg::SignedInAs)} }
                    dd { "{info.user.full_name}" }
                    dt { {lang.tr(Msg::Site)} }
                    dd { "{info.site_name}" }
                }
                button { class: "button", "data-testid": "settings-sign-out",
                    onclick: move |_| signing_out.set(true),
                    {lang.tr(Msg::SignOut)}
                }
                if signing_out() {
                    SignOutFlow { on_close: move |_| signing_out.set(false) }
                }
            }
            section { class: "settings-section", "aria-labelledby": "settings-about",
                h2 { id: "settings-about", {lang.tr(Msg::About)} }
                dl { class: "facts", "data-testid": "about",
                    dt { {lang.tr(Msg::AppVersion)} }
                    dd { {env!("CARGO_PKG_VERSION")} }
                    dt { {lang.tr(Msg::Site)} }
                    dd { "{info.site_name} ({info.site_url})" }
                    dt { {lang.tr(Msg::MoodleVersion)} }
                    dd { {info.version.clone().unwrap_or_else(|| lang.tr(Msg::Unknown).to_owned())} }
                }
                LicenceList { lang }
            }
        }
    }
}

/// The licences, loaded only when the learner opens them.
#[component]
fn LicenceList(lang: Lang) -> Element {
    let mut open = use_signal(|| false);
    let appearance = use_context::<CurrentAppearance>().0;
    rsx! {
        button { class: "button", "aria-expanded": "{open()}", "data-testid": "show-licences",
            onclick: move |_| open.toggle(),
            {lang.tr(Msg::ShowLicences)}
        }
        if open() {
            match platform::licences() {
                // The fragment gives the page 設定's appearance (xtask/src/licences.rs).
                Licences::At(url) => rsx! {
                    iframe { class: "licences", src: "{url}#{appearance().tag()}", title: lang.tr(Msg::Licences), "data-testid": "licences" }
                },
                Licences::Text(text) => rsx! {
                    pre { class: "licences", tabindex: "0", role: "region", "aria-label": lang.tr(Msg::Licences), "data-testid": "licences", "{text}" }
                },
            }
        }
    }
}
