//! Taking a quiz: `mod_quiz_start_attempt`, `_get_attempt_access_information`,
//! `_get_attempt_data`, `_get_attempt_summary`, `_save_attempt`, `_process_attempt`,
//! `_view_attempt` and `_view_attempt_summary`, as `mod_quiz_external` runs them.
//!
//! Every write happens in one transaction: a refused submission (out of sequence, a field
//! this attempt does not have) changes nothing.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::access::{closed, prevent_access};
use super::attempt::{
    self, ABANDONED, AttemptEvent, Checks, FINISHED, IN_PROGRESS, Loaded, OVERDUE, Pair, Questions,
    Timing, page_open, pages,
};
use super::attempts::{Attempt, attempt as attempt_json};
use super::engine::{Autosave, QuestionAttempt, Submission, read_submission, state};
use super::render::{QuestionData, questions_data};
use super::review::Display;
use super::{OpenQuiz, validate_quiz};
use crate::db::{self, AttemptRow, NewAttempt, QuizRow};
use crate::error::{Error, Result};
use crate::functions::{Ctx, StatusResult, Warning};
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartParams {
    quizid: i64,
    #[serde(default)]
    preflightdata: Vec<Pair>,
    #[serde(default = "MoodleBool::no")]
    #[allow(dead_code)]
    forcenew: MoodleBool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttemptAccessParams {
    quizid: i64,
    /// 0 = the learner's last attempt.
    #[serde(default)]
    attemptid: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageParams {
    attemptid: i64,
    page: i64,
    #[serde(default)]
    preflightdata: Vec<Pair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SummaryParams {
    attemptid: i64,
    #[serde(default)]
    preflightdata: Vec<Pair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveParams {
    attemptid: i64,
    data: Vec<Pair>,
    #[serde(default)]
    preflightdata: Vec<Pair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcessParams {
    attemptid: i64,
    #[serde(default)]
    data: Vec<Pair>,
    #[serde(default = "MoodleBool::no")]
    finishattempt: MoodleBool,
    #[serde(default = "MoodleBool::no")]
    timeup: MoodleBool,
    #[serde(default)]
    preflightdata: Vec<Pair>,
}

/// `attempt` is the new attempt, or `{}` when the access rules refuse one.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum StartedAttempt {
    Started(Box<Attempt>),
    Refused {},
}

#[derive(Debug, Serialize)]
pub(crate) struct Started {
    attempt: StartedAttempt,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AttemptAccess {
    #[serde(skip_serializing_if = "Option::is_none")]
    endtime: Option<i64>,
    isfinished: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    ispreflightcheckrequired: Option<bool>,
    preventnewattemptreasons: Vec<String>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AttemptData {
    attempt: Attempt,
    messages: Vec<String>,
    nextpage: i64,
    questions: Vec<QuestionData>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    questions: Vec<QuestionData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totalunanswered: Option<i64>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Processed {
    state: String,
    warnings: Vec<Warning>,
}

/// `quizaccess_numattempts`: the attempts allowed are used up.
fn attempts_used(quiz: &QuizRow, attempts_made: usize) -> bool {
    quiz.attempts > 0 && attempts_made as i64 >= quiz.attempts
}

/// Why no new attempt may start (`access_manager::prevent_new_attempt`): only the attempts
/// rule says so. A closed quiz is kept out by `prevent_access`, as Moodle's open/close date
/// rule gives no reason here.
fn prevent_new_attempt(quiz: &QuizRow, attempts_made: usize) -> Vec<String> {
    if attempts_used(quiz, attempts_made) {
        vec!["これ以上受験できません。".to_owned()]
    } else {
        Vec::new()
    }
}

/// `access_manager::is_finished`: the learner will never be allowed another attempt.
fn is_finished(quiz: &QuizRow, attempts_made: usize, now: i64) -> bool {
    attempts_used(quiz, attempts_made) || closed(quiz, now)
}

pub(crate) async fn start_attempt(ctx: &Ctx, params: StartParams) -> Result<Started> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let tx = conn.transaction()?;
            let open = validate_quiz(&tx, &user, params.quizid)?;
            if !db::has_questions(&tx, open.quiz.id)? {
                return Err(Error::quiz("noquestionsfound", "No questions found"));
            }
            // `forcenew` matters to previews only, and learners never preview.
            let attempts = attempt::expire_unfinished(&tx, &open, user.id, now)?;
            let last = attempts.last();
            let unfinished = last.filter(|a| matches!(a.state.as_str(), IN_PROGRESS | OVERDUE));
            let mut messages = prevent_access(&open.quiz, now);
            if unfinished.is_none() {
                messages.extend(prevent_new_attempt(&open.quiz, attempts.len()));
            }
            if !messages.is_empty() {
                tx.commit()?;
                let warnings = messages
                    .into_iter()
                    .map(|message| Warning {
                        item: Some("quiz".to_owned()),
                        itemid: Some(open.quiz.id),
                        warningcode: "1",
                        message,
                    })
                    .collect();
                return Ok(Started {
                    attempt: StartedAttempt::Refused {},
                    warnings,
                });
            }
            attempt::check_preflight_pairs(&params.preflightdata)?;
            if let Some(current) = unfinished {
                // The rules' checks come first (a changed offline attempt asks for its
                // confirmation); then the attempt in progress is to be continued, not restarted.
                attempt::check_preflight(&open.quiz, current, &params.preflightdata)?;
                return Err(if current.state == OVERDUE {
                    Error::quiz("stateoverdue", "Overdue")
                } else {
                    Error::quiz("attemptstillinprogress", "Attempt still in progress")
                });
            }
            let number = last.map_or(1, |a| a.attempt + 1);
            let row = create_attempt(&tx, &open, user.id, number, now)?;
            tx.commit()?;
            Ok(Started {
                attempt: StartedAttempt::Started(Box::new(attempt_json(&open.quiz, &row, now))),
                warnings: Vec::new(),
            })
        })
        .await
}

/// `quiz_prepare_and_start_new_attempt`: the attempt, its questions in slot order, each
/// multiple-choice question's choices shuffled for this attempt and kept in its first step.
fn create_attempt(
    conn: &Connection,
    open: &OpenQuiz,
    userid: i64,
    number: i64,
    now: i64,
) -> Result<AttemptRow> {
    use rand::seq::SliceRandom;

    let slots = db::quiz_slots(conn, open.quiz.id)?;
    let mut layout = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        if i > 0 && slots[i - 1].page != slot.page {
            layout.push("0".to_owned());
        }
        layout.push(slot.slot.to_string());
    }
    layout.push("0".to_owned());
    let quiz = &open.quiz;
    let layout = layout.join(",");
    let timecheckstate = attempt::deadline(quiz, now);
    let id = db::insert_attempt(
        conn,
        &NewAttempt {
            quiz: quiz.id,
            userid,
            attempt: number,
            contextid: open.contextid,
            layout: &layout,
            now,
            timecheckstate,
        },
    )?;
    let row = db::attempt_by_id(conn, id)?.ok_or_else(|| Error::missing_record("quiz_attempts"))?;
    let mut rng = rand::rng();
    for slot in &slots {
        let question = db::question(conn, slot.questionid)?;
        let qaid = db::insert_question_attempt(conn, row.uniqueid, slot, now)?;
        let mut data = std::collections::BTreeMap::new();
        if question.qtype == "multichoice" {
            let mut ids: Vec<i64> = question.answers.iter().map(|a| a.id).collect();
            if quiz.shuffleanswers {
                ids.shuffle(&mut rng);
            }
            let order: Vec<String> = ids.iter().map(i64::to_string).collect();
            data.insert("_order".to_owned(), order.join(","));
        }
        let first = db::StepRow {
            sequencenumber: 0,
            state: state::TODO.to_owned(),
            fraction: None,
            timecreated: now,
            data,
        };
        db::insert_step(conn, qaid, &first, userid)?;
    }
    attempt::log(conn, open, &row, AttemptEvent::Started, now)?;
    Ok(row)
}

pub(crate) async fn get_attempt_access_information(
    ctx: &Ctx,
    params: AttemptAccessParams,
) -> Result<AttemptAccess> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let tx = conn.transaction()?;
            let open = validate_quiz(&tx, &user, params.quizid)?;
            let asked = if params.attemptid != 0 {
                let row = db::attempt_by_id(&tx, params.attemptid)?
                    .ok_or_else(|| Error::missing_record("quiz_attempts"))?;
                if row.userid != user.id {
                    return Err(attempt::not_yours());
                }
                Some(row.id)
            } else {
                None
            };
            let attempts = attempt::expire_unfinished(&tx, &open, user.id, now)?;
            tx.commit()?;
            let quiz = &open.quiz;
            let unfinished = attempts
                .iter()
                .find(|a| matches!(a.state.as_str(), IN_PROGRESS | OVERDUE));
            let last_finished = attempts.iter().rev().find(|a| a.state == FINISHED);
            let checked = asked
                .and_then(|id| attempts.iter().find(|a| a.id == id))
                .or(unfinished)
                .or(last_finished);
            Ok(AttemptAccess {
                endtime: checked.map(|a| attempt::deadline(quiz, a.timestart).unwrap_or(0)),
                isfinished: is_finished(quiz, attempts.len(), now),
                ispreflightcheckrequired: checked
                    .map(|_| attempt::preflight_required(quiz, unfinished)),
                preventnewattemptreasons: prevent_new_attempt(quiz, attempts.len()),
                warnings: Vec::new(),
            })
        })
        .await
}

