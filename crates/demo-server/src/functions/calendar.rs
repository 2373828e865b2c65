//! `core_calendar_get_action_events_by_timesort` and `core_calendar_get_calendar_events`.
//! The demo has no dated activities, so there are no events: the answers are empty, in
//! Moodle's full shape, after Moodle's checks.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{Ctx, Warning};
use crate::access;
use crate::db;
use crate::error::{Error, Result};
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionParams {
    #[serde(default)]
    timesortfrom: i64,
    #[serde(default)]
    timesortto: Option<i64>,
    #[serde(default)]
    aftereventid: i64,
    #[serde(default = "twenty")]
    limitnum: i64,
    #[serde(default, rename = "limittononsuspendedevents")]
    _limittononsuspendedevents: Option<MoodleBool>,
    #[serde(default)]
    userid: Option<i64>,
    #[serde(default, rename = "searchvalue")]
    _searchvalue: Option<String>,
}

fn twenty() -> i64 {
    20
}

/// `events_exporter`: the events and the ids of the first and last (its defaults, null, when
/// there are none).
#[derive(Debug, Serialize)]
pub(crate) struct ActionEvents {
    events: Vec<serde_json::Value>,
    firstid: Option<i64>,
    lastid: Option<i64>,
}

pub(crate) async fn get_action_events_by_timesort(
    ctx: &Ctx,
    params: ActionParams,
) -> Result<ActionEvents> {
    // The user check comes first, as in Moodle's function; the limit is checked after it,
    // by the calendar API.
    if let Some(userid) = params.userid.filter(|&id| id != 0) {
        let exists = ctx
            .state
            .db()
            .call(move |conn| Ok(db::user_by_id(conn, userid)?.is_some()))
            .await?;
        if !exists {
            // `context_user::instance` of a user that is not there.
            return Err(Error::missing_record("user"));
        }
        // Moodle compares the token user's id (database text) with the cleaned integer
        // strictly (`!==`), so any explicit id, one's own included, needs
        // moodle/calendar:manageentries in that user's context, which learners lack. The
        // exception names the code `nopermission`, which has no language string.
        return Err(Error::NoLangString {
            exception: "required_capability_exception",
            errorcode: "nopermission",
        });
    }
    if !(1..=50).contains(&params.limitnum) {
        // A plain moodle_exception whose "error code" is the sentence itself.
        return Err(Error::NoLangString {
            exception: "moodle_exception",
            errorcode: "Limit must be between 1 and 50 (inclusive)",
        });
    }
    // Nothing the demo has carries a date, so no window holds an event.
    let _ = (params.timesortfrom, params.timesortto, params.aftereventid);
    Ok(ActionEvents {
        events: Vec::new(),
        firstid: None,
        lastid: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarParams {
    #[serde(default)]
    events: EventFilter,
    #[serde(default)]
    options: EventOptions,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFilter {
    #[serde(default)]
    eventids: Vec<i64>,
    #[serde(default)]
    courseids: Vec<i64>,
    #[serde(default)]
    groupids: Vec<i64>,
    #[serde(default)]
    categoryids: Vec<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventOptions {
    #[serde(default, rename = "userevents")]
    _userevents: Option<MoodleBool>,
    #[serde(default, rename = "siteevents")]
    _siteevents: Option<MoodleBool>,
    #[serde(default, rename = "timestart")]
    _timestart: Option<i64>,
    #[serde(default, rename = "timeend")]
    _timeend: Option<i64>,
    #[serde(default, rename = "ignorehidden")]
    _ignorehidden: Option<MoodleBool>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CalendarEvents {
    events: Vec<serde_json::Value>,
    warnings: Vec<Warning>,
}

pub(crate) async fn get_calendar_events(
    ctx: &Ctx,
    params: CalendarParams,
) -> Result<CalendarEvents> {
    let (userid, courseids) = (ctx.user.id, params.events.courseids);
    let _ = (
        params.events.eventids,
        params.events.categoryids,
        params.options,
    );
    let mut warnings = ctx
        .state
        .db()
        .call(move |conn| course_warnings(conn, userid, &courseids))
        .await?;
    // The demo's courses have no groups, so every group asked for is one the learner is not
    // in. Moodle puts the id in `item` (text) and no `itemid`.
    warnings.extend(params.events.groupids.into_iter().map(|id| Warning {
        item: Some(id.to_string()),
        itemid: None,
        warningcode: "nopermissions",
        message: "you do not have permissions to access this group".to_owned(),
    }));
    Ok(CalendarEvents {
        events: Vec::new(),
        warnings,
    })
}

/// Each course the learner cannot enter is reported, not searched. Moodle's message is
/// "No access rights in course context" followed directly by the exception's message and
/// then the PHP stack trace; the demo has no PHP trace to add, so it ends after the message.
fn course_warnings(conn: &Connection, userid: i64, ids: &[i64]) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    for &id in ids {
        let refusal = match db::course_by_id(conn, id)? {
            None => Error::missing_record("course").to_string(),
            Some(course) => match access::course_access(conn, userid, &course)? {
                Ok(()) => continue,
                Err(denied) => Error::RequireLogin {
                    reason: denied.reason(),
                }
                .to_string(),
            },
        };
        warnings.push(Warning::course(
            id,
            "nopermissions",
            &format!("No access rights in course context {refusal}"),
        ));
    }
    Ok(warnings)
}
