//! The SQLite database: schema and queries, one module per group of Moodle tables.
//!
//! One connection behind a mutex, used from `spawn_blocking`: the demo's load is a handful of
//! learners, and SQLite serialises writers anyway.

mod activity;
mod certificates;
mod courses;
mod enrol;
mod files;
mod forum;
mod groups;
mod notifications;
mod profile;
mod progress;
mod quiz;
mod quiz_attempt;
mod schema;
mod users;

pub(crate) use activity::{
    LogEvent, completion_states, lastaccess_of, log_event, mark_complete, set_completion_state,
    set_manual_completion, touch_lastaccess,
};
pub(crate) use certificates::{
    CertificateRow, EXPIRY_ONE_YEAR_FROM_AWARD, IssueRow, certificate_by_cm, certificate_by_id,
    insert_issue, issue_by_code, issue_of,
};
pub(crate) use courses::{
    CmRow, CourseRow, SectionRow, all_courses, category_name, context_of, course_by_id,
    course_modules, course_of_module, course_of_section, course_sections, enrol_methods,
    enrolled_courses, enrolled_user_count, is_enrolled, resource_cm, resource_settings,
    set_resource_intro,
};
pub(crate) use enrol::{
    EnrolRow, enabled_instances, enrol_instance, has_user_enrolment, insert_user_enrolment,
    user_enrolment_count,
};
pub(crate) use files::{
    FileRow, file_at, files_of_course, lecture_files, record_media, set_file_content,
};
pub(crate) use forum::{
    DiscussionOrder, DiscussionRow, ForumRow, Page, PostOrder, PostRow, area_files,
    count_discussions, discussion_by_id, discussion_visible, discussions_of_forum, forum_by_id,
    forum_of_module, forums_of_course, post_in_forum, posts_of_discussion,
};
pub(crate) use groups::{GroupRow, add_group_member, group_by_enrolment_key, user_groups};
pub(crate) use notifications::{
    NewNotification, NotificationRow, insert_notification, mark_all_notifications_read,
    mark_notification_read, notification_by_id, notifications_to, unread_notification_count,
};
pub(crate) use profile::{
    FieldVisibility, profile_field_id, profile_value, profile_values, set_profile_value,
};
pub(crate) use progress::{
    ChangedProgress, LectureRow, changed_since, known_event_ids, last_seq, lecture, load_progress,
    progress_epoch, register_lecture, remember_events, save_progress, set_lecture_completion,
};
pub(crate) use quiz::{
    AttemptFilter, AttemptRow, QuizRow, has_questions, question_types, quiz_by_id,
    quizzes_of_course, user_attempts,
};
pub(crate) use quiz_attempt::{
    AnswerRow, NewAttempt, QuestionAttemptRow, QuestionRow, StepRow, attempt_by_id, best_grade,
    delete_autosaved_step, insert_attempt, insert_question_attempt, insert_step, question,
    question_attempts, quiz_slots, save_best_grade, set_flag, update_attempt,
};
pub(crate) use schema::{ContextLevel, SITE_COURSE_ID, is_seeded, mark_seeded};
pub(crate) use users::NewUser;
pub(crate) use users::{
    UserProfileRow, UserRow, delete_token, find_login, insert_token, insert_user, lookup_token,
    reusable_token, share_a_course, touch_token, user_by_id, user_private_key, user_profiles,
};

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use crate::config::DbLocation;
use crate::error::Result;

#[derive(Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the database and brings its schema up to date.
    pub(crate) fn open(location: &DbLocation) -> anyhow::Result<Db> {
        let conn = match location {
            DbLocation::Memory => Connection::open_in_memory()?,
            DbLocation::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let conn = Connection::open(path)?;
                // WAL: readers (file requests) do not wait for the rare writer (view events).
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
        };
        let mut conn = conn;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no half-written state behind (transactions
            // roll back on drop), so a poisoned lock is still usable.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut guard)
        })
        .await?
    }
}
