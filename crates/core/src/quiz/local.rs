//! An attempt as this device shows it: the site's copy with the learner's unsent changes on top.

use crate::store::{ClosedOnSite, KeptAttempt, QueuedAnswer};
use juko_model::{Answer, Attempt, Question, QuestionKind, QuestionState, Quiz};

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
    /// device, the web): the learner's answer is kept here, not sent, until they answer again
    /// (or [`super::resolve`] it).
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
    /// Not submitted: these questions changed on the site and need the learner's look first
    /// (the other answers were sent).
    NeedsLook(Vec<u32>),
    /// Not submitted: the site closed the attempt (or no longer has it) meanwhile.
    ClosedOnSite(ClosedOnSite),
}

/// What the learner decided about a question that needs a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Send the answer made on this device (over what the site has now).
    KeepMine,
    /// Drop the change made on this device (answer and flag); the site's stands.
    TakeSite,
}

impl LocalAttempt {
    /// The device's view of `kept` with `queued` applied.
    pub(crate) fn of(
        kept: KeptAttempt,
        queued: &[QueuedAnswer],
        finish_queued: bool,
    ) -> LocalAttempt {
        let questions = kept
            .questions
            .into_iter()
            .map(|q| match queued.iter().find(|c| c.slot == q.slot) {
                Some(change) => with_change(q, change),
                None => q,
            })
            .collect();
        LocalAttempt {
            quiz: kept.quiz,
            attempt: kept.attempt,
            questions,
            unsent: queued.iter().map(|c| c.slot).collect(),
            needs_look: queued
                .iter()
                .filter(|c| c.needs_look)
                .map(|c| c.slot)
                .collect(),
            finish_queued,
            closed_on_site: kept.closed_on_site,
            fetched_ms: kept.fetched_ms,
        }
    }

    /// The questions on page `n` (0-based), in slot order; none for a page the attempt lacks
    /// or the site did not let the device see.
    pub fn page(&self, n: u32) -> Vec<&Question> {
        let Some(slots) = usize::try_from(n)
            .ok()
            .and_then(|n| self.attempt.pages.get(n))
        else {
            return Vec::new();
        };
        self.questions
            .iter()
            .filter(|q| slots.contains(&q.slot))
            .collect()
    }

    /// Slots of questions the learner can answer here and has not (as the device has them).
    pub fn unanswered(&self) -> Vec<u32> {
        self.questions
            .iter()
            .filter(|q| is_answerable(q) && !q.state.is_answered())
            .map(|q| q.slot)
            .collect()
    }

    /// The question at `slot`.
    pub fn question(&self, slot: u32) -> Option<&Question> {
        self.questions.iter().find(|q| q.slot == slot)
    }
}

/// Whether the learner answers `question` in the app (not read-only, a kind Juko answers).
pub(crate) fn is_answerable(question: &Question) -> bool {
    !question.read_only && !matches!(question.kind, QuestionKind::Unsupported { .. })
}

/// `question` with a queued change applied.
pub(crate) fn with_change(question: Question, change: &QueuedAnswer) -> Question {
    let mut q = match &change.answer {
        Some(a) => with_answer(question, a),
        None => question,
    };
    if let Some(f) = change.flagged {
        q.flagged = f;
    }
    q
}

/// `question` with `answer` applied, as the site would show it once taken; unchanged when the
/// answer does not fit it (see [`fits`]).
pub(crate) fn with_answer(mut question: Question, answer: &Answer) -> Question {
    match (&mut question.kind, answer) {
        (QuestionKind::SingleChoice { choices }, Answer::Choice(key)) => {
            for c in choices {
                c.selected = key.as_ref() == Some(&c.key);
            }
        }
        (QuestionKind::MultipleChoice { choices }, Answer::Choices(keys)) => {
            for c in choices {
                c.selected = keys.contains(&c.key);
            }
        }
        (QuestionKind::TrueFalse { answer }, Answer::TrueFalse(value)) => *answer = *value,
        (QuestionKind::ShortAnswer { answer }, Answer::Text(text)) => answer.clone_from(text),
        _ => return question,
    }
    question.state = if is_blank(answer) {
        QuestionState::NotYetAnswered
    } else {
        QuestionState::Answered
    };
    // The site's words described its own state; the device's state has none yet.
    question.status.clear();
    question
}

/// An answer that gives nothing (a cleared choice, an empty text).
fn is_blank(answer: &Answer) -> bool {
    match answer {
        Answer::Choice(key) => key.is_none(),
        Answer::Choices(keys) => keys.is_empty(),
        Answer::TrueFalse(value) => value.is_none(),
        Answer::Text(text) => text.trim().is_empty(),
    }
}

