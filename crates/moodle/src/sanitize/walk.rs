//! The policy applied to any parsed tree and serialized as html5ever serializes: the web's
//! backend over the browser's parser, and, in the tests, over html5ever's tree to compare with
//! ammonia.

use super::{
    ATTRIBUTES, DROPPED_WITH_CONTENT, ImageSource, LINK_REL, LINK_TARGET, TAGS, URL_SCHEMES,
    displayed,
};

/// The attributes that hold a URL: kept only with one of [`URL_SCHEMES`] (relative URLs go:
/// the site writes its own files' URLs absolute in web-service texts).
const URL_ATTRIBUTES: &[(&str, &str)] = &[("a", "href"), ("img", "src")];

pub(super) fn allowed_attribute(element: &str, attribute: &str) -> bool {
    ATTRIBUTES
        .iter()
        .any(|(e, attrs)| *e == element && attrs.contains(&attribute))
}

pub(super) fn is_url_attribute(element: &str, attribute: &str) -> bool {
    URL_ATTRIBUTES.contains(&(element, attribute))
}

/// Whether a URL attribute's value may stay: an absolute URL with an allowed scheme, read as
/// the `url` crate (and so ammonia) reads it.
pub(super) fn allowed_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| URL_SCHEMES.contains(&u.scheme()))
}

/// A node of a parsed fragment, as [`clean`] needs it.
pub(super) enum Node<N> {
    Text(String),
    Element {
        /// The lower-case local name.
        name: String,
        /// Whether the element is in the HTML namespace (not SVG or MathML).
        html: bool,
        /// In source order, as parsed (the first of duplicates).
        attributes: Vec<(String, String)>,
        children: Vec<N>,
    },
    /// Comments, processing instructions, doctypes: dropped.
    Other,
}

/// A parsed fragment: its top-level nodes and how to look into each.
pub(super) trait Tree {
    type Handle;
    fn top(&self) -> Vec<Self::Handle>;
    fn node(&self, handle: &Self::Handle) -> Node<Self::Handle>;
}

enum Work<N> {
    Visit(N),
    Close(String),
}

/// Applies the policy to `tree` and serializes the result as html5ever does. Iterative, so a
/// deeply nested body cannot overflow the stack.
pub(super) fn clean<T: Tree>(tree: &T, image_src: Option<&ImageSource>) -> String {
    let mut out = String::new();
    let mut work: Vec<Work<T::Handle>> = tree.top().into_iter().rev().map(Work::Visit).collect();
    while let Some(next) = work.pop() {
        let handle = match next {
            Work::Close(name) => {
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
                continue;
            }
            Work::Visit(handle) => handle,
        };
        match tree.node(&handle) {
            Node::Text(text) => escape(&mut out, &text, false),
            Node::Other => {}
            Node::Element {
                name,
                html,
                attributes,
                children,
            } => {
                if !html || DROPPED_WITH_CONTENT.contains(&name.as_str()) {
                    continue;
                }
                let kept = TAGS.contains(&name.as_str());
                if kept {
                    open_tag(&mut out, &name, attributes, image_src);
                    if !is_void(&name) {
                        work.push(Work::Close(name));
                    }
                }
                work.extend(children.into_iter().rev().map(Work::Visit));
            }
        }
    }
    out
}

fn open_tag(
    out: &mut String,
    name: &str,
    attributes: Vec<(String, String)>,
    image_src: Option<&ImageSource>,
) {
    let mut kept: Vec<(String, String)> = attributes
        .into_iter()
        .filter(|(attr, value)| {
            allowed_attribute(name, attr) && (!is_url_attribute(name, attr) || allowed_url(value))
        })
        .collect();
    if name == "a" {
        kept.push((LINK_TARGET.0.to_owned(), LINK_TARGET.1.to_owned()));
        kept.push(("rel".to_owned(), LINK_REL.to_owned()));
    }
    out.push('<');
    out.push_str(name);
    for (attr, value) in kept {
        let value = match image_src {
            Some(f) => match displayed(name, &attr, &value, &**f) {
                Some(v) => v,
                None => continue,
            },
            None => value,
        };
        out.push(' ');
        out.push_str(&attr);
        out.push_str("=\"");
        escape(out, &value, true);
        out.push('"');
    }
    out.push('>');
}

/// Elements without an end tag, as html5ever's serializer lists them.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// html5ever's escaping: `&`, `<`, `>` and the no-break space always, `"` in attributes.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}
