//! Certificates (修了証) as `mod_customcert` serves them to the Moodle App and to the public.
//!
//! - `GET /mod/customcert/mobile/pluginfile.php?certificateid=&userid=&token=`: the learner's
//!   PDF. The first fetch **issues** the certificate (`customcert_issues`: a ten-character code
//!   and `timecreated`), later fetches draw the same issue again. Refused, as the plugin's
//!   script refuses (an AJAX-script JSON error): a bad token (`invalidtoken`), a certificate
//!   that does not exist, someone not in the course (`mod/customcert:view`), another learner's
//!   certificate (`mod/customcert:viewreport`, which learners lack). The plugin's script itself
//!   leaves availability to the activity page; this demo also refuses a certificate the learner
//!   has not earned yet (`require_login`'s "Activity is hidden"), so nothing is issued early.
//! - `GET /mod/customcert/verify_certificate.php?code=`: the public check of a code (the site
//!   allows verifying any certificate, `verifyallcertificates`): who, which certificate and
//!   course, issued and expiry dates.
//! - `tool_mobile_get_content` with `mod_customcert`/`mobile_view_activity`
//!   (`functions/certificates.rs`) uses [`view_activity`].
//!
//! The expiry element prints "valid until" a number of years after the award (ICRweb: one
//! year), computed when the PDF is drawn; the issue itself has no expiry column.

pub(crate) mod pdf;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use rusqlite::Connection;

use crate::access::{CourseView, Denied, course_access};
use crate::availability::escape_html;
use crate::db::{self, CertificateRow, IssueRow, UserRow};
use crate::error::{AjaxFatalError, Error, Result};
use crate::form::Form;
use crate::state::{AppState, SiteUrl};
use crate::token;

/// ICRweb's time zone (Asia/Tokyo), in which dates are printed and years counted.
pub(crate) const SITE_UTC_OFFSET: i64 = 9 * 3600;
const CODE_LENGTH: usize = 10;

/// `GET /mod/customcert/mobile/pluginfile.php`
pub(crate) async fn mobile_pluginfile(
    State(state): State<AppState>,
    SiteUrl(wwwroot): SiteUrl,
    RawQuery(query): RawQuery,
) -> Response {
    let form = Form::from_request(query.as_deref(), b"");
    match serve_pdf(&state, &wwwroot, &form).await {
        Ok(response) => response,
        Err(err) => AjaxFatalError(err.file_status(), err).into_response(),
    }
}

async fn serve_pdf(state: &AppState, wwwroot: &str, form: &Form) -> Result<Response> {
    // `required_param` in the script's order: token, certificateid, userid.
    let token = form.get("token").ok_or(Error::MissingParam("token"))?;
    let certificateid = int_param(form, "certificateid")?;
    let userid = int_param(form, "userid")?;
    let user = token::authenticate(state, Some(token)).await?;
    let now = state.clock().now();
    let learner = user.fullname();
    let (certificate, issue) = state
        .db()
        .call(move |conn| issue_for(conn, &user, certificateid, userid, now))
        .await?;
    let content = pdf_content(&certificate, &issue, &learner, wwwroot);
    let bytes = tokio::task::spawn_blocking(move || pdf::render(&content))
        .await?
        .map_err(|e| Error::Internal(e.into()))?;
    let filename = format!("{}.pdf", certificate.name.trim_end_matches('.'));
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, must-revalidate, max-age=1"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&filename)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn int_param(form: &Form, name: &'static str) -> Result<i64> {
    let value = form.get(name).ok_or(Error::MissingParam(name))?;
    value.parse().map_err(|_| {
        Error::invalid_parameter(format!("{name} => Invalid parameter value detected"))
    })
}

/// The checks of `mobile/pluginfile.php`, then the issue: the existing one, or a new one for
/// the learner themself.
fn issue_for(
    conn: &mut Connection,
    user: &UserRow,
    certificateid: i64,
    userid: i64,
    now: i64,
) -> Result<(CertificateRow, IssueRow)> {
    let certificate = db::certificate_by_id(conn, certificateid)?
        .ok_or_else(|| Error::missing_record("course_modules"))?;
    // The plugin's order: the view capability, then the report capability for another
    // learner's issue, then (this demo) the activity open to the learner.
    may_enter(conn, user, &certificate)?;
    if userid != user.id {
        return Err(Error::NoPermissions {
            capability: "View course report",
        });
    }
    is_open(conn, user, &certificate)?;
    if let Some(issue) = db::issue_of(conn, certificate.id, user.id)? {
        return Ok((certificate, issue));
    }
    let tx = conn.transaction()?;
    let issue = loop {
        if let Some(issue) = db::issue_of(&tx, certificate.id, user.id)? {
            break issue;
        }
        // A code already taken inserts nothing: the next round draws another.
        db::insert_issue(&tx, certificate.id, user.id, &new_code(), now)?;
    };
    tx.commit()?;
    Ok((certificate, issue))
}

/// `mod/customcert:view` in the module's context: learners of the course have it.
fn may_enter(conn: &Connection, user: &UserRow, certificate: &CertificateRow) -> Result<()> {
    let refused = || Error::NoPermissions {
        capability: "View custom certificate",
    };
    let course = db::course_by_id(conn, certificate.courseid)?.ok_or_else(refused)?;
    if course_access(conn, user.id, &course)?.is_err() {
        return Err(refused());
    }
    Ok(())
}

