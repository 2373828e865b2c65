//! Taking a test (確認テスト) on this device, online or offline, graded by the site.
//!
//! The device keeps the site's copy of an attempt ([`KeptAttempt`]: every page, as the site sent
//! it) and, apart from it, the learner's changes not yet taken by the site ([`QueuedAnswer`]s,
//! one per question, the latest winning). An answer is in the store the moment [`answer`]
//! returns, so a killed app or a closed tab loses none. [`save`] and [`submit`] send them with
//! the sequence check of the copy they were made on; [`sync_attempts`] does the same later for
//! answers the device still holds (answered offline, or a save that failed), and makes a
//! submission queued offline, which only a test the site lets be taken offline can have.
//!
//! Nothing is submitted blindly: when the site changed a question meanwhile (another device, the
//! web), the learner's answer to it is kept and marked as needing a look ([`LocalAttempt::
//! needs_look`]), never sent, and the attempt is not finished on their behalf. When the site
//! closed the attempt meanwhile, the device's copy stays, marked ([`LocalAttempt::
//! closed_on_site`]), until the learner has seen what was not sent ([`dismiss`]).
//!
//! What goes to the site is remembered before the request ([`crate::store::SentAnswer`]), so a
//! send the site took without the device hearing back (a dropped connection, a killed app) is
//! recognised later as this device's own: a newer answer to that question goes on, without a
//! look, over the site's copy moved by it.

mod engine;
mod local;
mod remote;
mod screen;
mod site;
mod sync;
#[cfg(test)]
mod tests;

pub use crate::store::{ClosedOnSite, KeptAttempt, QueuedAnswer};
pub use engine::{answer, dismiss, flag, next_page, open, resolve, resume, review, save, submit};
pub use local::{LocalAttempt, Resolution, Submitted};
pub use remote::{Processed, QuizRemote};
pub use screen::{
    OnScreen, SCREEN_MARK_MS, SCREEN_MARK_RENEW_MS, is_on_screen, mark_on_screen, on_screen,
    unmark_on_screen,
};
pub use sync::{QuizSyncReport, sync_attempts};
