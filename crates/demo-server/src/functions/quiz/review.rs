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
const MAX_ONLY: i64 = 1;
const HIDDEN: i64 = 0;

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