/// Why `answer` cannot be given to `question`, if it cannot (the wrong kind, a choice the
/// question does not have): the screen sent something it should not have.
pub(crate) fn fits(question: &Question, answer: &Answer) -> Result<(), String> {
    let slot = question.slot;
    if !is_answerable(question) {
        return Err(format!("question {slot} is answered on the site only"));
    }
    let has = |key: &juko_model::ChoiceKey| match &question.kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
            choices.iter().any(|c| &c.key == key)
        }
        _ => false,
    };
    let fits = match (&question.kind, answer) {
        (QuestionKind::SingleChoice { .. }, Answer::Choice(key)) => key.as_ref().is_none_or(has),
        (QuestionKind::MultipleChoice { .. }, Answer::Choices(keys)) => keys.iter().all(has),
        (QuestionKind::TrueFalse { .. }, Answer::TrueFalse(_))
        | (QuestionKind::ShortAnswer { .. }, Answer::Text(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!("this answer does not fit question {slot}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_quiz::{choice, kept_attempt, question};
    use juko_model::{AttemptId, ChoiceKey, UnsupportedReason};

    fn keys(ks: &[&str]) -> Vec<ChoiceKey> {
        ks.iter().map(|k| ChoiceKey((*k).into())).collect()
    }

    #[test]
    fn an_answer_shows_on_its_question_and_a_blank_one_leaves_it_unanswered() {
        let mut multi = question(1);
        multi.kind = QuestionKind::MultipleChoice {
            choices: vec![choice("0"), choice("1"), choice("2")],
        };
        multi.status = "未解答".into();
        let answered = with_answer(multi.clone(), &Answer::Choices(keys(&["0", "2"])));
        assert_eq!(
            answered.current_answer(),
            Some(Answer::Choices(keys(&["0", "2"])))
        );
        assert_eq!(answered.state, QuestionState::Answered);
        assert_eq!(
            answered.status, "",
            "the site's words were about its own state"
        );
        let cleared = with_answer(answered, &Answer::Choices(Vec::new()));
        assert_eq!(cleared.state, QuestionState::NotYetAnswered);
        let blank = with_answer(question(3), &Answer::Text("  ".into()));
        assert_eq!(blank.state, QuestionState::NotYetAnswered);
        // The wrong kind changes nothing.
        assert_eq!(with_answer(multi.clone(), &Answer::Text("x".into())), multi);
    }

    #[test]
    fn only_answers_that_fit_fit() {
        let single = question(1);
        assert!(fits(&single, &Answer::Choice(None)).is_ok());
        assert!(fits(&single, &Answer::Choice(Some(ChoiceKey("2".into())))).is_ok());
        assert!(fits(&single, &Answer::Choice(Some(ChoiceKey("3".into())))).is_err());
        assert!(fits(&single, &Answer::Choices(keys(&["0"]))).is_err());
        assert!(fits(&question(2), &Answer::TrueFalse(None)).is_ok());
        let mut read_only = question(3);
        read_only.read_only = true;
        assert!(fits(&read_only, &Answer::Text("x".into())).is_err());
        let mut essay = question(3);
        essay.kind = QuestionKind::Unsupported {
            site_kind: "essay".into(),
            reason: UnsupportedReason::Kind,
        };
        assert!(fits(&essay, &Answer::Text("x".into())).is_err());
    }

    #[test]
    fn the_local_view_puts_queued_changes_over_the_sites_copy() {
        let mut kept = kept_attempt(9001, true);
        kept.questions[2].kind = QuestionKind::Unsupported {
            site_kind: "essay".into(),
            reason: UnsupportedReason::Kind,
        };
        let queued = [QueuedAnswer {
            attempt: AttemptId(9001),
            slot: 2,
            answer: Some(Answer::TrueFalse(Some(true))),
            flagged: Some(true),
            version: 4,
            needs_look: true,
            changed_ms: 10,
        }];
        let local = LocalAttempt::of(kept, &queued, true);
        assert_eq!(local.unsent, [2]);
        assert_eq!(local.needs_look, [2]);
        assert!(local.finish_queued);
        let q2 = local.question(2).unwrap();
        assert!(q2.flagged);
        assert_eq!(q2.current_answer(), Some(Answer::TrueFalse(Some(true))));
        // Question 3 is answered on the site only: never listed as unanswered here.
        assert_eq!(local.unanswered(), [1]);
        assert_eq!(
            local.page(0).iter().map(|q| q.slot).collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(local.page(2).is_empty());
    }
}
