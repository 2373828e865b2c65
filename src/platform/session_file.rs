//! The kept session on desktop and mobile: its details in a file of the app's data directory,
//! the token in a [`TokenVault`] (the OS secure store, `secure_store`). Only where the system has
//! no secure store does the token stay in that file, readable by the learner's account only.
//!
//! Builds before the secure store existed (or a start on a session without one) left the token
//! in the file: each load moves such a token into the vault when the vault takes it, then
//! rewrites the file without it. The vault is written first, so a crash in between leaves the
//! token in both places, never in neither.

use juko_core::{Error, Result, SavedSession, SessionStore};
use juko_model::SiteInfo;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where a vault left the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// In the OS secure store.
    InSecureStore,
    /// Nowhere: this system has no secure store (see `secure_store`).
    #[cfg_attr(
        target_os = "android",
        allow(dead_code, reason = "Android always has its Keystore")
    )]
    NoSecureStore,
}

/// A store for the session token, one entry per site and user.
pub trait TokenVault {
    /// Keeps `token`. `Err` (the store's words) when a store exists and refused: the caller
    /// must not keep the token elsewhere.
    fn put(&self, site_url: &str, username: &str, token: &str)
    -> std::result::Result<Kept, String>;
    /// The token kept for this site and user, if any.
    fn get(&self, site_url: &str, username: &str) -> Option<String>;
    /// Forgets the token kept for this site and user (nothing there is fine).
    fn delete(&self, site_url: &str, username: &str);
}

/// What the session file holds. `token` is present only when no secure store took it.
#[derive(Serialize, Deserialize)]
struct SessionFile {
    site_url: String,
    site_info: SiteInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// The session in `path` (none: the system has no data directory) with its token in `vault`.
pub struct FileSessionStore<V> {
    pub(super) path: Option<PathBuf>,
    pub(super) vault: V,
}

impl<V: TokenVault> FileSessionStore<V> {
    fn file(&self) -> Result<&Path> {
        self.path
            .as_deref()
            .ok_or_else(|| Error::Storage("no data directory on this system".into()))
    }

    fn write(&self, file: &SessionFile) -> Result<()> {
        let json = serde_json::to_vec_pretty(file).map_err(|e| Error::Storage(e.to_string()))?;
        write_private(self.file()?, &json).map_err(|e| Error::Storage(e.to_string()))
    }

    /// Moves a token the file holds into the vault, when the vault takes it, and rewrites the
    /// file without it. Anything else leaves the file as it is (the session still works).
    fn move_token_to_vault(&self, file: &mut SessionFile) {
        let Some(token) = file.token.take() else {
            return;
        };
        let username = &file.site_info.user.username;
        match self.vault.put(&file.site_url, username, &token) {
            Ok(Kept::InSecureStore) => {
                if let Err(e) = self.write(file) {
                    // Both places hold it; the next start tries the rewrite again.
                    tracing::warn!("the session file still holds the token: {e}");
                }
            }
            Ok(Kept::NoSecureStore) => {}
            Err(e) => tracing::warn!(
                "the token stays in the session file: the secure store refused it ({e})"
            ),
        }
        file.token = Some(token);
    }
}

impl<V: TokenVault> SessionStore for FileSessionStore<V> {
    fn load(&self) -> Result<Option<SavedSession>> {
        let path = self.file()?;
        let raw = match std::fs::read_to_string(path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Storage(e.to_string())),
        };
        // A damaged file is not trusted: the learner signs in again.
        let Ok(mut file) = serde_json::from_str::<SessionFile>(&raw) else {
            tracing::warn!("ignoring an unreadable session file at {}", path.display());
            return Ok(None);
        };
        self.move_token_to_vault(&mut file);
        let token = file.token.or_else(|| {
            self.vault
                .get(&file.site_url, &file.site_info.user.username)
        });
        Ok(token.map(|token| SavedSession {
            site_url: file.site_url,
            token,
            site_info: file.site_info,
        }))
    }

    fn save(&self, session: &SavedSession) -> Result<()> {
        let username = &session.site_info.user.username;
        let kept = (self.vault)
            .put(&session.site_url, username, &session.token)
            .map_err(|e| {
                Error::Storage(format!(
                    "the system's secure store refused the session: {e}"
                ))
            })?;
        self.write(&SessionFile {
            site_url: session.site_url.clone(),
            site_info: session.site_info.clone(),
            token: (kept == Kept::NoSecureStore).then(|| session.token.clone()),
        })
    }

