//! A submitted attempt's result: its grade on the test's scale, passed or not against the pass
//! mark, the site's overall feedback, and how many attempts are left.

use super::grade_of;
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{Lang, Msg};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_model::{Attempt, Quiz, passes};

/// Passed or not, when the test has a pass mark and the grade is shown.
pub fn verdict(quiz: &Quiz, grade: Option<f64>) -> Option<bool> {
    Some(passes(grade?, quiz.pass_grade?))
}

#[component]
pub fn AttemptResultPanel(
    lang: Lang,
    quiz: Quiz,
    attempt: Attempt,
    /// The attempt's grade, when the site shows it.
    grade: Option<f64>,
    /// Overall feedback for the grade: site HTML, read as text.
    feedback_html: Option<String>,
    /// Attempts the learner may still start; `None` when unlimited.
    attempts_left: Option<u32>,
) -> Element {
    let verdict = verdict(&quiz, grade);
    let feedback = feedback_html.as_deref().map(plain_text).unwrap_or_default();
    let state = match verdict {
        Some(true) => "passed",
        Some(false) => "not-passed",
        None => "graded",
    };
    rsx! {
        section { class: "attempt-result {state}", "data-testid": "attempt-result-panel", "data-result": state,
            p { class: "unit-number", {lang.attempt_number(attempt.number)} }
            h2 { class: "result-title", {lang.tr(Msg::ResultTitle)} }
            match grade {
                Some(g) => rsx! {
                    p { class: "result-grade", "data-testid": "result-grade",
                        span { class: "muted", {lang.tr(Msg::Grade)} " " }
                        strong { {grade_of(g, quiz.max_grade, quiz.decimal_points)} }
                    }
                },
                None => rsx! { p { class: "muted", {lang.tr(Msg::GradeNotShown)} } },
            }
            match verdict {
                Some(true) => rsx! { p { class: "verdict passed", "data-testid": "result-verdict", Icon { glyph: Glyph::Check } {lang.tr(Msg::ResultPassed)} } },
                Some(false) => rsx! { p { class: "verdict not-passed", "data-testid": "result-verdict", {lang.tr(Msg::ResultNotPassed)} } },
                None => rsx! {},
            }
            if let Some(pass) = quiz.pass_grade {
                p { class: "muted", {lang.tr(Msg::PassMark)} " " {grade_of(pass, quiz.max_grade, quiz.decimal_points)} }
            }
            if !feedback.is_empty() {
                div { class: "question-feedback",
                    for line in feedback.lines() {
                        p { "{line}" }
                    }
                }
            }
            if let Some(left) = attempts_left {
                p { "data-testid": "attempts-left", "data-left": "{left}", {lang.attempts_left(left)} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use juko_model::AttemptState;

    fn render(grade: Option<f64>, left: Option<u32>) -> String {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            grade: Option<f64>,
            left: Option<u32>,
        }
        fn app(p: P) -> Element {
            rsx! {
                AttemptResultPanel {
                    lang: Lang::Ja, quiz: quiz(), attempt: attempt(1, AttemptState::Finished, p.grade),
                    grade: p.grade, feedback_html: Some("<p>おつかれさまでした</p>".to_owned()), attempts_left: p.left,
                }
            }
        }
        let mut dom = VirtualDom::new_with_props(app, P { grade, left });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn the_grade_is_judged_against_the_pass_mark() {
        let html = render(Some(80.0), Some(2));
        assert!(
            html.contains("data-result=\"passed\"") && html.contains("80.00 / 100.00"),
            "{html}"
        );
        assert!(
            html.contains("あと 2 回受験できます") && html.contains("おつかれさまでした"),
            "{html}"
        );
        let html = render(Some(79.0), Some(0));
        assert!(
            html.contains("data-result=\"not-passed\"") && html.contains("不合格です"),
            "{html}"
        );
        assert!(html.contains("受験できる回数は残っていません"), "{html}");
        let html = render(None, None);
        assert!(
            html.contains("成績はまだ表示されません") && !html.contains("result-verdict"),
            "{html}"
        );
    }
}
