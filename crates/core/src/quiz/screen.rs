//! Attempts open on screen: sync leaves them to the screen (as the Moodle App pauses quiz sync
//! while its player is open), so two writers never race over one attempt's answers.
//!
//! Two registers, for two reaches:
//! - In this process ([`on_screen`]): a guard per screen, counted. Exact, and gone with the
//!   process.
//! - In the store ([`mark_on_screen`]): a mark per holder (this process: one running app, one
//!   browser tab), with a time it holds until. On the web every tab of a site shares one
//!   `localStorage`, and so one store: a second tab's sync would otherwise send the first tab's
//!   attempt under its screen. A screen renews its mark every [`SCREEN_MARK_RENEW_MS`] and takes
//!   it away when it closes; a tab that died (closed without running its code, crashed, killed)
//!   cannot, so a mark lapses [`SCREEN_MARK_MS`] after its last renewal: sync is held off that
//!   long at most, never for good.
//!
//! Limits, on purpose: a background tab whose timers the browser slows below one run per
//! [`SCREEN_MARK_MS`] loses its mark until it runs again (browsers slow hidden tabs to about
//! one timer a minute, well inside it); sync in another tab may then send the attempt's queued
//! answers, which is what it exists for, and the screen's next answer goes on from the store
//! as ever. Sync in this process reads only the in-process register: its own marks are its own
//! screens, counted exactly there.

use crate::Result;
use crate::store::Store;
use juko_model::AttemptId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// How long a screen's mark in the store holds without being renewed.
pub const SCREEN_MARK_MS: i64 = 3 * 60 * 1000;

/// How often an open screen renews its mark: several times within [`SCREEN_MARK_MS`], so a
/// late timer does not let it lapse.
pub const SCREEN_MARK_RENEW_MS: u64 = 30 * 1000;

/// How many guards each attempt has (a screen may be open twice: two windows, a remount).
static ON_SCREEN: Mutex<Option<HashMap<AttemptId, usize>>> = Mutex::new(None);

fn held() -> MutexGuard<'static, Option<HashMap<AttemptId, usize>>> {
    // A panic elsewhere while holding the lock leaves the counts as they were: still usable.
    ON_SCREEN.lock().unwrap_or_else(|p| p.into_inner())
}

/// This process's name on its marks in the store, made once.
fn holder() -> &'static str {
    static HOLDER: OnceLock<String> = OnceLock::new();
    HOLDER.get_or_init(crate::ids::new_id)
}

/// Held by a screen while it shows an attempt; dropping it hands the attempt back to sync.
#[derive(Debug)]
#[must_use = "the attempt is on screen only while the guard is held"]
pub struct OnScreen {
    attempt: AttemptId,
}

/// Marks `attempt` as open on screen in this process until the guard is dropped. A screen also
/// keeps its mark in the store ([`mark_on_screen`]) for other processes sharing it.
pub fn on_screen(attempt: AttemptId) -> OnScreen {
    *held()
        .get_or_insert_with(HashMap::new)
        .entry(attempt)
        .or_default() += 1;
    OnScreen { attempt }
}

/// Whether a screen of this process holds `attempt`.
pub fn is_on_screen(attempt: AttemptId) -> bool {
    held()
        .as_ref()
        .is_some_and(|m| m.get(&attempt).is_some_and(|n| *n > 0))
}

impl Drop for OnScreen {
    fn drop(&mut self) {
        let mut held = held();
        if let Some(map) = held.as_mut()
            && let Some(n) = map.get_mut(&self.attempt)
        {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.attempt);
            }
        }
    }
}

/// Keeps (or renews) this process's mark in the store that `attempt` is on its screen, for
/// [`SCREEN_MARK_MS`] from `now_ms`. A screen calls it when it opens and every
/// [`SCREEN_MARK_RENEW_MS`] while open.
pub fn mark_on_screen<S: Store + ?Sized>(store: &S, attempt: AttemptId, now_ms: i64) -> Result<()> {
    store.mark_on_screen(attempt, holder(), Some(now_ms + SCREEN_MARK_MS))
}

/// Takes this process's mark on `attempt` away, unless another of its screens still shows it.
/// A screen calls it once its [`OnScreen`] guard is dropped.
pub fn unmark_on_screen<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<()> {
    if is_on_screen(attempt) {
        return Ok(());
    }
    store.mark_on_screen(attempt, holder(), None)
}

/// Whether a screen holds `attempt` at `now_ms`: one of this process, or another's whose mark
/// has not lapsed.
pub(super) fn held_by_screen<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<bool> {
    if is_on_screen(attempt) {
        return Ok(true);
    }
    Ok(store
        .on_screen_marks(attempt)?
        .iter()
        .any(|(h, until)| h != holder() && *until > now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KvStore, MemoryKv};

    #[test]
    fn an_attempt_is_on_screen_while_any_guard_is_held() {
        let id = AttemptId(-4242);
        assert!(!is_on_screen(id));
        let a = on_screen(id);
        let b = on_screen(id);
        drop(a);
        assert!(is_on_screen(id), "the second screen still shows it");
        drop(b);
        assert!(!is_on_screen(id));
    }

    #[test]
    fn another_holders_mark_holds_until_it_lapses() {
        let store = KvStore::open(MemoryKv::default(), "t").unwrap();
        let id = AttemptId(-4343);
        store
            .mark_on_screen(id, "another-tab", Some(10_000))
            .unwrap();
        assert!(held_by_screen(&store, id, 9_999).unwrap());
        assert!(
            !held_by_screen(&store, id, 10_000).unwrap(),
            "a tab that died holds it no longer"
        );
    }

    #[test]
    fn this_processs_own_mark_is_counted_by_its_guards_alone() {
        let store = KvStore::open(MemoryKv::default(), "t").unwrap();
        let id = AttemptId(-4444);
        let guard = on_screen(id);
        mark_on_screen(&store, id, 1_000).unwrap();
        assert!(held_by_screen(&store, id, 2_000).unwrap());
        // Another screen of this process still shows it: the mark stays for other tabs.
        let second = on_screen(id);
        drop(guard);
        unmark_on_screen(&store, id).unwrap();
        assert_eq!(store.on_screen_marks(id).unwrap().len(), 1);
        drop(second);
        assert!(
            !held_by_screen(&store, id, 2_000).unwrap(),
            "a mark left behind does not hold this process's own sync"
        );
        unmark_on_screen(&store, id).unwrap();
        assert!(store.on_screen_marks(id).unwrap().is_empty());
    }
}
