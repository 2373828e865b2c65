//! A quiz question's HTML form → a native [`Question`], and an [`Answer`] → the form fields to
//! post back (§6.6–§6.8, §6.11).
//!
//! Moodle sends each question as the HTML its renderer would put in the page. Like the Moodle App,
//! Juko reads that form instead of showing it: the inputs named `q{uniqueid}:{slot}_…` carry the
//! choices, the current answer and the sequence check. The HTML is parsed with `scraper`
//! (html5ever, the browsers' parsing algorithm), so any string yields a tree; what the tree must
//! hold is checked here, and anything missing is a [`QuestionProblem`], never a panic.
//!
//! Only inputs whose names carry this question's own prefix are read: a form field named for
//! another attempt or slot is ignored, so a hostile page cannot make the app answer elsewhere.

use juko_model::{
    Answer, Choice, ChoiceKey, Outcome, Question, QuestionKind, QuestionState, UnsupportedReason,
};
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{HashMap, HashSet};
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
    let mut doc = Html::parse_fragment(fields.html);
    remove_scripts(&mut doc);
    let root = doc.root_element();
    let prefix = field_prefix(fields.uniqueid, fields.slot);

    let sequence_check = sequence_check(root, &prefix)?;
    if let Some(field) = fields.sequencecheck
        && field != sequence_check
    {
        return Err(QuestionProblem::SequenceCheckMismatch {
            html: sequence_check,
            field,
        });
    }
    let text_html = root
        .select(&sel(".qtext"))
        .next()
        .ok_or(QuestionProblem::NoText)?
        .inner_html();
    let inputs = own_inputs(root, &prefix);
    let kind = kind(root, fields.qtype, &prefix, &inputs)?;
    let read_only = inputs
        .iter()
        .any(|i| i.attr("disabled").is_some() || i.attr("readonly").is_some());
    let feedback_html = root
        .select(&sel(".outcome .feedback"))
        .next()
        .map(|f| f.inner_html());

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

fn sel(css: &str) -> Selector {
    // Only called with the constant selectors of this module, which the tests exercise.
    Selector::parse(css).expect("a valid constant selector")
}

/// Scripts are not part of the question (Moodle appends its page's init code; filters may add
/// more): they go before anything is read or kept.
fn remove_scripts(doc: &mut Html) {
    let scripts: Vec<_> = doc.select(&sel("script")).map(|s| s.id()).collect();
    for id in scripts {
        if let Some(mut node) = doc.tree.get_mut(id) {
            node.detach();
        }
    }
}

fn sequence_check(root: ElementRef<'_>, prefix: &str) -> Result<u32, QuestionProblem> {
    let name = format!("{prefix}:sequencecheck");
    let input = root
        .select(&sel("input"))
        .find(|i| i.attr("name") == Some(name.as_str()))
        .ok_or(QuestionProblem::NoSequenceCheck)?;
    input
        .attr("value")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(QuestionProblem::BadSequenceCheck)
}

/// The inputs of this question's own answer fields (`{prefix}name`): not its control fields
/// (`:sequencecheck`, `:flagged`), not another question's.
fn own_inputs<'a>(root: ElementRef<'a>, prefix: &str) -> Vec<ElementRef<'a>> {
    root.select(&sel("input, textarea, select, button"))
        .filter(|i| {
            i.attr("name")
                .and_then(|n| n.strip_prefix(prefix))
                .is_some_and(|rest| !rest.starts_with(':'))
        })
        .collect()
}

fn kind(
    root: ElementRef<'_>,
    qtype: &str,
    prefix: &str,
    inputs: &[ElementRef<'_>],
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
    let of_type = |t: &str| -> Vec<ElementRef<'_>> {
        inputs
            .iter()
            .filter(|i| i.value().name() == "input" && i.attr("type") == Some(t))
            .copied()
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
                let choices = choices(root, &radios, |r| r.attr("value"))?;
                return Ok(QuestionKind::SingleChoice { choices });
            }
            let boxes: Vec<_> = of_type("checkbox")
                .into_iter()
                .filter(|c| choice_index(c, prefix).is_some())
                .collect();
            if boxes.is_empty() {
                return Err(QuestionProblem::NoInputs);
            }
            let choices = choices(root, &boxes, |c| choice_index(c, prefix))?;
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
fn choice_index<'a>(input: &ElementRef<'a>, prefix: &str) -> Option<&'a str> {
    let n = input
        .attr("name")?
        .strip_prefix(prefix)?
        .strip_prefix("choice")?;
    (!n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
}

