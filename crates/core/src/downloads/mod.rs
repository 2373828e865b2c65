//! Lecture downloads for offline viewing: a queue kept in the account's store, one lecture at a
//! time fetched to a file on the device ([`DownloadFiles`]), resumable from what is on disk.
//!
//! The rules, in the order a download meets them:
//! - A download resumes from `min(recorded offset, bytes on disk)`: the offset is recorded only
//!   after a sync made the bytes before it durable, so a killed app never resumes past what
//!   the disk holds, and a disk that lost its tail is believed over the record.
//! - It asks for the rest (`Range` from that offset). The site may send the whole file instead
//!   (200: the file starts again) or a part whose ETag is not the one kept (the file changed on
//!   the site meanwhile; the site ignores `If-Range`, so the client compares): it starts again
//!   from 0.
//! - Bytes are written, synced every [`CHECKPOINT_BYTES`], and the offset recorded after.
//!   Pause and cancel are honoured between chunks.
//! - At the end the size must be the answer's total and the size the site listed; more bytes
//!   than announced, or fewer, fail the download (the good bytes stay for a resume).
//! - Its caption tracks are kept beside the file at every run, before the video
//!   ([`kept_caption`] reads them for the player).
//! - A kept lecture whose file the site changed since (`Media::modified`, size or address) is
//!   [`DownloadState::Stale`]: still playable, offered to fetch again ([`mark_stale`]).

mod files;
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;
#[cfg(test)]
mod tests;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use juko_model::{CaptionTrack, CourseContents, CourseId, Lecture, LectureId, Media, Unit};
use serde::{Deserialize, Serialize};

#[cfg(not(target_arch = "wasm32"))]
pub use files::DirFiles;
pub use files::{DownloadFiles, MemoryFiles, MemoryHold};
pub use juko_moodle::FileHead;

use crate::store::Store;
use crate::{Error, Result, Session};

/// How many bytes are written between two syncs (and two recorded offsets): a killed app
/// fetches at most this much again.
pub const CHECKPOINT_BYTES: u64 = 4 * 1024 * 1024;

/// A lecture kept (or being kept) on the device, as the store records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub lecture: LectureId,
    pub course: CourseId,
    pub title: String,
    /// The site's file as listed when the download was asked for (or last found changed).
    pub media: Media,
    pub state: DownloadState,
    /// Bytes on disk and synced, from the start of the file: where a resume starts at most.
    pub received: u64,
    /// The file's size as the site's answer said, once it did.
    pub total: Option<u64>,
    /// The site's ETag for the bytes received: a resumed part must carry the same.
    pub etag: Option<String>,
    pub queued_ms: i64,
}

impl Download {
    /// The size to show: the site's answer, else its listing.
    pub fn size(&self) -> Option<u64> {
        self.total
            .or((self.media.size_bytes > 0).then_some(self.media.size_bytes))
    }

    /// Whether a kept copy can be played now (done, or done and since changed on the site).
    pub fn playable(&self) -> bool {
        matches!(
            self.state,
            DownloadState::Done { .. } | DownloadState::Stale
        )
    }

    /// Space taken on the device.
    pub fn bytes_on_device(&self) -> u64 {
        self.received
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DownloadState {
    Queued,
    Downloading,
    Paused,
    Done {
        at_ms: i64,
    },
    Failed(Failure),
    /// Kept, but the site has changed the file since: playable, worth fetching again.
    Stale,
}

/// Why a download stopped, as a learner can act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    /// No connection to the site (or it broke midway): resumes when it returns.
    Offline,
    /// The session expired: sign in again.
    SignInAgain,
    /// The site no longer lets this learner have the file.
    NotAvailable,
    /// The site's answer did not fit (size, range): try again later; the detail is for support.
    BadAnswer(String),
    /// The device could not write the file (space): free some and try again.
    DeviceStorage(String),
}

impl Failure {
    fn of(error: &Error) -> Failure {
        match error {
            Error::Unreachable(_) | Error::Maintenance(_) => Failure::Offline,
            Error::SessionExpired => Failure::SignInAgain,
            Error::NotAvailable(_) | Error::Refused(_) => Failure::NotAvailable,
            Error::Storage(detail) => Failure::DeviceStorage(detail.clone()),
            other => Failure::BadAnswer(other.to_string()),
        }
    }
}

/// Live figures of the download running now (not stored).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub received: u64,
    pub total: Option<u64>,
    /// Bytes per second since this run started.
    pub rate: f64,
}

