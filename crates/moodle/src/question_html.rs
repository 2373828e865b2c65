//! A quiz question's HTML form → a native [`Question`], and an [`Answer`] → the form fields to
//! post back (§6.6–§6.8, §6.11).
//!
//! Moodle sends each question as the HTML its renderer would put in the page. Like the Moodle App,
//! Juko reads that form instead of showing it: the inputs named `q{uniqueid}:{slot}_…` carry the
//! choices, the current answer and the sequence check. The HTML is parsed with the HTML
//! standard's algorithm, so any string yields a tree: by `scraper` (html5ever) natively, by the
//! browser's own `DOMParser` on the web (see [`dom`]); one reading logic, here, runs over both.
//! What the tree must hold is checked here, and anything missing is a [`QuestionProblem`], never
//! a panic.
//!
//! Only inputs whose names carry this question's own prefix are read: a form field named for
//! another attempt or slot is ignored, so a hostile page cannot make the app answer elsewhere.

use dom::{Child, Dom};
use juko_model::{
    Answer, Choice, ChoiceKey, Outcome, Question, QuestionKind, QuestionState, UnsupportedReason,
};
use std::collections::{HashMap, HashSet};

#[cfg(target_arch = "wasm32")]
mod browser;
mod dom;
#[cfg(not(target_arch = "wasm32"))]
mod native;
use std::fmt::Write as _;

/// Larger question HTML is refused before parsing. Real questions are a few KB; inline images
/// (data URLs) can reach a few hundred KB.
pub const MAX_QUESTION_HTML: usize = 4 * 1024 * 1024;

/// Why a question's HTML could not be read. Messages name what is missing, never echo the HTML.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionProblem {
    #[error("the question HTML is larger than {MAX_QUESTION_HTML} bytes")]
    TooLarge,
    #[error("the question has no sequence check")]
    NoSequenceCheck,
    #[error("the question's sequence check is not a number")]
    BadSequenceCheck,
    #[error("the sequence check in the HTML ({html}) differs from the site's ({field})")]
    SequenceCheckMismatch { html: u32, field: u32 },
    #[error("the question has no text")]
    NoText,
    #[error("the question has no answer inputs")]
    NoInputs,
    #[error("the choice {0} has no label")]
    UnlabelledChoice(usize),
    #[error("a true/false input has a value other than 1 or 0")]
    BadTrueFalse,
    /// Only where the browser parses: it refused to (it never does for a string in practice).
    #[error("the question HTML could not be parsed")]
    Unparsable,
}

/// The fields Moodle sends with each question of `mod_quiz_get_attempt_data` / `_review` that
/// the parser needs besides the HTML.
#[derive(Clone, Debug, Default)]
pub struct QuestionFields<'a> {
    /// The attempt's `uniqueid` (the question usage id): the `U` of `q{U}:{S}_`.
    pub uniqueid: i64,
    pub slot: u32,
    /// `type`: the question type; empty when the page is not accessible yet.
    pub qtype: &'a str,
    /// `questionnumber` (4.2+), else `number`.
    pub number: Option<String>,
    pub html: &'a str,
    pub sequencecheck: Option<u32>,
    pub flagged: bool,
    /// `stateclass` (`notyetanswered`, `answersaved`, `correct`, …).
    pub stateclass: Option<&'a str>,
    /// `status`: the site's words for the state.
    pub status: Option<&'a str>,
}

/// The prefix of every form field of a question: `q{uniqueid}:{slot}_`.
fn field_prefix(uniqueid: i64, slot: u32) -> String {
    format!("q{uniqueid}:{slot}_")
}

/// Reads one question. Unknown types and behaviours become [`QuestionKind::Unsupported`], so
/// only a question whose HTML lacks what every Moodle question has is an error.
pub fn parse_question(fields: &QuestionFields<'_>) -> Result<Question, QuestionProblem> {
    if fields.html.len() > MAX_QUESTION_HTML {
        return Err(QuestionProblem::TooLarge);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let doc = native::parse(fields.html);
        read(&native::Fragment::new(&doc), fields)
    }
    #[cfg(target_arch = "wasm32")]
    {
        read(&browser::Fragment::parse(fields.html)?, fields)
    }
}

