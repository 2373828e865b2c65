//! One question: its text, the control for its kind (radios, checkboxes, true/false, a text
//! field), the flag, and, in a review, how it was marked and the site's feedback.

use super::overview::SiteLink;
use super::{is_answerable, question_label};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{Lang, Msg};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_model::{
    Answer, Choice, ChoiceKey, Outcome, Question, QuestionKind, QuestionState, UnsupportedReason,
};

#[component]
pub fn QuestionCard(
    lang: Lang,
    question: Question,
    /// Shown, not answerable (a review, a submitted attempt), whatever the question says.
    #[props(default)]
    read_only: bool,
    /// The answer on this device changed on the site meanwhile: it was not sent.
    #[props(default)]
    needs_look: bool,
    /// The answer is kept on this device, not on the site yet.
    #[props(default)]
    unsent: bool,
    /// The site's address, for questions the app cannot answer.
    site_url: String,
    on_answer: EventHandler<Answer>,
    on_flag: EventHandler<bool>,
    /// For an answer that needs a look: `true` sends the device's answer as it is, `false`
    /// drops it for the site's. (Answering again settles it too.)
    on_resolve: Option<EventHandler<bool>>,
) -> Element {
    // `read_only` from the screen: nothing may change (submitted, closed). A question the app
    // does not answer is read-only too, but an answer of the device's held back on it may
    // still be let go for the site's.
    let frozen = read_only;
    let read_only = frozen || !is_answerable(&question);
    let slot = question.slot;
    let flagged = question.flagged;
    let label = lang.question_number(&question_label(&question));
    let text = plain_text(&question.text_html);
    let feedback = question.feedback_html.as_deref().map(plain_text);
    let state_class = match question.state {
        QuestionState::Graded(o) => outcome_key(o),
        _ => "",
    };
    let status = if unsent {
        lang.tr(Msg::AnswerKeptHere).to_owned()
    } else {
        state_words(lang, question.state, &question.status)
    };
    rsx! {
        article { class: "question {state_class}", "data-testid": "question", "data-slot": "{slot}",
            "data-needs-look": "{needs_look}",
            header { class: "question-head",
                h2 { class: "question-number", "{label}" }
                span { class: "question-status muted", "data-testid": "question-status", "{status}" }
                if !read_only {
                    button {
                        class: if flagged { "button ghost flag on" } else { "button ghost flag" },
                        "data-testid": "question-flag",
                        "aria-pressed": "{flagged}",
                        onclick: move |_| on_flag.call(!flagged),
                        Icon { glyph: Glyph::Flag } {lang.tr(if flagged { Msg::Flagged } else { Msg::FlagQuestion })}
                    }
                } else if flagged {
                    span { class: "flag on", Icon { glyph: Glyph::Flag } {lang.tr(Msg::Flagged)} }
                }
            }
            if needs_look {
                div { class: "warning", role: "alert", "data-testid": "question-needs-look",
                    p { {lang.tr(Msg::NeedsLook)} }
                    if let Some(resolve) = on_resolve.filter(|_| !frozen) {
                        div { class: "resolve-actions",
                            if !read_only {
                                button { class: "button secondary", "data-testid": "keep-my-answer",
                                    onclick: move |_| resolve.call(true),
                                    {lang.tr(Msg::KeepMyAnswer)}
                                }
                            }
                            button { class: "button ghost", "data-testid": "take-site-answer",
                                onclick: move |_| resolve.call(false),
                                {lang.tr(Msg::TakeSiteAnswer)}
                            }
                        }
                    }
                }
            }
            div { class: "question-text",
                for line in text.lines() {
                    p { "{line}" }
                }
            }
            {answer_control(lang, &question, read_only, &site_url, on_answer)}
            if let Some(feedback) = feedback.filter(|f| !f.is_empty()) {
                div { class: "question-feedback", "data-testid": "question-feedback",
                    h3 { {lang.tr(Msg::Feedback)} }
                    for line in feedback.lines() {
                        p { "{line}" }
                    }
                }
            }
        }
    }
}

