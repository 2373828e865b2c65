//! The learner's actions on an attempt: open it, answer, flag, save, submit, review.

use super::local::{LocalAttempt, Resolution, Submitted, fits};
use super::remote::QuizRemote;
use super::site::{
    Pushed, closed_on_site, fetch_pages, is_refusal, load, mark_closed, push, refresh,
};
use crate::catalog::Item;
use crate::store::{AnswerChange, KeptAttempt, Store};
use crate::{Error, Result};
use juko_model::{
    Answer, Attempt, AttemptId, AttemptReview, AttemptState, Navigation, QuizOverview,
};

/// Continues the open attempt or starts one (online), fetches every page it may see and keeps
/// it on the device, so it survives a killed app and, where the test allows, can be answered
/// offline. Changes the device still holds for the attempt are kept, compared with the site's
/// copy as [`super::sync_attempts`] does.
pub async fn open<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    overview: &QuizOverview,
    now_ms: i64,
) -> Result<LocalAttempt> {
    let attempt = match overview.open_attempt() {
        Some(open) => open.clone(),
        None => remote.start_attempt(overview.quiz.id).await?,
    };
    if !attempt.is_open() {
        return Err(Error::Protocol(format!(
            "the site started attempt {} closed",
            attempt.id
        )));
    }
    if let Err(e) = keep_open(remote, store, overview, &attempt, now_ms).await {
        if !is_refusal(&e) {
            return Err(e);
        }
        // The test's page may be older than the site: the attempt it offered to continue may
        // have been finished elsewhere meanwhile. Then the device's copy is marked so, as sync
        // would, and shown with what the site did not get; with nothing of it left to send, it
        // is let go, and the refusal says why.
        let Some(kept) = store.kept_attempt(attempt.id)? else {
            return Err(e);
        };
        let Some(closed) = closed_on_site(remote, &kept).await? else {
            return Err(e);
        };
        if store.queued_answers(attempt.id)?.is_empty() && !store.finish_queued(attempt.id)? {
            store.forget_attempt(attempt.id)?;
            return Err(Error::NotAvailable(format!(
                "attempt {} was closed on the site",
                attempt.id
            )));
        }
        mark_closed(store, kept, closed)?;
    }
    forget_idle_attempts(store, &overview.quiz, attempt.id)?;
    local(store, attempt.id)
}

/// Keeps `attempt` (open on the site) on the device: fetched whole when new, brought up to date
/// and compared when the device already holds changes for it.
async fn keep_open<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    overview: &QuizOverview,
    attempt: &Attempt,
    now_ms: i64,
) -> Result<()> {
    match store.kept_attempt(attempt.id)? {
        Some(mut kept) if kept.closed_on_site.is_none() => {
            // The test's settings as they stand now; the questions the changes were made on
            // stay the reference for comparing.
            kept.quiz = overview.quiz.clone();
            if kept.quiz.navigation == Navigation::Sequential {
                // Another device may have moved on; the site serves no page before its own.
                kept.attempt.current_page = kept.attempt.current_page.max(attempt.current_page);
            }
            store.keep_attempt(&kept)?;
            refresh(remote, store, attempt.id, None, now_ms).await?;
        }
        // A copy marked closed is the learner's to dismiss; the site says it is open again
        // (a teacher reopened it): keep that copy as it is and show it.
        Some(_) => {}
        None => {
            let (attempt, questions) = fetch_pages(remote, attempt, &overview.quiz, None).await?;
            store.keep_attempt(&KeptAttempt {
                quiz: overview.quiz.clone(),
                attempt,
                questions,
                fetched_ms: now_ms,
                closed_on_site: None,
                taken_since_fetch: Vec::new(),
            })?;
        }
    }
    Ok(())
}

/// Forgets the other kept attempts at `quiz` that hold nothing unsent: the site closed them
/// (only one attempt is open at a time), and they have nothing left to lose.
fn forget_idle_attempts<S: Store + ?Sized>(
    store: &S,
    quiz: &juko_model::Quiz,
    open: AttemptId,
) -> Result<()> {
    for id in store.kept_attempts()? {
        if id == open {
            continue;
        }
        let Some(kept) = store.kept_attempt(id)? else {
            continue;
        };
        if kept.quiz.id == quiz.id
            && kept.closed_on_site.is_none()
            && store.queued_answers(id)?.is_empty()
            && !store.finish_queued(id)?
        {
            store.forget_attempt(id)?;
        }
    }
    Ok(())
}

/// The attempt as this device keeps it, without asking the site.
pub fn resume<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<Option<LocalAttempt>> {
    let Some(kept) = store.kept_attempt(attempt)? else {
        return Ok(None);
    };
    let queued = store.queued_answers(attempt)?;
    Ok(Some(LocalAttempt::of(
        kept,
        &queued,
        store.finish_queued(attempt)?,
    )))
}

