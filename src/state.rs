//! App-wide state, provided as context: who is signed in, and the display language.
//!
//! Each piece is a newtype so context lookups (keyed by type) cannot mix them up. The functions
//! below that change state use `consume_context`, so event handlers and tasks may call them.

use crate::i18n::{Lang, Msg};
use crate::platform;
use dioxus::prelude::*;
use juko_core::{Error, Session, SessionStore};
use std::rc::Rc;

/// The signed-in session, or `None` on the sign-in screen.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub Signal<Option<Session>>);

/// The display language.
#[derive(Clone, Copy)]
pub struct CurrentLang(pub Signal<Lang>);

/// A message to show on the sign-in screen (e.g. why the learner was signed out).
#[derive(Clone, Copy)]
pub struct SignInNotice(pub Signal<Option<Msg>>);

/// The platform's session store, shared by sign-in and sign-out.
#[derive(Clone)]
pub struct Store(pub Rc<dyn SessionStore>);

/// Sets up the app-wide state once, restoring a kept session.
pub fn provide_app_state() {
    let store: Rc<dyn SessionStore> = Rc::from(platform::session_store());
    let restored = match store.load() {
        Ok(saved) => saved.and_then(|s| Session::restore(&s).ok()),
        Err(e) => {
            tracing::warn!("could not read the kept session: {e}");
            None
        }
    };
    use_context_provider(|| CurrentSession(Signal::new(restored)));
    use_context_provider(|| CurrentLang(Signal::new(platform::start_language())));
    use_context_provider(|| SignInNotice(Signal::new(None)));
    use_context_provider(|| Store(store));
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

/// Keeps a new session and makes it current.
pub fn signed_in(session: Session) -> Result<(), Error> {
    let store = consume_context::<Store>().0;
    store.save(&session.saved())?;
    consume_context::<crate::history::History>().open_for(Some(&session));
    consume_context::<SignInNotice>().0.set(None);
    consume_context::<CurrentSession>().0.set(Some(session));
    crate::history::request_sync();
    Ok(())
}

/// Forgets the session on this device; `notice` says why, on the sign-in screen.
pub fn sign_out(notice: Option<Msg>) {
    if let Err(e) = consume_context::<Store>().0.clear() {
        tracing::warn!("could not clear the kept session: {e}");
    }
    consume_context::<SignInNotice>().0.set(notice);
    consume_context::<CurrentSession>().0.set(None);
    // History stays on the device (it belongs to the account, and syncs at the next sign-in).
    consume_context::<crate::history::History>().open_for(None);
}

/// Passes a result through, signing the learner out first when it says the session expired.
/// Views call it in their data tasks, not while rendering (a render must not change state).
pub fn signed_out_if_expired<T>(result: Result<T, Error>) -> Result<T, Error> {
    if let Err(e) = &result {
        handle_session_error(e);
    }
    result
}

/// What a view does with an engine error: an expired session signs the learner out (with the
/// reason shown at sign-in); everything else is shown where it happened.
pub fn handle_session_error(e: &Error) {
    if matches!(e, Error::SessionExpired) {
        sign_out(Some(Msg::ErrSessionExpired));
    }
}