fn choices<'a>(
    root: ElementRef<'a>,
    inputs: &[ElementRef<'a>],
    key: impl Fn(&ElementRef<'a>) -> Option<&'a str>,
) -> Result<Vec<Choice>, QuestionProblem> {
    let labels = Labels::index(root);
    let mut seen = HashSet::new();
    let mut out: Vec<Choice> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(key) = key(input) else { continue };
        // A repeated key (a second input for the same choice) adds nothing.
        if !seen.insert(key) {
            continue;
        }
        let label = labels
            .of(input)
            .ok_or(QuestionProblem::UnlabelledChoice(i))?;
        out.push(Choice {
            key: ChoiceKey(key.to_owned()),
            numbering: label
                .select(&sel(".answernumber"))
                .next()
                .map(|n| n.text().collect::<String>().trim().to_owned())
                .filter(|n| !n.is_empty()),
            label_html: inner_html_without_numbering(label).trim().to_owned(),
            selected: input.attr("checked").is_some(),
            outcome: input
                .parent()
                .and_then(ElementRef::wrap)
                .and_then(outcome_of),
        });
    }
    if out.is_empty() {
        return Err(QuestionProblem::NoInputs);
    }
    Ok(out)
}

/// Where choices' labels are, indexed once (a hostile page may hold many inputs).
struct Labels<'a> {
    by_id: HashMap<&'a str, ElementRef<'a>>,
    by_for: HashMap<&'a str, ElementRef<'a>>,
}

impl<'a> Labels<'a> {
    fn index(root: ElementRef<'a>) -> Self {
        let mut by_id = HashMap::new();
        let mut by_for = HashMap::new();
        for e in root.descendent_elements() {
            // The first element with an id wins, as `getElementById` has it.
            if let Some(id) = e.attr("id") {
                by_id.entry(id).or_insert(e);
            }
            if e.value().name() == "label"
                && let Some(target) = e.attr("for")
            {
                by_for.entry(target).or_insert(e);
            }
        }
        Labels { by_id, by_for }
    }

    /// The choice's label: the element named by `aria-labelledby` (Moodle 4.x), else
    /// `label[for=id]` (older sites, true/false). Never the input itself.
    fn of(&self, input: &ElementRef<'a>) -> Option<ElementRef<'a>> {
        let labelled = input
            .attr("aria-labelledby")
            .and_then(|id| self.by_id.get(id))
            .filter(|l| l.id() != input.id());
        labelled
            .or_else(|| self.by_for.get(input.attr("id")?))
            .copied()
    }
}

/// How the site marked a choice (review): the class of the choice's row.
fn outcome_of(row: ElementRef<'_>) -> Option<Outcome> {
    let classes: Vec<_> = row.value().classes().collect();
    if classes.contains(&"partiallycorrect") {
        Some(Outcome::PartiallyCorrect)
    } else if classes.contains(&"incorrect") {
        Some(Outcome::Incorrect)
    } else if classes.contains(&"correct") {
        Some(Outcome::Correct)
    } else {
        None
    }
}

/// The label's HTML without its `.answernumber` ("a. "), which [`Choice::numbering`] holds.
fn inner_html_without_numbering(label: ElementRef<'_>) -> String {
    let mut html = String::new();
    for child in label.children() {
        match child.value() {
            Node::Element(e) if e.classes().any(|c| c == "answernumber") => {}
            Node::Element(_) => {
                if let Some(el) = ElementRef::wrap(child) {
                    html.push_str(&el.html());
                }
            }
            Node::Text(t) => escape_text(&mut html, t),
            _ => {}
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
