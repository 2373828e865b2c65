//! The desktop app (WebKitGTK through wry): build, run against a demo server, and the headless smoke
//! test under Xvfb that uses the app's own self-test mode (stock dioxus-desktop cannot be driven by
//! WebKitWebDriver, TOOLCHAIN.md).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::desktop_history;
use crate::install;
use crate::server;
use crate::util::{self, Guard, note, run, step};

/// Builds the desktop app and returns a private copy of the binary (target/ is shared, and
/// `cargo test --workspace` writes a featureless `juko` to the same path).
pub(crate) fn build(release: bool) -> Result<PathBuf> {
    let mut bins = build_bins(release, &["juko"])?;
    Ok(bins.remove(0))
}

/// The cargo profile the app is built with for a release: small over fast (Cargo.toml's
/// `desktop-release`: its own code's pages are most of what the app process holds beyond a hello
/// app). Other binaries (the benchmark's hello app) keep plain `release`.
const APP_RELEASE_PROFILE: &str = "desktop-release";

/// Builds `bins` of the juko package with `--features desktop` and returns private copies, in the
/// same order. The debug build is one cargo run (one set of dependency builds); a release build
/// is one run per profile.
pub(crate) fn build_bins(release: bool, bins: &[&str]) -> Result<Vec<PathBuf>> {
    install::apt(install::DESKTOP)?;
    let profile_of = |bin: &str| match (release, bin) {
        (false, _) => "dev",
        (true, "juko") => APP_RELEASE_PROFILE,
        (true, _) => "release",
    };
    let mut profiles: Vec<&str> = Vec::new();
    for bin in bins {
        if !profiles.contains(&profile_of(bin)) {
            profiles.push(profile_of(bin));
        }
    }
    for profile in profiles {
        let these: Vec<&str> = bins
            .iter()
            .copied()
            .filter(|b| profile_of(b) == profile)
            .collect();
        step(&format!(
            "build the desktop app (--features desktop, {profile} profile): {}",
            these.join(", ")
        ));
        let mut cmd = util::cargo();
        cmd.args([
            "build",
            "-p",
            "juko",
            "--features",
            "desktop",
            "--profile",
            profile,
        ]);
        for bin in these {
            cmd.args(["--bin", bin]);
        }
        run(&mut cmd)?;
    }
    bins.iter()
        .map(|bin| {
            // Cargo's output directory: `debug` for the dev profile, else the profile's name.
            let dir = match profile_of(bin) {
                "dev" => "debug",
                p => p,
            };
            let built = util::target_dir().join(dir).join(bin);
            // `juko` keeps the name it always had: the smoke test's logs and PSS tables say it.
            let name = if *bin == "juko" { "juko-desktop" } else { bin };
            let suffix = if release { "release" } else { "debug" };
            util::install_binary(&built, &format!("{name}-{suffix}"))
        })
        .collect()
}

/// `cargo xtask desktop [--site URL]`: the app on this machine's display, against `site` or an
/// embedded demo server.
pub(crate) fn interactive(site: Option<String>) -> Result<()> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "no display (DISPLAY/WAYLAND_DISPLAY unset). Headless, `cargo xtask test` runs the \
             desktop smoke test under Xvfb."
        );
    }
    let app = build(false)?;
    let mut embedded = None;
    let site = match site {
        Some(s) => s,
        None => {
            let bin = server::build(false)?;
            step("start an embedded demo server");
            let srv = server::start_embedded_demo(&bin, "desktop-interactive")?;
            let url = srv.url.clone();
            embedded = Some(srv);
            url
        }
    };
    step(&format!("run the desktop app against {site}"));
    note(&format!(
        "demo login: {} / {}",
        server::DEMO_USER,
        server::DEMO_PASSWORD
    ));
    let mut cmd = Command::new(&app);
    cmd.env("JUKO_SITE_URL", &site);
    println!("$ {}", util::describe(&cmd));
    util::outlive_signals();
    let mut guard = Guard::new(
        "juko (desktop)",
        cmd.spawn().context("start the desktop app")?,
    );
    let status = guard.wait()?;
    note(&format!("the desktop app exited ({status})"));
    if let Some(srv) = embedded {
        srv.stop();
    }
    if !status.success() {
        bail!("the desktop app exited with {status}");
    }
    Ok(())
}

/// A private X server; stopped by pid when dropped.
pub(crate) struct Xvfb {
    pub(crate) display: String,
    _guard: Guard,
}

