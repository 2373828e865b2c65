//! The [`Dom`] over `scraper` (html5ever), for native builds.

use super::dom::{Child, Dom};
use scraper::{ElementRef, Html, Node, Selector};

/// Parses `html` as a fragment (in a `<body>`), without its scripts.
pub(crate) fn parse(html: &str) -> Html {
    let mut doc = Html::parse_fragment(html);
    // A constant selector; the parser tests run it.
    let scripts = Selector::parse("script").expect("a valid constant selector");
    let ids: Vec<_> = doc.select(&scripts).map(|s| s.id()).collect();
    for id in ids {
        if let Some(mut node) = doc.tree.get_mut(id) {
            node.detach();
        }
    }
    doc
}

/// A parsed fragment, read from its root element.
pub(crate) struct Fragment<'a> {
    root: ElementRef<'a>,
}

impl<'a> Fragment<'a> {
    pub(crate) fn new(doc: &'a Html) -> Self {
        Fragment {
            root: doc.root_element(),
        }
    }
}

impl<'a> Dom for Fragment<'a> {
    type Element = ElementRef<'a>;

    fn elements(&self) -> Vec<ElementRef<'a>> {
        self.root.descendent_elements().skip(1).collect()
    }

    fn descendants(&self, e: &ElementRef<'a>) -> Vec<ElementRef<'a>> {
        e.descendent_elements().skip(1).collect()
    }

    fn children(&self, e: &ElementRef<'a>) -> Vec<Child<ElementRef<'a>>> {
        e.children()
            .map(|node| match node.value() {
                Node::Element(_) => ElementRef::wrap(node).map_or(Child::Other, Child::Element),
                Node::Text(t) => Child::Text(t.to_string()),
                _ => Child::Other,
            })
            .collect()
    }

    fn parent(&self, e: &ElementRef<'a>) -> Option<ElementRef<'a>> {
        // The root holds the fragment; it is not an element of it (as the browser's `<body>`).
        e.parent()
            .and_then(ElementRef::wrap)
            .filter(|p| p.id() != self.root.id())
    }

    fn name(&self, e: &ElementRef<'a>) -> String {
        e.value().name().to_owned()
    }

    fn attr(&self, e: &ElementRef<'a>, name: &str) -> Option<String> {
        e.attr(name).map(str::to_owned)
    }

    fn inner_html(&self, e: &ElementRef<'a>) -> String {
        e.inner_html()
    }

    fn outer_html(&self, e: &ElementRef<'a>) -> String {
        e.html()
    }

    fn text(&self, e: &ElementRef<'a>) -> String {
        e.text().collect()
    }

    fn same(&self, a: &ElementRef<'a>, b: &ElementRef<'a>) -> bool {
        a.id() == b.id()
    }
}
