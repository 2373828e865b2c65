//! Desktop and mobile: the session's details live in a file in the app's data directory
//! (`dirs`); the token itself goes to the OS secure store (`secure_store`). Only where the
//! system has no secure store (a Linux session without a Secret Service) does the token stay in
//! that file, readable by the learner's account only, and the app says so in its log.

pub(super) use super::dirs::data_dir;
use super::secure_store::OsVault;
use super::session_file::FileSessionStore;
pub(super) use super::session_file::write_private;
use crate::i18n::Lang;
use juko_core::Error;

const SESSION_FILE: &str = "session.json";
const LANG_FILE: &str = "lang";

/// The session file in the data directory, the token in the OS secure store.
pub type PlatformSessionStore = FileSessionStore<OsVault>;

impl FileSessionStore<OsVault> {
    pub fn open() -> Self {
        FileSessionStore {
            path: data_dir().map(|d| d.join(SESSION_FILE)),
            vault: OsVault,
        }
    }
}

/// This account's viewing history: SQLite in the app's data directory.
pub fn open_history(account: &str) -> juko_core::Result<Box<dyn juko_core::store::Store>> {
    let dir =
        data_dir().ok_or_else(|| Error::Storage("no data directory on this system".into()))?;
    let path = dir.join("history").join(format!("{account}.sqlite3"));
    Ok(Box::new(juko_core::store::SqliteStore::open(&path)?))
}

/// The site to offer: `JUKO_SITE_URL` when set (the demo and tests use it), else ICRweb.
pub fn default_site_url() -> String {
    std::env::var("JUKO_SITE_URL").unwrap_or_else(|_| super::ICRWEB_URL.to_owned())
}

pub fn system_language() -> Lang {
    // POSIX locale variables, most specific first; other systems report through LANG too when
    // launched from a shell, and Japanese is ICRweb's main audience otherwise.
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty() && v != "C"))
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Ja)
}

pub fn saved_language() -> Option<Lang> {
    let tag = std::fs::read_to_string(data_dir()?.join(LANG_FILE)).ok()?;
    Some(Lang::from_tag(&tag))
}

pub fn save_language(lang: Lang) {
    if let Some(dir) = data_dir() {
        // Losing the preference only means the next start follows the system again.
        let _ = write_private(&dir.join(LANG_FILE), lang.tag().as_bytes());
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub async fn sleep(d: std::time::Duration) {
    tokio::time::sleep(d).await;
}

/// One app per device here: no other instance signs the learner out behind this one's back.
pub const SIGNED_OUT_ELSEWHERE: Option<&str> = None;

// ---- Certificates -----------------------------------------------------

/// This account's kept certificate PDFs: files in the app's data directory.
pub type CertificateShelf = juko_core::certificates::FileShelf;

fn certificates_dir(account: &str) -> std::path::PathBuf {
    certificates_root().join(account)
}

fn certificates_root() -> std::path::PathBuf {
    data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("certificates")
}

pub fn certificate_shelf(account: &str) -> CertificateShelf {
    juko_core::certificates::FileShelf::new(certificates_dir(account))
}

/// Forgets the account's kept certificates (signing out).
pub async fn erase_certificates(account: &str) -> juko_core::Result<()> {
    juko_core::certificates::erase_shelf_dir(&certificates_dir(account))
}

/// Removes the kept certificates of every account but the signed-in one, `keep` (start-up).
pub async fn erase_other_certificates(keep: &str) -> juko_core::Result<usize> {
    juko_core::certificates::remove_other_shelves(&certificates_root(), Some(keep))
}
