//! `login/token.php` and token authentication for web services and file downloads.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use serde_json::json;

use crate::db::{self, UserRow};
use crate::error::{AjaxFatalError, Error, Result};
use crate::form::Form;
use crate::password;
use crate::state::AppState;

/// The only service this site offers: the official mobile app's.
pub(crate) const MOBILE_SERVICE: &str = "moodle_mobile_app";

/// `$CFG->tokenduration`'s default: 12 weeks.
const TOKEN_LIFETIME_SECONDS: i64 = 12 * 7 * 24 * 60 * 60;

/// `GET|POST /login/token.php`
pub(crate) async fn token_php(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let form = Form::from_request(query.as_deref(), &body);
    if form
        .get("appsitecheck")
        .is_some_and(|v| v != "0" && !v.is_empty())
    {
        return Json(json!({"appsitecheck": "ok"})).into_response();
    }
    match login(&state, &form).await {
        Ok(token) => Json(json!({"token": token, "privatetoken": null})).into_response(),
        Err(err) => AjaxFatalError(StatusCode::OK, err).into_response(),
    }
}

/// Moodle's order: required parameters, then the password, then the service.
async fn login(state: &AppState, form: &Form) -> Result<String> {
    let username = form
        .get("username")
        .ok_or(Error::MissingParam("username"))?;
    let password = form
        .get("password")
        .ok_or(Error::MissingParam("password"))?
        .to_owned();
    let service = form
        .get("service")
        .ok_or(Error::MissingParam("service"))?
        .to_owned();
    // PARAM_USERNAME: trimmed and lower-cased.
    let username = username.trim().to_lowercase();

    let found = state
        .db()
        .call(move |conn| Ok(db::find_login(conn, &username)?))
        .await?;
    let now = state.clock().now();
    let userid = found.as_ref().map(|(userid, _)| *userid);
    let locked = userid.is_some_and(|id| state.lockout().is_locked(id, now));
    // Every attempt verifies a password, whether the username exists, is locked or cannot
    // log in, so neither the answer nor its time tells them apart (Moodle itself answers an
    // unknown username without hashing). Hashing is deliberately slow: keep it off the
    // database lock and the async workers.
    let dummy = state.dummy_hash().to_owned();
    let stored = found.map(|(_, stored)| stored);
    let matches = tokio::task::spawn_blocking(move || {
        password::verify_in_constant_work(&password, stored.as_deref(), &dummy)
    })
    .await?;
    let Some(userid) = userid else {
        return Err(Error::InvalidLogin);
    };
    // A locked account is refused before its password counts, as `authenticate_user_login`
    // does; the answer is token.php's usual `invalidlogin`.
    if locked {
        return Err(Error::InvalidLogin);
    }
    if !matches {
        state.lockout().failed(userid, now);
        return Err(Error::InvalidLogin);
    }
    state.lockout().succeeded(userid);
    if service != MOBILE_SERVICE {
        return Err(Error::ServiceNotAvailable);
    }
    state
        .db()
        .call(move |conn| {
            if let Some(token) = db::reusable_token(conn, userid, &service, now)? {
                return Ok(token);
            }
            let token = new_token();
            db::insert_token(
                conn,
                &token,
                userid,
                &service,
                now,
                now + TOKEN_LIFETIME_SECONDS,
            )?;
            Ok(token)
        })
        .await
}

/// 32 lowercase hex characters, like Moodle's md5-shaped tokens, from 128 random bits.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The user a token belongs to. An expired token is deleted on first use and reported as an
/// access exception; after that it is simply unknown (`invalidtoken`).
pub(crate) async fn authenticate(state: &AppState, token: Option<&str>) -> Result<UserRow> {
    let token = token.unwrap_or("").to_owned();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::InvalidToken);
    }
    let now = state.clock().now();
    state
        .db()
        .call(move |conn| {
            let row = db::lookup_token(conn, &token)?.ok_or(Error::InvalidToken)?;
            if row.validuntil <= now {
                db::delete_token(conn, row.id)?;
                return Err(Error::AccessException {
                    debuginfo:
                        "Invalid token - token expired - check validuntil time for the token"
                            .to_owned(),
                });
            }
            db::touch_token(conn, row.id, now)?;
            db::user_by_id(conn, row.userid)?.ok_or(Error::InvalidToken)
        })
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_look_like_moodle_tokens() {
        let token = super::new_token();
        assert_eq!(token.len(), 32);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(token, super::new_token());
    }
}
