//! Viewing history (視聴履歴) in the app: the signed-in account's store, a revision counter that
//! views read to redraw after changes, the sync state shown to the learner, and the sync service.
//!
//! The views read the store, never the network: playback is recorded locally first and the
//! service sends it when it can (on start, on reconnect, every minute, and when a trigger
//! comes: pause, page hide, leaving a lecture).

use crate::i18n::Lang;
use crate::platform;
use crate::state::{self, CurrentSession};
use dioxus::prelude::*;
use futures_util::StreamExt;
use juko_core::store::Store;
use juko_core::sync::{Backoff, compact_outbox, replay_actions, sync_once};
use juko_core::{Error, Session};
use std::rc::Rc;
use std::time::Duration;

/// How often the service syncs when nothing asks it to.
const PERIOD: Duration = Duration::from_secs(60);

/// The signed-in account's history store.
#[derive(Clone)]
pub struct HistoryStore(pub Rc<dyn Store>);

/// Where synchronization stands, as the learner sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncState {
    /// Nothing waiting: the server has everything.
    Synced,
    Syncing,
    /// Recorded here, not yet sent.
    Pending(usize),
    /// The site could not be reached; events wait on the device.
    Offline(usize),
    /// The site refused; the reason, and what waits.
    Failed(String, usize),
    /// The site has no history extension: history stays on this device.
    LocalOnly,
}

/// Asks the sync service to run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SyncNow;

/// The app's history state, provided as one context.
#[derive(Clone, Copy)]
pub struct History {
    pub store: Signal<Option<HistoryStore>>,
    /// Bumped after every change to the store; read it to redraw with the store.
    pub revision: Signal<u64>,
    pub status: Signal<SyncState>,
}

impl History {
    /// The store, subscribing the caller to changes.
    pub fn read(&self) -> Option<HistoryStore> {
        let _ = (self.revision)();
        (self.store)()
    }

    pub fn changed(mut self) {
        *self.revision.write() += 1;
    }
}

/// What the learner has done with a lecture: the share watched and whether it is complete
/// (by the site's word or by this device's history).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LectureState {
    pub coverage: f64,
    pub complete: bool,
}

impl History {
    /// A lecture's state, subscribing the caller to history changes.
    pub fn lecture_state(&self, lecture: &juko_model::Lecture) -> LectureState {
        let local = self
            .read()
            .and_then(|s| s.0.lecture(lecture.id).ok().flatten());
        let duration = local
            .as_ref()
            .and_then(|l| l.duration_secs)
            .or(lecture.duration_secs.map(f64::from));
        LectureState {
            coverage: local
                .as_ref()
                .zip(duration)
                .map_or(0.0, |(l, d)| l.progress.watched.coverage(d)),
            complete: lecture.completed || local.as_ref().is_some_and(|l| l.is_complete()),
        }
    }
}

/// Opens `session`'s account history (none when signed out), with the sync state to show: a
/// store that cannot be opened is shown there, since the learner must know nothing is kept.
fn open(session: Option<&Session>, lang: Lang) -> (Option<HistoryStore>, SyncState) {
    let Some(session) = session else {
        return (None, SyncState::Synced);
    };
    match platform::open_history(&session.account_key()) {
        Ok(store) => {
            let status = match store.pending_count() {
                Ok(0) => SyncState::Synced,
                Ok(n) => SyncState::Pending(n),
                Err(e) => SyncState::Failed(lang.error(&e), 0),
            };
            (Some(HistoryStore(Rc::from(store))), status)
        }
        Err(e) => {
            tracing::error!("viewing history unavailable: {e}");
            (None, SyncState::Failed(lang.error(&e), 0))
        }
    }
}

impl History {
    /// Switches to `session`'s account history (none when signed out).
    pub fn open_for(mut self, session: Option<&Session>) {
        let (store, status) = open(session, state::current_lang());
        self.store.set(store);
        self.status.set(status);
    }
}

/// Provides [`History`] and starts the sync service. Call once, after the session state.
pub fn provide_history() {
    let session = use_context::<CurrentSession>().0;
    let history = use_context_provider(|| {
        let (store, status) = open(session.peek().as_ref(), state::current_lang());
        History {
            store: Signal::new(store),
            revision: Signal::new(0),
            status: Signal::new(status),
        }
    });
    let service =
        use_coroutine(move |rx: UnboundedReceiver<SyncNow>| sync_service(rx, history, session));
    use_hook(move || {
        spawn(async move { on_reconnect(service).await });
    });
}

/// Syncs as soon as the platform says the network is back (the browser's `online` event; the
/// desktop webview fires it too when the system's connectivity returns).
async fn on_reconnect(service: Coroutine<SyncNow>) {
    let mut eval = document::eval("window.addEventListener('online', () => dioxus.send(true));");
    while eval.recv::<bool>().await.is_ok() {
        service.send(SyncNow);
    }
}

/// Asks the service to sync soon (coalesced with other requests).
pub fn request_sync() {
    if let Some(service) = try_consume_context::<Coroutine<SyncNow>>() {
        service.send(SyncNow);
    }
}

async fn sync_service(
    mut rx: UnboundedReceiver<SyncNow>,
    history: History,
    session: Signal<Option<Session>>,
) {
    let mut backoff = Backoff::default();
    let mut wait = Duration::ZERO;
    loop {
        if !wait.is_zero() {
            let trigger = rx.next();
            let timer = platform::sleep(wait);
            futures_util::pin_mut!(trigger, timer);
            if let futures_util::future::Either::Left((None, _)) =
                futures_util::future::select(trigger, timer).await
            {
                return; // the app is gone
            }
        }
        wait = PERIOD;
        let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone()) else {
            continue;
        };
        wait = run_once(&s, &store, history, &mut backoff).await;
    }
}

/// One round; returns how long to wait before the next.
async fn run_once(
    s: &Session,
    store: &HistoryStore,
    mut history: History,
    backoff: &mut Backoff,
) -> Duration {
    let extension = s.syncs_history();
    if extension {
        history.status.set(SyncState::Syncing);
    }
    // View events and (without the extension) manual completions, queued like the Moodle App's.
    let result = match replay_actions(&*store.0, s).await {
        Err(e) => Err(e),
        Ok(_) if extension => sync_once(&*store.0, s, platform::now_ms).await.map(|_| ()),
        // No extension: history stays here; keep its outbox small until the site gains one.
        Ok(_) => compact_outbox(&*store.0),
    };
    if !extension && result.is_ok() {
        history.status.set(SyncState::LocalOnly);
        history.changed();
        return PERIOD;
    }
    let pending = store.0.pending_count().unwrap_or(0);
    history.changed();
    match result {
        Ok(_) => {
            backoff.succeeded();
            history.status.set(if pending == 0 {
                SyncState::Synced
            } else {
                SyncState::Pending(pending)
            });
            PERIOD
        }
        Err(Error::SessionExpired) => {
            state::handle_session_error(&Error::SessionExpired);
            PERIOD
        }
        Err(e) if e.is_retryable() => {
            history.status.set(SyncState::Offline(pending));
            backoff.failed(juko_core::ids::random_unit())
        }
        Err(e) => {
            tracing::warn!("history sync failed: {e}");
            let lang = state::current_lang();
            history
                .status
                .set(SyncState::Failed(lang.error(&e), pending));
            backoff.failed(juko_core::ids::random_unit())
        }
    }
}
