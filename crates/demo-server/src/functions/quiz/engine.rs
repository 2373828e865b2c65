//! The question engine, as far as the demo's question types need it: Moodle's
//! `question_usage_by_activity` under the deferred-feedback behaviour (essay: manual grading).
//!
//! A question attempt is a list of steps. Step 0 holds the attempt's own order of the choices
//! (`_order`, answer ids, shuffled per attempt); each real step a response (`complete` or
//! `todo`) or the finish (graded); the autosaved step, at most one, a response saved without
//! a sequence check change. The sequence check is the number of real steps: a submission
//! carrying another number is out of sequence. Only responses and grading live here; the
//! database is `db::quiz_attempt`, the HTML `render`.

use std::collections::BTreeMap;

use crate::db::{QuestionAttemptRow, QuestionRow, StepRow};
use crate::error::{Error, Result};

/// A response: the question-type variables of a step (`answer`, `choice0`, …), without the
/// `q{usage}:{slot}_` prefix.
pub(crate) type Response = BTreeMap<String, String>;

/// Whether a multiple-answer response ticks the choice at `position` (`choice{position}` = 1).
pub(crate) fn ticks(response: &Response, position: usize) -> bool {
    response
        .get(&format!("choice{position}"))
        .is_some_and(|v| v == "1")
}

/// Longest text accepted for a short answer or an essay (characters). Moodle has no limit; the
/// demo refuses more than anyone types, so a hostile client cannot fill the database.
const MAX_TEXT: usize = 10_000;

/// The question types the engine takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortAnswer,
    /// Graded by a teacher: finished attempts wait in `needsgrading`.
    Essay,
}

impl Kind {
    pub(crate) fn of(question: &QuestionRow) -> Kind {
        match (question.qtype.as_str(), question.single) {
            ("multichoice", true) => Kind::SingleChoice,
            ("multichoice", false) => Kind::MultipleChoice,
            ("truefalse", _) => Kind::TrueFalse,
            ("essay", _) => Kind::Essay,
            _ => Kind::ShortAnswer,
        }
    }

    /// The question behaviour in force: the quiz's, except for types that must be graded by hand.
    pub(crate) fn behaviour(self) -> &'static str {
        match self {
            Kind::Essay => "manualgraded",
            _ => "deferredfeedback",
        }
    }
}

/// The step states the engine uses (`question_state`).
pub(crate) mod state {
    pub(crate) const TODO: &str = "todo";
    pub(crate) const COMPLETE: &str = "complete";
    pub(crate) const GAVE_UP: &str = "gaveup";
    pub(crate) const NEEDS_GRADING: &str = "needsgrading";
    pub(crate) const GRADED_RIGHT: &str = "gradedright";
    pub(crate) const GRADED_PARTIAL: &str = "gradedpartial";
    pub(crate) const GRADED_WRONG: &str = "gradedwrong";

    pub(crate) fn is_finished(state: &str) -> bool {
        !matches!(state, TODO | COMPLETE)
    }

    /// `question_state::graded_state_for_fraction`.
    pub(crate) fn for_fraction(fraction: f64) -> &'static str {
        if fraction < 0.000_000_1 {
            GRADED_WRONG
        } else if fraction > 0.999_999_9 {
            GRADED_RIGHT
        } else {
            GRADED_PARTIAL
        }
    }
}

/// A question of an attempt: its definition and its steps.
pub(crate) struct QuestionAttempt<'a> {
    pub(crate) row: &'a QuestionAttemptRow,
    pub(crate) question: &'a QuestionRow,
    pub(crate) kind: Kind,
}

impl<'a> QuestionAttempt<'a> {
    pub(crate) fn new(row: &'a QuestionAttemptRow, question: &'a QuestionRow) -> Self {
        QuestionAttempt {
            row,
            question,
            kind: Kind::of(question),
        }
    }

    /// The sequence check: the number of real steps.
    pub(crate) fn sequence_check(&self) -> i64 {
        self.row.steps.len() as i64
    }

    /// The last step, the autosaved one included (it decides what the learner sees).
    pub(crate) fn last_step(&self) -> Option<&StepRow> {
        self.row.autosaved.as_ref().or(self.row.steps.last())
    }

    pub(crate) fn state(&self) -> &str {
        self.last_step().map_or(state::TODO, |s| s.state.as_str())
    }

    pub(crate) fn is_finished(&self) -> bool {
        state::is_finished(self.state())
    }

