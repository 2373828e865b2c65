//! Signing in and out: the flows that change the session, the account's store and the sync
//! service together. Handlers and tasks call these (they use `consume_context`).

use crate::i18n::Msg;
use crate::services::sync;
use crate::state::{self, CurrentSession, History, SessionKeeper, SignInNotice};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::store::SiteAction;
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

/// What signing out would lose: what the site does not have yet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unsynced {
    /// Viewing-history records not on the site (without the extension: every lecture with
    /// history, which can never be sent).
    pub events: usize,
    /// Queued reports to the site (lecture views, manual completion), which can be sent.
    pub actions: usize,
    /// Test answers (and submissions) made on this device and not on the site yet.
    pub quiz_changes: usize,
    /// How many lectures the above concern: what the learner is told.
    pub lectures: usize,
    /// The site keeps no history (no extension).
    pub local_only: bool,
}

impl Unsynced {
    pub fn total(&self) -> usize {
        self.events + self.actions + self.quiz_changes
    }

    /// Whether sending first can save something.
    pub fn can_send(&self) -> bool {
        self.actions > 0 || self.quiz_changes > 0 || (!self.local_only && self.events > 0)
    }
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
    let mut lectures: Vec<juko_model::LectureId> = if local_only {
        store.0.all()?.iter().map(|l| l.progress.lecture).collect()
    } else {
        store
            .0
            .pending(usize::MAX)?
            .iter()
            .map(|e| e.lecture)
            .collect()
    };
    let events = lectures.len();
    let actions = store.0.actions()?;
    lectures.extend(actions.iter().filter_map(SiteAction::lecture));
    lectures.sort_unstable();
    lectures.dedup();
    let unsynced = Unsynced {
        events,
        actions: actions.len(),
        quiz_changes: store.0.unsent_quiz_changes()?,
        lectures: lectures.len(),
        local_only,
    };
    Ok((unsynced.total() > 0).then_some(unsynced))
}

/// Signs the learner out at their request and erases the account's data from this device
/// (a shared ward device keeps nothing of them): the store and the kept certificate PDFs.
/// Ask [`unsynced`] first. The kept session goes first, so a crash in between cannot leave
/// the next person signed in as this learner; a failed erase is said on the sign-in screen
/// (and the certificates' leftovers go at the next start, [`erase_leftover_certificates`]).
///
/// The session and the store go at once; the returned future erases the certificates and,
/// once the running download's runner has stopped, the downloaded lectures; it must be run
/// to the end (`spawn_forever`: the view that asked is gone by then). It holds
/// what it needs, so it runs anywhere.
pub fn sign_out() -> impl std::future::Future<Output = ()> + 'static {
    let store = consume_context::<History>().store.peek().clone();
    let account = consume_context::<CurrentSession>()
        .0
        .peek()
        .as_ref()
        .map(Session::account_key);
    let mut notice = consume_context::<SignInNotice>().0;
    // A running download is cancelled; its files go once its runner has stopped, so no last
    // write of it makes them again (a leftover goes at the next start). Its records go with
    // the store, which refuses the runner's writes from then on.
    let running = try_consume_context::<crate::services::downloads::Downloads>()
        .and_then(|downloads| downloads.cancel_running());
    state::end_session(None);
    let mut erased = true;
    if let Some(store) = store
        && let Err(e) = store.0.erase()
    {
        tracing::error!("could not erase the account's data: {e}");
        erased = false;
    }
    async move {
        if let Some(account) = &account
            && let Err(e) = crate::platform::erase_certificates(account).await
        {
            tracing::error!("could not erase the kept certificates: {e}");
            erased = false;
        }
        if let Some(running) = &running {
            running.cancel_and_wait().await;
        }
        if let Some(account) = &account
            && let Err(e) = crate::platform::erase_downloads(account).await
        {
            tracing::error!("could not erase the downloaded lectures: {e}");
            erased = false;
        }
        if !erased {
            notice.set(Some(Msg::SignOutEraseFailed));
        }
    }
}

