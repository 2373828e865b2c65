//! Reusable pieces: props in, events out, no data fetching and no app state of their own.

pub mod brand;
pub mod confirm;
pub mod download;
pub mod download_settings;
pub mod feedback;
pub mod freshness;
pub mod icon;
pub mod join;
pub mod news;
pub mod playback;
pub mod playback_settings;
pub mod player;
pub mod quiz;
pub mod sign_out;

#[cfg(test)]
use dioxus::prelude::*;

/// A component rendered to HTML, for the components' unit tests.
#[cfg(test)]
fn render(app: fn() -> Element) -> String {
    let mut dom = VirtualDom::new(app);
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}
