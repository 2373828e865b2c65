//! `cargo xtask dx <dx arguments…>`: runs the Dioxus CLI (`dx`, installed by the developer) with
//! what it needs on these offline machines, so `dx build --platform web|desktop` works here as it
//! does on an ordinary one.
//!
//! dx 0.7.10 built with `--features no-downloads` cannot fetch its helpers: it looks for esbuild,
//! wasm-bindgen and wasm-opt on PATH (we put the web build's own: npm's esbuild and binaryen from
//! web/package.json, and the Cargo.lock wasm-bindgen). For the web it also wants a toolchain whose sysroot holds the wasm32 std, and
//! runs `rustup target add` when it does not (which cannot download here). Where rustup's
//! toolchain lacks that std, this builds it once from Debian's rust-web-src with Debian's
//! rustc-web (the same route `cargo xtask web` takes) and links the result as a rustup toolchain,
//! `juko-web`, used only for this dx run: the default toolchain is left as it is.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::install;
use crate::util::{self, note, output, run, step};
use crate::web::{self, Route};

/// The rustup toolchain name of the linked sysroot.
const TOOLCHAIN: &str = "juko-web";

pub(crate) fn run_dx(args: &[String]) -> Result<()> {
    let dx = find_dx()?;
    let mut path = vec![
        parent(&install::esbuild()?)?,
        parent(&install::wasm_bindgen()?)?,
    ];
    let mut cmd = Command::new(&dx);
    cmd.args(args).current_dir(util::root());
    let wants_web = args
        .windows(2)
        .any(|w| w[0] == "--platform" && w[1] == "web")
        || args.iter().any(|a| a == "--platform=web" || a == "--web");
    if wants_web && Route::detect() == Route::Debian {
        let toolchain = wasm_sysroot()?;
        path.push(toolchain.join("bin"));
        cmd.env("RUSTUP_TOOLCHAIN", TOOLCHAIN).env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER",
            web::wasm_linker(),
        );
    }
    if let Some(old) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&old));
    }
    cmd.env("PATH", std::env::join_paths(path)?);
    step(&util::describe(&cmd));
    run(&mut cmd)
}

/// `dx` on PATH, or where the README's install command puts it under target/tools.
fn find_dx() -> Result<PathBuf> {
    let cached = install::tools_dir().join("dx-0.7.10/bin/dx");
    util::which("dx")
        .or_else(|| cached.is_file().then_some(cached))
        .context(
            "dx is not installed: `cargo install dioxus-cli --version 0.7.10 --locked` \
             (offline machines: add `--features no-downloads,disable-telemetry \
             --root target/tools/dx-0.7.10`; it takes a long while)",
        )
}

fn parent(bin: &Path) -> Result<PathBuf> {
    bin.parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("{} has no directory", bin.display()))
}

/// A sysroot with Debian's rustc-web and a prebuilt wasm32 std, linked as the `juko-web` rustup
/// toolchain. Rebuilt when Debian's rustc changes (the std must come from the same compiler).
fn wasm_sysroot() -> Result<PathBuf> {
    Route::Debian.ensure()?;
    let version = output(Command::new("/usr/bin/rustc").arg("--version"))?;
    let dir = install::tools_dir().join("dx-wasm-sysroot");
    let stamp = dir.join("rustc-version");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == version) {
        link_toolchain(&dir)?;
        return Ok(dir);
    }
    step("building the wasm32 std with Debian's rustc-web for dx (once, about 2 minutes)");
    let std_libs = build_std()?;
    let dir = util::fresh_dir(&dir)?;
    let lib = dir.join("lib/rustlib").join(web::TARGET).join("lib");
    std::fs::create_dir_all(&lib)?;
    for rlib in std_libs {
        let name = rlib.file_name().context("an rlib without a name")?;
        std::fs::copy(&rlib, lib.join(name))?;
    }
    // The host's std and the std sources stay Debian's own.
    for sub in ["x86_64-unknown-linux-gnu", "src"] {
        std::os::unix::fs::symlink(
            Path::new("/usr/lib/rustlib").join(sub),
            dir.join("lib/rustlib").join(sub),
        )?;
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin)?;
    // rustc finds its sysroot from its own path, which is /usr: the wrappers point it here.
    for tool in ["rustc", "rustdoc"] {
        let script = format!(
            "#!/bin/sh\nexec /usr/bin/{tool} --sysroot '{}' \"$@\"\n",
            dir.display()
        );
        write_executable(&bin.join(tool), &script)?;
    }
    std::os::unix::fs::symlink("/usr/bin/cargo", bin.join("cargo"))?;
    std::fs::write(&stamp, &version)?;
    link_toolchain(&dir)?;
    Ok(dir)
}

/// Builds std for wasm32 (an empty crate with `-Zbuild-std`) and returns its rlibs.
fn build_std() -> Result<Vec<PathBuf>> {
    let krate = util::fresh_dir(&install::tools_dir().join("dx-wasm-std"))?;
    std::fs::create_dir_all(krate.join("src"))?;
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"wasm-std\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         [profile.release]\npanic = \"abort\"\n[workspace]\n",
    )?;
    std::fs::write(krate.join("src/lib.rs"), "#![no_std]\n")?;
    let mut cmd = Route::Debian.cargo("build");
    cmd.args(Route::Debian.extra_args())
        .args(["--release", "--target", web::TARGET])
        .env("CARGO_TARGET_DIR", krate.join("target"))
        .current_dir(&krate);
    run(&mut cmd)?;
    let deps = krate.join("target").join(web::TARGET).join("release/deps");
    let mut rlibs = Vec::new();
    for entry in std::fs::read_dir(&deps)? {
        let p = entry?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with(".rlib") && !name.starts_with("libwasm_std-") {
            rlibs.push(p);
        }
    }
    if !rlibs.iter().any(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("libstd-"))
    }) {
        bail!("the std build left no libstd in {}", deps.display());
    }
    Ok(rlibs)
}

fn link_toolchain(dir: &Path) -> Result<()> {
    let linked = output(
        Command::new("rustc")
            .args(["--print", "sysroot"])
            .env("RUSTUP_TOOLCHAIN", TOOLCHAIN),
    );
    if linked.is_ok_and(|s| Path::new(s.trim()) == dir) {
        return Ok(());
    }
    // A link of the same name elsewhere (or a stale one) is replaced; rustup refuses to overwrite.
    let _ = output(Command::new("rustup").args(["toolchain", "uninstall", TOOLCHAIN]));
    run(Command::new("rustup")
        .args(["toolchain", "link", TOOLCHAIN])
        .arg(dir))
    .context("rustup toolchain link")?;
    note(&format!(
        "rustup toolchain {TOOLCHAIN} → {} (chosen by RUSTUP_TOOLCHAIN for dx only; the default stays)",
        dir.display()
    ));
    Ok(())
}

fn write_executable(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}
