//! The attempt's questions by number, each marked answered, flagged or needing a look; a tap
//! goes to it.

use super::{has_answer, question_label};
use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;
use juko_model::Question;

#[component]
pub fn QuestionNav(
    lang: Lang,
    questions: Vec<Question>,
    /// Slots of the attempt not reached yet (sequential navigation): numbered, not reachable.
    #[props(default)]
    ahead: Vec<u32>,
    /// Slots whose answer changed elsewhere and needs the learner's look.
    needs_look: Vec<u32>,
    /// The slot on screen, if one is.
    current: Option<u32>,
    on_go: EventHandler<u32>,
) -> Element {
    rsx! {
        nav { class: "question-nav", "aria-label": lang.tr(Msg::QuestionNavigation), "data-testid": "question-nav",
            ol {
                for q in questions.iter() {
                    {
                        let slot = q.slot;
                        let answered = has_answer(q);
                        let look = needs_look.contains(&slot);
                        let mut class = String::from("nav-number");
                        for (on, name) in [(answered, " answered"), (q.flagged, " flagged"), (look, " needs-look"), (current == Some(slot), " current")] {
                            if on {
                                class.push_str(name);
                            }
                        }
                        let label = describe(lang, q, answered, look);
                        rsx! {
                            li { key: "{slot}",
                                button {
                                    class: "{class}",
                                    "data-testid": "nav-question",
                                    "data-slot": "{slot}",
                                    "aria-current": if current == Some(slot) { "step" } else { "false" },
                                    "aria-label": "{label}",
                                    title: "{label}",
                                    onclick: move |_| on_go.call(slot),
                                    {question_label(q)}
                                }
                            }
                        }
                    }
                }
                for slot in ahead.iter().copied() {
                    li { key: "{slot}",
                        button {
                            class: "nav-number ahead",
                            "data-testid": "nav-question",
                            "data-slot": "{slot}",
                            "data-ahead": "true",
                            disabled: true,
                            "aria-label": "{ahead_label(lang, slot)}",
                            title: "{ahead_label(lang, slot)}",
                            "{slot}"
                        }
                    }
                }
            }
        }
    }
}

/// "問 3（まだ表示されていません）": a question the attempt has not reached yet.
fn ahead_label(lang: Lang, slot: u32) -> String {
    let number = lang.question_number(&slot.to_string());
    match lang {
        Lang::Ja => format!("{number}（{}）", lang.tr(Msg::NotReached)),
        Lang::En => format!("{number} ({})", lang.tr(Msg::NotReached)),
    }
}

/// "問 3（解答済み・見直し）": the number and its marks, for screen readers and tooltips.
fn describe(lang: Lang, q: &Question, answered: bool, look: bool) -> String {
    let mut marks = vec![lang.tr(if answered {
        Msg::Answered
    } else {
        Msg::NotAnswered
    })];
    if q.flagged {
        marks.push(lang.tr(Msg::Flagged));
    }
    if look {
        marks.push(lang.tr(Msg::NeedsLookQuestions));
    }
    let number = lang.question_number(&question_label(q));
    match lang {
        Lang::Ja => format!("{number}（{}）", marks.join("・")),
        Lang::En => format!("{number} ({})", marks.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use juko_model::QuestionKind;

    #[test]
    fn numbers_carry_their_marks() {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            questions: Vec<Question>,
        }
        fn app(p: P) -> Element {
            rsx! { QuestionNav { lang: Lang::Ja, questions: p.questions, needs_look: vec![3], current: Some(2), on_go: |_| {} } }
        }
        let answered = question(1, QuestionKind::TrueFalse { answer: Some(true) });
        let mut flagged = question(
            2,
            QuestionKind::ShortAnswer {
                answer: String::new(),
            },
        );
        flagged.flagged = true;
        let look = question(3, QuestionKind::TrueFalse { answer: None });
        let mut dom = VirtualDom::new_with_props(
            app,
            P {
                questions: vec![answered, flagged, look],
            },
        );
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        assert!(html.contains("nav-number answered\""), "{html}");
        assert!(html.contains("nav-number flagged current\""), "{html}");
        assert!(html.contains("nav-number needs-look\""), "{html}");
        assert!(html.contains("問 2（未解答・見直し）"), "{html}");
    }
}