impl Progress {
    pub fn percent(&self) -> Option<u8> {
        let total = self.total.filter(|t| *t > 0)?;
        Some((self.received.min(total) * 100 / total) as u8)
    }

    /// Seconds left at the current rate.
    pub fn secs_left(&self) -> Option<u64> {
        let total = self.total?;
        (self.rate > 0.0)
            .then(|| (total.saturating_sub(self.received) as f64 / self.rate).ceil() as u64)
    }
}

/// Pause or cancel asked of the running download; cheap to clone (shared on one thread). It also tells when
/// the runner has stopped ([`Control::cancel_and_wait`]): signing out erases the files only
/// after, so no late write of the runner can bring a folder back.
#[derive(Clone, Debug, Default)]
pub struct Control(Rc<ControlState>);

/// One thread: the app's runner, its screens and the sign-out share it on the UI's executor.
#[derive(Debug, Default)]
struct ControlState {
    asked: Cell<u8>,
    running: Cell<bool>,
    /// Whoever waits on a change: the runner (for a pause or cancel while a chunk is awaited)
    /// and [`Control::cancel_and_wait`] (for the runner's end).
    wakers: RefCell<Vec<Waker>>,
}

const PAUSE: u8 = 1;
const CANCEL: u8 = 2;

impl Control {
    pub fn pause(&self) {
        self.ask(PAUSE);
    }
    pub fn cancel(&self) {
        self.ask(CANCEL);
    }

    /// Cancels the download and returns once its runner has stopped (at once when none runs):
    /// nothing the runner does happens after.
    pub async fn cancel_and_wait(&self) {
        self.cancel();
        std::future::poll_fn(|cx| self.ready_when(cx, || !self.0.running.get())).await;
    }

    /// A cancel outranks a pause, whichever came first.
    fn ask(&self, what: u8) {
        self.0.asked.set(self.asked().max(what));
        self.wake();
    }

    fn asked(&self) -> u8 {
        self.0.asked.get()
    }

    /// Marks the runner as running until the guard drops (the run ends or is dropped).
    fn enter(&self) -> Running<'_> {
        self.0.running.set(true);
        Running(self)
    }

    /// `work`, unless a pause or cancel comes first (a chunk awaited from a slow site).
    async fn unless_asked<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        let mut work = std::pin::pin!(work);
        std::future::poll_fn(|cx| {
            if self.asked() != 0 {
                return Poll::Ready(None);
            }
            if let Poll::Ready(v) = work.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            self.ready_when(cx, || self.asked() != 0).map(|()| None)
        })
        .await
    }

    /// Ready when `done`, else woken at the next change.
    fn ready_when(&self, cx: &mut Context<'_>, done: impl Fn() -> bool) -> Poll<()> {
        if done() {
            return Poll::Ready(());
        }
        let mut wakers = self.0.wakers.borrow_mut();
        wakers.retain(|w| !w.will_wake(cx.waker()));
        wakers.push(cx.waker().clone());
        Poll::Pending
    }

    fn wake(&self) {
        let wakers = std::mem::take(&mut *self.0.wakers.borrow_mut());
        wakers.into_iter().for_each(Waker::wake);
    }
}

struct Running<'a>(&'a Control);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.0.running.set(false);
        self.0.wake();
    }
}

