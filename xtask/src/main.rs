//! Project automation for Juko: `cargo xtask <command>` (see `usage()`).
//!
//! Plain std + anyhow and child processes: every step prints what it runs, installers check before
//! installing, and every process started here is stopped by its pid, on failure too.

mod bench;
mod bench_desktop;
mod desktop;
mod desktop_history;
mod desktop_mappings;
mod dx;
mod e2e;
mod install;
mod licences;
mod server;
mod shell;
mod test;
// The architecture's rules, checked on the sources by `cargo test`.
#[cfg(test)]
mod tidy;
mod util;
mod web;

use std::process::ExitCode;

use anyhow::{Result, bail};

fn usage() -> &'static str {
    "cargo xtask <command>

commands:
  demo [--listen ADDR]   build the web app, start the demo server (default 127.0.0.1:8080), print
                         its URL and a demo login
  desktop [--site URL]   build and run the desktop app against a demo server (an embedded one
                         when no --site is given)
  test                   everything CI checks: fmt, clippy (native, desktop, mobile, wasm), a check
                         for Android and iOS (juko-model; juko-moodle, juko-core and the app with
                         stand-in C headers), unit and tidy tests,
                         web build, browser end-to-end test, desktop smoke test under Xvfb
  bench                  measure and write BENCHMARKS.md
  bench desktop          only the desktop section (Juko beside a hello app), replaced in place
  bench desktop-mappings [--juko-env NAME=value]…
                         where Juko's desktop memory goes beyond the hello app's: PSS by process
                         and mapping (printed, not written); with Juko started with that
                         environment, to see what a setting would change
  web                    only build the web app into dist/
  e2e [FILE.test.mjs…]   only the browser end-to-end test (builds what it needs); with files,
                         only those (e.g. `cargo xtask e2e layout.test.mjs a11y.test.mjs`)
  licences               write assets/licences.txt (the app's and its crates' licences) from
                         cargo metadata
  desktop-smoke          only the desktop smoke test under Xvfb (builds what it needs)
  dx ARGS…               the Dioxus CLI (installed by you) with what it needs offline: esbuild,
                         wasm-bindgen, wasm-opt, and for the web a wasm32 std built from Debian's
                         sources (e.g. `cargo xtask dx build --platform web`)"
}

fn main() -> ExitCode {
    util::handle_signals();
    util::remove_stale_run_dirs();
    let r = run(std::env::args().skip(1).collect());
    let _ = std::fs::remove_dir_all(util::run_dir());
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `--flag`, or `--flag=value`.
fn flag(args: &[String], name: &str) -> Result<Option<String>> {
    for (i, a) in args.iter().enumerate() {
        if a == name {
            return match args.get(i + 1) {
                Some(v) => Ok(Some(v.clone())),
                None => bail!("{name} needs a value"),
            };
        }
        if let Some(v) = a.strip_prefix(&format!("{name}=")) {
            return Ok(Some(v.to_string()));
        }
    }
    Ok(None)
}

fn only_flags(args: &[String], allowed: &[&str]) -> Result<()> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = a.split('=').next().unwrap_or_default();
        if !allowed.contains(&name) {
            bail!("unknown argument {a:?}\n\n{}", usage());
        }
        if !a.contains('=') {
            it.next();
        }
    }
    Ok(())
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((cmd, rest)) = args.split_first() else {
        println!("{}", usage());
        return Ok(());
    };
    match cmd.as_str() {
        "demo" => {
            only_flags(rest, &["--listen"])?;
            let listen = flag(rest, "--listen")?.unwrap_or_else(|| "127.0.0.1:8080".into());
            demo(&listen)
        }
        "desktop" => {
            only_flags(rest, &["--site"])?;
            desktop::interactive(flag(rest, "--site")?)
        }
        "test" => {
            only_flags(rest, &[])?;
            test::run()
        }
        "bench" => match rest {
            [] => bench::run(),
            [section] if section == "desktop" => bench_desktop::run_only(),
            [section, env @ ..] if section == "desktop-mappings" => {
                let pairs = env.chunks(2).map(|pair| match pair {
                    [flag, kv] if flag == "--juko-env" => Ok(kv.clone()),
                    _ => bail!("unknown arguments {env:?}\n\n{}", usage()),
                });
                desktop_mappings::run(&pairs.collect::<Result<Vec<_>>>()?)
            }
            _ => bail!("unknown arguments {rest:?}\n\n{}", usage()),
        },
        "web" => {
            only_flags(rest, &[])?;
            web::build().map(drop)
        }
        "e2e" => {
            let files = e2e::chosen_files(rest)?;
            web::build()?;
            let bin = server::build(false)?;
            e2e::run_files(&bin, &files).map(drop)
        }
        // Everything after `dx` is dx's own arguments.
        "dx" => dx::run_dx(rest),
        "licences" => {
            only_flags(rest, &[])?;
            licences::write()
        }
        "desktop-smoke" => {
            only_flags(rest, &[])?;
            let app = desktop::build(false)?;
            let bin = server::build(false)?;
            desktop::smoke(&app, &bin).map(drop)
        }
        "help" | "-h" | "--help" => {
            println!("{}", usage());
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{}", usage()),
    }
}

/// `cargo xtask demo`: the README's first command.
fn demo(listen: &str) -> Result<()> {
    web::build()?;
    let bin = server::build(false)?;
    util::step(&format!("start the demo server on {listen}"));
    let dist = web::dist_dir();
    // The server's defaults keep its seeded database (and clips) under the user's data dir, so
    // progress made in the demo survives a restart.
    let mut srv = server::start(
        &bin,
        &server::Options {
            listen,
            db: None,
            media_dir: None,
            web_dist: Some(&dist),
            echo_all: true,
            log: None,
            short_media: false,
        },
    )?;
    println!();
    println!("  Juko demo is running at {}/", srv.url);
    println!(
        "  Sign in as {} / {}   (Ctrl-C stops the server)",
        server::DEMO_USER,
        server::DEMO_PASSWORD
    );
    println!();
    util::outlive_signals();
    let status = srv.guard.wait()?;
    if !status.success() {
        bail!("the demo server exited with {status}");
    }
    Ok(())
}
