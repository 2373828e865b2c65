//! Small helpers shared by the subcommands: paths, printing, running commands, processes.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The project root: xtask lives in `<root>/xtask`, so this is right wherever cargo is run from.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Cargo's target directory for native builds (honours `CARGO_TARGET_DIR` like cargo does).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// Scratch space of xtask itself (copied binaries, media cache, XDG dirs of test runs).
pub(crate) fn work_dir() -> PathBuf {
    target_dir().join("xtask")
}

/// Scratch space of this xtask process (XDG dirs of desktop runs, the web build's staging dir, the
/// dist/ snapshot a test server serves): several engineers and CI may run xtask in one checkout
/// at once, and must not share these. Removed when xtask exits.
pub(crate) fn run_dir() -> PathBuf {
    work_dir().join(format!("run-{}", std::process::id()))
}

/// Removes the run dirs of xtask processes that no longer exist (killed before they could).
pub(crate) fn remove_stale_run_dirs() {
    let Ok(entries) = std::fs::read_dir(work_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("run-")) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Copies a freshly built executable to xtask's bin dir and returns the copy: target/ is shared,
/// and a concurrent `cargo build` must not swap the file under a running test. Copy, then rename:
/// another run may be executing the previous copy, and overwriting a running executable in place
/// fails (ETXTBSY) where a rename does not.
pub(crate) fn install_binary(built: &Path, name: &str) -> Result<PathBuf> {
    let dir = work_dir().join("bin");
    std::fs::create_dir_all(&dir)?;
    let dest = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}", std::process::id()));
    std::fs::copy(built, &tmp)
        .with_context(|| format!("copy {} -> {}", built.display(), tmp.display()))?;
    std::fs::rename(&tmp, &dest)?;
    Ok(dest)
}

/// Where tests and benchmarks leave screenshots and logs (git-ignored).
pub(crate) fn artifacts_dir() -> PathBuf {
    root().join("artifacts")
}

/// Prints a step header so a long run reads like a log of what happened.
pub(crate) fn step(title: &str) {
    println!("\n==> {title}");
}

/// Prints a note under the current step.
pub(crate) fn note(msg: &str) {
    println!("    {msg}");
}

/// Renders a command line for the log (environment overrides included, they matter here).
pub(crate) fn describe(cmd: &Command) -> String {
    let mut s = String::new();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            // PATH and friends are long; the start says enough.
            let v = v.to_string_lossy();
            let v = match v.char_indices().nth(60) {
                Some((i, _)) => format!("{}…", &v[..i]),
                None => v.into_owned(),
            };
            s.push_str(&format!("{}={v} ", k.to_string_lossy()));
        }
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.contains(' ') || a.is_empty() {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        s.push_str(&format!("   (in {})", dir.display()));
    }
    s
}

