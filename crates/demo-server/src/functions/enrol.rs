//! `core_enrol_get_users_courses`: the courses the learner is enrolled in.

use serde::{Deserialize, Serialize};

use super::Ctx;
use super::area_files::{AreaFile, CourseImage, course_image};
use crate::access;
use crate::db::{self, CourseRow};
use crate::error::Result;
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    userid: i64,
    #[serde(default = "MoodleBool::yes")]
    returnusercount: MoodleBool,
}

#[derive(Debug, Serialize)]
pub(crate) struct UserCourse {
    id: i64,
    shortname: String,
    fullname: String,
    displayname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    enrolledusercount: Option<i64>,
    idnumber: String,
    visible: i64,
    summary: String,
    summaryformat: i64,
    format: String,
    courseimage: String,
    showgrades: bool,
    lang: &'static str,
    enablecompletion: bool,
    completionhascriteria: bool,
    completionusertracked: bool,
    category: i64,
    /// Percent of completion-tracked activities done; `null` when nothing is tracked.
    progress: Option<f64>,
    /// `null` when the course does not track completion.
    completed: Option<bool>,
    startdate: i64,
    enddate: i64,
    marker: i64,
    lastaccess: Option<i64>,
    isfavourite: bool,
    hidden: bool,
    overviewfiles: Vec<AreaFile>,
    showactivitydates: bool,
    showcompletionconditions: bool,
    timemodified: i64,
}

pub(crate) async fn get_users_courses(ctx: &Ctx, params: Params) -> Result<Vec<UserCourse>> {
    let caller = ctx.user.id;
    let userid = params.userid;
    let with_count = params.returnusercount.0;
    let wwwroot = ctx.wwwroot.clone();
    ctx.state
        .db()
        .call(move |conn| {
            // Another user's list is not refused: Moodle lists the courses of theirs the
            // caller can enter (a learner may view a classmate's participation and profile
            // there), leaving out what is private to them. An unknown id has no courses.
            let own = userid == caller;
            let lastaccess = db::lastaccess_of(conn, userid)?;
            let mut courses = Vec::new();
            for course in db::enrolled_courses(conn, userid)? {
                // Moodle skips courses whose context the caller cannot enter (e.g. hidden).
                if access::course_access(conn, caller, &course)?.is_err() {
                    continue;
                }
                let count = if with_count {
                    Some(db::enrolled_user_count(conn, course.id)?)
                } else {
                    None
                };
                // Completion is shown only to the user themself (a learner cannot view
                // others' completion data).
                let completion = if own && course.enablecompletion {
                    Some(access::progress(conn, course.id, userid)?)
                } else {
                    None
                };
                let last = lastaccess.get(&course.id).copied();
                let image = course_image(conn, &wwwroot, &course)?;
                courses.push(user_course(image, course, count, completion, last));
            }
            Ok(courses)
        })
        .await
}

fn user_course(
    image: CourseImage,
    course: CourseRow,
    count: Option<i64>,
    // `Some(progress)` when the course tracks completion and the viewer may see it.
    completion: Option<Option<f64>>,
    lastaccess: Option<i64>,
) -> UserCourse {
    UserCourse {
        id: course.id,
        displayname: course.fullname.clone(),
        shortname: course.shortname,
        fullname: course.fullname,
        enrolledusercount: count,
        idnumber: course.idnumber,
        visible: i64::from(course.visible),
        summary: course.summary,
        summaryformat: 1,
        courseimage: image.courseimage,
        format: course.format,
        showgrades: true,
        lang: "",
        enablecompletion: course.enablecompletion,
        // Moodle fills these only where completion is tracked and visible to the caller. No
        // course-level criteria are configured, so "completed" stays false; activity
        // completion drives `progress`. Learners are tracked users.
        completionhascriteria: false,
        completionusertracked: completion.is_some(),
        category: course.category,
        progress: completion.flatten(),
        completed: completion.map(|_| false),
        startdate: course.startdate,
        enddate: course.enddate,
        marker: 0,
        lastaccess,
        isfavourite: false,
        hidden: false,
        overviewfiles: image.overviewfiles,
        showactivitydates: true,
        showcompletionconditions: true,
        timemodified: course.timemodified,
    }
}
