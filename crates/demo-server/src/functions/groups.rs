//! `core_group_get_course_user_groups`: the learner's groups in a course (or in all their
//! courses). The demo's courses have no groups, so the list is empty after Moodle's checks.

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
    let userid = ctx.user.id;
    if params.userid != 0 && params.userid != userid {
        // Seeing another user's groups takes moodle/course:managegroups.
        return Err(Error::NoPermissions {
            capability: "Manage groups",
        });
    }
    let courseid = params.courseid;
    let warnings = ctx
        .state
        .db()
        .call(move |conn| {
            if courseid == 0 {
                return Ok(Vec::new());
            }
            // `get_course(MUST_EXIST)`: an unknown course is an error, not a warning.
            db::course_by_id(conn, courseid)?.ok_or_else(|| Error::missing_record("course"))?;
            let (_, warnings) = validate_courses(conn, userid, &[courseid])?;
            Ok(warnings)
        })
        .await?;
    Ok(Groups {
        groups: Vec::new(),
        warnings,
    })
}
