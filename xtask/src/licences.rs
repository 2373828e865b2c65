//! `cargo xtask licences`: the licences of the app and of every crate it is built from, from
//! `cargo metadata`, into assets/licences.txt. The 設定 screen shows the file: the web build
//! serves it beside the app as a page in the app's colours ([`page`], fetched when the learner
//! opens it, not in the first load), the other builds carry the text. A test keeps the committed
//! file current with Cargo.lock.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::util;

/// The app's package: its normal dependencies, for every platform, are what it ships.
const APP: &str = "juko";

pub(crate) fn path() -> PathBuf {
    util::root().join("assets/licences.txt")
}

/// Writes assets/licences.txt.
pub(crate) fn write() -> Result<()> {
    let text = text()?;
    std::fs::write(path(), &text).context("write assets/licences.txt")?;
    util::note(&format!(
        "assets/licences.txt: {} crates",
        text.lines().count() - HEADER_LINES
    ));
    Ok(())
}

const HEADER_LINES: usize = 3;

/// The file's text: the app's licence, then one line per crate (`name version: licence`).
pub(crate) fn text() -> Result<String> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(util::root())
        .output()
        .context("run cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: Value = serde_json::from_slice(&out.stdout).context("read cargo metadata")?;
    from_metadata(&meta)
}

fn from_metadata(meta: &Value) -> Result<String> {
    let packages: HashMap<&str, &Value> = meta["packages"]
        .as_array()
        .context("no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .context("no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let app = packages
        .values()
        .find(|p| p["name"] == APP && p["source"].is_null())
        .context("no juko package")?;
    let app_id = app["id"].as_str().unwrap_or_default();
    // Everything reachable from the app by normal (not dev, not build) dependencies.
    let mut seen = BTreeSet::new();
    let mut todo = vec![app_id];
    while let Some(id) = todo.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if let Some(dep_id) = dep["pkg"].as_str()
                && normal
                && seen.insert(dep_id)
            {
                todo.push(dep_id);
            }
        }
    }
    let mut lines = BTreeSet::new();
    for id in seen {
        let p = packages
            .get(id)
            .context("a dependency without its package")?;
        let licence = p["license"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| p["license_file"].as_str().map(|f| format!("see {f}")))
            .unwrap_or_else(|| "not stated".into());
        lines.insert(format!(
            "{} {}: {licence}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        ));
    }
    let mut text = format!(
        "Juko {}: {}\n\nBuilt from these crates (name version: licence):\n",
        app["version"].as_str().unwrap_or("?"),
        app["license"].as_str().unwrap_or("not stated"),
    );
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    Ok(text)
}

/// The web build's licences page: `text` in the app's card colours, dark when the system is
/// (`prefers-color-scheme`), and as 設定 chose when the page is opened at `#light` or `#dark`
/// (CSS `:target`: the page runs no script, and changing the fragment restyles it without a
/// reload). The colours are `--card` and `--ink` of assets/main.css in each theme.
pub(crate) fn page(text: &str) -> String {
    const LIGHT: &str = "color-scheme:light;color:#1d2433;background:#fff";
    const DARK: &str = "color-scheme:dark;color:#e6e9ef;background:#1b212b";
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<title>Licences</title>\n<style>\n\
         :root{{{LIGHT};font:0.8rem/1.6 system-ui,sans-serif}}\n\
         @media (prefers-color-scheme:dark){{:root:not(:has(#light:target)){{{DARK}}}}}\n\
         :root:has(#dark:target){{{DARK}}}\n\
         body{{margin:0}}pre{{margin:0;font:inherit;white-space:pre-wrap}}\n\
         </style>\n<i id=\"light\"></i><i id=\"dark\"></i>\n<pre>{escaped}</pre>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_licences_are_current() {
        let want = text().expect("cargo metadata");
        let have = std::fs::read_to_string(path()).unwrap_or_default();
        assert!(
            have == want,
            "assets/licences.txt is out of date with Cargo.lock: run `cargo xtask licences`"
        );
        // The app's own crates are not listed as dependencies of themselves, the rest are.
        assert!(want.starts_with("Juko "), "{want}");
        assert!(want.contains("\ndioxus "), "{want}");
        assert!(!want.contains("\nrusqlite-demo"), "{want}");
    }

    #[test]
    fn only_what_the_app_ships_is_listed() {
        let meta: Value = serde_json::json!({
            "packages": [
                { "id": "a", "name": "juko", "version": "1.0.0", "license": "MIT", "source": null },
                { "id": "b", "name": "lib", "version": "2.0.0", "license": "Apache-2.0", "source": "registry" },
                { "id": "c", "name": "testonly", "version": "3.0.0", "license": "MIT", "source": "registry" },
                { "id": "d", "name": "deep", "version": "4.0.0", "license": null, "license_file": "LICENSE", "source": "registry" }
            ],
            "resolve": { "nodes": [
                { "id": "a", "deps": [
                    { "pkg": "b", "dep_kinds": [{ "kind": null }] },
                    { "pkg": "c", "dep_kinds": [{ "kind": "dev" }] }
                ] },
                { "id": "b", "deps": [{ "pkg": "d", "dep_kinds": [{ "kind": null }] }] }
            ] }
        });
        let text = from_metadata(&meta).unwrap();
        assert_eq!(
            text,
            "Juko 1.0.0: MIT\n\nBuilt from these crates (name version: licence):\n\
             deep 4.0.0: see LICENSE\nlib 2.0.0: Apache-2.0\n"
        );
    }

    #[test]
    fn the_page_follows_the_theme_and_shows_text_as_text() {
        let page = page("a <b>&c</b> 1.0: MIT\n");
        assert!(
            page.contains("<pre>a &lt;b&gt;&amp;c&lt;/b&gt; 1.0: MIT\n</pre>"),
            "{page}"
        );
        // The system's dark, unless 設定 chose light; 設定's dark whatever the system.
        assert!(page.contains("@media (prefers-color-scheme:dark){:root:not(:has(#light:target)){color-scheme:dark;"), "{page}");
        assert!(
            page.contains(":root:has(#dark:target){color-scheme:dark;"),
            "{page}"
        );
        assert!(
            page.contains("id=\"light\"") && page.contains("id=\"dark\""),
            "{page}"
        );
        // Inline style only: the site's Content-Security-Policy runs no inline script.
        assert!(!page.contains("<script"), "{page}");
    }
}
