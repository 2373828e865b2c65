//! App-wide state, provided as context: who is signed in, the display language, the account's
//! store on this device, and where synchronization stands.
//!
//! Each piece is a newtype or a small struct of signals so context lookups (keyed by type)
//! cannot mix them up. This module holds state and the one transition every part may need
//! (a session ending); the flows of signing in and out are in `account`, the long-running work
//! in `services`.

use crate::i18n::{Lang, Msg};
use crate::platform;
use dioxus::prelude::*;
use juko_core::store::{LectureState, Store};
use juko_core::{Error, Session, SessionStore};
use juko_model::LectureId;
use std::rc::Rc;

/// The signed-in session, or `None` on the sign-in screen.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub Signal<Option<Session>>);

/// The display language.
#[derive(Clone, Copy)]
pub struct CurrentLang(pub Signal<Lang>);

/// How the app is drawn (follow the system, light or dark): the root's `data-theme`.
#[derive(Clone, Copy)]
pub struct CurrentAppearance(pub Signal<platform::Appearance>);

/// A message to show on the sign-in screen (e.g. why the learner was signed out).
#[derive(Clone, Copy)]
pub struct SignInNotice(pub Signal<Option<Msg>>);

/// The platform's session store, shared by sign-in and sign-out.
#[derive(Clone)]
pub struct SessionKeeper(pub Rc<dyn SessionStore>);

/// Bumped each time the network comes back: what reads it is fetched again.
#[derive(Clone, Copy)]
pub struct Reconnected(pub Signal<u64>);

/// The lecture the learner asked to play next from the end of another ("次の講義を再生"): its
/// player starts playing as it opens, once.
#[derive(Clone, Copy)]
pub struct PlayNext(pub Signal<Option<LectureId>>);

/// The site answered after the device had been offline: screens fetch again and the downloads a
/// lost connection stopped go on, as when the system says the network is back.
pub fn site_reachable_again() {
    if let Some(Reconnected(mut n)) = try_consume_context::<Reconnected>() {
        *n.write() += 1;
    }
}

/// The signed-in account's store on this device: viewing history and the kept catalog.
#[derive(Clone)]
pub struct AccountStore(pub Rc<dyn Store>);

/// Where synchronization of viewing history stands, as the learner sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncState {
    /// Nothing waiting: the server has everything.
    Synced,
    Syncing,
    /// Recorded here, not yet sent.
    Pending(usize),
    /// The site could not be reached; events wait on the device.
    Offline(usize),
    /// Sync failed (the site refused, or the device's store did); the error, and what waits.
    Failed(Error, usize),
    /// The site has no history extension: history stays on this device.
    LocalOnly,
}

/// The account's store and what the learner is told about it, provided as one context.
#[derive(Clone, Copy)]
pub struct History {
    pub store: Signal<Option<AccountStore>>,
    /// Bumped after every change to the store; read it to redraw with the store.
    pub revision: Signal<u64>,
    pub status: Signal<SyncState>,
    /// Why playback could not be written to the store, until a write succeeds again. Shown over
    /// the sync state: a sync round going well does not mean history is being kept.
    pub record_failure: Signal<Option<Error>>,
}

impl History {
    /// The store, subscribing the caller to changes.
    pub fn read(&self) -> Option<AccountStore> {
        let _ = (self.revision)();
        (self.store)()
    }

    pub fn changed(mut self) {
        *self.revision.write() += 1;
    }

    /// Notes how the last write of playback went (`None`: it was kept).
    pub fn recorded(mut self, failure: Option<Error>) {
        // Written only on a change, so a steady state redraws nothing.
        if *self.record_failure.peek() != failure {
            self.record_failure.set(failure);
        }
    }

    /// A lecture's state, subscribing the caller to history changes. A store that cannot be
    /// read shows as nothing watched here; the sync badge says the store failed.
    pub fn lecture_state(&self, lecture: &juko_model::Lecture) -> LectureState {
        let local = self.read().and_then(|s| match s.0.lecture(lecture.id) {
            Ok(local) => local,
            Err(e) => {
                tracing::error!("viewing history unreadable: {e}");
                None
            }
        });
        LectureState::of(lecture, local.as_ref())
    }

