//! A test's screens, piece by piece (確認テスト): the badge in a unit's list, the test's page,
//! a question, the question navigation, the summary before submitting, the result, and the
//! countdown of a timed attempt. Model types in, events out: the views decide what an answer or
//! a submission does.
//!
//! Site HTML (question texts, choices, feedback) is read as text (`text::plain_text`), never
//! rendered: a test's page holds the learner's token like every other.

pub mod badge;
pub mod countdown;
pub mod navigation;
pub mod overview;
pub mod question;
pub mod result;
pub mod summary;

use juko_model::{Answer, Question, QuestionKind};

/// A grade on the test's scale, with the decimals the site shows (at most five).
pub fn format_grade(grade: f64, decimals: u32) -> String {
    let decimals = decimals.min(5) as usize;
    format!("{grade:.decimals$}")
}

/// "8.00 / 10.00": a grade out of the test's maximum.
pub fn grade_of(grade: f64, max: f64, decimals: u32) -> String {
    format!(
        "{} / {}",
        format_grade(grade, decimals),
        format_grade(max, decimals)
    )
}

/// Whether the question holds an answer now, as the learner left it (on the device or on the
/// site). Read from the answer itself rather than the site's state, which a device copy
/// answered offline has not updated.
pub fn has_answer(question: &Question) -> bool {
    match question.current_answer() {
        Some(Answer::Choice(choice)) => choice.is_some(),
        Some(Answer::Choices(chosen)) => !chosen.is_empty(),
        Some(Answer::TrueFalse(answer)) => answer.is_some(),
        Some(Answer::Text(text)) => !text.trim().is_empty(),
        None => question.state.is_answered(),
    }
}

/// Whether the app can take an answer to this question.
pub fn is_answerable(question: &Question) -> bool {
    !question.read_only && !matches!(question.kind, QuestionKind::Unsupported { .. })
}

/// What a question is called on screen: its number ("3"), else its place in the attempt.
pub fn question_label(question: &Question) -> String {
    question
        .number
        .clone()
        .unwrap_or_else(|| question.slot.to_string())
}

/// The site's rule sentences worth reading under the page's facts: not the one that only
/// restates the attempts allowed ("受験可能回数: 3", "Attempts allowed: 3"), which the attempts
/// line already says with those used ("0 / 3"). Sentences that say more are kept whole.
pub fn rules_to_show(rules: &[String], max_attempts: Option<u32>) -> Vec<String> {
    let restates = |rule: &str| {
        let Some(max) = max_attempts else {
            return false;
        };
        let text = crate::text::plain_text(rule);
        let Some((label, value)) = text.rsplit_once([':', '：']) else {
            return false;
        };
        value.trim() == max.to_string()
            && !label.trim().is_empty()
            && !label.contains(char::is_numeric)
    };
    rules.iter().filter(|r| !restates(r)).cloned().collect()
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Model values the components' tests share.

    use juko_model::*;

    pub fn choice(key: &str, label: &str, selected: bool) -> Choice {
        Choice {
            key: ChoiceKey(key.into()),
            numbering: None,
            label_html: label.into(),
            selected,
            outcome: None,
        }
    }

    pub fn question(slot: u32, kind: QuestionKind) -> Question {
        Question {
            slot,
            number: Some(slot.to_string()),
            text_html: format!("<p>問題 {slot} の<b>本文</b></p>"),
            kind,
            state: QuestionState::NotYetAnswered,
            status: "未解答".into(),
            flagged: false,
            sequence_check: 1,
            read_only: false,
            feedback_html: None,
        }
    }

    pub fn quiz() -> Quiz {
        Quiz {
            id: QuizId(5),
            module: LectureId(50),
            course: CourseId(2),
            name: "確認テスト".into(),
            intro_html: "<p>全10問。<script>x()</script></p>".into(),
            max_attempts: Some(3),
            max_grade: 100.0,
            pass_grade: Some(80.0),
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

    pub fn attempt(number: u32, state: AttemptState, grade: Option<f64>) -> Attempt {
        Attempt {
            id: AttemptId(100 + i64::from(number)),
            quiz: QuizId(5),
            number,
            usage: 9,
            state,
            started_at: 0,
            finished_at: None,
            deadline: None,
            pages: vec![vec![1], vec![2]],
            current_page: 0,
            grade,
        }
    }

    pub fn overview(attempts: Vec<Attempt>, best: Option<f64>) -> QuizOverview {
        QuizOverview {
            quiz: quiz(),
            access: QuizAccess {
                can_attempt: true,
                can_review: true,
                ..QuizAccess::default()
            },
            attempts,
            best_grade: best,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;

    #[test]
    fn the_attempts_allowed_rule_is_not_said_twice() {
        let rules: Vec<String> = ["受験可能回数: 3", "制限時間: 10 分", "Attempts allowed: 3"]
            .map(String::from)
            .to_vec();
        assert_eq!(rules_to_show(&rules, Some(3)), ["制限時間: 10 分"]);
        // Another number is another rule; without a limit nothing restates it.
        assert_eq!(rules_to_show(&rules, Some(2)).len(), 3);
        assert_eq!(rules_to_show(&rules, None).len(), 3);
        let other = vec!["パスワード: 3 回まで".to_owned()];
        assert_eq!(rules_to_show(&other, Some(3)), other);
    }
    use super::*;
    use juko_model::QuestionKind;

    #[test]
    fn grades_use_the_sites_decimals() {
        assert_eq!(format_grade(8.0, 2), "8.00");
        assert_eq!(format_grade(79.996, 2), "80.00");
        assert_eq!(format_grade(8.0, 0), "8");
        assert_eq!(format_grade(1.0, 99), "1.00000", "capped");
        assert_eq!(grade_of(80.0, 100.0, 1), "80.0 / 100.0");
    }

    #[test]
    fn answers_count_from_what_the_question_holds() {
        let blank = question(1, QuestionKind::ShortAnswer { answer: " ".into() });
        assert!(!has_answer(&blank));
        let typed = question(
            1,
            QuestionKind::ShortAnswer {
                answer: "交絡".into(),
            },
        );
        assert!(
            has_answer(&typed),
            "answered on the device, state not updated"
        );
        let none = question(
            2,
            QuestionKind::MultipleChoice {
                choices: vec![choice("a", "A", false)],
            },
        );
        assert!(!has_answer(&none));
        let tf = question(
            3,
            QuestionKind::TrueFalse {
                answer: Some(false),
            },
        );
        assert!(has_answer(&tf), "false is an answer");
    }
}
