//! The site's HTML (announcement bodies, notification texts) made safe to show inside the app.
//!
//! One policy, defined here once ([`TAGS`], [`DROPPED_WITH_CONTENT`], [`ATTRIBUTES`],
//! [`URL_SCHEMES`], [`MAX_SITE_HTML`]), applied by two backends that must agree:
//! - natively, `ammonia` (html5ever parsing, the allowlist applied to the tree);
//! - on the web, the browser's own parser (an element's `innerHTML` in an inert document made by
//!   `DOMParser`: the fragment parsing algorithm, in a document where nothing runs or loads),
//!   walked by [`clean`] below, which applies the same allowlist and serializes as html5ever
//!   does. Linking html5ever into the web build would cost ~165 KB brotli (see
//!   `question_html/dom.rs`); the browser's parser costs nothing.
//!
//! [`clean`] also runs natively over scraper's tree in the tests, where it is compared with
//! ammonia on the hostile table and on generated inputs: the two backends differ only in the
//! parser then, and both parsers follow the HTML standard.
//!
//! What survives: text, paragraphs, headings, lists, tables, emphasis, quotes, code; links to
//! `http`/`https` only, opened outside the app (`target="_blank" rel="noopener noreferrer"`);
//! images with an `http`/`https` source. No script, style, event handler, class, id, iframe,
//! object, embed, form, SVG or MathML; comments dropped. Bodies longer than [`MAX_SITE_HTML`]
//! bytes are cut there before parsing (the parser closes what the cut left open).
//!
//! Images are shown only from the site itself: [`for_display`] runs the same cleaning with a
//! rewrite of each image source, which adds the token to the site's file URLs at display time
//! (it is never stored) and drops every other source.

use std::sync::Arc;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(test)]
mod tests;
// The policy over any parsed tree: the web's backend, and compared with ammonia in the tests.
#[cfg(any(target_arch = "wasm32", test))]
mod walk;
// On the web, `on…` attributes renamed before the browser parses (its CSP would report them).
#[cfg(any(target_arch = "wasm32", test))]
mod handlers;

/// Elements kept (with the attributes [`ATTRIBUTES`] allows). Any other element is unwrapped:
/// its content stays, the element goes.
pub const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Elements removed with everything inside them: active content, embedded documents, forms,
/// and the foreign (SVG, MathML) and raw-text elements whose parsing differs by context.
pub const DROPPED_WITH_CONTENT: &[&str] = &[
    "applet",
    "audio",
    "button",
    "canvas",
    "embed",
    "form",
    "frame",
    "frameset",
    "iframe",
    "input",
    "link",
    "math",
    "meta",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "option",
    "plaintext",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "video",
    "xmp",
];

/// The attributes kept, per element. No element keeps `style`, `class`, `id` or any `on…`.
pub const ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("abbr", &["title"]),
    ("img", &["src", "alt", "title", "width", "height"]),
    ("ol", &["start"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
];

pub const URL_SCHEMES: &[&str] = &["http", "https"];

/// Added to every link: it opens outside the app, and the page it opens cannot reach back.
const LINK_TARGET: (&str, &str) = ("target", "_blank");
const LINK_REL: &str = "noopener noreferrer";

/// The most of a body that is read (bytes); the rest is cut off before parsing.
pub const MAX_SITE_HTML: usize = 256 * 1024;

/// The site's HTML, cleaned by the policy above. Never fails: what cannot be read is dropped.
pub fn sanitize_html(html: &str) -> String {
    clean_with(bounded(html), None)
}

/// [`sanitize_html`] for showing now: each image source goes through `image_src`, which returns
/// the URL to load (the site's file URL with the token) or `None` to drop it (not the site's).
pub fn for_display(html: &str, image_src: ImageSource) -> String {
    clean_with(bounded(html), Some(image_src))
}

/// Where an image's source goes when shown (see [`for_display`]).
pub type ImageSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn clean_with(html: &str, image_src: Option<ImageSource>) -> String {
    #[cfg(not(target_arch = "wasm32"))]
    return native::clean(html, image_src);
    #[cfg(target_arch = "wasm32")]
    browser::clean(html, image_src)
}

/// At most [`MAX_SITE_HTML`] bytes of `html`, cut at a character boundary.
fn bounded(html: &str) -> &str {
    if html.len() <= MAX_SITE_HTML {
        return html;
    }
    let mut end = MAX_SITE_HTML;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// The display rewrite of one kept attribute: `None` drops it.
fn displayed(
    element: &str,
    attribute: &str,
    value: &str,
    image_src: &(dyn Fn(&str) -> Option<String> + Send + Sync),
) -> Option<String> {
    if element == "img" && attribute == "src" {
        image_src(value)
    } else {
        Some(value.to_owned())
    }
}
