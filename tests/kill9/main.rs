//! Kill -9, many times: a client process records playback into its SQLite store and syncs with
//! the demo server, and this test kills it (SIGKILL) at random moments, during recording and
//! during sync. Afterwards, compared by event id (see `ledger.rs`): every event a probe
//! acknowledged is on the server exactly once, gone from the device's outbox only once there,
//! nothing is on the server that no probe recorded, and both histories are exactly the union of
//! what the server holds. Two more runs inject a fault on purpose (an acknowledged event never
//! stored; an event sent again under a new id) and require the same check to name exactly it.
//!
//! The same for a test's answers (`quiz.rs`, checked question by question in `answers.rs`): a
//! probe answering and flagging an attempt kept in its store, saving to the site now and then,
//! killed while answering and while saving (some once the site took a save whose reply a proxy,
//! `hold_proxy.rs`, holds back); every question shows its last acknowledged answer
//! and flag on the device and, after a final save, on the site, which grades the attempt from
//! them; a fault run (an answer acknowledged, never stored) must be named by its question.
//!
//! One binary, two roles (`harness = false`): run plainly it is the test; with `--probe` it is
//! the client being killed.

mod answers;
// The e2e tests' fault proxy, for its request reader.
#[allow(dead_code)]
#[path = "../e2e/fault_proxy.rs"]
mod fault_proxy;
mod hold_proxy;
mod ledger;
mod quiz;
// The e2e tests' shared support: the test server's configuration, the clock, site HTML as text.
#[allow(dead_code)]
#[path = "../e2e/util.rs"]
mod util;

use juko_core::store::{LectureContext, SqliteStore, Store};
use juko_core::sync::sync_once;
use juko_model::{LectureId, ProgressEvent, ProgressKind, WatchedIntervals};
use ledger::{Findings, Holdings, Ledger};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use util::now_ms;

/// The lecture the probes watch, and its length (found from the demo catalog at start).
const DURATION: f64 = 68.0;

