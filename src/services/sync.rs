//! The sync service: sends viewing history and queued site actions, and brings the site's
//! history down (on start, on reconnect, every minute, and when a trigger comes: pause, page
//! hide, leaving a lecture, closing the desktop window, signing out).
//!
//! Views read the store, never the network: playback is recorded locally first and this
//! service sends it when it can. Its state is shown through [`History::status`].

use crate::platform;
use crate::state::{self, AccountStore, CurrentSession, History, Reconnected, SyncState};
use dioxus::prelude::*;
use futures_channel::oneshot;
use futures_util::StreamExt;
use juko_core::catalog::Item;
use juko_core::quiz;
use juko_core::sync::{Backoff, compact_outbox, replay_actions, sync_once};
use juko_core::{Error, Session};
use juko_model::Quiz;
use std::time::Duration;

/// How often the service syncs when nothing asks it to.
const PERIOD: Duration = Duration::from_secs(60);

/// Asks the sync service to run.
#[derive(Debug)]
pub enum SyncRequest {
    /// Soon: requests that arrive together share one round.
    Soon,
    /// A round, and word on `done` when it is over (signing out; the desktop app's last round
    /// before closing: a web page cannot hold its unload for one).
    Reply(oneshot::Sender<()>),
}

/// Starts the sync service. Call once, after the app state.
pub fn provide_sync_service() {
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    let reconnected = use_context::<Reconnected>().0;
    let service =
        use_coroutine(move |rx: UnboundedReceiver<SyncRequest>| sync_service(rx, history, session));
    use_hook(move || {
        spawn(async move { on_reconnect(service, reconnected).await });
        spawn(async move { on_offline(history).await });
    });
}

/// Shows "offline" as soon as the platform says the network is gone (the browser's `offline`
/// event), with what waits on the device; the next round (on `online`) says how it went.
async fn on_offline(mut history: History) {
    let Some(script) = platform::WENT_OFFLINE else {
        return;
    };
    let mut eval = document::eval(script);
    while eval.recv::<bool>().await.is_ok() {
        // Without the extension history never waits: only what can be sent is counted.
        // A store that cannot count says so in the badge's own reading (`with_waiting`);
        // here the count is only a first figure, so a failure is logged, not shown as 0 waiting.
        let waiting = match history.store.peek().as_ref().map(waiting) {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                tracing::error!("cannot count what waits to be sent: {e}");
                0
            }
            None => 0,
        };
        if *history.status.peek() != SyncState::LocalOnly {
            history.status.set(SyncState::Offline(waiting));
        }
    }
}

/// What waits on the device for the site: viewing history in the outbox and test answers (and
/// submissions) not sent yet. The sync badge shows this number.
pub fn waiting(store: &AccountStore) -> Result<usize, Error> {
    store.0.waiting_for_site()
}

/// Syncs, and has screens fetch again, as soon as the platform says the network is back (the
/// browser's `online` event; the desktop webview fires it too when connectivity returns).
async fn on_reconnect(service: Coroutine<SyncRequest>, mut reconnected: Signal<u64>) {
    let mut eval = document::eval("window.addEventListener('online', () => dioxus.send(true));");
    while eval.recv::<bool>().await.is_ok() {
        service.send(SyncRequest::Soon);
        *reconnected.write() += 1;
    }
}

/// Runs a sync round now and waits for it to end (signing out offers this first).
pub async fn sync_now() {
    let Some(service) = try_consume_context::<Coroutine<SyncRequest>>() else {
        return;
    };
    let (done, answered) = oneshot::channel();
    service.send(SyncRequest::Reply(done));
    let _ = answered.await; // dropped only with the app
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
    store: &AccountStore,
    mut history: History,
    backoff: &mut Backoff,
) -> Duration {
    // The system says there is no network (the browser, Android): no round to fail; the
    // `online` event starts the next one.
    if !platform::connectivity::network().may_be_online() {
        if *history.status.peek() != SyncState::LocalOnly {
            let waiting = waiting(store).unwrap_or_else(|e| {
                tracing::error!("cannot count what waits to be sent: {e}");
                0
            });
            history.status.set(SyncState::Offline(waiting));
        }
        return PERIOD;
    }
    // The device was offline: a round the site answers says it is reachable again, which the
    // `online` event alone misses (a hospital's captive portal lets the site through later).
    let was_offline = matches!(*history.status.peek(), SyncState::Offline(_));
    let extension = s.syncs_history();
    if extension {
        history.status.set(SyncState::Syncing);
    }
    // View events and (without the extension) manual completions, queued like the Moodle App's.
    // A report the site keeps failing on must not hold viewing history back: both run.
    let replayed = replay_actions(&*store.0, s).await;
    let synced = if extension {
        sync_once(&*store.0, s, platform::now_ms).await.map(|_| ())
    } else {
        // No extension: history stays here; keep its outbox small until the site gains one.
        compact_outbox(&*store.0)
    };
    // Tests answered offline, after history (which a learner is more likely waiting on). An
    // attempt open on screen is left to its screen.
    let quizzes = sync_quiz_attempts(s, store).await;
    let result = synced.and(replayed.map(|_| ())).and(quizzes);
    if !extension && result.is_ok() {
        history.status.set(SyncState::LocalOnly);
        history.changed();
        return PERIOD;
    }
    history.changed();
    let pending = match waiting(store) {
        Ok(n) => n,
        Err(e) => {
            // Never "synced" on a store that cannot say what waits.
            tracing::error!("viewing history unreadable: {e}");
            history.status.set(SyncState::Failed(e, 0));
            return backoff.failed(juko_core::ids::random_unit());
        }
    };
    match result {
        Ok(_) => {
            backoff.succeeded();
            history.status.set(if pending == 0 {
                SyncState::Synced
            } else {
                SyncState::Pending(pending)
            });
            if was_offline {
                state::site_reachable_again();
            }
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
            history.status.set(SyncState::Failed(e, pending));
            backoff.failed(juko_core::ids::random_unit())
        }
    }
}

