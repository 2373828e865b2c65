//! View events: `core_course_view_course` and `mod_resource_view_resource`. Both are logged;
//! viewing a resource also completes it when its completion rule is "view".

use serde::Deserialize;

use super::{Ctx, StatusResult, enter_course};
use crate::access::CourseView;
use crate::db::{self, LogEvent};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewCourseParams {
    courseid: i64,
    #[serde(default)]
    sectionnumber: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewResourceParams {
    /// The `resource` instance id (`instance` in get_contents), not the cmid.
    resourceid: i64,
}

pub(crate) async fn view_course(ctx: &Ctx, params: ViewCourseParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let course = enter_course(conn, &user, params.courseid)?.map_err(|denied| {
                Error::RequireLogin {
                    reason: denied.reason(),
                }
            })?;
            if params.sectionnumber != 0 {
                let sections = db::course_sections(conn, course.id)?;
                sections
                    .iter()
                    .find(|s| s.section == params.sectionnumber)
                    .ok_or(Error::SectionNotExist)?;
                let view = CourseView::load(conn, course.id, user.id)?;
                let open = view
                    .sections
                    .iter()
                    .any(|s| s.row.section == params.sectionnumber && s.uservisible);
                if !open {
                    return Err(Error::NoPermissions {
                        capability: "View hidden sections",
                    });
                }
            }
            db::log_event(
                conn,
                &LogEvent {
                    eventname: "\\core\\event\\course_viewed",
                    component: "core",
                    action: "viewed",
                    target: "course",
                    objectid: None,
                    contextid: course.contextid,
                    userid: user.id,
                    courseid: course.id,
                    other: (params.sectionnumber != 0).then(|| {
                        serde_json::json!({"coursesectionnumber": params.sectionnumber}).to_string()
                    }),
                    timecreated: now,
                },
            )?;
            db::touch_lastaccess(conn, user.id, course.id, now)?;
            Ok(StatusResult::ok())
        })
        .await
}

pub(crate) async fn view_resource(ctx: &Ctx, params: ViewResourceParams) -> Result<StatusResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let (cmid, courseid) = db::resource_cm(conn, params.resourceid)?
                .ok_or_else(|| Error::missing_record("resource"))?;
            let denied = |denied: crate::access::Denied| Error::RequireLogin {
                reason: denied.reason(),
            };
            enter_course(conn, &user, courseid)?.map_err(denied)?;
            let view = CourseView::load(conn, courseid, user.id)?;
            let cm = view.open_module(cmid).map_err(denied)?;
            db::log_event(
                conn,
                &LogEvent {
                    eventname: "\\mod_resource\\event\\course_module_viewed",
                    component: "mod_resource",
                    action: "viewed",
                    target: "course_module",
                    objectid: Some(params.resourceid),
                    contextid: cm.row.contextid,
                    userid: user.id,
                    courseid,
                    other: None,
                    timecreated: now,
                },
            )?;
            if cm.row.completion == 2 && cm.row.completionview {
                db::mark_complete(conn, cmid, user.id, now)?;
            }
            db::touch_lastaccess(conn, user.id, courseid, now)?;
            Ok(StatusResult::ok())
        })
        .await
}
