//! Screens draw from the device first and the network second: one hook for every screen that
//! shows something of the site, applying core's stale-while-revalidate rule
//! (`juko_core::catalog::Shown`). The kept copy is drawn at once; the site is asked in the
//! background (again when the network comes back); a failure keeps what is drawn.

use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::freshness::FreshnessNote;
use crate::i18n::{Lang, Msg};
use crate::platform;
use crate::state::{self, CurrentSession, History, Reconnected};
use dioxus::prelude::*;
use juko_core::catalog::{Item, Kept, Shown};
use juko_core::{Error, Session};
use serde::{Serialize, de::DeserializeOwned};
use std::future::Future;
use std::pin::Pin;

/// A screen's view of one catalog item.
pub struct KeptView<K: 'static, T: 'static> {
    shown: Signal<(K, Shown<T>)>,
    fetch: Resource<()>,
}

impl<K: 'static, T: 'static> Clone for KeptView<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: 'static, T: 'static> Copy for KeptView<K, T> {}

impl<K: Clone + PartialEq + 'static, T: Clone + 'static> KeptView<K, T> {
    /// What to draw for `key` (nothing yet while the screen switches to another key).
    pub fn shown(&self, key: &K) -> Shown<T> {
        let shown = self.shown.read();
        if shown.0 == *key {
            shown.1.clone()
        } else {
            Shown::kept(None)
        }
    }

    /// Asks the site again.
    pub fn retry(&mut self) {
        self.fetch.restart();
    }

    /// What every screen draws for its item: how current it is, then `data` drawn from what is
    /// shown; the error (with a retry) only when there is nothing to show, else loading.
    pub fn render(self, lang: Lang, key: &K, data: impl FnOnce(&Kept<T>) -> Element) -> Element {
        let mut this = self;
        let shown = self.shown(key);
        let body = match (&shown.data, shown.error()) {
            (Some(kept), _) => data(kept),
            (None, Some(e)) => {
                // Offline with nothing kept: not a wrong address, just not on this device yet.
                let message = if e.is_retryable() {
                    lang.tr(Msg::NotKeptYetOffline).to_owned()
                } else {
                    lang.error(e)
                };
                rsx! { ErrorPanel { lang, message, on_retry: move |_| this.retry() } }
            }
            (None, None) => rsx! { Loading { lang } },
        };
        rsx! {
            FreshnessNote {
                lang,
                freshness: shown.freshness.clone(),
                fetched_ms: shown.data.as_ref().map(|k| k.fetched_ms),
                now_ms: platform::now_ms(),
                on_retry: move |_| this.retry(),
            }
            {body}
        }
    }
}

/// How a screen asks the site for its item: a plain function (a closure capturing nothing)
/// returning a boxed future. Not a generic closure type: then every screen showing the same kind
/// of item shares one copy of [`use_kept`] in the web bundle (each copy costs ~3 KB of wasm).
pub type Fetch<K, T> = fn(Session, K) -> Pin<Box<dyn Future<Output = Result<T, Error>>>>;

/// The catalog item `item(&key)`: kept copy first, then `fetch`'s answer, kept for next time.
pub fn use_kept<K, T>(key: K, item: fn(&K) -> Item<T>, fetch: Fetch<K, T>) -> KeptView<K, T>
where
    K: Clone + PartialEq + 'static,
    T: Clone + Serialize + DeserializeOwned + 'static,
{
    let history = use_context::<History>();
    let session = use_context::<CurrentSession>().0;
    let reconnected = use_context::<Reconnected>().0;
    let mut shown = use_signal(|| (key.clone(), Shown::kept(read_kept(history, &item(&key)))));
    let fetch = use_resource(use_reactive((&key,), move |(key,)| async move {
        let _ = reconnected(); // back online: ask again
        let item = item(&key);
        if shown.peek().0 != key {
            shown.set((key.clone(), Shown::kept(read_kept(history, &item))));
        }
        let Some(session) = session.peek().clone() else {
            return;
        };
        // Without a store (it failed to open: the sync badge says so) the site's answer is
        // still shown, just not kept.
        let store = history.store.peek().clone();
        let answer = item
            .refresh(
                store.as_ref().map(|s| &*s.0),
                fetch(session, key.clone()),
                platform::now_ms(),
            )
            .await;
        if let Err(e) = &answer {
            tracing::warn!("could not bring the screen up to date: {e}");
            state::handle_session_error(e);
        }
        let mut current = shown.write();
        if current.0 == key {
            let before = std::mem::replace(&mut current.1, Shown::kept(None));
            current.1 = before.settle(answer);
        }
    }));
    KeptView { shown, fetch }
}

/// The kept copy of `item` in the account's store. A store that cannot be read counts as
/// nothing kept (the site is asked, and its error shown if it fails too).
fn read_kept<T: Serialize + DeserializeOwned>(history: History, item: &Item<T>) -> Option<Kept<T>> {
    let store = history.store.peek().clone()?;
    item.read(&*store.0)
        .inspect_err(|e| tracing::error!("the device's copy is unreadable: {e}"))
        .ok()
        .flatten()
}
