//! The web bundle: cargo (wasm32) → wasm-bindgen → wasm-opt → dist/ with brotli siblings.
//!
//! Two routes to a wasm32 compiler (TOOLCHAIN.md): a toolchain that ships the wasm32 std (rustup with
//! the target added: the ordinary developer machine) builds plainly; otherwise Debian's rustc-web 1.96
//! rebuilds std from rust-web-src with `-Zbuild-std` and links with wasm-ld-22.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::install;
use crate::shell;
use crate::util::{self, note, output, run, secs, step};

pub(crate) const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// Which compiler builds wasm32 here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// The toolchain xtask runs with has the wasm32 std (e.g. `rustup target add`).
    Native,
    /// Debian's rustc-web with the std rebuilt from source.
    Debian,
}

impl Route {
    /// Looks for the wasm32 std in the sysroot of the toolchain we run with: that is what
    /// `rustup target list --installed` reports, and it also covers toolchains not managed by rustup.
    pub(crate) fn detect() -> Route {
        let sysroot = output(Command::new("rustc").args(["--print", "sysroot"]))
            .map(|s| PathBuf::from(s.trim()))
            .unwrap_or_default();
        if sysroot
            .join("lib/rustlib")
            .join(TARGET)
            .join("lib")
            .is_dir()
        {
            Route::Native
        } else {
            Route::Debian
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Route::Native => "the toolchain's own wasm32 std",
            Route::Debian => {
                "Debian rustc-web + -Zbuild-std (std optimize_for_size) + wasm-ld-22 (no wasm32 std in this toolchain)"
            }
        }
    }

    /// Installs the compiler side of the route.
    pub(crate) fn ensure(self) -> Result<()> {
        match self {
            Route::Native => Ok(()),
            Route::Debian => install::debian_wasm_toolchain(),
        }
    }

    /// A cargo command for the wasm32 target, e.g. `cargo(&["build"])` or `cargo(&["clippy"])`,
    /// with the environment of the route. Arguments after the subcommand are appended by the caller.
    pub(crate) fn cargo(self, subcommand: &str) -> Command {
        let mut cmd;
        match self {
            Route::Native => {
                cmd = util::cargo();
                cmd.arg(subcommand);
            }
            Route::Debian => {
                if subcommand == "clippy" {
                    // /usr/bin/cargo would find rustup's cargo-clippy proxy in ~/.cargo/bin first
                    // (1.95, which has no std for wasm32); Debian's cargo-clippy finds its own
                    // clippy-driver next to itself and runs `$CARGO check`.
                    cmd = Command::new("/usr/bin/cargo-clippy");
                    cmd.arg("clippy");
                } else {
                    cmd = Command::new("/usr/bin/cargo");
                    cmd.arg(subcommand);
                }
                let path = std::env::var("PATH").unwrap_or_default();
                cmd.env("PATH", format!("/usr/bin:{path}"))
                    .env("CARGO", "/usr/bin/cargo")
                    .env("RUSTC", "/usr/bin/rustc")
                    .env("RUSTDOC", "/usr/bin/rustdoc")
                    // -Zbuild-std is unstable; Debian's compiler is a stable release.
                    .env("RUSTC_BOOTSTRAP", "1")
                    // Set by rustup for the `cargo xtask` process; it must not leak into Debian's tools.
                    .env_remove("RUSTUP_TOOLCHAIN")
                    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", wasm_linker())
                    .current_dir(util::root());
            }
        }
        // A separate target dir: the wasm build must not thrash (or wait on) the native one.
        // No extra RUSTFLAGS: the getrandom versions in the wasm tree (0.2.17, 0.3.4) take their
        // browser backend from the features `juko/web` turns on; `--cfg getrandom_backend` is
        // only needed by 0.3.0–0.3.3 (verified: the build succeeds without it). A RUSTFLAGS meant
        // for native code must not reach the wasm build either.
        cmd.env("CARGO_TARGET_DIR", target_dir())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        cmd
    }