fn local<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<LocalAttempt> {
    resume(store, attempt)?
        .ok_or_else(|| Error::NotAvailable(format!("attempt {attempt} is not kept on this device")))
}

/// The kept attempt, when it may still be changed.
fn changeable<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<KeptAttempt> {
    let (kept, _) = load(store, attempt)?;
    if kept.closed_on_site.is_some() || !kept.attempt.is_open() {
        return Err(Error::NotAvailable(format!(
            "attempt {attempt} is closed: it cannot be changed"
        )));
    }
    Ok(kept)
}

/// The question at `slot` of `kept`, when the learner may change it now: it is there, and on a
/// test with sequential navigation it is on the current page (a page left is left for good).
fn changeable_question(kept: &KeptAttempt, slot: u32) -> Result<&juko_model::Question> {
    let attempt = kept.attempt.id;
    let question = kept
        .questions
        .iter()
        .find(|q| q.slot == slot)
        .ok_or_else(|| Error::NotAvailable(format!("attempt {attempt} has no question {slot}")))?;
    if kept.quiz.navigation == Navigation::Sequential
        && kept.attempt.page_of(slot) != Some(kept.attempt.current_page)
    {
        return Err(Error::NotAvailable(format!(
            "question {slot} is not on the current page of this test"
        )));
    }
    Ok(question)
}

/// Records the learner's answer to `slot`, queued for the site, in one atomic step. Answering
/// a question that needed a look is the learner's look at it.
pub fn answer<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    answer: &Answer,
    now_ms: i64,
) -> Result<LocalAttempt> {
    let kept = changeable(store, attempt)?;
    let question = changeable_question(&kept, slot)?;
    fits(question, answer).map_err(Error::NotAvailable)?;
    store.queue_answer(attempt, slot, &AnswerChange::Answer(answer.clone()), now_ms)?;
    local(store, attempt)
}

/// Records the learner's flag on `slot`, queued for the site, in one atomic step.
pub fn flag<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    flagged: bool,
    now_ms: i64,
) -> Result<LocalAttempt> {
    let kept = changeable(store, attempt)?;
    let question = changeable_question(&kept, slot)?;
    // A flag travels with the question's answer fields, which the app has only for the
    // questions it answers.
    if !super::local::is_answerable(question) {
        return Err(Error::NotAvailable(format!(
            "question {slot} is answered on the site only"
        )));
    }
    store.queue_answer(attempt, slot, &AnswerChange::Flag(flagged), now_ms)?;
    local(store, attempt)
}

/// Settles a question that needs a look, as the learner decided.
pub fn resolve<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    slot: u32,
    resolution: Resolution,
) -> Result<LocalAttempt> {
    changeable(store, attempt)?;
    let change = store
        .queued_answers(attempt)?
        .into_iter()
        .find(|c| c.slot == slot && c.needs_look)
        .ok_or_else(|| Error::NotAvailable(format!("question {slot} does not need a look")))?;
    match (resolution, &change.answer) {
        (Resolution::KeepMine, Some(mine)) => {
            // Queued again: a new version over the site's copy as it is now.
            store.queue_answer(
                attempt,
                slot,
                &AnswerChange::Answer(mine.clone()),
                change.changed_ms,
            )?;
        }
        _ => {
            store.settle_answers(attempt, &[(slot, change.version)])?;
        }
    }
    local(store, attempt)
}

/// Forgets an attempt the site closed, once the learner has seen what it did not get.
pub fn dismiss<S: Store + ?Sized>(store: &S, attempt: AttemptId) -> Result<()> {
    let (kept, _) = load(store, attempt)?;
    if kept.closed_on_site.is_none() {
        return Err(Error::NotAvailable(format!(
            "attempt {attempt} is not closed on the site: its answers are still to be sent"
        )));
    }
    store.forget_attempt(attempt)
}

/// Sends the unsent answers and flags (not those needing a look), then brings the device's
/// copy up to date. On failure they all stay queued; a change made while sending stays unsent.
pub async fn save<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<LocalAttempt> {
    if let Pushed::Taken { state, sent } =
        push(remote, store, attempt, false, false, now_ms).await?
        && !sent.is_empty()
        && !matches!(state, AttemptState::Finished | AttemptState::Abandoned)
    {
        // The sequence checks of what was sent moved on the site: fetch their pages, so the
        // next change goes with current ones. The answers are taken already; a failure here is
        // not the save's (the copy knows which checks moved by its own doing).
        if let Err(e) = refresh(remote, store, attempt, Some(&sent), now_ms).await {
            tracing::warn!("answers saved, but attempt {attempt} could not be fetched again: {e}");
        }
    }
    local(store, attempt)
}

