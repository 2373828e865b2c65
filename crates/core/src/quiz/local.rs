//! An attempt as this device shows it: the site's copy with the learner's unsent changes on top.

use crate::store::{ClosedOnSite, KeptAttempt, QueuedAnswer};
use juko_model::{Answer, Attempt, Question, Quiz};

/// An attempt as the learner sees it on this device.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalAttempt {
    pub quiz: Quiz,
    pub attempt: Attempt,
    /// Every question the site let the device see, in slot order, with the learner's unsent
    /// answers and flags applied.
    pub questions: Vec<Question>,
    /// Slots answered (or flagged) on this device only: the site does not have them yet.
    pub unsent: Vec<u32>,
    /// Slots whose answer the site could not take because the question changed there (another
    /// device, the web): the learner's answer is kept here, not sent, until they answer again.
    pub needs_look: Vec<u32>,
    /// Submitted offline: the submission goes with the answers when the site can be reached.
    pub finish_queued: bool,
    /// The site closed the attempt (or no longer has it) while this device held changes for
    /// it: `unsent` lists what the site never got. Nothing more is sent.
    pub closed_on_site: Option<ClosedOnSite>,
    /// When the site sent the copy (ms since the epoch).
    pub fetched_ms: i64,
}

/// What became of a submission.
#[derive(Clone, Debug, PartialEq)]
pub enum Submitted {
    /// The site took the answers and finished the attempt.
    Finished(Attempt),
    /// Offline, on a test the site lets be taken offline: the submission is queued and goes
    /// with the answers when the site can be reached.
    Queued,
    /// Not submitted: these questions changed on the site and need the learner's look first.
    NeedsLook(Vec<u32>),
    /// Not submitted: the site closed the attempt (or no longer has it) meanwhile.
    ClosedOnSite(ClosedOnSite),
}

/// What the learner decided about a question that needs a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Send the answer made on this device (over what the site has now).
    KeepMine,
    /// Drop the answer made on this device; the site's stands.
    TakeSite,
}

impl LocalAttempt {
    /// The device's view of `kept` with `queued` applied.
    pub(crate) fn of(
        kept: KeptAttempt,
        queued: &[QueuedAnswer],
        finish_queued: bool,
    ) -> LocalAttempt {
        todo!("{kept:?}{queued:?}{finish_queued}")
    }

    /// The questions on page `n` (0-based), in slot order.
    pub fn page(&self, n: u32) -> Vec<&Question> {
        todo!("{n}")
    }

    /// Slots of answerable questions without an answer (as the device has them).
    pub fn unanswered(&self) -> Vec<u32> {
        todo!()
    }

    /// The question at `slot`.
    pub fn question(&self, slot: u32) -> Option<&Question> {
        self.questions.iter().find(|q| q.slot == slot)
    }
}

/// `question` with `answer` applied, as the site would show it once taken.
pub(crate) fn with_answer(question: Question, answer: &Answer) -> Question {
    todo!("{question:?}{answer:?}")
}
