//! Status messages said to screen readers: one polite live region for the whole app, so a
//! change that is not where focus is (a download finished, a sync done) is still heard.
//!
//! A feature calls `use_announcer()` while rendering and `say(...)` when something happens;
//! the region is rendered once, at the root (`LiveRegion`).

use dioxus::prelude::*;

/// The live region's text, shared through context.
#[derive(Clone, Copy)]
pub struct Announcer(Signal<String>);

impl Announcer {
    /// Says `text` (politely: after what the screen reader is reading now). The same words
    /// twice in a row are said again: a no-break space is toggled at the end, which changes the
    /// region without changing what is heard.
    pub fn say(mut self, text: impl Into<String>) {
        let mut text = text.into();
        if *self.0.peek() == text {
            text.push('\u{a0}');
        }
        self.0.set(text);
    }
}

/// Sets up the announcer; once, at the root.
pub fn provide_announcer() {
    use_context_provider(|| Announcer(Signal::new(String::new())));
}

/// The app's announcer, for a component that has news to tell.
pub fn use_announcer() -> Announcer {
    use_context::<Announcer>()
}

/// The region itself: present from the start (a region added with its text is not read).
#[component]
pub fn LiveRegion() -> Element {
    let text = use_context::<Announcer>().0;
    rsx! {
        div { class: "visually-hidden", role: "status", "aria-live": "polite", "data-testid": "announcer", "{text}" }
    }
}