/// The command without its environment and with the program's file name only: short enough for
/// an error message and the summary table (the full line was printed when it started).
pub(crate) fn short(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let mut s = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command with inherited stdio; fails on a non-zero exit.
pub(crate) fn run(cmd: &mut Command) -> Result<()> {
    println!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {}", cmd.get_program().to_string_lossy()))?;
    if !status.success() {
        bail!("`{}` failed ({status})", short(cmd));
    }
    Ok(())
}

/// Runs a command quietly and returns its stdout; fails on a non-zero exit.
pub(crate) fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {}", cmd.get_program().to_string_lossy()))?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}): {}",
            short(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when `program` can be started (found on PATH and answers `arg`).
pub(crate) fn works(program: impl AsRef<OsStr>, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Finds an executable on PATH.
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The current effective user is root (apt needs it, otherwise we go through sudo).
pub(crate) fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_ok_and(|s| s.trim() == "0")
}

/// `cargo` of the toolchain xtask itself was built with (cargo sets `CARGO` for `cargo run`).
pub(crate) fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A cargo command in the project root.
pub(crate) fn cargo() -> Command {
    let mut cmd = Command::new(cargo_program());
    cmd.current_dir(root());
    cmd
}

/// Formats a duration the way the log and BENCHMARKS.md show it.
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Milliseconds since the Unix epoch (the app's `FIRST_FRAME` line uses the same clock).
pub(crate) fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// Sends a signal by pid with `kill(1)`: std can only SIGKILL, and servers deserve a SIGTERM first.
pub(crate) fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// All live descendants of `pid` (WebKit's web and network processes of the desktop app).
pub(crate) fn descendants(pid: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            if let Some(ppid) = std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|s| {
                    // The command name may contain spaces; fields after the closing paren are fixed.
                    let rest = &s[s.rfind(')')? + 2..];
                    rest.split(' ').nth(1)?.parse::<u32>().ok()
                })
            {
                parents.push((child, ppid));
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for &(c, pp) in &parents {
            if pp == p && !out.contains(&c) {
                out.push(c);
                frontier.push(c);
            }
        }
    }
    out
}

/// A child process that is stopped (by its pid, with its descendants) when dropped, so no error path
/// leaves a server, Xvfb or WebKit process behind.
pub(crate) struct Guard {
    name: String,
    child: Option<Child>,
    /// The descendants the process had when `kill` took it down alone.
    orphans: Vec<u32>,
}

/// Pids of the processes guarded right now, for the signal handler (see `handle_signals`).
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Whether a signal should let xtask outlive its child (interactive commands) or abort the run.
static OUTLIVE: AtomicBool = AtomicBool::new(false);

impl Guard {
    pub(crate) fn new(name: &str, child: Child) -> Self {
        if let Ok(mut r) = RUNNING.lock() {
            r.push(child.id());
        }
        Self {
            name: name.to_string(),
            child: Some(child),
            orphans: Vec::new(),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Non-blocking: `Some(status)` once the process has exited.
    pub(crate) fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.as_mut()?.try_wait().ok().flatten()
    }

    /// Waits for a normal exit up to `timeout`; stops the process when it does not come.
    pub(crate) fn wait_timeout(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let t0 = Instant::now();
        while t0.elapsed() < timeout {
            if let Some(st) = self.try_wait() {
                return Some(st);
            }
            thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Blocks until the process exits on its own (the interactive `demo`/`desktop` commands).
    pub(crate) fn wait(&mut self) -> Result<std::process::ExitStatus> {
        let child = self.child.as_mut().context("process already stopped")?;
        Ok(child.wait()?)
    }

    /// SIGKILL to the process alone, at once (what a crash or the OS does to an app). Its helpers
    /// (WebKit's processes) are left to notice, as after a crash; `stop` reaps any that did not.
    pub(crate) fn kill(&mut self) {
        if let Some(child) = self.child.as_mut() {
            self.orphans = descendants(child.id());
            let _ = child.kill();
        }
    }

    /// SIGTERM to the process and its descendants, SIGKILL after a grace period.
    pub(crate) fn stop(&mut self) {
        for pid in std::mem::take(&mut self.orphans) {
            if Path::new(&format!("/proc/{pid}")).exists() {
                signal(pid, "KILL");
            }
        }
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id();
        if let Ok(mut r) = RUNNING.lock() {
            r.retain(|&p| p != pid);
        }
        if child.try_wait().ok().flatten().is_none() {
            let kids = descendants(pid);
            println!("    stopping {} (pid {pid})", self.name);
            signal(pid, "TERM");
            let t0 = Instant::now();
            while t0.elapsed() < Duration::from_secs(5) {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
            }
            // WebKit helpers usually exit with their parent; make sure, by the pids we saw.
            for k in kids {
                if Path::new(&format!("/proc/{k}")).exists() {
                    signal(k, "KILL");
                }
            }
        }
        let _ = child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Forwards a child's output line by line to `tx` (for whoever waits for a marker line), and
/// appends it to a log file. Keeps draining when nobody listens, so the child never blocks on a
/// full pipe.
pub(crate) fn pump_lines(
    stream: impl Read + Send + 'static,
    log: Option<PathBuf>,
    tx: mpsc::Sender<String>,
) {
    thread::spawn(move || {
        use std::io::Write;
        let mut file = log.and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(f) = file.as_mut() {
                let _ = writeln!(f, "{line}");
            }
            let _ = tx.send(line);
        }
    });
}

/// Ctrl-C, SIGTERM and SIGHUP: Drop does not run when a signal ends the process, so the handler
/// stops every guarded child (and its descendants) by pid itself. The test run then aborts; see
/// `outlive_signals` for the interactive commands.
pub(crate) fn handle_signals() {
    let r = ctrlc::set_handler(|| {
        let pids = RUNNING.lock().map(|r| r.clone()).unwrap_or_default();
        for &p in &pids {
            for d in descendants(p) {
                signal(d, "TERM");
            }
            signal(p, "TERM");
        }
        if OUTLIVE.load(Ordering::SeqCst) {
            println!("\n    (interrupted: waiting for the child process to stop)");
            return;
        }
        println!(
            "\n    interrupted: stopped {} child process(es)",
            pids.len()
        );
        thread::sleep(Duration::from_secs(2));
        for &p in &pids {
            signal(p, "KILL");
        }
        let _ = std::fs::remove_dir_all(run_dir());
        std::process::exit(130);
    });
    if let Err(e) = r {
        note(&format!("cannot handle Ctrl-C/SIGTERM: {e}"));
    }
}

/// For interactive commands (demo server, desktop app): on Ctrl-C the child stops cleanly (it gets
/// the signal from the terminal, or forwarded by the handler) and xtask outlives it, draining its
/// output until it has exited, instead of dying first and leaving it writing into a closed pipe.
pub(crate) fn outlive_signals() {
    OUTLIVE.store(true, Ordering::SeqCst);
}

/// Per name, the median over runs of named measurements (a run without the name counts as 0;
/// a name measured twice in one run counts as their sum).
pub(crate) fn medians(runs: &[Vec<(String, u64)>]) -> std::collections::BTreeMap<String, f64> {
    let names: std::collections::BTreeSet<&str> =
        runs.iter().flatten().map(|(n, _)| n.as_str()).collect();
    names
        .into_iter()
        .map(|name| {
            let per_run = runs
                .iter()
                .map(|run| {
                    run.iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, v)| *v as f64)
                        .sum()
                })
                .collect();
            (name.to_owned(), median(per_run))
        })
        .collect()
}

/// Median of a non-empty list of measurements.
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Recursively copies a directory's contents (for `public/` into `dist/`).
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), &dest)
                .with_context(|| format!("copy {} -> {}", e.path().display(), dest.display()))?;
        }
    }
    Ok(())
}

/// A fresh, empty directory (removed first if it exists).
pub(crate) fn fresh_dir(p: &Path) -> Result<PathBuf> {
    if p.exists() {
        std::fs::remove_dir_all(p).with_context(|| format!("remove {}", p.display()))?;
    }
    std::fs::create_dir_all(p).with_context(|| format!("create {}", p.display()))?;
    Ok(p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::medians;

    #[test]
    fn medians_sum_a_name_within_a_run_and_count_a_missing_one_as_zero() {
        let run = |v: &[(&str, u64)]| v.iter().map(|&(n, k)| (n.to_owned(), k)).collect();
        let by = medians(&[
            run(&[("app", 10), ("web", 4), ("web", 6)]),
            run(&[("app", 30), ("web", 20)]),
            run(&[("app", 20)]),
        ]);
        assert_eq!(by["app"], 20.0);
        // Runs: 10 (4 + 6), 20, 0 (absent).
        assert_eq!(by["web"], 10.0);
        assert_eq!(by.len(), 2);
    }
}
