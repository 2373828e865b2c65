//! The web-service functions this site implements, one module per Moodle area, and the
//! dispatcher from `wsfunction` to them.

mod area_files;
mod calendar;
mod completion;
mod contents;
mod courses;
mod dashboard;
mod enrol;
mod forum;
mod groups;
mod mobile;
mod notifications;
mod progress;
mod quiz;
mod resources;
mod self_enrol;
mod site_info;
mod views;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::access::{self, Denied};
use crate::db::{self, CourseRow, UserRow};
use crate::error::{Error, Result};
use crate::rest::params::parse;
use crate::state::AppState;

pub(crate) const SITE_NAME: &str = "ICRweb 臨床研究eラーニング（Juko デモ）";
/// Moodle 4.5's version number, which every function reports as its own.
pub(crate) const VERSION: &str = "2024100700";
pub(crate) const RELEASE: &str = "4.5 (Build: 20241007)";

/// What `call` implements on every site.
const STANDARD_FUNCTIONS: &[&str] = &[
    "core_block_get_dashboard_blocks",
    "core_calendar_get_action_events_by_timesort",
    "core_calendar_get_calendar_events",
    "core_completion_get_activities_completion_status",
    "core_completion_update_activity_completion_status_manually",
    "core_course_get_contents",
    "core_course_get_course_module",
    "core_course_get_courses_by_field",
    "core_course_view_course",
    "core_enrol_get_course_enrolment_methods",
    "core_enrol_get_users_courses",
    "core_group_get_course_user_groups",
    "core_webservice_get_site_info",
    "enrol_self_enrol_user",
    "enrol_self_get_instance_info",
    "mod_quiz_get_attempt_access_information",
    "mod_quiz_get_attempt_data",
    "mod_quiz_get_attempt_review",
    "mod_quiz_get_attempt_summary",
    "mod_quiz_get_quiz_access_information",
    "mod_quiz_get_quiz_required_qtypes",
    "mod_quiz_get_quizzes_by_courses",
    "mod_quiz_get_user_attempts",
    "mod_quiz_get_user_best_grade",
    "mod_quiz_process_attempt",
    "mod_quiz_save_attempt",
    "mod_quiz_start_attempt",
    "mod_quiz_view_attempt",
    "mod_quiz_view_attempt_review",
    "mod_quiz_view_attempt_summary",
    "mod_quiz_view_quiz",
    "mod_resource_get_resources_by_courses",
    "mod_resource_view_resource",
    "tool_mobile_get_config",
    "tool_mobile_get_public_config",
];

/// Announcements and notifications (news forums, popup notifications): on every site, listed
/// apart from `STANDARD_FUNCTIONS` only to keep each slice's lines together.
const NEWS_FUNCTIONS: &[&str] = &[
    "core_message_mark_all_notifications_as_read",
    "core_message_mark_notification_read",
    "message_popup_get_popup_notifications",
    "message_popup_get_unread_popup_notification_count",
    "mod_forum_get_discussion_posts",
    "mod_forum_get_forum_discussions",
    "mod_forum_get_forums_by_courses",
    "mod_forum_view_forum",
    "mod_forum_view_forum_discussion",
];

/// The viewing-history extension (a `local_juko` plugin on a real site): offered only when the
/// server runs with it.
const PROGRESS_FUNCTIONS: &[&str] = &["local_juko_get_progress", "local_juko_push_progress"];

/// Exactly what `call` implements on this site, sorted: `core_webservice_get_site_info` lists
/// these, and clients detect features from that list.
pub(crate) fn functions(progress_extension: bool) -> Vec<&'static str> {
    let mut all = STANDARD_FUNCTIONS.to_vec();
    all.extend_from_slice(NEWS_FUNCTIONS);
    if progress_extension {
        all.extend_from_slice(PROGRESS_FUNCTIONS);
    }
    all.sort_unstable();
    all
}

/// Functions a Moodle site has but this demo's service does not offer (yet): calling them is
/// an access exception, as on a site whose service leaves them out, not an unknown function.
const NOT_IN_SERVICE: &[&str] = &[
    "core_message_get_messages",
    "core_user_get_user_preferences",
    "core_user_set_user_preferences",
    "core_user_update_user_preferences",
    "mod_page_view_page",
    "mod_url_view_url",
];

/// Who is calling, on which site URL.
pub(crate) struct Ctx {
    pub(crate) state: AppState,
    pub(crate) user: UserRow,
    pub(crate) wwwroot: String,
}