/// The questions of some pages, as the learner may see them during the attempt.
fn questions_of(
    loaded: &Loaded,
    questions: &Questions,
    only_page: Option<i64>,
) -> Vec<QuestionData> {
    let quiz = &loaded.open.quiz;
    let attempt = &loaded.attempt;
    // Pages ahead under sequential navigation stay blank; pages seen stay shown.
    let visible = |page| page_open(quiz, attempt, page, false) || attempt.currentpage >= page;
    questions_data(loaded, questions, only_page, Display::during(quiz), visible)
}

pub(crate) async fn get_attempt_data(ctx: &Ctx, params: PageParams) -> Result<AttemptData> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let checks = Checks::taking(Some(params.page));
            let (tx, loaded) = attempt::begin_validated(
                conn,
                &user,
                params.attemptid,
                &params.preflightdata,
                checks,
                now,
            )?;
            tx.commit()?;
            let questions = Questions::load(conn, loaded.attempt.uniqueid)?;
            let count = pages(&loaded.attempt.layout).len() as i64;
            Ok(AttemptData {
                attempt: attempt_json(&loaded.open.quiz, &loaded.attempt, now),
                messages: Vec::new(),
                nextpage: if params.page >= count - 1 {
                    -1
                } else {
                    params.page + 1
                },
                questions: questions_of(&loaded, &questions, Some(params.page)),
                warnings: Vec::new(),
            })
        })
        .await
}

