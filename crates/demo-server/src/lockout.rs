//! Moodle's login lockout (`lib/moodlelib.php`: `login_attempt_failed`, `login_lock_account`,
//! `login_is_lockedout`, `login_attempt_valid`), per account, never per address.
//!
//! Failed logins of an account are counted; a failure more than `window` after the previous
//! one starts the count again. At `threshold` failures the account is locked for `duration`:
//! token.php then refuses it even with the right password (with the same `invalidlogin` answer
//! as any failed login, as Moodle's token.php does). A successful login clears the count.
//! Unknown usernames have no account and so no counter: they create nothing.
//!
//! Moodle keeps this in user preferences; the demo keeps it in memory, so a restart unlocks
//! everyone (only whoever runs the server can do that).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// `$CFG->lockoutthreshold`, `$CFG->lockoutwindow`, `$CFG->lockoutduration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failed logins that lock an account; 0 turns lockout off (Moodle's default).
    pub threshold: u32,
    /// Seconds after the last failure within which the next one still counts; 0: always.
    pub window_seconds: i64,
    /// Seconds an account stays locked; 0: for good (Moodle's "locked out forever", until an
    /// administrator unlocks it).
    pub duration_seconds: i64,
}

impl LockoutPolicy {
    /// Moodle's window and duration (30 minutes each) with lockout turned on at 10 failures,
    /// the threshold Moodle's settings page suggests.
    pub const DEMO: LockoutPolicy = LockoutPolicy {
        threshold: 10,
        window_seconds: 30 * 60,
        duration_seconds: 30 * 60,
    };
}

/// Moodle's `login_failed_count`, `login_failed_last` and `login_lockout` preferences.
#[derive(Debug, Default, Clone, Copy)]
struct Failures {
    count: u32,
    last: i64,
    locked_at: Option<i64>,
}

/// The lockout state of every account that failed to log in since the server started.
#[derive(Debug)]
pub(crate) struct Lockout {
    policy: LockoutPolicy,
    accounts: Mutex<HashMap<i64, Failures>>,
}

impl Lockout {
    pub(crate) fn new(policy: LockoutPolicy) -> Lockout {
        Lockout {
            policy,
            accounts: Mutex::new(HashMap::new()),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Failures>> {
        // Each update is a single map operation: a poisoned lock holds nothing half-done.
        self.accounts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `login_is_lockedout`: whether the account is locked now. A lock that has run its
    /// duration is lifted here, together with its count (`login_unlock_account`).
    pub(crate) fn is_locked(&self, userid: i64, now: i64) -> bool {
        if self.policy.threshold == 0 {
            return false;
        }
        let mut accounts = self.accounts();
        let Some(locked_at) = accounts.get(&userid).and_then(|f| f.locked_at) else {
            return false;
        };
        if self.policy.duration_seconds == 0 || now - locked_at < self.policy.duration_seconds {
            return true;
        }
        accounts.remove(&userid);
        false
    }

    /// `login_attempt_failed`: counts a wrong password and locks the account at the threshold.
    pub(crate) fn failed(&self, userid: i64, now: i64) {
        if self.policy.threshold == 0 {
            return;
        }
        let mut accounts = self.accounts();
        let failures = accounts.entry(userid).or_default();
        if self.policy.window_seconds > 0 && now - failures.last > self.policy.window_seconds {
            failures.count = 0;
        }
        failures.count += 1;
        failures.last = now;
        if failures.count >= self.policy.threshold && failures.locked_at.is_none() {
            failures.locked_at = Some(now);
            tracing::warn!(userid, "account locked after repeated failed logins");
        }
    }

    /// `login_attempt_valid`: a successful login clears the count.
    pub(crate) fn succeeded(&self, userid: i64) {
        self.accounts().remove(&userid);
    }

    /// How many accounts have a count or a lock (tests: unknown usernames add none).
    #[cfg(test)]
    pub(crate) fn tracked_accounts(&self) -> usize {
        self.accounts().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: LockoutPolicy = LockoutPolicy {
        threshold: 3,
        window_seconds: 100,
        duration_seconds: 50,
    };

    #[test]
    fn locks_at_the_threshold_and_unlocks_after_the_duration() {
        let lockout = Lockout::new(POLICY);
        lockout.failed(7, 0);
        lockout.failed(7, 10);
        assert!(!lockout.is_locked(7, 10));
        lockout.failed(7, 20);
        assert!(lockout.is_locked(7, 20));
        assert!(lockout.is_locked(7, 69));
        assert!(!lockout.is_locked(8, 20), "only that account");
        assert!(!lockout.is_locked(7, 70), "the duration has passed");
        // Unlocking cleared the count: one more failure does not lock again.
        lockout.failed(7, 71);
        assert!(!lockout.is_locked(7, 71));
    }

    #[test]
    fn failures_outside_the_window_start_the_count_again() {
        let lockout = Lockout::new(POLICY);
        lockout.failed(7, 0);
        lockout.failed(7, 50);
        lockout.failed(7, 151);
        assert!(!lockout.is_locked(7, 151));
        lockout.failed(7, 160);
        lockout.failed(7, 170);
        assert!(lockout.is_locked(7, 170));
    }

    #[test]
    fn success_clears_the_count_and_threshold_zero_is_off() {
        let lockout = Lockout::new(POLICY);
        lockout.failed(7, 0);
        lockout.failed(7, 1);
        lockout.succeeded(7);
        lockout.failed(7, 2);
        assert!(!lockout.is_locked(7, 2));
        assert_eq!(lockout.tracked_accounts(), 1);

        let off = Lockout::new(LockoutPolicy {
            threshold: 0,
            ..POLICY
        });
        for t in 0..20 {
            off.failed(7, t);
        }
        assert!(!off.is_locked(7, 20));
        assert_eq!(off.tracked_accounts(), 0);
    }

    #[test]
    fn duration_zero_locks_until_unlocked() {
        let lockout = Lockout::new(LockoutPolicy {
            duration_seconds: 0,
            ..POLICY
        });
        for t in 0..3 {
            lockout.failed(7, t);
        }
        assert!(lockout.is_locked(7, 1_000_000));
    }
}
