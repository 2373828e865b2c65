//! An attempt as the functions that take it share it: loading and validating it
//! (`validate_attempt`), its pages, its questions, the deadline and what happens when it
//! passes (`handle_if_time_expired`), and finishing it (`process_finish`: grading, best grade,
//! completion).

use rusqlite::{Connection, Transaction};
use serde::Deserialize;

use super::access::prevent_access;
use super::attempts::best_grade;
use super::engine::QuestionAttempt;
use super::{OpenQuiz, validate_quiz};
use crate::db::{
    self, AttemptFilter, AttemptRow, LogEvent, QuestionAttemptRow, QuestionRow, QuizRow, UserRow,
};
use crate::error::{Error, Result};

/// One `{name, value}` of `preflightdata[]` or `data[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pair {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// Attempt states (`quiz_attempt::IN_PROGRESS`, …).
pub(super) const IN_PROGRESS: &str = "inprogress";
pub(super) const OVERDUE: &str = "overdue";
pub(super) const FINISHED: &str = "finished";
pub(super) const ABANDONED: &str = "abandoned";

/// `QUIZ_MIN_TIME_TO_CONTINUE`: this close to the deadline, a submitted page finishes the attempt.
const MIN_TIME_TO_CONTINUE: i64 = 2;
/// `quiz | graceperiodmin`: submissions this late after the deadline still count.
const GRACE_PERIOD_MIN: i64 = 60;

/// An attempt with its quiz, open to its owner.
pub(super) struct Loaded {
    pub(super) attempt: AttemptRow,
    pub(super) open: OpenQuiz,
}

/// The attempt's questions, each with its definition.
pub(super) struct Questions {
    pub(super) rows: Vec<QuestionAttemptRow>,
    pub(super) definitions: Vec<QuestionRow>,
}

impl Questions {
    pub(super) fn load(conn: &Connection, usage: i64) -> Result<Questions> {
        let rows = db::question_attempts(conn, usage)?;
        let definitions = rows
            .iter()
            .map(|qa| db::question(conn, qa.questionid))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Questions { rows, definitions })
    }

    pub(super) fn all(&self) -> Vec<QuestionAttempt<'_>> {
        self.rows
            .iter()
            .zip(&self.definitions)
            .map(|(row, question)| QuestionAttempt::new(row, question))
            .collect()
    }
}

/// The attempt's pages (0-based), each with its slots, from its layout (`1,0,2,0`).
pub(super) fn pages(layout: &str) -> Vec<Vec<i64>> {
    let mut pages = vec![Vec::new()];
    for item in layout
        .split(',')
        .filter_map(|s| s.trim().parse::<i64>().ok())
    {
        if item == 0 {
            pages.push(Vec::new());
        } else if let Some(page) = pages.last_mut() {
            page.push(item);
        }
    }
    if pages.last().is_some_and(Vec::is_empty) {
        pages.pop();
    }
    pages
}

/// The attempt's page holding a slot.
pub(super) fn page_of(pages: &[Vec<i64>], slot: i64) -> i64 {
    pages.iter().position(|p| p.contains(&slot)).unwrap_or(0) as i64
}

/// The question numbers ("1", "2", …), by slot order.
pub(super) fn number_of(questions: &Questions, slot: i64) -> String {
    let n = questions
        .rows
        .iter()
        .position(|qa| qa.slot == slot)
        .unwrap_or(0)
        + 1;
    n.to_string()
}

/// `check_page_access`: under sequential navigation only the current page (and, to move on,
/// the next one) may be opened; free navigation opens every page.
pub(super) fn page_open(quiz: &QuizRow, attempt: &AttemptRow, page: i64, allow_next: bool) -> bool {
    quiz.navmethod != "sequential"
        || page == -1
        || page == attempt.currentpage
        || (allow_next && page == attempt.currentpage + 1)
}

/// An attempt by id, with its quiz open to the caller (`quiz_attempt::create`, then the
/// module's context check). Whose attempt it is is checked by the caller.
pub(super) fn load(conn: &Connection, user: &UserRow, attemptid: i64) -> Result<Loaded> {
    let attempt = db::attempt_by_id(conn, attemptid)?
        .ok_or_else(|| Error::missing_record("quiz_attempts"))?;
    let open = validate_quiz(conn, user, attempt.quiz)?;
    Ok(Loaded { attempt, open })
}

pub(super) fn not_yours() -> Error {
    Error::quiz("notyourattempt", "This is not your attempt!")
}