/// Sends the test answers and submissions queued on this device. What needs the learner's look
/// stays on the device, marked, for the attempt's screen to show; only a failure to reach the
/// site (or a store failure) is the round's error.
async fn sync_quiz_attempts(s: &Session, store: &AccountStore) -> Result<(), Error> {
    // Which test each kept attempt belongs to, before sync may forget the ones it finishes.
    let tests: Vec<Quiz> = store
        .0
        .kept_attempts()?
        .into_iter()
        .filter_map(|id| quiz::resume(&*store.0, id).ok().flatten())
        .map(|l| l.quiz)
        .collect();
    let report = quiz::sync_attempts(&*store.0, s, platform::now_ms()).await?;
    // A submission sent now changes the test's state and grade: bring its page's copy up to
    // date, so the unit's list shows it without the page being opened.
    for attempt in &report.finished {
        let Some(test) = tests.iter().find(|t| t.id == attempt.quiz) else {
            continue;
        };
        let item = Item::quiz(test.module);
        let fetch = s.quiz_overview(test.course, test.module);
        if let Err(e) = item
            .refresh(Some(&*store.0), fetch, platform::now_ms())
            .await
        {
            tracing::info!("the test's page not brought up to date: {e}");
        }
    }
    if report.sent > 0 || !report.finished.is_empty() {
        tracing::info!(
            "test answers sent: {}, attempts submitted: {}",
            report.sent,
            report.finished.len()
        );
    }
    for (attempt, slots) in &report.needs_look {
        tracing::info!("attempt {attempt}: {} answers need a look", slots.len());
    }
    for attempt in &report.not_submitted {
        tracing::warn!(
            "attempt {attempt}: its test is no longer taken offline; submit it on screen"
        );
    }
    for (attempt, e) in &report.failed {
        tracing::warn!("attempt {attempt}: answers not taken: {e}");
    }
    Ok(())
}

/// Desktop: closing the window is a sync trigger. The window hides at once; the open player
/// reports where it was, one last sync round runs (bounded: the learner is leaving), then the app
/// exits. Without this the process would end with the window and the open segment with it.
#[cfg(all(feature = "desktop", not(feature = "web")))]
pub fn use_sync_on_close() {
    use dioxus::desktop::tao::event::{Event, WindowEvent};
    use dioxus::desktop::{WindowCloseBehaviour, use_window, use_wry_event_handler};

    /// How long the last round may keep a hidden window's process alive.
    const LAST_ROUND_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

    /// See the close handler below.
    const APPLY_EDITS_WHILE_HIDDEN: &str = "const i = window.interpreter; if (i) { i.headless = true; \
         if (i.queuedBytes && i.queuedBytes.length) { i.flushQueuedBytes(); i.markEditsFinished(); } }";

    let window = use_window();
    let history = use_context::<History>();
    let service = use_context::<Coroutine<SyncRequest>>();
    let closing = use_hook(|| {
        window.set_close_behavior(WindowCloseBehaviour::WindowHides);
        std::rc::Rc::new(std::cell::Cell::new(false))
    });
    use_wry_event_handler(move |event, _| {
        let Event::WindowEvent {
            event: WindowEvent::CloseRequested,
            window_id,
            ..
        } = event
        else {
            return;
        };
        // A second request while the last round runs changes nothing.
        if *window_id != window.id() || closing.replace(true) {
            return;
        }
        tracing::info!("window closing: one last sync round");
        // The window hides once this returns, and a hidden WebKit page runs no animation frames,
        // where Dioxus applies its DOM edits: the app would stall on the first redraw. Apply
        // them at once from now on, as Dioxus does for a window created hidden (its interpreter's
        // `headless` mode; Dioxus is pinned, and the desktop close proof fails if this changes).
        let _ = window.webview.evaluate_script(APPLY_EDITS_WHILE_HIDDEN);
        let window = window.clone();
        spawn(async move {
            last_round(history, service, LAST_ROUND_LIMIT).await;
            tracing::info!("last sync round over: closing");
            window.set_close_behavior(WindowCloseBehaviour::WindowCloses);
            window.close();
        });
    });
}
