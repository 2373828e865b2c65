//! Sending what was answered offline, once the site can be reached.

use super::remote::QuizRemote;
use crate::store::{ClosedOnSite, Store};
use crate::{Error, Result};
use juko_model::{Attempt, AttemptId};

/// What a quiz sync round did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuizSyncReport {
    /// Answers (and flags) the site took.
    pub sent: usize,
    /// Attempts submitted (their submission was queued offline).
    pub finished: Vec<Attempt>,
    /// Questions held back because the site changed them meanwhile, per attempt.
    pub needs_look: Vec<(AttemptId, Vec<u32>)>,
    /// Attempts the site closed (or no longer has) while this device held changes for them.
    pub closed_on_site: Vec<(AttemptId, ClosedOnSite)>,
    /// Attempts left alone because they are open on screen.
    pub on_screen: Vec<AttemptId>,
    /// Attempts the site refused to take changes for, with why (kept, retried next round).
    pub failed: Vec<(AttemptId, Error)>,
}

/// Sends every kept attempt's queued changes and queued submission, except attempts open on
/// screen. Stops at the first failure to reach the site, everything left queued.
pub async fn sync_attempts<S: Store + ?Sized, R: QuizRemote>(
    store: &S,
    remote: &R,
    now_ms: i64,
) -> Result<QuizSyncReport> {
    todo!("{:?}", (store as *const S, remote as *const R, now_ms))
}
