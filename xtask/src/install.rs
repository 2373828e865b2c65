//! Idempotent installers: every function checks first and installs only what is missing, so running
//! any subcommand twice costs nothing the second time. A fresh Debian 12 machine (CI) gets everything
//! from Debian's packages, crates.io and npm; nothing else is reachable there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use crate::util::{self, note, output, run, step, which, works};

/// Apt's package lists are refreshed once per xtask run, and only when something must be installed.
static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// The Debian route for wasm32 (TOOLCHAIN.md). One apt command: rustc and the std sources it rebuilds
/// must be the same release. Clippy too, since `xtask test` lints the wasm build with it.
pub(crate) const DEBIAN_WASM: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "lld-22",
    // Last: dropped on a retry when the mirror lacks it.
    "rust-web-clippy",
];

/// Building and running the desktop app (WebKitGTK through wry), with codecs for MP4 lectures.
pub(crate) const DESKTOP: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
    "gstreamer1.0-libav",
];

/// Running the desktop app headless, with screenshots.
pub(crate) const HEADLESS: &[&str] = &["xvfb", "xauth", "imagemagick"];

/// The UI is Japanese first: without a CJK font, Chromium's and WebKit's screenshots (the test
/// artifacts) show boxes instead of text. The demo server sets its certificate PDFs in the same
/// Noto Sans CJK JP, so `test` and `demo` install it before the server runs.
pub(crate) const FONTS: &[&str] = &["fonts-noto-cjk"];

fn is_debian() -> bool {
    Path::new("/usr/bin/dpkg-query").exists() && Path::new("/usr/bin/apt-get").exists()
}

fn installed(pkg: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]))
        .is_ok_and(|s| s.contains("install ok installed"))
}

fn version(pkg: &str) -> Option<String> {
    output(Command::new("dpkg-query").args(["-W", "-f=${Version}", pkg]))
        .ok()
        .map(|s| s.trim().to_string())
}

fn apt_command(args: &[&str]) -> Command {
    // CI runs as root; a developer's machine goes through sudo.
    let mut cmd = if util::is_root() {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    };
    // Another xtask (or apt) in this machine may hold dpkg's lock: wait for it instead of failing.
    cmd.args(["-o", "DPkg::Lock::Timeout=600"])
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

fn apt_install(pkgs: &[&str]) -> Result<()> {
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run(&mut apt_command(&["update", "-q"]))?;
    }
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(pkgs);
    run(&mut apt_command(&args))
}

/// Installs the Debian packages that are missing (one apt command for all of them).
/// Off Debian it only says what it expected, and the build that needs them reports what is wrong.
pub(crate) fn apt(pkgs: &[&str]) -> Result<()> {
    if !is_debian() {
        note(&format!(
            "not a Debian system: make sure these (or their equivalents) are installed: {}",
            pkgs.join(" ")
        ));
        return Ok(());
    }
    let missing: Vec<&str> = pkgs.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!("apt-get install {}", missing.join(" ")));
    apt_install(&missing)
}

/// The Debian wasm toolchain, checked for the rustc/std-source version match `-Zbuild-std` needs.
pub(crate) fn debian_wasm_toolchain() -> Result<()> {
    if let Err(e) = apt(DEBIAN_WASM) {
        // Clippy only lints; the build must not depend on it being in the mirror.
        note(&format!("{e:#}; retrying without rust-web-clippy"));
        apt(&DEBIAN_WASM[..DEBIAN_WASM.len() - 1])?;
    }
    if !is_debian() {
        return Ok(());
    }
    let (rustc, src) = (version("rustc-web"), version("rust-web-src"));
    if rustc != src {
        // Upgrading both in one command brings them to the same release again.
        step("rustc-web and rust-web-src differ; installing both from the same release");
        note(&format!("rustc-web {rustc:?}, rust-web-src {src:?}"));
        apt_install(&["rustc-web", "cargo-web", "rust-web-src", "rust-web-clippy"])?;
        if version("rustc-web") != version("rust-web-src") {
            bail!("rustc-web and rust-web-src are still different versions");
        }
    }
    Ok(())
}

/// Root of the tool cache (wasm-bindgen-cli, npm build tools). Under target/ so `cargo clean`
/// clears it and git ignores it; CI may cache it.
pub(crate) fn tools_dir() -> PathBuf {
    util::target_dir().join("tools")
}

