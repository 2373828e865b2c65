//! The desktop section of BENCHMARKS.md: Juko's first frame and memory beside a hello-page Dioxus
//! desktop app's (benches/hello-desktop/app.rs), measured in the same run, on the same Xvfb, the
//! two started alternately so a busy moment of the (shared) machine hits both.
//!
//! `cargo xtask bench` writes it with everything else; `cargo xtask bench desktop` measures only
//! this and replaces the section in place.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use crate::desktop::{self, Profile};
use crate::server;
use crate::util::{self, median, step};

/// Measured starts per app and per kind of launch (first, later), after one unmeasured start each.
const RUNS: usize = 5;

/// What the app's memory is read at: the course list (Juko) or the hello page, settled.
const SETTLE: Duration = Duration::from_millis(1500);

/// The heading the section starts with (`bench desktop` finds it to replace the section).
const HEADING: &str = "## Desktop app";

/// Goals against the hello app (see `goal_text` for why these).
const FRAME_GOAL: f64 = 1.20;
const PSS_GOAL: f64 = 1.15;

/// The two desktop binaries, release builds of one cargo run.
pub(crate) struct Apps {
    pub(crate) juko: PathBuf,
    pub(crate) hello: PathBuf,
}

pub(crate) fn build() -> Result<Apps> {
    let mut bins = desktop::build_bins(true, &["juko", "hello-desktop"])?.into_iter();
    let (Some(juko), Some(hello)) = (bins.next(), bins.next()) else {
        bail!("the desktop build returned fewer binaries than asked for");
    };
    Ok(Apps { juko, hello })
}

/// `cargo xtask bench desktop`: builds what the section needs, measures, and replaces the section
/// in BENCHMARKS.md (the rest of the file stays as the last full run wrote it).
pub(crate) fn run_only() -> Result<()> {
    let server_bin = server::build(true)?;
    let apps = build()?;
    let mut section = String::new();
    write_section(&mut section, &apps, &server_bin)?;
    let file = util::root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&file).unwrap_or_default();
    std::fs::write(&file, replace_section(&old, &section))?;
    step(&format!("wrote the desktop section of {}", file.display()));
    print!("{section}");
    Ok(())
}

/// `text` with its desktop section (from [`HEADING`] to the next `## `) replaced by `section`,
/// or `section` appended when it has none.
fn replace_section(text: &str, section: &str) -> String {
    let Some(start) = text.find(&format!("\n{HEADING}")).map(|i| i + 1) else {
        return format!("{}\n\n{section}", text.trim_end());
    };
    let end = text[start + HEADING.len()..]
        .find("\n## ")
        .map_or(text.len(), |i| start + HEADING.len() + i + 1);
    format!("{}{section}{}", &text[..start], &text[end..])
}

/// Which app a start is of.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Which {
    Juko,
    /// The hello app as Dioxus and WebKit set it up.
    Hello,
    /// The hello app painted without OpenGL compositing, as Juko paints when there is no GPU
    /// (src/platform/webview_desktop.rs): the like-for-like floor for Juko's own work.
    HelloNoGl,
}

impl Which {
    const ALL: [Which; 3] = [Which::Juko, Which::Hello, Which::HelloNoGl];

    /// The run's name: its log (artifacts/NAME.log) and its kept XDG dirs.
    fn name(self) -> &'static str {
        match self {
            Which::Juko => "bench-desktop",
            Which::Hello => "bench-hello",
            Which::HelloNoGl => "bench-hello-nogl",
        }
    }

    fn env(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Which::HelloNoGl => &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")],
            _ => &[],
        }
    }
}

/// First frame (ms after spawn) per launch kind, and memory per first launch.
#[derive(Default)]
struct Samples {
    first: Vec<f64>,
    later: Vec<f64>,
    /// One entry per first launch: (process, PSS KiB) for the app and each of its WebKit processes.
    memory: Vec<Vec<(String, u64)>>,
}

