//! The app's name and mark, the same in both languages.

use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;

/// The mark (受, hidden from screen readers: the name follows) and the name.
#[component]
pub fn Brand(lang: Lang) -> Element {
    rsx! {
        span { class: "brand-mark", "aria-hidden": "true", {lang.tr(Msg::BrandMark)} }
        span { class: "brand-name", {lang.tr(Msg::BrandName)} }
    }
}
