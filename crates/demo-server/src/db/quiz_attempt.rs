//! Taking a quiz: attempts, the questions of each attempt and their steps (Moodle's question
//! engine tables), and the best grades.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::quiz::{ATTEMPT_COLUMNS, AttemptRow, attempt_row};

/// A question as a quiz slot holds it, with its answers (fractions included: these rows never
/// leave the server as such).
#[derive(Debug, Clone)]
pub(crate) struct QuestionRow {
    pub(crate) qtype: String,
    pub(crate) questiontext: String,
    pub(crate) generalfeedback: String,
    pub(crate) single: bool,
    pub(crate) answers: Vec<AnswerRow>,
}

#[derive(Debug, Clone)]
pub(crate) struct AnswerRow {
    pub(crate) id: i64,
    pub(crate) answer: String,
    pub(crate) fraction: f64,
    pub(crate) feedback: String,
}

/// A slot of a quiz: where its question goes and what it is worth.
#[derive(Debug, Clone)]
pub(crate) struct SlotRow {
    pub(crate) slot: i64,
    /// 1-based, as `quiz_slots.page`.
    pub(crate) page: i64,
    pub(crate) questionid: i64,
    pub(crate) maxmark: f64,
}

/// One step of a question attempt: its state, fraction and submitted data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepRow {
    pub(crate) sequencenumber: i64,
    pub(crate) state: String,
    pub(crate) fraction: Option<f64>,
    pub(crate) timecreated: i64,
    pub(crate) data: BTreeMap<String, String>,
}

/// A question of an attempt (`question_attempts`) with its steps, oldest first; the autosaved
/// step, if any, apart.
#[derive(Debug, Clone)]
pub(crate) struct QuestionAttemptRow {
    pub(crate) id: i64,
    pub(crate) slot: i64,
    pub(crate) questionid: i64,
    pub(crate) maxmark: f64,
    pub(crate) flagged: bool,
    pub(crate) steps: Vec<StepRow>,
    pub(crate) autosaved: Option<StepRow>,
}

pub(crate) fn quiz_slots(conn: &Connection, quizid: i64) -> rusqlite::Result<Vec<SlotRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT slot, page, questionid, maxmark FROM quiz_slots WHERE quizid = ?1 ORDER BY slot",
    )?;
    stmt.query_map([quizid], |row| {
        Ok(SlotRow {
            slot: row.get(0)?,
            page: row.get(1)?,
            questionid: row.get(2)?,
            maxmark: row.get(3)?,
        })
    })?
    .collect()
}

pub(crate) fn question(conn: &Connection, id: i64) -> rusqlite::Result<QuestionRow> {
    let (qtype, questiontext, generalfeedback, single) = conn.query_row(
        "SELECT qtype, questiontext, generalfeedback, single FROM question WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, answer, fraction, feedback FROM question_answers WHERE question = ?1 ORDER BY id",
    )?;
    let answers = stmt
        .query_map([id], |row| {
            Ok(AnswerRow {
                id: row.get(0)?,
                answer: row.get(1)?,
                fraction: row.get(2)?,
                feedback: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(QuestionRow {
        qtype,
        questiontext,
        generalfeedback,
        single,
        answers,
    })
}

pub(crate) fn attempt_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<AttemptRow>> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE id = ?1");
    conn.query_row(&sql, [id], attempt_row).optional()
}

/// What a new attempt starts with.
pub(crate) struct NewAttempt<'a> {
    pub(crate) quiz: i64,
    pub(crate) userid: i64,
    pub(crate) attempt: i64,
    pub(crate) contextid: i64,
    pub(crate) layout: &'a str,
    pub(crate) now: i64,
    pub(crate) timecheckstate: Option<i64>,
}

/// Inserts the attempt and its question usage; returns the attempt's id.
pub(crate) fn insert_attempt(conn: &Connection, new: &NewAttempt<'_>) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO question_usages (contextid, component) VALUES (?1, 'mod_quiz')",
        [new.contextid],
    )?;
    let usage = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO quiz_attempts (quiz, userid, attempt, uniqueid, layout, currentpage, preview,
                                    state, timestart, timefinish, timemodified, timemodifiedoffline,
                                    timecheckstate, sumgrades)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 'inprogress', ?6, 0, ?6, ?6, ?7, NULL)",
        params![
            new.quiz,
            new.userid,
            new.attempt,
            usage,
            new.layout,
            new.now,
            new.timecheckstate
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Adds a question to a usage; returns the question attempt's id.
pub(crate) fn insert_question_attempt(
    conn: &Connection,
    usage: i64,
    slot: &SlotRow,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO question_attempts (questionusageid, slot, questionid, maxmark, timemodified)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![usage, slot.slot, slot.questionid, slot.maxmark, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records a step (a negative sequence number for the autosaved one).
pub(crate) fn insert_step(
    conn: &Connection,
    questionattemptid: i64,
    step: &StepRow,
    userid: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO question_attempt_steps
             (questionattemptid, sequencenumber, state, fraction, timecreated, userid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            questionattemptid,
            step.sequencenumber,
            step.state,
            step.fraction,
            step.timecreated,
            userid
        ],
    )?;
    let stepid = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO question_attempt_step_data (attemptstepid, name, value) VALUES (?1, ?2, ?3)",
    )?;
    for (name, value) in &step.data {
        stmt.execute(params![stepid, name, value])?;
    }
    Ok(())
}

/// Drops a question attempt's autosaved step, if it has one.
pub(crate) fn delete_autosaved_step(
    conn: &Connection,
    questionattemptid: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM question_attempt_steps WHERE questionattemptid = ?1 AND sequencenumber < 0",
        [questionattemptid],
    )?;
    Ok(())
}

pub(crate) fn set_flag(
    conn: &Connection,
    questionattemptid: i64,
    flagged: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE question_attempts SET flagged = ?2 WHERE id = ?1",
        params![questionattemptid, flagged],
    )?;
    Ok(())
}