/// The app's own words for where a question stands; the site's words only for a state the app
/// does not know (they are in the site's language, which may not be the learner's).
pub fn state_words(lang: Lang, state: QuestionState, site_words: &str) -> String {
    let msg = match state {
        QuestionState::NotYetAnswered => Msg::StateNotYetAnswered,
        QuestionState::Answered => Msg::StateAnswerSaved,
        QuestionState::Invalid => Msg::StateInvalid,
        QuestionState::NeedsGrading => Msg::StateNeedsGrading,
        QuestionState::NotAnswered => Msg::StateNotAnswered,
        QuestionState::Finished => Msg::StateFinished,
        QuestionState::Graded(o) => outcome_msg(o),
        QuestionState::Other => return plain_text(site_words),
    };
    lang.tr(msg).to_owned()
}

/// The control for the question's kind.
fn answer_control(
    lang: Lang,
    question: &Question,
    read_only: bool,
    site_url: &str,
    on_answer: EventHandler<Answer>,
) -> Element {
    let slot = question.slot;
    match &question.kind {
        QuestionKind::SingleChoice { choices } => rsx! {
            div { class: "choices", role: "radiogroup",
                for choice in choices.iter() {
                    ChoiceRow {
                        key: "{choice.key.0}",
                        lang,
                        choice: choice.clone(),
                        multiple: false,
                        slot,
                        read_only,
                        on_pick: move |key: ChoiceKey| on_answer.call(Answer::Choice(Some(key))),
                    }
                }
            }
        },
        QuestionKind::MultipleChoice { choices } => {
            let all = choices.clone();
            rsx! {
                div { class: "choices",
                    for choice in choices.iter() {
                        ChoiceRow {
                            key: "{choice.key.0}",
                            lang,
                            choice: choice.clone(),
                            multiple: true,
                            slot,
                            read_only,
                            on_pick: {
                                let all = all.clone();
                                move |key: ChoiceKey| on_answer.call(Answer::Choices(toggled(&all, &key)))
                            },
                        }
                    }
                }
            }
        }
        QuestionKind::TrueFalse { answer } => {
            let answer = *answer;
            // The site marks the question, not its two choices: the chosen one carries the mark.
            let mark = match question.state {
                QuestionState::Graded(o) => Some(o),
                _ => None,
            };
            rsx! {
                div { class: "choices", role: "radiogroup",
                    for value in [true, false] {
                        label { key: "{value}",
                            class: "choice {chosen_outcome(answer == Some(value), mark)}",
                            input {
                                r#type: "radio",
                                name: "q{slot}",
                                "data-testid": "choice",
                                "data-answer": "{value}",
                                checked: answer == Some(value),
                                disabled: read_only,
                                onchange: move |_| on_answer.call(Answer::TrueFalse(Some(value))),
                            }
                            span { class: "choice-label",
                                {lang.tr(if value { Msg::AnswerTrue } else { Msg::AnswerFalse })}
                            }
                            {outcome_mark(lang, if answer == Some(value) { mark } else { None })}
                        }
                    }
                }
            }
        }
        QuestionKind::ShortAnswer { answer } => rsx! {
            label { class: "short-answer",
                span { class: "muted", {lang.tr(Msg::YourAnswer)} }
                input {
                    r#type: "text",
                    "data-testid": "short-answer",
                    value: "{answer}",
                    disabled: read_only,
                    autocomplete: "off",
                    autocapitalize: "off",
                    spellcheck: "false",
                    oninput: move |e: FormEvent| on_answer.call(Answer::Text(e.value())),
                }
            }
        },
        QuestionKind::Unsupported { reason, .. } => rsx! {
            div { class: "notice", "data-testid": "question-unsupported",
                p {
                    {lang.tr(if *reason == UnsupportedReason::NotAccessible { Msg::QuestionNotShownYet } else { Msg::QuestionUnsupported })}
                }
                SiteLink { lang, site_url: site_url.to_owned() }
            }
        },
    }
}

