//! `core_group_get_course_user_groups`: a user's groups in a course (or in all their
//! courses), after Moodle's checks, which report refusals as warnings rather than errors.
//! Groups come from group enrolment keys (a facility's wards).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::resources::validate_courses;
use super::{Ctx, Warning};
use crate::db;
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// 0: every course the user is enrolled in.
    #[serde(default)]
    courseid: i64,
    /// 0: the caller.
    #[serde(default)]
    userid: i64,
    #[serde(default, rename = "groupingid")]
    _groupingid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Groups {
    groups: Vec<Group>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
struct Group {
    id: i64,
    name: String,
    description: String,
    descriptionformat: i64,
    idnumber: String,
    /// Only when asked about every course.
    #[serde(skip_serializing_if = "Option::is_none")]
    courseid: Option<i64>,
}

pub(crate) async fn get_course_user_groups(ctx: &Ctx, params: Params) -> Result<Groups> {
    let caller = ctx.user.id;
    ctx.state
        .db()
        .call(move |conn| {
            let all_courses = params.courseid == 0;
            let (userid, courses, warnings) = course_warnings(conn, caller, params)?;
            let mut groups = Vec::new();
            for courseid in courses {
                for group in db::user_groups(conn, userid, Some(courseid))? {
                    groups.push(Group {
                        id: group.id,
                        name: group.name,
                        description: group.description,
                        descriptionformat: group.descriptionformat,
                        idnumber: group.idnumber,
                        courseid: all_courses.then_some(group.courseid),
                    });
                }
            }
            Ok(Groups { groups, warnings })
        })
        .await
}

/// Moodle's checks, in its order: the user must exist; a named course must exist; then
/// `validate_courses` (warning `1` for each course the caller cannot enter), and for each
/// course left a warning when the caller asks about someone else without managing groups
/// (`cannotmanagegroups`, that course skipped) or when the user is not enrolled in a named
/// course (`notenrolled`, still searched). Returns the user, the courses to search and the
/// warnings.
fn course_warnings(
    conn: &Connection,
    caller: i64,
    params: Params,
) -> Result<(i64, Vec<i64>, Vec<Warning>)> {
    let userid = if params.userid == 0 {
        caller
    } else {
        // `core_user::get_user(MUST_EXIST)`; every demo user is active, so
        // `require_active_user` passes.
        db::user_by_id(conn, params.userid)?.ok_or_else(|| Error::missing_record("user"))?;
        params.userid
    };
    let (courseids, named) = if params.courseid == 0 {
        let mine = db::enrolled_courses(conn, userid)?;
        (mine.into_iter().map(|c| c.id).collect(), false)
    } else {
        // `get_course()`: an unknown course is an error, not a warning.
        db::course_by_id(conn, params.courseid)?.ok_or_else(|| Error::missing_record("course"))?;
        (vec![params.courseid], true)
    };
    let (courses, mut warnings) = validate_courses(conn, caller, &courseids)?;
    let mut searched = Vec::new();
    for courseid in courses {
        if userid != caller {
            warnings.push(Warning::course(
                courseid,
                "cannotmanagegroups",
                &format!("User {caller} cannot manage groups in course {courseid}"),
            ));
            continue;
        }
        if named && !db::is_enrolled(conn, userid, courseid)? {
            warnings.push(Warning::course(
                courseid,
                "notenrolled",
                &format!("User {userid} is not enrolled in course {courseid}"),
            ));
        }
        searched.push(courseid);
    }
    Ok((userid, searched, warnings))
}
