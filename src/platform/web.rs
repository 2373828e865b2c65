//! The browser: the session and preferences live in `localStorage`; the site is the page's own
//! origin (the demo server, or a site that serves the web app itself).
//!
//! A browser has no secure store for secrets; `localStorage` is what the official Moodle App's
//! browser build uses too. It is per-origin, so only this site's pages can read it.

use crate::i18n::Lang;
use juko_core::{Error, Result, SavedSession, SessionStore};

const SESSION_KEY: &str = "juko.session";
const LANG_KEY: &str = "juko.lang";

pub(super) fn storage() -> Option<web_sys::Storage> {
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

/// A script that sends `true` when another tab of this site signed the learner out (the kept
/// session, `SESSION_KEY`, removed from the shared storage): this tab then ends its session too.
pub const SIGNED_OUT_ELSEWHERE: Option<&str> = Some(
    "window.addEventListener('storage', (e) => { \
       if ((e.key === 'juko.session' && e.newValue === null) || e.key === null) dioxus.send(true); });",
);

/// `localStorage` as the history store's key-value space (see `juko_core::store::KvStore`).
struct LocalStorageKv(web_sys::Storage);

impl juko_core::store::KeyValue for LocalStorageKv {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        // Quota exceeded is the likely refusal: say so rather than drop history silently.
        self.0.set_item(key, value).map_err(|_| {
            Error::Storage("the browser refused to store viewing history (storage full?)".into())
        })
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0
            .remove_item(key)
            .map_err(|_| Error::Storage("the browser refused".into()))
    }
    fn keys(&self) -> Vec<String> {
        let n = self.0.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| self.0.key(i).ok().flatten())
            .collect()
    }
}

/// This account's viewing history, kept in `localStorage` so it survives reloads.
pub fn open_history(account: &str) -> Result<Box<dyn juko_core::store::Store>> {
    let kv = LocalStorageKv(
        storage().ok_or_else(|| Error::Storage("localStorage is not available".into()))?,
    );
    Ok(Box::new(juko_core::store::KvStore::open(kv, account)?))
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

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub async fn sleep(d: std::time::Duration) {
    gloo_timers::future::sleep(d).await;
}

// ---- Certificates -----------------------------------------------------

pub(super) mod certificates_js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/platform/certificates_web.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = pdfGet)]
        pub async fn pdf_get(account: &str, key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = pdfPut)]
        pub async fn pdf_put(
            account: &str,
            id: &str,
            key: &str,
            bytes: &[u8],
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = pdfErase)]
        pub async fn pdf_erase(account: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = pdfEraseOthers)]
        pub async fn pdf_erase_others(keep: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = pdfOpen)]
        pub fn pdf_open(bytes: &[u8], filename: &str) -> Result<(), JsValue>;
    }
}

/// This account's kept certificate PDFs: the browser's Cache API (megabytes do not belong in
/// `localStorage`), read back offline.
#[derive(Clone, Debug)]
pub struct CertificateShelf {
    account: String,
}

pub fn certificate_shelf(account: &str) -> CertificateShelf {
    CertificateShelf {
        account: account.to_owned(),
    }
}

fn refused(what: &str) -> Error {
    Error::Storage(format!("the browser refused to {what} the certificate"))
}

use juko_core::certificates::PdfKey;

impl juko_core::certificates::PdfShelf for CertificateShelf {
    async fn get(&self, key: PdfKey) -> Result<Option<Vec<u8>>> {
        let kept = certificates_js::pdf_get(&self.account, &key.to_string())
            .await
            .map_err(|_| refused("read"))?;
        if kept.is_null() || kept.is_undefined() {
            return Ok(None);
        }
        Ok(Some(js_sys::Uint8Array::new(&kept).to_vec()))
    }

    async fn put(&self, key: PdfKey, pdf: &[u8]) -> Result<()> {
        let id = key.certificate.to_string();
        certificates_js::pdf_put(&self.account, &id, &key.to_string(), pdf)
            .await
            .map(|_| ())
            .map_err(|_| refused("keep"))
    }
}

/// Forgets the account's kept certificates (signing out).
pub async fn erase_certificates(account: &str) -> Result<()> {
    certificates_js::pdf_erase(account)
        .await
        .map(|_| ())
        .map_err(|_| refused("erase"))
}

/// Removes the kept certificates of every account but the signed-in one, `keep` (start-up).
pub async fn erase_other_certificates(keep: &str) -> Result<usize> {
    let removed = certificates_js::pdf_erase_others(keep)
        .await
        .map_err(|_| refused("erase"))?;
    Ok(removed.as_f64().unwrap_or(0.0) as usize)
}

/// The site-HTML sanitiser as this build runs it (the browser's parser), exported for the
/// browser test that compares it with ammonia's answers (`tests/browser/sanitize.test.mjs`).
/// Pure: HTML in, cleaned HTML out; it reaches nothing of the learner's.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn juko_clean_site_html(html: &str) -> String {
    juko_core::news::clean_site_html(html)
}
