//! Viewing-history benchmarks, end to end over loopback against the demo server (release
//! build): `cargo xtask bench` runs this and writes the figures into BENCHMARKS.md. Prints one
//! `key=value` line per figure.
//!
//! - `push_10k_ms`: syncing 10,000 queued events that cannot be compacted (distinct intervals
//!   over several lectures): 20 pushes of 500, each settled in the SQLite store.
//! - `playback_minute_push_bytes`: bytes the client sends (TCP payload, HTTP headers included)
//!   to push one minute of recorded playback; `sync_round_bytes`: a whole sync round (push and
//!   the pull that follows it), as the app does once a minute while playing.
//! - `server_push_events_per_s`, `server_push_requests_per_s`: the server taking pushes of 100
//!   events from 4 concurrent clients for 3 seconds.

use juko_core::recorder::{PlayerEvent, PlayerEventKind, Recorder};
use juko_core::store::{LectureContext, SqliteStore, Store};
use juko_core::sync::{Remote, pull_changes, push_pending, sync_once};
use juko_model::{Interval, LectureId, ProgressEvent, ProgressKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::main]
async fn main() {
    let media = std::env::temp_dir().join("juko-bench-media");
    let server = juko_demo_server::Server::start(juko_demo_server::Config::for_tests(media))
        .await
        .expect("server");
    let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
    let session = login(&server.url(), learner.username, learner.password).await;
    let lectures = lectures(&session).await;

    println!("push_10k_ms={:.1}", push_10k(&session, &lectures).await);
    let (push, round) = playback_minute_bytes(&server.url(), learner, lectures[0]).await;
    println!("playback_minute_push_bytes={push}");
    println!("sync_round_bytes={round}");
    let (events, requests) = server_throughput(&server.url(), learner, &lectures).await;
    println!("server_push_events_per_s={events:.0}");
    println!("server_push_requests_per_s={requests:.0}");
    server.shutdown().await;
    std::fs::remove_dir_all(scratch()).ok();
}

async fn login(url: &str, username: &str, password: &str) -> juko_moodle::Session {
    let site = juko_moodle::Site::new(url.parse().expect("url"));
    let token = site.login(username, password).await.expect("login");
    let session = site.session(token);
    session.site_info().await.expect("site info");
    session
}

/// Lectures learner1 may watch, with their lengths.
async fn lectures(session: &juko_moodle::Session) -> Vec<(LectureId, f64)> {
    let user = session.site_info().await.unwrap().user.id;
    let mut out = Vec::new();
    for course in session.courses(user).await.unwrap() {
        let contents = session.course_contents(course.id).await.unwrap();
        out.extend(
            contents
                .lectures()
                .filter(|l| l.locked_reason.is_none())
                .filter_map(|l| Some((l.id, f64::from(l.duration_secs?)))),
        );
    }
    assert!(out.len() >= 10, "{out:?}");
    out
}

/// Where this run's stores go; removed at the end.
fn scratch() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("juko-bench-{}", std::process::id()))
}

fn temp_store(name: &str) -> SqliteStore {
    SqliteStore::open(&scratch().join(format!("{name}.sqlite3"))).expect("store")
}

/// 10,000 disjoint intervals spread over the lectures: nothing for compaction to merge.
fn distinct_events(lectures: &[(LectureId, f64)], n: usize) -> Vec<(ProgressEvent, f64)> {
    let per = n.div_ceil(lectures.len());
    let mut out = Vec::with_capacity(n);
    for (k, &(lecture, duration)) in lectures.iter().enumerate() {
        let step = duration / per as f64;
        for i in 0..per {
            if out.len() == n {
                break;
            }
            let from = i as f64 * step;
            let event = ProgressEvent {
                id: juko_core::ids::new_id(),
                lecture,
                kind: ProgressKind::Played(Interval {
                    from,
                    to: from + step / 2.0,
                }),
                client_time_ms: now_ms() + (k * per + i) as i64,
            };
            out.push((event, duration));
        }
    }
    out
}

