//! Text into HTML, as Moodle's `s()` does it: the one escaping every page and answer of the
//! demo uses (`format_string`, which keeps entities, is Moodle's own rule in `area_files`).

/// `s()`: `&`, `<`, `>`, `"` and `'` as entities, so text is safe in an element or an
/// attribute.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_safe_in_elements_and_attributes() {
        assert_eq!(
            super::escape_html(r#"<a href="x" title='y'>&amp;"#),
            "&lt;a href=&quot;x&quot; title=&#039;y&#039;&gt;&amp;amp;"
        );
    }
}