/// Runs a function; the result is its JSON text, keys in Moodle's declared order.
pub(crate) async fn call(ctx: Ctx, name: &str, query: &str) -> Result<String> {
    if PROGRESS_FUNCTIONS.contains(&name) && !ctx.state.progress().extension {
        return Err(not_in_service(name));
    }
    match name {
        "core_webservice_get_site_info" => {
            json(site_info::get_site_info(&ctx, parse(query)?).await?)
        }
        "core_enrol_get_users_courses" => {
            json(enrol::get_users_courses(&ctx, parse(query)?).await?)
        }
        "core_enrol_get_course_enrolment_methods" => {
            json(self_enrol::get_course_enrolment_methods(&ctx, parse(query)?).await?)
        }
        "enrol_self_get_instance_info" => {
            json(self_enrol::get_instance_info(&ctx, parse(query)?).await?)
        }
        "enrol_self_enrol_user" => json(self_enrol::enrol_user(&ctx, parse(query)?).await?),
        "core_course_get_contents" => json(contents::get_contents(&ctx, parse(query)?).await?),
        "core_course_view_course" => json(views::view_course(&ctx, parse(query)?).await?),
        "mod_resource_view_resource" => json(views::view_resource(&ctx, parse(query)?).await?),
        "core_completion_get_activities_completion_status" => {
            json(completion::get_activities_completion_status(&ctx, parse(query)?).await?)
        }
        "core_completion_update_activity_completion_status_manually" => {
            json(completion::update_activity_completion_status_manually(&ctx, parse(query)?).await?)
        }
        "local_juko_push_progress" => json(progress::push_progress(&ctx, query).await?),
        "local_juko_get_progress" => json(progress::get_progress(&ctx, parse(query)?).await?),
        "tool_mobile_get_public_config" => {
            parse::<NoParams>(query)?;
            json(crate::ajax::public_config(&ctx.wwwroot))
        }
        "tool_mobile_get_config" => json(mobile::get_config(&ctx, parse(query)?)?),
        "core_course_get_courses_by_field" => {
            json(courses::get_courses_by_field(&ctx, parse(query)?).await?)
        }
        "core_course_get_course_module" => {
            json(courses::get_course_module(&ctx, parse(query)?).await?)
        }
        "mod_resource_get_resources_by_courses" => {
            json(resources::get_resources_by_courses(&ctx, parse(query)?).await?)
        }
        "core_block_get_dashboard_blocks" => {
            json(dashboard::get_dashboard_blocks(&ctx, parse(query)?)?)
        }
        "core_calendar_get_action_events_by_timesort" => {
            json(calendar::get_action_events_by_timesort(&ctx, parse(query)?).await?)
        }
        "core_calendar_get_calendar_events" => {
            json(calendar::get_calendar_events(&ctx, parse(query)?).await?)
        }
        "mod_quiz_get_quizzes_by_courses" => {
            json(quiz::get_quizzes_by_courses(&ctx, parse(query)?).await?)
        }
        "mod_quiz_get_quiz_access_information" => {
            json(quiz::get_quiz_access_information(&ctx, parse(query)?).await?)
        }
        "mod_quiz_get_quiz_required_qtypes" => {
            json(quiz::get_quiz_required_qtypes(&ctx, parse(query)?).await?)
        }
        "mod_quiz_get_user_attempts" => json(quiz::get_user_attempts(&ctx, parse(query)?).await?),
        "mod_quiz_get_user_best_grade" => {
            json(quiz::get_user_best_grade(&ctx, parse(query)?).await?)
        }
        "mod_quiz_view_quiz" => json(quiz::view_quiz(&ctx, parse(query)?).await?),
        "mod_quiz_start_attempt" => json(quiz::start_attempt(&ctx, parse(query)?).await?),
        "mod_quiz_get_attempt_access_information" => {
            json(quiz::get_attempt_access_information(&ctx, parse(query)?).await?)
        }
        "mod_quiz_get_attempt_data" => json(quiz::get_attempt_data(&ctx, parse(query)?).await?),
        "mod_quiz_get_attempt_summary" => {
            json(quiz::get_attempt_summary(&ctx, parse(query)?).await?)
        }
        "mod_quiz_save_attempt" => json(quiz::save_attempt(&ctx, parse(query)?).await?),
        "mod_quiz_process_attempt" => json(quiz::process_attempt(&ctx, parse(query)?).await?),
        "mod_quiz_get_attempt_review" => json(quiz::get_attempt_review(&ctx, parse(query)?).await?),
        "mod_quiz_view_attempt" => json(quiz::view_attempt(&ctx, parse(query)?).await?),
        "mod_quiz_view_attempt_summary" => {
            json(quiz::view_attempt_summary(&ctx, parse(query)?).await?)
        }
        "mod_quiz_view_attempt_review" => {
            json(quiz::view_attempt_review(&ctx, parse(query)?).await?)
        }
        "core_group_get_course_user_groups" => {
            json(groups::get_course_user_groups(&ctx, parse(query)?).await?)
        }
        // Announcements and notifications.
        "mod_forum_get_forums_by_courses" => {
            json(forum::get_forums_by_courses(&ctx, parse(query)?).await?)
        }
        "mod_forum_get_forum_discussions" => {
            json(forum::get_forum_discussions(&ctx, parse(query)?).await?)
        }
        "mod_forum_get_discussion_posts" => {
            json(forum::get_discussion_posts(&ctx, parse(query)?).await?)
        }
        "mod_forum_view_forum" => json(forum::view_forum(&ctx, parse(query)?).await?),
        "mod_forum_view_forum_discussion" => {
            json(forum::view_forum_discussion(&ctx, parse(query)?).await?)
        }
        "message_popup_get_popup_notifications" => {
            json(notifications::get_popup_notifications(&ctx, parse(query)?).await?)
        }
        "message_popup_get_unread_popup_notification_count" => {
            json(notifications::get_unread_popup_notification_count(&ctx, parse(query)?).await?)
        }
        "core_message_mark_notification_read" => {
            json(notifications::mark_notification_read(&ctx, parse(query)?).await?)
        }
        "core_message_mark_all_notifications_as_read" => {
            json(notifications::mark_all_notifications_as_read(&ctx, parse(query)?).await?)
        }
        other if NOT_IN_SERVICE.contains(&other) => Err(not_in_service(other)),
        other => Err(unknown_function(other)),
    }
}

