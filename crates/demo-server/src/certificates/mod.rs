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
//! year), computed when the PDF is drawn as the element does, `strtotime('+1 year', award)` in
//! the site's time zone; the issue itself has no expiry column.

pub(crate) mod pdf;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use rusqlite::Connection;

use crate::access::{CourseView, Denied, course_access};
use crate::clock::SITE_UTC_OFFSET;
use crate::db::{self, CertificateRow, IssueRow, UserRow};
use crate::error::{AjaxFatalError, Error, Result};
use crate::form::Form;
use crate::html::escape_html;
use crate::state::{AppState, SiteUrl};
use crate::token;

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

/// `required_param($name, PARAM_INT)`: missing is an error; anything else is cleaned as PHP's
/// `(int)` cast does (leading digits, else 0), so `abc` finds no record rather than failing.
fn int_param(form: &Form, name: &'static str) -> Result<i64> {
    let value = form.get(name).ok_or(Error::MissingParam(name))?;
    Ok(php_int(value))
}

/// PHP's `(int)` of a string: optional leading whitespace and sign, then the digits that follow.
fn php_int(value: &str) -> i64 {
    let value = value.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let magnitude = digits[..end].parse::<i64>().unwrap_or(0);
    if negative { -magnitude } else { magnitude }
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
        .map(|years| strtotime_plus_years(issue.timecreated, years))
}

/// `strtotime('+N year', $time)` in the site's time zone: the same wall-clock time N years on;
/// a date the later year lacks (29 February) rolls over into March as PHP's does.
fn strtotime_plus_years(unix: i64, years: i64) -> i64 {
    const DAY: i64 = 86_400;
    let local = unix + SITE_UTC_OFFSET;
    let time_of_day = local.rem_euclid(DAY);
    let (y, m, d) = juko_model::calendar_date(unix, SITE_UTC_OFFSET);
    days_from_civil(y + years, m, d) * DAY + time_of_day - SITE_UTC_OFFSET
}

/// Days since 1970-01-01 of a proleptic Gregorian date; a day past the month's end counts on
/// into the next month (H. Hinnant's algorithm, linear in the day).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates pinned by hand (Japan time), not by the app's own rule.
    #[test]
    fn the_expiry_is_strtotime_plus_one_year_in_tokyo() {
        // 2024-02-29 10:00 JST → 2025-03-01 10:00 JST (PHP rolls 29 Feb into March).
        assert_eq!(strtotime_plus_years(1_709_168_400, 1), 1_740_790_800);
        // 2025-11-29 00:30 JST (still the 28th in UTC) → 2026-11-29 00:30 JST.
        assert_eq!(strtotime_plus_years(1_764_343_800, 1), 1_795_879_800);
        assert_eq!(date(1_795_879_800), "2026年11月29日");
    }

    #[test]
    fn int_params_are_cleaned_as_php_casts_them() {
        for (raw, want) in [
            ("12", 12),
            ("abc", 0),
            ("12abc", 12),
            (" 7", 7),
            ("-3", -3),
            ("", 0),
        ] {
            assert_eq!(php_int(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn the_verify_page_escapes_what_it_echoes_and_shows() {
        let hostile = Verified {
            learner: "<img src=x onerror=alert(1)> 山田".to_owned(),
            certificate: "修了証 \"><script>alert(2)</script>".to_owned(),
            course: "A & B".to_owned(),
            issued: 1_764_343_800,
            expires: Some(1_795_879_800),
        };
        let code = "\"><script>alert(3)</script>";
        let page = verify_page(code, Some(&hostile));
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt; 山田"),
            "{page}"
        );
        assert!(page.contains("value=\"&quot;&gt;&lt;script&gt;"), "{page}");
        assert!(page.contains("A &amp; B"), "{page}");
        assert!(page.contains("2026年11月29日"), "{page}");
        let unknown = verify_page(code, None);
        assert!(!unknown.contains("<script"), "{unknown}");
    }
}