    /// Switches to `session`'s account store (none when signed out).
    pub fn open_for(mut self, session: Option<&Session>) {
        let (store, status) = open_account(session);
        self.store.set(store);
        self.status.set(status);
        self.record_failure.set(None);
    }
}

/// Opens `session`'s account store (none when signed out), with the sync state to show: a
/// store that cannot be opened or read is shown there, since the learner must know.
fn open_account(session: Option<&Session>) -> (Option<AccountStore>, SyncState) {
    let Some(session) = session else {
        return (None, SyncState::Synced);
    };
    match platform::open_history(&session.account_key()) {
        Ok(store) => {
            let status = match store.waiting_for_site() {
                Ok(0) => SyncState::Synced,
                Ok(n) => SyncState::Pending(n),
                Err(e) => SyncState::Failed(e, 0),
            };
            (Some(AccountStore(Rc::from(store))), status)
        }
        Err(e) => {
            tracing::error!("the account's store is unavailable: {e}");
            (None, SyncState::Failed(e, 0))
        }
    }
}

/// Sets up the app-wide state once, restoring a kept session.
pub fn provide_app_state() {
    // Once: the app re-renders (a language switch) without opening anything again.
    let (keeper, restored, store, status) = use_hook(|| {
        let keeper: Rc<dyn SessionStore> = Rc::from(platform::session_store());
        let restored = match keeper.load() {
            Ok(saved) => saved.and_then(|s| Session::restore(&s).ok()),
            Err(e) => {
                tracing::warn!("could not read the kept session: {e}");
                None
            }
        };
        let (store, status) = open_account(restored.as_ref());
        (keeper, restored, store, status)
    });
    use_context_provider(|| CurrentSession(Signal::new(restored)));
    use_context_provider(|| CurrentLang(Signal::new(platform::start_language())));
    use_context_provider(|| SignInNotice(Signal::new(None)));
    use_context_provider(|| PlayNext(Signal::new(None)));
    use_context_provider(|| CurrentAppearance(Signal::new(platform::saved_appearance())));
    use_context_provider(|| SessionKeeper(keeper));
    use_context_provider(|| Reconnected(Signal::new(0)));
    // Owned by the root scope: the recording task, which outlives the lecture's view, runs
    // there and writes them.
    use_context_provider(|| History {
        store: Signal::new_in_scope(store, ScopeId::ROOT),
        revision: Signal::new_in_scope(0, ScopeId::ROOT),
        status: Signal::new_in_scope(status, ScopeId::ROOT),
        record_failure: Signal::new_in_scope(None, ScopeId::ROOT),
    });
}

pub fn use_lang() -> Lang {
    use_context::<CurrentLang>().0()
}

/// The language now, for handlers and tasks (which may run after the learner switched it).
pub fn current_lang() -> Lang {
    consume_context::<CurrentLang>().0()
}

/// Switches the display language and remembers the choice.
pub fn switch_language() {
    let mut lang = consume_context::<CurrentLang>().0;
    let next = lang().other();
    lang.set(next);
    platform::save_language(next);
}

/// Sets the display language (設定) and remembers the choice.
pub fn set_language(next: Lang) {
    consume_context::<CurrentLang>().0.set(next);
    platform::save_language(next);
}

/// Sets the appearance (設定) and remembers the choice.
pub fn set_appearance(next: platform::Appearance) {
    consume_context::<CurrentAppearance>().0.set(next);
    platform::save_appearance(next);
}

/// Ends the session on this device; `notice` says why, on the sign-in screen. The account's
/// data stays (an expired session: its history syncs after the next sign-in).
pub fn end_session(notice: Option<Msg>) {
    if let Err(e) = consume_context::<SessionKeeper>().0.clear() {
        tracing::warn!("could not clear the kept session: {e}");
    }
    consume_context::<SignInNotice>().0.set(notice);
    consume_context::<CurrentSession>().0.set(None);
    consume_context::<History>().open_for(None);
}

/// What a view or service does with an engine error: an expired session signs the learner out
/// (with the reason shown at sign-in, and their data kept); everything else is shown where it
/// happened. Call it in tasks and handlers, not while rendering.
pub fn handle_session_error(e: &Error) {
    if matches!(e, Error::SessionExpired) {
        end_session(Some(Msg::ErrSessionExpired));
    }
}
