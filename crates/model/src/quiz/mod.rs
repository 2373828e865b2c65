//! Tests (テスト, 確認テスト): a unit's test as the learner sees it, their attempts, and the
//! questions of an attempt ([`question`]).
//!
//! The site is the authority for grades: nothing here decides whether an answer is right. Grades
//! are on the test's own scale (`Quiz::max_grade`, e.g. 100), as the site reports them, and only
//! when the site lets the learner see them.

mod question;

pub use question::{
    Answer, Choice, ChoiceKey, Outcome, Question, QuestionKind, QuestionState, UnsupportedReason,
};

use crate::{AttemptId, CourseId, LectureId, QuizId};
use serde::{Deserialize, Serialize};

/// A test and its settings, as they stand for this learner (after the site's overrides).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    pub id: QuizId,
    /// The test's module in its unit (the unit's `Activity` id).
    pub module: LectureId,
    pub course: CourseId,
    pub name: String,
    /// The site's introduction: HTML, to be sanitized (or read as text) when shown.
    pub intro_html: String,
    /// How many attempts a learner may make; `None` when unlimited.
    pub max_attempts: Option<u32>,
    /// The grade of a perfect attempt (the test's scale, e.g. 100).
    pub max_grade: f64,
    /// The grade needed to pass, on the same scale; `None` when the test has no pass mark.
    pub pass_grade: Option<f64>,
    /// Decimal places the site shows grades with.
    pub decimal_points: u32,
    /// The time an attempt may take, in seconds; `None` when untimed.
    pub time_limit_secs: Option<u32>,
    /// Unix seconds from which the test may be taken, if the site set a start.
    pub opens_at: Option<i64>,
    /// Unix seconds at which the test closes (open attempts are then submitted), if set.
    pub closes_at: Option<i64>,
    pub navigation: Navigation,
    /// The site lets an attempt be answered offline and sent later. It does so only for untimed
    /// tests with free navigation that grade when submitted; timed tests need the connection.
    pub offline_attempts: bool,
    /// How often answers are saved while answering, in seconds; `None` when the site turned it off.
    pub autosave_secs: Option<u32>,
    pub grade_method: GradeMethod,
}

/// How the learner may move between the pages of an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Navigation {
    /// Any page, in any order, and back.
    Free,
    /// Forward only: a page left cannot be seen again.
    Sequential,
}

/// Which attempt's grade is the test's grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GradeMethod {
    Highest,
    Average,
    First,
    Last,
}

/// What the learner may do with the test now, by the site's access rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuizAccess {
    /// The learner may take this test at all (an attempt may still be blocked, below).
    pub can_attempt: bool,
    /// The learner may review their finished attempts (when the review options allow).
    pub can_review: bool,
    /// The site's own sentences about its rules ("制限時間: 10 分"), to read before starting.
    pub rules: Vec<String>,
    /// Why the test cannot be taken now (closed, not open yet, …), in the site's words; empty
    /// when it can.
    pub blocked: Vec<String>,
    /// Why no new attempt can be started (no attempts left, …), in the site's words; empty when
    /// one can.
    pub new_attempt_blocked: Vec<String>,
    /// Something the site checks before an attempt that Juko does not provide natively (a
    /// password, a browser check): the test is taken on the site.
    pub needs_site: bool,
    /// The site's names of question types the test uses that Juko does not answer natively.
    /// Those questions are shown read-only, with a way to open the test on the site.
    pub unsupported_types: Vec<String>,
}

/// One attempt at a test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub quiz: QuizId,
    /// 1 for the learner's first attempt, 2 for the second, …
    pub number: u32,
    /// The site's id for this attempt's set of questions. The protocol crate needs it to send
    /// answers back; opaque here.
    pub usage: i64,
    pub state: AttemptState,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds; `None` while open.
    pub finished_at: Option<i64>,
    /// Unix seconds at which the site submits the attempt by itself (time limit or close date);
    /// `None` when nothing ends it.
    pub deadline: Option<i64>,
    /// The question slots on each page, page by page.
    pub pages: Vec<Vec<u32>>,
    /// The page the learner was last on (0-based).
    pub current_page: u32,
    /// The attempt's grade on the test's scale, when finished and the site shows marks.
    pub grade: Option<f64>,
}

/// Where an attempt stands on the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptState {
    /// Being answered.
    InProgress,
    /// Its time is up but it has not been submitted (the site may allow a grace period).
    Overdue,
    /// Submitted (and graded, or waiting for grading).
    Finished,
    /// Its time ran out and the site will not grade it.
    Abandoned,
}

impl Attempt {
    /// Whether the learner may still answer it.
    pub fn is_open(&self) -> bool {
        matches!(self.state, AttemptState::InProgress | AttemptState::Overdue)
    }

    /// Which page holds `slot`.
    pub fn page_of(&self, slot: u32) -> Option<u32> {
        self.pages
            .iter()
            .position(|p| p.contains(&slot))
            .and_then(|p| u32::try_from(p).ok())
    }

    /// Every slot, in order.
    pub fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.iter().flatten().copied()
    }
}

/// Everything a test's page shows: the test, what the learner may do, their attempts and best
/// grade. Kept on the device like the catalog, so the page opens offline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizOverview {
    pub quiz: Quiz,
    pub access: QuizAccess,
    /// The learner's attempts, oldest first.
    pub attempts: Vec<Attempt>,
    /// The test's grade for the learner (by its grade method), when they have one and the site
    /// shows it.
    pub best_grade: Option<f64>,
}

