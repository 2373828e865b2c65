//! A test and an attempt for tests: three questions on two pages.

use crate::store::KeptAttempt;
use juko_model::{
    Attempt, AttemptId, AttemptState, Choice, ChoiceKey, CourseId, GradeMethod, LectureId,
    Navigation, Question, QuestionKind, QuestionState, Quiz, QuizId,
};

pub(crate) fn quiz(offline: bool) -> Quiz {
    Quiz {
        id: QuizId(15),
        module: LectureId(320),
        course: CourseId(42),
        name: "確認テスト".into(),
        intro_html: String::new(),
        max_attempts: Some(3),
        max_grade: 100.0,
        pass_grade: Some(80.0),
        decimal_points: 2,
        time_limit_secs: None,
        opens_at: None,
        closes_at: None,
        navigation: Navigation::Free,
        offline_attempts: offline,
        autosave_secs: Some(60),
        grade_method: GradeMethod::Highest,
    }
}

/// Slots 1 and 2 on page 0, slot 3 on page 1.
pub(crate) fn attempt(id: i64) -> Attempt {
    Attempt {
        id: AttemptId(id),
        quiz: QuizId(15),
        number: 1,
        usage: 45678,
        state: AttemptState::InProgress,
        started_at: 1_700_000_000,
        finished_at: None,
        deadline: None,
        pages: vec![vec![1, 2], vec![3]],
        current_page: 0,
        grade: None,
    }
}

pub(crate) fn choice(key: &str) -> Choice {
    Choice {
        key: ChoiceKey(key.into()),
        numbering: None,
        label_html: format!("choice {key}"),
        selected: false,
        outcome: None,
    }
}

/// Slot 1: single choice (0, 1, 2); slot 2: true/false; slot 3: short answer.
pub(crate) fn question(slot: u32) -> Question {
    let kind = match slot {
        1 => QuestionKind::SingleChoice {
            choices: vec![choice("0"), choice("1"), choice("2")],
        },
        2 => QuestionKind::TrueFalse { answer: None },
        _ => QuestionKind::ShortAnswer {
            answer: String::new(),
        },
    };
    Question {
        slot,
        number: Some(slot.to_string()),
        text_html: format!("<p>question {slot}</p>"),
        kind,
        state: QuestionState::NotYetAnswered,
        status: String::new(),
        flagged: false,
        sequence_check: 1,
        read_only: false,
        feedback_html: None,
    }
}

pub(crate) fn kept_attempt(id: i64, offline: bool) -> KeptAttempt {
    KeptAttempt {
        quiz: quiz(offline),
        attempt: attempt(id),
        questions: (1..=3).map(question).collect(),
        fetched_ms: 1_000,
        closed_on_site: None,
        taken_since_fetch: Vec::new(),
    }
}