/// Every test of this binary, by name (nextest lists them and runs each on its own).
const TESTS: &[(&str, fn())] = &[
    ("kill9_loses_nothing", kill9_loses_nothing),
    (
        "kill9_check_names_a_dropped_event",
        check_names_a_dropped_event,
    ),
    (
        "kill9_check_names_an_event_sent_twice",
        check_names_an_event_sent_twice,
    ),
    ("kill9_loses_no_test_answer", quiz::kill9_loses_no_answer),
    (
        "kill9_check_names_a_dropped_test_answer",
        quiz::check_names_a_dropped_answer,
    ),
    (
        "ledger::passes_a_clean_run",
        ledger::tests::passes_a_clean_run,
    ),
    (
        "ledger::names_an_acknowledged_event_that_is_missing",
        ledger::tests::names_an_acknowledged_event_that_is_missing,
    ),
    (
        "ledger::names_an_event_counted_under_a_new_id",
        ledger::tests::names_an_event_counted_under_a_new_id,
    ),
    (
        "ledger::names_a_history_that_differs",
        ledger::tests::names_a_history_that_differs,
    ),
    (
        "ledger::reads_probe_lines",
        ledger::tests::reads_probe_lines,
    ),
    (
        "quiz::passes_a_review_graded_from_the_answers",
        quiz::tests::passes_a_review_graded_from_the_answers,
    ),
    (
        "quiz::names_a_grade_not_from_the_answers",
        quiz::tests::names_a_grade_not_from_the_answers,
    ),
    (
        "answers::passes_a_clean_run",
        answers::tests::passes_a_clean_run,
    ),
    (
        "answers::names_a_lost_answer",
        answers::tests::names_a_lost_answer,
    ),
    (
        "answers::names_a_lost_flag",
        answers::tests::names_a_lost_flag,
    ),
    (
        "answers::names_a_site_that_differs_from_the_device",
        answers::tests::names_a_site_that_differs_from_the_device,
    ),
    (
        "answers::reads_probe_lines",
        answers::tests::reads_probe_lines,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--probe") {
        if args.iter().any(|a| a == "--quiz") {
            quiz::probe(&args);
        } else {
            probe(&args);
        }
        return;
    }
    // Test runners list tests before running them (nextest: `--list --format terse`, then
    // `--list --ignored`); none is ignored.
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            for (name, _) in TESTS {
                println!("{name}: test");
            }
        }
        return;
    }
    // Like libtest: bare arguments filter by name (substring, or whole name with `--exact`);
    // other flags (`--nocapture`, …) change nothing here.
    let exact = args.iter().any(|a| a == "--exact");
    let filters: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let chosen = TESTS.iter().filter(|(name, _)| {
        filters.is_empty()
            || filters.iter().any(|f| {
                if exact {
                    name == f
                } else {
                    name.contains(f.as_str())
                }
            })
    });
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in chosen {
        println!("test {name} ...");
        match std::panic::catch_unwind(test) {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// 25 kills, about half of them in processes that sync: nothing lost, nothing counted twice.
fn kill9_loses_nothing() {
    // Odd: the last probe only records, so the final sync has its events to send.
    const ROUNDS: u64 = 25;
    let run = Run::new(ROUNDS, None);
    assert!(
        run.findings.is_clean(),
        "the kills cost events:\n{}",
        run.findings
    );
    // A run that proved nothing would also be clean.
    assert!(run.ledger.acknowledged() >= ROUNDS as usize && run.ledger.syncs > 0);
    eprintln!(
        "kill9: {ROUNDS} kills (half of them in processes syncing; {} syncs completed before the kills), \
         {} events acknowledged, {} more cut by a kill, {} in the outbox at the end, {} on the server; \
         final sync applied {} known {}",
        run.ledger.syncs,
        run.ledger.acknowledged(),
        run.ledger.unacknowledged(),
        run.outbox_at_end,
        run.on_server,
        run.final_applied,
        run.final_known
    );
}

/// A probe that acknowledges one event without storing it: the check names exactly that one.
fn check_names_a_dropped_event() {
    let run = Run::new(4, Some((1, Fault::Drop)));
    let dropped = run.fault_id("dropped ");
    let gone = BTreeSet::from([dropped]);
    let want = Findings {
        vanished_on_device: gone.clone(),
        lost: gone,
        ..Findings::default()
    };
    assert_eq!(run.findings, want, "{}", run.findings);
}

/// A probe that sends an event a second time under a new id: the check names exactly the copy.
fn check_names_an_event_sent_twice() {
    // Round 1 syncs (odd rounds do), which the fault needs.
    let run = Run::new(4, Some((1, Fault::Resend)));
    let copy = run.fault_id("resent ");
    let want = Findings {
        unaccounted: BTreeSet::from([copy]),
        ..Findings::default()
    };
    assert_eq!(run.findings, want, "{}", run.findings);
}

/// This binary started again as a probe (`--probe`) on the store file `store`, signed in to
/// `site` as `learner`, with `options` (its mode, seed, …); what it prints comes back through
/// its stdout.
fn spawn_probe(
    store: &Path,
    site: &str,
    learner: &juko_demo_server::seed::DemoLearner,
    options: &[&str],
) -> Child {
    Command::new(std::env::current_exe().expect("this test's own binary"))
        .arg("--probe")
        .args(options)
        .args(["--store", store.to_str().unwrap()])
        .args(["--site", site])
        .args(["--username", learner.username])
        .args(["--password", learner.password])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("probe starts")
}

fn arg<'a>(args: &'a [String], name: &str) -> &'a str {
    let i = args
        .iter()
        .position(|a| a == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    &args[i + 1]
}

/// A small deterministic generator: the same seed kills at the same points.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A fault a probe injects on purpose, at its first event, so the check can be shown to catch it.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Acknowledge the event without storing it (a store that loses an acknowledged event).
    Drop,
    /// Store and sync the event, then store it again under a new id (a client counting it twice).
    Resend,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::Drop => "drop",
            Fault::Resend => "resend",
        }
    }
}

