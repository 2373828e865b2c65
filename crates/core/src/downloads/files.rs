//! Where downloaded lectures' bytes live: behind [`DownloadFiles`], one file per lecture and one
//! place per account. Natively [`DirFiles`] (a directory under the app's data directory, not the
//! cache, which the system may empty); on the web the app's OPFS files; in tests
//! [`MemoryFiles`], which can also forget what was never synced, as a killed device does.

use std::future::Future;

use juko_model::LectureId;

use crate::Result;

/// A lecture's bytes on the device. Writes are at an offset (a resumed download continues the
/// file); [`DownloadFiles::sync`] returns once what was written is on disk: the engine records
/// an offset only after it.
pub trait DownloadFiles {
    /// Held by the runner downloading a lecture: another runner of the same lecture (another
    /// browser tab of the app) waits until it drops.
    type Hold;
    /// Returns once this runner alone downloads the lecture's file.
    fn hold(&self, lecture: LectureId) -> impl Future<Output = Result<Self::Hold>>;
    /// How many bytes the lecture's file holds; `None` when there is none.
    fn len(&self, lecture: LectureId) -> impl Future<Output = Result<Option<u64>>>;
    /// Writes `bytes` at `offset`, creating the file when needed.
    fn write_at(
        &self,
        lecture: LectureId,
        offset: u64,
        bytes: &[u8],
    ) -> impl Future<Output = Result<()>>;
    /// Makes what was written durable.
    fn sync(&self, lecture: LectureId) -> impl Future<Output = Result<()>>;
    /// Cuts the file to `len` bytes (creating an empty one at 0).
    fn truncate(&self, lecture: LectureId, len: u64) -> impl Future<Output = Result<()>>;
    /// Keeps the text of the lecture's `index`th caption track (its place in the download's
    /// [`Media::captions`](juko_model::Media::captions)), replacing what was kept.
    fn write_caption(
        &self,
        lecture: LectureId,
        index: usize,
        text: &str,
    ) -> impl Future<Output = Result<()>>;
    /// The kept text of the lecture's `index`th caption track; `None` when none is kept.
    fn caption(
        &self,
        lecture: LectureId,
        index: usize,
    ) -> impl Future<Output = Result<Option<String>>>;
    /// Removes the lecture's file and its captions; none is fine.
    fn remove(&self, lecture: LectureId) -> impl Future<Output = Result<()>>;
    /// Removes every file of the account (signing out, delete all).
    fn erase(&self) -> impl Future<Output = Result<()>>;
}

/// `{dir}/{lecture}.video` and its captions `{dir}/{lecture}.caption-{index}.vtt`, one
/// directory per account (desktop and mobile).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug)]
pub struct DirFiles {
    dir: std::path::PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
impl DirFiles {
    pub fn new(dir: impl Into<std::path::PathBuf>) -> DirFiles {
        DirFiles { dir: dir.into() }
    }

    /// Where the lecture's file is (whether or not it exists): what the player is served from.
    pub fn path(&self, lecture: LectureId) -> std::path::PathBuf {
        self.dir.join(format!("{lecture}.video"))
    }

    fn caption_path(&self, lecture: LectureId, index: usize) -> std::path::PathBuf {
        self.dir
            .join(format!("{}{index}.vtt", caption_prefix(lecture)))
    }

    fn open(&self, lecture: LectureId) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.dir)?;
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path(lecture))
    }
}

/// What every caption file of the lecture is named from (`31.` is not a prefix of `310.`).
#[cfg(not(target_arch = "wasm32"))]
fn caption_prefix(lecture: LectureId) -> String {
    format!("{lecture}.caption-")
}

#[cfg(not(target_arch = "wasm32"))]
fn storage(e: std::io::Error) -> crate::Error {
    crate::Error::Storage(e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
impl DownloadFiles for DirFiles {
    /// One app runs on an account's data directory: its one runner needs no lock.
    type Hold = ();

    async fn hold(&self, _: LectureId) -> Result<()> {
        Ok(())
    }

    async fn len(&self, lecture: LectureId) -> Result<Option<u64>> {
        match std::fs::metadata(self.path(lecture)) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }

    async fn write_at(&self, lecture: LectureId, offset: u64, bytes: &[u8]) -> Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = self.open(lecture).map_err(storage)?;
        file.seek(SeekFrom::Start(offset)).map_err(storage)?;
        file.write_all(bytes).map_err(storage)
    }

    async fn sync(&self, lecture: LectureId) -> Result<()> {
        self.open(lecture)
            .and_then(|f| f.sync_data())
            .map_err(storage)
    }

    async fn truncate(&self, lecture: LectureId, len: u64) -> Result<()> {
        let file = self.open(lecture).map_err(storage)?;
        file.set_len(len)
            .and_then(|()| file.sync_data())
            .map_err(storage)
    }

    /// Written beside and renamed into place: a killed app leaves the old text or the new.
    async fn write_caption(&self, lecture: LectureId, index: usize, text: &str) -> Result<()> {
        let path = self.caption_path(lecture, index);
        let part = path.with_extension("vtt.part");
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&part, text))
            .and_then(|()| std::fs::rename(&part, &path))
            .map_err(storage)
    }

    async fn caption(&self, lecture: LectureId, index: usize) -> Result<Option<String>> {
        match std::fs::read_to_string(self.caption_path(lecture, index)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }

    async fn remove(&self, lecture: LectureId) -> Result<()> {
        remove_if_there(&self.path(lecture))?;
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(storage(e)),
        };
        let prefix = caption_prefix(lecture);
        for entry in entries {
            let entry = entry.map_err(storage)?;
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                remove_if_there(&entry.path())?;
            }
        }
        Ok(())
    }

    async fn erase(&self) -> Result<()> {
        crate::certificates::erase_shelf_dir(&self.dir)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn remove_if_there(path: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(storage(e)),
    }
}