/// The questions of a usage, by slot, each with its steps.
pub(crate) fn question_attempts(
    conn: &Connection,
    usage: i64,
) -> rusqlite::Result<Vec<QuestionAttemptRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, slot, questionid, maxmark, flagged FROM question_attempts
         WHERE questionusageid = ?1 ORDER BY slot",
    )?;
    let mut attempts: Vec<QuestionAttemptRow> = stmt
        .query_map([usage], |row| {
            Ok(QuestionAttemptRow {
                id: row.get(0)?,
                slot: row.get(1)?,
                questionid: row.get(2)?,
                maxmark: row.get(3)?,
                flagged: row.get(4)?,
                steps: Vec::new(),
                autosaved: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut steps = conn.prepare_cached(
        "SELECT s.id, s.sequencenumber, s.state, s.fraction, s.timecreated
         FROM question_attempt_steps s WHERE s.questionattemptid = ?1 ORDER BY s.sequencenumber",
    )?;
    let mut data = conn.prepare_cached(
        "SELECT name, value FROM question_attempt_step_data WHERE attemptstepid = ?1",
    )?;
    for qa in &mut attempts {
        let rows: Vec<(i64, StepRow)> = steps
            .query_map([qa.id], |row| {
                Ok((
                    row.get(0)?,
                    StepRow {
                        sequencenumber: row.get(1)?,
                        state: row.get(2)?,
                        fraction: row.get(3)?,
                        timecreated: row.get(4)?,
                        data: BTreeMap::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (stepid, mut step) in rows {
            step.data = data
                .query_map([stepid], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            if step.sequencenumber < 0 {
                qa.autosaved = Some(step);
            } else {
                qa.steps.push(step);
            }
        }
    }
    Ok(attempts)
}

/// The attempt's fields that change as it is taken.
pub(crate) fn update_attempt(conn: &Connection, attempt: &AttemptRow) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE quiz_attempts SET currentpage = ?2, state = ?3, timefinish = ?4, timemodified = ?5,
                timemodifiedoffline = ?6, timecheckstate = ?7, sumgrades = ?8
         WHERE id = ?1",
        params![
            attempt.id,
            attempt.currentpage,
            attempt.state,
            attempt.timefinish,
            attempt.timemodified,
            attempt.timemodifiedoffline,
            attempt.timecheckstate,
            attempt.sumgrades
        ],
    )?;
    Ok(())
}

/// `quiz_save_best_grade`: the grade kept for the gradebook, or none.
pub(crate) fn save_best_grade(
    conn: &Connection,
    quizid: i64,
    userid: i64,
    grade: Option<f64>,
    now: i64,
) -> rusqlite::Result<()> {
    match grade {
        Some(grade) => conn.execute(
            "INSERT INTO quiz_grades (quiz, userid, grade, timemodified) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (quiz, userid) DO UPDATE
                 SET grade = excluded.grade, timemodified = excluded.timemodified",
            params![quizid, userid, grade, now],
        )?,
        None => conn.execute(
            "DELETE FROM quiz_grades WHERE quiz = ?1 AND userid = ?2",
            params![quizid, userid],
        )?,
    };
    Ok(())
}

pub(crate) fn best_grade(
    conn: &Connection,
    quizid: i64,
    userid: i64,
) -> rusqlite::Result<Option<f64>> {
    conn.query_row(
        "SELECT grade FROM quiz_grades WHERE quiz = ?1 AND userid = ?2",
        params![quizid, userid],
        |row| row.get(0),
    )
    .optional()
}
