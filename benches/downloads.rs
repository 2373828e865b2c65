//! Lecture download throughput, end to end over loopback against the demo server (release
//! build) with its real-length lectures (`MediaProfile::Catalog`, shared with `cargo xtask demo`;
//! generated once by ffmpeg, a few minutes, then reused): `cargo xtask bench` runs this and
//! writes the figures into BENCHMARKS.md. Prints one `key=value` line per figure.
//!
//! - `download_mb_per_s`: the longest lecture downloaded by the real engine
//!   (`juko_core::downloads::run`: `juko-moodle`'s ranged fetch, files synced every
//!   `CHECKPOINT_BYTES` and the offset recorded in the SQLite store), median of 5 runs, in
//!   MB (10^6 bytes) per second; `download_mb_per_s_min`/`_max` the spread;
//!   `download_bytes` the file's size; `download_lecture_minutes` its listed length.

use juko_core::downloads::{self, Control, DirFiles, DownloadState, Progress, Run};
use juko_core::store::SqliteStore;
use std::time::Instant;

const RUNS: usize = 5;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::main]
async fn main() {
    let media = juko_demo_server::data_dir()
        .map(|d| d.join("media"))
        .unwrap_or_else(|_| std::env::temp_dir().join("juko-bench-catalog-media"));
    let config = juko_demo_server::Config {
        media: juko_demo_server::MediaProfile::Catalog,
        ..juko_demo_server::Config::for_tests(media)
    };
    let server = juko_demo_server::Server::start(config)
        .await
        .expect("server");
    let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
    let session = juko_core::sign_in(&server.url(), learner.username, learner.password)
        .await
        .expect("signs in");
    let mut longest = None;
    for course in session.courses().await.expect("courses") {
        let contents = session.course_contents(course.id).await.expect("contents");
        for lecture in contents.lectures().filter(|l| downloads::downloadable(l)) {
            let size = lecture.media.as_ref().map_or(0, |m| m.size_bytes);
            if longest.as_ref().is_none_or(|(_, _, s)| size > *s) {
                longest = Some((course.id, lecture.clone(), size));
            }
        }
    }
    let (course, lecture, size) = longest.expect("a downloadable lecture");

    let mut rates = Vec::new();
    for _ in 0..RUNS {
        let dir = std::env::temp_dir().join(format!("juko-bench-dl-{}", juko_core::ids::new_id()));
        let store = SqliteStore::open(&dir.join("store.sqlite3")).expect("store");
        let files = DirFiles::new(dir.join("files"));
        downloads::queue(&store, course, &lecture, now_ms()).expect("queued");
        let control = Control::default();
        let mut progress = |_: &downloads::Download, _: Progress| {};
        let t0 = Instant::now();
        let done = downloads::run(
            &session,
            &store,
            &files,
            lecture.id,
            Run {
                control: &control,
                now_ms: &now_ms,
                progress: &mut progress,
            },
        )
        .await
        .expect("store")
        .expect("not cancelled");
        let secs = t0.elapsed().as_secs_f64();
        assert!(
            matches!(done.state, DownloadState::Done { .. }),
            "{:?}",
            done.state
        );
        rates.push(done.received as f64 / 1e6 / secs);
        std::fs::remove_dir_all(&dir).ok();
    }
    rates.sort_by(f64::total_cmp);
    println!("download_mb_per_s={:.1}", rates[RUNS / 2]);
    println!("download_mb_per_s_min={:.1}", rates[0]);
    println!("download_mb_per_s_max={:.1}", rates[RUNS - 1]);
    println!("download_bytes={size}");
    println!(
        "download_lecture_minutes={}",
        lecture.duration_secs.unwrap_or(0) / 60
    );
    server.shutdown().await;
}
