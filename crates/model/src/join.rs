//! Joining a facility (施設コースに参加): the courses a learner may join with a code, and what
//! the site answered to a code.

use crate::CourseId;
use serde::{Deserialize, Serialize};

/// A course the learner may join with its code (a facility course, 施設コース): what the
/// chooser shows so the learner can recognise their facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinableCourse {
    pub id: CourseId,
    pub full_name: String,
    pub short_name: String,
    /// The name of the course's category on the site (e.g. 施設コース).
    pub category: String,
    /// Course summary (HTML, as the site formats it).
    pub summary_html: String,
    /// The course image (the facility's logo), a file address on the site, if it has one.
    pub logo_url: Option<String>,
}

/// What the site said to a facility code. Only `Joined` enrolled the learner; every other
/// outcome left them where they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