/// Starts Xvfb on a display number it picks itself (`-displayfd`), so parallel runs never collide.
pub(crate) fn start_xvfb() -> Result<Xvfb> {
    install::apt(install::HEADLESS)?;
    install::apt(install::FONTS)?;
    let log = util::artifacts_dir().join("xvfb.log");
    std::fs::create_dir_all(util::artifacts_dir())?;
    let mut cmd = Command::new("Xvfb");
    cmd.args([
        "-displayfd",
        "1",
        "-screen",
        "0",
        "1280x800x24",
        "-nolisten",
        "tcp",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(std::fs::File::create(&log)?);
    println!("$ {}", util::describe(&cmd));
    let mut child = cmd.spawn().context("start Xvfb")?;
    let stdout = child.stdout.take().expect("piped");
    let guard = Guard::new("Xvfb", child);
    // Xvfb writes the display number once it accepts clients.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let n = rx
        .recv_timeout(Duration::from_secs(20))
        .context("Xvfb did not report a display (see artifacts/xvfb.log)")?;
    let n = n.trim();
    if n.is_empty() {
        bail!("Xvfb exited (see {})", log.display());
    }
    note(&format!("Xvfb on :{n} (pid {})", guard.pid()));
    Ok(Xvfb {
        display: format!(":{n}"),
        _guard: guard,
    })
}

/// The environment of a hermetic desktop run: this display, its own XDG dirs (database, WebKit
/// caches, settings; emptied first when `fresh`), no accessibility bus (none runs under Xvfb).
pub(crate) fn hermetic_env(
    cmd: &mut Command,
    display: &str,
    xdg: &Path,
    fresh: bool,
) -> Result<()> {
    let xdg = if fresh {
        util::fresh_dir(xdg)?
    } else {
        xdg.to_path_buf()
    };
    for d in ["data", "config", "cache", "runtime"] {
        std::fs::create_dir_all(xdg.join(d))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // XDG_RUNTIME_DIR must be private to its user, or GLib ignores it.
        std::fs::set_permissions(xdg.join("runtime"), std::fs::Permissions::from_mode(0o700))?;
    }
    cmd.env("DISPLAY", display)
        .env("GDK_BACKEND", "x11")
        .env_remove("WAYLAND_DISPLAY")
        .env("NO_AT_BRIDGE", "1")
        // No session bus. Otherwise GLib autolaunches one through the X server (dbus-launch), and
        // the accessibility bus with it; both daemonize out of reach of our pids. The app's
        // keyring then fails at once and it keeps the session in its data dir, as on a machine
        // without a secret service, and a developer's real keyring is never touched.
        .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_RUNTIME_DIR", xdg.join("runtime"));
    Ok(())
}

/// A screenshot of the whole X screen.
pub(crate) fn screenshot(display: &str, file: &Path) -> Result<()> {
    util::output(
        Command::new("import")
            .args(["-display", display, "-window", "root"])
            .arg(file),
    )?;
    Ok(())
}

/// The app's data directories for a self-test run: new and empty, or those of an earlier run
/// (by its name), to see what the app kept.
#[derive(Clone, Copy)]
pub(crate) enum Profile<'a> {
    Fresh,
    KeptFrom(&'a str),
}

/// What one self-test run of the desktop app printed.
pub(crate) struct SelfTest {
    pub(crate) ok_line: Option<String>,
    pub(crate) fail_line: Option<String>,
    pub(crate) first_frame_epoch_ms: Option<u128>,
    pub(crate) spawned_epoch_ms: u128,
    pub(crate) status: Option<std::process::ExitStatus>,
}

/// How long the app may stay after `SELFTEST ok` so the screenshot (and the benchmark's memory
/// reading) shows the course list. The app reads it; without it the app exits at once and the
/// screenshot may show an empty screen.
const LINGER_MS: u64 = 3000;

/// The lecture (of the first course, 0-based) the smoke test downloads and plays offline: the
/// demo's `kiso-02`, which has Japanese captions.
const KEPT_LECTURE: &str = "1";

/// The cues the offline run's captions held (` captions=N` on its ok line), 0 when none.
fn kept_cues(line: &str) -> usize {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix("captions="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Runs the app in self-test mode against `site`; on its `SELFTEST` line calls
/// `at_result(app pid, ok)` while the app still shows the result (screenshot, memory).
/// `fresh`: start from empty XDG dirs (a first launch); otherwise reuse the previous run's (a
/// later launch: WebKit caches warm, the session kept).
pub(crate) fn self_test(
    app: &Path,
    display: &str,
    site: &str,
    name: &str,
    profile: Profile<'_>,
    at_result: impl FnMut(u32, bool),
) -> Result<SelfTest> {
    self_test_with_env(app, display, site, name, profile, &[], at_result)
}

/// [`self_test`] with `extra` environment for the app.
pub(crate) fn self_test_with_env(
    app: &Path,
    display: &str,
    site: &str,
    name: &str,
    profile: Profile<'_>,
    extra: &[(&str, &str)],
    mut at_result: impl FnMut(u32, bool),
) -> Result<SelfTest> {
    let (xdg_name, fresh) = match profile {
        Profile::Fresh => (name, true),
        Profile::KeptFrom(earlier) => (earlier, false),
    };
    let xdg = util::run_dir().join(format!("{xdg_name}-xdg"));
    let linger = LINGER_MS.to_string();
    let mut env = vec![("JUKO_SELFTEST_LINGER_MS", linger.as_str())];
    env.extend_from_slice(extra);
    let launched = launch_self_test(app, display, site, (&xdg, fresh), name, &env)?;
    let (mut guard, rx, spawned_epoch_ms) =
        (launched.guard, launched.lines, launched.spawned_epoch_ms);
    let log = launched.log;
    let mut r = SelfTest {
        ok_line: None,
        fail_line: None,
        first_frame_epoch_ms: None,
        spawned_epoch_ms,
        status: None,
    };
    // A debug build's first start (WebKit caches, a debug-built demo server) takes a while.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                if line.starts_with("SELFTEST") || line.starts_with("FIRST_FRAME") {
                    println!("    [juko] {line}");
                }
                if let Some(ms) = line
                    .strip_prefix("FIRST_FRAME epoch_ms=")
                    .and_then(|v| v.trim().parse().ok())
                {
                    r.first_frame_epoch_ms.get_or_insert(ms);
                }
                if line.starts_with("SELFTEST ok") {
                    r.ok_line = Some(line.clone());
                    at_result(guard.pid(), true);
                } else if line.starts_with("SELFTEST fail") {
                    r.fail_line = Some(line.clone());
                    at_result(guard.pid(), false);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(st) = guard.try_wait() {
            r.status = Some(st);
            // Read what is still in the pipes.
            while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                if line.starts_with("SELFTEST") {
                    println!("    [juko] {line}");
                    if line.starts_with("SELFTEST ok") {
                        r.ok_line.get_or_insert(line);
                    } else {
                        r.fail_line.get_or_insert(line);
                    }
                }
            }
            break;
        }
        if Instant::now() > deadline {
            note("the desktop app did not finish its self-test within 180 s");
            break;
        }
    }
    if r.status.is_none() {
        r.status = guard.wait_timeout(Duration::from_secs(LINGER_MS / 1000 + 10));
    }
    guard.stop();
    note(&format!("app log: {}", log.display()));
    Ok(r)
}

/// The app started in self-test mode (module docs of `src/platform/selftest.rs`).
pub(crate) struct Launched {
    pub(crate) guard: Guard,
    /// Its stdout and stderr, line by line (also appended to `log`).
    pub(crate) lines: mpsc::Receiver<String>,
    pub(crate) log: PathBuf,
    pub(crate) spawned_epoch_ms: u128,
}

/// Starts the app in self-test mode against `site` as the demo learner, on `display`, with the
/// data directories `xdg` (emptied first when `fresh`), plus `extra` environment; its output goes
/// to artifacts/`name`.log.
pub(crate) fn launch_self_test(
    app: &Path,
    display: &str,
    site: &str,
    (xdg, fresh): (&Path, bool),
    name: &str,
    extra: &[(&str, &str)],
) -> Result<Launched> {
    let mut cmd = Command::new(app);
    hermetic_env(&mut cmd, display, xdg, fresh)?;
    cmd.env("JUKO_SELFTEST", "1")
        .env("JUKO_SITE_URL", site)
        .env("JUKO_SELFTEST_USERNAME", server::DEMO_USER)
        .env("JUKO_SELFTEST_PASSWORD", server::DEMO_PASSWORD)
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    println!("$ {}", util::describe(&cmd));
    let log = util::artifacts_dir().join(format!("{name}.log"));
    std::fs::create_dir_all(log.parent().expect("has parent"))?;
    std::fs::write(&log, "")?;
    let spawned_epoch_ms = util::epoch_ms();
    let mut child = cmd.spawn().context("start the desktop app")?;
    let (tx, lines) = mpsc::channel();
    util::pump_lines(
        child.stdout.take().expect("piped"),
        Some(log.clone()),
        tx.clone(),
    );
    util::pump_lines(child.stderr.take().expect("piped"), Some(log.clone()), tx);
    Ok(Launched {
        guard: Guard::new("juko (desktop)", child),
        lines,
        log,
        spawned_epoch_ms,
    })
}

/// The desktop smoke test: Xvfb, a demo server, the app signs in through its own UI and reaches
/// the course list; a screenshot of the screen at that moment; then a restart that must find the
/// session kept.
pub(crate) fn smoke(app: &Path, server_bin: &Path) -> Result<String> {
    step("desktop smoke test under Xvfb (the app's self-test: sign in, course list)");
    let shots = util::fresh_dir(&util::artifacts_dir().join("desktop"))?;
    let x = start_xvfb()?;
    let srv = server::start_throwaway(server_bin, "desktop", false)?;
    let shot = shots.join("selftest-course-list.png");
    let mut shot_err = None;
    let r = self_test(
        app,
        &x.display,
        &srv.url,
        "desktop/selftest",
        Profile::Fresh,
        |_pid, _ok| {
            // The DOM is ready when the app prints its result, but WebKit paints the X window a
            // moment later (an immediate grab showed the previous screen). The app lingers for
            // LINGER_MS, so waiting here is safe; it is a capture delay, not an assertion.
            std::thread::sleep(Duration::from_millis(LINGER_MS / 2));
            if let Err(e) = screenshot(&x.display, &shot) {
                shot_err = Some(e);
            }
        },
    );
    // A restart with the same data directory: the session must be kept (the app then reaches the
    // course list without the form and says `via=kept`).
    let restart = r.as_ref().ok().filter(|r| r.ok_line.is_some()).map(|_| {
        let kept = Profile::KeptFrom("desktop/selftest");
        self_test(
            app,
            &x.display,
            &srv.url,
            "desktop/restart",
            kept,
            |_, _| {},
        )
    });
    let r = r?;
    let mut summary = String::new();
    let restarted = restart.is_some();
    if let Some(restart) = restart {
        let line = restart?.ok_line.unwrap_or_default();
        if !line.contains("via=kept") {
            bail!("after a restart the session was not kept: {line:?}");
        }
        note(&format!("restart: {line}"));
        // The kept session's data directories: the history proof watches as that learner.
        let xdg = util::run_dir().join("desktop/selftest-xdg");
        summary = desktop_history::prove(app, &x.display, &srv, &xdg)?;
        // A lecture downloaded while the site is there (played with the site gone, below).
        let downloaded = self_test_with_env(
            app,
            &x.display,
            &srv.url,
            "desktop/download",
            Profile::KeptFrom("desktop/selftest"),
            &[("JUKO_SELFTEST_DOWNLOAD", KEPT_LECTURE)],
            |_, _| {},
        )?;
        let line = downloaded.ok_line.unwrap_or_default();
        if !line.contains("download=done") {
            bail!(
                "the lecture was not downloaded: {line:?} {:?}",
                downloaded.fail_line
            );
        }
        note(&format!("download: {line}"));
    }
    let kept_url = srv.url.clone();
    srv.stop();
    // The site gone (the server stopped, its port closed): started again, the app must show the
    // courses it kept, saying it is offline, and play the downloaded lecture and seek in it.
    if restarted {
        let offline = self_test_with_env(
            app,
            &x.display,
            &kept_url,
            "desktop/offline",
            Profile::KeptFrom("desktop/selftest"),
            &[("JUKO_SELFTEST_PLAY_KEPT", KEPT_LECTURE)],
            |_, _| {},
        )?;
        let line = offline.ok_line.unwrap_or_default();
        if !(line.contains("via=kept")
            && line.contains("freshness=offline")
            && line.contains("kept=played")
            && kept_cues(&line) > 0)
        {
            bail!(
                "with the site unreachable the kept courses were not shown offline, or the downloaded lecture did not play with its captions: {line:?} {:?}",
                offline.fail_line
            );
        }
        note(&format!("site unreachable: {line}"));
        summary = format!("{summary}; site unreachable: {line}");
    }
    drop(x);
    match (&shot_err, shot.is_file()) {
        (None, true) => note(&format!("screenshot: {}", shot.display())),
        (e, _) => note(&format!("no screenshot: {e:?}")),
    }
    if let Some(ok) = r.ok_line {
        if r.status.is_some_and(|s| s.success()) {
            return Ok(format!("{ok}; {summary}"));
        }
        bail!("the app printed `{ok}` but exited with {:?}", r.status);
    }
    match r.fail_line {
        Some(f) => bail!("desktop self-test failed: {f}"),
        None => bail!(
            "the desktop app printed no SELFTEST line (exit {:?}); see artifacts/desktop/selftest.log",
            r.status
        ),
    }
}

/// RSS and PSS (KiB) of a process, from /proc (PSS shares the pages WebKit's processes have in
/// common fairly, so the sum over processes is meaningful; RSS overcounts them).
pub(crate) fn memory_kib(pid: u32) -> Option<(String, u64, u64)> {
    // argv[0]'s file name: /proc/pid/comm is cut at 15 characters ("WebKitWebProces").
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let argv0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
    let argv0 = String::from_utf8_lossy(argv0);
    let comm = argv0.rsplit('/').next().unwrap_or_default().to_string();
    let field = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    Some((comm, field(&status, "VmRSS:")?, field(&rollup, "Pss:")?))
}