    /// Flags after the subcommand that this route needs (build-std for Debian).
    pub(crate) fn extra_args(self) -> &'static [&'static str] {
        match self {
            Route::Native => &[],
            Route::Debian => &["-Zbuild-std=std,panic_abort"],
        }
    }

    /// The flags for building the bundle itself. Debian's route rebuilds std, so it builds it
    /// with std's `optimize_for_size` algorithms (sorting, number formatting and parsing: the
    /// same results, smaller code): 502,998 → 488,102 B brotli, mostly one sort per element
    /// type sorted. These replace cargo's default std features (`panic-unwind`, `backtrace`),
    /// which do nothing here: the profile aborts on panic, and a wasm32-unknown-unknown program
    /// never captures a backtrace.
    pub(crate) fn bundle_args(self) -> &'static [&'static str] {
        match self {
            Route::Native => &[],
            Route::Debian => &[
                "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=optimize_for_size",
            ],
        }
    }

    /// Compiler flags for the bundle only (never the lints' build). Debian's route may use
    /// unstable ones: `-Zlocation-detail=none` leaves out the file, line and column of every
    /// possible panic (the panic hook still prints the message; the release build aborts
    /// anyway). With `tracing/release_max_level_warn` this took the first load from 596.3 to
    /// about 580 KB brotli.
    pub(crate) fn bundle_rustflags(self) -> Option<&'static str> {
        match self {
            Route::Native => None,
            Route::Debian => Some("-Zlocation-detail=none"),
        }
    }
}

/// The wasm features rustc enables by default for wasm32-unknown-unknown (1.87+). wasm-opt would
/// read them from the `target_features` section, but `strip = true` in the wasm-release profile
/// removes it, and without them wasm-opt rejects `memory.copy` and `trunc_sat`.
/// wasm-opt's passes for the bundle. `--low-memory-unused` lets it fold constant offsets into
/// loads and stores, assuming the first KiB of memory is never addressed: true of Rust's wasm32
/// output, whose stack comes first (`--stack-first`) and grows down from 1 MiB towards it, so
/// only an overflowed stack would reach it (the app has trapped long before). `--converge` runs
/// the passes again while they still shrink it. Together about 2.7 KB off the brotli'd wasm.
const WASM_OPT_PASSES: &[&str] = &["-Oz", "--low-memory-unused", "--converge"];

/// Minifies the app's JS in place, one ES module each (nothing is bundled: their file names and
/// imports stay), as the Dioxus CLI does for release: wasm-bindgen's glue, the crates' snippets,
/// and our boot.js and downloads_web.js beside them.
fn minify_js(esbuild: &Path, code: &Path) -> Result<()> {
    step("esbuild --minify (the JS glue, snippets, boot.js and downloads_web.js)");
    let mut files = Vec::new();
    let mut dirs = vec![code.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "js") {
                files.push(path);
            }
        }
    }
    for file in files {
        minify_file(esbuild, &file, Some("esm"))?;
    }
    Ok(())
}

/// Minifies one JS file in place; `format` `None` for a classic script (the service worker),
/// whose top-level names esbuild then leaves as they are.
fn minify_file(esbuild: &Path, file: &Path, format: Option<&str>) -> Result<()> {
    let before = size(file)?;
    let mut cmd = Command::new(esbuild);
    cmd.arg(file)
        .args(["--minify", "--log-level=warning", "--allow-overwrite"])
        .arg(format!("--outfile={}", file.display()));
    if let Some(format) = format {
        cmd.arg(format!("--format={format}"));
    }
    run(&mut cmd)?;
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    note(&format!("{name}: {before} → {} bytes", size(file)?));
    Ok(())
}

const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// wasm-ld-22 (lld-22); wasm-ld-14 from `lld` links too where 22 is absent.
pub(crate) fn wasm_linker() -> &'static str {
    if util::which("wasm-ld-22").is_some() || util::which("wasm-ld-14").is_none() {
        "wasm-ld-22"
    } else {
        "wasm-ld-14"
    }
}

pub(crate) fn target_dir() -> PathBuf {
    util::target_dir().join("wasm")
}

pub(crate) fn dist_dir() -> PathBuf {
    util::root().join("dist")
}