/// The choices chosen after `key` was clicked: it flips, the others stay.
fn toggled(choices: &[Choice], key: &ChoiceKey) -> Vec<ChoiceKey> {
    choices
        .iter()
        .filter(|c| c.selected != (c.key == *key))
        .map(|c| c.key.clone())
        .collect()
}

#[component]
fn ChoiceRow(
    lang: Lang,
    choice: Choice,
    /// Checkboxes (any number chosen) rather than radios (one).
    multiple: bool,
    /// The question's slot: its inputs' group.
    slot: u32,
    read_only: bool,
    on_pick: EventHandler<ChoiceKey>,
) -> Element {
    let outcome = choice.outcome.map(outcome_key).unwrap_or_default();
    let key = choice.key.clone();
    let input_type = if multiple { "checkbox" } else { "radio" };
    rsx! {
        label { class: "choice {outcome}",
            input {
                r#type: input_type,
                name: "q{slot}",
                "data-testid": "choice",
                checked: choice.selected,
                disabled: read_only,
                onchange: move |_| on_pick.call(key.clone()),
            }
            if let Some(n) = &choice.numbering {
                span { class: "choice-numbering", {plain_text(n)} }
            }
            span { class: "choice-label", {plain_text(&choice.label_html)} }
            {outcome_mark(lang, choice.outcome)}
        }
    }
}

/// A chosen choice's class for its mark (`correct`, …); empty when not chosen or not marked.
fn chosen_outcome(chosen: bool, mark: Option<Outcome>) -> &'static str {
    match mark {
        Some(o) if chosen => outcome_key(o),
        _ => "",
    }
}

/// A check or a cross after a marked choice, with its words for screen readers. A partly right choice (one
/// of several right ones) is a right choice: a check.
fn outcome_mark(lang: Lang, outcome: Option<Outcome>) -> Element {
    let Some(o) = outcome else {
        return rsx! {};
    };
    let mark = if o == Outcome::Incorrect {
        Glyph::Cross
    } else {
        Glyph::Check
    };
    rsx! {
        span { class: "outcome-mark", "data-testid": "outcome-mark", "data-outcome": outcome_key(o),
            title: lang.tr(outcome_msg(o)),
            Icon { glyph: mark }
            span { class: "visually-hidden", {lang.tr(outcome_msg(o))} }
        }
    }
}

fn outcome_key(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Correct => "correct",
        Outcome::PartiallyCorrect => "partial",
        Outcome::Incorrect => "incorrect",
    }
}

