//! The few questions the question parser asks of a parsed HTML fragment, so that one reading
//! logic runs over two parsers: `scraper` (html5ever) natively, the browser's own `DOMParser`
//! on the web, where linking html5ever would add ~165 KB (brotli) to the first load.
//!
//! Both backends parse with the HTML standard's algorithm, so they build the same tree from the
//! same string; everything else (which inputs, which labels, what counts as a choice) is decided
//! once, in the parent module.

/// A parsed fragment, scripts removed. Elements are handles into it, in document order.
pub(crate) trait Dom {
    type Element: Clone;

    /// Every element of the fragment, in document order.
    fn elements(&self) -> Vec<Self::Element>;
    /// Every element inside `e` (not `e` itself), in document order.
    fn descendants(&self, e: &Self::Element) -> Vec<Self::Element>;
    /// `e`'s children, elements and text, in order.
    fn children(&self, e: &Self::Element) -> Vec<Child<Self::Element>>;
    /// The element that holds `e`, if it is inside the fragment.
    fn parent(&self, e: &Self::Element) -> Option<Self::Element>;
    /// The lower-case tag name (`input`, `label`).
    fn name(&self, e: &Self::Element) -> String;
    fn attr(&self, e: &Self::Element, name: &str) -> Option<String>;
    fn inner_html(&self, e: &Self::Element) -> String;
    fn outer_html(&self, e: &Self::Element) -> String;
    /// The text of `e` and everything in it.
    fn text(&self, e: &Self::Element) -> String;
    /// Whether `a` and `b` are the same element (not two equal ones).
    fn same(&self, a: &Self::Element, b: &Self::Element) -> bool;

    fn has_class(&self, e: &Self::Element, class: &str) -> bool {
        self.attr(e, "class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }

    /// The first element with class `class` (CSS `.class`).
    fn first_with_class(&self, class: &str) -> Option<Self::Element> {
        self.elements()
            .into_iter()
            .find(|e| self.has_class(e, class))
    }
}

/// A child node as the parser needs it.
pub(crate) enum Child<E> {
    Element(E),
    Text(String),
    /// Comments and the like: not part of any text.
    Other,
}
