//! The web app's shell, laid out for the service worker (`web/sw.js`): what a browser needs to
//! open the app without the network, under URLs that name one build each.
//!
//! ```text
//! dist/index.html                 web/index.html, its asset URLs pointing into app/<code hash>/
//! dist/app/<code hash>/           juko.js, juko_bg.wasm, snippets/ (wasm-bindgen), boot.js,
//!                                 downloads_web.js (imported on first use)
//! dist/manifest.webmanifest, favicon.svg, icons/   copied from public/
//! dist/sw.js                      web/sw.js with this build's version and shell file list
//! ```
//!
//! The code lives in a directory named for the hash of its bytes, so a cached file is never
//! another build's (no juko.js of one build next to the wasm of another), and the worker's cache
//! is named for the hash of the whole shell, so any change (an icon too) is a new worker.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::util;

/// The placeholder in web/index.html for the build's app directory (`/app/<hash>`).
const APP_PLACEHOLDER: &str = "__APP__";
/// The line of web/sw.js xtask fills in: an object literal the worker reads its build from.
const SW_BUILD_LITERAL: &str = r#"const BUILD = { version: "unbuilt", shell: ["/"] };"#;

/// What `assemble` laid out.
pub(crate) struct Shell {
    /// The URLs the service worker precaches, `/` for index.html.
    pub(crate) urls: Vec<String>,
    /// The worker's cache version: a hash of every shell file.
    pub(crate) version: String,
}

/// Puts our own scripts beside wasm-bindgen's output in `code` (before it is minified):
/// web/boot.js, and the lecture downloads' storage, imported by the app on first use
/// (src/platform/downloads_web.rs).
pub(crate) fn add_scripts(code: &Path) -> Result<()> {
    let web = util::root().join("web");
    std::fs::copy(web.join("boot.js"), code.join("boot.js")).context("copy web/boot.js")?;
    let downloads_js = util::root().join("src/platform/downloads_web.js");
    std::fs::copy(&downloads_js, code.join("downloads_web.js"))
        .context("copy src/platform/downloads_web.js")?;
    Ok(())
}

/// Lays out the shell in `staging` from the code in `code` (wasm-bindgen's output and
/// [`add_scripts`]', moved into `staging/app/<hash>/`), web/index.html, web/sw.js and public/.
pub(crate) fn assemble(staging: &Path, code: &Path) -> Result<Shell> {
    let web = util::root().join("web");
    let app_url = format!("/app/{}", content_hash(code)?);
    let app_dir = staging.join(app_url.trim_start_matches('/'));
    std::fs::create_dir_all(app_dir.parent().expect("app/ has a parent"))?;
    std::fs::rename(code, &app_dir).context("move the code into its build directory")?;

    let index = std::fs::read_to_string(web.join("index.html")).context("read web/index.html")?;
    std::fs::write(staging.join("index.html"), fill_index(&index, &app_url)?)?;
    let public = util::root().join("public");
    if public.is_dir() {
        util::copy_dir(&public, staging)?;
    }

    let urls = files(staging)?.iter().map(|rel| url_of(rel)).collect();
    let shell = Shell {
        urls,
        version: content_hash(staging)?,
    };
    // Fetched when the learner opens the licences (設定), so not precached: not the first load.
    let licences = std::fs::read_to_string(crate::licences::path())
        .context("read assets/licences.txt (run `cargo xtask licences`)")?;
    std::fs::write(
        staging.join("licences.html"),
        crate::licences::page(&licences),
    )?;
    let sw = std::fs::read_to_string(web.join("sw.js")).context("read web/sw.js")?;
    std::fs::write(staging.join("sw.js"), fill_sw(&sw, &shell)?)?;
    Ok(shell)
}

/// index.html with every asset URL pointing into the build's directory.
fn fill_index(template: &str, app_url: &str) -> Result<String> {
    if !template.contains(APP_PLACEHOLDER) {
        bail!("web/index.html has no {APP_PLACEHOLDER} placeholder for the app's files");
    }
    Ok(template.replace(APP_PLACEHOLDER, app_url))
}

