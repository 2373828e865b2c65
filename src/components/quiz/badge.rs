//! Where the learner stands with a test, in a unit's list: its state and best grade.

use super::grade_of;
use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;
use juko_model::{QuizOverview, QuizStatus};

/// The words for a test's state.
pub fn status_msg(status: QuizStatus) -> Msg {
    match status {
        QuizStatus::NotAttempted => Msg::QuizNotAttempted,
        QuizStatus::InProgress => Msg::QuizInProgress,
        QuizStatus::Passed => Msg::QuizPassed,
        QuizStatus::NotPassed => Msg::QuizNotPassed,
        QuizStatus::Finished => Msg::QuizFinished,
    }
}

/// The state's name for tests and styles (`data-status`, a class).
pub fn status_key(status: QuizStatus) -> &'static str {
    match status {
        QuizStatus::NotAttempted => "not-attempted",
        QuizStatus::InProgress => "in-progress",
        QuizStatus::Passed => "passed",
        QuizStatus::NotPassed => "not-passed",
        QuizStatus::Finished => "finished",
    }
}

#[component]
pub fn QuizBadge(lang: Lang, overview: QuizOverview) -> Element {
    let status = overview.status();
    let key = status_key(status);
    let quiz = &overview.quiz;
    let best = overview
        .best_grade
        .map(|g| grade_of(g, quiz.max_grade, quiz.decimal_points));
    rsx! {
        span { class: "quiz-badge {key}", "data-testid": "quiz-status", "data-status": key,
            span { class: "quiz-badge-state", {lang.tr(status_msg(status))} }
            if let Some(best) = best {
                span { class: "quiz-badge-grade", title: lang.tr(Msg::Grade), "{best}" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use juko_model::AttemptState;

    fn render(overview: QuizOverview) -> String {
        fn app(overview: QuizOverview) -> Element {
            rsx! { QuizBadge { lang: Lang::Ja, overview } }
        }
        let mut dom = VirtualDom::new_with_props(app, overview);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn shows_the_state_and_the_best_grade_on_the_tests_scale() {
        let html = render(overview(vec![], None));
        assert!(
            html.contains("data-status=\"not-attempted\"") && html.contains("未受験"),
            "{html}"
        );
        assert!(!html.contains(" / "), "no grade yet: {html}");
        let passed = overview(
            vec![attempt(1, AttemptState::Finished, Some(90.0))],
            Some(90.0),
        );
        let html = render(passed);
        assert!(
            html.contains("data-status=\"passed\"") && html.contains("合格"),
            "{html}"
        );
        assert!(html.contains("90.00 / 100.00"), "{html}");
        let failed = overview(
            vec![attempt(1, AttemptState::Finished, Some(70.0))],
            Some(70.0),
        );
        assert!(render(failed).contains("不合格"));
    }
}
