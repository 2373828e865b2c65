//! Loading, error and empty states, the same everywhere.

use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;

#[component]
pub fn Loading(lang: Lang) -> Element {
    rsx! {
        div { class: "loading", role: "status", "aria-live": "polite",
            span { class: "spinner", "aria-hidden": "true" }
            {lang.tr(Msg::Loading)}
        }
    }
}

/// An error with the words for the learner and, when given, a way to try again.
#[component]
pub fn ErrorPanel(lang: Lang, message: String, on_retry: Option<EventHandler<()>>) -> Element {
    rsx! {
        div { class: "error-panel", role: "alert",
            p { {message} }
            if let Some(retry) = on_retry {
                button { class: "button secondary", onclick: move |_| retry.call(()), {lang.tr(Msg::Retry)} }
            }
        }
    }
}

/// A thin progress bar; `fraction` is clamped to 0..=1.
#[component]
pub fn ProgressBar(fraction: f64, label: String) -> Element {
    let percent = (fraction.clamp(0.0, 1.0) * 100.0).round();
    rsx! {
        div { class: "progress", role: "progressbar", "aria-label": "{label}",
            "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "{percent}",
            div { class: "progress-fill", style: "width: {percent}%" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::render;

    #[test]
    fn progress_bar_clamps_and_labels() {
        fn over() -> Element {
            rsx! { ProgressBar { fraction: 1.7, label: "x" } }
        }
        fn half() -> Element {
            rsx! { ProgressBar { fraction: 0.5, label: "進捗" } }
        }
        assert!(render(over).contains("width: 100%"));
        let html = render(half);
        assert!(
            html.contains("width: 50%") && html.contains("aria-valuenow=\"50\""),
            "{html}"
        );
        assert!(html.contains("aria-label=\"進捗\""), "{html}");
    }

    #[test]
    fn error_panel_offers_retry_only_when_asked() {
        fn with_retry() -> Element {
            rsx! { ErrorPanel { lang: Lang::En, message: "boom", on_retry: move |_| {} } }
        }
        fn without() -> Element {
            rsx! { ErrorPanel { lang: Lang::Ja, message: "boom" } }
        }
        assert!(render(with_retry).contains("Try again"));
        let html = render(without);
        assert!(html.contains("boom") && !html.contains("<button"), "{html}");
    }
}