/// The site's side: a lecture's file from an offset on.
pub trait FileRemote {
    type Body: FileBody;
    fn fetch(&self, media: &Media, from: u64) -> impl Future<Output = Result<Fetched<Self::Body>>>;
    /// The text of one of the file's caption tracks (checked WebVTT).
    fn fetch_caption(&self, track: &CaptionTrack) -> impl Future<Output = Result<String>>;
}

/// What the site sent for a file from an offset.
pub enum Fetched<B> {
    /// Bytes of the file, from `head.start` on.
    File(FileHead, B),
    /// Nothing: the offset is at or past the file's end (HTTP 416), a file shorter than the
    /// part kept of it.
    PastEnd,
}

/// An answer's bytes, chunk by chunk; `None` at the end.
pub trait FileBody {
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Vec<u8>>>>;
}

impl FileRemote for Session {
    type Body = juko_moodle::FileAnswer;

    async fn fetch(&self, media: &Media, from: u64) -> Result<Fetched<Self::Body>> {
        match self.remote().fetch_file(media, from).await {
            Ok(answer) => Ok(Fetched::File(answer.head.clone(), answer)),
            Err(juko_moodle::Error::RangePastEnd) => Ok(Fetched::PastEnd),
            Err(e) => Err(e.into()),
        }
    }

    async fn fetch_caption(&self, track: &CaptionTrack) -> Result<String> {
        self.caption_text(track).await
    }
}

impl FileBody for juko_moodle::FileAnswer {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(juko_moodle::FileAnswer::next_chunk(self).await?)
    }
}

/// Every download of the account, oldest asked first.
pub fn list(store: &dyn Store) -> Result<Vec<Download>> {
    let mut all = store.downloads()?;
    all.sort_by_key(|d| (d.queued_ms, d.lecture.0));
    Ok(all)
}

pub fn get(store: &dyn Store, lecture: LectureId) -> Result<Option<Download>> {
    Ok(store
        .downloads()?
        .into_iter()
        .find(|d| d.lecture == lecture))
}

/// The next download to run: one the app was stopped in (killed, closed) first, then the
/// oldest queued one. Only one download runs at a time, so a record still `Downloading` when
/// the runner looks is one nobody runs any more.
pub fn next_queued(store: &dyn Store) -> Result<Option<Download>> {
    let all = list(store)?;
    let interrupted = all.iter().find(|d| d.state == DownloadState::Downloading);
    Ok(interrupted
        .or_else(|| all.iter().find(|d| d.state == DownloadState::Queued))
        .cloned())
}

/// Queues again the downloads a lost connection stopped (the network is back).
pub fn resume_offline(store: &dyn Store) -> Result<usize> {
    let mut resumed = 0;
    for mut d in list(store)? {
        if d.state == DownloadState::Failed(Failure::Offline) {
            d.state = DownloadState::Queued;
            store.put_download(&d)?;
            resumed += 1;
        }
    }
    Ok(resumed)
}

/// Whether a lecture can be downloaded: a file on the site (not an external link).
pub fn downloadable(lecture: &Lecture) -> bool {
    lecture
        .media
        .as_ref()
        .is_some_and(|m| !m.external && juko_model::is_web_url(&m.url))
        && lecture.locked_reason.is_none()
}

/// Queues a lecture (again: a failed, paused or stale one resumes; a done one stays done).
pub fn queue(
    store: &dyn Store,
    course: CourseId,
    lecture: &Lecture,
    now_ms: i64,
) -> Result<Download> {
    let Some(media) = lecture.media.clone().filter(|_| downloadable(lecture)) else {
        return Err(Error::NotAvailable(lecture.title.clone()));
    };
    let download = match get(store, lecture.id)? {
        Some(mut kept) => {
            if kept.state == DownloadState::Stale {
                // Fetched anew from the start: the kept bytes are of the old file.
                kept.received = 0;
                kept.total = None;
                kept.etag = None;
            }
            if !matches!(kept.state, DownloadState::Done { .. }) {
                kept.state = DownloadState::Queued;
            }
            kept.media = media;
            kept.title = lecture.title.clone();
            kept
        }
        None => Download {
            lecture: lecture.id,
            course,
            title: lecture.title.clone(),
            media,
            state: DownloadState::Queued,
            received: 0,
            total: None,
            etag: None,
            queued_ms: now_ms,
        },
    };
    store.put_download(&download)?;
    Ok(download)
}

