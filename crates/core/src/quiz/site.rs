//! Exchanges with the site about a kept attempt, shared by the learner's actions and sync:
//! fetching its pages, comparing them with the device's copy, and sending queued changes.

use super::local::{is_answerable, with_change};
use super::remote::{Processed, QuizRemote};
use crate::store::{ClosedOnSite, KeptAttempt, QueuedAnswer, SentAnswer, Store};
use crate::{Error, Result};
use juko_model::{Answer, Attempt, AttemptId, AttemptState, Question, Quiz};

/// More pages than any test has: a site whose pages never end is not followed forever.
const MAX_PAGES: usize = 1_000;

/// The attempt kept on this device, with its queued changes; an error when there is none.
pub(super) fn load<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
) -> Result<(KeptAttempt, Vec<QueuedAnswer>)> {
    let kept = store.kept_attempt(attempt)?.ok_or_else(|| {
        Error::NotAvailable(format!("attempt {attempt} is not kept on this device"))
    })?;
    Ok((kept, store.queued_answers(attempt)?))
}

/// Pages of `attempt` the site lets the device see, with their questions in slot order, and
/// the attempt as the site has it now. On a test with free navigation every page, or only
/// those holding `slots` when given; on one with sequential navigation only the current page
/// (asking for a later one would move the learner on).
pub(super) async fn fetch_pages<R: QuizRemote>(
    remote: &R,
    attempt: &Attempt,
    quiz: &Quiz,
    slots: Option<&[u32]>,
) -> Result<(Attempt, Vec<Question>)> {
    let sequential = quiz.navigation == juko_model::Navigation::Sequential;
    let wanted: Option<Vec<u32>> = match slots {
        _ if sequential => Some(vec![attempt.current_page]),
        None => None,
        Some(slots) => {
            let mut pages: Vec<u32> = slots.iter().filter_map(|s| attempt.page_of(*s)).collect();
            pages.sort_unstable();
            pages.dedup();
            Some(pages)
        }
    };
    let mut questions: Vec<Question> = Vec::new();
    let mut latest = attempt.clone();
    let mut page = wanted.as_ref().map_or(Some(0), |w| w.first().copied());
    let mut fetched = 0;
    while let Some(p) = page {
        fetched += 1;
        if fetched > MAX_PAGES {
            return Err(Error::Protocol(format!(
                "attempt {} has more than {MAX_PAGES} pages",
                attempt.id
            )));
        }
        let got = remote.attempt_page(attempt.id, p).await?;
        questions.extend(got.questions);
        latest = got.attempt;
        page = match &wanted {
            // Every page: as far as the site says there are more.
            None => got.next_page.filter(|next| *next > p),
            Some(w) => w.iter().copied().find(|next| *next > p),
        };
    }
    questions.sort_by_key(|q| q.slot);
    questions.dedup_by_key(|q| q.slot);
    if !sequential {
        // Where the learner was stays theirs: fetching pages is not moving on.
        latest.current_page = attempt.current_page;
    }
    Ok((latest, questions))
}

/// Whether `e` is the site refusing a request about an attempt: it may be saying the attempt
/// is closed ([`closed_on_site`] tells).
pub(super) fn is_refusal(e: &Error) -> bool {
    matches!(
        e,
        Error::Refused(_) | Error::NotAvailable(_) | Error::InvalidRequest(_)
    )
}

/// Whether the site closed `kept`'s attempt or no longer has it.
pub(super) async fn closed_on_site<R: QuizRemote>(
    remote: &R,
    kept: &KeptAttempt,
) -> Result<Option<ClosedOnSite>> {
    let attempts = remote.attempts(&kept.quiz).await?;
    Ok(match attempts.iter().find(|a| a.id == kept.attempt.id) {
        None => Some(ClosedOnSite::Gone),
        Some(a) if !a.is_open() => Some(ClosedOnSite::State(a.state)),
        Some(_) => None,
    })
}

