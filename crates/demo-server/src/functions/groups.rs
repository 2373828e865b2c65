//! `core_group_get_course_user_groups`: a user's groups in a course (or in all their
//! courses). The demo's courses have no groups, so the list is empty after Moodle's checks,
//! which report refusals as warnings rather than errors.

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
    groups: Vec<serde_json::Value>,
    warnings: Vec<Warning>,
}

pub(crate) async fn get_course_user_groups(ctx: &Ctx, params: Params) -> Result<Groups> {
    let caller = ctx.user.id;
    let warnings = ctx
        .state
        .db()
        .call(move |conn| course_warnings(conn, caller, params))
        .await?;
    Ok(Groups {
        groups: Vec::new(),
        warnings,
    })
}

/// Moodle's checks, in its order: the user must exist; a named course must exist; then
/// `validate_courses` (warning `1` for each course the caller cannot enter), and for each
/// course left a warning when the caller asks about someone else without managing groups
/// (`cannotmanagegroups`, that course skipped) or when the user is not enrolled in a named
/// course (`notenrolled`, still searched).
fn course_warnings(conn: &Connection, caller: i64, params: Params) -> Result<Vec<Warning>> {
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
    }
    Ok(warnings)
}
