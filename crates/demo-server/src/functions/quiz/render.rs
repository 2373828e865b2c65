//! Questions as Moodle 4.5 renders them (`core_question_renderer` with the multichoice,
//! true/false, short-answer and essay renderers, Bootstrap 5 utility classes), and the
//! question structure of `get_attempt_data`, `_summary` and `_review`.
//!
//! Form fields are named `q{usage}:{slot}_…`; choices carry their index in the attempt's own
//! order, never an answer id. Right or wrong (row classes, icons, feedback, the right
//! answer, `state`, `mark`) is written only for a finished question and only where the
//! display options allow it.

use std::fmt::Write as _;

use serde::Serialize;

use super::attempt::{self, Loaded, Questions, page_of, pages};
use super::engine::{Kind, QuestionAttempt, state, ticks};
use super::review::{Display, MARK_AND_MAX, MAX_ONLY};
use crate::db::{AnswerRow, QuizRow};
use crate::html::escape_html as escape;

/// `question_structure()`, in its declared order.
#[derive(Debug, Serialize)]
pub(super) struct QuestionData {
    slot: i64,
    #[serde(rename = "type")]
    qtype: String,
    page: i64,
    questionnumber: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<i64>,
    html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsefileareas: Option<Vec<serde_json::Value>>,
    sequencecheck: i64,
    lastactiontime: i64,
    hasautosavedstep: bool,
    flagged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    stateclass: &'static str,
    status: &'static str,
    blockedbyprevious: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maxmark: Option<f64>,
    /// Present (as null) whenever the question itself is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<Option<String>>,
}

/// Where a question is shown and how.
pub(super) struct Place<'a> {
    pub(super) usage: i64,
    /// 0-based attempt page.
    pub(super) page: i64,
    pub(super) number: &'a str,
    /// The learner may see the question now (sequential navigation hides pages ahead).
    pub(super) visible: bool,
    pub(super) decimalpoints: usize,
}

/// The attempt's questions as `questions[]` (those of `only_page`, or all), numbered, shown
/// as `display` allows; `visible(page)` says whether a page's questions may be seen at all.
pub(super) fn questions_data(
    loaded: &Loaded,
    questions: &Questions,
    only_page: Option<i64>,
    display: Display,
    visible: impl Fn(i64) -> bool,
) -> Vec<QuestionData> {
    let attempt = &loaded.attempt;
    let layout = pages(&attempt.layout);
    let decimalpoints = decimals(&loaded.open.quiz);
    questions
        .all()
        .iter()
        .filter_map(|qa| {
            let page = page_of(&layout, qa.row.slot);
            if only_page.is_some_and(|p| p != page) {
                return None;
            }
            let number = attempt::number_of(questions, qa.row.slot);
            let place = Place {
                usage: attempt.uniqueid,
                page,
                number: &number,
                visible: visible(page),
                decimalpoints,
            };
            Some(question_data(qa, &place, display))
        })
        .collect()
}

/// `questiondecimalpoints`, or the quiz's `decimalpoints` when it is -1.
fn decimals(quiz: &QuizRow) -> usize {
    let points = if quiz.questiondecimalpoints >= 0 {
        quiz.questiondecimalpoints
    } else {
        quiz.decimalpoints
    };
    usize::try_from(points).unwrap_or(2)
}

/// One question of `questions[]`.
pub(super) fn question_data(
    qa: &QuestionAttempt<'_>,
    place: &Place<'_>,
    quiz: Display,
) -> QuestionData {
    let finished = qa.is_finished();
    let display = quiz.for_question(finished);
    let showcorrectness = display.correctness && qa.row.maxmark > 0.0;
    let (stateclass, status) = state_words(qa.state(), showcorrectness);
    let html = place
        .visible
        .then(|| html(qa, place, display, stateclass, status));
    QuestionData {
        slot: qa.row.slot,
        qtype: if place.visible {
            qa.question.qtype.clone()
        } else {
            String::new()
        },
        page: place.page,
        questionnumber: place.number.to_owned(),
        number: place.number.parse().ok(),
        html: html.unwrap_or_default(),
        responsefileareas: place.visible.then(Vec::new),
        sequencecheck: qa.sequence_check(),
        lastactiontime: qa.last_step().map_or(0, |s| s.timecreated),
        hasautosavedstep: qa.row.autosaved.is_some(),
        flagged: qa.row.flagged,
        state: showcorrectness.then(|| qa.state().to_owned()),
        stateclass,
        status,
        blockedbyprevious: false,
        mark: (display.marks >= MARK_AND_MAX).then(|| {
            qa.mark()
                .map(|m| format!("{m:.*}", place.decimalpoints))
                .unwrap_or_default()
        }),
        maxmark: (display.marks >= MAX_ONLY).then_some(qa.row.maxmark),
        settings: place.visible.then_some(None),
    }
}

