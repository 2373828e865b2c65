//! What the store keeps of a test attempt (確認テスト) taken on this device: the site's copy of
//! the attempt, and the learner's changes waiting for the site. See [`crate::quiz`], which
//! decides when each is written; the store only keeps them, atomically per method.

use juko_model::{Answer, Attempt, AttemptId, AttemptState, Question, Quiz};
use serde::{Deserialize, Serialize};

/// An attempt as the site last sent it: every page it let the device see, questions in slot
/// order. The learner's own changes are not in here (see [`QueuedAnswer`]): this copy is what
/// the site had, so that a later fetch tells what changed on the site meanwhile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptAttempt {
    pub quiz: Quiz,
    pub attempt: Attempt,
    pub questions: Vec<Question>,
    /// When the site sent it (ms since the epoch).
    pub fetched_ms: i64,
    /// Set when the site closed the attempt (finished elsewhere, time up) or no longer has it
    /// while this device still held changes for it: nothing more is sent, and the learner is
    /// shown what was not sent until they dismiss it.
    #[serde(default)]
    pub closed_on_site: Option<ClosedOnSite>,
    /// Slots whose answers the site took since this copy was fetched (applied to this copy):
    /// their sequence checks on the site moved by this device's own doing, not another's.
    #[serde(default)]
    pub taken_since_fetch: Vec<u32>,
}

/// How the site closed an attempt this device still had changes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClosedOnSite {
    /// The site has it in this state (finished on another device or the web, or abandoned).
    State(AttemptState),
    /// The site no longer lists it (deleted by a teacher, or the test was reset).
    Gone,
}

/// One question's change made on this device and not yet taken by the site. One per
/// (attempt, slot): a later change replaces the earlier one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedAnswer {
    pub attempt: AttemptId,
    pub slot: u32,
    /// The learner's answer; `None` when only the flag changed.
    pub answer: Option<Answer>,
    /// The learner's flag; `None` when only the answer changed.
    pub flagged: Option<bool>,
    /// Store-wide increasing: a send settles only the version it sent, so a change made while
    /// the send was under way stays queued.
    pub version: u64,
    /// The site changed this question since the device's copy (another device, the web): the
    /// answer is kept here, never sent, until the learner looks at it again.
    pub needs_look: bool,
    pub changed_ms: i64,
}

/// A change the learner makes to one question.
#[derive(Clone, Debug, PartialEq)]
pub enum AnswerChange {
    /// A new answer: replaces the queued one, and counts as having looked at the question.
    Answer(Answer),
    Flag(bool),
}

impl QueuedAnswer {
    /// The queued entry after `change` (the rule both stores use). `current` is the entry queued
    /// for the slot before, if any.
    pub(crate) fn changed(
        current: Option<QueuedAnswer>,
        attempt: AttemptId,
        slot: u32,
        change: &AnswerChange,
        version: u64,
        now_ms: i64,
    ) -> QueuedAnswer {
        let mut q = current.unwrap_or(QueuedAnswer {
            attempt,
            slot,
            answer: None,
            flagged: None,
            version,
            needs_look: false,
            changed_ms: now_ms,
        });
        match change {
            AnswerChange::Answer(a) => {
                q.answer = Some(a.clone());
                q.needs_look = false;
            }
            AnswerChange::Flag(f) => q.flagged = Some(*f),
        }
        q.version = version;
        q.changed_ms = now_ms;
        q
    }
}

/// What this device sent the site for one question and has not heard the outcome of: the
/// answer and flag, on the sequence check of the copy they went with. Recorded before the
/// request goes, so a send whose reply was lost (the connection dropped, the app killed) is
/// later told from another device's change: a site whose copy moved on from that check to
/// exactly this state holds this device's own send (see [`crate::quiz`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentAnswer {
    pub slot: u32,
    /// The site's sequence check of the question the send went with.
    pub sequence_check: u32,
    pub answer: Answer,
    pub flagged: bool,
}

/// At most this many sends are remembered per question on one sequence check (sends that
/// never heard back, each with another answer): beyond, the oldest is let go. Forgetting one
/// can only make the device ask the learner to look at a question, never send over another
/// device's change.
const SENDS_KEPT: usize = 16;

impl SentAnswer {
    /// What is remembered of a question's sends once `sent` is added to `current` (the rule
    /// both stores use): sends on an earlier check go (the device's copy moved past them, so
    /// they are never compared again); any send on this check may be the one the site took,
    /// so each different one stays.
    pub(crate) fn added(current: Vec<SentAnswer>, sent: &SentAnswer) -> Vec<SentAnswer> {
        let mut kept: Vec<SentAnswer> = current
            .into_iter()
            .filter(|s| s.sequence_check >= sent.sequence_check && s != sent)
            .collect();
        kept.push(sent.clone());
        let over = kept.len().saturating_sub(SENDS_KEPT);
        kept.drain(..over);
        kept
    }

    /// Whether `question`, as the site has it, holds exactly this send (Moodle's response
    /// equality: the same answer, and the same flag).
    pub fn is_held_by(&self, question: &Question) -> bool {
        question.slot == self.slot
            && question.current_answer().as_ref() == Some(&self.answer)
            && question.flagged == self.flagged
    }
}
