//! The hostile-HTML table, and the two backends compared: ammonia ([`sanitize_html`]) against
//! [`clean`] (the web's walker) over html5ever's tree, on the table and on generated inputs.

use super::handlers::defuse;
use super::walk::{Node, Tree, allowed_attribute, allowed_url, clean, is_url_attribute};
use super::*;
use proptest::prelude::*;

/// scraper's tree (html5ever, attributes in source order) seen as a [`Tree`].
struct Scraped(scraper::Html);

type Id = ego_tree::NodeId;

impl Tree for Scraped {
    type Handle = Id;

    fn top(&self) -> Vec<Id> {
        // A fragment is a document holding an `<html>` element holding the parsed nodes.
        let root = self.0.tree.root();
        root.children()
            .flat_map(|html| html.children())
            .map(|n| n.id())
            .collect()
    }

    fn node(&self, id: &Id) -> Node<Id> {
        let Some(node) = self.0.tree.get(*id) else {
            return Node::Other;
        };
        match node.value() {
            scraper::Node::Text(t) => Node::Text(t.text.to_string()),
            scraper::Node::Element(e) => Node::Element {
                name: e.name().to_owned(),
                html: e.name.ns == *"http://www.w3.org/1999/xhtml",
                attributes: e
                    .attrs()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                children: node.children().map(|c| c.id()).collect(),
            },
            _ => Node::Other,
        }
    }
}

fn walked(html: &str) -> String {
    clean(&Scraped(scraper::Html::parse_fragment(bounded(html))), None)
}

/// Hostile inputs and exactly what is left of each.
const HOSTILE: &[(&str, &str)] = &[
    (
        "<p>受講期限は<b>3月31日</b>です。</p>",
        "<p>受講期限は<b>3月31日</b>です。</p>",
    ),
    ("<script>alert(1)</script>ok", "ok"),
    ("<SCRIPT SRC=//evil/x.js></SCRIPT>ok", "ok"),
    ("<img src=x onerror=alert(1)>", "<img>"),
    (
        "<img src=\"https://icrweb.example.jp/webservice/pluginfile.php/1/a.png\" onerror=\"alert(1)\" alt=\"図\">",
        "<img src=\"https://icrweb.example.jp/webservice/pluginfile.php/1/a.png\" alt=\"図\">",
    ),
    (
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a target=\"_blank\" rel=\"noopener noreferrer\">x</a>",
    ),
    (
        "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
        "<a target=\"_blank\" rel=\"noopener noreferrer\">x</a>",
    ),
    (
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a target=\"_blank\" rel=\"noopener noreferrer\">x</a>",
    ),
    (
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<a target=\"_blank\" rel=\"noopener noreferrer\">x</a>",
    ),
    (
        "<a href=\"https://www.icrweb.jp/\" target=\"_self\" rel=\"opener\" onclick=\"x()\">ICRweb</a>",
        "<a href=\"https://www.icrweb.jp/\" target=\"_blank\" rel=\"noopener noreferrer\">ICRweb</a>",
    ),
    (
        "<a href=\"/mod/forum/view.php?id=3\">relative</a>",
        "<a target=\"_blank\" rel=\"noopener noreferrer\">relative</a>",
    ),
    (
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<img>",
    ),
    (
        "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999\">overlay</div>",
        "<div>overlay</div>",
    ),
    (
        "<p class=\"btn\" id=\"x\" style=\"background:url(javascript:alert(1))\">t</p>",
        "<p>t</p>",
    ),
    ("<style>body{display:none}</style>text", "text"),
    (
        "<iframe src=\"https://evil.example/\">in frame</iframe>after",
        "after",
    ),
    (
        "<object data=\"x.swf\"><embed src=\"x.swf\"></object>after",
        "after",
    ),
    (
        "<form action=\"https://evil.example/\"><input name=p><button>送信</button></form>after",
        "after",
    ),
    (
        "<svg><script>alert(1)</script><a xlink:href=\"javascript:x\">s</a></svg>t",
        "t",
    ),
    (
        "<svg><foreignObject><p onclick=x>p</p></foreignObject></svg>t",
        "t",
    ),
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "",
    ),
    // html5ever parses `<noscript>` as raw text (scripting on), so its end tag inside the
    // attribute ends it and an `<img>` follows; the browser's inert document (scripting off)
    // sees one `<p>`, all dropped with the noscript: "t". Either way nothing active is left.
    (
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>t",
        "<img>\"&gt;t",
    ),
    ("<template><script>alert(1)</script></template>t", "t"),
    ("<!-- <script>alert(1)</script> -->t", "t"),
    (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ),
    (
        "&amp;lt;b&amp;gt; &quot; &#39; &nbsp;",
        "&amp;lt;b&amp;gt; \" ' &nbsp;",
    ),
    (
        "<a href=\"https://a.example/?q=&quot;&gt;<script>\">q</a>",
        "<a href=\"https://a.example/?q=&quot;&gt;&lt;script&gt;\" target=\"_blank\" rel=\"noopener noreferrer\">q</a>",
    ),
    (
        "<table><tr><td colspan=2 onmouseover=x>a</td></tr></table>",
        "<table><tbody><tr><td colspan=\"2\">a</td></tr></tbody></table>",
    ),
    ("<ul><li>一<li>二</ul>", "<ul><li>一</li><li>二</li></ul>"),
    (
        "<h2>見出し</h2><blockquote>引用</blockquote>",
        "<h2>見出し</h2><blockquote>引用</blockquote>",
    ),
    ("<marquee onstart=x>m</marquee><blink>b</blink>", "mb"),
    (
        "<meta http-equiv=refresh content=\"0;url=https://evil\">t",
        "t",
    ),
    ("<base href=\"https://evil.example/\">t", "t"),
    ("<details open ontoggle=alert(1)>d</details>", "d"),
    ("<video src=x onerror=alert(1)>v</video>t", "t"),
    ("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>"),
    ("</p></div></table>t", "<p></p>t"),
];

