//! `core_user_get_users_by_field`: users' profiles as Moodle 4.5's `user_get_user_details`
//! gives them to a learner. The Moodle App reads the learner's own profile this way
//! (`field=id`), custom profile fields (the 施設ユーザーID) included.
//!
//! Who sees whom: a learner sees their own profile in full; another user only when they share
//! a visible course, and then only the public part (no user name, no e-mail, no institution,
//! and only the custom fields visible to everyone); anyone else is left out of the answer, as
//! Moodle leaves out a user whose searched field it would not return.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::db::{self, FieldVisibility, UserProfileRow, UserRow};
use crate::error::{Error, Result};
use crate::html::escape_html;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// `PARAM_ALPHA`: `id`, `idnumber`, `username` or `email`.
    field: String,
    /// `PARAM_RAW` each, cleaned per field below.
    #[serde(default)]
    values: Vec<String>,
}

/// `user_description()`, keys in Moodle's order; optional ones left out when not shown.
#[derive(Debug, Serialize)]
pub(crate) struct UserDetails {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    firstname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lastname: Option<String>,
    fullname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    institution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suspended: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirmed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailformat: Option<i64>,
    profileimageurlsmall: String,
    profileimageurl: String,
    /// Absent when no field is both set and visible to the caller.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    customfields: Vec<CustomField>,
}

/// One custom profile field, in `user_description()`'s order.
#[derive(Debug, Serialize)]
struct CustomField {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    displayvalue: String,
    name: String,
    shortname: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Idnumber,
    Username,
    Email,
}

pub(crate) async fn get_users_by_field(ctx: &Ctx, params: Params) -> Result<Vec<UserDetails>> {
    let field = match params.field.as_str() {
        "id" => Field::Id,
        "idnumber" => Field::Idnumber,
        "username" => Field::Username,
        "email" => Field::Email,
        other => {
            return Err(Error::Coding {
                message: "invalid field parameter",
                debuginfo: format!(
                    "The search field '{other}' is not supported, look at the web service \
                     documentation"
                ),
            });
        }
    };
    let values = clean_values(field, &params.field, params.values)?;
    let (caller, wwwroot) = (ctx.user.clone(), ctx.wwwroot.clone());
    ctx.state
        .db()
        .call(move |conn| {
            let ids = matching_ids(conn, field, &values)?;
            let mut users = Vec::new();
            for profile in db::user_profiles(conn, &ids)? {
                if let Some(details) = details(conn, &caller, profile, &wwwroot)?
                    && returns_field(&details, field)
                {
                    users.push(details);
                }
            }
            Ok(users)
        })
        .await
}

/// `clean_param` with the field's type; a value cleaning changed is refused, as Moodle does.
fn clean_values(field: Field, name: &str, values: Vec<String>) -> Result<Vec<String>> {
    values
        .into_iter()
        .map(|value| {
            let cleaned = match field {
                Field::Id => clean_int(&value).to_string(),
                // PARAM_USERNAME: trimmed and lower-cased.
                Field::Username => value.trim().to_lowercase(),
                Field::Idnumber | Field::Email => value.trim().to_owned(),
            };
            // PHP's loose `!=`: "07" and 7 are the same id.
            let same = match field {
                Field::Id => value.trim().parse::<i64>().ok() == cleaned.parse::<i64>().ok(),
                _ => value == cleaned,
            };
            if same {
                Ok(cleaned)
            } else {
                Err(Error::invalid_parameter(format!(
                    "The field '{name}' value is invalid: {value}(cleaned value: {cleaned})"
                )))
            }
        })
        .collect()
}

/// `clean_param(PARAM_INT)`: the leading integer, else 0.
fn clean_int(value: &str) -> i64 {
    let trimmed = value.trim();
    let end = trimmed
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    trimmed[..end].parse().unwrap_or(0)
}

fn matching_ids(conn: &Connection, field: Field, values: &[String]) -> Result<Vec<i64>> {
    let column = match field {
        Field::Id => "id",
        Field::Username => "username",
        Field::Email => "email",
        // The demo's users have no id numbers: nothing matches.
        Field::Idnumber => return Ok(Vec::new()),
    };
    let mut stmt = conn.prepare(&format!("SELECT id FROM user WHERE {column} = ?1"))?;
    let mut ids = Vec::new();
    for value in values {
        let found: Vec<i64> = stmt
            .query_map([value], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.extend(found);
    }
    Ok(ids)
}

/// Moodle returns a user only when the searched field is among what the caller may see.
fn returns_field(details: &UserDetails, field: Field) -> bool {
    match field {
        Field::Id => true,
        Field::Username => details.username.is_some(),
        Field::Email => details.email.is_some(),
        Field::Idnumber => false,
    }
}

/// `user_get_user_details_courses`: the caller's own profile, or another's public part when
/// they share a course, or nothing.
fn details(
    conn: &Connection,
    caller: &UserRow,
    profile: UserProfileRow,
    wwwroot: &str,
) -> Result<Option<UserDetails>> {
    let own = profile.user.id == caller.id;
    if !own && !db::share_a_course(conn, caller.id, profile.user.id)? {
        return Ok(None);
    }
    if profile.suspended && !own {
        return Ok(None);
    }
    let customfields = db::profile_values(conn, profile.user.id)?
        .into_iter()
        .filter(|field| match field.visible {
            FieldVisibility::All => true,
            FieldVisibility::Private | FieldVisibility::Teachers => own,
            FieldVisibility::None => false,
        })
        .map(|field| CustomField {
            kind: field.datatype,
            displayvalue: escape_html(&field.data),
            value: field.data,
            name: field.name,
            shortname: field.shortname,
        })
        .collect();
    let picture = |size: &str| format!("{wwwroot}/theme/image.php/boost/core/1/u/{size}");
    let user = profile.user;
    let fullname = user.fullname();
    let mine = |value: String| own.then_some(value);
    Ok(Some(UserDetails {
        id: user.id,
        username: mine(user.username),
        firstname: mine(user.firstname),
        lastname: mine(user.lastname),
        fullname,
        email: mine(profile.email),
        institution: mine(profile.institution).filter(|i| !i.is_empty()),
        auth: own.then_some("manual"),
        suspended: own.then_some(profile.suspended),
        confirmed: own.then_some(true),
        lang: mine(user.lang),
        theme: own.then_some(""),
        timezone: own.then_some("99"),
        mailformat: own.then_some(1),
        profileimageurlsmall: picture("f2"),
        profileimageurl: picture("f1"),
        customfields,
    }))
}