/// The client: records one event per slot from `--first-slot` on and (in sync mode) syncs,
/// printing `INTENT id slot` before each store commit and `ACK id` after it (see `ledger.rs`).
fn probe(args: &[String]) {
    let store = SqliteStore::open(Path::new(arg(args, "--store"))).expect("store");
    let lecture = LectureId(arg(args, "--lecture").parse().expect("lecture"));
    let sync = arg(args, "--mode") == "sync";
    let mut rng = Lcg(arg(args, "--seed").parse().expect("seed"));
    let mut slot: u64 = arg(args, "--first-slot").parse().expect("slot");
    let mut fault = match arg(args, "--fault") {
        "drop" => Some(Fault::Drop),
        "resend" => Some(Fault::Resend),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let session = sync.then(|| {
        runtime.block_on(async {
            let site = juko_moodle::Site::new(arg(args, "--site").parse().expect("site"));
            let token = site
                .login(arg(args, "--username"), arg(args, "--password"))
                .await
                .expect("login");
            site.session(token)
        })
    });
    let sync_now = || {
        let session = session.as_ref().expect("this fault needs a syncing probe");
        let report = runtime
            .block_on(sync_once(&store, session, now_ms))
            .expect("sync");
        say(&format!("SYNCED {} {}", report.applied, report.known));
    };
    let context = LectureContext {
        course: None,
        title: None,
        duration_secs: Some(DURATION),
        complete_on_site: false,
    };
    loop {
        assert!(slot < ledger::slots_in(DURATION), "out of slots");
        let event = ProgressEvent {
            id: juko_core::ids::new_id(),
            lecture,
            kind: ProgressKind::Played(ledger::slot_interval(slot)),
            client_time_ms: now_ms(),
        };
        say(&format!("INTENT {} {slot}", event.id));
        slot += 1;
        match fault.take() {
            None => {
                store.record(&event, context, now_ms()).expect("record");
            }
            Some(Fault::Drop) => say(&format!("FAULT dropped {}", event.id)),
            Some(Fault::Resend) => {
                store.record(&event, context, now_ms()).expect("record");
                sync_now();
                let copy = ProgressEvent {
                    id: juko_core::ids::new_id(),
                    ..event.clone()
                };
                store.record(&copy, context, now_ms()).expect("record");
                say(&format!("FAULT resent {} {}", copy.id, event.id));
            }
        }
        say(&format!("ACK {}", event.id));
        if session.is_some() && rng.below(4) == 0 {
            sync_now();
        }
    }
}

/// One line on stdout, flushed: the harness may kill us right after.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|_| out.flush())
        .expect("stdout");
}

/// One proof run: a demo server, `rounds` probes killed in turn, a final sync, the check.
struct Run {
    ledger: Ledger,
    findings: Findings,
    outbox_at_end: usize,
    on_server: usize,
    final_applied: usize,
    final_known: usize,
}

