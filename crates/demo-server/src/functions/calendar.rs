//! `core_calendar_get_action_events_by_timesort` and `core_calendar_get_calendar_events`.
//! The demo has no dated activities, so there are no events: the answers are empty, in
//! Moodle's full shape, after Moodle's checks.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::resources::validate_courses;
use super::{Ctx, Warning};
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

/// `events_exporter`: the events and the ids of the first and last (null when none).
#[derive(Debug, Serialize)]
pub(crate) struct ActionEvents {
    events: Vec<serde_json::Value>,
    firstid: Option<i64>,
    lastid: Option<i64>,
}

pub(crate) fn get_action_events_by_timesort(
    ctx: &Ctx,
    params: ActionParams,
) -> Result<ActionEvents> {
    if !(1..=50).contains(&params.limitnum) {
        return Err(Error::invalid_parameter(
            "Limit must be between 1 and 50 (inclusive)",
        ));
    }
    if params.userid.is_some_and(|id| id != 0 && id != ctx.user.id) {
        return Err(Error::NoPermissions {
            capability: "Change site configuration",
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
        params.events.groupids,
        params.events.categoryids,
        params.options,
    );
    let warnings = ctx
        .state
        .db()
        .call(move |conn| Ok(course_warnings(conn, userid, &courseids)?))
        .await?;
    Ok(CalendarEvents {
        events: Vec::new(),
        warnings,
    })
}

/// Courses the learner cannot enter are reported, not searched, as Moodle does.
fn course_warnings(conn: &Connection, userid: i64, ids: &[i64]) -> rusqlite::Result<Vec<Warning>> {
    let (_, warnings) = validate_courses(conn, userid, ids)?;
    Ok(warnings
        .into_iter()
        .map(|w| Warning {
            warningcode: "nopermissions",
            message: "No access rights in course context".to_owned(),
            ..w
        })
        .collect())
}
