//! [`Session`]'s facility-join calls (§5): the courses to choose from, sending the code in the
//! Moodle App's order (methods → enrol), and the learner's facility user id.
//! Requests and readings are [`crate::enrol`]'s; this only sequences them.

use super::Session;
use crate::Result;
use crate::decode;
use crate::enrol::{self as calls, Offer};
use juko_model::{Course, CourseId, JoinOutcome, UserId};

impl Session {
    /// The courses the learner may join with a code (施設コース), as the site lists them.
    pub async fn joinable_courses(&self) -> Result<Vec<Course>> {
        let (function, params) = calls::all_courses();
        let body = self.post(function, &params).await?;
        decode::joinable_courses(&body).map_err(|e| self.scrub(e))
    }

    async fn join_offer(&self, course: CourseId) -> Result<Offer> {
        let (function, params) = calls::enrolment_methods(course);
        let body = self.post(function, &params).await?;
        decode::join_offer(&body).map_err(|e| self.scrub(e))
    }

    /// Sends the facility code to the course's open self-enrolment. A wrong code is an
    /// outcome, not an error; only `Joined` enrolled the learner.
    pub async fn join_course(&self, course: CourseId, code: &str) -> Result<JoinOutcome> {
        // The App reads `enrol_self_get_instance_info` here, only to know whether a key is
        // asked for (its `enrolpassword` is a label): the join screen always asks for the code,
        // so that request is left out.
        let instance = match self.join_offer(course).await? {
            Offer::Open { instance } => instance,
            Offer::Refused { reason } => return Ok(JoinOutcome::NotTakingLearners { reason }),
        };
        let (function, params) = calls::enrol(course, code, instance);
        let body = self.post(function, &params).await?;
        decode::join_outcome(&body).map_err(|e| self.scrub(e))
    }

    /// The learner's 施設ユーザーID, when the site keeps one for them.
    pub async fn facility_user_id(&self, user: UserId) -> Result<Option<String>> {
        let (function, params) = calls::own_profile(user);
        let body = self.post(function, &params).await?;
        decode::facility_user_id(user, &body).map_err(|e| self.scrub(e))
    }
}
