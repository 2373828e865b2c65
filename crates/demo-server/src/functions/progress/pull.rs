//! Reading a page of the learner's changed histories.

use rusqlite::Connection;
use serde::Serialize;

use crate::access::VisibleLectures;
use crate::db::{self, ChangedProgress};
use crate::error::Result;

#[derive(Debug, Serialize)]
pub(crate) struct LectureOut {
    cmid: i64,
    courseid: i64,
    duration: f64,
    intervals: Vec<IntervalOut>,
    coverage: f64,
    position: Option<f64>,
    positiontime: Option<i64>,
    completed: bool,
    timecompleted: Option<i64>,
}

#[derive(Debug, Serialize)]
struct IntervalOut {
    from: f64,
    to: f64,
}

/// One page: the histories, and the sequence to continue after.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) lectures: Vec<LectureOut>,
    pub(crate) seq: i64,
    pub(crate) hasmore: bool,
}

/// Histories of lectures the learner can still open that changed after `since`, oldest change
/// first, at most `limit`. Histories of lectures out of reach now (unenrolled, hidden) are
/// skipped, not shown.
pub(crate) fn page(conn: &Connection, userid: i64, since: i64, limit: usize) -> Result<Page> {
    let last = db::last_seq(conn, userid)?;
    let mut visible = VisibleLectures::new(conn, userid);
    let mut lectures = Vec::new();
    let mut hasmore = false;
    let mut end = since;
    db::changed_since(conn, userid, since, |changed| {
        if !visible.can_open(&changed.lecture)? {
            return Ok(true);
        }
        if lectures.len() == limit {
            hasmore = true;
            return Ok(false);
        }
        end = changed.seq;
        lectures.push(lecture_out(changed));
        Ok(true)
    })?;
    Ok(Page {
        lectures,
        // The whole sequence was read unless the page is full: continue after its last
        // lecture, or after everything (skipped histories included) at the end.
        seq: if hasmore { end } else { last },
        hasmore,
    })
}

fn lecture_out(changed: ChangedProgress) -> LectureOut {
    let ChangedProgress {
        lecture, progress, ..
    } = changed;
    LectureOut {
        cmid: lecture.cmid,
        courseid: lecture.courseid,
        duration: lecture.duration,
        coverage: progress.watched.coverage(lecture.duration),
        intervals: progress
            .watched
            .intervals()
            .iter()
            .map(|i| IntervalOut {
                from: i.from,
                to: i.to,
            })
            .collect(),
        position: progress.position.map(|p| p.seconds),
        positiontime: progress.position.map(|p| p.client_time_ms),
        completed: progress.completed_at.is_some(),
        timecompleted: progress.completed_at,
    }
}