/// Queues every downloadable lecture of a unit; returns how many were queued.
pub fn queue_unit(store: &dyn Store, course: CourseId, unit: &Unit, now_ms: i64) -> Result<usize> {
    let mut queued = 0;
    for lecture in unit.lectures.iter().filter(|l| downloadable(l)) {
        queue(store, course, lecture, now_ms)?;
        queued += 1;
    }
    Ok(queued)
}

/// Pauses a queued or failed download (the running one is paused through its [`Control`]).
pub fn pause(store: &dyn Store, lecture: LectureId) -> Result<()> {
    set_state(store, lecture, |state| {
        matches!(
            state,
            DownloadState::Queued | DownloadState::Failed(_) | DownloadState::Downloading
        )
        .then_some(DownloadState::Paused)
    })
}

/// Queues a paused or failed download again.
pub fn resume(store: &dyn Store, lecture: LectureId) -> Result<()> {
    set_state(store, lecture, |state| {
        matches!(state, DownloadState::Paused | DownloadState::Failed(_))
            .then_some(DownloadState::Queued)
    })
}

fn set_state(
    store: &dyn Store,
    lecture: LectureId,
    next: impl FnOnce(&DownloadState) -> Option<DownloadState>,
) -> Result<()> {
    if let Some(mut d) = get(store, lecture)?
        && let Some(state) = next(&d.state)
    {
        d.state = state;
        store.put_download(&d)?;
    }
    Ok(())
}

/// Deletes a lecture's download (cancel, or delete a kept one): the file, then the record.
pub async fn delete(
    store: &dyn Store,
    files: &impl DownloadFiles,
    lecture: LectureId,
) -> Result<()> {
    files.remove(lecture).await?;
    store.remove_download(lecture)
}

/// Deletes every download of a course.
pub async fn delete_course(
    store: &dyn Store,
    files: &impl DownloadFiles,
    course: CourseId,
) -> Result<()> {
    for d in list(store)?.into_iter().filter(|d| d.course == course) {
        delete(store, files, d.lecture).await?;
    }
    Ok(())
}

/// Deletes every download of the account.
pub async fn delete_all(store: &dyn Store, files: &impl DownloadFiles) -> Result<()> {
    for d in list(store)? {
        store.remove_download(d.lecture)?;
    }
    files.erase().await
}

/// Space used on the device per course, in the order courses were first downloaded from.
pub fn usage(downloads: &[Download]) -> Vec<(CourseId, u64)> {
    let mut per_course: Vec<(CourseId, u64)> = Vec::new();
    for d in downloads {
        match per_course.iter_mut().find(|(c, _)| *c == d.course) {
            Some((_, bytes)) => *bytes += d.bytes_on_device(),
            None => per_course.push((d.course, d.bytes_on_device())),
        }
    }
    per_course
}

/// Marks stale the kept lectures of `contents` whose file the site has changed (time, size or
/// address); returns them. Their copies stay playable until fetched again.
pub fn mark_stale(store: &dyn Store, contents: &CourseContents) -> Result<Vec<LectureId>> {
    let mut stale = Vec::new();
    for mut d in list(store)?
        .into_iter()
        .filter(|d| d.course == contents.course_id)
    {
        let Some(site) = contents
            .lecture(d.lecture)
            .and_then(|(_, l)| l.media.clone())
        else {
            continue;
        };
        let changed = site.modified != d.media.modified
            || site.size_bytes != d.media.size_bytes
            || site.url != d.media.url;
        if !changed {
            continue;
        }
        if matches!(d.state, DownloadState::Done { .. }) {
            d.state = DownloadState::Stale;
            stale.push(d.lecture);
        } else if d.state != DownloadState::Stale {
            // Not finished: the bytes so far are of the old file; start again.
            d.received = 0;
            d.etag = None;
            d.total = None;
        }
        d.media = site;
        store.put_download(&d)?;
    }
    Ok(stale)
}

