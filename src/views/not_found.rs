use crate::i18n::Msg;
use crate::route::Route;
use crate::state;
use dioxus::prelude::*;

#[component]
pub fn NotFound(segments: Vec<String>) -> Element {
    let lang = state::use_lang();
    let _ = segments;
    rsx! {
        // Outside the frame: its own main landmark and heading.
        main { class: "page narrow not-found", lang: lang.tag(),
            h1 { class: "page-title", {lang.tr(Msg::NotFound)} }
            Link { class: "button", to: Route::Home {}, {lang.tr(Msg::MyCourses)} }
        }
    }
}
