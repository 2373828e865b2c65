//! The policy through `ammonia` (html5ever), natively.

use super::{
    ATTRIBUTES, DROPPED_WITH_CONTENT, ImageSource, LINK_REL, LINK_TARGET, TAGS, URL_SCHEMES,
    displayed,
};
use ammonia::{Builder, UrlRelative};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

pub(super) fn clean(html: &str, image_src: Option<ImageSource>) -> String {
    let mut builder = Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .generic_attributes(HashSet::new())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect::<HashSet<_>>())
        .tag_attributes(
            ATTRIBUTES
                .iter()
                .map(|(e, attrs)| (*e, attrs.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        .url_schemes(URL_SCHEMES.iter().copied().collect::<HashSet<_>>())
        .url_relative(UrlRelative::Deny)
        .set_tag_attribute_value("a", LINK_TARGET.0, LINK_TARGET.1)
        .link_rel(Some(LINK_REL))
        .strip_comments(true);
    if let Some(image_src) = image_src {
        builder.attribute_filter(move |element, attribute, value| {
            displayed(element, attribute, value, &*image_src).map(Cow::Owned)
        });
    }
    builder.clean(html).to_string()
}
