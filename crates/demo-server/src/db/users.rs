//! `user` and `external_tokens`.

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) firstname: String,
    pub(crate) lastname: String,
    pub(crate) lang: String,
}

impl UserRow {
    /// Japanese order, as a `ja` site shows it: family name first.
    pub(crate) fn fullname(&self) -> String {
        format!("{} {}", self.lastname, self.firstname)
    }
}

/// What a profile shows of a user (`core_user_get_users_by_field`).
#[derive(Debug, Clone)]
pub(crate) struct UserProfileRow {
    pub(crate) user: UserRow,
    pub(crate) email: String,
    pub(crate) institution: String,
    pub(crate) suspended: bool,
}

/// The users with these ids, by id; unknown ids are left out.
pub(crate) fn user_profiles(
    conn: &Connection,
    ids: &[i64],
) -> rusqlite::Result<Vec<UserProfileRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, username, firstname, lastname, lang, email, institution, suspended
         FROM user WHERE id = ?1",
    )?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::new();
    for id in ids {
        let row = stmt
            .query_row([id], |row| {
                Ok(UserProfileRow {
                    user: UserRow {
                        id: row.get(0)?,
                        username: row.get(1)?,
                        firstname: row.get(2)?,
                        lastname: row.get(3)?,
                        lang: row.get(4)?,
                    },
                    email: row.get(5)?,
                    institution: row.get(6)?,
                    suspended: row.get(7)?,
                })
            })
            .optional()?;
        rows.extend(row);
    }
    Ok(rows)
}

/// Whether two users are both enrolled (actively) in some visible course.
pub(crate) fn share_a_course(conn: &Connection, a: i64, b: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (
             SELECT 1 FROM course c
             JOIN enrol ea ON ea.courseid = c.id AND ea.status = 0
             JOIN user_enrolments ua ON ua.enrolid = ea.id AND ua.status = 0 AND ua.userid = ?1
             JOIN enrol eb ON eb.courseid = c.id AND eb.status = 0
             JOIN user_enrolments ub ON ub.enrolid = eb.id AND ub.status = 0 AND ub.userid = ?2
             WHERE c.visible = 1)",
        params![a, b],
        |row| row.get(0),
    )
}

pub(crate) struct NewUser<'a> {
    pub(crate) username: &'a str,
    pub(crate) password_hash: &'a str,
    pub(crate) firstname: &'a str,
    pub(crate) lastname: &'a str,
    pub(crate) email: &'a str,
    pub(crate) institution: &'a str,
}

pub(crate) fn insert_user(
    conn: &Connection,
    user: &NewUser<'_>,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO user (username, password, firstname, lastname, email, institution, timecreated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user.username,
            user.password_hash,
            user.firstname,
            user.lastname,
            user.email,
            user.institution,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The id and password hash of an active (not suspended) user.
pub(crate) fn find_login(
    conn: &Connection,
    username: &str,
) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT id, password FROM user WHERE username = ?1 AND suspended = 0",
        [username],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()
}

pub(crate) fn user_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<UserRow>> {
    conn.query_row(
        "SELECT id, username, firstname, lastname, lang FROM user WHERE id = ?1",
        [id],
        |row| {
            Ok(UserRow {
                id: row.get(0)?,
                username: row.get(1)?,
                firstname: row.get(2)?,
                lastname: row.get(3)?,
                lang: row.get(4)?,
            })
        },
    )
    .optional()
}

#[derive(Debug, Clone)]
pub(crate) struct TokenRow {
    pub(crate) id: i64,
    pub(crate) userid: i64,
    pub(crate) validuntil: i64,
}

/// A token of this user for this service that is still valid, to hand out again.
pub(crate) fn reusable_token(
    conn: &Connection,
    userid: i64,
    service: &str,
    now: i64,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT token FROM external_tokens
         WHERE userid = ?1 AND service = ?2 AND validuntil > ?3
         ORDER BY id DESC LIMIT 1",
        params![userid, service, now],
        |row| row.get(0),
    )
    .optional()
}

pub(crate) fn insert_token(
    conn: &Connection,
    token: &str,
    userid: i64,
    service: &str,
    now: i64,
    validuntil: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO external_tokens (token, userid, service, validuntil, timecreated)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, userid, service, validuntil, now],
    )?;
    Ok(())
}

pub(crate) fn lookup_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<TokenRow>> {
    conn.query_row(
        "SELECT t.id, t.userid, t.validuntil FROM external_tokens t
         JOIN user u ON u.id = t.userid AND u.suspended = 0
         WHERE t.token = ?1",
        [token],
        |row| {
            Ok(TokenRow {
                id: row.get(0)?,
                userid: row.get(1)?,
                validuntil: row.get(2)?,
            })
        },
    )
    .optional()
}

pub(crate) fn delete_token(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM external_tokens WHERE id = ?1", [id])?;
    Ok(())
}

pub(crate) fn touch_token(conn: &Connection, id: i64, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE external_tokens SET lastaccess = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// The user's private access key (`userprivateaccesskey` in site info): stable for the user,
/// unrelated to any token, and not guessable: a hash of a random per-site secret and the id.
pub(crate) fn user_private_key(conn: &Connection, userid: i64) -> rusqlite::Result<String> {
    // Made on first use, so databases seeded before this key existed get one too.
    conn.execute(
        "INSERT OR IGNORE INTO demo_meta (name, value)
         VALUES ('userkey_secret', lower(hex(randomblob(16))))",
        [],
    )?;
    let secret: String = conn.query_row(
        "SELECT value FROM demo_meta WHERE name = 'userkey_secret'",
        [],
        |row| row.get(0),
    )?;
    use sha1::{Digest, Sha1};
    let digest = Sha1::digest(format!("{secret}:userprivateaccesskey:{userid}").as_bytes());
    // Moodle's keys are 32 hex characters (md5); keep that length.
    Ok(digest.iter().take(16).map(|b| format!("{b:02x}")).collect())
}
