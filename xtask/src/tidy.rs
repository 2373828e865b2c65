//! Tidy tests: the architecture's rules, checked on the sources by `cargo test` (in the
//! workspace's ordinary test step), as rust-analyzer's `tidy.rs` does. Each rule is data (what
//! is forbidden, where) and a small check over the tokens of a file; each failure names
//! `file:line` and says what to do.
//!
//! 1. The app (`src/`) is UI only: no SQL, no HTTP (crates, `http::`, SQL or network calls in
//!    string literals, e.g. in JavaScript the app evaluates).
//! 2. Only `crates/moodle` knows Moodle's names (and the demo server, which is a Moodle site, and
//!    test fixtures): no web-service function names, error codes or wire keys in the string
//!    literals of `crates/core`, `crates/model` or `src/`.
//! 3. Every UI string is in the catalogue (`src/i18n.rs`): no text in the `rsx!` of `src/views`
//!    and `src/components`, neither as a text node nor in a visible attribute.
//!
//! Test code is out of scope: `#[cfg(test)] mod … { }` blocks and files named `tests.rs` or
//! `test_*.rs` (fixtures may spell out Moodle's wire format).

use std::fmt;
use std::path::{Path, PathBuf};

/// A Rust token, as far as these rules need one. Comments are dropped.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// An identifier or keyword (`r#type` is `type`).
    Ident(String),
    /// A string literal's contents as written (escapes not processed; raw strings too).
    Str(String),
    Punct(char),
    /// Numbers, char and byte literals, lifetimes.
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

