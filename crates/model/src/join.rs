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
    /// The course's enrolment with a code has ended (a past year's enrolment, closed); the
    /// site's reason.
    Closed { reason: String },
    /// The course takes no one with a code now (not open yet, switched off, full, or no
    /// enrolment with a code at all); the site's reason when it gave one.
    NotOpen { reason: String },
}

impl JoinOutcome {
    pub fn is_joined(&self) -> bool {
        matches!(self, JoinOutcome::Joined)
    }
}