pub(crate) async fn get_attempt_summary(ctx: &Ctx, params: SummaryParams) -> Result<Summary> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let checks = Checks {
                fail_if_overdue: false,
                ..Checks::taking(None)
            };
            let (tx, loaded) = attempt::begin_validated(
                conn,
                &user,
                params.attemptid,
                &params.preflightdata,
                checks,
                now,
            )?;
            tx.commit()?;
            let questions = Questions::load(conn, loaded.attempt.uniqueid)?;
            let free = loaded.open.quiz.navmethod == "free";
            let unanswered = questions
                .all()
                .iter()
                .filter(|qa| qa.state() == state::TODO)
                .count() as i64;
            Ok(Summary {
                questions: questions_of(&loaded, &questions, None),
                totalunanswered: (loaded.attempt.state == IN_PROGRESS && free)
                    .then_some(unanswered),
                warnings: Vec::new(),
            })
        })
        .await
}

/// The `data[]` pairs as (name, value).
fn pairs(data: &[Pair]) -> Vec<(String, String)> {
    data.iter()
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect()
}

/// Checks each considered slot's sequence check against the attempt's; `error` is what a
/// stale one raises.
fn check_sequence(
    questions: &[QuestionAttempt<'_>],
    submission: &Submission,
    error: fn() -> Error,
) -> Result<()> {
    for (slot, posted) in submission.considered() {
        let current = questions
            .iter()
            .find(|q| q.row.slot == slot)
            .map(QuestionAttempt::sequence_check);
        if posted.sequencecheck != current {
            return Err(error());
        }
    }
    Ok(())
}

/// `question_out_of_sequence_exception`, as an autosave meets it.
fn out_of_sequence() -> Error {
    Error::quiz(
        "submissionoutofsequence",
        "Access out of sequence. Please do not click the back button when working on quiz questions.",
    )
}

/// What `process_attempt` turns that exception into.
fn out_of_sequence_friendly() -> Error {
    Error::quiz(
        "submissionoutofsequencefriendlymessage",
        "You have entered data outside the normal sequence. This can occur if you use your \
         browser's Back or Forward buttons; please don't use these during the test. It can also \
         happen if you click on something while a page is loading. Click <strong>Continue</strong> \
         to resume.",
    )
}

pub(crate) async fn save_attempt(ctx: &Ctx, params: SaveParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (tx, mut loaded) = attempt::begin_validated(
                conn,
                &user,
                params.attemptid,
                &params.preflightdata,
                Checks::taking(None),
                now,
            )?;
            let questions = Questions::load(&tx, loaded.attempt.uniqueid)?;
            let all = questions.all();
            let submission = read_submission(loaded.attempt.uniqueid, &all, &pairs(&params.data))?;
            check_sequence(&all, &submission, out_of_sequence)?;
            for (slot, posted) in submission.considered() {
                let Some(qa) = all.iter().find(|q| q.row.slot == slot) else {
                    continue;
                };
                match qa.autosave(posted.response.clone(), now) {
                    Autosave::Nothing => {}
                    Autosave::Drop => db::delete_autosaved_step(&tx, qa.row.id)?,
                    Autosave::Keep(step) => {
                        db::delete_autosaved_step(&tx, qa.row.id)?;
                        db::insert_step(&tx, qa.row.id, &step, user.id)?;
                    }
                }
            }
            loaded.attempt.timemodifiedoffline = now;
            loaded.attempt.timemodified = now;
            db::update_attempt(&tx, &loaded.attempt)?;
            tx.commit()?;
            Ok(StatusResult::ok())
        })
        .await
}

