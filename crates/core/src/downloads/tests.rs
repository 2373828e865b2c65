//! The download engine against a site in memory: resumes, kills, faults and changed files.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::Rc;

use juko_model::{CourseContents, CourseId, Lecture, LectureId, LectureKind, Media, Unit, UnitId};

use super::*;
use crate::store::{KvStore, MemoryKv};

const MIB: usize = 1024 * 1024;
const CHUNK: usize = 256 * 1024;
const LECTURE: LectureId = LectureId(310);
const COURSE: CourseId = CourseId(2);

/// A file whose every byte depends on its position: a gap or a shift changes it.
fn video(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            (i as u32)
                .wrapping_mul(2_654_435_761)
                .rotate_left(seed as u32 % 31) as u8
                ^ seed
        })
        .collect()
}

/// How the site answers the next request.
#[derive(Clone, Copy, Debug)]
enum Answer {
    Normal,
    /// The connection breaks after this many bytes.
    CutAfter(usize),
    /// The app is killed (the future dropped) after this many bytes.
    KilledAfter(usize),
    /// The whole file with 200, whatever was asked.
    IgnoreRange,
    /// This many bytes more than announced.
    Oversized(usize),
    /// The body ends cleanly this many bytes early.
    Short(usize),
    /// A slow site: this many bytes, then nothing until [`Site::release`], then the rest.
    Stall(usize),
}

struct Site {
    file: RefCell<Vec<u8>>,
    etag: RefCell<String>,
    answers: RefCell<VecDeque<Answer>>,
    /// The offset each request asked from.
    asked: RefCell<Vec<u64>>,
    /// Opened by [`Site::release`]: a stalled body goes on.
    gate: Rc<Cell<bool>>,
    /// Caption files by address: their text, or `None` while the site cannot be reached.
    /// An address not here is refused (404).
    captions: RefCell<std::collections::BTreeMap<String, Option<String>>>,
}

impl Site {
    fn new(file: Vec<u8>) -> Site {
        Site {
            file: RefCell::new(file),
            etag: RefCell::new("\"v1\"".into()),
            answers: RefCell::default(),
            asked: RefCell::default(),
            gate: Rc::default(),
            captions: RefCell::default(),
        }
    }

    fn release(&self) {
        self.gate.set(true);
    }

    fn then(&self, answer: Answer) -> &Site {
        self.answers.borrow_mut().push_back(answer);
        self
    }

    fn change(&self, file: Vec<u8>) {
        *self.file.borrow_mut() = file;
        *self.etag.borrow_mut() = "\"v2\"".into();
    }
}

enum End {
    Clean,
    Broken,
    Killed,
}

struct Body {
    chunks: VecDeque<Vec<u8>>,
    /// What a stalled body sends once the site's gate opens.
    held: VecDeque<Vec<u8>>,
    gate: Rc<Cell<bool>>,
    end: End,
}

