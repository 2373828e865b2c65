//! ICRweb's facility rules on this demo site: the 施設ユーザーID custom profile field, and
//! its value for a learner of a facility course.
//!
//! On ICRweb a facility's administrator assigns each learner a facility user id; the demo
//! stands in for that by deriving one when a learner joins a facility course (and seeds the
//! same for the demo learners), so the app has a value to show.

use rusqlite::Connection;

use crate::db::{self, CourseRow};
use crate::seed::courses::Category;

/// The custom profile field's short name and name, as an ICRweb administrator would set it.
pub(crate) const USER_ID_FIELD: &str = "facilityuserid";
pub(crate) const USER_ID_FIELD_NAME: &str = "施設ユーザーID";

/// After a learner joined `course`: a facility course gives them a facility user id when
/// they have none yet (one per learner: a second facility keeps the first id).
pub(crate) fn joined(conn: &Connection, userid: i64, course: &CourseRow) -> rusqlite::Result<()> {
    if course.category != Category::Facility as i64 {
        return Ok(());
    }
    let Some(fieldid) = db::profile_field_id(conn, USER_ID_FIELD)? else {
        return Ok(());
    };
    if db::profile_value(conn, userid, fieldid)?.is_some() {
        return Ok(());
    }
    db::set_profile_value(conn, userid, fieldid, &user_id(&course.shortname, userid))
}

/// The facility's prefix (the course short name up to its first `-`) and the site's user id:
/// `NCCH-BASIC` and user 7 give `NCCH-000007`.
pub(crate) fn user_id(course_shortname: &str, userid: i64) -> String {
    let prefix = course_shortname
        .split('-')
        .next()
        .filter(|p| !p.is_empty())
        .unwrap_or("FAC");
    format!("{prefix}-{userid:06}")
}

#[cfg(test)]
mod tests {
    use super::user_id;

    #[test]
    fn ids_name_the_facility_and_the_user() {
        assert_eq!(user_id("NCCH-BASIC", 7), "NCCH-000007");
        assert_eq!(user_id("SKGH-CUSTOM", 1234), "SKGH-001234");
        assert_eq!(user_id("-x", 3), "FAC-000003");
    }
}
