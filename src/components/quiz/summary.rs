//! Before submitting: which questions are unanswered, flagged or need a look (each a way back
//! to it), and the submit button, which asks once more.

use super::{has_answer, question_label};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;
use juko_model::Question;

#[component]
pub fn AttemptSummaryPanel(
    lang: Lang,
    questions: Vec<Question>,
    /// Slots of the attempt not reached yet (sequential navigation): counted, left blank if
    /// submitted now.
    #[props(default)]
    ahead: Vec<u32>,
    needs_look: Vec<u32>,
    /// Submitting is under way.
    busy: bool,
    /// Nothing is to be submitted from here (a submission already queued, or the attempt
    /// closed on the site): the button stays, disabled.
    #[props(default)]
    locked: bool,
    /// What the last submission attempt came to, for the learner (offline, refused, …).
    notice: Option<String>,
    on_go: EventHandler<u32>,
    on_back: EventHandler<()>,
    on_submit: EventHandler<()>,
) -> Element {
    let mut confirming = use_signal(|| false);
    let unanswered = unanswered(&questions);
    let flagged: Vec<Question> = questions.iter().filter(|q| q.flagged).cloned().collect();
    let look: Vec<Question> = questions
        .iter()
        .filter(|q| needs_look.contains(&q.slot))
        .cloned()
        .collect();
    let answered = questions.iter().filter(|q| has_answer(q)).count();
    let total = questions.len() + ahead.len();
    rsx! {
        section { class: "attempt-summary", "data-testid": "attempt-summary",
            h2 { class: "section-title", {lang.tr(Msg::SummaryTitle)} }
            p { "data-testid": "answered-count", {lang.answered_count(answered, total)} }
            if unanswered.is_empty() && ahead.is_empty() {
                p { class: "done-mark", {lang.tr(Msg::AllAnswered)} }
            }
            SlotList { lang, kind: ListKind::NeedsLook, questions: look, on_go }
            SlotList { lang, kind: ListKind::Unanswered, questions: unanswered, on_go }
            SlotList { lang, kind: ListKind::Flagged, questions: flagged, on_go }
            if !ahead.is_empty() {
                div { class: "summary-list not-reached", "data-testid": "summary-not-reached",
                    h3 { {lang.tr(Msg::NotReachedQuestions)} }
                    ul {
                        for slot in ahead.iter() {
                            li { key: "{slot}", {lang.question_number(&slot.to_string())} }
                        }
                    }
                }
            }
            if let Some(notice) = notice {
                p { class: "notice", role: "status", "data-testid": "submit-notice", {notice} }
            }
            div { class: "summary-actions",
                button { class: "button secondary", "data-testid": "back-to-attempt", onclick: move |_| on_back.call(()),
                    Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToAttempt)}
                }
                button { class: "button primary", "data-testid": "submit-attempt", disabled: busy || locked,
                    onclick: move |_| confirming.set(true),
                    {lang.tr(if busy { Msg::Submitting } else { Msg::SubmitAttempt })}
                }
            }
            if confirming() {
                div { class: "dialog-backdrop",
                    div { class: "dialog", role: "alertdialog", "aria-modal": "true",
                        "aria-labelledby": "submit-title", "data-testid": "submit-dialog",
                        h2 { id: "submit-title", {lang.tr(Msg::SubmitAttempt)} }
                        p { {lang.tr(Msg::SubmitConfirm)} }
                        p { class: "muted", {lang.answered_count(answered, total)} }
                        div { class: "dialog-actions",
                            button { class: "button primary", "data-testid": "submit-confirm",
                                onclick: move |_| {
                                    confirming.set(false);
                                    on_submit.call(());
                                },
                                {lang.tr(Msg::Submit)}
                            }
                            button { class: "button ghost", "data-testid": "submit-cancel",
                                onclick: move |_| confirming.set(false),
                                {lang.tr(Msg::Cancel)}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The questions without an answer: those answered in the app, and those answered on the site
/// only (their state as the site last told it), which the learner would otherwise submit blank
/// under "all answered".
fn unanswered(questions: &[Question]) -> Vec<Question> {
    questions
        .iter()
        .filter(|q| !has_answer(q))
        .cloned()
        .collect()
}

/// Which of the summary's lists.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ListKind {
    NeedsLook,
    Unanswered,
    Flagged,
}

impl ListKind {
    fn key(self) -> &'static str {
        match self {
            ListKind::NeedsLook => "needs-look",
            ListKind::Unanswered => "unanswered",
            ListKind::Flagged => "flagged",
        }
    }

    fn title(self) -> Msg {
        match self {
            ListKind::NeedsLook => Msg::NeedsLookQuestions,
            ListKind::Unanswered => Msg::UnansweredQuestions,
            ListKind::Flagged => Msg::FlaggedQuestions,
        }
    }
}

/// One list of questions (unanswered, flagged, …); nothing when empty.
#[component]
fn SlotList(
    lang: Lang,
    kind: ListKind,
    questions: Vec<Question>,
    on_go: EventHandler<u32>,
) -> Element {
    if questions.is_empty() {
        return rsx! {};
    }
    let key = kind.key();
    rsx! {
        div { class: "summary-list {key}", "data-testid": "summary-{key}",
            h3 { {lang.tr(kind.title())} }
            ul {
                for q in questions {
                    li { key: "{q.slot}",
                        button { class: "button secondary", "data-testid": "summary-go", onclick: move |_| on_go.call(q.slot),
                            {lang.question_number(&question_label(&q))}
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use juko_model::QuestionKind;

    #[test]
    fn questions_answered_on_the_site_only_count_as_unanswered_until_answered() {
        use juko_model::{QuestionState, UnsupportedReason};
        let essay = |slot, state| {
            let mut q = question(
                slot,
                QuestionKind::Unsupported {
                    site_kind: "essay".into(),
                    reason: UnsupportedReason::Kind,
                },
            );
            q.state = state;
            q
        };
        let mut read_only = question(3, QuestionKind::TrueFalse { answer: None });
        read_only.read_only = true;
        let answered = question(4, QuestionKind::TrueFalse { answer: Some(true) });
        let qs = vec![
            essay(1, QuestionState::NotYetAnswered),
            essay(2, QuestionState::Answered),
            read_only,
            answered,
        ];
        let slots: Vec<u32> = unanswered(&qs).iter().map(|q| q.slot).collect();
        assert_eq!(slots, [1, 3]);
    }

    #[test]
    fn questions_not_reached_count_and_are_listed_and_a_queued_submission_is_not_submitting() {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            questions: Vec<Question>,
        }
        fn app(p: P) -> Element {
            rsx! {
                AttemptSummaryPanel {
                    lang: Lang::Ja, questions: p.questions, ahead: vec![2, 3], needs_look: vec![],
                    busy: false, locked: true, notice: None,
                    on_go: |_| {}, on_back: |_| {}, on_submit: |_| {},
                }
            }
        }
        let a = question(1, QuestionKind::TrueFalse { answer: Some(true) });
        let mut dom = VirtualDom::new_with_props(app, P { questions: vec![a] });
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        assert!(html.contains("3 問中 1 問解答"), "{html}");
        assert!(!html.contains("すべての問題に解答しました"), "{html}");
        let at = html.find("summary-not-reached").expect("listed");
        assert!(
            html[at..].contains("問 2") && html[at..].contains("問 3"),
            "{html}"
        );
        assert!(
            !html.contains("提出しています"),
            "queued is not submitting: {html}"
        );
        assert!(
            html.contains("disabled"),
            "nothing more to submit from here: {html}"
        );
    }

    #[test]
    fn lists_unanswered_flagged_and_needing_a_look() {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            questions: Vec<Question>,
        }
        fn app(p: P) -> Element {
            rsx! {
                AttemptSummaryPanel {
                    lang: Lang::Ja, questions: p.questions, needs_look: vec![1], busy: false, notice: None,
                    on_go: |_| {}, on_back: |_| {}, on_submit: |_| {},
                }
            }
        }
        let mut a = question(1, QuestionKind::TrueFalse { answer: Some(true) });
        a.flagged = true;
        let b = question(
            2,
            QuestionKind::ShortAnswer {
                answer: String::new(),
            },
        );
        let mut dom = VirtualDom::new_with_props(
            app,
            P {
                questions: vec![a, b],
            },
        );
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        assert!(html.contains("2 問中 1 問解答"), "{html}");
        let section = |kind: &str| {
            let at = html
                .find(&format!("summary-{kind}\""))
                .unwrap_or_else(|| panic!("{kind}: {html}"));
            html[at..].split("</ul>").next().unwrap_or("").to_owned()
        };
        assert!(section("unanswered").contains("問 2") && !section("unanswered").contains("問 1"));
        assert!(section("flagged").contains("問 1") && !section("flagged").contains("問 2"));
        assert!(section("needs-look").contains("問 1"));
        assert!(
            !html.contains("submit-dialog"),
            "asks only after the button: {html}"
        );
    }
}
