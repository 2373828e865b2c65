//! Joining a facility (施設コースに参加): what the site answered to a code. The courses to
//! choose from are [`crate::Course`]s.

/// What the site said to a facility code. Only `Joined` enrolled the learner; every other
/// outcome left them where they were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Enrolled: the course is now among the learner's courses.
    Joined,
    /// The code is not this course's (mistyped, another facility's, or last year's code:
    /// a facility's code changes every year). Nothing was enrolled.
    WrongCode,
    /// The learner is in the course already: open it.
    AlreadyJoined,
    /// The course takes no one with a code now: its enrolment ended (last year's), is not open
    /// yet, is switched off or full, or there is none. Moodle does not tell these apart in a
    /// form an app can read (only in a sentence in the site's language), so this carries the
    /// site's own words, when it gave any, for the learner to read.
    NotTakingLearners { reason: String },
}

impl JoinOutcome {
    pub fn is_joined(&self) -> bool {
        matches!(self, JoinOutcome::Joined)
    }
}