/// Whose leftovers may go at start: everyone's but the signed-in account's. With no session
/// (`None`) nothing may go: a session that could not be read (a locked keyring, a damaged file)
/// must not cost its learner their certificates or hours of downloads; a signed-out learner's
/// were erased by signing out, and what a failed sign-out left goes at the next start with a
/// session.
fn keep_at_start(signed_in: Option<&Session>) -> Option<String> {
    signed_in.map(Session::account_key)
}

/// Removes, at start, the kept certificates of accounts other than the one signed in (a
/// sign-out whose erase failed, or the app closed before it finished); see [`keep_at_start`].
pub async fn erase_leftover_certificates() {
    let Some(keep) = keep_at_start(consume_context::<CurrentSession>().0.peek().as_ref()) else {
        return;
    };
    match crate::platform::erase_other_certificates(&keep).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("removed the kept certificates of {n} signed-out accounts"),
        Err(e) => tracing::warn!("kept certificates of signed-out accounts not removed: {e}"),
    }
}

/// Removes, at start, the downloaded lectures of other accounts than the one signed in; see
/// [`keep_at_start`].
pub async fn erase_leftover_downloads() {
    let Some(keep) = keep_at_start(consume_context::<CurrentSession>().0.peek().as_ref()) else {
        return;
    };
    match crate::platform::erase_other_downloads(&keep).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("removed the downloads of {n} signed-out accounts"),
        Err(e) => tracing::warn!("downloads of signed-out accounts not removed: {e}"),
    }
}

/// Brings the kept description of the site and the learner up to date (the site may have gained
/// the history extension, or renamed itself, since sign-in). Run at start and when the network
/// comes back; offline it changes nothing.
pub async fn refresh_site_info() {
    let current = consume_context::<CurrentSession>().0;
    let Some(session) = current.peek().clone() else {
        return;
    };
    let answer = session.refreshed().await;
    // Still this very session (not signed out, or in again, meanwhile): else nothing to do.
    let still = current
        .peek()
        .as_ref()
        .is_some_and(|s| s.saved() == session.saved());
    if !still {
        return;
    }
    let fresh = match answer {
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
    if fresh.info() == session.info() {
        return;
    }
    if let Err(e) = consume_context::<SessionKeeper>().0.save(&fresh.saved()) {
        tracing::warn!("refreshed session not kept: {e}");
    }
    let mut current = current;
    current.set(Some(fresh));
}

/// Ends this session when another instance of the app (a second browser tab) signed the
/// learner out: that one erased the account, and this one must not keep showing or writing it.
pub fn use_signed_out_elsewhere() {
    use_hook(|| {
        let Some(script) = crate::platform::SIGNED_OUT_ELSEWHERE else {
            return;
        };
        spawn(async move {
            let mut eval = document::eval(script);
            while eval.recv::<bool>().await.is_ok() {
                let session = consume_context::<CurrentSession>().0;
                let kept = consume_context::<SessionKeeper>().0.load();
                if session.peek().is_some() && matches!(kept, Ok(None)) {
                    state::end_session(None);
                }
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_go_only_beside_a_signed_in_account() {
        // No session read (signed out, or a session that could not be read): nothing goes.
        assert_eq!(keep_at_start(None), None);
        let saved: juko_core::SavedSession = serde_json::from_value(serde_json::json!({
            "site_url": "http://127.0.0.1:8080",
            "token": "0123456789abcdef0123456789abcdef",
            "site_info": {
                "site_name": "ICRweb",
                "site_url": "http://127.0.0.1:8080",
                "user": { "id": 7, "username": "learner1", "full_name": "受講 太郎" },
                "lang": "ja",
                "version": null,
                "can_download_files": true
            }
        }))
        .expect("a saved session");
        let session = Session::restore(&saved).expect("restores");
        assert_eq!(keep_at_start(Some(&session)), Some(session.account_key()));
    }
}
