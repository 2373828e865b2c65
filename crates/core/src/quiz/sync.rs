//! Sending what was answered offline, once the site can be reached (as the Moodle App's quiz
//! sync does, but nothing is dropped silently: see the module doc of [`super`]).

use super::engine::finished;
use super::remote::QuizRemote;
use super::screen::held_by_screen;
use super::site::{Pushed, closed_on_site, load, mark_closed, push, refresh};
use crate::store::{ClosedOnSite, Store};
use crate::{Error, Result};
use juko_model::{Attempt, AttemptId, AttemptState};

/// What a quiz sync round did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuizSyncReport {
    /// Answers (and flags) the site took.
    pub sent: usize,
    /// Attempts submitted (their submission was queued offline).
    pub finished: Vec<Attempt>,
    /// Questions held back because the site changed them meanwhile, per attempt. A submission
    /// queued for such an attempt was not made; the learner submits again after looking.
    pub needs_look: Vec<(AttemptId, Vec<u32>)>,
    /// Attempts the site closed (or no longer has) while this device held changes for them.
    pub closed_on_site: Vec<(AttemptId, ClosedOnSite)>,
    /// Attempts left alone because they are open on screen.
    pub on_screen: Vec<AttemptId>,
    /// Attempts whose queued submission was let go, not made: their test may no longer be
    /// taken offline (their answers were sent; the learner submits on screen).
    pub not_submitted: Vec<AttemptId>,
    /// Attempts the site refused to take changes for, with why (kept, tried again next round).
    pub failed: Vec<(AttemptId, Error)>,
}

/// Sends every kept attempt's queued changes and queued submission, except attempts open on
/// a screen (of this process, or of another sharing the store: [`super::OnScreen`]). For each: the site's record first (closed or gone → the device's copy is kept and
/// marked, nothing sent); then its pages, compared with the copy the changes were made on (a
/// question changed there → its answer needs a look, and the attempt is not submitted); then
/// the rest is sent, submitted when that was queued. Stops at the first failure to reach the
/// site (or an expired session), everything left queued.
pub async fn sync_attempts<S: Store + ?Sized, R: QuizRemote>(
    store: &S,
    remote: &R,
    now_ms: i64,
) -> Result<QuizSyncReport> {
    let mut report = QuizSyncReport::default();
    for id in store.kept_attempts()? {
        if held_by_screen(store, id, now_ms)? {
            report.on_screen.push(id);
            continue;
        }
        match sync_one(store, remote, id, now_ms, &mut report).await {
            Ok(()) => {}
            Err(e) if e.is_retryable() || e == Error::SessionExpired => return Err(e),
            Err(e @ Error::Storage(_)) => return Err(e),
            Err(e) => {
                tracing::warn!("attempt {id} not synchronized: {e}");
                report.failed.push((id, e));
            }
        }
    }
    Ok(report)
}

async fn sync_one<S: Store + ?Sized, R: QuizRemote>(
    store: &S,
    remote: &R,
    id: AttemptId,
    now_ms: i64,
    report: &mut QuizSyncReport,
) -> Result<()> {
    let (kept, queued) = load(store, id)?;
    if kept.closed_on_site.is_some() {
        return Ok(()); // shown to the learner until they dismiss it
    }
    // Answers are sent for every test: on one taken online only, they are those a save could
    // not send (the connection dropped while answering). A submission is made only for a test
    // taken offline: on any other, the learner submits, on screen and online (a queued one is
    // left from before the site stopped allowing offline attempts: let go, and said).
    let mut finish = store.finish_queued(id)?;
    if finish && !kept.quiz.offline_attempts {
        store.set_finish_queued(id, false)?;
        report.not_submitted.push(id);
        finish = false;
    }
    if queued.is_empty() && !finish {
        if !kept.attempt.is_open() {
            store.forget_attempt(id)?; // closed, and nothing of it left to send
        }
        return Ok(());
    }
    if !finish && queued.iter().all(|c| c.needs_look) {
        // Nothing to send until the learner looks: no need to ask the site.
        report
            .needs_look
            .push((id, queued.iter().map(|c| c.slot).collect()));
        return Ok(());
    }
    if let Some(closed) = closed_on_site(remote, &kept).await? {
        mark_closed(store, kept, closed)?;
        report.closed_on_site.push((id, closed));
        return Ok(());
    }
    let attempt = kept.attempt.clone();
    let slots: Vec<u32> = queued.iter().map(|c| c.slot).collect();
    refresh(remote, store, id, Some(&slots), now_ms).await?;
    // A screen opened while the site was asked has the attempt now: sending under it would
    // race the learner's own saves.
    if held_by_screen(store, id, now_ms)? {
        report.on_screen.push(id);
        return Ok(());
    }
    match push(remote, store, id, finish, false, now_ms).await? {
        Pushed::Taken { state, sent } => {
            report.sent += sent.len();
            if finish && state == AttemptState::Finished {
                report
                    .finished
                    .push(finished(remote, store, attempt, true, now_ms).await?);
            }
        }
        Pushed::NeedsLook(slots) => report.needs_look.push((id, slots)),
        Pushed::Closed(closed) => report.closed_on_site.push((id, closed)),
    }
    // Questions held back without a submission asked for are reported too: the learner is
    // to look at them either way.
    let looks: Vec<u32> = store
        .queued_answers(id)?
        .iter()
        .filter(|c| c.needs_look)
        .map(|c| c.slot)
        .collect();
    if !looks.is_empty() && !report.needs_look.iter().any(|(a, _)| *a == id) {
        report.needs_look.push((id, looks));
    }
    Ok(())
}
