//! [`Session`]'s test (quiz) calls: model types in and out, one or a few requests each, in the
//! Moodle App's order (§6.1). The request shapes and the reading of the answers are
//! [`crate::quiz`]'s; this only sequences them.

use super::Session;
use crate::decode;
use crate::quiz as calls;
use crate::{Error, Params, Result, wire};
use juko_model::{
    Answer, Attempt, AttemptId, AttemptPage, AttemptReview, AttemptState, CourseId, LectureId,
    Question, QuizId, QuizOverview,
};
use serde::de::DeserializeOwned;

impl Session {
    /// One REST call read as the wire struct `T`, errors scrubbed of the token.
    async fn quiz_call<T: DeserializeOwned>(
        &self,
        (function, params): (&str, Params),
    ) -> Result<T> {
        let body = self.post(function, &params).await?;
        decode::rest(function, &body).map_err(|e| self.scrub(e))
    }

    /// Everything a test's page shows: the quiz of course module `module` in `course`, what the
    /// learner may do, their attempts and best grade.
    pub async fn quiz_overview(&self, course: CourseId, module: LectureId) -> Result<QuizOverview> {
        let quizzes: wire::Quizzes = self.quiz_call(calls::quizzes_by_courses(course)).await?;
        let quiz = calls::find_quiz(quizzes, module).map_err(|e| self.scrub(e))?;
        let id = QuizId(quiz.id.0);
        let access: wire::QuizAccess = self.quiz_call(calls::quiz_access(id)).await?;
        let qtypes: wire::RequiredQtypes = self.quiz_call(calls::required_qtypes(id)).await?;
        let attempts: wire::UserAttempts = self.quiz_call(calls::user_attempts(id)).await?;
        // Asked about the open attempt, it also gives that attempt's deadline.
        let open = calls::open_attempt(&attempts);
        let attempt_access: wire::AttemptAccess =
            self.quiz_call(calls::attempt_access(id, open)).await?;
        let best: wire::BestGrade = self.quiz_call(calls::best_grade(id)).await?;
        let access = calls::access(access, &attempt_access, qtypes);
        calls::overview(&quiz, access, attempts, &attempt_access, best).map_err(|e| self.scrub(e))
    }

    /// Logs that the learner opened the test's page.
    pub async fn view_quiz(&self, quiz: QuizId) -> Result<()> {
        self.status(calls::view_quiz(quiz)).await
    }

    /// Logs that the learner looked at page `page` of an attempt.
    pub async fn view_attempt(&self, attempt: AttemptId, page: u32) -> Result<()> {
        self.status(calls::view_attempt(attempt, page)).await
    }

    /// Logs that the learner looked at an attempt's summary before submitting.
    pub async fn view_attempt_summary(&self, attempt: AttemptId) -> Result<()> {
        self.status(calls::view_attempt_summary(attempt)).await
    }

    /// Logs that the learner looked at a finished attempt's review.
    pub async fn view_attempt_review(&self, attempt: AttemptId) -> Result<()> {
        self.status(calls::view_attempt_review(attempt)).await
    }

    /// Starts an attempt, or returns the open one when the learner already has one (the site
    /// refuses a second with `attemptstillinprogress` / `stateoverdue`). A site that will not
    /// start one (no attempts left, closed, …) answers [`Error::Declined`] with its reasons.
    pub async fn start_attempt(&self, quiz: QuizId) -> Result<Attempt> {
        let (function, params) = calls::start_attempt(quiz);
        let started = match self.post(function, &params).await {
            Ok(body) => decode::start_attempt(&body).map_err(|e| self.scrub(e)),
            Err(e) => Err(e),
        };
        let attempt = match started {
            Ok(attempt) => attempt,
            Err(e) if is_still_open(&e) => self.open_attempt(quiz).await?.ok_or(e)?,
            Err(e) => return Err(e),
        };
        self.with_deadline(attempt).await
    }

