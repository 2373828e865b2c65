//! `webservice/rest/server.php`: token, function and format from the request, then the
//! function's own parameters.

pub(crate) mod params;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{Error, Result};
use crate::form::Form;
use crate::functions::{self, Ctx};
use crate::state::{AppState, SiteUrl};
use crate::token;

/// `GET|POST /webservice/rest/server.php`. Errors are HTTP 200 with Moodle's exception object.
pub(crate) async fn server_php(
    State(state): State<AppState>,
    SiteUrl(wwwroot): SiteUrl,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    match handle(state, wwwroot, query.as_deref(), &body).await {
        Ok(json) => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            json,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

/// Moodle's order: request format, token, function lookup, then parameter validation.
async fn handle(
    state: AppState,
    wwwroot: String,
    query: Option<&str>,
    body: &[u8],
) -> Result<String> {
    let mut form = Form::from_request(query, body);
    let token = form.take("wstoken");
    let function = form.take("wsfunction").unwrap_or_default();
    let format = form.take("moodlewsrestformat");
    // The moodlewssetting* keys adjust text formatting; the demo's texts need none of it.
    form.take_where(|key| key.starts_with("moodlewssetting"));

    if format.as_deref() != Some("json") {
        return Err(Error::invalid_parameter(format!(
            "moodlewsrestformat={}: this demo server answers only moodlewsrestformat=json \
             (Moodle's default is xml, so send json explicitly)",
            format.as_deref().unwrap_or("(missing)")
        )));
    }
    let user = token::authenticate(&state, token.as_deref()).await?;
    let ctx = Ctx {
        state,
        user,
        wwwroot,
    };
    functions::call(ctx, &function, &form.to_query()).await
}