impl FileBody for Body {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if let Some(chunk) = self.chunks.pop_front() {
            return Ok(Some(chunk));
        }
        if !self.held.is_empty() {
            let gate = self.gate.clone();
            std::future::poll_fn(|_| {
                if gate.get() {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
            .await;
            self.chunks = std::mem::take(&mut self.held);
            return Ok(self.chunks.pop_front());
        }
        match self.end {
            End::Clean => Ok(None),
            End::Broken => Err(Error::Unreachable("connection reset".into())),
            End::Killed => std::future::pending().await,
        }
    }
}

impl FileRemote for Site {
    type Body = Body;

    async fn fetch_caption(&self, track: &CaptionTrack) -> Result<String> {
        match self.captions.borrow().get(&track.url) {
            Some(Some(text)) => Ok(text.clone()),
            Some(None) => Err(Error::Unreachable("no connection".into())),
            None => Err(Error::NotAvailable("404".into())),
        }
    }

    async fn fetch(&self, _: &Media, from: u64) -> Result<Fetched<Body>> {
        self.asked.borrow_mut().push(from);
        let file = self.file.borrow().clone();
        if from as usize >= file.len() && from > 0 {
            return Ok(Fetched::PastEnd);
        }
        let answer = self
            .answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Answer::Normal);
        let start = match answer {
            Answer::IgnoreRange => 0,
            _ => from as usize,
        };
        let mut bytes = file[start..].to_vec();
        let mut end = End::Clean;
        let mut held = VecDeque::new();
        match answer {
            Answer::CutAfter(n) => {
                bytes.truncate(n);
                end = End::Broken;
            }
            Answer::KilledAfter(n) => {
                bytes.truncate(n);
                end = End::Killed;
            }
            Answer::Oversized(n) => bytes.extend(std::iter::repeat_n(0xEE, n)),
            Answer::Short(n) => bytes.truncate(bytes.len() - n),
            Answer::Stall(n) => {
                held = bytes
                    .split_off(n)
                    .chunks(CHUNK)
                    .map(<[u8]>::to_vec)
                    .collect();
            }
            Answer::Normal | Answer::IgnoreRange => {}
        }
        let head = FileHead {
            start: start as u64,
            length: Some((file.len() - start) as u64),
            total: Some(file.len() as u64),
            etag: Some(self.etag.borrow().clone()),
            last_modified: None,
        };
        let chunks = bytes.chunks(CHUNK).map(<[u8]>::to_vec).collect();
        let gate = self.gate.clone();
        Ok(Fetched::File(
            head,
            Body {
                chunks,
                held,
                gate,
                end,
            },
        ))
    }
}

fn lecture(size: usize, modified: i64) -> Lecture {
    Lecture {
        id: LECTURE,
        kind: LectureKind::File,
        instance: 1,
        title: "第1講".into(),
        lecturer: None,
        duration_secs: None,
        description: Vec::new(),
        media: Some(Media {
            url: "https://icrweb.example.jp/pluginfile.php/1/mod_resource/content/1/a.mp4".into(),
            mime_type: "video/mp4".into(),
            size_bytes: size as u64,
            external: false,
            modified,
            captions: Vec::new(),
        }),
        locked_reason: None,
        completed: false,
        manual_completion: false,
    }
}

fn store() -> KvStore<MemoryKv> {
    KvStore::open(MemoryKv::default(), "t").expect("opens")
}

/// Polls once: futures here never wait unless the site "kills" the app, which drops them.
fn poll_once<F: std::future::Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}

/// Runs the lecture's download; `pause_at` pauses it once that many bytes came.
fn go(
    site: &Site,
    store: &dyn Store,
    files: &MemoryFiles,
    pause_at: Option<u64>,
) -> Option<Option<Download>> {
    let control = Control::default();
    let clock = Cell::new(0i64);
    let now = || {
        clock.set(clock.get() + 10);
        clock.get()
    };
    let mut seen = Vec::new();
    let mut progress = |_: &Download, p: Progress| {
        seen.push(p);
        if pause_at.is_some_and(|at| p.received >= at) {
            control.pause();
        }
    };
    let run_args = Run {
        control: &control,
        now_ms: &now,
        progress: &mut progress,
    };
    poll_once(run(site, store, files, LECTURE, run_args)).map(|r| r.expect("the store works"))
}

fn finished(site: &Site, store: &dyn Store, files: &MemoryFiles) -> Download {
    let d = go(site, store, files, None)
        .expect("not killed")
        .expect("not cancelled");
    assert!(
        matches!(d.state, DownloadState::Done { .. }),
        "{:?}",
        d.state
    );
    assert_same(files, &site.file.borrow());
    d
}

fn assert_same(files: &MemoryFiles, want: &[u8]) {
    assert!(same(files, want), "the kept file differs from the site's");
}

/// Whether the kept file is byte for byte the site's.
fn same(files: &MemoryFiles, want: &[u8]) -> bool {
    files.bytes(LECTURE).is_some_and(|got| got == want)
}