pub(crate) fn is_known(name: &str) -> bool {
    STANDARD_FUNCTIONS.contains(&name)
        || NEWS_FUNCTIONS.contains(&name)
        || PROGRESS_FUNCTIONS.contains(&name)
        || NOT_IN_SERVICE.contains(&name)
}

/// What Moodle answers for a function the token's service does not include.
fn not_in_service(name: &str) -> Error {
    Error::AccessException {
        debuginfo: format!(
            "Access to the function {name}() is not allowed. \
             The service linked to the user token does not contain the function."
        ),
    }
}

/// What Moodle answers for a function name it has no record of.
pub(crate) fn unknown_function(name: &str) -> Error {
    Error::InvalidRecord {
        table: "external_functions",
        debuginfo: Some(format!(
            "SELECT * FROM {{external_functions}} WHERE name = ?\n[array (\n  0 => '{name}',\n)]"
        )),
    }
}

/// A function without parameters: any key is unexpected.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

fn json(value: impl Serialize) -> Result<String> {
    serde_json::to_string(&value).map_err(|e| Error::Internal(e.into()))
}

/// One entry of `external_warnings`.
#[derive(Debug, Serialize)]
pub(crate) struct Warning {
    /// `PARAM_TEXT`: a word (`course`) or, in some functions, an id sent as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) itemid: Option<i64>,
    pub(crate) warningcode: &'static str,
    pub(crate) message: String,
}

impl Warning {
    /// A warning about a course id.
    pub(crate) fn course(id: i64, warningcode: &'static str, message: &str) -> Warning {
        Warning {
            item: Some("course".to_owned()),
            itemid: Some(id),
            warningcode,
            message: message.to_owned(),
        }
    }
}

/// `{status: true, warnings: []}`, what view functions return.
#[derive(Debug, Serialize)]
pub(crate) struct StatusResult {
    status: bool,
    warnings: Vec<Value>,
}

impl StatusResult {
    pub(crate) fn ok() -> StatusResult {
        StatusResult {
            status: true,
            warnings: Vec::new(),
        }
    }
}

/// The course, if it exists and the learner may enter it. A missing course is `invalidrecord`;
/// a refused one is handed back for each function to word as Moodle does.
pub(crate) fn enter_course(
    conn: &Connection,
    user: &UserRow,
    courseid: i64,
) -> Result<Result<CourseRow, Denied>> {
    let course =
        db::course_by_id(conn, courseid)?.ok_or_else(|| Error::missing_record("course"))?;
    Ok(access::course_access(conn, user.id, &course)?.map(|()| course))
}
