//! The browser: the session and preferences live in `localStorage`; the site is the page's own
//! origin (the demo server, or a site that serves the web app itself).
//!
//! A browser has no secure store for secrets; `localStorage` is what the official Moodle App's
//! browser build uses too. It is per-origin, so only this site's pages can read it.

use crate::i18n::Lang;
use juko_core::{Error, Result, SavedSession, SessionStore};

const SESSION_KEY: &str = "juko.session";
const LANG_KEY: &str = "juko.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub struct PlatformSessionStore;

impl PlatformSessionStore {
    pub fn open() -> Self {
        PlatformSessionStore
    }
}

impl SessionStore for PlatformSessionStore {
    fn load(&self) -> Result<Option<SavedSession>> {
        let Some(raw) = storage().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()) else {
            return Ok(None);
        };
        // A damaged entry is dropped rather than trusted: the learner signs in again.
        Ok(serde_json::from_str(&raw).ok())
    }

    fn save(&self, session: &SavedSession) -> Result<()> {
        let json = serde_json::to_string(session).map_err(|e| Error::Storage(e.to_string()))?;
        storage()
            .ok_or_else(|| Error::Storage("localStorage is not available".into()))?
            .set_item(SESSION_KEY, &json)
            .map_err(|_| Error::Storage("localStorage refused the session".into()))
    }

    fn clear(&self) -> Result<()> {
        if let Some(s) = storage() {
            s.remove_item(SESSION_KEY)
                .map_err(|_| Error::Storage("localStorage refused".into()))?;
        }
        Ok(())
    }
}

/// The page's own origin: the web app is served by the site it talks to.
pub fn default_site_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| super::ICRWEB_URL.to_owned())
}

pub fn system_language() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Ja)
}

pub fn saved_language() -> Option<Lang> {
    let tag = storage()?.get_item(LANG_KEY).ok().flatten()?;
    Some(Lang::from_tag(&tag))
}

pub fn save_language(lang: Lang) {
    if let Some(s) = storage() {
        // Losing the preference only means the next start follows the browser again.
        let _ = s.set_item(LANG_KEY, lang.tag());
    }
}