/// The reading itself, the same over either parser.
fn read<D: Dom>(dom: &D, fields: &QuestionFields<'_>) -> Result<Question, QuestionProblem> {
    let prefix = field_prefix(fields.uniqueid, fields.slot);
    let elements = dom.elements();

    let sequence_check = sequence_check(dom, &elements, &prefix)?;
    if let Some(field) = fields.sequencecheck
        && field != sequence_check
    {
        return Err(QuestionProblem::SequenceCheckMismatch {
            html: sequence_check,
            field,
        });
    }
    let text_html = dom
        .first_with_class("qtext")
        .map(|t| dom.inner_html(&t))
        .ok_or(QuestionProblem::NoText)?;
    let inputs = own_inputs(dom, &elements, &prefix);
    let kind = kind(dom, &elements, fields.qtype, &prefix, &inputs)?;
    let read_only = inputs
        .iter()
        .any(|i| i.attr("disabled").is_some() || i.attr("readonly").is_some());
    let feedback_html = outcome_feedback(dom, &elements).map(|f| dom.inner_html(&f));

    Ok(Question {
        slot: fields.slot,
        number: fields.number.clone().filter(|n| !n.is_empty()),
        text_html,
        kind,
        state: state(fields.stateclass),
        status: fields.status.unwrap_or_default().to_owned(),
        flagged: fields.flagged,
        sequence_check,
        read_only,
        feedback_html,
    })
}

/// The form fields that record `answer` for `question`, sequence check first, as `(name, value)`
/// pairs for `data[i][name]` / `data[i][value]` of `mod_quiz_save_attempt` and
/// `mod_quiz_process_attempt` (see [`crate::Value::name_values`]). The flag is never sent
/// (the App uses `core_question_update_flag`). `None` when the answer does not fit the question
/// (another kind, or a choice the question does not have): nothing should be sent then.
pub fn answer_fields(
    uniqueid: i64,
    question: &Question,
    answer: &Answer,
) -> Option<Vec<(String, String)>> {
    let prefix = field_prefix(uniqueid, question.slot);
    let mut fields = vec![(
        format!("{prefix}:sequencecheck"),
        question.sequence_check.to_string(),
    )];
    let has = |choices: &[Choice], key: &ChoiceKey| choices.iter().any(|c| &c.key == key);
    match (&question.kind, answer) {
        (QuestionKind::SingleChoice { choices }, Answer::Choice(chosen)) => {
            // `-1` is Moodle's "clear my choice"; an empty value would select the first choice.
            let value = match chosen {
                Some(key) if has(choices, key) => key.0.clone(),
                Some(_) => return None,
                None => "-1".to_owned(),
            };
            fields.push((format!("{prefix}answer"), value));
        }
        (QuestionKind::MultipleChoice { choices }, Answer::Choices(chosen)) => {
            if !chosen.iter().all(|k| has(choices, k)) {
                return None;
            }
            for choice in choices {
                let on = chosen.contains(&choice.key);
                fields.push((
                    format!("{prefix}choice{}", choice.key.0),
                    if on { "1" } else { "0" }.to_owned(),
                ));
            }
        }
        (QuestionKind::TrueFalse { .. }, Answer::TrueFalse(value)) => {
            // True/false has no "clear": unanswered sends only the sequence check.
            if let Some(value) = value {
                fields.push((format!("{prefix}answer"), u8::from(*value).to_string()));
            }
        }
        (QuestionKind::ShortAnswer { .. }, Answer::Text(text)) => {
            fields.push((format!("{prefix}answer"), text.clone()));
        }
        _ => return None,
    }
    Some(fields)
}

/// An element with its tag name and attributes read once: the parser asks each input many times.
#[derive(Clone)]
struct Input<E> {
    element: E,
    name: String,
    attrs: HashMap<&'static str, String>,
}

/// The attributes the parser reads from an input.
const INPUT_ATTRS: &[&str] = &[
    "name",
    "type",
    "value",
    "checked",
    "disabled",
    "readonly",
    "id",
    "aria-labelledby",
];

impl<E: Clone> Input<E> {
    fn read<D: Dom<Element = E>>(dom: &D, element: &E) -> Input<E> {
        let attrs = INPUT_ATTRS
            .iter()
            .filter_map(|&a| dom.attr(element, a).map(|v| (a, v)))
            .collect();
        Input {
            element: element.clone(),
            name: dom.name(element),
            attrs,
        }
    }
}

impl<E> Input<E> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
}

/// The first `input` named `{prefix}:sequencecheck`, and its value.
fn sequence_check<D: Dom>(
    dom: &D,
    elements: &[D::Element],
    prefix: &str,
) -> Result<u32, QuestionProblem> {
    let name = format!("{prefix}:sequencecheck");
    let input = elements
        .iter()
        .find(|e| dom.name(e) == "input" && dom.attr(e, "name").as_deref() == Some(name.as_str()))
        .ok_or(QuestionProblem::NoSequenceCheck)?;
    dom.attr(input, "value")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(QuestionProblem::BadSequenceCheck)
}

