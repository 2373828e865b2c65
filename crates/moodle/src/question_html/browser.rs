//! The [`Dom`] over the browser's `DOMParser`, for the web build: the browser already carries an
//! HTML parser, so the app does not ship a second one.
//!
//! A document made by `DOMParser` is inert: its scripts never run and its images never load.
//! Scripts are removed anyway, so no serialized HTML carries them.

use super::QuestionProblem;
use super::dom::{Child, Dom};
use wasm_bindgen::JsCast;
use web_sys::{DomParser, Element, HtmlElement, Node, SupportedType};

/// A parsed fragment: the `<body>` of an inert document.
pub(crate) struct Fragment {
    body: HtmlElement,
}

impl Fragment {
    pub(crate) fn parse(html: &str) -> Result<Fragment, QuestionProblem> {
        let parser = DomParser::new().map_err(|_| QuestionProblem::Unparsable)?;
        let doc = parser
            .parse_from_string(html, SupportedType::TextHtml)
            .map_err(|_| QuestionProblem::Unparsable)?;
        let body = doc.body().ok_or(QuestionProblem::Unparsable)?;
        if let Ok(scripts) = body.query_selector_all("script") {
            for i in 0..scripts.length() {
                if let Some(script) = scripts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    script.remove();
                }
            }
        }
        Ok(Fragment { body })
    }
}

fn all_inside(e: &Element) -> Vec<Element> {
    let Ok(list) = e.query_selector_all("*") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

impl Dom for Fragment {
    type Element = Element;

    fn elements(&self) -> Vec<Element> {
        all_inside(&self.body)
    }

    fn descendants(&self, e: &Element) -> Vec<Element> {
        all_inside(e)
    }

    fn children(&self, e: &Element) -> Vec<Child<Element>> {
        let nodes = e.child_nodes();
        (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .map(|n| match n.node_type() {
                Node::ELEMENT_NODE => n.dyn_into::<Element>().map_or(Child::Other, Child::Element),
                Node::TEXT_NODE => Child::Text(n.node_value().unwrap_or_default()),
                _ => Child::Other,
            })
            .collect()
    }

    fn parent(&self, e: &Element) -> Option<Element> {
        let parent = e.parent_element()?;
        // The body is the fragment's root, as scraper's `<html>` root is: not an element in it.
        (!self.body.is_same_node(Some(&parent))).then_some(parent)
    }

    fn name(&self, e: &Element) -> String {
        e.local_name()
    }

    fn attr(&self, e: &Element, name: &str) -> Option<String> {
        e.get_attribute(name)
    }

    fn inner_html(&self, e: &Element) -> String {
        e.inner_html()
    }

    fn outer_html(&self, e: &Element) -> String {
        e.outer_html()
    }

    fn text(&self, e: &Element) -> String {
        e.text_content().unwrap_or_default()
    }

    fn same(&self, a: &Element, b: &Element) -> bool {
        a.is_same_node(Some(b))
    }
}
