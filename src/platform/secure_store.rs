//! The session token in the operating system's secure store, one entry per site and user.
//!
//! - Desktop: `keyring`'s native stores: the Secret Service on Linux (GNOME Keyring, KWallet),
//!   the Keychain on macOS, the Credential Manager on Windows.
//! - iOS: `keyring`'s `apple-native` store, the iOS Keychain (generic passwords, this app only).
//! - Android: `android-native-keyring-store` (the keyring authors' store for Android): the token
//!   encrypted with a key kept in the Android Keystore, the ciphertext in the app's private
//!   `SharedPreferences`. It finds the app's `Context` through `ndk-context`, which Dioxus mobile
//!   (tao) sets up.
//!
//! Only a Linux (or BSD) session without a Secret Service (a bare window manager, a server,
//! Xvfb) has no store to ask: `put` says `NoSecureStore` and logs why, and the caller keeps the
//! token in its data file, readable by the learner's account only (see `session_file.rs`, which
//! also moves a token an older build left in that file into the store). Everywhere
//! else a store exists, so a refusal is an error (the session is not kept), never a plain file.

/// The service name entries are kept under.
const SERVICE: &str = "jp.juko.app";

/// The entry's user name: one per site and user.
fn entry_name(site_url: &str, username: &str) -> String {
    format!("{username}@{site_url}")
}

pub use super::session_file::Kept;
use super::session_file::TokenVault;

/// The OS secure store as the session file's vault.
pub struct OsVault;

impl TokenVault for OsVault {
    fn put(&self, site_url: &str, username: &str, token: &str) -> Result<Kept, String> {
        imp::put(site_url, username, token)
    }

    fn get(&self, site_url: &str, username: &str) -> Option<String> {
        imp::get(site_url, username)
    }

    fn delete(&self, site_url: &str, username: &str) {
        imp::delete(site_url, username)
    }
}

#[cfg(not(target_os = "android"))]
mod imp {
    use super::{Kept, SERVICE, entry_name};

    fn entry(site_url: &str, username: &str) -> Option<keyring::Entry> {
        keyring::Entry::new(SERVICE, &entry_name(site_url, username)).ok()
    }

    pub(super) fn put(site_url: &str, username: &str, token: &str) -> Result<Kept, String> {
        let kept = keyring::Entry::new(SERVICE, &entry_name(site_url, username))
            .and_then(|e| e.set_password(token));
        match kept {
            Ok(()) => Ok(Kept::InSecureStore),
            // Linux and the BSDs: no Secret Service on the session bus is the usual answer.
            Err(e)
                if cfg!(any(
                    target_os = "linux",
                    target_os = "freebsd",
                    target_os = "openbsd"
                )) =>
            {
                tracing::warn!(
                    "no OS secure store ({e}); keeping the token in the app's data file"
                );
                Ok(Kept::NoSecureStore)
            }
            Err(e) => Err(e.to_string()),
        }
    }

    pub(super) fn get(site_url: &str, username: &str) -> Option<String> {
        entry(site_url, username)?.get_password().ok()
    }

    pub(super) fn delete(site_url: &str, username: &str) {
        if let Some(entry) = entry(site_url, username) {
            let _ = entry.delete_credential();
        }
    }
}

#[cfg(target_os = "android")]
mod imp {
    use super::{Kept, SERVICE, entry_name};
    use keyring_core::{CredentialStore, Entry};
    use std::sync::{Arc, OnceLock};

    /// The app's store, opened once (it creates its Keystore key on first use).
    fn store() -> Option<&'static Arc<CredentialStore>> {
        static STORE: OnceLock<Option<Arc<CredentialStore>>> = OnceLock::new();
        STORE
            .get_or_init(|| match android_native_keyring_store::Store::new() {
                Ok(store) => Some(store as Arc<CredentialStore>),
                Err(e) => {
                    tracing::warn!("the Android Keystore is not available ({e})");
                    None
                }
            })
            .as_ref()
    }

    fn entry(site_url: &str, username: &str) -> Option<Entry> {
        Entry::new_in_store(store()?, SERVICE, &entry_name(site_url, username)).ok()
    }

    pub(super) fn put(site_url: &str, username: &str, token: &str) -> Result<Kept, String> {
        let entry = entry(site_url, username)
            .ok_or_else(|| "the Android Keystore is not available".to_owned())?;
        entry.set_password(token).map_err(|e| e.to_string())?;
        Ok(Kept::InSecureStore)
    }

    pub(super) fn get(site_url: &str, username: &str) -> Option<String> {
        entry(site_url, username)?.get_password().ok()
    }

    pub(super) fn delete(site_url: &str, username: &str) {
        if let Some(entry) = entry(site_url, username) {
            let _ = entry.delete_credential();
        }
    }
}