/// Measures both apps and writes the section.
pub(crate) fn write_section(md: &mut String, apps: &Apps, server_bin: &Path) -> Result<()> {
    step(&format!(
        "desktop: first frame and memory, Juko and the hello app (as set up, and without GL \
         compositing) in turn ({RUNS} first launches and {RUNS} later launches each, after one \
         unmeasured start each)"
    ));
    let busy = crate::bench::cpu_busy();
    let x = desktop::start_xvfb()?;
    let srv = server::start_throwaway(server_bin, "bench-desktop", false)?;
    let mut samples: BTreeMap<Which, Samples> = BTreeMap::new();
    let mut problems = Vec::new();
    // Round 0 is unmeasured (page cache, fontconfig cache); then first launches (empty XDG dirs),
    // then later launches reusing the last first launch's dirs (WebKit caches warm, session kept).
    for (round, fresh) in (0..=RUNS)
        .map(|r| (r, true))
        .chain((1..=RUNS).map(|r| (r, false)))
    {
        // Each round starts with the next app, so none always runs first.
        let mut order = Which::ALL;
        let n = order.len();
        order.rotate_left(round % n);
        for which in order {
            let app = match which {
                Which::Juko => &apps.juko,
                Which::Hello | Which::HelloNoGl => &apps.hello,
            };
            let s = samples.entry(which).or_default();
            match start_once(
                app,
                (which, &[]),
                &x.display,
                &srv.url,
                fresh,
                process_memory,
            ) {
                Ok(run) if round > 0 => {
                    if let Some(ms) = run.first_frame_ms {
                        if fresh { &mut s.first } else { &mut s.later }.push(ms);
                    }
                    if fresh && !run.memory.is_empty() {
                        s.memory.push(run.memory);
                    }
                    problems.extend(run.problem.map(|p| format!("{which:?}: {p}")));
                }
                Ok(run) => problems.extend(run.problem.map(|p| format!("{which:?}: {p}"))),
                Err(e) => problems.push(format!("{which:?}: {e:#}")),
            }
        }
    }
    srv.stop();
    drop(x);
    let mut take = |w| samples.remove(&w).unwrap_or_default();
    let (juko, hello, nogl) = (
        take(Which::Juko),
        take(Which::Hello),
        take(Which::HelloNoGl),
    );
    report(md, &juko, &[&hello, &nogl], busy)?;
    if !problems.is_empty() {
        writeln!(md, "Runs with problems: {}\n", problems.join("; "))?;
    }
    Ok(())
}

/// What one start gave.
struct Run {
    first_frame_ms: Option<f64>,
    memory: Vec<(String, u64)>,
    problem: Option<String>,
}

/// What the app's memory is read as: (name, KiB) pairs, from the app's pid.
type ReadMemory = fn(u32) -> Vec<(String, u64)>;

/// One first launch of `which` with `extra` environment; its memory as `read` gives it (empty if
/// the start failed).
pub(crate) fn first_launch_memory(
    app: &Path,
    (which, extra): (Which, &[(&str, &str)]),
    display: &str,
    site: &str,
    read: ReadMemory,
) -> Result<Vec<(String, u64)>> {
    let run = start_once(app, (which, extra), display, site, true, read)?;
    if let Some(p) = run.problem {
        util::note(&format!("{which:?}: {p}"));
    }
    Ok(run.memory)
}

fn start_once(
    app: &Path,
    (which, extra): (Which, &[(&str, &str)]),
    display: &str,
    site: &str,
    fresh: bool,
    read: ReadMemory,
) -> Result<Run> {
    let name = which.name();
    let profile = if fresh {
        Profile::Fresh
    } else {
        Profile::KeptFrom(name)
    };
    let mut memory = Vec::new();
    let env = [which.env(), extra].concat();
    let r = desktop::self_test_with_env(app, display, site, name, profile, &env, |pid, ok| {
        if ok && fresh {
            // Let the screen settle (layout, images) within the app's linger time.
            std::thread::sleep(SETTLE);
            memory = read(pid);
        }
    })?;
    let first_frame_ms = r
        .first_frame_epoch_ms
        .map(|ff| ff.saturating_sub(r.spawned_epoch_ms) as f64);
    let problem = match (&r.ok_line, r.fail_line, first_frame_ms) {
        (Some(_), _, Some(_)) => None,
        (Some(_), _, None) => Some("no FIRST_FRAME line".to_owned()),
        (None, Some(fail), _) => Some(fail),
        (None, None, _) => Some("no SELFTEST line".to_owned()),
    };
    Ok(Run {
        first_frame_ms,
        memory,
        problem,
    })
}

/// PSS of the app and of each process it started (WebKit's web and network processes), named
/// `app` for the app itself so both apps' tables line up.
fn process_memory(pid: u32) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for p in std::iter::once(pid).chain(util::descendants(pid)) {
        if let Some((comm, _rss, pss)) = desktop::memory_kib(p) {
            let name = if p == pid { "app".to_owned() } else { comm };
            out.push((name, pss));
        }
    }
    out
}

/// Which launches' first frames a row shows.
type Pick = fn(&Samples) -> &Vec<f64>;

/// The yardsticks' column names, in the order `report` takes them.
const HELLO_COLUMNS: [&str; 2] = ["hello app", "hello app, no GL compositing"];