/// Where the learner stands with a test, in one word for the unit's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizStatus {
    NotAttempted,
    /// An attempt is open.
    InProgress,
    /// The best grade reaches the pass mark.
    Passed,
    /// Finished attempts, none reaching the pass mark.
    NotPassed,
    /// Finished attempts on a test without a pass mark (or whose grade is not shown).
    Finished,
}

impl QuizOverview {
    /// The attempt to continue, if one is open.
    pub fn open_attempt(&self) -> Option<&Attempt> {
        self.attempts.iter().rev().find(|a| a.is_open())
    }

    /// Attempts the learner may still start; `None` when unlimited.
    pub fn attempts_left(&self) -> Option<u32> {
        let used = u32::try_from(self.attempts.len()).unwrap_or(u32::MAX);
        self.quiz.max_attempts.map(|max| max.saturating_sub(used))
    }

    pub fn status(&self) -> QuizStatus {
        if self.open_attempt().is_some() {
            return QuizStatus::InProgress;
        }
        if !self
            .attempts
            .iter()
            .any(|a| a.state == AttemptState::Finished)
        {
            return QuizStatus::NotAttempted;
        }
        match (self.best_grade, self.quiz.pass_grade) {
            (Some(best), Some(pass)) if passes(best, pass) => QuizStatus::Passed,
            (Some(_), Some(_)) => QuizStatus::NotPassed,
            _ => QuizStatus::Finished,
        }
    }
}

/// Whether `grade` reaches `pass`. Moodle compares the grade as it rounds it for display, so a
/// grade shown as the pass mark passes; five decimals absorbs float noise without changing that.
pub fn passes(grade: f64, pass: f64) -> bool {
    grade + 1e-5 >= pass
}

/// One page of an attempt, as the site (or the device's copy of it) has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptPage {
    pub attempt: Attempt,
    /// 0-based.
    pub page: u32,
    /// The page after this one; `None` on the last.
    pub next_page: Option<u32>,
    pub questions: Vec<Question>,
}

/// A finished attempt as the site lets the learner see it afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptReview {
    pub attempt: Attempt,
    /// The grade on the test's scale, when the site shows it.
    pub grade: Option<f64>,
    /// The questions, read-only, with marks and feedback as far as the review options allow;
    /// empty when the site shows none.
    pub questions: Vec<Question>,
    /// Overall feedback for the grade: site HTML, to be sanitized when shown.
    pub feedback_html: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(max_attempts: Option<u32>, pass_grade: Option<f64>) -> Quiz {
        Quiz {
            id: QuizId(1),
            module: LectureId(10),
            course: CourseId(2),
            name: "確認テスト".into(),
            intro_html: String::new(),
            max_attempts,
            max_grade: 100.0,
            pass_grade,
            decimal_points: 2,
            time_limit_secs: None,
            opens_at: None,
            closes_at: None,
            navigation: Navigation::Free,
            offline_attempts: true,
            autosave_secs: Some(60),
            grade_method: GradeMethod::Highest,
        }
    }

    fn attempt(number: u32, state: AttemptState, grade: Option<f64>) -> Attempt {
        Attempt {
            id: AttemptId(i64::from(number) + 100),
            quiz: QuizId(1),
            number,
            usage: 7000 + i64::from(number),
            state,
            started_at: 0,
            finished_at: None,
            deadline: None,
            pages: vec![vec![1, 2], vec![3]],
            current_page: 0,
            grade,
        }
    }

    fn overview(attempts: Vec<Attempt>, best: Option<f64>) -> QuizOverview {
        QuizOverview {
            quiz: quiz(Some(3), Some(80.0)),
            access: QuizAccess::default(),
            attempts,
            best_grade: best,
        }
    }

    #[test]
    fn status_follows_attempts_and_the_pass_mark() {
        assert_eq!(overview(vec![], None).status(), QuizStatus::NotAttempted);
        let open = attempt(1, AttemptState::InProgress, None);
        assert_eq!(
            overview(vec![open.clone()], None).status(),
            QuizStatus::InProgress
        );
        let failed = attempt(1, AttemptState::Finished, Some(70.0));
        assert_eq!(
            overview(vec![failed.clone()], Some(70.0)).status(),
            QuizStatus::NotPassed
        );
        let passed = attempt(2, AttemptState::Finished, Some(80.0));
        assert_eq!(
            overview(vec![failed.clone(), passed], Some(80.0)).status(),
            QuizStatus::Passed
        );
        // An open attempt is what the learner needs to know about first.
        assert_eq!(
            overview(vec![failed.clone(), open], Some(70.0)).status(),
            QuizStatus::InProgress
        );
        let mut no_pass_mark = overview(vec![failed], Some(70.0));
        no_pass_mark.quiz.pass_grade = None;
        assert_eq!(no_pass_mark.status(), QuizStatus::Finished);
    }

    #[test]
    fn attempts_left_counts_every_attempt_made() {
        let o = overview(
            vec![
                attempt(1, AttemptState::Finished, Some(10.0)),
                attempt(2, AttemptState::Abandoned, None),
            ],
            Some(10.0),
        );
        assert_eq!(o.attempts_left(), Some(1));
        let mut unlimited = o.clone();
        unlimited.quiz.max_attempts = None;
        assert_eq!(unlimited.attempts_left(), None);
    }

    #[test]
    fn pages_locate_their_slots() {
        let a = attempt(1, AttemptState::InProgress, None);
        assert_eq!(a.page_of(3), Some(1));
        assert_eq!(a.page_of(9), None);
        assert_eq!(a.slots().collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn a_grade_shown_as_the_pass_mark_passes() {
        assert!(passes(80.0, 80.0));
        assert!(passes(79.999_999_9, 80.0));
        assert!(!passes(79.99, 80.0));
    }
}