#[test]
fn the_hostile_table() {
    for (input, want) in HOSTILE {
        assert_eq!(&sanitize_html(input), want, "input: {input}");
    }
}

#[test]
fn the_walker_agrees_with_ammonia_on_the_table() {
    for (input, _) in HOSTILE {
        assert_eq!(walked(input), sanitize_html(input), "input: {input}");
    }
}

#[test]
fn what_is_left_is_stable() {
    // Cleaning what was cleaned changes nothing: the app re-cleans kept bodies for display.
    for (input, _) in HOSTILE {
        let once = sanitize_html(input);
        assert_eq!(sanitize_html(&once), once, "input: {input}");
    }
}

#[test]
fn huge_bodies_are_cut() {
    let huge = "<p>あ</p>".repeat(MAX_SITE_HTML / 4);
    assert!(huge.len() > MAX_SITE_HTML);
    let out = sanitize_html(&huge);
    assert!(out.len() <= MAX_SITE_HTML + 16, "{}", out.len());
    assert!(out.starts_with("<p>あ</p>"));
    assert_eq!(walked(&huge), out);
    // Deep nesting neither overflows a stack nor survives as anything but the text.
    let deep = format!("{}x{}", "<span>".repeat(20_000), "</span>".repeat(20_000));
    let out = sanitize_html(&deep);
    assert!(out.contains('x'));
    assert_eq!(walked(&deep), out);
}

#[test]
fn images_show_only_from_the_site_with_the_token_added_then() {
    let body = "<p><img src=\"https://icrweb.example.jp/webservice/pluginfile.php/1/a.png\" alt=\"a\">\
                <img src=\"https://tracker.example/pixel.gif\"></p><a href=\"https://icrweb.example.jp/x\">x</a>";
    let stored = sanitize_html(body);
    assert!(!stored.contains("token"), "{stored}");
    let shown = for_display(
        &stored,
        Arc::new(|src: &str| {
            src.starts_with("https://icrweb.example.jp/webservice/pluginfile.php/")
                .then(|| format!("{src}?token=T"))
        }),
    );
    assert_eq!(
        shown,
        "<p><img src=\"https://icrweb.example.jp/webservice/pluginfile.php/1/a.png?token=T\" alt=\"a\"><img></p>\
         <a href=\"https://icrweb.example.jp/x\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>"
    );
}