fn report(
    md: &mut String,
    juko: &Samples,
    hellos: &[&Samples; 2],
    busy: Option<f64>,
) -> Result<()> {
    writeln!(md, "{HEADING} (release build, Xvfb 1280×800)\n")?;
    writeln!(
        md,
        "Juko beside a hello app (`benches/hello-desktop/app.rs`: the same dioxus 0.7.10 features, \
         window and webview data directory, one heading), started in turn in one run on the same X \
         server, each after one unmeasured start. The hello app runs twice over: as Dioxus and \
         WebKit set it up, and with `WEBKIT_DISABLE_COMPOSITING_MODE=1`, which Juko sets itself \
         when the machine has no GPU, as here (src/platform/webview_desktop.rs): that column is \
         the like-for-like floor for Juko's own work. Juko also turns JavaScriptCore's JIT off \
         (same file; `cargo xtask bench desktop-mappings` breaks the memory down); the hello app \
         keeps WebKit's default. Juko is built with Cargo.toml's `desktop-release` profile (size \
         over speed, fat LTO), the hello app with `release`. First frame: process start (spawn) → the \
         app's `FIRST_FRAME` line (the animation frame after the root mounted). Commit {}; CPU \
         busy with other work just before: {} (the machine is shared: read the spreads).\n",
        crate::bench::commit(),
        busy.map_or("unknown".into(), |p| format!("{p:.0} %"))
    )?;
    writeln!(
        md,
        "| first frame | Juko | {} | {} | Juko ÷ each | goal |\n|---|---:|---:|---:|---:|---|",
        HELLO_COLUMNS[0], HELLO_COLUMNS[1]
    )?;
    let launches: [(&str, Pick); 2] = [
        (
            "first launch (empty XDG dirs: no WebKit or Mesa cache, no session; Juko shows sign-in)",
            |s| &s.first,
        ),
        (
            "later launch (the last run's XDG dirs: caches warm; Juko's session kept)",
            |s| &s.later,
        ),
    ];
    for (label, pick) in launches {
        let j = median(pick(juko).clone());
        let floors: Vec<f64> = hellos.iter().map(|h| median(pick(h).clone())).collect();
        writeln!(
            md,
            "| {label} | {} | {} | {} | {} | {} |",
            spread_ms(pick(juko)),
            spread_ms(pick(hellos[0])),
            spread_ms(pick(hellos[1])),
            floors
                .iter()
                .map(|&h| ratio_text(j, h))
                .collect::<Vec<_>>()
                .join(" / "),
            verdict(worst_ratio(j, &floors), FRAME_GOAL)
        )?;
    }
    writeln!(md)?;
    memory_table(md, juko, hellos)?;
    writeln!(md, "{}\n", goal_text())?;
    Ok(())
}

/// Juko's largest ratio to any yardstick: it is judged against the strictest.
fn worst_ratio(juko: f64, floors: &[f64]) -> f64 {
    floors
        .iter()
        .filter(|f| f.is_finite() && **f > 0.0)
        .fold(f64::NAN, |m, &f| m.max(juko / f))
}

/// `median ms (min–max, n)`.
fn spread_ms(v: &[f64]) -> String {
    if v.is_empty() {
        return "not measured".into();
    }
    format!(
        "{:.0} ms ({:.0}–{:.0}, n={})",
        median(v.to_vec()),
        v.iter().copied().fold(f64::INFINITY, f64::min),
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        v.len()
    )
}

fn ratio_text(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "–".into()
    }
}

fn verdict(ratio: f64, goal: f64) -> String {
    if !ratio.is_finite() {
        return "–".into();
    }
    let within = ratio <= goal;
    format!("≤ {goal:.2}: {}", if within { "within" } else { "OVER" })
}

