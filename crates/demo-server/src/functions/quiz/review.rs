//! When a learner may see marks: the review options of `mod_quiz\question\display_options`,
//! decided by the attempt's state and the time, as `quiz_attempt_state()` does.

use crate::db::{AttemptRow, QuizRow};

/// The review-option bits for each moment.
const DURING: i64 = 0x10000;
const IMMEDIATELY_AFTER: i64 = 0x01000;
const LATER_WHILE_OPEN: i64 = 0x00100;
const AFTER_CLOSE: i64 = 0x00010;

/// How long after finishing counts as "immediately after" (Moodle: two minutes).
const IMMEDIATELY: i64 = 120;

/// `question_display_options` mark levels.
pub(super) const MARK_AND_MAX: i64 = 2;
pub(super) const MAX_ONLY: i64 = 1;
pub(super) const HIDDEN: i64 = 0;

/// Which moment an attempt is in, as a review-option bit.
fn moment(quiz: &QuizRow, attempt: &AttemptRow, now: i64) -> i64 {
    if matches!(attempt.state.as_str(), "inprogress" | "overdue") {
        DURING
    } else if now < attempt.timefinish + IMMEDIATELY {
        IMMEDIATELY_AFTER
    } else if quiz.timeclose == 0 || now < quiz.timeclose {
        LATER_WHILE_OPEN
    } else {
        AFTER_CLOSE
    }
}

/// The mark level the learner may see for an attempt now.
pub(super) fn marks(quiz: &QuizRow, attempt: &AttemptRow, now: i64) -> i64 {
    let when = moment(quiz, attempt, now);
    if quiz.review.marks & when != 0 {
        MARK_AND_MAX
    } else if quiz.review.maxmarks & when != 0 {
        MAX_ONLY
    } else {
        HIDDEN
    }
}

/// What may be shown of an attempt (`question_display_options`), for the quiz's review
/// options at one moment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Display {
    /// The attempt may be reviewed at all.
    pub(super) attempt: bool,
    pub(super) correctness: bool,
    /// `HIDDEN`, `MAX_ONLY` or `MARK_AND_MAX`.
    pub(super) marks: i64,
    /// Specific feedback.
    pub(super) feedback: bool,
    pub(super) generalfeedback: bool,
    pub(super) rightanswer: bool,
    /// Overall feedback is not kept: the demo's quizzes have none (`hasfeedback` 0).
    pub(super) readonly: bool,
}

impl Display {
    /// `display_options::make_from_quiz` for a moment.
    fn at(quiz: &QuizRow, when: i64) -> Display {
        let on = |bits: i64| bits & when != 0;
        let review = &quiz.review;
        Display {
            attempt: on(review.attempt),
            correctness: on(review.correctness),
            marks: if on(review.marks) {
                MARK_AND_MAX
            } else if on(review.maxmarks) {
                MAX_ONLY
            } else {
                HIDDEN
            },
            feedback: on(review.specificfeedback),
            generalfeedback: on(review.generalfeedback),
            rightanswer: on(review.rightanswer),
            readonly: when != DURING,
        }
    }

    /// While the attempt is being taken (`get_display_options(false)`).
    pub(super) fn during(quiz: &QuizRow) -> Display {
        Display::at(quiz, DURING)
    }

    /// For reviewing the attempt now (`quiz_get_review_options`).
    pub(super) fn review(quiz: &QuizRow, attempt: &AttemptRow, now: i64) -> Display {
        Display {
            readonly: true,
            ..Display::at(quiz, moment(quiz, attempt, now))
        }
    }

    /// As the behaviour adjusts them for one question (`adjust_display_options`): nothing of
    /// right or wrong before the question is finished, and a finished one is read-only.
    pub(super) fn for_question(self, finished: bool) -> Display {
        if finished {
            Display {
                readonly: true,
                ..self
            }
        } else {
            Display {
                correctness: false,
                feedback: false,
                generalfeedback: false,
                rightanswer: false,
                ..self
            }
        }
    }
}