    fn clear(&self) -> Result<()> {
        if let Ok(Some(saved)) = self.load() {
            (self.vault).delete(&saved.site_url, &saved.site_info.user.username);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// A vault in memory: a secure store that takes tokens, refuses them, or does not exist.
    #[derive(Default)]
    struct FakeVault {
        kept: RefCell<HashMap<String, String>>,
        answer: Option<std::result::Result<Kept, String>>,
    }

    impl FakeVault {
        fn answering(answer: std::result::Result<Kept, String>) -> Self {
            FakeVault {
                answer: Some(answer),
                ..FakeVault::default()
            }
        }
    }

    impl TokenVault for FakeVault {
        fn put(&self, site: &str, user: &str, token: &str) -> std::result::Result<Kept, String> {
            let answer = self.answer.clone().unwrap_or(Ok(Kept::InSecureStore));
            if answer == Ok(Kept::InSecureStore) {
                let key = format!("{user}@{site}");
                self.kept.borrow_mut().insert(key, token.to_owned());
            }
            answer
        }
        fn get(&self, site: &str, user: &str) -> Option<String> {
            self.kept.borrow().get(&format!("{user}@{site}")).cloned()
        }
        fn delete(&self, site: &str, user: &str) {
            self.kept.borrow_mut().remove(&format!("{user}@{site}"));
        }
    }

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    /// A session file as builds before the secure store wrote it: the token in plain text.
    fn old_file(dir: &Path) -> PathBuf {
        let path = dir.join("session.json");
        let json = serde_json::json!({
            "site_url": "http://127.0.0.1:8080",
            "site_info": {
                "site_name": "ICRweb",
                "site_url": "http://127.0.0.1:8080",
                "user": { "id": 7, "username": "learner1", "full_name": "受講 太郎" },
                "lang": "ja",
                "version": null,
                "can_download_files": true
            },
            "token": TOKEN,
        });
        std::fs::write(&path, json.to_string()).unwrap();
        path
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("juko-session-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn store(path: &Path, vault: FakeVault) -> FileSessionStore<FakeVault> {
        FileSessionStore {
            path: Some(path.to_owned()),
            vault,
        }
    }

    #[test]
    fn a_plain_token_moves_into_the_secure_store() {
        let dir = temp_dir("moves");
        let path = old_file(&dir);
        let store = store(&path, FakeVault::default());
        let loaded = store.load().unwrap().expect("the session is kept");
        assert_eq!(loaded.token, TOKEN);
        assert_eq!(
            store
                .vault
                .get("http://127.0.0.1:8080", "learner1")
                .as_deref(),
            Some(TOKEN)
        );
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(
            !raw.contains(TOKEN),
            "the file still holds the token: {raw}"
        );
        assert!(raw.contains("learner1"), "the details stay: {raw}");
        // The next start finds it in the store.
        let again = store.load().unwrap().expect("still signed in");
        assert_eq!(again.token, TOKEN);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn without_a_secure_store_the_file_keeps_the_token() {
        for (name, answer) in [
            ("none", Ok(Kept::NoSecureStore)),
            ("refused", Err("locked".to_owned())),
        ] {
            let dir = temp_dir(name);
            let path = old_file(&dir);
            let before = std::fs::read_to_string(&path).unwrap();
            let store = store(&path, FakeVault::answering(answer));
            let loaded = store.load().unwrap().expect("the session is kept");
            assert_eq!(loaded.token, TOKEN, "{name}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "{name}");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn a_saved_session_keeps_its_token_out_of_the_file() {
        let dir = temp_dir("saves");
        let path = old_file(&dir);
        let saved = store(&path, FakeVault::answering(Ok(Kept::NoSecureStore)))
            .load()
            .unwrap()
            .unwrap();
        let store = store(&path, FakeVault::default());
        store.save(&saved).unwrap();
        assert!(!std::fs::read_to_string(&path).unwrap().contains(TOKEN));
        assert_eq!(store.load().unwrap(), Some(saved));
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
        assert_eq!(store.vault.get("http://127.0.0.1:8080", "learner1"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
