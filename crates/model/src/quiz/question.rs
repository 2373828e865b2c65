//! A test's questions (確認テスト), as the learner answers them.
//!
//! The site renders each question as an HTML form; `juko-moodle` reads that form into these
//! types and builds the form back from an [`Answer`]. Nothing here names a form field: a choice
//! carries an opaque [`ChoiceKey`] that only the protocol crate interprets.
//!
//! Texts (`text_html`, `label_html`, `feedback_html`) are the site's HTML fragments as sent,
//! scripts removed but otherwise **not sanitized**: a screen must sanitize (or reduce to text)
//! before showing one, as it does for every other piece of site HTML.

use serde::{Deserialize, Serialize};

/// One question of an attempt, on the page the site sent it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Its place in the attempt (stable for the attempt's life).
    pub slot: u32,
    /// The number shown to the learner ("1", "2", …); `None` for unnumbered items.
    pub number: Option<String>,
    /// The question text: site HTML, to be sanitized when shown.
    pub text_html: String,
    pub kind: QuestionKind,
    pub state: QuestionState,
    /// The site's own words for the state ("Not yet answered", "未解答"), for display.
    pub status: String,
    pub flagged: bool,
    /// The version of the question's answers this copy shows. Sent back with every answer so the
    /// site can refuse an answer made on a copy that has since changed (another device, the web).
    pub sequence_check: u32,
    /// The site shows the question without letting it be changed (a review, a closed attempt).
    pub read_only: bool,
    /// Feedback the site chose to show (review only): site HTML, to be sanitized when shown.
    pub feedback_html: Option<String>,
}

/// What kind of answer a question takes, with the answer it holds now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum QuestionKind {
    /// Pick one of `choices` (at most one is `selected`).
    SingleChoice { choices: Vec<Choice> },
    /// Pick any number of `choices`.
    MultipleChoice { choices: Vec<Choice> },
    /// True or false; `None` while unanswered.
    TrueFalse { answer: Option<bool> },
    /// A short typed answer; empty while unanswered.
    ShortAnswer { answer: String },
    /// A question Juko does not answer natively: shown read-only with a way to open the test on
    /// the site. Never dropped, so the learner sees the whole test.
    Unsupported {
        /// The site's name for the question type (may be empty when the site hid it).
        site_kind: String,
        reason: UnsupportedReason,
    },
}

/// Why a question is [`QuestionKind::Unsupported`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnsupportedReason {
    /// A question type Juko has no native form for (essay, matching, …).
    Kind,
    /// A supported type, but under a behaviour Juko does not drive (a "Check" button,
    /// certainty-based marking, …).
    Behaviour,
    /// The site did not let this page be seen yet (sequential navigation).
    NotAccessible,
}

/// One choice of a single- or multiple-choice question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Identifies the choice to the protocol crate when answers are sent back. Opaque here.
    pub key: ChoiceKey,
    /// The choice's label as shown on the site ("a.", "b."), if any.
    pub numbering: Option<String>,
    /// The choice's text: site HTML, to be sanitized when shown.
    pub label_html: String,
    pub selected: bool,
    /// How the site marked this choice, only when it shows marks (review).
    pub outcome: Option<Outcome>,
}

/// An opaque identifier of a choice within its question.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChoiceKey(pub String);

/// How a graded answer (or choice) was marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Correct,
    PartiallyCorrect,
    Incorrect,
}

/// Where a question stands, as far as the site lets the learner know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionState {
    NotYetAnswered,
    /// An answer is saved (not graded yet, or grading is not shown).
    Answered,
    /// The saved answer is incomplete or not valid (e.g. an empty short answer).
    Invalid,
    /// Waiting for a teacher to grade it.
    NeedsGrading,
    /// Finished without an answer.
    NotAnswered,
    /// Finished; the site does not say how it was marked.
    Finished,
    Graded(Outcome),
    /// A state the site named that Juko does not know; shown by its `status` words.
    Other,
}

impl QuestionState {
    /// Whether the learner has given an answer that counts (for "unanswered" in the summary).
    pub fn is_answered(self) -> bool {
        matches!(
            self,
            Self::Answered | Self::NeedsGrading | Self::Finished | Self::Graded(_)
        )
    }
}

/// A learner's answer to one question, to be sent to the site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Single choice: the chosen choice, or `None` to clear the choice.
    Choice(Option<ChoiceKey>),
    /// Multiple choice: every chosen choice (the others are sent as not chosen).
    Choices(Vec<ChoiceKey>),
    /// True/false; `None` sends no answer.
    TrueFalse(Option<bool>),
    Text(String),
}

impl Question {
    /// The answer the question holds now, as an [`Answer`]; `None` for unsupported questions.
    pub fn current_answer(&self) -> Option<Answer> {
        match &self.kind {
            QuestionKind::SingleChoice { choices } => Some(Answer::Choice(
                choices.iter().find(|c| c.selected).map(|c| c.key.clone()),
            )),
            QuestionKind::MultipleChoice { choices } => Some(Answer::Choices(
                choices
                    .iter()
                    .filter(|c| c.selected)
                    .map(|c| c.key.clone())
                    .collect(),
            )),
            QuestionKind::TrueFalse { answer } => Some(Answer::TrueFalse(*answer)),
            QuestionKind::ShortAnswer { answer } => Some(Answer::Text(answer.clone())),
            QuestionKind::Unsupported { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(key: &str, selected: bool) -> Choice {
        Choice {
            key: ChoiceKey(key.into()),
            numbering: None,
            label_html: key.into(),
            selected,
            outcome: None,
        }
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            slot: 1,
            number: Some("1".into()),
            text_html: "?".into(),
            kind,
            state: QuestionState::NotYetAnswered,
            status: String::new(),
            flagged: false,
            sequence_check: 1,
            read_only: false,
            feedback_html: None,
        }
    }

    #[test]
    fn current_answer_reads_the_selection() {
        let single = question(QuestionKind::SingleChoice {
            choices: vec![choice("0", false), choice("1", true)],
        });
        assert_eq!(
            single.current_answer(),
            Some(Answer::Choice(Some(ChoiceKey("1".into()))))
        );
        let multi = question(QuestionKind::MultipleChoice {
            choices: vec![choice("0", true), choice("1", false), choice("2", true)],
        });
        assert_eq!(
            multi.current_answer(),
            Some(Answer::Choices(vec![
                ChoiceKey("0".into()),
                ChoiceKey("2".into())
            ]))
        );
        let none = question(QuestionKind::SingleChoice {
            choices: vec![choice("0", false)],
        });
        assert_eq!(none.current_answer(), Some(Answer::Choice(None)));
        let other = question(QuestionKind::Unsupported {
            site_kind: "essay".into(),
            reason: UnsupportedReason::Kind,
        });
        assert_eq!(other.current_answer(), None);
    }

    #[test]
    fn questions_round_trip_through_serde() {
        let q = question(QuestionKind::TrueFalse { answer: Some(true) });
        let json = serde_json::to_string(&q).unwrap();
        assert_eq!(serde_json::from_str::<Question>(&json).unwrap(), q);
    }

    #[test]
    fn only_given_answers_count_as_answered() {
        assert!(!QuestionState::NotYetAnswered.is_answered());
        assert!(!QuestionState::Invalid.is_answered());
        assert!(!QuestionState::NotAnswered.is_answered());
        assert!(QuestionState::Answered.is_answered());
        assert!(QuestionState::Graded(Outcome::Incorrect).is_answered());
    }
}