/// Markup made of the pieces attacks use: tags kept, unwrapped and dropped, attributes of every
/// kind, URLs, entities, quotes, comments, foreign content, unbalanced tags.
fn piece() -> impl Strategy<Value = String> {
    let tag = prop::sample::select(vec![
        "p", "b", "a", "img", "table", "tr", "td", "li", "ul", "div", "span", "script", "style",
        "svg", "math", "iframe", "noscript", "template", "form", "select", "textarea", "title",
        "xmp", "pre", "br", "font", "marquee", "h1", "caption", "option", "body", "html", "head",
    ]);
    let attr = prop::sample::select(vec![
        "href",
        "src",
        "onerror",
        "onclick",
        "style",
        "class",
        "id",
        "title",
        "alt",
        "colspan",
        "target",
        "rel",
        "width",
        "xlink:href",
        "start",
    ]);
    let value = prop::sample::select(vec![
        "https://icrweb.example.jp/a?b=1&c=2",
        "javascript:alert(1)",
        " java\tscript:x",
        "data:text/html,x",
        "/relative",
        "x\" onload=\"y",
        "'",
        "&amp;&lt;&quot;",
        "\u{a0}",
        "HTTP://A.JP",
        "2",
    ]);
    let text = prop::sample::select(vec![
        "テキスト",
        "a&b",
        "<",
        ">",
        "&lt;",
        "&#0;",
        "&nbsp;",
        "\"",
        " ",
        "\n",
        "x",
        "]]>",
    ]);
    prop_oneof![
        (tag.clone(), prop::collection::vec((attr, value), 0..3)).prop_map(|(t, attrs)| {
            let attrs: String = attrs
                .into_iter()
                .map(|(a, v)| format!(" {a}=\"{v}\""))
                .collect();
            format!("<{t}{attrs}>")
        }),
        tag.prop_map(|t| format!("</{t}>")),
        text.prop_map(str::to_owned),
        Just("<!-- c -->".to_owned()),
        Just("<!DOCTYPE html>".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_walker_agrees_with_ammonia(pieces in prop::collection::vec(piece(), 0..24)) {
        let html: String = pieces.concat();
        prop_assert_eq!(walked(&html), sanitize_html(&html), "input: {}", html);
    }

    #[test]
    fn nothing_active_survives(pieces in prop::collection::vec(piece(), 0..24)) {
        let html: String = pieces.concat();
        let out = sanitize_html(&html);
        // Read back as a browser would: only allowed elements and attributes, only web URLs.
        let doc = scraper::Html::parse_fragment(&out);
        for e in doc.tree.values().filter_map(|n| n.as_element()) {
            let name = e.name();
            prop_assert!(["html", "head", "body"].contains(&name) || TAGS.contains(&name), "<{}> in {} from {}", name, out, html);
            for (attr, value) in e.attrs() {
                let allowed = allowed_attribute(name, attr)
                    || (name == "a" && (attr, value) == LINK_TARGET)
                    || (name == "a" && (attr, value) == ("rel", LINK_REL));
                prop_assert!(allowed, "{}={} on <{}> in {} from {}", attr, value, name, out, html);
                if is_url_attribute(name, attr) {
                    prop_assert!(allowed_url(value), "{} in {} from {}", value, out, html);
                }
            }
        }
    }
}

// ---- The browser's backend against ammonia ---------------------------------------------------

/// Inputs for the browser test (`tests/browser/sanitize.test.mjs`), with ammonia's answer to
/// each: the hostile table and generated markup, minus `<noscript>` (parsed by scripting flag:
/// see the table). The browser runs its backend on the inputs and must give the same answers.
fn browser_cases() -> Vec<(String, String)> {
    const TAGS: &[&str] = &[
        "p",
        "b",
        "a",
        "img",
        "table",
        "tr",
        "td",
        "li",
        "ul",
        "div",
        "span",
        "script",
        "style",
        "svg",
        "math",
        "iframe",
        "template",
        "form",
        "select",
        "textarea",
        "title",
        "xmp",
        "pre",
        "br",
        "font",
        "marquee",
        "h1",
        "caption",
        "option",
        "body",
        "html",
        "head",
        "ol",
        "th",
        "blockquote",
        "code",
        "object",
        "embed",
        "video",
    ];
    const ATTRS: &[&str] = &[
        "href",
        "src",
        "onerror",
        "onclick",
        "style",
        "class",
        "id",
        "title",
        "alt",
        "colspan",
        "target",
        "rel",
        "width",
        "xlink:href",
        "start",
        "rowspan",
        "scope",
    ];
    const VALUES: &[&str] = &[
        "https://icrweb.example.jp/a?b=1&c=2",
        "javascript:alert(1)",
        " java\tscript:x",
        "data:text/html,x",
        "/relative",
        "x\" onload=\"y",
        "'",
        "&amp;&lt;&quot;",
        "\u{a0}",
        "HTTP://A.JP",
        "2",
        "https://evil.example/x.png",
    ];
    const TEXTS: &[&str] = &[
        "テキスト",
        "a&b",
        "<",
        ">",
        "&lt;",
        "&#0;",
        "&nbsp;",
        "\"",
        " ",
        "\n",
        "x",
        "]]>",
        "&amp",
        "&#x3c;script&#x3e;",
    ];
    // A fixed linear congruential sequence: the same inputs on every machine, no dependency.
    let mut state: u64 = 0x4a75_6b6f;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let mut inputs: Vec<String> = HOSTILE
        .iter()
        .map(|(i, _)| (*i).to_owned())
        .filter(|i| !i.contains("noscript"))
        .collect();
    for _ in 0..400 {
        let mut html = String::new();
        for _ in 0..next(24) {
            match next(5) {
                0 | 1 => {
                    html.push('<');
                    html.push_str(TAGS[next(TAGS.len())]);
                    for _ in 0..next(3) {
                        let (a, v) = (ATTRS[next(ATTRS.len())], VALUES[next(VALUES.len())]);
                        html.push_str(&format!(" {a}=\"{v}\""));
                    }
                    html.push('>');
                }
                2 => html.push_str(&format!("</{}>", TAGS[next(TAGS.len())])),
                3 => html.push_str(TEXTS[next(TEXTS.len())]),
                _ => html.push_str(["<!-- c -->", "<!DOCTYPE html>", "テキスト"][next(3)]),
            }
        }
        inputs.push(html);
    }
    inputs
        .into_iter()
        .map(|i| {
            let out = sanitize_html(&i);
            (i, out)
        })
        .collect()
}

fn browser_fixture_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/browser/fixtures/sanitize.json")
}

/// The fixture is ammonia's answer today: regenerate it with `JUKO_WRITE_FIXTURES=1` when the
/// policy changes (and the browser test then checks the browser's backend against it).
#[test]
fn the_browser_fixture_is_ammonias_answer() {
    let cases: Vec<serde_json::Value> = browser_cases()
        .into_iter()
        .map(|(input, output)| serde_json::json!({ "input": input, "output": output }))
        .collect();
    let json = serde_json::to_string_pretty(&cases).unwrap() + "\n";
    let path = browser_fixture_path();
    if std::env::var_os("JUKO_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &json).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == json,
        "{} is not ammonia's answer today: rerun with JUKO_WRITE_FIXTURES=1",
        path.display()
    );
    // The walker agrees on every case too (the browser then differs only by its parser).
    for (input, output) in browser_cases() {
        assert_eq!(walked(&input), output, "input: {input}");
    }
}

/// No `on…` attribute left for the parser to set (outside SVG and MathML, which are dropped).
fn handlers_left(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    let mut left = Vec::new();
    for node in doc.tree.nodes() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        let foreign = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|p| p.name() == "svg" || p.name() == "math")
        });
        if foreign || e.name.ns != *"http://www.w3.org/1999/xhtml" {
            continue;
        }
        left.extend(
            e.attrs()
                .map(|(k, _)| k)
                .filter(|k| k.len() >= 2 && k[..2].eq_ignore_ascii_case("on"))
                .map(|k| format!("{}[{k}]", e.name())),
        );
    }
    left
}

#[test]
fn renaming_handlers_changes_nothing_the_sanitiser_leaves() {
    for (input, output) in browser_cases() {
        let defused = defuse(&input);
        assert_eq!(
            sanitize_html(&defused),
            output,
            "input: {input}\ndefused: {defused}"
        );
        assert_eq!(
            handlers_left(&defused),
            Vec::<String>::new(),
            "input: {input}"
        );
    }
    assert_eq!(
        defuse(
            "<img src=x onerror=alert(1) ONclick = \"y\"><p>on the page</p><!-- <a onclick=1> -->"
        ),
        "<img src=x xonerror=alert(1) xONclick = \"y\"><p>on the page</p><!-- <a onclick=1> -->"
    );
    assert_eq!(
        defuse("<title><b onclick=1></title><i onmouseover=2>"),
        "<title><b onclick=1></title><i xonmouseover=2>"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn renaming_handlers_is_invisible(pieces in prop::collection::vec(piece(), 0..24)) {
        let html: String = pieces.concat();
        let defused = defuse(&html);
        prop_assert_eq!(sanitize_html(&defused), sanitize_html(&html), "input: {}", html);
    }
}