/// Records the submitted responses and flags (`process_all_actions`).
fn process_actions(
    conn: &Connection,
    questions: &[QuestionAttempt<'_>],
    submission: &Submission,
    userid: i64,
    now: i64,
) -> Result<()> {
    check_sequence(questions, submission, out_of_sequence_friendly)?;
    for (slot, posted) in submission.considered() {
        let Some(qa) = questions.iter().find(|q| q.row.slot == slot) else {
            continue;
        };
        // A submitted page replaces what was autosaved.
        db::delete_autosaved_step(conn, qa.row.id)?;
        if let Some(step) = qa.save(posted.response.clone(), now) {
            db::insert_step(conn, qa.row.id, &step, userid)?;
        }
    }
    for (slot, posted) in &submission.slots {
        if let (Some(flagged), Some(qa)) = (
            posted.flagged,
            questions.iter().find(|q| q.row.slot == *slot),
        ) && flagged != qa.row.flagged
        {
            db::set_flag(conn, qa.row.id, flagged)?;
        }
    }
    Ok(())
}

pub(crate) async fn process_attempt(ctx: &Ctx, params: ProcessParams) -> Result<Processed> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let tx = conn.transaction()?;
            // The access rules are not checked here; an overdue attempt is accepted only in
            // its grace period.
            // A database error here is passed on, never taken for "no grace period".
            let quiz = match db::attempt_by_id(&tx, params.attemptid)? {
                Some(attempt) => db::quiz_by_id(&tx, attempt.quiz)?,
                None => None,
            };
            let graceperiod = quiz.is_some_and(|q| q.overduehandling == "graceperiod");
            let checks = Checks {
                access_rules: false,
                fail_if_overdue: !graceperiod,
                page: None,
            };
            let mut loaded = attempt::validate(
                &tx,
                &user,
                params.attemptid,
                &params.preflightdata,
                checks,
                now,
            )?;
            let questions = Questions::load(&tx, loaded.attempt.uniqueid)?;
            let all = questions.all();
            let submission = read_submission(loaded.attempt.uniqueid, &all, &pairs(&params.data))?;
            let quiz = loaded.open.quiz.clone();
            let Timing { timeup, too_late } =
                attempt::timing(&quiz, &loaded.attempt, now, params.timeup.0);
            let mut finishing = params.finishattempt.0;
            let (mut overdue, mut abandoning) = (false, false);
            if timeup {
                if quiz.overduehandling == "graceperiod" {
                    if attempt::grace_over(&quiz, &loaded.attempt, now) {
                        finishing = true;
                        abandoning = true;
                    } else {
                        overdue = true;
                    }
                } else {
                    finishing = true;
                }
            }
            loaded.attempt.timemodifiedoffline = now;
            loaded.attempt.timemodified = now;
            let state = if !finishing {
                if !too_late {
                    process_actions(&tx, &all, &submission, user.id, now)?;
                }
                if overdue || too_late {
                    loaded.attempt.state = OVERDUE.to_owned();
                }
                db::update_attempt(&tx, &loaded.attempt)?;
                loaded.attempt.state.clone()
            } else if abandoning {
                attempt::abandon(&tx, &mut loaded.attempt, now)?;
                ABANDONED.to_owned()
            } else {
                if !too_late {
                    process_actions(&tx, &all, &submission, user.id, now)?;
                }
                // Read again: the responses just recorded are what is graded.
                let questions = Questions::load(&tx, loaded.attempt.uniqueid)?;
                attempt::finish(&tx, &loaded.open, &mut loaded.attempt, &questions, now, now)?;
                FINISHED.to_owned()
            };
            tx.commit()?;
            Ok(Processed {
                state,
                warnings: Vec::new(),
            })
        })
        .await
}

pub(crate) async fn view_attempt(ctx: &Ctx, params: PageParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (tx, mut loaded) = attempt::begin_validated(
                conn,
                &user,
                params.attemptid,
                &params.preflightdata,
                Checks::taking(Some(params.page)),
                now,
            )?;
            attempt::log(
                &tx,
                &loaded.open,
                &loaded.attempt,
                AttemptEvent::Viewed,
                now,
            )?;
            // `validate` checked the page may be opened (`set_currentpage`'s own check).
            loaded.attempt.currentpage = params.page;
            db::update_attempt(&tx, &loaded.attempt)?;
            tx.commit()?;
            Ok(StatusResult::ok())
        })
        .await
}

pub(crate) async fn view_attempt_summary(ctx: &Ctx, params: SummaryParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (tx, loaded) = attempt::begin_validated(
                conn,
                &user,
                params.attemptid,
                &params.preflightdata,
                Checks::taking(None),
                now,
            )?;
            attempt::log(
                &tx,
                &loaded.open,
                &loaded.attempt,
                AttemptEvent::SummaryViewed,
                now,
            )?;
            tx.commit()?;
            Ok(StatusResult::ok())
        })
        .await
}
