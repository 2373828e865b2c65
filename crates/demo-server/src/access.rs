//! Who may see what: course access (enrolment) and, inside a course, which sections and
//! modules a learner sees, which are locked, and their completion.
//!
//! Every function, file download and view event goes through here, so a learner never reaches
//! a course they are not enrolled in or a module that is hidden or locked for them.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::availability::{Rule, unavailable_info};
use crate::db::{self, CmRow, CourseRow, LectureRow, SITE_COURSE_ID, SectionRow};

/// Why `require_login` refuses a course; the text is Moodle's reason in parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    NotEnrolled,
    CourseHidden,
    ActivityHidden,
}

impl Denied {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Denied::NotEnrolled => "Not enrolled",
            Denied::CourseHidden => "Course is hidden",
            Denied::ActivityHidden => "Activity is hidden",
        }
    }
}

/// Learners enter visible courses they are enrolled in, and the site course.
pub(crate) fn course_access(
    conn: &Connection,
    userid: i64,
    course: &CourseRow,
) -> rusqlite::Result<Result<(), Denied>> {
    if course.id == SITE_COURSE_ID {
        return Ok(Ok(()));
    }
    if !db::is_enrolled(conn, userid, course.id)? {
        return Ok(Err(Denied::NotEnrolled));
    }
    if !course.visible {
        return Ok(Err(Denied::CourseHidden));
    }
    Ok(Ok(()))
}

/// A course as one learner sees it.
#[derive(Debug, Clone)]
pub(crate) struct CourseView {
    pub(crate) sections: Vec<SectionView>,
}

#[derive(Debug, Clone)]
pub(crate) struct SectionView {
    pub(crate) row: SectionRow,
    pub(crate) uservisible: bool,
    pub(crate) availabilityinfo: Option<String>,
    /// Empty when the section is locked, as Moodle sends it.
    pub(crate) modules: Vec<CmView>,
}

#[derive(Debug, Clone)]
pub(crate) struct CmView {
    pub(crate) row: CmRow,
    pub(crate) uservisible: bool,
    pub(crate) availabilityinfo: Option<String>,
    pub(crate) completion_state: i64,
    pub(crate) timecompleted: i64,
    /// Another module's or section's availability depends on this one's completion.
    pub(crate) valueused: bool,
}

impl CourseView {
    pub(crate) fn load(
        conn: &Connection,
        courseid: i64,
        userid: i64,
    ) -> rusqlite::Result<CourseView> {
        let sections = db::course_sections(conn, courseid)?;
        let cms = db::course_modules(conn, courseid)?;
        let completions = db::completion_states(conn, courseid, userid)?;
        Ok(CourseView::build(sections, cms, &completions))
    }