#[test]
fn a_lecture_is_downloaded_whole_and_checked() {
    let file = video(3 * MIB + 17, 1);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    assert_eq!(next_queued(&s).unwrap().unwrap().lecture, LECTURE);
    let d = finished(&site, &s, &files);
    assert_eq!(d.received, file.len() as u64);
    assert_eq!(d.etag.as_deref(), Some("\"v1\""));
    assert_eq!(get(&s, LECTURE).unwrap(), Some(d));
    assert_eq!(*site.asked.borrow(), [0]);
    assert_eq!(next_queued(&s).unwrap(), None);
    assert_eq!(usage(&list(&s).unwrap()), [(COURSE, file.len() as u64)]);
}

#[test]
fn a_paused_download_resumes_from_its_offset() {
    let file = video(9 * MIB, 2);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    let paused = go(&site, &s, &files, Some(5 * MIB as u64))
        .unwrap()
        .unwrap();
    assert_eq!(paused.state, DownloadState::Paused);
    assert!(paused.received >= 5 * MIB as u64 && paused.received < file.len() as u64);
    assert_eq!(files.bytes(LECTURE).unwrap().len() as u64, paused.received);
    assert_eq!(next_queued(&s).unwrap(), None, "a paused download waits");
    resume(&s, LECTURE).unwrap();
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, paused.received]);
}

#[test]
fn a_killed_app_resumes_from_what_is_on_disk() {
    let file = video(10 * MIB, 3);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::KilledAfter(7 * MIB));
    assert!(go(&site, &s, &files, None).is_none(), "killed");
    // The device comes back without what was never synced.
    files.lose_unsynced();
    let on_disk = files.bytes(LECTURE).unwrap().len() as u64;
    let recorded = get(&s, LECTURE).unwrap().unwrap().received;
    assert_eq!(recorded, CHECKPOINT_BYTES, "recorded at the checkpoint");
    assert!(
        recorded <= on_disk,
        "the record never runs ahead of the disk"
    );
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, recorded]);
}

#[test]
fn a_record_ahead_of_the_disk_resumes_from_the_disk() {
    let file = video(10 * MIB, 4);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::CutAfter(9 * MIB));
    go(&site, &s, &files, None);
    // The disk lost its tail behind the app's back.
    files.chop(LECTURE, 2 * MIB + 5);
    resume(&s, LECTURE).unwrap();
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, 2 * MIB as u64 + 5]);
}

#[test]
fn a_lost_connection_keeps_the_bytes_and_resumes_by_range() {
    let file = video(6 * MIB + 1, 5);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    let cut = 5 * MIB + 123;
    site.then(Answer::CutAfter(cut));
    let failed = go(&site, &s, &files, None).unwrap().unwrap();
    assert_eq!(failed.state, DownloadState::Failed(Failure::Offline));
    assert_eq!(failed.received, cut as u64);
    assert_eq!(next_queued(&s).unwrap(), None, "waits for the network");
    assert_eq!(resume_offline(&s).unwrap(), 1);
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, cut as u64]);
}

#[test]
fn a_file_changed_on_the_site_midway_is_fetched_again_from_the_start() {
    let (site, d) = cut_then_changed(video(6 * MIB, 6), video(6 * MIB, 7));
    assert_eq!(d.etag.as_deref(), Some("\"v2\""));
    // The resumed part carried another ETag: the whole new file was asked for.
    assert_eq!(*site.asked.borrow(), [0, 5 * MIB as u64, 0]);
}

/// `old` downloaded until the connection is cut at 5 MiB, the site then serving `new` in its
/// place, the download resumed and finished: the site (what it was asked) and the record.
fn cut_then_changed(old: Vec<u8>, new: Vec<u8>) -> (Site, Download) {
    let (site, s, files) = (Site::new(old), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(new.len(), 100), 5).unwrap();
    site.then(Answer::CutAfter(5 * MIB));
    go(&site, &s, &files, None);
    site.change(new);
    resume(&s, LECTURE).unwrap();
    let d = finished(&site, &s, &files);
    (site, d)
}