/// What [`run`] needs besides the download: the clock and where progress goes.
pub struct Run<'a> {
    pub control: &'a Control,
    pub now_ms: &'a dyn Fn() -> i64,
    pub progress: &'a mut dyn FnMut(&Download, Progress),
}

/// Runs one download to its end, a pause, a cancel or a failure, recorded in the store.
/// Returns the record as it ends (`None` when cancelled or deleted: the file and record are
/// gone). A record deleted or changed by someone else while it ran (a delete, [`mark_stale`])
/// stays as they left it: the runner stops without writing over it. `Err` only when the store
/// itself fails.
pub async fn run(
    remote: &impl FileRemote,
    store: &dyn Store,
    files: &impl DownloadFiles,
    lecture: LectureId,
    run: Run<'_>,
) -> Result<Option<Download>> {
    let _running = run.control.enter();
    // Another tab may run this lecture: wait for it. (A sign-out meanwhile erases the shared
    // records, which stops that tab at its next write, and so this wait.)
    let _held = files.hold(lecture).await?;
    if run.control.asked() == CANCEL {
        delete(store, files, lecture).await?;
        return Ok(None);
    }
    // Read once held: whoever held it before may have finished, paused or deleted it.
    let Some(mut d) = get(store, lecture)? else {
        return Ok(None);
    };
    if !matches!(d.state, DownloadState::Queued | DownloadState::Downloading) {
        return Ok(Some(d));
    }
    let mut record = Record {
        store,
        last: d.clone(),
    };
    let outcome = fetch(remote, &mut record, files, &mut d, run).await;
    match outcome {
        Ok(Ended::Cancelled) => {
            delete(store, files, lecture).await?;
            return Ok(None);
        }
        Ok(Ended::Paused) => d.state = DownloadState::Paused,
        Ok(Ended::Done(at_ms)) => d.state = DownloadState::Done { at_ms },
        Err(Halt::Overtaken) => return overtaken(store, files, lecture).await,
        Err(Halt::Failed(e)) => {
            tracing::info!(lecture = %lecture, "download stopped: {e}");
            d.state = DownloadState::Failed(Failure::of(&e));
        }
    }
    match record.put(&d) {
        Ok(()) => Ok(Some(d)),
        Err(Halt::Overtaken) => overtaken(store, files, lecture).await,
        Err(Halt::Failed(e)) => Err(e),
    }
}

/// The record changed under the runner: theirs stands. A deleted one's file goes again (the
/// runner's last writes may have made it anew).
async fn overtaken(
    store: &dyn Store,
    files: &impl DownloadFiles,
    lecture: LectureId,
) -> Result<Option<Download>> {
    let now = get(store, lecture)?;
    if now.is_none() {
        files.remove(lecture).await?;
    }
    Ok(now)
}

enum Ended {
    Done(i64),
    Paused,
    Cancelled,
}

/// Why a run stopped short of an end it records.
enum Halt {
    Failed(Error),
    /// Someone else deleted or changed the record meanwhile.
    Overtaken,
}

impl From<Error> for Halt {
    fn from(e: Error) -> Halt {
        Halt::Failed(e)
    }
}

/// The runner's writes of its record, each only over the record as the runner last wrote (or
/// read) it: a delete or a change made while it ran is never undone. No await comes between
/// the look and the write, so nothing else runs in between.
struct Record<'a> {
    store: &'a dyn Store,
    last: Download,
}