/// Moves a test with sequential navigation on to its next page (online): the page's answers
/// go to the site first, then the site shows the next page, which is kept. A page left cannot
/// be seen or changed again (the site's rule). When something is still unsent afterwards (a
/// change made while sending, an answer needing a look), the attempt stays on its page: what
/// is returned shows why, and the learner may try again.
pub async fn next_page<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<LocalAttempt> {
    let kept = changeable(store, attempt)?;
    let next = kept.attempt.current_page + 1;
    if kept.quiz.navigation != Navigation::Sequential {
        return Err(Error::NotAvailable(
            "pages of this test are not turned in order".into(),
        ));
    }
    if usize::try_from(next).map_or(true, |n| n >= kept.attempt.pages.len()) {
        return Err(Error::NotAvailable("this is the test's last page".into()));
    }
    if let Pushed::Closed(_) = push(remote, store, attempt, false, false, now_ms).await? {
        return local(store, attempt);
    }
    let (mut kept, queued) = load(store, attempt)?;
    if !queued.is_empty() {
        return local(store, attempt);
    }
    // As the Moodle App does under sequential navigation: the view first, which makes the
    // next page the current one, then its questions (the site shows no page ahead of the
    // current one: Moodle 4.5 leaves them out, answerable only once reached).
    remote.record_attempt_view(attempt, next).await?;
    let page = remote.attempt_page(attempt, next).await?;
    kept.questions
        .retain(|k| !page.questions.iter().any(|q| q.slot == k.slot));
    kept.questions.extend(page.questions);
    kept.questions.sort_by_key(|q| q.slot);
    kept.attempt = Attempt {
        current_page: next,
        ..page.attempt
    };
    kept.fetched_ms = now_ms;
    store.keep_attempt(&kept)?;
    local(store, attempt)
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
    let (kept, queued) = load(store, attempt)?;
    let looks: Vec<u32> = queued
        .iter()
        .filter(|c| c.needs_look)
        .map(|c| c.slot)
        .collect();
    if !looks.is_empty() {
        return Ok(Submitted::NeedsLook(looks));
    }
    match push(remote, store, attempt, true, time_up, now_ms).await {
        Ok(Pushed::Taken {
            state: AttemptState::Finished,
            ..
        }) => Ok(Submitted::Finished(
            finished(remote, store, kept.attempt, false, now_ms).await?,
        )),
        Ok(Pushed::Taken { state, .. }) => Err(Error::Refused(format!(
            "the site did not finish the attempt (it is {state:?})"
        ))),
        Ok(Pushed::NeedsLook(slots)) => Ok(Submitted::NeedsLook(slots)),
        Ok(Pushed::Closed(closed)) => Ok(Submitted::ClosedOnSite(closed)),
        Err(e) if e.is_retryable() && kept.quiz.offline_attempts => {
            store.set_finish_queued(attempt, true)?;
            Ok(Submitted::Queued)
        }
        Err(e) => Err(e),
    }
}

/// A finished attempt as the site has it (its grade, when shown), and the device's copy let
/// go: nothing of it is left to send. The site's record when it can be had; otherwise the
/// device's, finished now. `by_sync`: sync submitted it, not the screen.
pub(super) async fn finished<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: Attempt,
    by_sync: bool,
    now_ms: i64,
) -> Result<Attempt> {
    let kept = store.kept_attempt(attempt.id)?;
    let site = match &kept {
        Some(k) => match remote.attempts(&k.quiz).await {
            Ok(all) => all.into_iter().find(|a| a.id == attempt.id),
            Err(e) => {
                tracing::warn!(
                    "attempt {} finished; its record not fetched: {e}",
                    attempt.id
                );
                None
            }
        },
        None => None,
    };
    let finished = site.unwrap_or(Attempt {
        state: AttemptState::Finished,
        finished_at: Some(now_ms / 1000),
        ..attempt
    });
    // A change made while the submission was under way never reached the site: keep it
    // shown, as for an attempt closed elsewhere, rather than drop it. When sync submitted it,
    // a screen opened meanwhile keeps its copy (finished now) until it is closed; sync lets
    // it go then.
    if store.finish_queued(finished.id)? {
        store.set_finish_queued(finished.id, false)?; // made
    }
    if store.queued_answers(finished.id)?.is_empty() {
        if !(by_sync && super::screen::held_by_screen(store, finished.id, now_ms)?) {
            store.forget_attempt(finished.id)?;
        }
    } else if let Some(kept) = kept {
        super::site::mark_closed(
            store,
            kept,
            crate::store::ClosedOnSite::State(finished.state),
        )?;
    }
    Ok(finished)
}

/// A finished attempt's review, asked of the site and kept ([`Item::review`]), so it can be
/// shown again offline.
pub async fn review<R: QuizRemote>(
    remote: &R,
    store: &dyn Store,
    attempt: AttemptId,
    now_ms: i64,
) -> Result<AttemptReview> {
    Ok(Item::review(attempt)
        .refresh(Some(store), remote.attempt_review(attempt), now_ms)
        .await?
        .value)
}