async fn push_10k(session: &juko_moodle::Session, lectures: &[(LectureId, f64)]) -> f64 {
    let store = temp_store("push");
    for (event, duration) in distinct_events(lectures, 10_000) {
        let context = LectureContext {
            course: None,
            title: None,
            duration_secs: Some(duration),
            complete_on_site: false,
        };
        store.record(&event, context, now_ms()).unwrap();
    }
    assert_eq!(store.pending_count().unwrap(), 10_000);
    let start = Instant::now();
    let report = sync_once(&store, session, now_ms).await.expect("sync");
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!((report.applied, report.rejected), (10_000, 0), "{report:?}");
    elapsed
}

/// Records one minute of playback as the player reports it (timeupdate every 250 ms), then
/// syncs through a counting relay.
async fn playback_minute_bytes(
    url: &str,
    learner: &juko_demo_server::seed::DemoLearner,
    (lecture, duration): (LectureId, f64),
) -> (u64, u64) {
    let upstream: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let (relay, sent) = counting_relay(upstream).await;
    let session = login(
        &format!("http://{relay}"),
        learner.username,
        learner.password,
    )
    .await;
    let store = temp_store("minute");
    let mut recorder = Recorder::new(lecture);
    let context = LectureContext {
        course: None,
        title: None,
        duration_secs: Some(duration.max(60.0)),
        complete_on_site: false,
    };
    let t0 = now_ms();
    let mut record = |kind, time: f64, playing, at: i64| {
        for e in recorder.on(
            PlayerEvent {
                kind,
                time,
                rate: 1.0,
                playing,
            },
            at,
        ) {
            store.record(&e, context, at).unwrap();
        }
    };
    record(PlayerEventKind::Play, 0.0, true, t0);
    for k in 1..=240 {
        // The lecture may be shorter than a minute: watch it again from the start.
        let t = (f64::from(k) * 0.25) % duration;
        let kind = if t < 0.25 {
            PlayerEventKind::Seeked
        } else {
            PlayerEventKind::TimeUpdate
        };
        record(kind, t, true, t0 + i64::from(k) * 250);
    }
    record(PlayerEventKind::Pause, 60.0 % duration, false, t0 + 60_000);
    let before = sent.load(Ordering::Relaxed);
    let report = push_pending(&store, &session, now_ms).await.expect("push");
    assert_eq!(report.rejected, 0, "{report:?}");
    let pushed = sent.load(Ordering::Relaxed) - before;
    pull_changes(&store, &session, now_ms).await.expect("pull");
    (pushed, sent.load(Ordering::Relaxed) - before)
}

/// A TCP relay on 127.0.0.1:0 that counts the bytes the client sends.
async fn counting_relay(upstream: std::net::SocketAddr) -> (std::net::SocketAddr, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut server_read, mut server_write) = server.into_split();
                let (mut client_read, mut client_write) = client.split();
                // Counted as it passes: the client keeps its connection open between requests.
                let up = async {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = client_read.read(&mut buf).await {
                        if n == 0 || server_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        counter.fetch_add(n as u64, Ordering::Relaxed);
                    }
                };
                let down = tokio::io::copy(&mut server_read, &mut client_write);
                tokio::select! { _ = up => {}, _ = down => {} }
            });
        }
    });
    (addr, sent)
}

/// Pushes of 100 events from several clients at once, for a fixed time.
async fn server_throughput(
    url: &str,
    learner: &juko_demo_server::seed::DemoLearner,
    lectures: &[(LectureId, f64)],
) -> (f64, f64) {
    const CLIENTS: usize = 4;
    const BATCH: usize = 100;
    let deadline = Instant::now() + Duration::from_secs(3);
    let events = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let session = login(url, learner.username, learner.password).await;
        let lectures = lectures.to_vec();
        let (events, requests) = (events.clone(), requests.clone());
        tasks.push(tokio::spawn(async move {
            let device = format!("bench-{c}");
            while Instant::now() < deadline {
                let batch: Vec<ProgressEvent> = distinct_events(&lectures, BATCH)
                    .into_iter()
                    .map(|(e, _)| e)
                    .collect();
                let outcome = session.push(&device, &batch).await.expect("push");
                assert_eq!(outcome.applied.len(), BATCH);
                events.fetch_add(BATCH as u64, Ordering::Relaxed);
                requests.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    (
        events.load(Ordering::Relaxed) as f64 / secs,
        requests.load(Ordering::Relaxed) as f64 / secs,
    )
}
