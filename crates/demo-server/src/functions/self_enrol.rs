//! Self-enrolment with a key (the facility code, 施設コード):
//! `core_enrol_get_course_enrolment_methods`, `enrol_self_get_instance_info` and
//! `enrol_self_enrol_user`, as Moodle 4.5's `enrol_self` plugin answers them.
//!
//! Moodle has no lookup from a key to a course: a client lists the courses
//! (`core_course_get_courses_by_field`, whose public fields name `self` among the
//! `enrollmentmethods`), asks a course for its methods, then sends the key to that course.
//! A wrong key is not an error but `status: false` with a warning, and enrols nothing.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Ctx, Warning};
use crate::db::{self, CourseRow, EnrolRow, UserRow};
use crate::error::{Error, Result};
use crate::facility;

/// The site's `enrol_self | showhint` setting: Moodle's default is off, so a wrong key gets
/// warning `4`. With it on, warning `3` gives away the key's first letter.
const SHOW_HINT: bool = false;

/// Instances without a name are called by the plugin's name and their role (Student).
const DEFAULT_INSTANCE_NAME: &str = "Self enrolment (Student)";
/// `get_string('password', 'enrol_self')`: the label of the key field, never the key.
const KEY_LABEL: &str = "Enrolment key";
const CANNT_ENROL: &str = "Enrolment is disabled or inactive";
const WRONG_KEY: &str = "Incorrect enrolment key, please try again";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodsParams {
    courseid: i64,
}

/// One entry of `core_enrol_get_course_enrolment_methods`.
#[derive(Debug, Serialize)]
pub(crate) struct Method {
    id: i64,
    courseid: i64,
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    /// `true` when the caller may self-enrol now, else the reason as text.
    status: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    wsfunction: Option<&'static str>,
}

pub(crate) async fn get_course_enrolment_methods(
    ctx: &Ctx,
    params: MethodsParams,
) -> Result<Vec<Method>> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let course = listed_course(conn, params.courseid)?;
            let mut methods = Vec::new();
            // Only the self plugin describes itself; manual enrolment has nothing to offer.
            for instance in db::enabled_instances(conn, course.id)? {
                if instance.enrol != "self" {
                    continue;
                }
                let status = can_self_enrol(conn, &user, &instance, now)?;
                let wsfunction = (status.is_ok() && instance.key().is_some())
                    .then_some("enrol_self_get_instance_info");
                methods.push(Method {
                    id: instance.id,
                    courseid: instance.courseid,
                    kind: "self",
                    name: instance_name(&instance),
                    status: status_value(status),
                    wsfunction,
                });
            }
            Ok(methods)
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InstanceParams {
    instanceid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct InstanceInfo {
    id: i64,
    courseid: i64,
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    status: Value,
    /// The label of the key field when a key is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    enrolpassword: Option<&'static str>,
}

/// Moodle asks the self plugin about any instance id, whatever its plugin, in any course the
/// caller can see the category of: a manual instance reads as a self one that cannot be used.
pub(crate) async fn get_instance_info(ctx: &Ctx, params: InstanceParams) -> Result<InstanceInfo> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let instance = db::enrol_instance(conn, params.instanceid)?
                .ok_or_else(|| Error::missing_record("enrol"))?;
            // `can_view_course_info`: a hidden course's instance is not described (`coursehidden`).
            listed_course(conn, instance.courseid)?;
            let status = can_self_enrol(conn, &user, &instance, now)?;
            Ok(InstanceInfo {
                id: instance.id,
                courseid: instance.courseid,
                kind: "self",
                name: instance_name(&instance),
                status: status_value(status),
                enrolpassword: instance.key().map(|_| KEY_LABEL),
            })
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrolParams {
    courseid: i64,
    /// `PARAM_RAW`: compared exactly, case and spaces included.
    #[serde(default)]
    password: String,
    /// 0: try every self-enrolment of the course.
    #[serde(default)]
    instanceid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct EnrolResult {
    status: bool,
    warnings: Vec<Warning>,
}

pub(crate) async fn enrol_user(ctx: &Ctx, params: EnrolParams) -> Result<EnrolResult> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let course = db::course_by_id(conn, params.courseid)?
                .ok_or_else(|| Error::missing_record("course"))?;
            if !course.visible {
                return Err(course_hidden());
            }
            let tx = conn.transaction()?;
            let result = try_instances(&tx, &user, &course, &params, now)?;
            tx.commit()?;
            Ok(result)
        })
        .await
}

