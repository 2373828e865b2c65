//! Kill -9, many times: a client process records playback into its SQLite store and syncs with
//! the demo server, and this test kills it (SIGKILL) at random moments, during recording and
//! during sync. Afterwards nothing the store acknowledged is lost, on the device or the server,
//! and nothing is counted twice: replays of pushes cut short come back as `known`.
//!
//! One binary, two roles (`harness = false`): run plainly it is the test; with `--probe` it is
//! the client being killed.

use juko_core::store::{LectureContext, SqliteStore, Store};
use juko_core::sync::sync_once;
use juko_model::{Interval, LectureId, ProgressEvent, ProgressKind, WatchedIntervals};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const ROUNDS: u64 = 24;
/// The lecture the probe watches, and its length (found from the demo catalog at start).
const DURATION: f64 = 68.0;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--probe") {
        probe(&args);
        return;
    }
    // Test runners list tests before running them (nextest: `--list --format terse`, then
    // `--list --ignored`); this binary holds one test and ignores none.
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("kill9_loses_nothing: test");
        }
        return;
    }
    // Other libtest flags (`--exact`, `--nocapture`, the test's name) change nothing here.
    match std::panic::catch_unwind(run) {
        Ok(()) => println!("1 passed, 0 failed"),
        Err(_) => {
            println!("0 passed, 1 failed");
            std::process::exit(1);
        }
    }
}

fn arg<'a>(args: &'a [String], name: &str) -> &'a str {
    let i = args
        .iter()
        .position(|a| a == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    &args[i + 1]
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
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

/// The client: records random segments and (in sync mode) syncs, reporting each recorded
/// event on stdout only after the store committed it.
fn probe(args: &[String]) {
    let store = SqliteStore::open(Path::new(arg(args, "--store"))).expect("store");
    let lecture = LectureId(arg(args, "--lecture").parse().expect("lecture"));
    let sync = arg(args, "--mode") == "sync";
    let mut rng = Lcg(arg(args, "--seed").parse().expect("seed"));
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
    let context = LectureContext {
        course: None,
        title: None,
        duration_secs: Some(DURATION),
        complete_on_site: false,
    };
    let mut out = std::io::stdout().lock();
    loop {
        let from = rng.below(600) as f64 / 10.0;
        let to = (from + 0.5 + rng.below(60) as f64 / 10.0).min(DURATION);
        let event = ProgressEvent {
            id: juko_core::ids::new_id(),
            lecture,
            kind: ProgressKind::Played(Interval { from, to }),
            client_time_ms: now_ms(),
        };
        store.record(&event, context, now_ms()).expect("record");
        writeln!(out, "ACK {from} {to}")
            .and_then(|_| out.flush())
            .expect("stdout");
        if let Some(session) = session.as_ref().filter(|_| rng.below(4) == 0) {
            let report = runtime
                .block_on(sync_once(&store, session, now_ms))
                .expect("sync");
            writeln!(out, "SYNCED {} {}", report.applied, report.known)
                .and_then(|_| out.flush())
                .expect("stdout");
        }
    }
}

fn run() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let media = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-media");
    let server = runtime
        .block_on(juko_demo_server::Server::start(
            juko_demo_server::Config::for_tests(media),
        ))
        .expect("server");
    let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
    let (site, lecture) = runtime.block_on(async {
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
        (session, found.expect("a 68-second lecture"))
    });

    let dir = std::env::temp_dir().join(format!("juko-kill9-{}", juko_core::ids::new_id()));
    let store_path = dir.join("history.sqlite3");
    std::fs::create_dir_all(&dir).unwrap();
    let me = std::env::current_exe().unwrap();
    let mut rng = Lcg(0x5eed);
    let mut acknowledged = Vec::new();
    let mut syncs_completed = 0;
    for round in 0..ROUNDS {
        let mode = if round % 2 == 0 { "record" } else { "sync" };
        let mut child = Command::new(&me)
            .args(["--probe", "--mode", mode, "--seed", &round.to_string()])
            .args([
                "--store",
                store_path.to_str().unwrap(),
                "--lecture",
                &lecture.0.to_string(),
            ])
            .args([
                "--site",
                &server.url(),
                "--username",
                learner.username,
                "--password",
                learner.password,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("probe starts");
        // Kill after a random number of acknowledged events, so the kill lands anywhere in the
        // record/sync loop (mid-transaction, mid-request, between the two).
        let lines = BufReader::new(child.stdout.take().unwrap());
        let target = 1 + rng.below(40);
        let mut seen = 0;
        for line in lines.lines() {
            let Ok(line) = line else { break };
            let parts: Vec<&str> = line.split(' ').collect();
            match parts[0] {
                "ACK" => {
                    let (from, to) = (parts[1].parse().unwrap(), parts[2].parse().unwrap());
                    acknowledged.push(Interval { from, to });
                    seen += 1;
                }
                "SYNCED" => syncs_completed += 1,
                _ => {}
            }
            if seen >= target {
                break;
            }
        }
        // Let it run into its next step for a moment, then SIGKILL.
        std::thread::sleep(Duration::from_millis(rng.below(30)));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
    }

    // On the device: every acknowledged interval is in the history.
    let store = SqliteStore::open(&store_path).expect("reopens after the kills");
    let want = WatchedIntervals::from_intervals(acknowledged.iter().copied());
    let local = store
        .lecture(lecture)
        .unwrap()
        .expect("history")
        .progress
        .watched;
    assert_eq!(local, want, "the device lost nothing it acknowledged");

    // On the server: after one clean sync, exactly the same, and the outbox empty.
    let report = runtime
        .block_on(sync_once(&store, &site, now_ms))
        .expect("final sync");
    assert_eq!(store.pending_count().unwrap(), 0);
    assert_eq!(report.rejected, 0);
    let fresh = SqliteStore::open(&dir.join("fresh.sqlite3")).unwrap();
    runtime
        .block_on(sync_once(&fresh, &site, now_ms))
        .expect("pull");
    let remote = fresh
        .lecture(lecture)
        .unwrap()
        .expect("server history")
        .progress
        .watched;
    assert_eq!(
        remote, want,
        "the server holds exactly what was acknowledged"
    );
    eprintln!(
        "kill9: {ROUNDS} kills (half of them in processes syncing; {syncs_completed} syncs completed before the kills), {} events acknowledged, final sync applied {} known {}",
        acknowledged.len(),
        report.applied,
        report.known
    );
    runtime.block_on(server.shutdown());
    std::fs::remove_dir_all(dir).ok();
}