/// Marks the kept attempt as closed on the site: its changes stay for the learner to see.
pub(super) fn mark_closed<S: Store + ?Sized>(
    store: &S,
    mut kept: KeptAttempt,
    closed: ClosedOnSite,
) -> Result<()> {
    tracing::warn!(
        "attempt {} was closed on the site ({closed:?}); its unsent changes are kept to be seen",
        kept.attempt.id
    );
    if let ClosedOnSite::State(state) = closed {
        kept.attempt.state = state;
    }
    kept.closed_on_site = Some(closed);
    store.keep_attempt(&kept)
}

/// Fetches the attempt again (every page, or those holding `slots`) and keeps the site's copy,
/// comparing it with the one the queued changes were made on: a question the site changed
/// meanwhile marks its queued answer as needing a look, unless
/// - the site already holds that very answer: then it is settled (most likely this device's own
///   send, whose reply was lost);
/// - the site holds exactly what this device sent on the check of that copy ([`SentAnswer`]): a
///   send whose reply was lost, with the learner's newer change made since. That change stays
///   queued, not needing a look, and goes next with the site's new check.
///
/// Equality is Moodle's: the same answer and flag. Another device that set exactly what this
/// device had sent is not told from this device's own send; the newer change then replaces an
/// answer the learner had already replaced on this device, which is what would have happened
/// had this device's send been the one to land. Returns the slots needing a look.
///
/// The device's copy and queue are read when the fetch is done, not before, so a send that
/// finished meanwhile (the screen's save, say) counts as this device's own doing.
pub(super) async fn refresh<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    slots: Option<&[u32]>,
    now_ms: i64,
) -> Result<Vec<u32>> {
    let (before, _) = load(store, attempt)?;
    let (fresh, fetched) = fetch_pages(remote, &before.attempt, &before.quiz, slots).await?;
    let (kept, queued) = load(store, attempt)?;
    let sent = store.sent_answers(attempt)?;
    let was_fetched = |slot: u32| fetched.iter().any(|q| q.slot == slot);
    let own_send = |was: &Question, now: &Question| {
        sent.iter()
            .any(|s| s.sequence_check == was.sequence_check && s.is_held_by(now))
    };
    let mut looks = Vec::new();
    let mut settled = Vec::new();
    for change in &queued {
        let Some(answer) = &change.answer else {
            continue; // a flag alone holds nothing of the learner's to protect
        };
        let was = kept.questions.iter().find(|q| q.slot == change.slot);
        let now = fetched.iter().find(|q| q.slot == change.slot);
        match (was, now) {
            _ if change.needs_look => looks.push(change.slot),
            // Not fetched this time: nothing to compare with.
            (_, None) => {}
            // Taken before the fetch began: the site's copy has it. Taken while fetching: the
            // copy may not, so the slot stays this device's doing (below) until the next fetch.
            _ if kept.taken_since_fetch.contains(&change.slot) => {}
            (Some(w), Some(n)) if w.sequence_check == n.sequence_check => {}
            (_, Some(n))
                if n.current_answer().as_ref() == Some(answer)
                    && change.flagged.is_none_or(|f| f == n.flagged) =>
            {
                settled.push((change.slot, change.version));
            }
            // This device's own send moved the check: the new copy (kept below) has it.
            (Some(w), Some(n)) if own_send(w, n) => {}
            _ => looks.push(change.slot),
        }
    }
    // The marks before the new copy: a crash in between leaves the old copy, compared again
    // next time. The other order could leave unmarked answers over a copy that hides the
    // site's change, and they would be sent.
    store.mark_needs_look(attempt, &looks)?;
    store.settle_answers(attempt, &settled)?;
    // Questions not fetched (other pages; pages left behind on a sequential test) stay as the
    // device last saw them.
    let mut questions = fetched.clone();
    questions.extend(
        kept.questions
            .iter()
            .filter(|k| !was_fetched(k.slot))
            .cloned(),
    );
    questions.sort_by_key(|q| q.slot);
    // A slot stays this device's own doing unless this fetch began after the site took it and
    // read it again.
    let taken_since_fetch = kept
        .taken_since_fetch
        .into_iter()
        .filter(|slot| !(before.taken_since_fetch.contains(slot) && was_fetched(*slot)))
        .collect();
    store.keep_attempt(&KeptAttempt {
        quiz: kept.quiz,
        attempt: fresh,
        questions,
        fetched_ms: now_ms,
        closed_on_site: kept.closed_on_site,
        taken_since_fetch,
    })?;
    // What was sent on a check the new copy moved past has been compared: let go. After the
    // copy is kept: a crash in between leaves it, harmless (never compared again); the other
    // order could lose a send still to be recognised.
    let moved_past: Vec<(u32, u32)> = fetched
        .iter()
        .filter(|q| {
            sent.iter()
                .any(|s| s.slot == q.slot && s.sequence_check < q.sequence_check)
        })
        .map(|q| (q.slot, q.sequence_check - 1))
        .collect();
    if !moved_past.is_empty() {
        store.forget_sent(attempt, &moved_past)?;
    }
    Ok(looks)
}

