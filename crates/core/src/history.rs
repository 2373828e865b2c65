//! 視聴履歴 as the learner sees it: lectures to continue, then the rest of the history.

use crate::store::LocalProgress;

/// How many lectures 視聴履歴 offers to continue at most.
pub const CONTINUE_WATCHING_MAX: usize = 3;

/// The device's history split into 視聴履歴's two lists; every lecture is in exactly one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistoryLists {
    /// Lectures in progress that have a place to go on from, most recent first.
    pub continuing: Vec<LocalProgress>,
    /// Every other lecture, most recent first.
    pub recent: Vec<LocalProgress>,
}

impl HistoryLists {
    /// Splits `all` (most recently changed first, as [`crate::store::Store::all`] gives it):
    /// the first [`CONTINUE_WATCHING_MAX`] incomplete lectures with a resume position go to
    /// `continuing`, everything else to `recent`, each list keeping the given order. A lecture
    /// shown twice reads as two lectures; one left out reads as history lost.
    pub fn of(all: Vec<LocalProgress>) -> HistoryLists {
        let mut lists = HistoryLists::default();
        for lecture in all {
            let resumable = !lecture.is_complete() && lecture.resume_at().is_some();
            if resumable && lists.continuing.len() < CONTINUE_WATCHING_MAX {
                lists.continuing.push(lecture);
            } else {
                lists.recent.push(lecture);
            }
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{LectureId, ResumePosition};

    fn lecture(id: i64, position: Option<f64>, complete: bool) -> LocalProgress {
        let mut l = LocalProgress::new(LectureId(id));
        l.duration_secs = Some(600.0);
        l.progress.position = position.map(|seconds| ResumePosition {
            seconds,
            client_time_ms: 0,
        });
        l.progress.completed_at = complete.then_some(1);
        l
    }

    fn ids(list: &[LocalProgress]) -> Vec<i64> {
        list.iter().map(|l| l.progress.lecture.0).collect()
    }

    #[test]
    fn a_lecture_in_progress_is_listed_once_under_continue() {
        let lists = HistoryLists::of(vec![
            lecture(1, Some(120.0), false),
            lecture(2, Some(30.0), true),
        ]);
        assert_eq!(ids(&lists.continuing), [1]);
        assert_eq!(ids(&lists.recent), [2]);
    }

    #[test]
    fn lectures_with_nowhere_to_resume_are_recent() {
        let lists = HistoryLists::of(vec![
            // Never got past the start, at the very end, and complete.
            lecture(1, None, false),
            lecture(2, Some(599.0), false),
            lecture(3, Some(120.0), true),
        ]);
        assert!(lists.continuing.is_empty());
        assert_eq!(ids(&lists.recent), [1, 2, 3]);
    }

    #[test]
    fn resumable_lectures_beyond_the_limit_stay_in_recent_in_order() {
        let all: Vec<LocalProgress> = (1..=6).map(|id| lecture(id, Some(60.0), id == 2)).collect();
        let lists = HistoryLists::of(all);
        assert_eq!(ids(&lists.continuing), [1, 3, 4]);
        assert_eq!(ids(&lists.recent), [2, 5, 6]);
    }

    #[test]
    fn every_lecture_is_in_exactly_one_list() {
        let all: Vec<LocalProgress> = (1..=20)
            .map(|id| lecture(id, (id % 3 != 0).then_some(id as f64 * 10.0), id % 4 == 0))
            .collect();
        let lists = HistoryLists::of(all.clone());
        let mut listed = ids(&lists.continuing);
        listed.extend(ids(&lists.recent));
        listed.sort();
        assert_eq!(listed, ids(&all));
        assert_eq!(HistoryLists::of(Vec::new()), HistoryLists::default());
    }
}
