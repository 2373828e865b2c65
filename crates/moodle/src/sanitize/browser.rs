//! The policy over the browser's own parser, for the web build.
//!
//! The HTML is set as the `innerHTML` of a `<div>` made in a `<template>`'s contents document:
//! the HTML standard's fragment parsing with a `<div>` as context, as ammonia parses. That
//! document is inert (no browsing context, no script context): its scripts never run, its images
//! never load, its handlers are never even compiled. (A `DOMParser` document would do for the
//! first two, but it shares the page's script context, so Chromium checks each `on…` attribute
//! it parses against the page's Content-Security-Policy and reports a violation.) Only
//! [`super::clean`]'s output leaves it.

use super::ImageSource;
use super::walk::{Node, Tree};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTemplateElement};

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

struct Fragment {
    root: web_sys::Node,
}

impl Tree for Fragment {
    type Handle = web_sys::Node;

    fn top(&self) -> Vec<web_sys::Node> {
        children(&self.root)
    }

    fn node(&self, node: &web_sys::Node) -> Node<web_sys::Node> {
        match node.node_type() {
            web_sys::Node::TEXT_NODE | web_sys::Node::CDATA_SECTION_NODE => {
                Node::Text(node.node_value().unwrap_or_default())
            }
            web_sys::Node::ELEMENT_NODE => {
                let Some(e) = node.dyn_ref::<Element>() else {
                    return Node::Other;
                };
                let list = e.attributes();
                let attributes = (0..list.length())
                    .filter_map(|i| list.item(i))
                    .map(|a| (a.name(), a.value()))
                    .collect();
                Node::Element {
                    name: e.local_name(),
                    html: e.namespace_uri().as_deref() == Some(HTML_NS),
                    attributes,
                    children: children(node),
                }
            }
            _ => Node::Other,
        }
    }
}

fn children(node: &web_sys::Node) -> Vec<web_sys::Node> {
    let list = node.child_nodes();
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

pub(super) fn clean(html: &str, image_src: Option<ImageSource>) -> String {
    let Some(root) = parse(html) else {
        // No parser (not in a browser): nothing of the site's HTML is shown rather than raw.
        return String::new();
    };
    super::walk::clean(&Fragment { root }, image_src.as_ref())
}

fn parse(html: &str) -> Option<web_sys::Node> {
    let page = web_sys::window()?.document()?;
    let template: HtmlTemplateElement = page.create_element("template").ok()?.dyn_into().ok()?;
    let inert = template.content().owner_document()?;
    let div = inert.create_element("div").ok()?;
    // `on…` attributes renamed first: see `handlers`.
    div.set_inner_html(&super::handlers::defuse(html));
    Some(div.into())
}