#[test]
fn a_site_ignoring_the_range_restarts_the_file() {
    let file = video(6 * MIB, 8);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::CutAfter(5 * MIB))
        .then(Answer::IgnoreRange);
    go(&site, &s, &files, None);
    resume(&s, LECTURE).unwrap();
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, 5 * MIB as u64]);
}

#[test]
fn an_oversized_answer_fails_and_writes_nothing_past_the_total() {
    let file = video(MIB, 9);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::Oversized(10));
    let d = go(&site, &s, &files, None).unwrap().unwrap();
    assert!(
        matches!(d.state, DownloadState::Failed(Failure::BadAnswer(_))),
        "{:?}",
        d.state
    );
    assert!(files.bytes(LECTURE).unwrap().len() <= file.len());
    assert!(!d.playable());
}

#[test]
fn a_short_answer_fails_and_resumes_where_it_stopped() {
    let file = video(2 * MIB, 10);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::Short(1000));
    let d = go(&site, &s, &files, None).unwrap().unwrap();
    assert!(
        matches!(d.state, DownloadState::Failed(Failure::BadAnswer(_))),
        "{:?}",
        d.state
    );
    assert_eq!(d.received, file.len() as u64 - 1000);
    resume(&s, LECTURE).unwrap();
    finished(&site, &s, &files);
    assert_eq!(*site.asked.borrow(), [0, file.len() as u64 - 1000]);
}

#[test]
fn a_size_other_than_the_listed_one_fails() {
    let file = video(MIB, 11);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len() + 1, 100), 5).unwrap();
    let d = go(&site, &s, &files, None).unwrap().unwrap();
    assert!(
        matches!(d.state, DownloadState::Failed(Failure::BadAnswer(_))),
        "{:?}",
        d.state
    );
}

#[test]
fn the_check_names_a_lost_chunk() {
    // The comparison every test ends with fails on a file missing one chunk in its middle.
    let file = video(2 * MIB, 12);
    let files = MemoryFiles::default();
    let mut gapped = file[..MIB].to_vec();
    gapped.extend_from_slice(&file[MIB + CHUNK..]);
    gapped.extend_from_slice(&file[file.len() - CHUNK..]);
    poll_once(files.write_at(LECTURE, 0, &gapped))
        .unwrap()
        .unwrap();
    assert_eq!(gapped.len(), file.len(), "same size, one chunk lost");
    assert!(!same(&files, &file), "a lost chunk must be caught");
}

fn contents_with(lecture: Lecture) -> CourseContents {
    CourseContents {
        course_id: COURSE,
        units: vec![Unit {
            id: UnitId(1),
            number: 1,
            name: "第1講座".into(),
            summary_html: String::new(),
            lectures: vec![lecture],
            activities: Vec::new(),
            locked_reason: None,
        }],
    }
}

#[test]
fn a_file_changed_on_the_site_later_is_stale_then_fetched_again() {
    let (old, new) = (video(MIB, 13), video(MIB + 9, 14));
    let (site, s, files) = (Site::new(old), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(MIB, 100), 5).unwrap();
    finished(&site, &s, &files);
    assert!(
        mark_stale(&s, &contents_with(lecture(MIB, 100)))
            .unwrap()
            .is_empty()
    );
    site.change(new.clone());
    let changed = lecture(new.len(), 200);
    assert_eq!(
        mark_stale(&s, &contents_with(changed.clone())).unwrap(),
        [LECTURE]
    );
    let stale = get(&s, LECTURE).unwrap().unwrap();
    assert_eq!(stale.state, DownloadState::Stale);
    assert!(stale.playable(), "the old copy plays until replaced");
    queue(&s, COURSE, &changed, 6).unwrap();
    let d = finished(&site, &s, &files);
    assert_eq!(d.media.modified, 200);
    assert_eq!(*site.asked.borrow(), [0, 0]);
}