impl Record<'_> {
    fn put(&mut self, d: &Download) -> Result<(), Halt> {
        if get(self.store, d.lecture)?.as_ref() != Some(&self.last) {
            return Err(Halt::Overtaken);
        }
        self.store.put_download(d)?;
        self.last = d.clone();
        Ok(())
    }
}

async fn fetch(
    remote: &impl FileRemote,
    record: &mut Record<'_>,
    files: &impl DownloadFiles,
    d: &mut Download,
    run: Run<'_>,
) -> Result<Ended, Halt> {
    let lecture = d.lecture;
    // Never past what the disk holds, never past what was recorded after a sync.
    let on_disk = files.len(lecture).await?.unwrap_or(0);
    let from = d.received.min(on_disk);
    if on_disk != from {
        files.truncate(lecture, from).await?;
    }
    d.received = from;
    d.state = DownloadState::Downloading;
    record.put(d)?;

    keep_captions(remote, files, d, run.control).await?;
    let (head, mut body) = open(remote, files, d).await?;
    let started_ms = (run.now_ms)();
    let first = d.received;
    let mut since_sync = 0u64;
    loop {
        match run.control.asked() {
            PAUSE => {
                checkpoint(record, files, d).await?;
                return Ok(Ended::Paused);
            }
            CANCEL => return Ok(Ended::Cancelled),
            _ => {}
        }
        // A pause or cancel does not wait for a slow site's next chunk.
        let Some(chunk) = run.control.unless_asked(body.next_chunk()).await else {
            continue;
        };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                // What came before the break is good: keep it for the resume.
                checkpoint(record, files, d).await?;
                return Err(e.into());
            }
        };
        let Some(chunk) = chunk else { break };
        let offset = d.received + since_sync;
        if let Some(total) = head.total
            && offset + chunk.len() as u64 > total
        {
            checkpoint(record, files, d).await?;
            return Err(Error::Protocol(format!(
                "the file came longer than its announced {total} bytes"
            ))
            .into());
        }
        files.write_at(lecture, offset, &chunk).await?;
        since_sync += chunk.len() as u64;
        if since_sync >= CHECKPOINT_BYTES {
            checkpoint_at(record, files, d, since_sync).await?;
            since_sync = 0;
        }
        let received = d.received + since_sync;
        let secs = ((run.now_ms)() - started_ms).max(1) as f64 / 1000.0;
        let progress = Progress {
            received,
            total: d.total,
            rate: (received - first) as f64 / secs,
        };
        (run.progress)(d, progress);
    }
    checkpoint_at(record, files, d, since_sync).await?;
    // A cancel (or delete) asked while the end of the body was awaited still wins.
    if run.control.asked() == CANCEL {
        return Ok(Ended::Cancelled);
    }
    verify(d)?;
    Ok(Ended::Done((run.now_ms)()))
}

/// Keeps the lecture's caption files beside it, so that it plays with its captions offline;
/// fetched again at every run (a few kilobytes each), so a fetch-again brings changed ones. A
/// track the site refuses or that is not WebVTT is left out: the lecture plays without it, as it
/// would online. No connection (or a session to renew) stops the download as a break in the
/// video would, to resume with the captions. A pause or cancel asked meanwhile is the loop's.
async fn keep_captions(
    remote: &impl FileRemote,
    files: &impl DownloadFiles,
    d: &Download,
    control: &Control,
) -> Result<()> {
    for (index, track) in d.media.captions.iter().enumerate() {
        let Some(answer) = control.unless_asked(remote.fetch_caption(track)).await else {
            return Ok(());
        };
        match answer {
            Ok(text) => files.write_caption(d.lecture, index, &text).await?,
            Err(e)
                if e.is_retryable()
                    || matches!(e, Error::SessionExpired | Error::Maintenance(_)) =>
            {
                return Err(e);
            }
            Err(e) => {
                tracing::info!(lecture = %d.lecture, language = %track.language, "captions not kept: {e}");
            }
        }
    }
    Ok(())
}

