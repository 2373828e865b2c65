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
use futures_channel::oneshot;
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
#[derive(Debug)]
pub enum SyncRequest {
    /// Soon: requests that arrive together share one round.
    Soon,
    /// A round, and word on `done` when it is over (the desktop app's last round before closing;
    /// a web page cannot hold its unload for one).
    #[cfg_attr(not(feature = "desktop"), allow(dead_code))]
    Reply(oneshot::Sender<()>),
}

/// The app's history state, provided as one context.
#[derive(Clone, Copy)]
pub struct History {
    pub store: Signal<Option<HistoryStore>>,
    /// Bumped after every change to the store; read it to redraw with the store.
    pub revision: Signal<u64>,
    pub status: Signal<SyncState>,
    /// Why playback could not be written to the store, until a write succeeds again. Shown over
    /// the sync state: a sync round going well does not mean history is being kept.
    pub record_failure: Signal<Option<String>>,
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

    /// Notes how the last write of playback went (`None`: it was kept).
    pub fn recorded(mut self, failure: Option<String>) {
        // Written only on a change, so a steady state redraws nothing.
        if *self.record_failure.peek() != failure {
            self.record_failure.set(failure);
        }
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
        self.record_failure.set(None);
    }
}

/// Provides [`History`] and starts the sync service. Call once, after the session state.
pub fn provide_history() {
    let session = use_context::<CurrentSession>().0;
    let history = use_context_provider(|| {
        let (store, status) = open(session.peek().as_ref(), state::current_lang());
        // Owned by the root scope: the player's recording task, which outlives the lecture's
        // view, runs there and writes them.
        History {
            store: Signal::new_in_scope(store, ScopeId::ROOT),
            revision: Signal::new_in_scope(0, ScopeId::ROOT),
            status: Signal::new_in_scope(status, ScopeId::ROOT),
            record_failure: Signal::new_in_scope(None, ScopeId::ROOT),
        }
    });
    let service =
        use_coroutine(move |rx: UnboundedReceiver<SyncRequest>| sync_service(rx, history, session));
    use_hook(move || {
        spawn(async move { on_reconnect(service).await });
    });
}

/// Syncs as soon as the platform says the network is back (the browser's `online` event; the
/// desktop webview fires it too when the system's connectivity returns).
async fn on_reconnect(service: Coroutine<SyncRequest>) {
    let mut eval = document::eval("window.addEventListener('online', () => dioxus.send(true));");
    while eval.recv::<bool>().await.is_ok() {
        service.send(SyncRequest::Soon);
    }
}

/// Asks the service to sync soon (coalesced with other requests).
pub fn request_sync() {
    if let Some(service) = try_consume_context::<Coroutine<SyncRequest>>() {
        service.send(SyncRequest::Soon);
    }
}

async fn sync_service(
    mut rx: UnboundedReceiver<SyncRequest>,
    history: History,
    session: Signal<Option<Session>>,
) {
    let mut backoff = Backoff::default();
    let mut wait = Duration::ZERO;
    loop {
        let mut replies = Vec::new();
        if !wait.is_zero() {
            let trigger = rx.next();
            let timer = platform::sleep(wait);
            futures_util::pin_mut!(trigger, timer);
            match futures_util::future::select(trigger, timer).await {
                futures_util::future::Either::Left((None, _)) => return, // the app is gone
                futures_util::future::Either::Left((Some(request), _)) => replies.push(request),
                futures_util::future::Either::Right(_) => {}
            }
        }
        // Whatever else asked meanwhile is served by this same round.
        while let Ok(request) = rx.try_recv() {
            replies.push(request);
        }
        wait = PERIOD;
        if let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone()) {
            wait = run_once(&s, &store, history, &mut backoff).await;
        }
        for request in replies {
            if let SyncRequest::Reply(done) = request {
                let _ = done.send(()); // the asker may have stopped waiting
            }
        }
    }
}

/// One last round before the app goes away (the desktop window closing): the open player reports
/// where it is, as it does when a browser hides the page, and the service sends everything it
/// can within `limit` (the learner is leaving; what is not sent waits on the device).
#[cfg(feature = "desktop")]
pub async fn last_round(history: History, service: Coroutine<SyncRequest>, limit: Duration) {
    let before = *history.revision.peek();
    // The desktop webview fires no page hide when its window closes; the player listens for one.
    let hide = "window.dispatchEvent(new Event('pagehide')); return true;";
    let _ = document::eval(hide).join::<bool>().await;
    // Give the player its turn to write the open segment (there is none if it was paused).
    for _ in 0..30 {
        if *history.revision.peek() != before {
            break;
        }
        platform::sleep(Duration::from_millis(10)).await;
    }
    let (done, answered) = oneshot::channel();
    service.send(SyncRequest::Reply(done));
    let timer = platform::sleep(limit);
    futures_util::pin_mut!(timer);
    let _ = futures_util::future::select(answered, timer).await;
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
