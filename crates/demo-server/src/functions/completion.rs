//! Activity completion: the `completiondata` of course modules, the standard status function
//! (`core_completion_get_activities_completion_status`) and the learner's manual toggle
//! (`core_completion_update_activity_completion_status_manually`).
//!
//! Lectures complete by watched coverage when the server runs with the viewing-history
//! extension (automatic tracking, rule `completionwatched`), and by hand otherwise (manual
//! tracking), so a client on a stock site has a standard way to record completion.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Ctx, StatusResult};
use crate::access::{CmView, CourseView, Denied};
use crate::db;
use crate::error::{Error, Result};
use crate::rest::params::MoodleBool;

/// Moodle's completion tracking values (`course_modules.completion`).
const TRACKING_MANUAL: i64 = 1;
const TRACKING_AUTOMATIC: i64 = 2;

#[derive(Debug, Serialize)]
pub(crate) struct CompletionData {
    state: i64,
    timecompleted: i64,
    overrideby: Option<i64>,
    valueused: bool,
    hascompletion: bool,
    isautomatic: bool,
    istrackeduser: bool,
    uservisible: bool,
    details: Vec<CompletionRule>,
    isoverallcomplete: bool,
}

#[derive(Debug, Serialize)]
struct CompletionRule {
    rulename: &'static str,
    rulevalue: RuleValue,
}

#[derive(Debug, Serialize)]
struct RuleValue {
    status: i64,
    description: String,
}

/// `completiondata` of a module with completion enabled, as `core_course_get_contents` sends it.
pub(crate) fn completion_data(cm: &CmView, threshold: f64) -> CompletionData {
    CompletionData {
        state: cm.completion_state,
        timecompleted: cm.timecompleted,
        overrideby: None,
        valueused: cm.valueused,
        hascompletion: true,
        isautomatic: cm.row.completion == TRACKING_AUTOMATIC,
        istrackeduser: true,
        uservisible: cm.uservisible,
        details: details(cm, threshold),
        isoverallcomplete: is_complete(cm.completion_state),
    }
}

/// Complete, or complete with a pass (`COMPLETION_COMPLETE`, `_PASS`); a fail
/// (`COMPLETION_COMPLETE_FAIL`, 3) is not.
fn is_complete(state: i64) -> bool {
    matches!(state, 1 | 2)
}

/// The automatic rules of a module and whether each is met. Each rule here is the module's
/// only one, so its status is the module's state.
fn details(cm: &CmView, threshold: f64) -> Vec<CompletionRule> {
    if cm.row.completion != TRACKING_AUTOMATIC {
        return Vec::new();
    }
    let status = i64::from(cm.completion_state >= 1);
    let mut rules = Vec::new();
    // A quiz's grade rules carry the grade's state: 1 graded, 2 passed, 3 failed.
    if cm.row.completionusegrade {
        rules.push(CompletionRule {
            rulename: "completionusegrade",
            rulevalue: RuleValue {
                status: cm.completion_state,
                description: "Receive a grade".to_owned(),
            },
        });
    }
    if cm.row.completionpassgrade {
        rules.push(CompletionRule {
            rulename: "completionpassgrade",
            rulevalue: RuleValue {
                status: if matches!(cm.completion_state, 2 | 3) {
                    cm.completion_state
                } else {
                    0
                },
                description: "Receive a passing grade".to_owned(),
            },
        });
    }
    if cm.row.completionview {
        rules.push(CompletionRule {
            rulename: "completionview",
            rulevalue: RuleValue {
                status,
                description: "View".to_owned(),
            },
        });
    }
    if cm.row.completionwatched {
        rules.push(CompletionRule {
            rulename: "completionwatched",
            rulevalue: RuleValue {
                status,
                description: format!("Watch at least {:.0}% of the video", threshold * 100.0),
            },
        });
    }
    rules
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusParams {
    courseid: i64,
    userid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Statuses {
    statuses: Vec<Status>,
    warnings: Vec<Value>,
}

#[derive(Debug, Serialize)]
struct Status {
    cmid: i64,
    modname: String,
    instance: i64,
    state: i64,
    timecompleted: i64,
    tracking: i64,
    overrideby: Option<i64>,
    valueused: bool,
    hascompletion: bool,
    isautomatic: bool,
    istrackeduser: bool,
    uservisible: bool,
    details: Vec<CompletionRule>,
    isoverallcomplete: bool,
}

/// `core_completion_get_activities_completion_status`: the learner's completion of every
/// activity with completion enabled that they can see. Checks in Moodle's order: the course
/// and user exist, the course can be entered, then another user's data needs a capability
/// learners do not have.
pub(crate) async fn get_activities_completion_status(
    ctx: &Ctx,
    params: StatusParams,
) -> Result<Statuses> {
    let me = ctx.user.id;
    let threshold = ctx.state.progress().threshold;
    ctx.state
        .db()
        .call(move |conn| {
            let course = db::course_by_id(conn, params.courseid)?
                .ok_or_else(|| Error::missing_record("course"))?;
            db::user_by_id(conn, params.userid)?.ok_or_else(|| Error::missing_record("user"))?;
            crate::access::course_access(conn, me, &course)?.map_err(require_login)?;
            if params.userid != me {
                return Err(Error::NoPermissions {
                    capability: "View activity completion reports",
                });
            }
            let statuses = if course.enablecompletion {
                let view = CourseView::load(conn, course.id, me)?;
                view.modules()
                    .filter(|cm| cm.row.completion > 0 && cm.uservisible)
                    .map(|cm| status(cm, threshold))
                    .collect()
            } else {
                Vec::new()
            };
            Ok(Statuses {
                statuses,
                warnings: Vec::new(),
            })
        })
        .await
}

fn status(cm: &CmView, threshold: f64) -> Status {
    let data = completion_data(cm, threshold);
    Status {
        cmid: cm.row.id,
        modname: cm.row.modname.clone(),
        instance: cm.row.instance,
        state: data.state,
        timecompleted: data.timecompleted,
        tracking: cm.row.completion,
        overrideby: data.overrideby,
        valueused: data.valueused,
        hascompletion: data.hascompletion,
        isautomatic: data.isautomatic,
        istrackeduser: data.istrackeduser,
        uservisible: data.uservisible,
        details: data.details,
        isoverallcomplete: data.isoverallcomplete,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManualParams {
    cmid: i64,
    completed: MoodleBool,
}

/// `core_completion_update_activity_completion_status_manually`: the learner marks a
/// manual-tracking module complete (or not complete again).
pub(crate) async fn update_activity_completion_status_manually(
    ctx: &Ctx,
    params: ManualParams,
) -> Result<StatusResult> {
    let me = ctx.user.id;
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let courseid = db::course_of_module(conn, params.cmid)?
                .ok_or_else(|| Error::missing_record("course_modules"))?;
            let course =
                db::course_by_id(conn, courseid)?.ok_or_else(|| Error::missing_record("course"))?;
            crate::access::course_access(conn, me, &course)?.map_err(require_login)?;
            let view = CourseView::load(conn, courseid, me)?;
            let cm = view.open_module(params.cmid).map_err(require_login)?;
            if !course.enablecompletion {
                return Err(Error::CompletionNotEnabled);
            }
            if cm.row.completion != TRACKING_MANUAL {
                return Err(Error::CannotManualTrack);
            }
            db::set_manual_completion(conn, params.cmid, me, params.completed.0, now)?;
            Ok(StatusResult::ok())
        })
        .await
}

fn require_login(denied: Denied) -> Error {
    Error::RequireLogin {
        reason: denied.reason(),
    }
}
