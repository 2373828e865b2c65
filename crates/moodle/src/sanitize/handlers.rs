//! Event-handler attributes renamed before the browser parses the site's HTML.
//!
//! Chromium checks every `on…` attribute its parser sets against the page's
//! Content-Security-Policy, in any document the page creates (a `DOMParser` document, a
//! template's contents), and reports a violation for each, though nothing there could run. The
//! allowlist drops every `on…` attribute anyway, so each is renamed here (`onclick` → `xonclick`,
//! no handler, equally dropped) and the page's CSP reports stay meaningful.
//!
//! This follows the HTML tokenizer's tag and attribute states, and skips comments and the
//! raw-text elements' contents (script, style, textarea, title, xmp, iframe, noembed, noframes,
//! plaintext). Where it could misjudge (script's escaped states, `<style>` inside SVG), the cost
//! is one CSP report, not safety: the document is inert and the allowlist still applies. The
//! tests check that the rename never changes what the sanitiser leaves.

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Elements whose content is text up to their end tag (in the browser's inert document, where
/// scripting is off and `<noscript>` is ordinary markup).
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// HTML start tags that end SVG or MathML content (the tree builder's breakout list, less
/// `font`, whose rule depends on its attributes).
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

pub(super) fn defuse(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 16);
    let mut i = 0;
    // Inside SVG or MathML, where `<style>`, `<title>`, `<textarea>`… hold markup, not text.
    // Approximate (integration points are not tracked): wrong only towards reading raw text as
    // markup, which renames inside text that is dropped anyway.
    let mut foreign = false;
    // Copies b[from..to] (always at ASCII boundaries, so at char boundaries).
    let copy = |out: &mut String, from: usize, to: usize| out.push_str(&html[from..to]);
    while i < b.len() {
        let Some(lt) = b[i..].iter().position(|&c| c == b'<').map(|p| i + p) else {
            copy(&mut out, i, b.len());
            break;
        };
        copy(&mut out, i, lt);
        i = lt;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            // A comment: to `-->` (or `--!>`); `<!-->` and `<!--->` end at once.
            let body = i + 4;
            let end = if b[body..].starts_with(b">") {
                body + 1
            } else if b[body..].starts_with(b"->") {
                body + 2
            } else {
                find_comment_end(b, body)
            };
            copy(&mut out, i, end);
            i = end;
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            // A bogus comment (doctype, CDATA outside foreign content, processing instruction).
            let end = b[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |p| i + p + 1);
            copy(&mut out, i, end);
            i = end;
            continue;
        }
        let end_tag = rest.starts_with(b"</");
        let name_at = i + if end_tag { 2 } else { 1 };
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            // Not a tag: `<` is text (`</>` and `</ ` are dropped or comments; copied as is).
            copy(&mut out, i, i + 1);
            i += 1;
            continue;
        }
        let mut j = name_at;
        while j < b.len() && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = html[name_at..j].to_ascii_lowercase();
        copy(&mut out, i, j);
        i = j;
        i = attributes(html, i, &mut out);
        match (end_tag, name.as_str()) {
            (false, "svg" | "math") => foreign = true,
            (true, "svg" | "math") => foreign = false,
            (false, n) if BREAKOUT.contains(&n) => foreign = false,
            _ => {}
        }
        if !end_tag && !foreign && (RAW_TEXT.contains(&name.as_str()) || name == "plaintext") {
            let end = if name == "plaintext" {
                b.len()
            } else {
                raw_text_end(b, i, &name)
            };
            copy(&mut out, i, end);
            i = end;
        }
    }
    out
}

/// From inside a tag after its name: its attributes, `on…` names renamed, through its `>`.
/// Returns where the data after the tag starts.
fn attributes(html: &str, mut i: usize, out: &mut String) -> usize {
    let b = html.as_bytes();
    loop {
        let start = i;
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        out.push_str(&html[start..i]);
        if i >= b.len() {
            return i;
        }
        if b[i] == b'>' {
            out.push('>');
            return i + 1;
        }
        // An attribute name: its first character may be `=`.
        let name_start = i;
        i += 1;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        if html[name_start..i].len() >= 2
            && html[name_start..name_start + 2].eq_ignore_ascii_case("on")
        {
            out.push('x');
        }
        out.push_str(&html[name_start..i]);
        // After the name: spaces, then `=` and a value, or the next attribute.
        let after = i;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            out.push_str(&html[after..i]);
            continue;
        }
        i += 1;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let value_end = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => b[i + 1..]
                .iter()
                .position(|&c| c == q)
                .map_or(b.len(), |p| i + 1 + p + 1),
            Some(b'>') | None => i,
            Some(_) => b[i..]
                .iter()
                .position(|&c| is_space(c) || c == b'>')
                .map_or(b.len(), |p| i + p),
        };
        out.push_str(&html[after..value_end]);
        i = value_end;
    }
}

/// Where a comment that started at `from` (after `<!--`) ends: after `-->` or `--!>`.
fn find_comment_end(b: &[u8], from: usize) -> usize {
    let mut k = from;
    while k + 1 < b.len() {
        if b[k] == b'-' && b[k + 1] == b'-' {
            if b.get(k + 2) == Some(&b'>') {
                return k + 3;
            }
            if b.get(k + 2) == Some(&b'!') && b.get(k + 3) == Some(&b'>') {
                return k + 4;
            }
        }
        k += 1;
    }
    b.len()
}

/// Where the raw text of element `name` that starts at `from` ends: at `</name` followed by a
/// space, `/` or `>` (any case), or the end.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut k = from;
    while let Some(p) = b[k..].windows(2).position(|w| w == b"</") {
        let at = k + p;
        let after = at + 2 + name.len();
        let matches = b
            .get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches
            && b.get(after)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        k = at + 2;
    }
    b.len()
}