/// The activity open to the learner (its availability met), as `require_login` checks it.
fn is_open(conn: &Connection, user: &UserRow, certificate: &CertificateRow) -> Result<()> {
    let view = CourseView::load(conn, certificate.courseid, user.id)?;
    view.open_module(certificate.cmid)
        .map_err(|denied: Denied| Error::RequireLogin {
            reason: denied.reason(),
        })?;
    Ok(())
}

/// `random_string(10)`: letters and digits.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// When the expiry element says the certificate expires, if it has one.
pub(crate) fn expires_at(certificate: &CertificateRow, issue: &IssueRow) -> Option<i64> {
    certificate
        .expiry_years
        .map(|years| juko_model::years_later(issue.timecreated, years, SITE_UTC_OFFSET))
}

fn date(unix: i64) -> String {
    let (y, m, d) = juko_model::calendar_date(unix, SITE_UTC_OFFSET);
    format!("{y}年{m}月{d}日")
}

fn verify_url(wwwroot: &str, code: &str) -> String {
    format!("{wwwroot}/mod/customcert/verify_certificate.php?code={code}")
}

fn pdf_content(
    certificate: &CertificateRow,
    issue: &IssueRow,
    learner: &str,
    wwwroot: &str,
) -> pdf::Content {
    pdf::Content {
        title: "修了証".to_owned(),
        learner: learner.to_owned(),
        course: certificate.course_fullname.clone(),
        unit: certificate.section_name.clone(),
        issued: date(issue.timecreated),
        expires: expires_at(certificate, issue).map(date),
        code: issue.code.clone(),
        verify_url: verify_url(wwwroot, &issue.code),
    }
}

/// `attachment` with the name as TCPDF sends it, plus its UTF-8 form (RFC 6266).
fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::urls::encode_segment(filename)
    )
}

/// What `mobile_view_activity` shows a learner: the certificate and their issues.
pub(crate) struct ActivityView {
    pub(crate) certificate: CertificateRow,
    pub(crate) issues: Vec<IssueRow>,
}

/// `mod_customcert\output\mobile::mobile_view_activity`'s checks (`require_login` on the
/// module, so a locked certificate is refused) and data.
pub(crate) fn view_activity(conn: &Connection, user: &UserRow, cmid: i64) -> Result<ActivityView> {
    let certificate = db::certificate_by_cm(conn, cmid)?
        .ok_or_else(|| Error::missing_record("course_modules"))?;
    may_enter(conn, user, &certificate)?;
    is_open(conn, user, &certificate)?;
    let issues = db::issue_of(conn, certificate.id, user.id)?
        .into_iter()
        .collect();
    Ok(ActivityView {
        certificate,
        issues,
    })
}

/// `GET /mod/customcert/verify_certificate.php?code=`
pub(crate) async fn verify_certificate(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let form = Form::from_request(query.as_deref(), b"");
    let code = form.get("code").unwrap_or("").trim().to_owned();
    let found = if code.is_empty() {
        Ok(None)
    } else {
        let lookup = code.clone();
        state.db().call(move |conn| verify(conn, &lookup)).await
    };
    match found {
        Ok(found) => Html(verify_page(&code, found.as_ref())).into_response(),
        Err(err) => {
            tracing::warn!(%err, "verify_certificate failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
        }
    }
}

/// A verified issue, as the page shows it.
struct Verified {
    learner: String,
    certificate: String,
    course: String,
    issued: i64,
    expires: Option<i64>,
}

fn verify(conn: &mut Connection, code: &str) -> Result<Option<Verified>> {
    let Some(issue) = db::issue_by_code(conn, code)? else {
        return Ok(None);
    };
    let Some(certificate) = db::certificate_by_id(conn, issue.customcertid)? else {
        return Ok(None);
    };
    let Some(user) = db::user_by_id(conn, issue.userid)? else {
        return Ok(None);
    };
    Ok(Some(Verified {
        learner: user.fullname(),
        expires: expires_at(&certificate, &issue),
        certificate: certificate.name,
        course: certificate.course_fullname,
        issued: issue.timecreated,
    }))
}

fn verify_page(code: &str, found: Option<&Verified>) -> String {
    let result = match (code.is_empty(), found) {
        (true, _) => String::new(),
        (false, None) => "<div class=\"alert alert-danger\">Not verified</div>".to_owned(),
        (false, Some(v)) => {
            let expiry = v.expires.map_or(String::new(), |at| {
                format!("<li>Expiry date: {}</li>", date(at))
            });
            format!(
                "<div class=\"alert alert-success\">Verified</div>\
                 <ul class=\"verified\"><li>Full name: {}</li><li>Certificate: {}</li>\
                 <li>Course: {}</li><li>Date received: {}</li>{expiry}</ul>",
                escape_html(&v.learner),
                escape_html(&v.certificate),
                escape_html(&v.course),
                date(v.issued),
            )
        }
    };
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <title>Verify certificate</title></head><body><h2>Verify certificate</h2>\
         <form method=\"get\"><label>Code <input name=\"code\" value=\"{}\"></label>\
         <button type=\"submit\">Verify</button></form>{result}</body></html>",
        escape_html(code)
    )
}
