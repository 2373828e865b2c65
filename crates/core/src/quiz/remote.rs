//! The site, as the quiz engine needs it: model types in and out.

use crate::Result;
use juko_model::{
    Answer, Attempt, AttemptId, AttemptPage, AttemptReview, AttemptState, CourseId, LectureId,
    Question, Quiz, QuizId, QuizOverview,
};

/// What the site did with answers sent to an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Taken; the attempt is now in this state.
    Taken(AttemptState),
    /// Refused whole: a question sent had changed on the site since the copy the answer was
    /// made on (its sequence check is stale). Nothing was taken.
    OutOfSequence,
}

/// The site's side of taking a test. `juko_moodle::Session` is one (the glue is in
/// `session.rs`); tests use an in-memory fake.
pub trait QuizRemote {
    /// The test in a unit (its module), with the learner's attempts, access and best grade.
    fn quiz_overview(
        &self,
        course: CourseId,
        module: LectureId,
    ) -> impl Future<Output = Result<QuizOverview>>;

    /// The learner's attempts at `quiz`, oldest first, as the site has them now.
    fn attempts(&self, quiz: &Quiz) -> impl Future<Output = Result<Vec<Attempt>>>;

    /// Starts a new attempt (or returns the open one the site insists on continuing).
    fn start_attempt(&self, quiz: QuizId) -> impl Future<Output = Result<Attempt>>;

    /// One page of an attempt, with the questions as the site has them now.
    fn attempt_page(
        &self,
        attempt: AttemptId,
        page: u32,
    ) -> impl Future<Output = Result<AttemptPage>>;

    /// Tells the site the learner is on page `page` of the attempt (Moodle's view event). On a
    /// test with sequential navigation this is what moves the attempt on to that page.
    fn record_attempt_view(
        &self,
        attempt: AttemptId,
        page: u32,
    ) -> impl Future<Output = Result<()>>;

    /// Sends answers (each with the question copy it was made on, for its sequence check and
    /// flag) and, when `finish`, submits the attempt.
    fn process_attempt(
        &self,
        attempt: &Attempt,
        answers: &[(Question, Answer)],
        finish: bool,
        time_up: bool,
    ) -> impl Future<Output = Result<Processed>>;

    /// A finished attempt as the review options let the learner see it.
    fn attempt_review(&self, attempt: AttemptId) -> impl Future<Output = Result<AttemptReview>>;
}