/// sw.js with this build's version and shell list in place of its unbuilt default.
fn fill_sw(template: &str, shell: &Shell) -> Result<String> {
    if template.matches(SW_BUILD_LITERAL).count() != 1 {
        bail!("web/sw.js must contain the line `{SW_BUILD_LITERAL}` exactly once");
    }
    let build = format!(
        r#"const BUILD = {{ version: {}, shell: {} }};"#,
        serde_json::to_string(&shell.version)?,
        serde_json::to_string(&shell.urls)?
    );
    Ok(template.replace(SW_BUILD_LITERAL, &build))
}

/// The URL a file of the shell is served at; index.html is the site's root page.
fn url_of(rel: &str) -> String {
    if rel == "index.html" {
        "/".to_owned()
    } else {
        format!("/{rel}")
    }
}

/// Every file under `dir`, as sorted relative paths with `/` separators.
pub(crate) fn files(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for e in std::fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
            let path: PathBuf = e?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).expect("under the root");
                let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// The first 16 hex digits of SHA-256 over every file's relative path and bytes: the same
/// files give the same hash on every machine, and any changed byte or name a different one.
fn content_hash(dir: &Path) -> Result<String> {
    let mut h = Sha256::new();
    for rel in files(dir)? {
        let bytes = std::fs::read(dir.join(&rel)).with_context(|| format!("read {rel}"))?;
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    let digest = h.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "juko-xtask-shell-{label}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        util::fresh_dir(&dir).expect("temp dir")
    }

    #[test]
    fn the_hash_follows_names_and_bytes() {
        let dir = temp("hash");
        std::fs::create_dir_all(dir.join("snippets")).unwrap();
        std::fs::write(dir.join("a.js"), "one").unwrap();
        std::fs::write(dir.join("snippets/b.js"), "two").unwrap();
        let first = content_hash(&dir).unwrap();
        assert_eq!(first.len(), 16);
        assert_eq!(content_hash(&dir).unwrap(), first, "stable");
        std::fs::write(dir.join("a.js"), "One").unwrap();
        let changed = content_hash(&dir).unwrap();
        assert_ne!(changed, first, "a changed byte");
        std::fs::rename(dir.join("a.js"), dir.join("c.js")).unwrap();
        assert_ne!(content_hash(&dir).unwrap(), changed, "a renamed file");
        assert_eq!(files(&dir).unwrap(), ["c.js", "snippets/b.js"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn index_points_into_the_build_directory() {
        let html =
            r#"<link rel="modulepreload" href="__APP__/juko.js"><script src="__APP__/boot.js">"#;
        assert_eq!(
            fill_index(html, "/app/0123").unwrap(),
            r#"<link rel="modulepreload" href="/app/0123/juko.js"><script src="/app/0123/boot.js">"#
        );
        assert!(fill_index("<html>", "/app/0123").is_err());
    }

    #[test]
    fn the_worker_gets_the_version_and_the_shell() {
        let shell = Shell {
            urls: vec!["/".into(), "/app/01/juko.js".into()],
            version: "abc".into(),
        };
        let sw = format!("// worker\n{SW_BUILD_LITERAL}\nconst CACHE = BUILD.version;\n");
        assert_eq!(
            fill_sw(&sw, &shell).unwrap(),
            "// worker\nconst BUILD = { version: \"abc\", shell: [\"/\",\"/app/01/juko.js\"] };\nconst CACHE = BUILD.version;\n"
        );
        assert!(fill_sw("// no build line", &shell).is_err());
    }

    #[test]
    fn the_real_templates_have_their_placeholders() {
        let web = util::root().join("web");
        let index = std::fs::read_to_string(web.join("index.html")).unwrap();
        assert!(fill_index(&index, "/app/x").is_ok());
        let sw = std::fs::read_to_string(web.join("sw.js")).unwrap();
        let shell = Shell {
            urls: vec!["/".into()],
            version: "v".into(),
        };
        assert!(fill_sw(&sw, &shell).is_ok());
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("icons/icon-192.png"), "/icons/icon-192.png");
    }
}