/// Files in memory, for tests: `written` is what the app wrote, `durable` what a sync put on
/// disk; [`MemoryFiles::lose_unsynced`] is a killed device coming back.
#[derive(Clone, Default)]
pub struct MemoryFiles {
    inner: std::rc::Rc<std::cell::RefCell<MemoryInner>>,
}

#[derive(Default)]
struct MemoryInner {
    written: std::collections::BTreeMap<LectureId, Vec<u8>>,
    durable: std::collections::BTreeMap<LectureId, Vec<u8>>,
    /// The lectures a runner holds (as the browser's locks do for tabs).
    held: std::collections::BTreeSet<LectureId>,
    captions: std::collections::BTreeMap<(LectureId, usize), String>,
}

/// A lecture held in [`MemoryFiles`]; let go on drop.
pub struct MemoryHold {
    files: MemoryFiles,
    lecture: LectureId,
}

impl Drop for MemoryHold {
    fn drop(&mut self) {
        self.files.inner.borrow_mut().held.remove(&self.lecture);
    }
}

impl MemoryFiles {
    /// The lecture's bytes as the app sees them.
    pub fn bytes(&self, lecture: LectureId) -> Option<Vec<u8>> {
        self.inner.borrow().written.get(&lecture).cloned()
    }

    /// Forgets every write no sync made durable.
    pub fn lose_unsynced(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.written = inner.durable.clone();
    }

    /// Cuts the lecture's file behind the app's back (a disk losing its tail).
    pub fn chop(&self, lecture: LectureId, len: usize) {
        let inner = &mut *self.inner.borrow_mut();
        for map in [&mut inner.written, &mut inner.durable] {
            if let Some(bytes) = map.get_mut(&lecture) {
                bytes.truncate(len);
            }
        }
    }
}

impl DownloadFiles for MemoryFiles {
    type Hold = MemoryHold;

    /// Waits (pending) while another runner holds the lecture; tests poll again.
    async fn hold(&self, lecture: LectureId) -> Result<MemoryHold> {
        std::future::poll_fn(|_| {
            if self.inner.borrow_mut().held.insert(lecture) {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        Ok(MemoryHold {
            files: self.clone(),
            lecture,
        })
    }

    async fn len(&self, lecture: LectureId) -> Result<Option<u64>> {
        Ok(self
            .inner
            .borrow()
            .written
            .get(&lecture)
            .map(|b| b.len() as u64))
    }

    async fn write_at(&self, lecture: LectureId, offset: u64, bytes: &[u8]) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        let file = inner.written.entry(lecture).or_default();
        let offset = usize::try_from(offset).map_err(|e| crate::Error::Storage(e.to_string()))?;
        if file.len() < offset + bytes.len() {
            file.resize(offset + bytes.len(), 0);
        }
        file[offset..offset + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    async fn sync(&self, lecture: LectureId) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        let written = inner.written.get(&lecture).cloned().unwrap_or_default();
        inner.durable.insert(lecture, written);
        Ok(())
    }

    async fn truncate(&self, lecture: LectureId, len: u64) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        let file = inner.written.entry(lecture).or_default();
        file.resize(len as usize, 0);
        let file = file.clone();
        inner.durable.insert(lecture, file);
        Ok(())
    }

    async fn remove(&self, lecture: LectureId) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        inner.written.remove(&lecture);
        inner.durable.remove(&lecture);
        inner.captions.retain(|(of, _), _| *of != lecture);
        Ok(())
    }

    async fn write_caption(&self, lecture: LectureId, index: usize, text: &str) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        inner.captions.insert((lecture, index), text.to_owned());
        Ok(())
    }

    async fn caption(&self, lecture: LectureId, index: usize) -> Result<Option<String>> {
        Ok(self.inner.borrow().captions.get(&(lecture, index)).cloned())
    }

    async fn erase(&self) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        inner.written.clear();
        inner.durable.clear();
        inner.captions.clear();
        Ok(())
    }
}
