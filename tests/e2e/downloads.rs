//! Lecture downloads against the real demo server: the connection cut midway by the fault
//! proxy, then resumed by `Range` from the right offset, the kept file byte for byte the site's.

use crate::fault_proxy::Fault;
use crate::util::{now_ms, server_behind_proxy, signed_in_at};
use juko_core::downloads::{self, Control, DirFiles, DownloadFiles, DownloadState, Failure, Run};
use juko_core::store::SqliteStore;
use juko_model::Lecture;

/// A lecture of the learner's with a file on the site, its address moved to `via` (the proxy:
/// the site lists its files under its own root, which the proxy stands in front of).
async fn lecture_via(
    session: &juko_core::Session,
    server_url: &str,
    via: &str,
) -> (juko_model::CourseId, Lecture) {
    for course in session.courses().await.expect("courses") {
        let contents = session.course_contents(course.id).await.expect("contents");
        if let Some(l) = contents.lectures().find(|l| downloads::downloadable(l)) {
            let mut l = l.clone();
            let media = l.media.as_mut().unwrap();
            media.url = media.url.replace(server_url, via);
            return (course.id, l);
        }
    }
    panic!("no downloadable lecture");
}

async fn run_once(
    session: &juko_core::Session,
    store: &SqliteStore,
    files: &DirFiles,
    lecture: &Lecture,
) -> downloads::Download {
    let control = Control::default();
    let now = now_ms;
    let mut progress = |_: &downloads::Download, _: downloads::Progress| {};
    downloads::run(
        session,
        store,
        files,
        lecture.id,
        Run {
            control: &control,
            now_ms: &now,
            progress: &mut progress,
        },
    )
    .await
    .expect("the store works")
    .expect("not cancelled")
}

#[tokio::test]
async fn a_download_cut_midway_resumes_by_range_to_the_sites_exact_bytes() {
    let (server, proxy) = server_behind_proxy().await;
    let session = signed_in_at(&proxy.url(), "learner1").await;
    let (course, lecture) = lecture_via(&session, &server.url(), &proxy.url()).await;

    // The site's bytes, in one request the proxy passes unchanged.
    let site_bytes = reqwest::get(session.stream_url(lecture.media.as_ref().unwrap()).unwrap())
        .await
        .expect("fetch")
        .bytes()
        .await
        .expect("body")
        .to_vec();
    assert!(site_bytes.len() > 1000, "a real clip");

    let dir = std::env::temp_dir().join(format!("juko-e2e-dl-{}", juko_core::ids::new_id()));
    let files = DirFiles::new(&dir);
    let store = SqliteStore::open_in_memory().expect("store");
    downloads::queue(&store, course, &lecture, now_ms()).expect("queued");
    let asked_before = proxy.ranges().len();

    // The lecture's caption files come first (whole), then the video, whose connection breaks
    // after half the body.
    let tracks = lecture.media.as_ref().unwrap().captions.len();
    assert!(tracks > 0, "the demo's first lecture has captions");
    let mut faults = vec![Fault::Pass; tracks];
    faults.push(Fault::Truncate);
    proxy.plan(&faults);
    let cut = run_once(&session, &store, &files, &lecture).await;
    assert_eq!(cut.state, DownloadState::Failed(Failure::Offline));
    assert!(
        cut.received > 0 && (cut.received as usize) < site_bytes.len(),
        "{cut:?}"
    );
    let on_disk = std::fs::read(files.path(lecture.id)).expect("kept part");
    assert_eq!(
        on_disk.len() as u64,
        cut.received,
        "recorded what is on disk"
    );
    assert_eq!(
        on_disk,
        site_bytes[..on_disk.len()],
        "the part is the file's start"
    );

    // The network returns: the rest, from that offset.
    downloads::resume(&store, lecture.id).unwrap();
    let done = run_once(&session, &store, &files, &lecture).await;
    assert!(
        matches!(done.state, DownloadState::Done { .. }),
        "{:?}",
        done.state
    );
    let ranges = proxy.ranges()[asked_before..].to_vec();
    let captions = vec![None; tracks];
    let want = [
        &captions[..],
        &[None],
        &captions[..],
        &[Some(format!("bytes={}-", cut.received))],
    ]
    .concat();
    assert_eq!(
        ranges, want,
        "the captions, then the video: the first time whole, the resumed one from the offset"
    );
    for index in 0..tracks {
        let kept = files.caption(lecture.id, index).await.unwrap();
        assert!(
            kept.is_some_and(|t| t.starts_with("WEBVTT")),
            "caption track {index} kept beside the video"
        );
    }
    let kept = std::fs::read(files.path(lecture.id)).expect("kept");
    assert_eq!(
        digest(&kept),
        digest(&site_bytes),
        "byte for byte the site's file"
    );
    assert_eq!(kept, site_bytes);
    assert!(done.etag.is_some(), "the site's ETag kept");

    downloads::delete(&store, &files, lecture.id).await.unwrap();
    assert!(!files.path(lecture.id).exists());
    assert_eq!(files.caption(lecture.id, 0).await.unwrap(), None);
    std::fs::remove_dir_all(dir).ok();
    proxy.stop();
    server.shutdown().await;
}

/// FNV-1a 64: enough to name a difference in a failure message.
fn digest(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}
