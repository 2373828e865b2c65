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