/// `question_state::get_state_class` and its words (`default_string`).
fn state_words(state: &str, showcorrectness: bool) -> (&'static str, &'static str) {
    match state {
        state::TODO => ("notyetanswered", "Not yet answered"),
        state::COMPLETE => ("answersaved", "Answer saved"),
        state::GAVE_UP => ("notanswered", "Not answered"),
        state::NEEDS_GRADING => ("requiresgrading", "Requires grading"),
        _ if !showcorrectness => ("complete", "Complete"),
        state::GRADED_RIGHT => ("correct", "Correct"),
        state::GRADED_PARTIAL => ("partiallycorrect", "Partially correct"),
        _ => ("incorrect", "Incorrect"),
    }
}

/// `core_question_renderer::question()`.
fn html(
    qa: &QuestionAttempt<'_>,
    place: &Place<'_>,
    display: Display,
    stateclass: &str,
    status: &str,
) -> String {
    let (usage, slot) = (place.usage, qa.row.slot);
    let prefix = format!("q{usage}:{slot}_");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<div id="question-{usage}-{slot}" class="que {qtype} {behaviour} {stateclass}"><div class="info"><h3 class="no">Question <span class="qno">{number}</span></h3><div class="state">{status}</div>"#,
        qtype = qa.question.qtype,
        behaviour = qa.kind.behaviour(),
        number = escape(place.number),
    );
    if let Some(grade) = mark_summary(qa, display, place.decimalpoints) {
        let _ = write!(out, r#"<div class="grade">{grade}</div>"#);
    }
    let flagged = qa.row.flagged;
    let _ = write!(
        out,
        r#"<div class="questionflag editable" aria-atomic="true" aria-relevant="text" aria-live="assertive"><input type="hidden" name="{prefix}:flagged" value="{value}" /><input type="checkbox" id="{prefix}:flaggedcheckbox" name="{prefix}:flagged" value="1"{checked} /><label id="{prefix}:flaggedlabel" for="{prefix}:flaggedcheckbox"><span class="icon fa fa-regular fa-flag fa-fw"></span><span>{words}</span></label></div></div>"#,
        value = u8::from(flagged),
        checked = if flagged { r#" checked="checked""# } else { "" },
        words = if flagged {
            "Remove flag"
        } else {
            "Flag question"
        },
    );
    let _ = write!(
        out,
        r#"<div class="content"><div class="formulation clearfix"><h4 class="accesshide">Question text</h4><input type="hidden" name="{prefix}:sequencecheck" value="{}" /><div class="qtext">{}</div>"#,
        qa.sequence_check(),
        qa.question.questiontext,
    );
    let response = qa.response();
    match qa.kind {
        Kind::SingleChoice | Kind::MultipleChoice => {
            choices(&mut out, qa, &prefix, place.number, display, &response);
        }
        Kind::TrueFalse => truefalse(&mut out, qa, &prefix, display, &response),
        Kind::ShortAnswer => shortanswer(&mut out, qa, &prefix, display, &response),
        Kind::Essay => essay(&mut out, &prefix, display, &response),
    }
    out.push_str("</div>");
    let outcome = outcome(qa, display, &response);
    if !outcome.is_empty() {
        let _ = write!(
            out,
            r#"<div class="outcome clearfix"><h4 class="accesshide">Feedback</h4><div class="feedback">{outcome}</div></div>"#
        );
    }
    out.push_str("</div></div>");
    out
}

/// `mark_summary`: the mark out of the maximum, where the options show marks.
fn mark_summary(qa: &QuestionAttempt<'_>, display: Display, decimals: usize) -> Option<String> {
    let max = qa.row.maxmark;
    match (display.marks, qa.mark()) {
        (m, Some(mark)) if m >= MARK_AND_MAX => {
            Some(format!("Mark {mark:.decimals$} out of {max:.decimals$}"))
        }
        (m, _) if m >= MAX_ONLY => Some(format!("Marked out of {max:.decimals$}")),
        _ => None,
    }
}

/// Disabled inputs in review.
fn disabled(display: Display) -> &'static str {
    if display.readonly {
        r#" disabled="disabled""#
    } else {
        ""
    }
}

fn checked(on: bool) -> &'static str {
    if on { r#" checked="checked""# } else { "" }
}

