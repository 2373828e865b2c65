//! The learner's actions on an attempt: open it, answer, flag, save, submit, review.

use super::local::{LocalAttempt, Resolution, Submitted};
use super::remote::QuizRemote;
use crate::Result;
use crate::store::Store;
use juko_model::{Answer, AttemptId, AttemptReview, QuizOverview};

/// Continues the open attempt or starts one (online), fetches every page it may see and keeps
/// it on the device, so it survives a killed app and, where the test allows, can be answered
/// offline. Changes the device still holds for the attempt are kept (compared with the site's
/// copy as [`super::sync_attempts`] does).
pub async fn open<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    overview: &QuizOverview,
    now_ms: i64,
) -> Result<LocalAttempt> {
    todo!(
        "{:?}{now_ms}",
        (remote as *const R, store as *const S, overview)
    )
}

/// The attempt as this device keeps it, without asking the site.
pub fn resume<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<Option<LocalAttempt>> {
    todo!("{:?}", (store as *const S, attempt))
}

/// Records the learner's answer to `slot`, queued for the site, in one atomic step.
pub fn answer<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    answer: &Answer,
    now_ms: i64,
) -> Result<LocalAttempt> {
    todo!("{:?}", (store as *const S, attempt, slot, answer, now_ms))
}

/// Records the learner's flag on `slot`, queued for the site, in one atomic step.
pub fn flag<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    flagged: bool,
    now_ms: i64,
) -> Result<LocalAttempt> {
    todo!("{:?}", (store as *const S, attempt, slot, flagged, now_ms))
}

/// Settles a question that needs a look, as the learner decided.
pub fn resolve<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    resolution: Resolution,
) -> Result<LocalAttempt> {
    todo!("{:?}", (store as *const S, attempt, slot, resolution))
}

/// Forgets an attempt the site closed, once the learner has seen what it did not get.
pub fn dismiss<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<()> {
    todo!("{:?}", (store as *const S, attempt))
}

/// Sends the unsent answers and flags (not those needing a look). On failure they all stay
/// queued; a change made while sending stays unsent.
pub async fn save<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<LocalAttempt> {
    todo!(
        "{:?}",
        (remote as *const R, store as *const S, attempt, now_ms)
    )
}

/// Sends the unsent answers and submits the attempt. Offline, a test the site lets be taken
/// offline queues the submission ([`Submitted::Queued`]); any other test gets
/// [`crate::Error::Unreachable`] with nothing lost. Never submits with an answer held back by a
/// conflict ([`Submitted::NeedsLook`]).
pub async fn submit<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    time_up: bool,
    now_ms: i64,
) -> Result<Submitted> {
    todo!(
        "{:?}",
        (
            remote as *const R,
            store as *const S,
            attempt,
            time_up,
            now_ms
        )
    )
}

/// A finished attempt's review, asked of the site and kept ([`crate::catalog::Item::review`]).
pub async fn review<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<AttemptReview> {
    todo!(
        "{:?}",
        (remote as *const R, store as *const S, attempt, now_ms)
    )
}