impl Run {
    fn new(rounds: u64, fault: Option<(u64, Fault)>) -> Run {
        let dir = std::env::temp_dir().join(format!("juko-kill9-{}", juko_core::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run = Run::in_dir(&dir, rounds, fault);
        std::fs::remove_dir_all(dir).ok();
        run
    }

    fn in_dir(dir: &Path, rounds: u64, fault: Option<(u64, Fault)>) -> Run {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        // A database file, so the check can read which event ids the server applied.
        let server_db = dir.join("server.sqlite3");
        let mut config = util::test_config();
        config.db = juko_demo_server::DbLocation::File(server_db.clone());
        let server = runtime
            .block_on(juko_demo_server::Server::start(config))
            .expect("server");
        let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
        let (site, user, lecture) = runtime.block_on(async {
            let site = juko_moodle::Site::new(server.url().parse().unwrap());
            let session = site.session(
                site.login(learner.username, learner.password)
                    .await
                    .unwrap(),
            );
            let user = session.site_info().await.unwrap().user.id;
            let mut found = None;
            for course in session.courses(user).await.unwrap() {
                let contents = session.course_contents(course.id).await.unwrap();
                found = found.or(contents
                    .lectures()
                    .find(|l| l.duration_secs == Some(DURATION as u32))
                    .map(|l| l.id));
            }
            (session, user, found.expect("a 68-second lecture"))
        });

        let store_path = dir.join("history.sqlite3");
        let mut rng = Lcg(0x5eed);
        let mut ledger = Ledger::default();
        for round in 0..rounds {
            let mode = if round % 2 == 0 { "record" } else { "sync" };
            let fault = match fault {
                Some((r, f)) if r == round => f.name(),
                _ => "none",
            };
            let mut child = spawn_probe(
                &store_path,
                &server.url(),
                learner,
                &[
                    "--mode",
                    mode,
                    "--seed",
                    &round.to_string(),
                    "--first-slot",
                    &ledger.next_slot().to_string(),
                    "--fault",
                    fault,
                    "--lecture",
                    &lecture.0.to_string(),
                ],
            );
            // Kill after a random number of acknowledged events, so the kill lands anywhere in
            // the record/sync loop (mid-transaction, mid-request, between the two).
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let target = 1 + rng.below(40);
            let mut acks = 0;
            while acks < target {
                let Some(Ok(line)) = lines.next() else {
                    panic!(
                        "probe {round} stopped by itself after {acks} events: {:?}",
                        child.wait()
                    );
                };
                acks += u64::from(line.starts_with("ACK "));
                ledger.take(&line);
            }
            // Let it run into its next step for a moment, then SIGKILL, then read what it printed
            // meanwhile (its last intents matter: they may be committed).
            std::thread::sleep(Duration::from_millis(rng.below(30)));
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            for line in lines.map_while(Result::ok) {
                ledger.take(&line);
            }
            ledger.end_of_probe();
        }

        // Before the final sync: where each event is, on the device and on the server.
        let store = SqliteStore::open(&store_path).expect("reopens after the kills");
        let before = Holdings {
            server: applied_ids(&server_db, user.0),
            outbox: store
                .pending(usize::MAX)
                .unwrap()
                .into_iter()
                .map(|e| e.id)
                .collect(),
        };
        let report = runtime
            .block_on(sync_once(&store, &site, now_ms))
            .expect("final sync");
        assert_eq!(store.pending_count().unwrap(), 0, "the outbox is empty");
        assert_eq!(report.rejected, 0, "{:?}", store.rejected());
        let server_ids = applied_ids(&server_db, user.0);
        // The server's history, as a fresh device pulls it.
        let fresh = SqliteStore::open(&dir.join("fresh.sqlite3")).unwrap();
        runtime
            .block_on(sync_once(&fresh, &site, now_ms))
            .expect("pull");
        let watched = |s: &SqliteStore| {
            s.lecture(lecture)
                .unwrap()
                .map_or_else(WatchedIntervals::new, |h| h.progress.watched)
        };
        let findings = ledger::check(
            &ledger,
            &before,
            &server_ids,
            &watched(&fresh),
            &watched(&store),
        );
        runtime.block_on(server.shutdown());
        Run {
            ledger,
            findings,
            outbox_at_end: before.outbox.len(),
            on_server: server_ids.len(),
            final_applied: report.applied,
            final_known: report.known,
        }
    }

    /// The event id a fault line names (`FAULT dropped <id>`, `FAULT resent <copy> <original>`).
    fn fault_id(&self, prefix: &str) -> String {
        let [fault] = self.ledger.faults.as_slice() else {
            panic!("one fault expected, got {:?}", self.ledger.faults);
        };
        let rest = fault.strip_prefix(prefix).expect("the fault asked for");
        rest.split(' ').next().unwrap().to_string()
    }
}

/// The event ids the demo server applied for `user`, read from its database (read-only, while it
/// runs), every row as it is.
fn applied_ids(db: &Path, user: i64) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the server's database");
    let mut stmt = conn
        .prepare("SELECT eventid FROM local_juko_event WHERE userid = ?1")
        .unwrap();
    stmt.query_map([user], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}