/// Moodle's loop: each candidate instance in turn, a warning for each refusal, enrolled by
/// the first that accepts the key. Another course's instance id is no candidate.
fn try_instances(
    conn: &Connection,
    user: &UserRow,
    course: &CourseRow,
    params: &EnrolParams,
    now: i64,
) -> Result<EnrolResult> {
    let candidates: Vec<EnrolRow> = db::enabled_instances(conn, course.id)?
        .into_iter()
        .filter(|i| i.enrol == "self")
        .filter(|i| params.instanceid == 0 || i.id == params.instanceid)
        .collect();
    if candidates.is_empty() {
        return Err(Error::CanntEnrol);
    }
    let mut warnings = Vec::new();
    for instance in candidates {
        if let Err(reason) = can_self_enrol(conn, user, &instance, now)? {
            warnings.push(instance_warning(&instance, "1", reason));
            continue;
        }
        let group = match key_check(conn, course, &instance, &params.password)? {
            KeyCheck::Refused(warning) => {
                warnings.push(warning);
                continue;
            }
            KeyCheck::Accepted { group } => group,
        };
        db::insert_user_enrolment(conn, instance.id, user.id, now)?;
        if let Some(group) = group {
            db::add_group_member(conn, group.id, user.id, now)?;
        }
        facility::joined(conn, user.id, course)?;
        return Ok(EnrolResult {
            status: true,
            warnings,
        });
    }
    Ok(EnrolResult {
        status: false,
        warnings,
    })
}

enum KeyCheck {
    /// Enrol, into this group when the key was a group's.
    Accepted {
        group: Option<db::GroupRow>,
    },
    Refused(Warning),
}

/// The key against the instance's, then (group keys on) against the course's group keys:
/// warning `2` when group keys are on and none matches, else `3` or `4`.
fn key_check(
    conn: &Connection,
    course: &CourseRow,
    instance: &EnrolRow,
    password: &str,
) -> Result<KeyCheck> {
    let Some(key) = instance.key() else {
        return Ok(KeyCheck::Accepted { group: None });
    };
    if password == key {
        return Ok(KeyCheck::Accepted { group: None });
    }
    if !instance.customint1 {
        return Ok(KeyCheck::Refused(wrong_key(instance, key, SHOW_HINT)));
    }
    Ok(
        match db::group_by_enrolment_key(conn, course.id, password)? {
            Some(group) => KeyCheck::Accepted { group: Some(group) },
            None => KeyCheck::Refused(instance_warning(instance, "2", WRONG_KEY.to_owned())),
        },
    )
}