    /// The fraction of the mark earned, once graded.
    pub(crate) fn fraction(&self) -> Option<f64> {
        self.row.steps.last().and_then(|s| s.fraction)
    }

    /// The answers in this attempt's order (multiple choice), else in the question's order.
    pub(crate) fn choices(&self) -> Vec<&'a crate::db::AnswerRow> {
        let order = self
            .row
            .steps
            .first()
            .and_then(|s| s.data.get("_order"))
            .map(|o| {
                o.split(',')
                    .filter_map(|id| id.parse::<i64>().ok())
                    .collect::<Vec<_>>()
            });
        match order {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.question.answers.iter().find(|a| a.id == *id))
                .collect(),
            None => self.question.answers.iter().collect(),
        }
    }

    /// The response shown: each variable from the last step holding it, the autosaved step
    /// included (`get_last_qt_var`).
    pub(crate) fn response(&self) -> Response {
        let mut shown = Response::new();
        for step in self.all_steps().rev() {
            for (name, value) in step_response(step) {
                shown.entry(name).or_insert(value);
            }
        }
        shown
    }

    /// The steps, the autosaved one last.
    fn all_steps(&self) -> impl DoubleEndedIterator<Item = &StepRow> {
        self.row.steps.iter().chain(self.row.autosaved.as_ref())
    }

    /// The last step's response: what a new one is compared with (`is_same_response`).
    fn last_response(&self) -> Response {
        self.last_step().map(step_response).unwrap_or_default()
    }

    /// The last real step's response.
    fn last_real_response(&self) -> Response {
        self.row.steps.last().map(step_response).unwrap_or_default()
    }

    /// The response graded at the finish: the last one that is not empty (`get_last_qt_data`).
    fn graded_response(&self) -> Response {
        self.all_steps()
            .rev()
            .map(step_response)
            .find(|r| !r.is_empty())
            .unwrap_or_default()
    }

    /// The names of the response variables this question takes (`get_expected_data`).
    pub(crate) fn expected(&self, name: &str) -> bool {
        match self.kind {
            Kind::MultipleChoice => name
                .strip_prefix("choice")
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n < self.question.answers.len() && name == format!("choice{n}")),
            _ => name == "answer",
        }
    }

    /// Whether a posted value fits the variable. Moodle would clean it into something (a
    /// non-number becomes choice 0); the demo refuses it instead, so nothing unintended is
    /// recorded.
    pub(crate) fn valid_value(&self, value: &str) -> bool {
        match self.kind {
            Kind::SingleChoice => {
                value
                    .parse::<i64>()
                    .is_ok_and(|i| i == -1 || (0..self.question.answers.len() as i64).contains(&i))
                    && !value.starts_with('+')
            }
            Kind::MultipleChoice | Kind::TrueFalse => matches!(value, "0" | "1"),
            Kind::ShortAnswer | Kind::Essay => value.chars().count() <= MAX_TEXT,
        }
    }

    /// `is_complete_response`.
    pub(crate) fn is_complete(&self, response: &Response) -> bool {
        let answer = response.get("answer").map(String::as_str);
        match self.kind {
            Kind::SingleChoice => answer.is_some_and(|a| !a.is_empty() && a != "-1"),
            Kind::MultipleChoice => response.values().any(|v| v == "1"),
            Kind::TrueFalse => answer.is_some_and(|a| !a.is_empty()),
            Kind::ShortAnswer | Kind::Essay => answer.is_some_and(|a| !a.trim().is_empty()),
        }
    }

    /// `is_same_response`: a missing variable counts as blank (choices: as unchecked).
    fn is_same(&self, a: &Response, b: &Response) -> bool {
        let blank = |r: &Response, name: &str| -> String {
            let value = r.get(name).map_or("", |v| v.as_str());
            match self.kind {
                Kind::MultipleChoice if value.is_empty() => "0".to_owned(),
                Kind::ShortAnswer | Kind::Essay => value.trim().to_owned(),
                _ => value.to_owned(),
            }
        };
        let names: Vec<&String> = a.keys().chain(b.keys()).collect();
        names.iter().all(|n| blank(a, n) == blank(b, n))
    }

    fn response_state(&self, response: &Response) -> &'static str {
        if self.is_complete(response) {
            state::COMPLETE
        } else {
            state::TODO
        }
    }

    /// A response submitted with the page (`process_action`): a new real step, unless the
    /// question is finished or the response is the last real one.
    pub(crate) fn save(&self, response: Response, now: i64) -> Option<StepRow> {
        // The autosaved step is dropped first, so the last real step is what counts.
        if self.is_finished() || self.is_same(&response, &self.last_real_response()) {
            return None;
        }
        Some(StepRow {
            sequencenumber: self.sequence_check(),
            state: self.response_state(&response).to_owned(),
            fraction: None,
            timecreated: now,
            data: response,
        })
    }

    /// An autosaved response (`process_autosave`): replaces the autosaved step, the sequence
    /// check unchanged; nothing when it is what the learner already sees; and back to the last
    /// real response, the autosaved step goes.
    pub(crate) fn autosave(&self, response: Response, now: i64) -> Autosave {
        if self.is_finished() || self.is_same(&response, &self.last_response()) {
            return Autosave::Nothing;
        }
        if self.row.autosaved.is_some() && self.is_same(&response, &self.last_real_response()) {
            return Autosave::Drop;
        }
        Autosave::Keep(StepRow {
            sequencenumber: -self.sequence_check(),
            state: self.response_state(&response).to_owned(),
            fraction: None,
            timecreated: now,
            data: response,
        })
    }

    /// Finishing (`question_attempt::finish`): the autosaved response becomes real, then the
    /// question is graded. Returns the steps to add.
    pub(crate) fn finish(&self, now: i64) -> Vec<StepRow> {
        if self.is_finished() {
            return Vec::new();
        }
        let mut steps = Vec::new();
        let mut next = self.sequence_check();
        if let Some(autosaved) = &self.row.autosaved {
            steps.push(StepRow {
                sequencenumber: next,
                ..autosaved.clone()
            });
            next += 1;
        }
        let response = self.graded_response();
        let (state, fraction) = if !self.is_complete(&response) {
            (state::GAVE_UP, None)
        } else if self.kind == Kind::Essay {
            (state::NEEDS_GRADING, None)
        } else {
            let fraction = self.grade(&response);
            (state::for_fraction(fraction), Some(fraction))
        };
        steps.push(StepRow {
            sequencenumber: next,
            state: state.to_owned(),
            fraction,
            timecreated: now,
            data: BTreeMap::from([("-finish".to_owned(), "1".to_owned())]),
        });
        steps
    }

    /// `grade_response`: the fraction earned by a complete response.
    fn grade(&self, response: &Response) -> f64 {
        let choices = self.choices();
        let answer = response.get("answer").map(String::as_str).unwrap_or("");
        match self.kind {
            Kind::SingleChoice => answer
                .parse::<usize>()
                .ok()
                .and_then(|i| choices.get(i))
                .map_or(0.0, |a| a.fraction),
            Kind::MultipleChoice => {
                let sum: f64 = choices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| ticks(response, *i))
                    .map(|(_, a)| a.fraction)
                    .sum();
                sum.clamp(0.0, 1.0)
            }
            // The first answer is "true", the second "false" (as seeded).
            Kind::TrueFalse => {
                let index = usize::from(answer != "1");
                choices.get(index).map_or(0.0, |a| a.fraction)
            }
            Kind::ShortAnswer => self.matching_answer(answer).map_or(0.0, |a| a.fraction),
            Kind::Essay => 0.0,
        }
    }

    /// The first accepted answer a short answer matches: Moodle's default, case-insensitive,
    /// `*` matching anything.
    pub(crate) fn matching_answer(&self, given: &str) -> Option<&'a crate::db::AnswerRow> {
        let given = given.trim().to_lowercase();
        self.question
            .answers
            .iter()
            .find(|a| wildcard_match(&a.answer.trim().to_lowercase(), &given))
    }

    /// The mark earned (fraction × the slot's mark), once graded.
    pub(crate) fn mark(&self) -> Option<f64> {
        self.fraction().map(|f| f * self.row.maxmark)
    }
}

