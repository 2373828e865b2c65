//! Desktop and mobile: the session's details live in a file in the app's data directory
//! (`dirs`); the token itself goes to the OS secure store (`secure_store`). Only where the
//! system has no secure store (a Linux session without a Secret Service) does the token stay in
//! that file, readable by the learner's account only, and the app says so in its log.

pub(super) use super::dirs::data_dir;
use super::secure_store::{self, Kept};
use crate::i18n::Lang;
use juko_core::{Error, Result, SavedSession, SessionStore};
use juko_model::SiteInfo;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const SESSION_FILE: &str = "session.json";
const LANG_FILE: &str = "lang";

/// What the session file holds. `token` is present only when no secure store took it.
#[derive(Serialize, Deserialize)]
struct SessionFile {
    site_url: String,
    site_info: SiteInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

pub struct PlatformSessionStore {
    dir: Option<PathBuf>,
}

impl PlatformSessionStore {
    pub fn open() -> Self {
        PlatformSessionStore { dir: data_dir() }
    }

    fn file(&self) -> Result<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(SESSION_FILE))
            .ok_or_else(|| Error::Storage("no data directory on this system".into()))
    }
}

impl SessionStore for PlatformSessionStore {
    fn load(&self) -> Result<Option<SavedSession>> {
        let path = self.file()?;
        let raw = match std::fs::read_to_string(&path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Storage(e.to_string())),
        };
        // A damaged file is not trusted: the learner signs in again.
        let Ok(file) = serde_json::from_str::<SessionFile>(&raw) else {
            tracing::warn!("ignoring an unreadable session file at {}", path.display());
            return Ok(None);
        };
        let token = file
            .token
            .or_else(|| secure_store::get(&file.site_url, &file.site_info.user.username));
        Ok(token.map(|token| SavedSession {
            site_url: file.site_url,
            token,
            site_info: file.site_info,
        }))
    }

    fn save(&self, session: &SavedSession) -> Result<()> {
        let username = &session.site_info.user.username;
        let kept = secure_store::put(&session.site_url, username, &session.token).map_err(|e| {
            Error::Storage(format!(
                "the system's secure store refused the session: {e}"
            ))
        })?;
        let in_secure_store = kept == Kept::InSecureStore;
        let file = SessionFile {
            site_url: session.site_url.clone(),
            site_info: session.site_info.clone(),
            token: (!in_secure_store).then(|| session.token.clone()),
        };
        let json = serde_json::to_vec_pretty(&file).map_err(|e| Error::Storage(e.to_string()))?;
        write_private(&self.file()?, &json).map_err(|e| Error::Storage(e.to_string()))
    }

    fn clear(&self) -> Result<()> {
        if let Ok(Some(saved)) = self.load() {
            secure_store::delete(&saved.site_url, &saved.site_info.user.username);
        }
        match std::fs::remove_file(self.file()?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::Storage(e.to_string()))
            }
            _ => Ok(()),
        }
    }
}

/// Writes a file only the learner's account can read, atomically (a crash leaves the old one).
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
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

/// Removes the kept certificates of every account but the signed-in one (start-up).
pub async fn erase_other_certificates(keep: Option<&str>) -> juko_core::Result<usize> {
    juko_core::certificates::remove_other_shelves(&certificates_root(), keep)
}