#[test]
fn cancel_and_delete_remove_the_file_and_the_record() {
    let file = video(MIB, 15);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    finished(&site, &s, &files);
    let mut other = lecture(10, 1);
    other.id = LectureId(311);
    queue(&s, CourseId(3), &other, 6).unwrap();
    assert_eq!(usage(&list(&s).unwrap()).len(), 2);
    poll_once(delete_course(&s, &files, COURSE))
        .unwrap()
        .unwrap();
    assert_eq!(files.bytes(LECTURE), None);
    assert_eq!(get(&s, LECTURE).unwrap(), None);
    assert_eq!(list(&s).unwrap().len(), 1);
    poll_once(delete_all(&s, &files)).unwrap().unwrap();
    assert!(list(&s).unwrap().is_empty());
}

#[test]
fn external_and_locked_lectures_cannot_be_downloaded() {
    let s = store();
    let mut external = lecture(10, 1);
    external.media.as_mut().unwrap().external = true;
    assert!(queue(&s, COURSE, &external, 1).is_err());
    let mut locked = lecture(10, 1);
    locked.locked_reason = Some("まだです".into());
    assert!(queue(&s, COURSE, &locked, 1).is_err());
    assert!(list(&s).unwrap().is_empty());
}

#[test]
fn progress_tells_percent_and_time_left() {
    let p = Progress {
        received: 25,
        total: Some(100),
        rate: 5.0,
    };
    assert_eq!(p.percent(), Some(25));
    assert_eq!(p.secs_left(), Some(15));
    assert_eq!(Progress::default().percent(), None);
}

/// Polls a future held across steps once; `None` while it waits.
fn step<F: std::future::Future + ?Sized>(f: Pin<&mut F>) -> Option<F::Output> {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}

fn quiet_run<'a>(
    control: &'a Control,
    progress: &'a mut dyn FnMut(&Download, Progress),
) -> Run<'a> {
    Run {
        control,
        now_ms: &|| 0,
        progress,
    }
}

/// Files whose every write waits once before it happens, as the browser's OPFS writes do.
struct SlowWrites<F>(F);