    /// The learner's open attempt at `quiz`, if any.
    async fn open_attempt(&self, quiz: QuizId) -> Result<Option<Attempt>> {
        let attempts: wire::UserAttempts = self.quiz_call(calls::user_attempts(quiz)).await?;
        let Some(open) = calls::open_attempt(&attempts) else {
            return Ok(None);
        };
        let found = attempts
            .attempts
            .into_iter()
            .find(|a| a.id.map(|id| id.0) == Some(open.0));
        found
            .map(|a| calls::attempt(calls::USER_ATTEMPTS, a, None))
            .transpose()
            .map_err(|e| self.scrub(e))
    }

    /// An open attempt with the deadline the site's rules give it.
    async fn with_deadline(&self, mut attempt: Attempt) -> Result<Attempt> {
        if attempt.is_open() {
            let (function, params) = calls::attempt_access(attempt.quiz, Some(attempt.id));
            let body = self.post(function, &params).await?;
            attempt.deadline = decode::attempt_deadline(&body).map_err(|e| self.scrub(e))?;
        }
        Ok(attempt)
    }

    /// Page `page` (0-based) of an open attempt, its questions read natively, the attempt with
    /// its deadline.
    pub async fn attempt_page(&self, attempt: AttemptId, page: u32) -> Result<AttemptPage> {
        let (function, params) = calls::attempt_data(attempt, page);
        let body = self.post(function, &params).await?;
        let mut page = decode::attempt_data(page, &body).map_err(|e| self.scrub(e))?;
        page.attempt = self.with_deadline(page.attempt).await?;
        Ok(page)
    }

    /// Every question of an open attempt the learner may see, as the summary before submitting
    /// shows them. Takes the attempt (not its id): the summary does not repeat the question
    /// usage the questions' fields are named for.
    pub async fn attempt_summary(&self, attempt: &Attempt) -> Result<Vec<Question>> {
        let (function, params) = calls::attempt_summary(attempt.id);
        let body = self.post(function, &params).await?;
        decode::attempt_summary(attempt, &body).map_err(|e| self.scrub(e))
    }

    /// Autosaves answers (`mod_quiz_save_attempt`), each with its question's sequence check.
    /// Nothing to save sends nothing.
    pub async fn save_answers(
        &self,
        attempt: &Attempt,
        answers: &[(Question, Answer)],
    ) -> Result<()> {
        let fields = calls::answers_data(attempt, answers)?;
        if fields.is_empty() {
            return Ok(());
        }
        let (function, params) = calls::save_attempt(attempt.id, fields);
        let body = self.post(function, &params).await?;
        decode::save_attempt(&body).map_err(|e| self.scrub(e))
    }

    /// Sends answers (`mod_quiz_process_attempt`) and, with `finish`, submits the attempt;
    /// `time_up` says the deadline passed. A stale sequence check fails with
    /// [`Error::is_stale_answers`], an attempt finished elsewhere with
    /// [`Error::is_attempt_closed`].
    pub async fn process_attempt(
        &self,
        attempt: &Attempt,
        answers: &[(Question, Answer)],
        finish: bool,
        time_up: bool,
    ) -> Result<AttemptState> {
        let fields = calls::answers_data(attempt, answers)?;
        let (function, params) = calls::process_attempt(attempt.id, fields, finish, time_up);
        let body = self.post(function, &params).await?;
        decode::process_attempt(&body).map_err(|e| self.scrub(e))
    }

    /// A finished attempt as the review options let the learner see it.
    pub async fn attempt_review(&self, attempt: AttemptId) -> Result<AttemptReview> {
        let (function, params) = calls::attempt_review(attempt);
        let body = self.post(function, &params).await?;
        decode::attempt_review(&body).map_err(|e| self.scrub(e))
    }
}

/// The site's "you already have an attempt open" (§6.5): continue that one instead.
fn is_still_open(e: &Error) -> bool {
    matches!(e, Error::Exception { function, exception }
    if function == calls::START_ATTEMPT
        && matches!(
            exception.errorcode.as_deref(),
            Some("attemptstillinprogress" | "stateoverdue")
        ))
}
