//! Attempts open on screen: sync leaves them to the screen (as the Moodle App pauses quiz sync
//! while its player is open), so two writers never race over one attempt's answers.

use juko_model::AttemptId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// How many guards each attempt has (a screen may be open twice: two windows, a remount).
static ON_SCREEN: Mutex<Option<HashMap<AttemptId, usize>>> = Mutex::new(None);

fn held() -> MutexGuard<'static, Option<HashMap<AttemptId, usize>>> {
    // A panic elsewhere while holding the lock leaves the counts as they were: still usable.
    ON_SCREEN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Held by a screen while it shows an attempt; dropping it hands the attempt back to sync.
#[derive(Debug)]
#[must_use = "the attempt is on screen only while the guard is held"]
pub struct OnScreen {
    attempt: AttemptId,
}

/// Marks `attempt` as open on screen until the guard is dropped.
pub fn on_screen(attempt: AttemptId) -> OnScreen {
    *held()
        .get_or_insert_with(HashMap::new)
        .entry(attempt)
        .or_default() += 1;
    OnScreen { attempt }
}

/// Whether a screen holds `attempt`.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