impl<F: DownloadFiles> DownloadFiles for SlowWrites<F> {
    type Hold = F::Hold;
    async fn hold(&self, lecture: LectureId) -> Result<F::Hold> {
        self.0.hold(lecture).await
    }
    async fn len(&self, lecture: LectureId) -> Result<Option<u64>> {
        self.0.len(lecture).await
    }
    async fn write_at(&self, lecture: LectureId, offset: u64, bytes: &[u8]) -> Result<()> {
        let mut waited = false;
        std::future::poll_fn(|_| {
            if std::mem::replace(&mut waited, true) {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        self.0.write_at(lecture, offset, bytes).await
    }
    async fn sync(&self, lecture: LectureId) -> Result<()> {
        self.0.sync(lecture).await
    }
    async fn truncate(&self, lecture: LectureId, len: u64) -> Result<()> {
        self.0.truncate(lecture, len).await
    }
    async fn write_caption(&self, lecture: LectureId, index: usize, text: &str) -> Result<()> {
        self.0.write_caption(lecture, index, text).await
    }
    async fn caption(&self, lecture: LectureId, index: usize) -> Result<Option<String>> {
        self.0.caption(lecture, index).await
    }
    async fn remove(&self, lecture: LectureId) -> Result<()> {
        self.0.remove(lecture).await
    }
    async fn erase(&self) -> Result<()> {
        self.0.erase().await
    }
}

#[test]
fn signing_out_midway_leaves_no_folder_and_no_record() {
    let dir = std::env::temp_dir().join(format!("juko-dl-signout-{}", crate::ids::new_id()));
    let files = SlowWrites(DirFiles::new(&dir));
    let file = video(6 * MIB, 16);
    let (site, s) = (Site::new(file.clone()), store());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    let control = Control::default();
    let mut progress = |_: &Download, _: Progress| {};
    let mut download = Box::pin(run(
        &site,
        &s,
        &files,
        LECTURE,
        quiet_run(&control, &mut progress),
    ));
    // The runner stops inside a write of the file, as it does while the browser writes: the
    // second one, so the first has made the folder.
    assert!(step(download.as_mut()).is_none());
    assert!(step(download.as_mut()).is_none());
    assert!(dir.exists(), "the download has begun its folder");

    // Signing out: cancel, wait for the runner, then erase (the records, then the files).
    let mut sign_out = Box::pin(async {
        control.cancel_and_wait().await;
        s.erase().unwrap();
        files.erase().await.unwrap();
    });
    assert!(
        step(sign_out.as_mut()).is_none(),
        "the erase waits for the runner"
    );
    assert_eq!(step(download.as_mut()).map(Result::unwrap), Some(None));
    assert!(step(sign_out.as_mut()).is_some(), "the runner has stopped");
    drop(download);
    assert!(
        !dir.exists(),
        "the runner's last write came after the erase"
    );
    assert!(list(&s).map_or(true, |all| all.is_empty()));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_cancel_does_not_wait_for_a_slow_site() {
    let file = video(6 * MIB, 17);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::Stall(MIB));
    let control = Control::default();
    let mut progress = |_: &Download, _: Progress| {};
    let mut download = Box::pin(run(
        &site,
        &s,
        &files,
        LECTURE,
        quiet_run(&control, &mut progress),
    ));
    assert!(step(download.as_mut()).is_none(), "the site stalls midway");
    let mut stop = Box::pin(control.cancel_and_wait());
    assert!(step(stop.as_mut()).is_none());
    // The site still sends nothing: the cancel alone ends the run.
    assert_eq!(step(download.as_mut()).map(Result::unwrap), Some(None));
    assert!(step(stop.as_mut()).is_some());
    assert_eq!(files.bytes(LECTURE), None);
    assert_eq!(get(&s, LECTURE).unwrap(), None);
}

/// Runs the lecture's download up to a stall `at` bytes in, does `meanwhile`, lets the site
/// send the rest and returns how the run ended.
fn with_a_change_midway(
    site: &Site,
    s: &dyn Store,
    files: &MemoryFiles,
    at: usize,
    meanwhile: impl FnOnce(),
) -> Option<Download> {
    site.then(Answer::Stall(at));
    let control = Control::default();
    let mut progress = |_: &Download, _: Progress| {};
    let mut download = Box::pin(run(
        site,
        s,
        files,
        LECTURE,
        quiet_run(&control, &mut progress),
    ));
    assert!(step(download.as_mut()).is_none(), "the site stalls midway");
    meanwhile();
    site.release();
    step(download.as_mut())
        .expect("runs to its end")
        .expect("the store works")
}

#[test]
fn a_delete_while_running_is_not_undone() {
    let file = video(9 * MIB, 18);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    let ended = with_a_change_midway(&site, &s, &files, MIB, || {
        poll_once(delete(&s, &files, LECTURE)).unwrap().unwrap();
    });
    assert_eq!(ended, None);
    assert_eq!(get(&s, LECTURE).unwrap(), None, "the record came back");
    assert_eq!(files.bytes(LECTURE), None, "the file came back");
    assert_eq!(next_queued(&s).unwrap(), None);
}

#[test]
fn a_stale_mark_while_running_is_not_overwritten() {
    let (old, new) = (video(9 * MIB, 19), video(9 * MIB + 5, 20));
    let (site, s, files) = (Site::new(old.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(old.len(), 100), 5).unwrap();
    let changed = lecture(new.len(), 200);
    let ended = with_a_change_midway(&site, &s, &files, MIB, || {
        mark_stale(&s, &contents_with(changed.clone())).unwrap();
    })
    .expect("still recorded");
    assert_eq!(ended.media.modified, 200, "the site's change stands");
    assert_eq!(ended.received, 0, "the old file's bytes are not counted");
    assert!(!ended.playable(), "{:?}", ended.state);
    // The next run fetches the new file whole.
    site.change(new.clone());
    assert_eq!(next_queued(&s).unwrap().unwrap().lecture, LECTURE);
    let d = finished(&site, &s, &files);
    assert_eq!(d.media.modified, 200);
    assert_eq!(d.etag.as_deref(), Some("\"v2\""));
}

#[test]
fn a_file_shorter_than_the_kept_part_starts_again() {
    let (site, _) = cut_then_changed(video(6 * MIB, 21), video(2 * MIB, 22));
    // Nothing at 5 MiB of a 2 MiB file (416): the whole file was asked for.
    assert_eq!(*site.asked.borrow(), [0, 5 * MIB as u64, 0]);
}

#[test]
fn two_runners_of_one_lecture_take_turns() {
    // Two tabs of the web app share the records and the files: the second waits, then finds
    // the lecture done and fetches nothing.
    let file = video(6 * MIB, 23);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    queue(&s, COURSE, &lecture(file.len(), 100), 5).unwrap();
    site.then(Answer::Stall(MIB));
    let (first, second) = (Control::default(), Control::default());
    let (mut p1, mut p2) = (
        |_: &Download, _: Progress| {},
        |_: &Download, _: Progress| {},
    );
    let mut one = Box::pin(run(&site, &s, &files, LECTURE, quiet_run(&first, &mut p1)));
    let mut two = Box::pin(run(&site, &s, &files, LECTURE, quiet_run(&second, &mut p2)));
    assert!(step(one.as_mut()).is_none(), "the first stalls midway");
    assert!(step(two.as_mut()).is_none(), "the second waits its turn");
    site.release();
    let done = step(one.as_mut()).unwrap().unwrap().unwrap();
    assert!(matches!(done.state, DownloadState::Done { .. }));
    drop(one);
    assert_eq!(step(two.as_mut()).unwrap().unwrap(), Some(done));
    assert_eq!(*site.asked.borrow(), [0], "fetched once");
    assert_same(&files, &file);
}

/// A lecture with caption tracks in Japanese and English.
fn captioned(size: usize) -> Lecture {
    let mut l = lecture(size, 100);
    let media = l.media.as_mut().expect("a file");
    media.captions = ["ja", "en"]
        .into_iter()
        .map(|language| CaptionTrack {
            url: format!("https://icrweb.example.jp/captions/a.{language}.vtt"),
            language: language.into(),
            label: language.into(),
        })
        .collect();
    l
}

fn cue(language: &str) -> String {
    format!("WEBVTT\n\n00:00.000 --> 00:01.000\n{language}: 第1講\n")
}

/// The kept text of each of the lecture's tracks, in their order.
fn kept_captions(files: &impl DownloadFiles, s: &dyn Store, l: &Lecture) -> Vec<Option<String>> {
    let d = get(s, l.id).unwrap().expect("recorded");
    let tracks = &l.media.as_ref().unwrap().captions;
    tracks
        .iter()
        .map(|t| poll_once(kept_caption(files, &d, t)).unwrap().unwrap())
        .collect()
}

#[test]
fn a_downloaded_lecture_keeps_its_captions_and_loses_them_with_it() {
    let file = video(2 * MIB, 20);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    let l = captioned(file.len());
    for t in &l.media.as_ref().unwrap().captions {
        let text = cue(&t.language);
        site.captions.borrow_mut().insert(t.url.clone(), Some(text));
    }
    queue(&s, COURSE, &l, 5).unwrap();
    finished(&site, &s, &files);
    assert_eq!(
        kept_captions(&files, &s, &l),
        [Some(cue("ja")), Some(cue("en"))]
    );
    // A track not kept with the file (another address) has no kept text.
    let d = get(&s, LECTURE).unwrap().unwrap();
    let other = CaptionTrack {
        url: "https://icrweb.example.jp/captions/b.ja.vtt".into(),
        language: "ja".into(),
        label: "ja".into(),
    };
    assert_eq!(
        poll_once(kept_caption(&files, &d, &other))
            .unwrap()
            .unwrap(),
        None
    );
    poll_once(delete(&s, &files, LECTURE)).unwrap().unwrap();
    assert_eq!(poll_once(files.caption(LECTURE, 0)).unwrap().unwrap(), None);
    assert_eq!(poll_once(files.caption(LECTURE, 1)).unwrap().unwrap(), None);
}

#[test]
fn a_refused_caption_is_left_out_and_a_lost_connection_waits_for_it() {
    let file = video(2 * MIB, 21);
    let (site, s, files) = (Site::new(file.clone()), store(), MemoryFiles::default());
    let l = captioned(file.len());
    let [ja, en] = [0, 1].map(|i| l.media.as_ref().unwrap().captions[i].url.clone());
    // Japanese while the connection is down; English the site no longer has.
    site.captions.borrow_mut().insert(ja.clone(), None);
    queue(&s, COURSE, &l, 5).unwrap();
    let d = go(&site, &s, &files, None).unwrap().unwrap();
    assert_eq!(d.state, DownloadState::Failed(Failure::Offline));
    assert!(
        site.asked.borrow().is_empty(),
        "the video waits for its captions"
    );
    // The connection is back: the download goes on, without the refused track.
    site.captions.borrow_mut().insert(ja, Some(cue("ja")));
    resume(&s, LECTURE).unwrap();
    finished(&site, &s, &files);
    assert_eq!(kept_captions(&files, &s, &l), [Some(cue("ja")), None]);
    // The site changes the lecture and has the English track again: fetching the lecture
    // again brings it.
    site.captions.borrow_mut().insert(en, Some(cue("en")));
    let mut changed = l.clone();
    changed.media.as_mut().unwrap().modified = 200;
    mark_stale(&s, &contents_with(changed.clone())).unwrap();
    queue(&s, COURSE, &changed, 6).unwrap();
    finished(&site, &s, &files);
    assert_eq!(
        kept_captions(&files, &s, &l),
        [Some(cue("ja")), Some(cue("en"))]
    );
}

#[test]
fn captions_on_disk_go_with_their_lecture_only() {
    let dir = std::env::temp_dir().join(format!("juko-dl-captions-{}", crate::ids::new_id()));
    let files = DirFiles::new(&dir);
    let (other, text) = (LectureId(31), cue("ja"));
    poll_once(files.write_at(LECTURE, 0, b"video"))
        .unwrap()
        .unwrap();
    poll_once(files.write_caption(LECTURE, 0, "old"))
        .unwrap()
        .unwrap();
    poll_once(files.write_caption(LECTURE, 0, &text))
        .unwrap()
        .unwrap();
    poll_once(files.write_caption(LECTURE, 1, &cue("en")))
        .unwrap()
        .unwrap();
    poll_once(files.write_caption(other, 0, &text))
        .unwrap()
        .unwrap();
    assert_eq!(
        poll_once(files.caption(LECTURE, 0)).unwrap().unwrap(),
        Some(text.clone())
    );
    poll_once(files.remove(LECTURE)).unwrap().unwrap();
    assert_eq!(poll_once(files.len(LECTURE)).unwrap().unwrap(), None);
    assert_eq!(poll_once(files.caption(LECTURE, 0)).unwrap().unwrap(), None);
    assert_eq!(poll_once(files.caption(LECTURE, 1)).unwrap().unwrap(), None);
    assert_eq!(
        poll_once(files.caption(other, 0)).unwrap().unwrap(),
        Some(text),
        "lecture 31's captions are not lecture 310's"
    );
    poll_once(files.erase()).unwrap().unwrap();
    assert!(!dir.exists());
}