/// What a web build produced, for the log and BENCHMARKS.md.
pub(crate) struct WebBuild {
    pub(crate) route: Route,
    pub(crate) wasm_raw: u64,
    pub(crate) wasm_br: u64,
    pub(crate) js_raw: u64,
    pub(crate) js_br: u64,
    pub(crate) cargo_secs: f64,
    /// The service worker's cache version (a hash of the shell).
    pub(crate) version: String,
    /// Everything a first visit downloads: the page, the app, the worker and what it precaches.
    pub(crate) files: Vec<ShellFile>,
}

impl WebBuild {
    /// The first load's bytes, raw and as served (brotli where the server has it).
    pub(crate) fn first_load(&self) -> (u64, u64) {
        self.files
            .iter()
            .fold((0, 0), |(r, t), f| (r + f.raw, t + f.transfer))
    }
}

/// One file of the shell as served.
pub(crate) struct ShellFile {
    /// Its URL path, `/` for index.html.
    pub(crate) url: String,
    pub(crate) raw: u64,
    /// Bytes on the wire: the brotli file for text and wasm, the file itself for images.
    pub(crate) transfer: u64,
}

/// Installs what the build needs: the compiler route, wasm-bindgen-cli, wasm-opt, brotli.
pub(crate) fn ensure_tools(route: Route) -> Result<Tools> {
    route.ensure()?;
    let brotli = install::brotli()?;
    let bindgen = install::wasm_bindgen()?;
    // Both only make the bundle smaller: it works without them, so they never block the demo.
    let optional = |what: &str, found: Result<PathBuf>| match found {
        Ok(p) => Some(p),
        Err(e) => {
            note(&format!("{what} unavailable, skipping it: {e:#}"));
            None
        }
    };
    Ok(Tools {
        wasm_opt: optional("wasm-opt", install::wasm_opt()),
        esbuild: optional("esbuild", install::esbuild()),
        bindgen,
        brotli,
    })
}

/// What the bundle is made with besides cargo.
pub(crate) struct Tools {
    pub(crate) bindgen: PathBuf,
    pub(crate) wasm_opt: Option<PathBuf>,
    pub(crate) esbuild: Option<PathBuf>,
    pub(crate) brotli: PathBuf,
}

/// Builds the web app into dist/.
/// The web app as cargo names it: the `juko` binary with only the `web` feature.
pub(crate) const WEB_APP: &[&str] = &[
    "-p",
    "juko",
    "--bin",
    "juko",
    "--no-default-features",
    "--features",
    "web",
];

