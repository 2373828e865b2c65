//! No platform feature: the app builds (for tests and tooling) but keeps nothing.

use crate::i18n::Lang;
use juko_core::{MemorySessionStore, Result, SavedSession, SessionStore};

pub struct PlatformSessionStore(MemorySessionStore);

impl PlatformSessionStore {
    pub fn open() -> Self {
        PlatformSessionStore(MemorySessionStore::default())
    }
}

impl SessionStore for PlatformSessionStore {
    fn load(&self) -> Result<Option<SavedSession>> {
        self.0.load()
    }
    fn save(&self, session: &SavedSession) -> Result<()> {
        self.0.save(session)
    }
    fn clear(&self) -> Result<()> {
        self.0.clear()
    }
}

pub fn default_site_url() -> String {
    super::ICRWEB_URL.to_owned()
}

pub fn system_language() -> Lang {
    Lang::from_tag(&std::env::var("LANG").unwrap_or_default())
}

pub fn saved_language() -> Option<Lang> {
    None
}

pub fn save_language(_: Lang) {}

pub fn open_history(account: &str) -> juko_core::Result<Box<dyn juko_core::store::Store>> {
    use juko_core::store::{KvStore, MemoryKv};
    Ok(Box::new(KvStore::open(MemoryKv::default(), account)?))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// No event loop to wake anything: never returns.
pub async fn sleep(_: std::time::Duration) {
    std::future::pending::<()>().await;
}

/// One app per device here: no other instance signs the learner out behind this one's back.
pub const SIGNED_OUT_ELSEWHERE: Option<&str> = None;

// ---- Certificates -----------------------------------------------------

/// No device storage here: kept PDFs live in a temporary directory per account.
pub type CertificateShelf = juko_core::certificates::FileShelf;

fn certificates_root() -> std::path::PathBuf {
    std::env::temp_dir().join("juko-certificates")
}

pub fn certificate_shelf(account: &str) -> CertificateShelf {
    juko_core::certificates::FileShelf::new(certificates_root().join(account))
}

pub async fn erase_certificates(account: &str) -> juko_core::Result<()> {
    juko_core::certificates::erase_shelf_dir(&certificates_root().join(account))
}

pub async fn erase_other_certificates(keep: &str) -> juko_core::Result<usize> {
    juko_core::certificates::remove_other_shelves(&certificates_root(), Some(keep))
}
