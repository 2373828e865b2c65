//! Ships the stylesheet without its comments and indentation: the app inlines it (main.rs), so
//! every byte is in the web build's first load. Nothing else is changed: strings, selectors and
//! values keep their spaces where CSS needs them.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=assets/main.css");
    let css = std::fs::read_to_string("assets/main.css").expect("read assets/main.css");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("main.css");
    std::fs::write(out, compact(&css)).expect("write the compact stylesheet");
}

fn compact(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("an unclosed CSS comment") + start + 2;
        rest = &rest[end..];
    }
    without_comments.push_str(rest);
    let mut out = without_comments
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    // Spaces no CSS parser needs (never inside `calc()`'s `+`/`-`, which keep theirs).
    for (from, to) in [
        (": ", ":"),
        (", ", ","),
        (" {", "{"),
        ("{\n", "{"),
        ("{ ", "{"),
        ("; ", ";"),
        (";\n", ";"),
        (" }", "}"),
        (";}", "}"),
        ("}\n", "}"),
    ] {
        out = out.replace(from, to);
    }
    // The same rules and braces as written: a slip here must not ship a broken stylesheet.
    for brace in ['{', '}'] {
        assert_eq!(
            out.matches(brace).count(),
            without_comments.matches(brace).count()
        );
    }
    out
}