/// The inputs of this question's own answer fields (`{prefix}name`): not its control fields
/// (`:sequencecheck`, `:flagged`), not another question's.
fn own_inputs<D: Dom>(dom: &D, elements: &[D::Element], prefix: &str) -> Vec<Input<D::Element>> {
    elements
        .iter()
        .filter(|e| {
            matches!(
                dom.name(e).as_str(),
                "input" | "textarea" | "select" | "button"
            )
        })
        .map(|e| Input::read(dom, e))
        .filter(|i| {
            i.attr("name")
                .and_then(|n| n.strip_prefix(prefix))
                .is_some_and(|rest| !rest.starts_with(':'))
        })
        .collect()
}

/// The site's feedback on the answer (review): `.outcome .feedback`.
fn outcome_feedback<D: Dom>(dom: &D, elements: &[D::Element]) -> Option<D::Element> {
    elements.iter().find_map(|e| {
        if !dom.has_class(e, "feedback") {
            return None;
        }
        let mut up = dom.parent(e);
        while let Some(p) = up {
            if dom.has_class(&p, "outcome") {
                return Some(e.clone());
            }
            up = dom.parent(&p);
        }
        None
    })
}

fn kind<D: Dom>(
    dom: &D,
    elements: &[D::Element],
    qtype: &str,
    prefix: &str,
    inputs: &[Input<D::Element>],
) -> Result<QuestionKind, QuestionProblem> {
    let unsupported = |reason| QuestionKind::Unsupported {
        site_kind: qtype.chars().take(64).collect(),
        reason,
    };
    if qtype.is_empty() {
        return Ok(unsupported(UnsupportedReason::NotAccessible));
    }
    if !matches!(qtype, "multichoice" | "truefalse" | "shortanswer") {
        return Ok(unsupported(UnsupportedReason::Kind));
    }
    // Behaviour fields (`{prefix}-submit`, `-certainty`, …) mean a behaviour Juko does not drive.
    if inputs.iter().any(|i| {
        i.attr("name")
            .and_then(|n| n.strip_prefix(prefix))
            .is_some_and(|rest| rest.starts_with('-'))
    }) {
        return Ok(unsupported(UnsupportedReason::Behaviour));
    }
    let answer_name = format!("{prefix}answer");
    let of_type = |t: &str| -> Vec<&Input<D::Element>> {
        inputs
            .iter()
            .filter(|i| i.name == "input" && i.attr("type") == Some(t))
            .collect()
    };
    match qtype {
        "multichoice" => {
            let radios: Vec<_> = of_type("radio")
                .into_iter()
                .filter(|r| r.attr("name") == Some(answer_name.as_str()))
                // `-1` is the hidden "clear my choice" radio, not a choice.
                .filter(|r| r.attr("value") != Some("-1"))
                .collect();
            if !radios.is_empty() {
                let choices = choices(dom, elements, &radios, |r| r.attr("value"))?;
                return Ok(QuestionKind::SingleChoice { choices });
            }
            let boxes: Vec<_> = of_type("checkbox")
                .into_iter()
                .filter(|c| choice_index(c, prefix).is_some())
                .collect();
            if boxes.is_empty() {
                return Err(QuestionProblem::NoInputs);
            }
            let choices = choices(dom, elements, &boxes, |c| choice_index(c, prefix))?;
            Ok(QuestionKind::MultipleChoice { choices })
        }
        "truefalse" => {
            let mut seen = false;
            let mut answer = None;
            for radio in of_type("radio") {
                if radio.attr("name") != Some(answer_name.as_str()) {
                    continue;
                }
                let value = match radio.attr("value") {
                    Some("1") => true,
                    Some("0") => false,
                    _ => return Err(QuestionProblem::BadTrueFalse),
                };
                seen = true;
                if radio.attr("checked").is_some() {
                    answer = Some(value);
                }
            }
            if !seen {
                return Err(QuestionProblem::NoInputs);
            }
            Ok(QuestionKind::TrueFalse { answer })
        }
        _ => {
            let text = of_type("text")
                .into_iter()
                .find(|t| t.attr("name") == Some(answer_name.as_str()))
                .ok_or(QuestionProblem::NoInputs)?;
            Ok(QuestionKind::ShortAnswer {
                answer: text.attr("value").unwrap_or_default().to_owned(),
            })
        }
    }
}

/// `n` of a multiple-answer checkbox named `{prefix}choice{n}` (digits only).
fn choice_index<'i, E>(input: &'i Input<E>, prefix: &str) -> Option<&'i str> {
    let n = input
        .attr("name")?
        .strip_prefix(prefix)?
        .strip_prefix("choice")?;
    (!n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
}