    /// Pure: rows plus this learner's completion → what the learner sees.
    pub(crate) fn build(
        sections: Vec<SectionRow>,
        cms: Vec<CmRow>,
        completions: &HashMap<i64, (i64, i64)>,
    ) -> CourseView {
        let names: HashMap<i64, String> = cms.iter().map(|cm| (cm.id, cm.name.clone())).collect();
        // Complete or passed; a failed grade (3) does not count (`COMPLETION_COMPLETE_FAIL`).
        let is_complete = |cm: i64| {
            completions
                .get(&cm)
                .is_some_and(|(state, _)| matches!(state, 1 | 2))
        };
        let lock = |availability: &Option<String>| -> Option<String> {
            let json = availability.as_deref()?;
            let unmet = match Rule::parse(json) {
                Ok(rule) => rule.unmet(is_complete),
                Err(err) => {
                    tracing::warn!(%err, "unreadable availability rule: locked");
                    return Some("Not available".to_owned());
                }
            };
            let unmet_names: Vec<&str> = unmet
                .iter()
                .filter_map(|cm| names.get(cm).map(String::as_str))
                .collect();
            (!unmet.is_empty()).then(|| unavailable_info(&unmet_names))
        };
        let used: Vec<i64> = sections
            .iter()
            .filter_map(|s| s.availability.as_deref())
            .chain(cms.iter().filter_map(|cm| cm.availability.as_deref()))
            .filter_map(|json| Rule::parse(json).ok())
            .flat_map(|rule| rule.required().to_vec())
            .collect();

        let mut by_section: HashMap<i64, Vec<CmRow>> = HashMap::new();
        for cm in cms.into_iter().filter(|cm| cm.visible) {
            by_section.entry(cm.section_id).or_default().push(cm);
        }
        let sections = sections
            .into_iter()
            .filter(|section| section.visible)
            .map(|row| {
                let availabilityinfo = lock(&row.availability);
                let uservisible = availabilityinfo.is_none();
                let modules = if uservisible {
                    by_section
                        .remove(&row.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|cm| {
                            let availabilityinfo = lock(&cm.availability);
                            let (state, time) = completions.get(&cm.id).copied().unwrap_or((0, 0));
                            CmView {
                                uservisible: availabilityinfo.is_none(),
                                availabilityinfo,
                                completion_state: state,
                                timecompleted: time,
                                valueused: used.contains(&cm.id),
                                row: cm,
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                SectionView {
                    row,
                    uservisible,
                    availabilityinfo,
                    modules,
                }
            })
            .collect();
        CourseView { sections }
    }

    pub(crate) fn modules(&self) -> impl Iterator<Item = &CmView> {
        self.sections.iter().flat_map(|s| s.modules.iter())
    }

    /// The module if the learner may open it: listed, in an open section, not locked.
    pub(crate) fn open_module(&self, cmid: i64) -> Result<&CmView, Denied> {
        self.modules()
            .find(|cm| cm.row.id == cmid && cm.uservisible)
            .ok_or(Denied::ActivityHidden)
    }
}

/// The lectures one learner can open, for requests that touch many: each course is read once.
///
/// A lecture that does not exist, is not a lecture, or is out of the learner's reach (not
/// enrolled, hidden, locked) all look the same from outside, so nothing can be probed.
pub(crate) struct VisibleLectures<'c> {
    conn: &'c Connection,
    userid: i64,
    /// `None`: the learner cannot enter the course.
    courses: HashMap<i64, Option<CourseView>>,
}

impl<'c> VisibleLectures<'c> {
    pub(crate) fn new(conn: &'c Connection, userid: i64) -> VisibleLectures<'c> {
        VisibleLectures {
            conn,
            userid,
            courses: HashMap::new(),
        }
    }

    /// The lecture, if it is one and the learner may open it.
    pub(crate) fn lecture(&mut self, cmid: i64) -> rusqlite::Result<Option<LectureRow>> {
        let Some(lecture) = db::lecture(self.conn, cmid)? else {
            return Ok(None);
        };
        Ok(self.can_open(&lecture)?.then_some(lecture))
    }

    /// Whether the learner may open a lecture already read from the database.
    pub(crate) fn can_open(&mut self, lecture: &LectureRow) -> rusqlite::Result<bool> {
        if !self.courses.contains_key(&lecture.courseid) {
            let view = self.load(lecture.courseid)?;
            self.courses.insert(lecture.courseid, view);
        }
        Ok(self
            .courses
            .get(&lecture.courseid)
            .and_then(Option::as_ref)
            .is_some_and(|view| view.open_module(lecture.cmid).is_ok()))
    }

    fn load(&self, courseid: i64) -> rusqlite::Result<Option<CourseView>> {
        let Some(course) = db::course_by_id(self.conn, courseid)? else {
            return Ok(None);
        };
        if course_access(self.conn, self.userid, &course)?.is_err() {
            return Ok(None);
        }
        CourseView::load(self.conn, courseid, self.userid).map(Some)
    }
}

/// Course progress as Moodle computes it: completed / completion-tracked visible modules, in
/// percent; `None` when nothing is tracked.
pub(crate) fn progress(
    conn: &Connection,
    courseid: i64,
    userid: i64,
) -> rusqlite::Result<Option<f64>> {
    let cms = db::course_modules(conn, courseid)?;
    let completions = db::completion_states(conn, courseid, userid)?;
    let tracked: Vec<&CmRow> = cms
        .iter()
        .filter(|cm| cm.visible && cm.completion > 0)
        .collect();
    if tracked.is_empty() {
        return Ok(None);
    }
    let done = tracked
        .iter()
        .filter(|cm| {
            completions
                .get(&cm.id)
                .is_some_and(|(state, _)| matches!(state, 1 | 2))
        })
        .count();
    Ok(Some(done as f64 * 100.0 / tracked.len() as f64))
}