pub(crate) fn build() -> Result<WebBuild> {
    let route = Route::detect();
    step(&format!("web build: wasm32 via {}", route.describe()));
    let Tools {
        bindgen,
        wasm_opt,
        esbuild,
        brotli,
    } = ensure_tools(route)?;

    step("cargo build (wasm32, profile wasm-release)");
    let t0 = Instant::now();
    let mut cmd = route.cargo("build");
    cmd.args(route.bundle_args())
        .args(WEB_APP)
        .args(["--profile", PROFILE, "--target", TARGET]);
    if let Some(flags) = route.bundle_rustflags() {
        cmd.env("CARGO_ENCODED_RUSTFLAGS", flags);
    }
    run(&mut cmd)?;
    let cargo_secs = t0.elapsed().as_secs_f64();
    note(&format!("cargo build: {}", secs(t0.elapsed())));
    let wasm_in = target_dir().join(TARGET).join(PROFILE).join("juko.wasm");
    note(&format!("{}: {} bytes", wasm_in.display(), size(&wasm_in)?));

    let dist = dist_dir();
    // Assemble elsewhere and swap at the end, so a failed build never leaves a half-written dist/.
    let staging = util::fresh_dir(&util::run_dir().join("dist.partial"))?;

    // wasm-bindgen writes juko.js, juko_bg.wasm and snippets/ here; `shell::assemble` then moves
    // them into the build's own app/<hash>/ directory.
    let code = staging.join("app.partial");
    step("wasm-bindgen --target web");
    run(Command::new(&bindgen)
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "juko",
            "--out-dir",
        ])
        .arg(&code)
        .arg(&wasm_in))?;
    let wasm = code.join("juko_bg.wasm");
    note(&format!("wasm-bindgen output: {} bytes", size(&wasm)?));

    if let Some(opt) = &wasm_opt {
        step("wasm-opt -Oz (npm binaryen)");
        let t = Instant::now();
        run(Command::new(opt)
            .args(WASM_OPT_PASSES)
            .args(WASM_FEATURES)
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm))?;
        note(&format!(
            "wasm-opt: {} bytes ({})",
            size(&wasm)?,
            secs(t.elapsed())
        ));
    }

    shell::add_scripts(&code)?;
    if let Some(esbuild) = &esbuild {
        minify_js(esbuild, &code)?;
    }

    step("app shell (index.html, service worker, manifest, icons) and brotli");
    let shell = shell::assemble(&staging, &code)?;
    if let Some(esbuild) = &esbuild {
        minify_file(esbuild, &staging.join("sw.js"), None)?;
    }
    compress_tree(&brotli, &staging)?;

    if dist.exists() {
        // Renamed away first, then removed: dist/ is missing for a moment only.
        let old = util::run_dir().join("dist.old");
        std::fs::rename(&dist, &old)
            .or_else(|_| std::fs::remove_dir_all(&dist))
            .context("remove old dist/")?;
        let _ = std::fs::remove_dir_all(&old);
    }
    if std::fs::rename(&staging, &dist).is_err() {
        // target/ on another filesystem (CARGO_TARGET_DIR): copy instead.
        util::copy_dir(&staging, &dist).context("copy the build into dist/")?;
        std::fs::remove_dir_all(&staging)?;
    }

    let files = shell_files(&dist, &shell.urls)?;
    let file = |suffix: &str| {
        files
            .iter()
            .find(|f| f.url.ends_with(suffix))
            .with_context(|| format!("no {suffix} in the build"))
    };
    let (wasm, js) = (file("/juko_bg.wasm")?, file("/juko.js")?);
    let b = WebBuild {
        route,
        wasm_raw: wasm.raw,
        wasm_br: wasm.transfer,
        js_raw: js.raw,
        js_br: js.transfer,
        cargo_secs,
        version: shell.version,
        files,
    };
    let (raw, transfer) = b.first_load();
    note(&format!(
        "dist/ (build {}): juko_bg.wasm {} B ({} B brotli), juko.js {} B ({} B brotli); first load \
         with the service worker's precache: {} files, {raw} B raw, {transfer} B as served",
        b.version,
        b.wasm_raw,
        b.wasm_br,
        b.js_raw,
        b.js_br,
        b.files.len(),
    ));
    Ok(b)
}

/// The shell's files as served: the precached ones and the worker itself, each with its size on
/// the wire (the brotli sibling where there is one).
fn shell_files(dist: &Path, urls: &[String]) -> Result<Vec<ShellFile>> {
    let mut out = Vec::new();
    for url in urls.iter().map(String::as_str).chain(["/sw.js"]) {
        let rel = if url == "/" { "index.html" } else { &url[1..] };
        let path = dist.join(rel);
        let raw = size(&path)?;
        let br = path.with_extension(format!("{}.br", ext(&path)));
        let transfer = if compressible(&path) { size(&br)? } else { raw };
        out.push(ShellFile {
            url: url.to_owned(),
            raw,
            transfer,
        });
    }
    Ok(out)
}

pub(crate) fn size(p: &Path) -> Result<u64> {
    Ok(std::fs::metadata(p)
        .with_context(|| format!("{} is missing", p.display()))?
        .len())
}

/// Files the server may send brotli-encoded (text and wasm; media and images are compressed already).
fn compressible(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some(
            "wasm"
                | "js"
                | "mjs"
                | "html"
                | "css"
                | "svg"
                | "json"
                | "webmanifest"
                | "txt"
                | "xml"
                | "map"
        )
    )
}

/// Writes `<file>.br` next to every compressible file, at brotli's best quality (built once,
/// served many times).
fn compress_tree(brotli: &Path, dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            compress_tree(brotli, &p)?;
        } else if compressible(&p) {
            let out = output(Command::new(brotli).args(["-f", "-q", "11"]).arg(&p))?;
            if !p.with_extension(format!("{}.br", ext(&p))).exists() {
                bail!("brotli wrote no .br for {}: {out}", p.display());
            }
        }
    }
    Ok(())
}

fn ext(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}