fn choices<'i, D: Dom>(
    dom: &D,
    elements: &[D::Element],
    inputs: &[&'i Input<D::Element>],
    key: impl Fn(&'i Input<D::Element>) -> Option<&'i str>,
) -> Result<Vec<Choice>, QuestionProblem> {
    let labels = Labels::index(dom, elements);
    let mut seen = HashSet::new();
    let mut out: Vec<Choice> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(key) = key(input) else { continue };
        // A repeated key (a second input for the same choice) adds nothing.
        if !seen.insert(key) {
            continue;
        }
        let label = labels
            .of(dom, input)
            .ok_or(QuestionProblem::UnlabelledChoice(i))?;
        out.push(Choice {
            key: ChoiceKey(key.to_owned()),
            numbering: dom
                .descendants(&label)
                .iter()
                .find(|n| dom.has_class(n, "answernumber"))
                .map(|n| dom.text(n).trim().to_owned())
                .filter(|n| !n.is_empty()),
            label_html: inner_html_without_numbering(dom, &label).trim().to_owned(),
            selected: input.attr("checked").is_some(),
            outcome: dom
                .parent(&input.element)
                .and_then(|row| outcome_of(dom, &row)),
        });
    }
    if out.is_empty() {
        return Err(QuestionProblem::NoInputs);
    }
    Ok(out)
}

/// Where choices' labels are, indexed once (a hostile page may hold many inputs).
struct Labels<E> {
    by_id: HashMap<String, E>,
    by_for: HashMap<String, E>,
}

impl<E: Clone> Labels<E> {
    fn index<D: Dom<Element = E>>(dom: &D, elements: &[E]) -> Self {
        let mut by_id = HashMap::new();
        let mut by_for = HashMap::new();
        for e in elements {
            // The first element with an id wins, as `getElementById` has it.
            if let Some(id) = dom.attr(e, "id") {
                by_id.entry(id).or_insert_with(|| e.clone());
            }
            if let Some(target) = dom.attr(e, "for")
                && dom.name(e) == "label"
            {
                by_for.entry(target).or_insert_with(|| e.clone());
            }
        }
        Labels { by_id, by_for }
    }

    /// The choice's label: the element named by `aria-labelledby` (Moodle 4.x), else
    /// `label[for=id]` (older sites, true/false). Never the input itself.
    fn of<D: Dom<Element = E>>(&self, dom: &D, input: &Input<E>) -> Option<E> {
        let labelled = input
            .attr("aria-labelledby")
            .and_then(|id| self.by_id.get(id))
            .filter(|l| !dom.same(l, &input.element));
        labelled
            .or_else(|| self.by_for.get(input.attr("id")?))
            .cloned()
    }
}

/// How the site marked a choice (review): the class of the choice's row.
fn outcome_of<D: Dom>(dom: &D, row: &D::Element) -> Option<Outcome> {
    if dom.has_class(row, "partiallycorrect") {
        Some(Outcome::PartiallyCorrect)
    } else if dom.has_class(row, "incorrect") {
        Some(Outcome::Incorrect)
    } else if dom.has_class(row, "correct") {
        Some(Outcome::Correct)
    } else {
        None
    }
}

/// The label's HTML without its `.answernumber` ("a. "), which [`Choice::numbering`] holds.
fn inner_html_without_numbering<D: Dom>(dom: &D, label: &D::Element) -> String {
    let mut html = String::new();
    for child in dom.children(label) {
        match child {
            Child::Element(e) if dom.has_class(&e, "answernumber") => {}
            Child::Element(e) => html.push_str(&dom.outer_html(&e)),
            Child::Text(t) => escape_text(&mut html, &t),
            Child::Other => {}
        }
    }
    html
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => {
                let _ = out.write_char(c);
            }
        }
    }
}

/// The state from Moodle's `stateclass` (`question_state::get_state_class`).
fn state(stateclass: Option<&str>) -> QuestionState {
    match stateclass.unwrap_or_default() {
        "notyetanswered" => QuestionState::NotYetAnswered,
        "answersaved" => QuestionState::Answered,
        "invalidanswer" => QuestionState::Invalid,
        "requiresgrading" => QuestionState::NeedsGrading,
        "notanswered" => QuestionState::NotAnswered,
        "complete" => QuestionState::Finished,
        "correct" => QuestionState::Graded(Outcome::Correct),
        "partiallycorrect" => QuestionState::Graded(Outcome::PartiallyCorrect),
        "incorrect" => QuestionState::Graded(Outcome::Incorrect),
        _ => QuestionState::Other,
    }
}