/// What `validate_attempt` is asked to check.
#[derive(Debug, Clone, Copy)]
pub(super) struct Checks {
    /// Apply the access rules (and the deadline) first.
    pub(super) access_rules: bool,
    pub(super) fail_if_overdue: bool,
    /// The page asked for, if any.
    pub(super) page: Option<i64>,
}

impl Checks {
    /// What the functions that take an attempt ask for: the access rules, an attempt not
    /// overdue, and `page` (if any) one the learner may open.
    pub(super) fn taking(page: Option<i64>) -> Self {
        Self {
            access_rules: true,
            fail_if_overdue: true,
            page,
        }
    }
}

/// `validate_attempt`: the caller's own attempt, still open, the preflight check passed, and
/// the page (if any) one they may open. A deadline passed is dealt with first, which may
/// finish the attempt (so the caller learns it is closed).
pub(super) fn validate(
    conn: &Connection,
    user: &UserRow,
    attemptid: i64,
    preflight: &[Pair],
    checks: Checks,
    now: i64,
) -> Result<Loaded> {
    let mut loaded = load(conn, user, attemptid)?;
    if loaded.attempt.userid != user.id {
        return Err(not_yours());
    }
    let quiz = &loaded.open.quiz;
    if checks.access_rules {
        handle_if_time_expired(conn, &loaded.open, &mut loaded.attempt, now, true)?;
        if !prevent_access(quiz, now).is_empty() {
            return Err(Error::quiz(
                "attempterror",
                // Moodle throws it without the reasons, so the placeholder stays.
                "You are not allowed to attempt this quiz at this time because: {$a}",
            ));
        }
    }
    match loaded.attempt.state.as_str() {
        FINISHED | ABANDONED => {
            return Err(Error::quiz(
                "attemptalreadyclosed",
                "This attempt has already been finished.",
            ));
        }
        OVERDUE if checks.fail_if_overdue => return Err(Error::quiz("stateoverdue", "Overdue")),
        _ => {}
    }
    check_preflight(quiz, &loaded.attempt, preflight)?;
    if let Some(page) = checks.page {
        let count = pages(&loaded.attempt.layout).len() as i64;
        if page != page.clamp(0, (count - 1).max(0)) {
            return Err(Error::quiz_unworded("Invalid page number"));
        }
        if !page_open(quiz, &loaded.attempt, page, true) {
            return Err(Error::quiz_unworded("Out of sequence access"));
        }
        if count == 0 {
            return Err(Error::quiz("noquestionsfound", "No questions found"));
        }
    }
    Ok(loaded)
}

/// Opens a transaction and validates the attempt in it (`validate`). A refusal commits what
/// validating did (a deadline dealt with stays dealt with) before it is returned; otherwise
/// the caller goes on in the transaction and commits it.
pub(super) fn begin_validated<'c>(
    conn: &'c mut Connection,
    user: &UserRow,
    attemptid: i64,
    preflight: &[Pair],
    checks: Checks,
    now: i64,
) -> Result<(Transaction<'c>, Loaded)> {
    let tx = conn.transaction()?;
    match validate(&tx, user, attemptid, preflight, checks, now) {
        Ok(loaded) => Ok((tx, loaded)),
        Err(error) => {
            tx.commit()?;
            Err(error)
        }
    }
}

/// Whether the offline-attempts rule asks for its preflight check: the quiz allows offline
/// attempts and the attempt was changed through the web services (`timemodifiedoffline`).
/// A web-service request has no session to remember a confirmation in, so it is asked every time.
pub(super) fn preflight_required(quiz: &QuizRow, attempt: Option<&AttemptRow>) -> bool {
    quiz.allowofflineattempts != 0 && attempt.is_some_and(|a| a.timemodifiedoffline != 0)
}

/// `preflightdata[].name` is `PARAM_ALPHANUMEXT`.
pub(super) fn check_preflight_pairs(preflight: &[Pair]) -> Result<()> {
    for pair in preflight {
        let alphanumext = !pair.name.is_empty()
            && pair
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !alphanumext {
            return Err(Error::invalid_parameter(
                "Invalid parameter value detected (preflightdata name)",
            ));
        }
    }
    Ok(())
}

/// `validate_preflight_check`: `confirmdatasaved` must be given and not empty (PHP's `empty`).
pub(super) fn check_preflight(
    quiz: &QuizRow,
    attempt: &AttemptRow,
    preflight: &[Pair],
) -> Result<()> {
    check_preflight_pairs(preflight)?;
    if !preflight_required(quiz, Some(attempt)) {
        return Ok(());
    }
    let confirmed = preflight
        .iter()
        .rev()
        .find(|p| p.name == "confirmdatasaved")
        .is_some_and(|p| !matches!(p.value.as_str(), "" | "0"));
    if confirmed {
        Ok(())
    } else {
        // Moodle throws the rule's message itself as the error code, under module `quiz`.
        Err(Error::quiz_unworded(
            "Please check and confirm that you do not have any unsaved work.",
        ))
    }
}