/// `feedback_class` and the icon Moodle puts after a marked choice.
fn feedback_mark(fraction: f64) -> (&'static str, &'static str) {
    match state::for_fraction(fraction) {
        state::GRADED_RIGHT => (
            "correct",
            r#" <span class="ms-1"><i class="icon fa fa-check text-success fa-fw " title="Correct" role="img" aria-label="Correct"></i></span>"#,
        ),
        state::GRADED_PARTIAL => (
            "partiallycorrect",
            r#" <span class="ms-1"><i class="icon fa fa-check-square fa-fw " title="Partially correct" role="img" aria-label="Partially correct"></i></span>"#,
        ),
        _ => (
            "incorrect",
            r#" <span class="ms-1"><i class="icon fa fa-remove text-danger fa-fw " title="Incorrect" role="img" aria-label="Incorrect"></i></span>"#,
        ),
    }
}

/// Multiple choice, one answer (radios) or several (checkboxes).
fn choices(
    out: &mut String,
    qa: &QuestionAttempt<'_>,
    prefix: &str,
    number: &str,
    display: Display,
    response: &super::engine::Response,
) {
    let single = qa.kind == Kind::SingleChoice;
    let _ = write!(
        out,
        r#"<fieldset class="ablock no-overflow visual-scroll-x"><legend class="prompt h6 fw-normal"><span class="visually-hidden">Question {}</span>{}</legend><div class="answer">"#,
        escape(number),
        if single {
            "Select one:"
        } else {
            "Select one or more:"
        },
    );
    let chosen = response.get("answer").and_then(|a| a.parse::<usize>().ok());
    for (i, answer) in qa.choices().iter().enumerate() {
        let selected = if single {
            chosen == Some(i)
        } else {
            ticks(response, i)
        };
        let (class, icon) = if display.correctness && selected {
            let (class, icon) = feedback_mark(answer.fraction);
            (format!(" {class}"), icon)
        } else {
            (String::new(), "")
        };
        let id = if single {
            format!("{prefix}answer{i}")
        } else {
            format!("{prefix}choice{i}")
        };
        let (name, value, hidden) = if single {
            (format!("{prefix}answer"), i.to_string(), String::new())
        } else if display.readonly {
            (id.clone(), "1".to_owned(), String::new())
        } else {
            (
                id.clone(),
                "1".to_owned(),
                format!(r#"<input type="hidden" name="{id}" value="0" />"#),
            )
        };
        let _ = write!(
            out,
            r#"<div class="r{row}{class}">{hidden}<input type="{kind}" name="{name}" value="{value}" id="{id}" aria-labelledby="{id}_label"{disabled}{checked} /><div class="d-flex w-auto" id="{id}_label" data-region="answer-label"><span class="answernumber">{letter}. </span><div class="flex-fill ms-1"><p dir="ltr">{text}</p></div></div>{icon} </div>"#,
            row = i % 2,
            kind = if single { "radio" } else { "checkbox" },
            disabled = disabled(display),
            checked = checked(selected),
            letter = char::from(b'a' + (i % 26) as u8),
            text = escape(&answer.answer),
        );
        out.push('\n');
    }
    out.push_str("</div>");
    if single && !display.readonly {
        // The hidden "clear my choice" radio, checked while nothing is chosen.
        let cleared = chosen.is_none();
        let _ = write!(
            out,
            r##"<div id="{prefix}clearchoice" class="qtype_multichoice_clearchoice visually-hidden" aria-hidden="true"><input type="radio" name="{prefix}answer" id="{prefix}answer-1" value="-1" class="visually-hidden" aria-hidden="true"{} /><label for="{prefix}answer-1"><a tabindex="-1" role="button" class="btn btn-link ms-3 mt-n1 mb-n1" href="#">Clear my choice</a></label></div>"##,
            checked(cleared),
        );
    }
    out.push_str("</fieldset>");
}

fn truefalse(
    out: &mut String,
    qa: &QuestionAttempt<'_>,
    prefix: &str,
    display: Display,
    response: &super::engine::Response,
) {
    let answer = response.get("answer").map(String::as_str);
    let choices = qa.choices();
    out.push_str(r#"<fieldset class="ablock"><legend class="prompt h6 fw-normal visually-hidden">Select one:</legend><div class="answer">"#);
    for (row, (value, id, words)) in [("1", "answertrue", "True"), ("0", "answerfalse", "False")]
        .into_iter()
        .enumerate()
    {
        let selected = answer == Some(value);
        let (class, icon) = match choices.get(row) {
            Some(a) if display.correctness && selected => {
                let (class, icon) = feedback_mark(a.fraction);
                (format!(" {class}"), icon)
            }
            _ => (String::new(), ""),
        };
        let _ = write!(
            out,
            r#"<div class="r{row}{class}"><input type="radio" name="{prefix}answer" value="{value}" id="{prefix}{id}"{disabled}{checked} /><label for="{prefix}{id}" class="ms-1">{words}</label>{icon} </div>"#,
            disabled = disabled(display),
            checked = checked(selected),
        );
    }
    out.push_str("</div></fieldset>");
}

fn shortanswer(
    out: &mut String,
    qa: &QuestionAttempt<'_>,
    prefix: &str,
    display: Display,
    response: &super::engine::Response,
) {
    let given = response.get("answer").map_or("", String::as_str);
    let (class, icon) = if display.correctness {
        let fraction = qa.matching_answer(given).map_or(0.0, |a| a.fraction);
        let (class, icon) = feedback_mark(fraction);
        (format!(" {class}"), icon)
    } else {
        (String::new(), "")
    };
    let _ = write!(
        out,
        r#"<div class="ablock d-flex flex-wrap align-items-center"><label for="{prefix}answer">Answer:</label><span class="answer"><input type="text" name="{prefix}answer" id="{prefix}answer" size="80" class="form-control d-inline{class}" value="{value}"{readonly} />{icon}</span></div>"#,
        value = escape(given),
        readonly = if display.readonly {
            r#" readonly="readonly""#
        } else {
            ""
        },
    );
}

fn essay(out: &mut String, prefix: &str, display: Display, response: &super::engine::Response) {
    let text = response.get("answer").map_or("", String::as_str);
    let _ = write!(
        out,
        r#"<div class="ablock"><div class="answer"><div class="qtype_essay_response"><label class="visually-hidden" for="{prefix}answer">Answer text</label><textarea name="{prefix}answer" id="{prefix}answer" rows="15" cols="60" class="qtype_essay_plain form-control"{readonly}>{}</textarea></div></div></div>"#,
        escape(text),
        readonly = if display.readonly {
            r#" readonly="readonly""#
        } else {
            ""
        },
    );
}

/// The feedback of a finished question, as the options allow: the chosen answer's own
/// feedback, the general feedback, the right answer.
fn outcome(
    qa: &QuestionAttempt<'_>,
    display: Display,
    response: &super::engine::Response,
) -> String {
    if !qa.is_finished() {
        return String::new();
    }
    let mut out = String::new();
    if display.feedback {
        for answer in chosen_answers(qa, response) {
            if !answer.feedback.is_empty() {
                let _ = write!(
                    out,
                    r#"<div class="specificfeedback">{}</div>"#,
                    answer.feedback
                );
            }
        }
    }
    if display.generalfeedback && !qa.question.generalfeedback.is_empty() {
        let _ = write!(
            out,
            r#"<div class="generalfeedback">{}</div>"#,
            qa.question.generalfeedback
        );
    }
    if display.rightanswer
        && let Some(right) = right_answer(qa)
    {
        let _ = write!(out, r#"<div class="rightanswer">{right}</div>"#);
    }
    out
}

fn chosen_answers<'a>(
    qa: &QuestionAttempt<'a>,
    response: &super::engine::Response,
) -> Vec<&'a AnswerRow> {
    let choices = qa.choices();
    let answer = response.get("answer").map_or("", String::as_str);
    match qa.kind {
        Kind::SingleChoice => answer
            .parse::<usize>()
            .ok()
            .and_then(|i| choices.get(i).copied())
            .into_iter()
            .collect(),
        Kind::MultipleChoice => choices
            .iter()
            .enumerate()
            .filter(|(i, _)| ticks(response, *i))
            .map(|(_, a)| *a)
            .collect(),
        Kind::TrueFalse => choices
            .get(usize::from(answer != "1"))
            .filter(|_| !answer.is_empty())
            .copied()
            .into_iter()
            .collect(),
        Kind::ShortAnswer => qa.matching_answer(answer).into_iter().collect(),
        Kind::Essay => Vec::new(),
    }
}

/// `correct_response`: the sentence naming the right answer.
fn right_answer(qa: &QuestionAttempt<'_>) -> Option<String> {
    let choices = qa.choices();
    match qa.kind {
        Kind::SingleChoice | Kind::ShortAnswer => {
            // The first of the best answers (a short answer's are in the question's order).
            let mut best: Option<&AnswerRow> = None;
            for answer in &choices {
                if best.is_none_or(|b| answer.fraction > b.fraction) {
                    best = Some(answer);
                }
            }
            best.map(|a| format!("The correct answer is: {}", escape(&a.answer)))
        }
        Kind::MultipleChoice => {
            let right: Vec<String> = choices
                .iter()
                .filter(|a| a.fraction > 0.0)
                .map(|a| escape(&a.answer))
                .collect();
            match right.len() {
                0 => None,
                1 => Some(format!("The correct answer is: {}", right[0])),
                _ => Some(format!("The correct answers are: {}", right.join(", "))),
            }
        }
        Kind::TrueFalse => {
            let truth = choices.first().is_some_and(|a| a.fraction > 0.5);
            Some(format!(
                "The correct answer is '{}'.",
                if truth { "True" } else { "False" }
            ))
        }
        Kind::Essay => None,
    }
}
