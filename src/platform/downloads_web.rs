//! Lecture downloads in the browser: files in the origin private file system through
//! `downloads_web.js`, loaded on first use with a dynamic `import()` (xtask places it beside
//! the code: `app/<hash>/downloads_web.js`), played from a blob URL of the kept file; the
//! Wi-Fi-only preference in `localStorage` (whether the connection is metered: `connectivity`).

use juko_core::{Error, Result};
use juko_model::LectureId;
use wasm_bindgen::prelude::*;

// Loads the module once, from the app's own directory (this snippet sits two levels below it,
// in wasm-bindgen's `snippets/<crate>/`), and calls one of its functions.
// `downloadsSend` calls without waiting (a hold let go on drop), in order after earlier calls.
#[wasm_bindgen(
    inline_js = "let m; export function downloadsCall(name, args) { m = m || import(new URL('../../downloads_web.js', import.meta.url)); return m.then((x) => x[name](...args)); } export function downloadsSend(name, args) { downloadsCall(name, args).catch(() => {}); }"
)]
extern "C" {
    #[wasm_bindgen(catch, js_name = downloadsCall)]
    async fn call(name: &str, args: js_sys::Array) -> std::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = downloadsSend)]
    fn send(name: &str, args: js_sys::Array);
}

const WIFI_ONLY_KEY: &str = "juko.downloads.wifiOnly";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

async fn run(name: &str, args: &[JsValue]) -> Result<JsValue> {
    let array: js_sys::Array = args.iter().collect();
    call(name, array).await.map_err(|e| {
        let detail = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        Error::Storage(format!(
            "the browser refused to keep the lecture ({name}): {detail}"
        ))
    })
}

/// The account's downloaded lectures in the browser.
#[derive(Clone, Debug)]
pub struct DownloadFiles {
    account: String,
}

pub fn download_files(account: &str) -> DownloadFiles {
    DownloadFiles {
        account: account.to_owned(),
    }
}

impl DownloadFiles {
    fn args(&self, lecture: LectureId) -> [JsValue; 2] {
        [
            JsValue::from_str(&self.account),
            JsValue::from_f64(lecture.0 as f64),
        ]
    }
}

/// A lecture's download held by this tab (`navigator.locks`); let go on drop, also when the
/// wait for it is given up.
pub struct Hold(f64);

impl Drop for Hold {
    fn drop(&mut self) {
        send(
            "letGo",
            std::iter::once(JsValue::from_f64(self.0)).collect(),
        );
    }
}

impl juko_core::downloads::DownloadFiles for DownloadFiles {
    type Hold = Hold;

    async fn hold(&self, lecture: LectureId) -> Result<Hold> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let hold = Hold(f64::from(
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        ));
        let [account, id] = self.args(lecture);
        run("hold", &[account, id, JsValue::from_f64(hold.0)]).await?;
        Ok(hold)
    }

    async fn len(&self, lecture: LectureId) -> Result<Option<u64>> {
        Ok(run("len", &self.args(lecture))
            .await?
            .as_f64()
            .map(|n| n as u64))
    }

    async fn write_at(&self, lecture: LectureId, offset: u64, bytes: &[u8]) -> Result<()> {
        let [account, id] = self.args(lecture);
        let data = js_sys::Uint8Array::from(bytes);
        run(
            "write",
            &[account, id, JsValue::from_f64(offset as f64), data.into()],
        )
        .await?;
        Ok(())
    }

    async fn sync(&self, lecture: LectureId) -> Result<()> {
        run("sync", &self.args(lecture)).await.map(drop)
    }

    async fn truncate(&self, lecture: LectureId, len: u64) -> Result<()> {
        let [account, id] = self.args(lecture);
        run("truncate", &[account, id, JsValue::from_f64(len as f64)])
            .await
            .map(drop)
    }

    async fn write_caption(&self, lecture: LectureId, index: usize, text: &str) -> Result<()> {
        let [account, id] = self.args(lecture);
        let at = JsValue::from_f64(index as f64);
        run("writeCaption", &[account, id, at, JsValue::from_str(text)])
            .await
            .map(drop)
    }

    async fn caption(&self, lecture: LectureId, index: usize) -> Result<Option<String>> {
        let [account, id] = self.args(lecture);
        let at = JsValue::from_f64(index as f64);
        Ok(run("caption", &[account, id, at]).await?.as_string())
    }

    async fn remove(&self, lecture: LectureId) -> Result<()> {
        run("remove", &self.args(lecture)).await.map(drop)
    }

    async fn erase(&self) -> Result<()> {
        run("erase", &[JsValue::from_str(&self.account)])
            .await
            .map(drop)
    }
}

/// A blob URL of the kept lecture for the player, when all its `size` bytes are kept.
pub async fn kept_video_source(account: &str, lecture: LectureId, size: u64) -> Option<String> {
    let [account, id] = download_files(account).args(lecture);
    run("url", &[account, id, JsValue::from_f64(size as f64)])
        .await
        .ok()?
        .as_string()
}

pub async fn erase_downloads(account: &str) -> Result<()> {
    run("erase", &[JsValue::from_str(account)]).await.map(drop)
}

/// Removes the downloads of every account but the signed-in one, `keep` (start-up).
pub async fn erase_other_downloads(keep: &str) -> Result<usize> {
    let removed = run("eraseOthers", &[JsValue::from_str(keep)]).await?;
    Ok(removed.as_f64().unwrap_or(0.0) as usize)
}

pub fn saved_wifi_only() -> bool {
    storage()
        .and_then(|s| s.get_item(WIFI_ONLY_KEY).ok().flatten())
        .is_some_and(|v| v == "1")
}

pub fn save_wifi_only(on: bool) {
    if let Some(s) = storage() {
        // Losing the preference only means downloads run on any connection next time.
        let _ = s.set_item(WIFI_ONLY_KEY, if on { "1" } else { "0" });
    }
}

pub async fn free_space() -> Option<u64> {
    run("free", &[]).await.ok()?.as_f64().map(|n| n as u64)
}

/// The browser plays blob URLs itself: nothing to register.
pub fn use_kept_video_handler(_session: dioxus::prelude::Signal<Option<juko_core::Session>>) {}