/// Splits Rust source into tokens with their line numbers.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if let Some((hashes, body)) = raw_string_start(&c, i) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many hashes.
            let mut j = body;
            let closes = |j: usize| c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#');
            while j < c.len() && !closes(j) {
                line += usize::from(c[j] == '\n');
                j += 1;
            }
            out.push(Token {
                tok: Tok::Str(c[body..j.min(c.len())].iter().collect()),
                line: start_line,
            });
            i = j + 1 + hashes;
        } else if ch == '"' || ((ch == 'b' || ch == 'c') && at(i + 1) == '"') {
            let mut j = if ch == '"' { i + 1 } else { i + 2 };
            let body = j;
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                }
                line += usize::from(at(j) == '\n');
                j += 1;
            }
            out.push(Token {
                tok: Tok::Str(c[body..j.min(c.len())].iter().collect()),
                line: start_line,
            });
            i = j + 1;
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            // A char literal ('a', '\n', '\u{1F512}') or a lifetime ('a).
            let q = if ch == 'b' { i + 1 } else { i };
            if at(q + 1) == '\\' {
                let mut j = q + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if at(q + 2) == '\'' {
                i = q + 3;
            } else {
                i = q + 1;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else if ch.is_alphabetic() || ch == '_' {
            let mut j = i;
            if ch == 'r' && at(i + 1) == '#' {
                j += 2; // a raw identifier
            }
            let from = j;
            while at(j).is_alphanumeric() || at(j) == '_' {
                j += 1;
            }
            out.push(Token {
                tok: Tok::Ident(c[from..j].iter().collect()),
                line: start_line,
            });
            i = j;
        } else if ch.is_ascii_digit() {
            while at(i).is_alphanumeric()
                || at(i) == '_'
                || (at(i) == '.' && at(i + 1).is_ascii_digit())
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else {
            out.push(Token {
                tok: Tok::Punct(ch),
                line: start_line,
            });
            i += 1;
        }
    }
    out
}

/// At a raw string's start (`r"`, `r#"`, `br##"`…): its hash count and where its body begins.
fn raw_string_start(c: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if c.get(j) == Some(&'b') {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    // Not the end of an identifier such as `for` or `bar`.
    if i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some((hashes, j + 1))
}

/// Drops `#[cfg(test)] mod name { … }` blocks: test code may spell out what the rules forbid.
fn without_test_modules(tokens: Vec<Token>) -> Vec<Token> {
    let is = |t: Option<&Token>, want: &Tok| t.is_some_and(|t| &t.tok == want);
    let ident = |s: &str| Tok::Ident(s.to_string());
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let cfg_test = [
            Tok::Punct('#'),
            Tok::Punct('['),
            ident("cfg"),
            Tok::Punct('('),
            ident("test"),
            Tok::Punct(')'),
            Tok::Punct(']'),
        ];
        let matches_at = |k: usize| {
            cfg_test
                .iter()
                .enumerate()
                .all(|(n, t)| is(tokens.get(k + n), t))
        };
        if matches_at(i) {
            // Skip further attributes, then `mod name {`.
            let mut j = i + cfg_test.len();
            while is(tokens.get(j), &Tok::Punct('#')) {
                j = skip_group(&tokens, j + 1);
            }
            if is(tokens.get(j), &ident("pub")) {
                j += 1;
            }
            if is(tokens.get(j), &ident("mod")) && is(tokens.get(j + 2), &Tok::Punct('{')) {
                i = skip_group(&tokens, j + 2);
                continue;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// From an opening bracket at `open`, the index just past its matching close.
fn skip_group(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct('}' | ')' | ']') => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// A broken rule at a place.
#[derive(Debug, PartialEq)]
struct Violation {
    path: String,
    line: usize,
    message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

// ---- Rule 1: the app is UI only ----------------------------------------------------------------

/// Crates that speak SQL or HTTP. Use them in `juko-core` or `juko-moodle`, never in `src/`.
const SQL_HTTP_CRATES: &[&str] = &[
    "rusqlite",
    "sqlx",
    "reqwest",
    "hyper",
    "ureq",
    "isahc",
    "surf",
    "gloo_net",
    "tungstenite",
];
/// web-sys and JavaScript names that make requests.
const NETWORK_IDENTS: &[&str] = &[
    "XmlHttpRequest",
    "WebSocket",
    "fetch_with_str",
    "fetch_with_request",
];
/// Text that is SQL or a network call inside a string literal (SQL, or JavaScript the app evals).
const SQL_HTTP_IN_STRINGS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "INSERT OR ",
    "UPDATE ",
    "DELETE FROM",
    "CREATE TABLE",
    "PRAGMA ",
    "fetch(",
    "XMLHttpRequest",
    "sendBeacon",
    "WebSocket(",
    "EventSource(",
];

fn check_ui_only(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        match &t.tok {
            Tok::Ident(name) if SQL_HTTP_CRATES.contains(&name.as_str()) => {
                found.push((t.line, format!("`{name}` (SQL or HTTP) in the app, which is UI only: do it in juko-core or juko-moodle")));
            }
            Tok::Ident(name) if NETWORK_IDENTS.contains(&name.as_str()) => {
                found.push((t.line, format!("`{name}` (a network request) in the app, which is UI only: do it in juko-core or juko-moodle")));
            }
            Tok::Ident(name)
                if name == "http"
                    && matches!(tokens.get(k + 1).map(|t| &t.tok), Some(Tok::Punct(':')))
                    && matches!(tokens.get(k + 2).map(|t| &t.tok), Some(Tok::Punct(':'))) =>
            {
                found.push((
                    t.line,
                    "`http::` in the app, which is UI only: do it in juko-moodle".into(),
                ));
            }
            Tok::Str(s) => {
                for pattern in SQL_HTTP_IN_STRINGS {
                    if s.contains(pattern) {
                        found.push((t.line, format!("`{}` in a string literal: SQL or a network call in the app, which is UI only", pattern.trim())));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

// ---- Rule 2: Moodle's names only in juko-moodle --------------------------------------------------

/// Prefixes of Moodle web-service function names (`core_webservice_get_site_info`, …).
const MOODLE_FUNCTION_PREFIXES: &[&str] = &[
    "core",
    "mod",
    "tool",
    "local",
    "message",
    "enrol",
    "block",
    "gradereport",
];
/// Moodle's error codes and exception names, matched as whole words.
const MOODLE_ERROR_CODES: &[&str] = &[
    "invalidtoken",
    "accessexception",
    "invalidlogin",
    "requireloginerror",
    "servicerequireslogin",
    "invalidparameter",
    "invalidrecord",
    "invalidsesskey",
    "nopermissions",
    "sitemaintenance",
    "usernotfullysetup",
    "forcepasswordchangenotice",
    "passwordmustbechanged",
    "enablewsdescription",
    "cannotmanualctrack",
    "restoredaccountresetpassword",
    "moodle_exception",
    "webservice_access_exception",
    "invalid_parameter_exception",
    "required_capability_exception",
    "require_login_exception",
    "wsaccessusersuspended",
    "servicenotavailable",
    "errorcoursecontextnotvalid",
];
/// Moodle's wire keys and endpoints (whole words, or as written for paths).
const MOODLE_WIRE_NAMES: &[&str] = &[
    "wstoken",
    "wsfunction",
    "moodlewsrestformat",
    "moodlewssettingfilter",
    "moodlewssettingfileurl",
    "moodlewssettinglang",
    "errorcode",
    "debuginfo",
    "wwwroot",
    "token.php",
    "server.php",
    "pluginfile.php",
    "service.php",
];

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Where `word` occurs in `s` with no word character on either side.
fn contains_word(s: &str, word: &str) -> bool {
    s.match_indices(word).any(|(at, _)| {
        let before = s[..at].chars().next_back();
        let after = s[at + word.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

/// A Moodle function name in `s`: a known prefix, `_`, then a lower-case letter, at a word start.
fn moodle_function_in(s: &str) -> Option<String> {
    for prefix in MOODLE_FUNCTION_PREFIXES {
        for (at, _) in s.match_indices(&format!("{prefix}_")) {
            if s[..at].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            let rest = &s[at + prefix.len() + 1..];
            if rest.starts_with(|c: char| c.is_ascii_lowercase()) {
                let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
                return Some(format!("{prefix}_{}", &rest[..end]));
            }
        }
    }
    None
}

fn check_no_moodle_names(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for t in tokens {
        let Tok::Str(s) = &t.tok else { continue };
        let hint = "only juko-moodle knows Moodle's names: call it, and map its answers to model/core types";
        if let Some(f) = moodle_function_in(s) {
            found.push((
                t.line,
                format!("Moodle function name `{f}` in a string literal; {hint}"),
            ));
        }
        for code in MOODLE_ERROR_CODES.iter().filter(|c| contains_word(s, c)) {
            found.push((
                t.line,
                format!("Moodle error code `{code}` in a string literal; {hint}"),
            ));
        }
        for key in MOODLE_WIRE_NAMES {
            let hit = if key.contains('.') {
                s.contains(key)
            } else {
                contains_word(s, key)
            };
            if hit {
                found.push((
                    t.line,
                    format!("Moodle wire name `{key}` in a string literal; {hint}"),
                ));
            }
        }
    }
    found
}

// ---- Rule 3: every UI string in the catalogue -----------------------------------------------------

/// Typographic symbols the views may write literally: they read the same in every language.
/// Anything else that is not space, an ASCII digit or ASCII punctuation is text for `i18n.rs`;
/// an icon is `components/icon.rs`'s SVG, never a character (emoji and symbols such as ✓ or 🔒
/// draw as boxes on some systems and are read aloud).
const ICONS: &[char] = &['·', '…', '—', '–', '×'];

/// Attributes whose values the learner never reads (the rest, `title`, `aria-label`,
/// `placeholder`, `alt` and component props among them, are checked like text).
const INVISIBLE_ATTRS: &[&str] = &[
    "class",
    "id",
    "key",
    "type",
    "role",
    "href",
    "src",
    "rel",
    "target",
    "preload",
    "poster",
    "autocomplete",
    "inputmode",
    "autocapitalize",
    "spellcheck",
    "for",
    "name",
    "to",
    "active_class",
    "style",
    "lang",
    "dir",
    "method",
    "action",
    "accept",
    "controls",
    "muted",
    "playsinline",
    // The player's (iOS before 10 reads the prefixed one; a `<track>`'s kind).
    "webkit-playsinline",
    "kind",
    "autoplay",
    "crossorigin",
    "tabindex",
    "width",
    "height",
    "disabled",
    "novalidate",
    "hidden",
    "aria-hidden",
    "aria-live",
    "aria-current",
    "aria-controls",
    "aria-labelledby",
    "aria-describedby",
    "aria-valuemin",
    "aria-valuemax",
    "aria-valuenow",
    "aria-expanded",
    "aria-modal",
];

fn is_invisible_attr(name: &str) -> bool {
    INVISIBLE_ATTRS.contains(&name) || name.starts_with("data-") || name.starts_with("on")
}

/// The text a learner would read in a literal: without `{…}` interpolations, icons, spaces,
/// ASCII digits and punctuation. Empty when there is none.
fn readable_text(literal: &str) -> String {
    let mut out = String::new();
    let mut chars = literal.chars().peekable();
    let mut depth = 0;
    while let Some(ch) = chars.next() {
        match ch {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '}' if depth == 0 && chars.peek() == Some(&'}') => {
                chars.next();
            }
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if c.is_whitespace() || c.is_ascii_digit() || c.is_ascii_punctuation() => {}
            c if ICONS.contains(&c) => {}
            c => out.push(c),
        }
    }
    out
}

/// One bracket level inside `rsx!`.
struct Frame {
    /// The attribute (or prop) whose value this is, if any.
    attr: Option<String>,
    /// Opened inside an attribute's value: commas do not end that attribute here.
    in_value: bool,
    /// Inside `(…)` or `[…]` outside any attribute: Rust arguments, not text nodes.
    code: bool,
}

fn check_ui_text(tokens: &[Token]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 2 < tokens.len() {
        let is_rsx = tokens[i].tok == Tok::Ident("rsx".into())
            && tokens[i + 1].tok == Tok::Punct('!')
            && matches!(tokens[i + 2].tok, Tok::Punct('{' | '('));
        if !is_rsx {
            i += 1;
            continue;
        }
        i = check_rsx(tokens, i + 2, &mut found);
    }
    found
}

/// Checks one `rsx!` body starting at its opening bracket; returns the index past its end.
fn check_rsx(tokens: &[Token], open: usize, found: &mut Vec<(usize, String)>) -> usize {
    let tok = |k: usize| tokens.get(k).map(|t| &t.tok);
    let mut stack = vec![Frame {
        attr: None,
        in_value: false,
        code: false,
    }];
    let mut k = open + 1;
    while k < tokens.len() && !stack.is_empty() {
        let top = stack.last_mut().expect("not empty");
        match &tokens[k].tok {
            // `name: value` or `"aria-label": value` (not a path's `::`) starts an attribute.
            Tok::Ident(name) | Tok::Str(name)
                if !top.code
                    && tok(k + 1) == Some(&Tok::Punct(':'))
                    && tok(k + 2) != Some(&Tok::Punct(':'))
                    && tok(k.wrapping_sub(1)) != Some(&Tok::Punct(':')) =>
            {
                top.attr = Some(name.clone());
                k += 2;
                continue;
            }
            Tok::Punct(',') if !top.in_value && !top.code => top.attr = None,
            Tok::Punct(open @ ('{' | '(' | '[')) => {
                let attr = top.attr.clone();
                let frame = Frame {
                    in_value: attr.is_some() || top.in_value,
                    code: top.code || (attr.is_none() && *open != '{'),
                    attr,
                };
                stack.push(frame);
            }
            Tok::Punct('}' | ')' | ']') => {
                stack.pop();
            }
            Tok::Str(s) => {
                let text = readable_text(s);
                let problem = match &top.attr {
                    Some(attr) if !is_invisible_attr(attr) => Some(format!("attribute `{attr}`")),
                    Some(_) => None,
                    None if top.code => None,
                    None => Some("a text node".to_string()),
                };
                if let (Some(place), false) = (problem, text.is_empty()) {
                    found.push((
                        tokens[k].line,
                        format!("UI text {s:?} in {place}: put it in src/i18n.rs and use lang.tr(Msg::…) (an icon: components/icon.rs)"),
                    ));
                }
            }
            _ => {}
        }
        k += 1;
    }
    k
}

// ---- Running the rules over the tree ------------------------------------------------------------

/// The workspace root (this crate is `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// The `.rs` files under `dir`, sorted, without test-only files.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && stem != "tests"
                && !stem.starts_with("test_")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs `check` over every file under the `dirs` (relative to the root), except `exempt`.
fn run_rule(
    dirs: &[&str],
    exempt: &[&str],
    check: fn(&[Token]) -> Vec<(usize, String)>,
) -> Vec<Violation> {
    let root = root();
    let mut out = Vec::new();
    for dir in dirs {
        let files = rust_files(&root.join(dir));
        // A moved directory must not make the rule pass by checking nothing.
        assert!(!files.is_empty(), "{dir}: no Rust files to check");
        for path in files {
            let rel = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            if exempt.contains(&rel.as_str()) {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let tokens = without_test_modules(lex(&src));
            out.extend(check(&tokens).into_iter().map(|(line, message)| Violation {
                path: rel.clone(),
                line,
                message,
            }));
        }
    }
    out
}

fn report(rule: &str, violations: &[Violation]) {
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        violations.is_empty(),
        "{rule}: {} violation(s)\n{}",
        violations.len(),
        list.join("\n")
    );
}

#[test]
fn the_app_is_ui_only() {
    report(
        "rule 1 (src/ is UI only: no SQL, no HTTP)",
        // The webview's asset handler answers the player with the webview's own response type
        // (a kept lecture played offline; what it answers is juko-core's), and on WebKitGTK the
        // page fetches that file from it (the app's own files, never the network).
        &run_rule(&["src"], &["src/platform/kept_video.rs"], check_ui_only),
    );
}

#[test]
fn only_juko_moodle_knows_moodle_names() {
    report(
        "rule 2 (Moodle names only in crates/moodle)",
        &run_rule(
            &["crates/core/src", "crates/model/src", "src"],
            &[],
            check_no_moodle_names,
        ),
    );
}

#[test]
fn every_ui_string_is_in_the_catalogue() {
    report(
        "rule 3 (UI text only in src/i18n.rs)",
        &run_rule(&["src/views", "src/components"], &[], check_ui_text),
    );
}

/// `unsafe_code` is denied for the workspace (Cargo.toml); the lint can only be lifted by naming
/// it, so naming it anywhere but the one module that needs it (an Objective-C delegate for iOS)
/// is a violation.
#[test]
fn unsafe_code_only_where_ffi_needs_it() {
    const ALLOWED: &[&str] = &["src/platform/open_ios.rs"];
    let root = root();
    let mut found = Vec::new();
    for dir in ["src", "crates", "xtask/src", "tests", "benches"] {
        for path in rust_files(&root.join(dir)) {
            let rel = path.strip_prefix(&root).expect("under the root");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            for (i, line) in src.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                // This file names the lint to look for it.
                let exempt = ALLOWED.contains(&rel.as_str()) || rel == "xtask/src/tidy.rs";
                if code.contains("unsafe_code") && !exempt {
                    found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "unsafe_code lifted outside {ALLOWED:?}:\n{}",
        found.join("\n")
    );
}

/// The checkers themselves: what each must flag, and what it must let through.
mod checkers {
    use super::*;

    fn lines(check: fn(&[Token]) -> Vec<(usize, String)>, src: &str) -> Vec<usize> {
        check(&without_test_modules(lex(src)))
            .into_iter()
            .map(|(line, _)| line)
            .collect()
    }

    #[test]
    fn lexes_strings_comments_and_chars() {
        let t = lex(
            "let a = r#\"x \"y\" z\"#; // \"no\"\n/* \"no\" /* nested */ */ let b = '\"'; b\"q\\\"\" 'a",
        );
        let strings: Vec<&Tok> = t
            .iter()
            .map(|t| &t.tok)
            .filter(|t| matches!(t, Tok::Str(_)))
            .collect();
        assert_eq!(
            strings,
            [&Tok::Str("x \"y\" z".into()), &Tok::Str("q\\\"".into())]
        );
        assert_eq!(t.last().map(|t| t.line), Some(2));
        assert!(
            lex("r#type")
                .iter()
                .any(|t| t.tok == Tok::Ident("type".into()))
        );
    }

    #[test]
    fn skips_test_modules() {
        let src = "fn a() {}\n#[cfg(test)]\nmod tests { const X: &str = \"invalidtoken\"; }\nconst Y: &str = \"invalidtoken\";";
        assert_eq!(lines(check_no_moodle_names, src), [4]);
    }

    #[test]
    fn rule_1_flags_sql_and_http_only() {
        let bad = "use reqwest::Client;\nlet q = \"SELECT id FROM t\";\nlet s = http::StatusCode::OK;\neval(\"await fetch(url)\");";
        assert_eq!(lines(check_ui_only, bad), [1, 2, 3, 4]);
        let good = "// reqwest is not used here\nlet s = \"Select a course\"; let h = self.http; let u = \"https://x\";";
        assert_eq!(lines(check_ui_only, good), Vec::<usize>::new());
    }

    #[test]
    fn rule_2_flags_moodle_names_in_literals_only() {
        let bad = "let f = \"local_juko_push_progress\";\nif code == \"invalidtoken\" {}\nlet k = (\"wstoken\", t);\nlet u = \"webservice/rest/server.php\";";
        assert_eq!(lines(check_no_moodle_names, bad), [1, 2, 3, 4]);
        let good = "let core_id = 1; // core_webservice_get_site_info\nlet s = \"encore_x\"; let m = \"mod_\"; let e = \"an invalidtokens list\";";
        assert_eq!(lines(check_no_moodle_names, good), Vec::<usize>::new());
    }

    #[test]
    fn rule_3_flags_text_nodes_and_visible_attributes() {
        let bad = "rsx! {\n div { class: \"x\", \"Loading…\" }\n input { placeholder: \"https://…\" }\n span { title: \"{n} 件\" }\n p { \"完了\" }\n}";
        assert_eq!(lines(check_ui_text, bad), [2, 3, 4, 5]);
        // Icons are SVG (components/icon.rs): an emoji or a symbol character is flagged.
        let symbols =
            "rsx! {\n span { \"🔒\" }\n a { \"← \" {lang.tr(Msg::Back)} }\n b { \"✓\" }\n}";
        assert_eq!(lines(check_ui_text, symbols), [2, 3, 4]);
        let good = "rsx! {\n div { class: \"sync {state}\", \"data-testid\": \"x\", role: \"status\",\n span { \"— \" {lang.tr(Msg::Back)} \" · {count}\" }\n a { href: \"{url}\", onclick: move |_| log(\"clicked\"), \"…\" }\n Link { to: Route::Home {}, {format!(\"{} {}\", a, b)} }\n p { class: if on { \"on\" } else { \"off\" }, \"{name}\" }\n}\n}\nlet outside = \"Not in rsx\";";
        assert_eq!(lines(check_ui_text, good), Vec::<usize>::new());
    }
}