/// When an attempt started at `timestart` must be submitted (`access_manager::get_end_time`):
/// the time limit from its start and the quiz's close date, whichever comes first.
pub(super) fn deadline(quiz: &QuizRow, timestart: i64) -> Option<i64> {
    let limit = (quiz.timelimit > 0).then(|| timestart + quiz.timelimit);
    let close = (quiz.timeclose > 0).then_some(quiz.timeclose);
    match (limit, close) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `handle_if_time_expired`: an unfinished attempt past its deadline is dealt with as the
/// quiz's overdue handling says. `autosubmit` (the demo's) finishes it with the answers saved
/// so far, timed at the deadline unless the learner is online now; `graceperiod` makes it
/// overdue, then abandoned; `autoabandon` abandons it.
pub(super) fn handle_if_time_expired(
    conn: &Connection,
    open: &OpenQuiz,
    attempt: &mut AttemptRow,
    now: i64,
    online: bool,
) -> Result<()> {
    let quiz = &open.quiz;
    let Some(end) = deadline(quiz, attempt.timestart) else {
        return Ok(());
    };
    if now < end || !matches!(attempt.state.as_str(), IN_PROGRESS | OVERDUE) {
        return Ok(());
    }
    match (quiz.overduehandling.as_str(), attempt.state.as_str()) {
        ("graceperiod", OVERDUE) if now < end + quiz.graceperiod => Ok(()),
        ("graceperiod", IN_PROGRESS) if now < end + quiz.graceperiod => {
            attempt.state = OVERDUE.to_owned();
            attempt.timecheckstate = Some(end + quiz.graceperiod);
            attempt.timemodified = now;
            db::update_attempt(conn, attempt)?;
            Ok(())
        }
        ("graceperiod" | "autoabandon", _) => abandon(conn, attempt, now),
        _ => {
            let questions = Questions::load(conn, attempt.uniqueid)?;
            finish(
                conn,
                open,
                attempt,
                &questions,
                now,
                if online { now } else { end },
            )
        }
    }
}

/// The attempt is left for good (`process_abandon`): never submitted, never graded.
pub(super) fn abandon(conn: &Connection, attempt: &mut AttemptRow, now: i64) -> Result<()> {
    attempt.state = ABANDONED.to_owned();
    attempt.timecheckstate = None;
    attempt.timemodified = now;
    db::update_attempt(conn, attempt)?;
    Ok(())
}

/// Deals with a deadline passed on the learner's unfinished attempt at a quiz, as Moodle's
/// cron would have by now; returns the user's attempts afterwards.
pub(super) fn expire_unfinished(
    conn: &Connection,
    open: &OpenQuiz,
    userid: i64,
    now: i64,
) -> Result<Vec<AttemptRow>> {
    let attempts = db::user_attempts(conn, open.quiz.id, userid, AttemptFilter::All, true)?;
    for mut attempt in attempts {
        if matches!(attempt.state.as_str(), IN_PROGRESS | OVERDUE) {
            handle_if_time_expired(conn, open, &mut attempt, now, false)?;
        }
    }
    Ok(db::user_attempts(
        conn,
        open.quiz.id,
        userid,
        AttemptFilter::All,
        true,
    )?)
}

/// `process_finish` after the submitted responses: every question finished and graded, the
/// attempt closed with its total, the best grade and the module's completion updated.
pub(super) fn finish(
    conn: &Connection,
    open: &OpenQuiz,
    attempt: &mut AttemptRow,
    questions: &Questions,
    now: i64,
    timefinish: i64,
) -> Result<()> {
    let mut total = Some(0.0);
    for qa in questions.all() {
        let steps = qa.finish(now);
        if !steps.is_empty() {
            db::delete_autosaved_step(conn, qa.row.id)?;
        }
        for step in &steps {
            db::insert_step(conn, qa.row.id, step, attempt.userid)?;
        }
        let last = steps.last().or(qa.row.steps.last());
        let needs_grading = last.is_some_and(|s| s.state == super::engine::state::NEEDS_GRADING);
        let mark = last.and_then(|s| s.fraction).unwrap_or(0.0) * qa.row.maxmark;
        total = match total {
            Some(_) if needs_grading && qa.row.maxmark > 0.0 => None,
            Some(sum) => Some(sum + mark),
            None => None,
        };
    }
    attempt.state = FINISHED.to_owned();
    attempt.timefinish = timefinish;
    attempt.timemodified = now;
    attempt.timecheckstate = None;
    attempt.sumgrades = total;
    db::update_attempt(conn, attempt)?;
    log(conn, open, attempt, AttemptEvent::Submitted, now)?;
    save_best_grade(conn, &open.quiz, attempt.userid, now)
}

/// `quiz_save_best_grade` and the completion that follows the grade.
fn save_best_grade(conn: &Connection, quiz: &QuizRow, userid: i64, now: i64) -> Result<()> {
    let attempts = db::user_attempts(conn, quiz.id, userid, AttemptFilter::All, false)?;
    let grade = best_grade(quiz, &attempts);
    db::save_best_grade(conn, quiz.id, userid, grade, now)?;
    if quiz.completion == 2
        && quiz.completionusegrade
        && let Some(grade) = grade
    {
        db::set_completion_state(conn, quiz.cmid, userid, completion_state(quiz, grade), now)?;
    }
    Ok(())
}

/// `COMPLETION_COMPLETE_PASS` (2) or `_FAIL` (3) where there is a pass mark, else
/// `COMPLETION_COMPLETE` (1).
fn completion_state(quiz: &QuizRow, grade: f64) -> i64 {
    if quiz.gradepass <= 0.0 {
        1
    } else if grade + 1e-9 >= quiz.gradepass {
        2
    } else {
        3
    }
}

/// The attempt events the quiz logs.
#[derive(Debug, Clone, Copy)]
pub(super) enum AttemptEvent {
    Started,
    Viewed,
    SummaryViewed,
    Submitted,
    Reviewed,
}

pub(super) fn log(
    conn: &Connection,
    open: &OpenQuiz,
    attempt: &AttemptRow,
    event: AttemptEvent,
    now: i64,
) -> Result<()> {
    let (eventname, action, target) = match event {
        AttemptEvent::Started => ("\\mod_quiz\\event\\attempt_started", "started", "attempt"),
        AttemptEvent::Viewed => ("\\mod_quiz\\event\\attempt_viewed", "viewed", "attempt"),
        AttemptEvent::SummaryViewed => (
            "\\mod_quiz\\event\\attempt_summary_viewed",
            "viewed",
            "attempt_summary",
        ),
        AttemptEvent::Submitted => (
            "\\mod_quiz\\event\\attempt_submitted",
            "submitted",
            "attempt",
        ),
        AttemptEvent::Reviewed => ("\\mod_quiz\\event\\attempt_reviewed", "reviewed", "attempt"),
    };
    db::log_event(
        conn,
        &LogEvent {
            eventname,
            component: "mod_quiz",
            action,
            target,
            objectid: Some(attempt.id),
            contextid: open.contextid,
            userid: attempt.userid,
            courseid: open.quiz.course,
            other: Some(serde_json::json!({ "quizid": open.quiz.id }).to_string()),
            timecreated: now,
        },
    )?;
    Ok(())
}

/// The timing of a submission (`process_attempt`): is time up, and is it too late for the
/// submitted responses to count.
pub(super) struct Timing {
    pub(super) timeup: bool,
    pub(super) too_late: bool,
}

pub(super) fn timing(quiz: &QuizRow, attempt: &AttemptRow, now: i64, timeup: bool) -> Timing {
    match deadline(quiz, attempt.timestart) {
        Some(end) if now > end - MIN_TIME_TO_CONTINUE => Timing {
            timeup: true,
            too_late: now > end + GRACE_PERIOD_MIN,
        },
        _ => Timing {
            timeup,
            too_late: false,
        },
    }
}

/// After `graceperiod`'s grace has run out too, the attempt is abandoned.
pub(super) fn grace_over(quiz: &QuizRow, attempt: &AttemptRow, now: i64) -> bool {
    deadline(quiz, attempt.timestart)
        .is_some_and(|end| now > end + quiz.graceperiod + GRACE_PERIOD_MIN)
}

#[cfg(test)]
mod tests {
    use super::pages;

    #[test]
    fn layout_gives_the_pages_and_their_slots() {
        assert_eq!(pages("1,0,2,0"), vec![vec![1], vec![2]]);
        assert_eq!(pages("1,2,0,3,0"), vec![vec![1, 2], vec![3]]);
        assert_eq!(pages(""), Vec::<Vec<i64>>::new());
    }
}
