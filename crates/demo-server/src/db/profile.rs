//! Custom user profile fields (`user_info_field`, `user_info_data`): on this site, the
//! 施設ユーザーID a facility gives each of its learners.

use rusqlite::{Connection, OptionalExtension, params};

/// Moodle's `PROFILE_VISIBLE_*`: who may see a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldVisibility {
    /// Only those who may view all details (no learner).
    None,
    /// The user, and those who may view all details.
    Private,
    /// Everyone who can see the profile.
    All,
    /// The user and the teachers of their courses.
    Teachers,
}

impl FieldVisibility {
    fn from_i64(value: i64) -> FieldVisibility {
        match value {
            2 => FieldVisibility::All,
            1 => FieldVisibility::Private,
            3 => FieldVisibility::Teachers,
            _ => FieldVisibility::None,
        }
    }
}

/// One field with the user's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileValue {
    pub(crate) shortname: String,
    pub(crate) name: String,
    /// The field's type (`text`, `menu`, …).
    pub(crate) datatype: String,
    pub(crate) visible: FieldVisibility,
    pub(crate) data: String,
}

/// The user's non-empty field values, in the fields' order.
pub(crate) fn profile_values(
    conn: &Connection,
    userid: i64,
) -> rusqlite::Result<Vec<ProfileValue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.shortname, f.name, f.datatype, f.visible, d.data
         FROM user_info_field f JOIN user_info_data d ON d.fieldid = f.id
         WHERE d.userid = ?1 AND d.data != ''
         ORDER BY f.sortorder, f.id",
    )?;
    stmt.query_map([userid], |row| {
        Ok(ProfileValue {
            shortname: row.get(0)?,
            name: row.get(1)?,
            datatype: row.get(2)?,
            visible: FieldVisibility::from_i64(row.get(3)?),
            data: row.get(4)?,
        })
    })?
    .collect()
}

/// The id of the field with this short name.
pub(crate) fn profile_field_id(
    conn: &Connection,
    shortname: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM user_info_field WHERE shortname = ?1",
        [shortname],
        |row| row.get(0),
    )
    .optional()
}

/// The user's value of a field, when set and not empty.
pub(crate) fn profile_value(
    conn: &Connection,
    userid: i64,
    fieldid: i64,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT data FROM user_info_data WHERE userid = ?1 AND fieldid = ?2 AND data != ''",
        params![userid, fieldid],
        |row| row.get(0),
    )
    .optional()
}

pub(crate) fn set_profile_value(
    conn: &Connection,
    userid: i64,
    fieldid: i64,
    data: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user_info_data (userid, fieldid, data) VALUES (?1, ?2, ?3)
         ON CONFLICT (userid, fieldid) DO UPDATE SET data = excluded.data",
        params![userid, fieldid, data],
    )?;
    Ok(())
}