/// Median PSS per process over the first launches, Juko and each yardstick, and the totals.
fn memory_table(md: &mut String, juko: &Samples, hellos: &[&Samples; 2]) -> Result<()> {
    if juko.memory.is_empty() || hellos.iter().any(|h| h.memory.is_empty()) {
        writeln!(
            md,
            "Memory: not measured (samples: Juko {}, {} {}, {} {}).\n",
            juko.memory.len(),
            HELLO_COLUMNS[0],
            hellos[0].memory.len(),
            HELLO_COLUMNS[1],
            hellos[1].memory.len()
        )?;
        return Ok(());
    }
    writeln!(
        md,
        "Memory (PSS from /proc smaps_rollup: shared pages counted fairly, so the sum over \
         processes means something), first launches, {} s after `SELFTEST ok` (Juko: signed in on \
         the course list; hello app: its page); medians over {} runs each:\n",
        SETTLE.as_secs_f64(),
        juko.memory.len(),
    )?;
    writeln!(
        md,
        "| process | Juko | {} | {} |\n|---|---:|---:|---:|",
        HELLO_COLUMNS[0], HELLO_COLUMNS[1]
    )?;
    let [j_by, h_by, n_by] = [juko, hellos[0], hellos[1]].map(|s| util::medians(&s.memory));
    let names: std::collections::BTreeSet<&String> =
        j_by.keys().chain(h_by.keys()).chain(n_by.keys()).collect();
    let mib = |kib: f64| kib / 1024.0;
    let per = |by: &BTreeMap<String, f64>, name: &str| by.get(name).copied().unwrap_or(0.0);
    for name in names {
        writeln!(
            md,
            "| {name} | {:.0} MiB | {:.0} MiB | {:.0} MiB |",
            mib(per(&j_by, name)),
            mib(per(&h_by, name)),
            mib(per(&n_by, name))
        )?;
    }
    let total = |s: &Samples| {
        median(
            s.memory
                .iter()
                .map(|run| run.iter().map(|(_, k)| *k as f64).sum())
                .collect(),
        )
    };
    let j = total(juko);
    let floors = [total(hellos[0]), total(hellos[1])];
    writeln!(
        md,
        "| **total** | **{:.0} MiB** | **{:.0} MiB** | **{:.0} MiB** |\n",
        mib(j),
        mib(floors[0]),
        mib(floors[1])
    )?;
    writeln!(
        md,
        "Juko's total PSS ÷ each: {} (goal {}).\n",
        floors
            .iter()
            .map(|&h| ratio_text(j, h))
            .collect::<Vec<_>>()
            .join(" / "),
        verdict(worst_ratio(j, &floors), PSS_GOAL)
    )?;
    Ok(())
}

fn goal_text() -> String {
    format!(
        "Goal: Juko's first frame within {:.0} % of each hello app's (medians), both launches, and \
         its total PSS within {:.0} % (judged against the stricter yardstick). Why: the hello app is the floor this stack allows (process start, \
         GTK, WebKit's web and network processes, Dioxus's page); what is above it is Juko's own \
         work, and a learner should not wait for it before seeing a screen. The first screen may \
         cost a little more than a heading (its stylesheet, a form or the kept course list), \
         hence a margin rather than parity; memory gets the tighter one because an open course \
         list holds little beyond what WebKit needs anyway.",
        (FRAME_GOAL - 1.0) * 100.0,
        (PSS_GOAL - 1.0) * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_desktop_section() {
        let text = "# B\n\n## Web\n\nweb\n\n## Desktop app (old)\n\nold\n\n## Demo server\n\nsrv\n";
        let new = replace_section(text, "## Desktop app (new)\n\nnew\n\n");
        assert_eq!(
            new,
            "# B\n\n## Web\n\nweb\n\n## Desktop app (new)\n\nnew\n\n## Demo server\n\nsrv\n"
        );
    }

    #[test]
    fn a_missing_or_last_section_is_appended_or_replaced_to_the_end() {
        let appended = replace_section("# B\n\n## Web\n\nweb\n", "## Desktop app\n\nnew\n");
        assert_eq!(appended, "# B\n\n## Web\n\nweb\n\n## Desktop app\n\nnew\n");
        let last = replace_section("# B\n\n## Desktop app\n\nold\n", "## Desktop app\n\nnew\n");
        assert_eq!(last, "# B\n\n## Desktop app\n\nnew\n");
    }

    #[test]
    fn the_memory_table_lines_up_processes_and_judges_the_total() {
        let run = |app: u64, web: u64| {
            vec![
                ("app".to_owned(), app * 1024),
                ("WebKitWebProcess".to_owned(), web * 1024),
            ]
        };
        let juko = Samples {
            memory: vec![run(90, 200), run(100, 210), run(95, 205)],
            ..Samples::default()
        };
        let hello = Samples {
            memory: vec![run(40, 280), run(42, 290), run(41, 285)],
            ..Samples::default()
        };
        let nogl = Samples {
            memory: vec![run(40, 180), run(42, 190), run(41, 185)],
            ..Samples::default()
        };
        let mut md = String::new();
        memory_table(&mut md, &juko, &[&hello, &nogl]).unwrap();
        for row in [
            "| app | 95 MiB | 41 MiB | 41 MiB |",
            "| WebKitWebProcess | 205 MiB | 285 MiB | 185 MiB |",
            "| **total** | **300 MiB** | **326 MiB** | **226 MiB** |",
            // Within the first yardstick, over the stricter one: over.
            "Juko's total PSS ÷ each: 0.92 / 1.33 (goal ≤ 1.15: OVER)",
        ] {
            assert!(md.contains(row), "{row} missing from\n{md}");
        }
    }
}