/// Warning `3` (with the key's first letter) or `4`: a wrong key where group keys are off.
fn wrong_key(instance: &EnrolRow, key: &str, show_hint: bool) -> Warning {
    if show_hint {
        let first: String = key.chars().take(1).collect();
        // Moodle escapes the language string, markup included, for the PARAM_TEXT message.
        let message = format!(
            "That enrolment key was incorrect, please try again&lt;br /&gt;\n\
             (Here&#039;s a hint - it starts with &#039;{}&#039;)",
            escape(&first)
        );
        instance_warning(instance, "3", message)
    } else {
        instance_warning(instance, "4", WRONG_KEY.to_owned())
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

fn instance_warning(instance: &EnrolRow, code: &'static str, message: String) -> Warning {
    Warning {
        item: Some("instance".to_owned()),
        itemid: Some(instance.id),
        warningcode: code,
        message,
    }
}

/// The course for the methods list: it must exist, and a learner must be able to see it
/// listed (`can_view_course_info`: visible) or enter it (which a hidden course also refuses).
fn listed_course(conn: &Connection, courseid: i64) -> Result<CourseRow> {
    let course =
        db::course_by_id(conn, courseid)?.ok_or_else(|| Error::missing_record("course"))?;
    if !course.visible {
        return Err(course_hidden());
    }
    Ok(course)
}

/// `moodle_exception('coursehidden')`: the error strings have no such entry, so Moodle's
/// message is `error/coursehidden`.
fn course_hidden() -> Error {
    Error::NoLangString {
        exception: "moodle_exception",
        errorcode: "coursehidden",
    }
}

/// `can_self_enrol`, in Moodle's order: already enrolled here, then whether the instance is
/// open now (enabled, inside its dates, taking new enrolments, not full). Every learner holds
/// `enrol/self:enrolself`. `Err` carries the reason Moodle gives.
fn can_self_enrol(
    conn: &Connection,
    user: &UserRow,
    instance: &EnrolRow,
    now: i64,
) -> Result<Result<(), String>> {
    if db::has_user_enrolment(conn, instance.id, user.id)? {
        return Ok(Err(CANNT_ENROL.to_owned()));
    }
    if !instance.is_enabled() {
        return Ok(Err(CANNT_ENROL.to_owned()));
    }
    if instance.enrolstartdate != 0 && instance.enrolstartdate > now {
        return Ok(Err(format!(
            "You cannot enrol yet; enrolment starts on {}.",
            userdate(instance.enrolstartdate)
        )));
    }
    if instance.enrolenddate != 0 && instance.enrolenddate < now {
        return Ok(Err(format!(
            "You cannot enrol any more, since enrolment ended on {}.",
            userdate(instance.enrolenddate)
        )));
    }
    if !instance.customint6 {
        return Ok(Err(CANNT_ENROL.to_owned()));
    }
    if instance.customint3 > 0
        && db::user_enrolment_count(conn, instance.id)? >= instance.customint3
    {
        return Ok(Err(
            "Maximum number of users allowed to self-enrol was already reached.".to_owned(),
        ));
    }
    Ok(Ok(()))
}

/// `status` is `PARAM_RAW`: JSON `true`, or the reason as a string.
fn status_value(status: Result<(), String>) -> Value {
    match status {
        Ok(()) => Value::Bool(true),
        Err(reason) => Value::String(reason),
    }
}

fn instance_name(instance: &EnrolRow) -> String {
    match instance.name.as_deref() {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => DEFAULT_INSTANCE_NAME.to_owned(),
    }
}

/// `userdate($time)`: `strftimedaydatetime` (`%A, %d %B %Y, %I:%M %p`) in the site's time
/// zone, without the leading zeros of the day and hour, as Moodle prints them.
pub(crate) fn userdate(time: i64) -> String {
    const WEEKDAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let local = time + crate::clock::SITE_UTC_OFFSET;
    let days = local.div_euclid(86_400);
    let seconds = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    let (hour, minute) = (seconds / 3600, seconds % 3600 / 60);
    let (hour12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!(
        "{weekday}, {day} {} {year}, {hour12}:{minute:02} {half}",
        MONTHS[month as usize - 1]
    )
}

/// Year, month (1–12) and day of a count of days since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_moodle_prints_them_in_tokyo() {
        // 2025-03-31 23:59:59 JST.
        assert_eq!(userdate(1_743_433_199), "Monday, 31 March 2025, 11:59 PM");
        // 2025-04-01 00:00 JST: midnight is 12 AM.
        assert_eq!(userdate(1_743_433_200), "Tuesday, 1 April 2025, 12:00 AM");
        // 1970-01-01 09:05 JST, noon and a leap day.
        assert_eq!(userdate(300), "Thursday, 1 January 1970, 9:05 AM");
        assert_eq!(
            userdate(1_709_175_600),
            "Thursday, 29 February 2024, 12:00 PM"
        );
    }

    fn instance(key: &str) -> EnrolRow {
        EnrolRow {
            id: 7,
            courseid: 2,
            enrol: "self".to_owned(),
            status: 0,
            name: None,
            password: Some(key.to_owned()),
            enrolstartdate: 0,
            enrolenddate: 0,
            customint3: 0,
            customint6: true,
            customint1: false,
        }
    }

    #[test]
    fn a_wrong_key_gives_the_first_letter_only_with_the_hint_on() {
        let plain = wrong_key(&instance("NCCH2025"), "NCCH2025", false);
        assert_eq!(
            (plain.warningcode, plain.message.as_str()),
            ("4", WRONG_KEY)
        );
        assert_eq!(plain.itemid, Some(7));
        let hint = wrong_key(&instance("NCCH2025"), "NCCH2025", true);
        assert_eq!(hint.warningcode, "3");
        assert_eq!(
            hint.message,
            "That enrolment key was incorrect, please try again&lt;br /&gt;\n\
             (Here&#039;s a hint - it starts with &#039;N&#039;)"
        );
        // One character, not one byte; markup in the key is escaped.
        let hint = wrong_key(&instance("施設"), "施設", true);
        assert!(
            hint.message.ends_with("&#039;施&#039;)"),
            "{}",
            hint.message
        );
        let hint = wrong_key(&instance("<b>"), "<b>", true);
        assert!(
            hint.message.ends_with("&#039;&lt;&#039;)"),
            "{}",
            hint.message
        );
    }
}