/// The version of the `wasm-bindgen` crate in Cargo.lock: the CLI must be exactly this version.
pub(crate) fn locked_version(krate: &str) -> Result<String> {
    let lock =
        std::fs::read_to_string(util::root().join("Cargo.lock")).context("read Cargo.lock")?;
    let mut lines = lock.lines();
    let needle = format!("name = \"{krate}\"");
    while let Some(l) = lines.next() {
        if l == needle
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("{krate} is not in Cargo.lock")
}

/// wasm-bindgen-cli at exactly the Cargo.lock version, cached per version under target/tools.
pub(crate) fn wasm_bindgen() -> Result<PathBuf> {
    let ver = locked_version("wasm-bindgen")?;
    let root = tools_dir().join(format!("wasm-bindgen-{ver}"));
    let bin = root.join("bin/wasm-bindgen");
    let have = output(Command::new(&bin).arg("--version"))
        .is_ok_and(|s| s.trim() == format!("wasm-bindgen {ver}"));
    if have {
        return Ok(bin);
    }
    step(&format!(
        "cargo install wasm-bindgen-cli@{ver} (about 2 minutes, once)"
    ));
    let install = |locked: bool| {
        let mut cmd = util::cargo();
        cmd.args(["install", "wasm-bindgen-cli", "--version"])
            .arg(format!("={ver}"))
            .args(["--bin", "wasm-bindgen", "--root"])
            .arg(&root)
            // cargo install builds in a temporary directory unless told otherwise: keep it out of
            // the project's target dir (and its lock) entirely.
            .env_remove("CARGO_TARGET_DIR");
        if locked {
            cmd.arg("--locked");
        }
        run(&mut cmd)
    };
    // --locked is the reproducible choice, but the crate's own lockfile has named dependency
    // versions that this registry mirror does not have (seen: webpki-roots 1.0.11).
    if install(true).is_err() {
        note("--locked failed; retrying with the newest compatible dependencies");
        install(false)?;
    }
    Ok(bin)
}

fn require_npm() -> Result<()> {
    if !works("npm", &["--version"]) || !works("node", &["--version"]) {
        bail!("node and npm are needed (Debian: apt-get install nodejs npm; CI has node 20)");
    }
    Ok(())
}

/// `npm ci` in `dir`, skipped when node_modules was installed from the same package-lock.json.
/// Never downloads a browser: Playwright uses Debian's chromium.
pub(crate) fn npm_ci(dir: &Path) -> Result<()> {
    require_npm()?;
    let lock = std::fs::read(dir.join("package-lock.json"))
        .with_context(|| format!("{}/package-lock.json is missing", dir.display()))?;
    let stamp = dir.join("node_modules/.xtask-installed-lock");
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(());
    }
    step(&format!("npm ci in {}", dir.display()));
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    std::fs::write(&stamp, lock)?;
    Ok(())
}

/// npm `binaryen`'s wasm-opt (Debian's binaryen 108 cannot read wasm-bindgen output).
pub(crate) fn wasm_opt() -> Result<PathBuf> {
    Ok(npm_tools("web", "web-npm")?.join("wasm-opt"))
}

/// npm's esbuild: it minifies the web bundle's JS (and the Dioxus CLI looks for it on PATH).
pub(crate) fn esbuild() -> Result<PathBuf> {
    Ok(npm_tools("web", "web-npm")?.join("esbuild"))
}

/// The npm packages of `src` (a directory of the repository with package.json and its lock),
/// installed with `npm ci` into a copy under target/tools/`name` so no node_modules lands in the
/// source tree. Returns their `node_modules/.bin`.
pub(crate) fn npm_tools(src: &str, name: &str) -> Result<PathBuf> {
    let dir = tools_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    for f in ["package.json", "package-lock.json"] {
        let from = util::root().join(src).join(f);
        let to = dir.join(f);
        if std::fs::read(&from)? != std::fs::read(&to).unwrap_or_default() {
            std::fs::copy(&from, &to)?;
        }
    }
    npm_ci(&dir)?;
    Ok(dir.join("node_modules/.bin"))
}

/// playwright-core for the browser tests, from tests/browser/package-lock.json.
pub(crate) fn playwright() -> Result<PathBuf> {
    let dir = util::root().join("tests/browser");
    npm_ci(&dir)?;
    Ok(dir)
}

/// Debian's Chromium (Playwright drives it; it is never downloaded).
pub(crate) fn chromium() -> Result<PathBuf> {
    apt(&[&["chromium"], FONTS].concat())?;
    which("chromium")
        .or_else(|| which("chromium-browser"))
        .context("chromium is not installed (apt-get install chromium)")
}

/// ffmpeg makes the demo server's lecture clips; it draws each lecture's Japanese title with
/// a CJK font it finds through fontconfig (`fc-list`).
pub(crate) fn ffmpeg() -> Result<()> {
    apt(&[&["ffmpeg", "fontconfig"], FONTS].concat())
}

/// The brotli CLI precompresses dist/ (the C encoder at -q 11 takes seconds where an unoptimised
/// Rust encoder in this debug-built xtask would take much longer).
pub(crate) fn brotli() -> Result<PathBuf> {
    apt(&["brotli"])?;
    which("brotli").context("brotli is not installed (apt-get install brotli)")
}
