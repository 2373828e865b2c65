//! The learner's playback defaults (再生の設定): the speed every lecture starts at and whether
//! captions show. Props in, events out: the host keeps them (`platform::save_playback`).

use crate::components::playback::{PlaybackPrefs, SPEEDS, speed_at, speed_label};
use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;

#[component]
pub fn PlaybackSettings(
    lang: Lang,
    prefs: PlaybackPrefs,
    on_change: EventHandler<PlaybackPrefs>,
) -> Element {
    rsx! {
        fieldset { class: "playback-settings", "data-testid": "playback-settings",
            legend { {lang.tr(Msg::PlaybackSettings)} }
            label { r#for: "default-speed", {lang.tr(Msg::DefaultSpeed)} }
            select {
                id: "default-speed",
                "data-testid": "default-speed",
                onchange: move |e| {
                    if let Some(speed) = speed_at(&e.value()) {
                        on_change.call(PlaybackPrefs { speed, ..prefs });
                    }
                },
                for (i, speed) in SPEEDS.into_iter().enumerate() {
                    option { value: "{i}", selected: speed == prefs.speed, {speed_label(speed)} }
                }
            }
            label { class: "checkbox",
                input {
                    r#type: "checkbox",
                    "data-testid": "default-captions",
                    checked: prefs.captions,
                    onchange: move |e| on_change.call(PlaybackPrefs { captions: e.checked(), ..prefs }),
                }
                {lang.tr(Msg::ShowCaptions)}
            }
        }
    }
}