/// What sending an attempt's queued changes came to.
#[derive(Debug, PartialEq)]
pub(super) enum Pushed {
    /// The site took the changes to these slots; the attempt is now in `state`.
    Taken { state: AttemptState, sent: Vec<u32> },
    /// Sent what could be sent; these questions need the learner's look, so a submission
    /// asked for was not made (and is no longer queued).
    NeedsLook(Vec<u32>),
    /// The site closed the attempt (or no longer has it): nothing was sent.
    Closed(ClosedOnSite),
}

/// Sends the attempt's queued changes (not those needing a look) with the sequence checks of
/// the copy they were made on, and submits it when `finish` and nothing needs a look. When the
/// site finds a copy out of date, the attempt is fetched again and compared ([`refresh`]), and
/// what may still be sent is sent once more. A change made while sending stays queued.
pub(super) async fn push<R: QuizRemote, S: Store + ?Sized>(
    remote: &R,
    store: &S,
    attempt: AttemptId,
    finish: bool,
    time_up: bool,
    now_ms: i64,
) -> Result<Pushed> {
    let mut compared = false;
    loop {
        let (kept, queued) = load(store, attempt)?;
        if let Some(closed) = kept.closed_on_site {
            return Ok(Pushed::Closed(closed));
        }
        // A change the copy no longer lets be sent (its question gone from it, or answered on
        // the site only now) is the learner's to look at, like one the site changed: never
        // dropped from the send while the attempt is finished without it.
        let unsendable: Vec<u32> = queued
            .iter()
            .filter(|c| !c.needs_look && sendable(&kept, c).is_none())
            .map(|c| c.slot)
            .collect();
        if !unsendable.is_empty() {
            tracing::warn!(
                "attempt {attempt}: changes to {unsendable:?} cannot be sent as they are"
            );
            store.mark_needs_look(attempt, &unsendable)?;
        }
        let mut looks: Vec<u32> = queued
            .iter()
            .filter(|c| c.needs_look)
            .map(|c| c.slot)
            .chain(unsendable)
            .collect();
        looks.sort_unstable();
        let finishing = finish && looks.is_empty();
        let sending: Vec<(&QueuedAnswer, Question, Answer)> = queued
            .iter()
            .filter(|c| !c.needs_look)
            .filter_map(|c| sendable(&kept, c).map(|(q, a)| (c, q, a)))
            .collect();
        if sending.is_empty() && !finishing {
            return Ok(if finish {
                store.set_finish_queued(attempt, false)?;
                Pushed::NeedsLook(looks)
            } else {
                Pushed::Taken {
                    state: kept.attempt.state,
                    sent: Vec::new(),
                }
            });
        }
        let pairs: Vec<(Question, Answer)> = sending
            .iter()
            .map(|(_, q, a)| (q.clone(), a.clone()))
            .collect();
        // Remembered before the request goes: its reply may never come (a dropped connection,
        // the app killed), and the site's copy moved by it must not pass for another device's.
        let sends: Vec<SentAnswer> = pairs
            .iter()
            .map(|(q, a)| SentAnswer {
                slot: q.slot,
                sequence_check: q.sequence_check,
                answer: a.clone(),
                flagged: q.flagged,
            })
            .collect();
        store.record_sent(attempt, &sends)?;
        match remote
            .process_attempt(&kept.attempt, &pairs, finishing, time_up)
            .await
        {
            Ok(Processed::Taken(state)) => {
                let sent: Vec<(u32, u64)> = sending
                    .iter()
                    .map(|(c, _, _)| (c.slot, c.version))
                    .collect();
                took(store, attempt, &sending, state)?;
                store.settle_answers(attempt, &sent)?;
                let heard: Vec<(u32, u32)> =
                    sends.iter().map(|s| (s.slot, s.sequence_check)).collect();
                // The site took the answers and they are settled: a record of sends left behind
                // is only compared again on the same sequence check, which the site has moved
                // past, so failing to clear it must not turn this success into an error.
                if let Err(e) = store.forget_sent(attempt, &heard) {
                    tracing::warn!("record of sent answers kept after the site took them: {e}");
                }
                if finish && !finishing {
                    store.set_finish_queued(attempt, false)?;
                    return Ok(Pushed::NeedsLook(looks));
                }
                return Ok(Pushed::Taken {
                    state,
                    sent: sent.iter().map(|(slot, _)| *slot).collect(),
                });
            }
            Ok(Processed::OutOfSequence) if !compared => {
                compared = true;
                let sent: Vec<u32> = sending.iter().map(|(c, _, _)| c.slot).collect();
                refresh(remote, store, attempt, Some(&sent), now_ms).await?;
            }
            Ok(Processed::OutOfSequence) => {
                return Err(Error::Refused(
                    "the site keeps finding this device's copy of the test out of date".into(),
                ));
            }
            // A refusal may be the site saying the attempt is closed: ask, and say so.
            Err(e) if is_refusal(&e) => {
                if let Some(closed) = closed_on_site(remote, &kept).await? {
                    mark_closed(store, kept, closed)?;
                    return Ok(Pushed::Closed(closed));
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
}

/// What goes to the site for `change`: the copy of its question the change was made on (its
/// sequence check), with the flag to send, and the answer. `None` when the copy cannot carry
/// it: the question is not in the copy, is not one the app answers, or has no answer fields.
fn sendable(kept: &KeptAttempt, change: &QueuedAnswer) -> Option<(Question, Answer)> {
    let q = kept.questions.iter().find(|q| q.slot == change.slot)?;
    if !is_answerable(q) {
        return None;
    }
    let answer = change.answer.clone().or_else(|| q.current_answer())?;
    let mut sent = q.clone();
    if let Some(f) = change.flagged {
        sent.flagged = f;
    }
    Some((sent, answer))
}

/// Keeps what the site took in the device's copy of it, before the queue lets go of it. The
/// copy is read again: another task may have kept a newer one while the site answered.
fn took<S: Store + ?Sized>(
    store: &S,
    attempt: AttemptId,
    sent: &[(&QueuedAnswer, Question, Answer)],
    state: AttemptState,
) -> Result<()> {
    let (mut kept, _) = load(store, attempt)?;
    for (change, _, _) in sent {
        if let Some(q) = kept.questions.iter_mut().find(|q| q.slot == change.slot) {
            *q = with_change(q.clone(), change);
        }
        kept.taken_since_fetch.push(change.slot);
    }
    kept.taken_since_fetch.sort_unstable();
    kept.taken_since_fetch.dedup();
    kept.attempt.state = state;
    store.keep_attempt(&kept)
}
