//! The browser end-to-end test: demo server (`:memory:` database, dist/) + Playwright + Debian's
//! Chromium, driven by node's built-in test runner.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::install;
use crate::server;
use crate::util::{self, Guard, note, step};

/// Counts from node's TAP output.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u32,
    pub(crate) failed: u32,
    pub(crate) skipped: u32,
}

impl Counts {
    /// The one summary line CI readers look for.
    pub(crate) fn line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// The browser test files, run one at a time against the same server. Node's test runner runs
/// them in the order of their names, not in this list's order, so a file that needs another to
/// have run first says so in its name: `rejoin.test.mjs` sorts after `journey.test.mjs`, whose
/// newcomer joins facility A. The rest do not depend on each other's order: the first visit
/// (sign-in, browse, play), viewing history, a unit's test on a phone and a sequential one, a
/// newcomer's whole journey on a phone in Japanese (joins facility A with its code, reads its
/// news, finishes its short unit, receives the certificate), learner1's certificate online and
/// offline, お知らせ as learner2 (facility B), the web sanitiser against ammonia's answers, the
/// service worker's routing in node, the app opening offline, and a phone's layout in both
/// languages online and offline.
const TEST_FILES: &[&str] = &[
    "e2e.test.mjs",
    "history.test.mjs",
    "quiz.test.mjs",
    "quiz_flow.test.mjs",
    // A newcomer's whole journey: joins facility A (wrong code, offline, right code), reads its
    // news (online and offline), finishes its short unit, receives the certificate.
    "journey.test.mjs",
    // Facility join after the journey (node runs the files in name order: "rejoin" sorts after
    // "journey"): the newcomer already in facility A; iCROWN closed.
    "rejoin.test.mjs",
    // facility A's short unit finished and its certificate opened.
    "certificates.test.mjs",
    // A lecture downloaded on a phone, played and seeked offline, deleted (as icrown1).
    "downloads.test.mjs",
    // お知らせ on a phone as learner2 (facility B), and the web sanitiser against ammonia's answers.
    "news.test.mjs",
    "sanitize.test.mjs",
    "sw.test.mjs",
    "offline.test.mjs",
    "layout.test.mjs",
    // The learner's player (speed, captions, shortcuts, wake lock, next lecture) on a phone as
    // learner2 and on a desktop as learner1, after the tests that watch learner1's lectures.
    "player.test.mjs",
    // Every screen checked by axe-core in both languages and both themes, and screenshotted at
    // a phone's, a tablet's and a desktop's size (artifacts/screens/).
    "a11y.test.mjs",
];

/// The files named on the command line (each one of [`TEST_FILES`]), or all of them.
pub(crate) fn chosen_files(args: &[String]) -> Result<Vec<&'static str>> {
    if args.is_empty() {
        return Ok(TEST_FILES.to_vec());
    }
    args.iter()
        .map(|a| {
            let name = a.rsplit('/').next().unwrap_or(a);
            TEST_FILES
                .iter()
                .find(|f| **f == name)
                .copied()
                .with_context(|| format!("{a:?} is not a browser test file: {TEST_FILES:?}"))
        })
        .collect()
}

/// Runs the browser tests against a fresh server. Needs dist/ (the web build).
pub(crate) fn run(server_bin: &Path) -> Result<Counts> {
    run_files(server_bin, TEST_FILES)
}

/// Runs `files` (some of [`TEST_FILES`]) against a fresh server.
pub(crate) fn run_files(server_bin: &Path, files: &[&str]) -> Result<Counts> {
    let chromium = install::chromium()?;
    let dir = install::playwright()?;
    step("browser end-to-end test (Playwright + Debian Chromium; phone and desktop viewports)");
    let artifacts = util::artifacts_dir();
    util::fresh_dir(&artifacts.join("e2e"))?;
    let srv = server::start_throwaway(server_bin, "e2e", true)?;
    let tap = artifacts.join("e2e/results.tap");
    let web_dist = server::web_snapshot("e2e");
    let counts = node_test(&dir, files, &srv.url, &web_dist, &chromium, &tap);
    srv.stop();
    let counts = counts?;
    note(&format!(
        "screenshots and console logs: {}",
        artifacts.join("e2e").display()
    ));
    Ok(counts)
}

/// `node --test <files>`: the spec reporter for people, TAP into a file for the counts. One file
/// at a time: they share the server and the two cores.
fn node_test(
    dir: &Path,
    files: &[&str],
    url: &str,
    web_dist: &Path,
    chromium: &Path,
    tap: &Path,
) -> Result<Counts> {
    let mut cmd = Command::new("node");
    cmd.args([
        "--test",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
    ])
    .arg("--test-reporter=tap")
    .arg(format!("--test-reporter-destination={}", tap.display()))
    .arg("--test-concurrency=1")
    .args(files)
    .current_dir(dir)
    .env("JUKO_URL", url)
    // The server's own copy of the web build, which offline.test.mjs replaces with a new build.
    .env("JUKO_WEB_DIST", web_dist)
    .env("JUKO_ARTIFACTS", util::artifacts_dir())
    .env("JUKO_CHROMIUM", chromium)
    .env("JUKO_USERNAME", server::DEMO_USER)
    .env("JUKO_PASSWORD", server::DEMO_PASSWORD)
    .stdin(Stdio::null());
    println!("$ {}", util::describe(&cmd));
    let mut guard = Guard::new("node --test", cmd.spawn().context("start node")?);
    // Each step has its own timeout inside; this only bounds a hung browser.
    let status = guard.wait_timeout(Duration::from_secs(600));
    guard.stop();
    let counts = parse_tap(&std::fs::read_to_string(tap).unwrap_or_default());
    println!("{}", counts.line());
    if counts.skipped > 0 {
        note(&format!(
            "{} skipped after an earlier failure",
            counts.skipped
        ));
    }
    match status {
        None => bail!("the browser test did not finish within 10 minutes"),
        Some(st) if !st.success() || counts.failed > 0 => bail!("browser test failed ({st})"),
        Some(_) if counts.passed == 0 => bail!("the browser test ran no test"),
        Some(_) => Ok(counts),
    }
}

/// Reads node's final TAP counters (`# pass 10`, `# fail 0`, …).
fn parse_tap(tap: &str) -> Counts {
    let mut c = Counts::default();
    for line in tap.lines() {
        let mut it = line.split_whitespace();
        if it.next() != Some("#") {
            continue;
        }
        let (Some(key), Some(n)) = (it.next(), it.next().and_then(|n| n.parse::<u32>().ok()))
        else {
            continue;
        };
        match key {
            "pass" => c.passed = n,
            "fail" | "cancelled" => c.failed += n,
            "skipped" | "todo" => c.skipped += n,
            _ => {}
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_node_tap() {
        let tap = "TAP version 13\n# Subtest: phone\nok 1 - phone\n# tests 10\n# suites 2\n\
                   # pass 8\n# fail 1\n# cancelled 0\n# skipped 1\n# todo 0\n# duration_ms 9\n";
        assert_eq!(
            parse_tap(tap),
            Counts {
                passed: 8,
                failed: 1,
                skipped: 1
            }
        );
        assert_eq!(parse_tap(tap).line(), "8 passed, 1 failed");
    }
}
