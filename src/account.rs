//! Signing in and out: the flows that change the session, the account's store and the sync
//! service together. Handlers and tasks call these (they use `consume_context`).

use crate::services::sync;
use crate::state::{self, CurrentSession, History, SessionKeeper, SignInNotice};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::{Error, Session};

/// Keeps a new session and makes it current.
pub fn signed_in(session: Session) -> Result<(), Error> {
    consume_context::<SessionKeeper>()
        .0
        .save(&session.saved())?;
    let history = consume_context::<History>();
    history.open_for(Some(&session));
    // The site info the sign-in brought is the first thing the catalog keeps.
    if let Some(store) = history.store.peek().as_ref() {
        let now = crate::platform::now_ms();
        if let Err(e) = Item::site_info().keep(&*store.0, session.info(), now) {
            tracing::warn!("site info not kept: {e}");
        }
    }
    consume_context::<SignInNotice>().0.set(None);
    consume_context::<CurrentSession>().0.set(Some(session));
    sync::request_sync();
    Ok(())
}

/// What signing out would lose: viewing history not yet on the site.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unsynced {
    pub events: usize,
    /// The site keeps no history (no extension): what is here can never be sent.
    pub local_only: bool,
}

/// What signing out now would lose (`None`: nothing).
pub fn unsynced() -> Result<Option<Unsynced>, Error> {
    let history = consume_context::<History>();
    let Some(store) = history.store.peek().clone() else {
        return Ok(None);
    };
    let session = consume_context::<CurrentSession>().0;
    let local_only = !session.peek().as_ref().is_some_and(Session::syncs_history);
    // Without the extension, everything watched here stays here: all of it would be lost.
    let events = if local_only {
        store.0.all()?.len()
    } else {
        store.0.pending_count()?
    };
    Ok((events > 0).then_some(Unsynced { events, local_only }))
}

/// Signs the learner out at their request and erases the account's data from this device
/// (a shared ward device keeps nothing of them). Ask [`unsynced`] first.
pub fn sign_out() {
    let history = consume_context::<History>();
    if let Some(store) = history.store.peek().clone()
        && let Err(e) = store.0.erase()
    {
        tracing::error!("could not erase the account's data: {e}");
    }
    state::end_session(None);
}

/// Brings the kept description of the site and the learner up to date (the site may have gained
/// the history extension, or renamed itself, since sign-in). Run once at start; offline it
/// changes nothing.
pub async fn refresh_site_info() {
    let current = consume_context::<CurrentSession>().0;
    let Some(session) = current.peek().clone() else {
        return;
    };
    let fresh = match session.refreshed().await {
        Ok(fresh) => fresh,
        Err(e) => {
            tracing::info!("site info not refreshed: {e}");
            state::handle_session_error(&e);
            return;
        }
    };
    if let Some(store) = consume_context::<History>().store.peek().as_ref()
        && let Err(e) = Item::site_info().keep(&*store.0, fresh.info(), crate::platform::now_ms())
    {
        tracing::warn!("site info not kept: {e}");
    }
    // Still the same learner signed in (not signed out meanwhile), and something changed.
    let same_account = current
        .peek()
        .as_ref()
        .is_some_and(|s| s.account_key() == fresh.account_key());
    if !same_account || fresh.info() == session.info() {
        return;
    }
    if let Err(e) = consume_context::<SessionKeeper>().0.save(&fresh.saved()) {
        tracing::warn!("refreshed session not kept: {e}");
    }
    let mut current = current;
    current.set(Some(fresh));
}