/// The kept text of a downloaded lecture's caption track, found by its address among the tracks
/// kept with the file; `None` when it was not kept.
pub async fn kept_caption(
    files: &impl DownloadFiles,
    d: &Download,
    track: &CaptionTrack,
) -> Result<Option<String>> {
    let Some(index) = d.media.captions.iter().position(|t| t.url == track.url) else {
        return Ok(None);
    };
    files.caption(d.lecture, index).await
}

/// Asks for the rest of the file and settles where it starts: from the offset when the site
/// sent that part of the same file, from 0 when it sent the whole file or the file changed.
async fn open<R: FileRemote>(
    remote: &R,
    files: &impl DownloadFiles,
    d: &mut Download,
) -> Result<(FileHead, R::Body)> {
    let (head, body) = match remote.fetch(&d.media, d.received).await? {
        Fetched::File(head, body) => (head, body),
        // Nothing left to send at that offset (a file shorter than what is kept): start again.
        Fetched::PastEnd => {
            restart(files, d).await?;
            whole(remote, &d.media).await?
        }
    };
    let same_file = d.etag.is_none() || head.etag.is_none() || head.etag == d.etag;
    if head.start == d.received && (d.received == 0 || same_file) {
        adopt(d, &head);
        return Ok((head, body));
    }
    restart(files, d).await?;
    if head.start == 0 {
        // The whole file came (200): read it from the start.
        adopt(d, &head);
        return Ok((head, body));
    }
    // A part of a file that changed since: ask for all of the new one.
    drop(body);
    let (head, body) = whole(remote, &d.media).await?;
    adopt(d, &head);
    Ok((head, body))
}

/// The file from its first byte.
async fn whole<R: FileRemote>(remote: &R, media: &Media) -> Result<(FileHead, R::Body)> {
    match remote.fetch(media, 0).await? {
        Fetched::File(head, body) if head.start == 0 => Ok((head, body)),
        _ => Err(Error::Protocol(
            "the site did not send the file from its start".to_owned(),
        )),
    }
}

fn adopt(d: &mut Download, head: &FileHead) {
    d.etag = head.etag.clone();
    d.total = head.total;
}

async fn restart(files: &impl DownloadFiles, d: &mut Download) -> Result<()> {
    files.truncate(d.lecture, 0).await?;
    d.received = 0;
    d.etag = None;
    d.total = None;
    Ok(())
}

/// Syncs the file, then records the offset: the record never runs ahead of the disk.
async fn checkpoint_at(
    record: &mut Record<'_>,
    files: &impl DownloadFiles,
    d: &mut Download,
    unsynced: u64,
) -> Result<(), Halt> {
    files.sync(d.lecture).await?;
    d.received += unsynced;
    record.put(d)
}

/// A checkpoint where the bytes written since the last one are not counted (a pause, a break):
/// synced first, then what the file holds is recorded.
async fn checkpoint(
    record: &mut Record<'_>,
    files: &impl DownloadFiles,
    d: &mut Download,
) -> Result<(), Halt> {
    files.sync(d.lecture).await?;
    let on_disk = files.len(d.lecture).await?.unwrap_or(0);
    d.received = d.received.max(on_disk);
    record.put(d)
}

/// The whole file came: its size is the answer's total and the site's listing.
fn verify(d: &Download) -> Result<()> {
    if let Some(total) = d.total
        && d.received != total
    {
        return Err(Error::Protocol(format!(
            "the file ended at {} of its {total} bytes",
            d.received
        )));
    }
    let listed = d.media.size_bytes;
    if listed > 0 && d.received != listed {
        return Err(Error::Protocol(format!(
            "the file has {} bytes, the site lists {listed}",
            d.received
        )));
    }
    Ok(())
}
