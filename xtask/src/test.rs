//! `cargo xtask test`: everything CI checks, in order, with a summary table at the end.
//!
//! Independent checks keep going after a failure (one run shows every problem); a step whose input
//! failed (the browser test without a web build, say) is skipped and named as such.
//! Build sharing on two cores: `cargo test`, the demo server and the desktop app are dev-profile
//! builds of the same workspace and reuse each other's artifacts where their features agree; the
//! native clippy runs (workspace, desktop, mobile) share the check artifacts their features
//! agree on; the wasm steps and the phone check use their own target dir. A step that cannot run
//! here is never dropped silently: it is a row of the summary table, `skipped` with the reason.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util::{self, step};
use crate::web::{Route, TARGET};
use crate::{desktop, e2e, install, server, web};

enum Outcome {
    Passed(String),
    Failed(String),
    Skipped(String),
}

struct Report {
    rows: Vec<(String, Outcome, f64)>,
}

impl Report {
    /// Runs one step, records its outcome and time; returns its value when it passed.
    fn step<T>(&mut self, name: &str, f: impl FnOnce() -> Result<(T, String)>) -> Option<T> {
        let t0 = Instant::now();
        let r = f();
        let dt = t0.elapsed().as_secs_f64();
        match r {
            Ok((v, detail)) => {
                self.rows
                    .push((name.to_string(), Outcome::Passed(detail), dt));
                Some(v)
            }
            Err(e) => {
                println!("!!! {name} FAILED: {e:#}");
                self.rows
                    .push((name.to_string(), Outcome::Failed(format!("{e:#}")), dt));
                None
            }
        }
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("--- {name} skipped: {why}");
        self.rows
            .push((name.to_string(), Outcome::Skipped(why.to_string()), 0.0));
    }

    fn fail(&mut self, name: &str, why: &str) {
        println!("!!! {name} FAILED: {why}");
        self.rows
            .push((name.to_string(), Outcome::Failed(why.to_string()), 0.0));
    }

    fn failed(&self) -> usize {
        self.rows
            .iter()
            .filter(|(_, o, _)| matches!(o, Outcome::Failed(_)))
            .count()
    }

    fn skipped(&self) -> usize {
        self.rows
            .iter()
            .filter(|(_, o, _)| matches!(o, Outcome::Skipped(_)))
            .count()
    }

    fn print(&self, total: f64) {
        step("summary of cargo xtask test");
        for (name, o, dt) in &self.rows {
            let (tag, detail) = match o {
                Outcome::Passed(d) => ("ok     ", d.as_str()),
                Outcome::Failed(d) => ("FAILED ", d.lines().next().unwrap_or_default()),
                Outcome::Skipped(d) => ("skipped", d.as_str()),
            };
            println!("  {tag} {name:<34} {dt:>6.1} s  {detail}");
        }
        println!(
            "  total {:.1} min; {} failed, {} skipped",
            total / 60.0,
            self.failed(),
            self.skipped()
        );
        // CI keeps this directory: every screen at three sizes in both themes (screens/), each
        // browser test's shots and console, the desktop smoke test's.
        println!(
            "  screenshots and logs: {} (every screen: screens/)",
            util::artifacts_dir().display()
        );
    }
}

