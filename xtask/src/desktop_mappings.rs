//! `cargo xtask bench desktop-mappings`: where Juko's memory goes beyond the hello app's, mapping
//! by mapping (PSS from /proc/PID/smaps), so a change to the desktop app's memory can be aimed and
//! checked. Printed, not written to BENCHMARKS.md: it is a tool for finding, not a figure to keep.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};

use crate::bench_desktop::{self, Which};
use crate::server;
use crate::util::{self, step};

/// Measured first launches per app (after one unmeasured start each).
const RUNS: usize = 3;

/// Rows printed per process: the mappings where the two apps differ most.
const ROWS: usize = 14;

/// `juko_env`: `NAME=value` pairs for Juko's starts only (to see what a setting would change).
pub(crate) fn run(juko_env: &[String]) -> Result<()> {
    let juko_env: Vec<(&str, &str)> = juko_env
        .iter()
        .map(|kv| kv.split_once('=').context("--juko-env takes NAME=value"))
        .collect::<Result<_>>()?;
    let server_bin = server::build(true)?;
    let apps = bench_desktop::build()?;
    step(&format!(
        "desktop: PSS by mapping, Juko and the hello app without GL compositing ({RUNS} first \
         launches each, after one unmeasured start each)"
    ));
    let x = crate::desktop::start_xvfb()?;
    let srv = server::start_throwaway(&server_bin, "bench-desktop-mappings", false)?;
    let mut samples: BTreeMap<Which, Vec<Vec<(String, u64)>>> = BTreeMap::new();
    for round in 0..=RUNS {
        for which in [Which::Juko, Which::HelloNoGl] {
            let (app, env) = if which == Which::Juko {
                (&apps.juko, juko_env.as_slice())
            } else {
                (&apps.hello, &[][..])
            };
            let memory = bench_desktop::first_launch_memory(
                app,
                (which, env),
                &x.display,
                &srv.url,
                mappings,
            )?;
            if round > 0 && !memory.is_empty() {
                samples.entry(which).or_default().push(memory);
            }
        }
    }
    srv.stop();
    drop(x);
    let juko = util::medians(&samples.remove(&Which::Juko).unwrap_or_default());
    let hello = util::medians(&samples.remove(&Which::HelloNoGl).unwrap_or_default());
    print!("{}", report(&juko, &hello));
    Ok(())
}

/// PSS (KiB) by process and mapping of `pid` and the processes it started, keyed
/// `process: mapping` (the app itself is `app`).
fn mappings(pid: u32) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for p in std::iter::once(pid).chain(util::descendants(pid)) {
        let Some((comm, _, _)) = crate::desktop::memory_kib(p) else {
            continue;
        };
        let process = if p == pid { "app".to_owned() } else { comm };
        let exe = std::fs::read_link(format!("/proc/{p}/exe")).ok();
        let Ok(smaps) = std::fs::read_to_string(format!("/proc/{p}/smaps")) else {
            continue;
        };
        for (mapping, kib) in pss_by_mapping(&smaps, exe.as_deref()) {
            out.push((format!("{process}: {mapping}"), kib));
        }
    }
    out
}

/// Sums the `Pss:` of each mapping of an smaps text by what is mapped: a file by its name and
/// use (code, data, read-only), the process's own binary as `(the app's binary)` so two apps line
/// up, anonymous memory by its kind (`[heap]`, `[stack]`, `[anon]`).
fn pss_by_mapping(smaps: &str, exe: Option<&Path>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if first == "Pss:" {
            let kib: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            if let Some(name) = &current {
                *out.entry(name.clone()).or_insert(0) += kib;
            }
        } else if is_range(first) {
            let perms = fields.next().unwrap_or_default();
            // offset, device, inode; then the path, which may hold spaces.
            let path = fields.skip(3).collect::<Vec<_>>().join(" ");
            current = Some(mapping_name(&path, perms, exe));
        }
    }
    out
}

/// An smaps header starts with the address range, `start-end` in hex.
fn is_range(s: &str) -> bool {
    s.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && (a.chars().chain(b.chars())).all(|c| c.is_ascii_hexdigit())
    })
}

fn mapping_name(path: &str, perms: &str, exe: Option<&Path>) -> String {
    if path.is_empty() {
        return "[anon]".to_owned();
    }
    if path.starts_with('[') {
        return path.to_owned();
    }
    let use_ = if perms.contains('x') {
        "code"
    } else if perms.contains('w') {
        "data"
    } else {
        "read-only"
    };
    let file = if exe.is_some_and(|e| Path::new(path) == e) {
        "(the app's binary)"
    } else {
        path.rsplit('/').next().unwrap_or(path)
    };
    format!("{file} ({use_})")
}