fn outcome_msg(outcome: Outcome) -> Msg {
    match outcome {
        Outcome::Correct => Msg::OutcomeCorrect,
        Outcome::PartiallyCorrect => Msg::OutcomePartial,
        Outcome::Incorrect => Msg::OutcomeIncorrect,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[derive(Props, Clone, PartialEq)]
    struct P {
        question: Question,
        read_only: bool,
        needs_look: bool,
    }

    fn render(question: Question, read_only: bool, needs_look: bool) -> String {
        fn app(p: P) -> Element {
            rsx! {
                QuestionCard {
                    lang: Lang::Ja, question: p.question, read_only: p.read_only, needs_look: p.needs_look,
                    site_url: "https://icrweb.example.jp", on_answer: |_| {}, on_flag: |_| {},
                    on_resolve: |_| {},
                }
            }
        }
        let mut dom = VirtualDom::new_with_props(
            app,
            P {
                question,
                read_only,
                needs_look,
            },
        );
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn single_choice_is_radios_with_the_selection_and_text_not_html() {
        let mut q = question(
            3,
            QuestionKind::SingleChoice {
                choices: vec![
                    choice("0", "<b>ランダム化</b>比較試験", false),
                    choice("1", "横断研究 &amp; 症例", true),
                ],
            },
        );
        q.text_html = "<p>どれですか<img src=x onerror=alert(1)></p>".into();
        let html = render(q, false, false);
        assert_eq!(html.matches("type=\"radio\"").count(), 2, "{html}");
        assert_eq!(html.matches("checked").count(), 1, "{html}");
        assert!(
            html.contains("ランダム化比較試験") && html.contains("横断研究 &#38; 症例"),
            "{html}"
        );
        assert!(!html.contains("<img") && !html.contains("<b>"), "{html}");
        assert!(
            html.contains("問 3") && html.contains("question-flag"),
            "{html}"
        );
    }

    #[test]
    fn multiple_choice_toggles_one_choice_and_keeps_the_others() {
        let choices = vec![
            choice("a", "A", true),
            choice("b", "B", false),
            choice("c", "C", true),
        ];
        let keys = |v: Vec<ChoiceKey>| v.into_iter().map(|k| k.0).collect::<Vec<_>>();
        assert_eq!(
            keys(toggled(&choices, &ChoiceKey("b".into()))),
            ["a", "b", "c"]
        );
        assert_eq!(keys(toggled(&choices, &ChoiceKey("a".into()))), ["c"]);
        let html = render(
            question(1, QuestionKind::MultipleChoice { choices }),
            false,
            false,
        );
        assert_eq!(html.matches("type=\"checkbox\"").count(), 3, "{html}");
    }

    #[test]
    fn true_false_and_short_answer_show_what_is_held() {
        let html = render(
            question(
                1,
                QuestionKind::TrueFalse {
                    answer: Some(false),
                },
            ),
            false,
            false,
        );
        assert!(html.contains("正しい") && html.contains("誤り"), "{html}");
        assert_eq!(html.matches("checked").count(), 1, "{html}");
        let html = render(
            question(
                2,
                QuestionKind::ShortAnswer {
                    answer: "交絡".into(),
                },
            ),
            false,
            false,
        );
        assert!(html.contains("value=\"交絡\""), "{html}");
    }

    #[test]
    fn a_review_is_read_only_with_marks_and_feedback() {
        let mut right = choice("0", "A", true);
        right.outcome = Some(Outcome::Correct);
        let mut q = question(
            1,
            QuestionKind::SingleChoice {
                choices: vec![right, choice("1", "B", false)],
            },
        );
        q.state = QuestionState::Graded(Outcome::Correct);
        q.feedback_html = Some("<p>よくできました</p>".into());
        let html = render(q, true, false);
        assert!(html.contains("disabled"), "{html}");
        assert!(
            !html.contains("question-flag"),
            "no flag in a review: {html}"
        );
        assert!(
            html.contains("正解")
                && html.contains(Glyph::Check.path())
                && html.contains("よくできました"),
            "{html}"
        );
    }

    #[test]
    fn unsupported_questions_are_shown_with_the_way_to_the_site() {
        let q = question(
            4,
            QuestionKind::Unsupported {
                site_kind: "essay".into(),
                reason: UnsupportedReason::Kind,
            },
        );
        let html = render(q, false, false);
        assert!(html.contains("アプリでは解答できません"), "{html}");
        assert!(
            html.contains("href=\"https://icrweb.example.jp\""),
            "{html}"
        );
        assert!(!html.contains("<input"), "{html}");
    }

    #[test]
    fn an_answer_held_back_on_a_question_answered_on_the_site_only_can_be_let_go() {
        let mut q = question(1, QuestionKind::TrueFalse { answer: Some(true) });
        q.read_only = true;
        let html = render(q.clone(), false, true);
        assert!(
            html.contains("take-site-answer") && !html.contains("keep-my-answer"),
            "only the site's answer can stand: {html}"
        );
        let frozen = render(q, true, true);
        assert!(
            !frozen.contains("take-site-answer"),
            "nothing changes once submitted: {frozen}"
        );
    }

    #[test]
    fn an_answer_changed_elsewhere_says_so() {
        let q = question(1, QuestionKind::TrueFalse { answer: Some(true) });
        let html = render(q, false, true);
        assert!(
            html.contains("question-needs-look") && html.contains("要確認"),
            "{html}"
        );
    }

    #[test]
    fn every_known_state_is_said_in_the_apps_words_and_only_an_unknown_one_in_the_sites() {
        use Outcome::*;
        let site = "Answer saved";
        let cases = [
            (QuestionState::NotYetAnswered, "未解答", "Not yet answered"),
            (QuestionState::Answered, "解答保存済み", "Answer saved"),
            (
                QuestionState::Invalid,
                "解答が不完全です",
                "Incomplete answer",
            ),
            (
                QuestionState::NeedsGrading,
                "採点待ち",
                "Waiting to be graded",
            ),
            (QuestionState::NotAnswered, "解答なし", "Not answered"),
            (QuestionState::Finished, "解答済み", "Finished"),
            (QuestionState::Graded(Correct), "正解", "Correct"),
            (
                QuestionState::Graded(PartiallyCorrect),
                "部分的に正解",
                "Partially correct",
            ),
            (QuestionState::Graded(Incorrect), "不正解", "Incorrect"),
        ];
        for (state, ja, en) in cases {
            assert_eq!(state_words(Lang::Ja, state, site), ja, "{state:?}");
            assert_eq!(state_words(Lang::En, state, "未解答"), en, "{state:?}");
        }
        // The site's words (as text) for what the app does not know, in either language.
        assert_eq!(
            state_words(Lang::Ja, QuestionState::Other, "<b>Gave up</b>"),
            "Gave up"
        );
        let mut q = question(1, QuestionKind::TrueFalse { answer: None });
        q.status = "Not yet answered".into();
        let html = render(q, false, false);
        assert!(
            html.contains("未解答") && !html.contains("Not yet answered"),
            "{html}"
        );
    }

    /// The ✓/✗ marks of a rendered review, in order.
    fn marks(html: &str) -> Vec<&str> {
        html.match_indices("data-outcome=\"")
            .map(|(i, m)| {
                let rest = &html[i + m.len()..];
                &rest[..rest.find('"').unwrap_or(0)]
            })
            .collect()
    }

    #[test]
    fn a_review_marks_the_chosen_true_or_false_by_the_questions_mark() {
        for (outcome, sign) in [
            (Outcome::Correct, Glyph::Check.path()),
            (Outcome::Incorrect, Glyph::Cross.path()),
        ] {
            let mut q = question(2, QuestionKind::TrueFalse { answer: Some(true) });
            q.state = QuestionState::Graded(outcome);
            let html = render(q, true, false);
            assert_eq!(marks(&html), [outcome_key(outcome)], "{html}");
            assert!(html.contains(sign), "{html}");
            // The mark is on the chosen answer's row (正しい), not on 誤り's.
            let chosen = html.find("data-answer=\"true\"").unwrap();
            let other = html.find("data-answer=\"false\"").unwrap();
            let mark = html.find("data-outcome").unwrap();
            assert!(chosen < mark && mark < other, "{html}");
        }
        // Not graded (or not shown): no mark.
        let q = question(2, QuestionKind::TrueFalse { answer: Some(true) });
        assert!(marks(&render(q, true, false)).is_empty());
    }

    #[test]
    fn a_review_marks_each_chosen_choice_of_a_multiple_choice_question() {
        let mut right = choice("a", "A", true);
        right.outcome = Some(Outcome::PartiallyCorrect); // one of two right choices
        let mut wrong = choice("b", "B", true);
        wrong.outcome = Some(Outcome::Incorrect);
        let q = question(
            9,
            QuestionKind::MultipleChoice {
                choices: vec![right, wrong, choice("c", "C", false)],
            },
        );
        let html = render(q, true, false);
        assert_eq!(marks(&html), ["partial", "incorrect"], "{html}");
        assert!(
            html.contains(Glyph::Check.path()) && html.contains(Glyph::Cross.path()),
            "{html}"
        );
        assert!(
            html.contains("部分的に正解") && html.contains("不正解"),
            "said in words too: {html}"
        );
    }
}