pub(crate) fn run() -> Result<()> {
    let t0 = Instant::now();
    let mut rep = Report { rows: Vec::new() };
    // The system packages of every step in one apt run up front (one `apt-get update`, and the
    // download overlaps nothing else anyway).
    let route = Route::detect();
    let mut pkgs: Vec<&str> = Vec::new();
    pkgs.extend(install::DESKTOP);
    pkgs.extend(install::HEADLESS);
    pkgs.extend(install::FONTS);
    pkgs.extend(["chromium", "ffmpeg", "brotli"]);
    if route == Route::Debian {
        pkgs.extend(install::DEBIAN_WASM);
    }
    rep.step("system packages", || {
        install::apt(&pkgs).map(|()| ((), String::new()))
    });

    rep.step("cargo fmt --check", || {
        step("cargo fmt --all -- --check");
        cargo_checked(&["fmt", "--all", "--", "--check"]).map(|()| ((), String::new()))
    });
    rep.step("clippy (workspace, all targets)", || {
        step("clippy: workspace, all targets, native");
        cargo_checked(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .map(|()| ((), String::new()))
    });
    rep.step("clippy (juko --features desktop)", || {
        step("clippy: juko --features desktop");
        cargo_checked(&[
            "clippy",
            "-p",
            "juko",
            "--features",
            "desktop",
            "--",
            "-D",
            "warnings",
        ])
        .map(|()| ((), String::new()))
    });
    rep.step("clippy (juko --features mobile)", || {
        // The phone build's Rust (dioxus/mobile) compiles and lints on Linux too; only linking
        // for a phone needs an SDK this machine does not have (see `phone_check`).
        step("clippy: juko --features mobile, native");
        cargo_checked(&[
            "clippy",
            "-p",
            "juko",
            "--features",
            "mobile",
            "--",
            "-D",
            "warnings",
        ])
        .map(|()| ((), String::new()))
    });
    wasm_clippy(&mut rep, route);
    phone_check(&mut rep, route);

    rep.step("tests (workspace)", || {
        let summary = unit_tests()?;
        Ok(((), summary))
    });

    let web = rep.step("web build", || {
        let b = web::build()?;
        let detail = format!(
            "wasm {} KB + js {} KB brotli",
            b.wasm_br / 1000,
            b.js_br / 1000
        );
        Ok(((), detail))
    });
    let server_bin = rep.step("demo server build", || {
        let bin = server::build(false)?;
        Ok((bin, String::new()))
    });

    match (&web, &server_bin) {
        (Some(()), Some(bin)) => {
            rep.step("browser e2e", || {
                let c = e2e::run(bin)?;
                Ok(((), c.line()))
            });
        }
        _ => rep.skip("browser e2e", "needs the web build and the demo server"),
    }

    let app = rep.step("desktop build", || {
        let app = desktop::build(false)?;
        Ok((app, String::new()))
    });
    match (&app, &server_bin) {
        (Some(app), Some(bin)) => {
            rep.step("desktop smoke (Xvfb)", || {
                let ok = desktop::smoke(app, bin)?;
                Ok(((), ok))
            });
        }
        _ => rep.skip(
            "desktop smoke (Xvfb)",
            "needs the desktop app and the demo server",
        ),
    }

    rep.print(t0.elapsed().as_secs_f64());
    if rep.failed() > 0 {
        bail!("{} step(s) failed", rep.failed());
    }
    match rep.skipped() {
        0 => println!("all checks passed"),
        n => println!("all checks that ran passed; {n} skipped (why: in the table above)"),
    }
    Ok(())
}

fn cargo_checked(args: &[&str]) -> Result<()> {
    util::run(util::cargo().args(args))
}

/// Clippy for the web build. Debian's route lints with Debian's clippy (rust-web-clippy, the same
/// 1.96 as the compiler); rustup's 1.95 clippy has no wasm32 std here. Never skipped silently:
/// when no clippy can lint wasm32, the summary table says so and why, and the last line counts it.
fn wasm_clippy(rep: &mut Report, route: Route) {
    const NAME: &str = "clippy (juko --features web, wasm32)";
    // Installs first (the mirror may lack rust-web-clippy: then the toolchain comes without it),
    // so the check below judges what is really there.
    if let Err(e) = route.ensure() {
        rep.fail(NAME, &format!("{e:#}"));
        return;
    }
    if route == Route::Debian
        && let Some(why) = debian_clippy_mismatch()
    {
        rep.skip(NAME, &why);
        return;
    }
    rep.step(NAME, || {
        step("clippy: juko --features web, wasm32-unknown-unknown");
        let mut cmd = route.cargo("clippy");
        cmd.args(route.extra_args())
            .args(web::WEB_APP)
            .args(["--target", TARGET, "--", "-D", "warnings"]);
        util::run(&mut cmd)?;
        Ok(((), String::new()))
    });
}

/// Why Debian's clippy cannot lint the Debian route's build, if it cannot: it must be there and
/// be the compiler's release (`clippy 0.1.96` goes with `rustc 1.96.0`).
fn debian_clippy_mismatch() -> Option<String> {
    let version = |program: &str, field: usize| {
        util::output(Command::new(program).arg("-V"))
            .ok()
            .and_then(|v| release_of(&v, field))
    };
    let (clippy, rustc) = (
        version("/usr/bin/clippy-driver", 2),
        version("/usr/bin/rustc", 1),
    );
    (clippy.is_none() || clippy != rustc).then(|| {
        format!(
            "Debian's clippy is missing or not the compiler's release (clippy 0.1.{}, rustc 1.{}); \
             nothing else lints wasm32 here",
            clippy.as_deref().unwrap_or("?"),
            rustc.as_deref().unwrap_or("?")
        )
    })
}

/// The release number in a `-V` line: field 2 of `clippy 0.1.96`, field 1 of `rustc 1.96.0 (…)`.
fn release_of(version_line: &str, field: usize) -> Option<String> {
    version_line
        .split_whitespace()
        .nth(1)?
        .split('.')
        .nth(field)
        .map(str::to_string)
}

/// The phone targets.
const PHONES: &[&str] = &["aarch64-linux-android", "aarch64-apple-ios"];

/// The phone targets: what can be checked for them on this machine. First the pure-Rust
/// `juko-model`, with the toolchain's own std for the target when it has one, else Debian's
/// rustc rebuilding std (TOOLCHAIN.md); then the rest (`phone_check_with_c`). The summary says
/// which crates were checked and which were not.
fn phone_check(rep: &mut Report, route: Route) {
    const NAME: &str = "check for phones (juko-model)";
    let native = |target: &str| {
        util::output(Command::new("rustc").args(["--print", "sysroot"]))
            .map(|s| {
                std::path::Path::new(s.trim())
                    .join("lib/rustlib")
                    .join(target)
                    .join("lib")
                    .is_dir()
            })
            .unwrap_or(false)
    };
    let debian =
        route == Route::Debian && std::path::Path::new("/usr/lib/rustlib/src/rust").is_dir();
    if !debian && !PHONES.iter().all(|t| native(t)) {
        rep.skip(
            NAME,
            "no std for the phone targets: add them with rustup, or use Debian's rustc-web + rust-web-src",
        );
        return;
    }
    rep.step(NAME, || {
        step(&format!(
            "check: juko-model --target {}",
            PHONES.join(" --target ")
        ));
        // One run for both targets: their std builds (Debian's route) share the two cores.
        let mut cmd = if PHONES.iter().all(|t| native(t)) {
            let mut c = util::cargo();
            c.arg("check");
            c
        } else {
            let mut c = Route::Debian.cargo("check");
            c.arg("-Zbuild-std=std,panic_abort");
            c
        };
        cmd.args(["-p", "juko-model"]);
        for target in PHONES {
            cmd.args(["--target", target]);
        }
        util::run(&mut cmd)?;
        Ok(((), format!("juko-model checked for {}", PHONES.join(", "))))
    });
    if debian {
        for target in PHONES {
            phone_check_with_c(rep, target);
        }
    } else {
        rep.skip(
            "check for phones (juko-moodle, juko-core, juko --features mobile)",
            "with rustup's phone targets the C parts need the phones' own SDKs (an NDK, Xcode): \
             check there with `cargo check --target …` as platforms/README.md says",
        );
    }
}

/// juko-moodle, juko-core and the app (`--features mobile`) checked for a phone target on the
/// Debian route. Their C parts (ring under rustls, bundled SQLite) need the phone's C headers
/// (Bionic from an NDK, the iOS SDK from Xcode), which no registry here ships. For a check, the
/// Rust is what matters (rustc type-checks every crate for the target, JNI and Keychain code
/// included); the C is only compiled, not linked or used. So the C is compiled by clang for the
/// target against stand-in headers: Debian's aarch64 glibc (`libc6-dev-arm64-cross`), plus
/// `xtask/phone-headers/` for Apple's `TargetConditionals.h`, which ring includes. That proves
/// nothing about the C on a phone, and the summary says so.
fn phone_check_with_c(rep: &mut Report, target: &str) {
    let name =
        format!("check for phones (juko-moodle, juko-core, juko --features mobile), {target}");
    rep.step(&name, || {
        install::apt(&["clang-22", "libc6-dev-arm64-cross"])?;
        step(&format!(
            "check: juko-moodle, juko-core, juko --features mobile --target {target}"
        ));
        let env_target = target.replace('-', "_");
        let stand_in = util::root().join("xtask/phone-headers");
        let apple = target.contains("apple");
        // Clang's own headers (stddef.h, stdint.h, …), then the stand-ins, then glibc's. For
        // Apple targets clang predefines `__nonnull` (nullability), which glibc's headers use as
        // their own macro: undefine it.
        let cflags = format!(
            "{}-nostdlibinc -isystem {} -isystem /usr/aarch64-linux-gnu/include",
            if apple { "-U__nonnull " } else { "" },
            stand_in.display()
        );
        let mut cmd = Route::Debian.cargo("check");
        cmd.arg("-Zbuild-std=std,panic_abort")
            .args(["-p", "juko-moodle", "-p", "juko-core", "-p", "juko"])
            .args(["--features", "juko/mobile"])
            .args(["--target", target])
            .env(format!("CC_{env_target}"), "clang-22")
            .env(format!("AR_{env_target}"), "llvm-ar-22")
            .env(format!("CFLAGS_{env_target}"), cflags);
        if apple {
            // cc asks `xcrun` for the SDK unless SDKROOT names one; the stand-in is enough here.
            // SQLite's Apple-only code (statfs's Apple fields, the malloc zone) needs Apple's
            // headers: it is compiled as for any other Unix instead.
            cmd.env("SDKROOT", &stand_in)
                .env("LIBSQLITE3_FLAGS", "-U__APPLE__");
        }
        util::run(&mut cmd)?;
        Ok((
            (),
            "Rust checked; its C (ring, SQLite) compiled against stand-in headers (Debian's \
             aarch64 glibc), not the phone's: no proof for the C on a phone"
                .to_string(),
        ))
    });
}

/// `cargo nextest` when it is installed (it is on these machines: verified, not assumed; it runs
/// the test binaries in parallel), plus doctests, which nextest does not run; otherwise
/// `cargo test`. Both with `--no-fail-fast`: one run shows every failing test. A `harness = false`
/// test must answer libtest's `--list` for nextest (tests/kill9 does). Returns, or fails with,
/// the runners' summary.
fn unit_tests() -> Result<String> {
    let mut summary = Vec::new();
    let mut ok = true;
    if util::works(util::cargo_program(), &["nextest", "--version"]) {
        step("cargo nextest run --workspace");
        let (pass, lines) = run_scanning(
            util::cargo().args([
                "nextest",
                "run",
                "--workspace",
                "--no-fail-fast",
                "--no-tests=warn",
            ]),
            |l| l.trim_start().starts_with("Summary ["),
        )?;
        ok &= pass;
        summary.push(match lines.last() {
            Some(l) => format!("nextest: {}", l.trim()),
            None => "nextest: no summary (see its output above)".to_string(),
        });
        step("cargo test --workspace --doc (nextest does not run doctests)");
        let (pass, lines) = run_scanning(
            util::cargo().args(["test", "--workspace", "--doc", "--no-fail-fast"]),
            |l| l.starts_with("test result:"),
        )?;
        ok &= pass;
        summary.push(format!("doctests: {}", sum_cargo_results(&lines)));
    } else {
        step("cargo test --workspace (cargo-nextest is not installed)");
        let (pass, lines) = run_scanning(
            util::cargo().args(["test", "--workspace", "--no-fail-fast"]),
            |l| l.starts_with("test result:") || is_custom_summary(l),
        )?;
        ok &= pass;
        summary.push(format!("cargo test: {}", sum_cargo_results(&lines)));
    }
    for s in &summary {
        println!("{s}");
    }
    let summary = summary.join("; ");
    if !ok {
        bail!("{summary}");
    }
    Ok(summary)
}

/// A custom harness's own summary line (`1 passed, 0 failed`), as the e2e runners print it.
fn is_custom_summary(line: &str) -> bool {
    let w: Vec<&str> = line.split_whitespace().collect();
    matches!(w.as_slice(), [n, "passed,", m, "failed"] if n.parse::<u64>().is_ok() && m.parse::<u64>().is_ok())
}

/// Adds up the counts of all test binaries: libtest's `test result: ok. 3 passed; 0 failed;
/// 1 ignored; …` and custom harnesses' `1 passed, 0 failed`.
fn sum_cargo_results(lines: &[String]) -> String {
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    for l in lines {
        let words: Vec<&str> = l.split_whitespace().collect();
        for pair in words.windows(2) {
            let Ok(n) = pair[0].parse::<u64>() else {
                continue;
            };
            match pair[1].trim_end_matches([',', ';', '.']) {
                "passed" => passed += n,
                "failed" => failed += n,
                "ignored" => ignored += n,
                _ => {}
            }
        }
    }
    format!("{passed} passed, {failed} failed, {ignored} ignored")
}

/// Runs a command, echoing its output live; returns whether it succeeded and the lines `keep`
/// selects (the runners' summary lines, shown again in the final table).
fn run_scanning(cmd: &mut Command, keep: impl Fn(&str) -> bool) -> Result<(bool, Vec<String>)> {
    println!("$ {}", util::describe(cmd));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("start cargo")?;
    let (tx, rx) = mpsc::channel::<String>();
    let forward = |s: Box<dyn Read + Send>, tx: mpsc::Sender<String>| {
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                println!("{line}");
                let _ = tx.send(line);
            }
        })
    };
    let a = forward(Box::new(child.stdout.take().expect("piped")), tx.clone());
    let b = forward(Box::new(child.stderr.take().expect("piped")), tx);
    let status = child.wait()?;
    let _ = (a.join(), b.join());
    let kept: Vec<String> = rx.try_iter().filter(|l| keep(l)).collect();
    if !status.success() {
        println!("!!! `{}` failed ({status})", util::short(cmd));
    }
    Ok((status.success(), kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clippy_and_rustc_releases() {
        assert_eq!(release_of("clippy 0.1.96", 2).as_deref(), Some("96"));
        assert_eq!(
            release_of(
                "rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)",
                1
            )
            .as_deref(),
            Some("96")
        );
        assert_eq!(release_of("clippy", 2), None);
    }

    #[test]
    fn sums_cargo_test_results() {
        let lines = vec![
            "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s".to_string(),
            "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s".to_string(),
        ];
        assert_eq!(sum_cargo_results(&lines), "5 passed, 1 failed, 1 ignored");
        assert!(is_custom_summary("1 passed, 0 failed"));
        assert!(!is_custom_summary("test result: ok. 1 passed; 0 failed"));
        let custom = vec!["1 passed, 0 failed".to_string()];
        assert_eq!(sum_cargo_results(&custom), "1 passed, 0 failed, 0 ignored");
    }
}