/// A step's response variables: its data without behaviour (`-`) and internal (`_`) names.
fn step_response(step: &StepRow) -> Response {
    step.data
        .iter()
        .filter(|(name, _)| !name.starts_with(['_', '-']))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

/// `pattern` with `*` for any run of characters, against `text`.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// What an autosave does to a question.
#[derive(Debug, PartialEq)]
pub(crate) enum Autosave {
    /// Nothing new.
    Nothing,
    /// The response is the last real one again: the autosaved step goes.
    Drop,
    /// This step replaces the autosaved one.
    Keep(StepRow),
}

/// What was posted for one question: its control fields and response variables.
#[derive(Debug, Default)]
pub(crate) struct SlotSubmission {
    pub(crate) sequencecheck: Option<i64>,
    pub(crate) flagged: Option<bool>,
    pub(crate) response: Response,
}

/// The posted `data[]` of a save or process call, read as Moodle's question engine reads
/// `$_POST`: fields named `q{usage}:{slot}_…`, and `slots`, the slots to consider.
#[derive(Debug, Default)]
pub(crate) struct Submission {
    pub(crate) slots: BTreeMap<i64, SlotSubmission>,
    /// `slots`: only these slots are processed; none = every slot.
    pub(crate) only: Option<Vec<i64>>,
}

impl Submission {
    /// The submission for the slots considered that carry a sequence check (the others are
    /// skipped, as Moodle skips them).
    pub(crate) fn considered(&self) -> impl Iterator<Item = (i64, &SlotSubmission)> {
        self.slots
            .iter()
            .filter(|(slot, s)| {
                s.sequencecheck.is_some() && self.only.as_ref().is_none_or(|o| o.contains(slot))
            })
            .map(|(slot, s)| (*slot, s))
    }
}

/// Reads posted pairs against the attempt's questions. Moodle ignores a field it does not
/// expect; the demo refuses it (`invalidparameter`), and so any field of another attempt or
/// slot, so that a client's mistake shows instead of being lost, and a refusal changes nothing.
pub(crate) fn read_submission(
    usage: i64,
    questions: &[QuestionAttempt<'_>],
    data: &[(String, String)],
) -> Result<Submission> {
    let prefix = format!("q{usage}:");
    let mut submission = Submission::default();
    for (name, value) in data {
        if name == "slots" {
            let slots: Option<Vec<i64>> = value.split(',').map(|s| s.trim().parse().ok()).collect();
            submission.only = Some(slots.ok_or_else(|| refused(name, "not a list of slots"))?);
            continue;
        }
        let Some((slot, field)) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(slot, field)| Some((slot.parse::<i64>().ok()?, field)))
        else {
            return Err(refused(name, "not a field of this attempt"));
        };
        let question = questions
            .iter()
            .find(|q| q.row.slot == slot)
            .ok_or_else(|| refused(name, "no such slot in this attempt"))?;
        let entry = submission.slots.entry(slot).or_default();
        match field {
            ":sequencecheck" => {
                let check = value.trim().parse::<i64>().ok().filter(|n| *n >= 0);
                entry.sequencecheck = Some(check.ok_or_else(|| refused(name, "not a number"))?);
            }
            ":flagged" => {
                entry.flagged = Some(match value.as_str() {
                    "0" => false,
                    "1" => true,
                    _ => return Err(refused(name, "not 0 or 1")),
                });
            }
            variable if question.expected(variable) => {
                if !question.valid_value(value) {
                    return Err(refused(name, "a value this question cannot take"));
                }
                let value = match question.kind {
                    Kind::ShortAnswer => value.trim().to_owned(),
                    _ => value.clone(),
                };
                entry.response.insert(variable.to_owned(), value);
            }
            _ => return Err(refused(name, "not a field of this question")),
        }
    }
    Ok(submission)
}

/// `invalidparameter` naming the field (cut short: names come from the client).
fn refused(name: &str, why: &str) -> Error {
    let shown: String = name.chars().take(80).collect();
    Error::invalid_parameter(format!(
        "Invalid parameter value detected (data {shown}: {why})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::AnswerRow;

    fn question(qtype: &str, single: bool, answers: &[(i64, &str, f64)]) -> QuestionRow {
        QuestionRow {
            qtype: qtype.to_owned(),
            questiontext: String::new(),
            generalfeedback: String::new(),
            single,
            answers: answers
                .iter()
                .map(|(id, answer, fraction)| AnswerRow {
                    id: *id,
                    answer: (*answer).to_owned(),
                    fraction: *fraction,
                    feedback: String::new(),
                })
                .collect(),
        }
    }

    fn started(order: Option<&str>) -> QuestionAttemptRow {
        let data = order
            .map(|o| BTreeMap::from([("_order".to_owned(), o.to_owned())]))
            .unwrap_or_default();
        QuestionAttemptRow {
            id: 1,
            slot: 1,
            questionid: 1,
            maxmark: 2.0,
            flagged: false,
            steps: vec![StepRow {
                sequencenumber: 0,
                state: state::TODO.to_owned(),
                fraction: None,
                timecreated: 0,
                data,
            }],
            autosaved: None,
        }
    }

    fn response(pairs: &[(&str, &str)]) -> Response {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_posted_index_maps_through_the_attempts_own_order() {
        let q = question(
            "multichoice",
            true,
            &[(10, "a", 1.0), (11, "b", 0.0), (12, "c", 0.0)],
        );
        let row = started(Some("12,10,11"));
        let qa = QuestionAttempt::new(&row, &q);
        assert_eq!(qa.grade(&response(&[("answer", "1")])), 1.0);
        assert_eq!(qa.grade(&response(&[("answer", "0")])), 0.0);
        assert!(!qa.is_complete(&response(&[("answer", "-1")])));
    }

    #[test]
    fn several_answers_add_up_and_stay_between_nothing_and_the_mark() {
        let q = question(
            "multichoice",
            false,
            &[(1, "a", 0.5), (2, "b", 0.5), (3, "c", -1.0)],
        );
        let row = started(Some("1,2,3"));
        let qa = QuestionAttempt::new(&row, &q);
        assert_eq!(qa.grade(&response(&[("choice0", "1")])), 0.5);
        assert_eq!(
            qa.grade(&response(&[("choice0", "1"), ("choice1", "1")])),
            1.0
        );
        assert_eq!(
            qa.grade(&response(&[("choice0", "1"), ("choice2", "1")])),
            0.0
        );
        assert_eq!(state::for_fraction(0.5), state::GRADED_PARTIAL);
    }

    #[test]
    fn short_answers_match_without_case_and_with_wildcards() {
        let q = question(
            "shortanswer",
            true,
            &[(1, "Placebo*", 1.0), (2, "drug", 0.5)],
        );
        let row = started(None);
        let qa = QuestionAttempt::new(&row, &q);
        assert_eq!(qa.grade(&response(&[("answer", " placebo effect ")])), 1.0);
        assert_eq!(qa.grade(&response(&[("answer", "DRUG")])), 0.5);
        assert_eq!(qa.grade(&response(&[("answer", "drugs")])), 0.0);
    }

    #[test]
    fn saving_the_same_response_again_adds_no_step_and_finishing_grades() {
        let q = question("truefalse", true, &[(1, "true", 0.0), (2, "false", 1.0)]);
        let mut row = started(None);
        let qa = QuestionAttempt::new(&row, &q);
        let step = qa
            .save(response(&[("answer", "0")]), 5)
            .expect("a new step");
        assert_eq!(
            (step.sequencenumber, step.state.as_str()),
            (1, state::COMPLETE)
        );
        row.steps.push(step);
        let qa = QuestionAttempt::new(&row, &q);
        assert!(qa.save(response(&[("answer", "0")]), 6).is_none());
        let Autosave::Keep(autosaved) = qa.autosave(response(&[("answer", "1")]), 7) else {
            panic!("autosaved")
        };
        assert_eq!(autosaved.sequencenumber, -2);
        row.autosaved = Some(autosaved);
        let qa = QuestionAttempt::new(&row, &q);
        // Back to the saved answer: the autosaved step is dropped.
        assert_eq!(qa.autosave(response(&[("answer", "0")]), 7), Autosave::Drop);
        assert_eq!(
            qa.autosave(response(&[("answer", "1")]), 7),
            Autosave::Nothing
        );
        let qa = QuestionAttempt::new(&row, &q);
        assert_eq!(qa.sequence_check(), 2, "an autosave leaves the check");
        // Finishing makes the autosaved response real, then grades it: "true" is wrong.
        let steps = qa.finish(8);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].state, state::GRADED_WRONG);
        assert_eq!(steps[1].fraction, Some(0.0));
    }

    #[test]
    fn wildcards_match_as_moodle_short_answers_do() {
        assert!(wildcard_match("交絡", "交絡"));
        assert!(!wildcard_match("交絡", "交絡因子"));
        assert!(wildcard_match("交絡*", "交絡因子"));
        assert!(wildcard_match("*因子", "交絡因子"));
        assert!(wildcard_match("a*c*e", "abcde"));
        assert!(!wildcard_match("a*c*e", "abde"));
    }
}
