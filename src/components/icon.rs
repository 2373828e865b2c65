//! The app's icons: small inline SVGs drawn with the text colour, in place of emoji and symbol
//! characters (which some systems draw as boxes and screen readers read aloud).
//!
//! An icon is decorative by default (`aria-hidden`, the words beside it say what it means);
//! one that stands alone takes a `label`, which screen readers read instead.

use dioxus::prelude::*;

/// Which icon: each is one path on a 24×24 grid, stroked (Feather-like line icons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    Home,
    News,
    History,
    Certificate,
    Settings,
    Back,
    Forward,
    Check,
    Cross,
    Lock,
    Flag,
    Quiz,
    Forum,
    External,
    Dot,
    Download,
}

impl Glyph {
    /// The path's `d`: what the icon draws.
    pub fn path(self) -> &'static str {
        match self {
            Glyph::Home => "M3 11l9-8 9 8M5 9v12h5v-6h4v6h5V9",
            Glyph::News => "M3 5h18v14H3zM3 6l9 7 9-7",
            Glyph::History => "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3",
            Glyph::Certificate => "M12 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM8.5 14 7 22l5-3 5 3-1.5-8",
            Glyph::Settings => "M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4",
            Glyph::Back => "M19 12H5M12 19l-7-7 7-7",
            Glyph::Forward => "M5 12h14M12 5l7 7-7 7",
            Glyph::Check => "M20 6 9 17l-5-5",
            Glyph::Cross => "M18 6 6 18M6 6l12 12",
            Glyph::Lock => "M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4",
            Glyph::Flag => "M5 22V4h12l-2 4 2 4H5",
            Glyph::Quiz => "M17 3l4 4L8 20H4v-4z",
            Glyph::Forum => "M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z",
            Glyph::External => "M14 3h7v7M21 3l-9 9M19 14v7H3V5h7",
            Glyph::Dot => "M9 12a3 3 0 1 0 6 0 3 3 0 0 0-6 0",
            Glyph::Download => "M12 3v12M7 10l5 5 5-5M5 21h14",
        }
    }
}

/// One icon, 1em square so it follows the text size. Without `label` it is hidden from
/// assistive technology; with one it is an image with that name.
#[component]
pub fn Icon(glyph: Glyph, label: Option<String>) -> Element {
    let path = glyph.path();
    match label {
        Some(label) => rsx! {
            svg { class: "icon", "viewBox": "0 0 24 24", role: "img", "aria-label": "{label}",
                path { d: path }
            }
        },
        None => rsx! {
            svg { class: "icon", "viewBox": "0 0 24 24", "aria-hidden": "true",
                path { d: path }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(glyph: Glyph, label: Option<&str>) -> String {
        let label = label.map(str::to_owned);
        dioxus_ssr::render_element(rsx! { Icon { glyph, label } })
    }

    #[test]
    fn a_decorative_icon_is_hidden_and_a_labelled_one_is_named() {
        let hidden = render(Glyph::Home, None);
        assert!(hidden.contains(r#"aria-hidden="true""#), "{hidden}");
        assert!(!hidden.contains("aria-label"), "{hidden}");
        let named = render(Glyph::Lock, Some("鍵"));
        assert!(
            named.contains(r#"role="img""#) && named.contains(r#"aria-label="鍵""#),
            "{named}"
        );
        assert!(!named.contains("aria-hidden"), "{named}");
        // Drawn as a path, never as a character a screen reader would read.
        assert!(named.contains("<path") && !named.contains("🔒"), "{named}");
    }
}