/// Per process: its total for each app, then the mappings that differ most, largest first.
fn report(juko: &BTreeMap<String, f64>, hello: &BTreeMap<String, f64>) -> String {
    let process = |k: &str| k.split_once(": ").map_or(k, |(p, _)| p).to_owned();
    let processes: BTreeSet<String> = juko
        .keys()
        .chain(hello.keys())
        .map(|k| process(k))
        .collect();
    let mib = |kib: f64| kib / 1024.0;
    let mut out = String::from(
        "\nPSS in MiB, medians over first launches: Juko | hello app without GL compositing | \
         difference\n",
    );
    for p in processes {
        let of = |m: &BTreeMap<String, f64>| -> f64 {
            m.iter()
                .filter(|(k, _)| process(k) == p)
                .map(|(_, v)| v)
                .sum()
        };
        let (j, h) = (of(juko), of(hello));
        out += &format!(
            "\n{p}: {:.1} | {:.1} | {:+.1}\n",
            mib(j),
            mib(h),
            mib(j - h)
        );
        let mut rows: Vec<(String, f64, f64)> = juko
            .keys()
            .chain(hello.keys())
            .filter(|k| process(k) == p)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|k| {
                let (a, b) = (
                    juko.get(k).copied().unwrap_or(0.0),
                    hello.get(k).copied().unwrap_or(0.0),
                );
                (
                    k.split_once(": ").map_or(k.as_str(), |(_, m)| m).to_owned(),
                    a,
                    b,
                )
            })
            .collect();
        rows.sort_by(|x, y| (y.1 - y.2).abs().total_cmp(&(x.1 - x.2).abs()));
        for (m, a, b) in rows.into_iter().take(ROWS) {
            out += &format!(
                "  {m}: {:.1} | {:.1} | {:+.1}\n",
                mib(a),
                mib(b),
                mib(a - b)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
55d0a0000000-55d0a0100000 r-xp 00001000 fe:01 123 /opt/juko/juko-desktop-release
Size:               1024 kB
Rss:                 800 kB
Pss:                 800 kB
55d0a0100000-55d0a0200000 r--p 00101000 fe:01 123 /opt/juko/juko-desktop-release
Pss:                 100 kB
7f0000000000-7f0000100000 r--p 00000000 fe:01 9 /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
Pss:                5300 kB
7f0000200000-7f0000300000 rw-p 00000000 00:00 0 
Pss:                  40 kB
7f0000300000-7f0000400000 rw-p 00000000 00:00 0 
Pss:                   2 kB
7f0000400000-7f0000500000 rw-p 00000000 00:00 0                          [heap]
Pss:                 700 kB
7f0000500000-7f0000600000 r--p 00000000 fe:01 77 /tmp/a file (deleted)
Pss:                   3 kB
";

    #[test]
    fn mappings_are_summed_by_file_use_and_kind() {
        let m = pss_by_mapping(SMAPS, Some(Path::new("/opt/juko/juko-desktop-release")));
        let want: BTreeMap<String, u64> = [
            ("(the app's binary) (code)", 800),
            ("(the app's binary) (read-only)", 100),
            ("NotoSansCJK-Regular.ttc (read-only)", 5300),
            ("[anon]", 42),
            ("[heap]", 700),
            ("a file (deleted) (read-only)", 3),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(m, want);
    }

    #[test]
    fn the_report_puts_the_largest_difference_first() {
        let kib = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v * 1024.0))
                .collect()
        };
        let juko = kib(&[
            ("web: fonts", 9.0),
            ("web: [heap]", 12.0),
            ("app: [heap]", 5.0),
        ]);
        let hello = kib(&[
            ("web: [heap]", 10.0),
            ("app: [heap]", 5.0),
            ("web: gone", 1.0),
        ]);
        let text = report(&juko, &hello);
        let web = text.find("web: 21.0 | 11.0 | +10.0").expect(&text);
        let fonts = text.find("  fonts: 9.0 | 0.0 | +9.0").expect(&text);
        let heap = text.find("  [heap]: 12.0 | 10.0 | +2.0").expect(&text);
        let gone = text.find("  gone: 0.0 | 1.0 | -1.0").expect(&text);
        assert!(web < fonts && fonts < heap && heap < gone, "{text}");
        assert!(text.contains("app: 5.0 | 5.0 | +0.0"), "{text}");
    }
}
