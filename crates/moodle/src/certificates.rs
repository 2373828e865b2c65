//! Certificates (修了証): `mod_customcert` and `mod_coursecertificate` modules read from
//! `core_course_get_contents`, `mod_customcert`'s mobile view (`tool_mobile_get_content`,
//! `mobile_view_activity`) and its PDF (`mod/customcert/mobile/pluginfile.php`).
//!
//! What a learner can learn from a real site (§10.2): the module and whether it is open
//! (`uservisible`, `availabilityinfo`); from the mobile view, the issue's `timecreated` (printed
//! as `{{ N * 1000 | coreFormatDate }}`; `coreToLocaleString` in old plugin releases) and the
//! PDF's address; fetching the PDF issues the
//! certificate. The code and the expiry are only printed on the PDF (customcert has no
//! learner-facing function for them), so the expiry is ICRweb's rule (the expiry element set
//! to one year after the award, in the site's time zone) and the code is left to the PDF.
//! `mod_coursecertificate` is shown from its module data (locked or available) the same way.

use juko_model::{
    Certificate, CertificateState, CourseId, Issue, LectureId, UnitId, UserId, years_later,
};
use serde::Deserialize;

use crate::wire::{self, Flag};
use crate::{Error, Params, Result, SiteUrl, Token, Value};

pub(crate) const GET_CONTENT: &str = "tool_mobile_get_content";
const CUSTOMCERT: &str = "customcert";
const COURSECERTIFICATE: &str = "coursecertificate";
const MOBILE_PDF: &str = "/mod/customcert/mobile/pluginfile.php";
/// The function name the PDF fetch reports in errors.
pub(crate) const PDF_ENDPOINT: &str = "mod/customcert/mobile/pluginfile.php";
/// ICRweb's certificates are valid one year from the issue date (their expiry element).
const EXPIRY_YEARS: i64 = 1;
/// ICRweb's time zone (Asia/Tokyo), in which the expiry element counts years.
const SITE_UTC_OFFSET: i64 = 9 * 3600;
const NO_REASON_GIVEN: &str = "Not available";

/// A certificate module and what is needed to ask the site about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundCertificate {
    pub certificate: Certificate,
    /// `Some` for a `mod_customcert` the learner may open: ask its mobile view.
    pub(crate) mobile_view: Option<LectureId>,
}

/// The certificate modules of a course (`core_course_get_contents`' answer), in course order.
pub(crate) fn find(
    course: CourseId,
    course_name: &str,
    sections: &[wire::Section],
) -> Vec<FoundCertificate> {
    let mut found = Vec::new();
    for section in sections {
        let unit_name = section.name.clone().unwrap_or_default();
        let section_locked = !section.uservisible.is_none_or(|v| v.0);
        for module in &section.modules {
            if module.modname != CUSTOMCERT && module.modname != COURSECERTIFICATE {
                continue;
            }
            let open = !section_locked && module.uservisible.is_none_or(|v: Flag| v.0);
            let state = if open {
                CertificateState::Available
            } else {
                let missing = module
                    .availabilityinfo
                    .as_deref()
                    .or(section.availabilityinfo.as_deref())
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or(NO_REASON_GIVEN);
                CertificateState::Locked {
                    missing: missing.to_owned(),
                }
            };
            let id = LectureId(module.id.0);
            found.push(FoundCertificate {
                mobile_view: (open && module.modname == CUSTOMCERT).then_some(id),
                certificate: Certificate {
                    id,
                    course_id: course,
                    course_name: course_name.to_owned(),
                    unit_id: UnitId(section.id.0),
                    unit_name: unit_name.clone(),
                    name: module.name.clone().unwrap_or_default(),
                    state,
                    pdf_url: None,
                },
            });
        }
    }
    found
}

/// The Moodle App release whose site-plugin templates this client reads: `mod_customcert`
/// picks its `latest` template for `appversioncode >= 44000` (4.4+), which is the one parsed here.
const APP_VERSION_CODE: &str = "50000";
const APP_VERSION_NAME: &str = "5.0.0";
/// What the App calls itself to site plugins (`appid`) and the scheme it answers to.
const APP_ID: &str = "jp.icrweb.juko";
const APP_URL_SCHEME: &str = "juko";

/// The platform the App tells site plugins it runs on (`appplatform` and its flags).
fn app_platform() -> (&'static str, bool) {
    if cfg!(target_os = "android") {
        ("android", true)
    } else if cfg!(target_os = "ios") {
        ("ios", true)
    } else {
        // The Moodle App says `browser` (and not desktop) everywhere but on a phone.
        ("browser", false)
    }
}

/// `tool_mobile_get_content` for `mod_customcert`'s activity page, with the arguments the
/// Moodle App adds to every site-plugin content call (its `addDefaultArgs`): the plugin reads
/// `appversioncode` to choose its template. Booleans go as the App's web-service layer sends
/// them, `1`/`0`; the App sorts the arguments by name.
pub(crate) fn mobile_view_request(
    module: LectureId,
    course: CourseId,
    user: UserId,
    lang: &str,
) -> (&'static str, Params) {
    let (platform, mobile) = app_platform();
    let flag = |b: bool| if b { "1" } else { "0" }.to_owned();
    let args = Value::name_values([
        ("appcustomurlscheme", APP_URL_SCHEME.to_owned()),
        ("appid", APP_ID.to_owned()),
        ("appisdesktop", flag(false)),
        ("appismobile", flag(mobile)),
        ("appiswide", flag(false)),
        ("applang", lang.to_owned()),
        ("appplatform", platform.to_owned()),
        ("appversioncode", APP_VERSION_CODE.to_owned()),
        ("appversionname", APP_VERSION_NAME.to_owned()),
        ("cmid", module.0.to_string()),
        ("courseid", course.0.to_string()),
        ("userid", user.0.to_string()),
    ]);
    (
        GET_CONTENT,
        Params::new()
            .with("component", "mod_customcert")
            .with("method", "mobile_view_activity")
            .with("args", args),
    )
}

#[derive(Deserialize)]
struct Content {
    templates: Vec<Template>,
}

#[derive(Deserialize)]
struct Template {
    html: String,
}

/// What the mobile view tells: the first issue's time and the PDF's address (without `&amp;`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MobileView {
    pub(crate) issued_at: Option<i64>,
    pub(crate) pdf_url: Option<String>,
}

pub(crate) fn read_mobile_view(body: &[u8]) -> Result<MobileView> {
    let content: Content = crate::decode::rest(GET_CONTENT, body)?;
    let html: String = content.templates.into_iter().map(|t| t.html).collect();
    Ok(MobileView {
        issued_at: issue_times(&html).into_iter().min(),
        pdf_url: pdf_url(&html),
    })
}

/// The issue times the template prints: `{{ 1764378000 * 1000 | coreFormatDate }}` in the
/// current (`latest`, `ionic5`) templates, `{{ 1764378000 | coreToLocaleString }}` in the
/// Ionic 3 one of older plugin releases.
fn issue_times(html: &str) -> Vec<i64> {
    html.split("{{")
        .skip(1)
        .filter_map(|rest| {
            let inside = rest.split("}}").next()?;
            let (value, filter) = inside.split_once('|')?;
            match filter.trim() {
                "coreFormatDate" => {
                    let (secs, millis) = value.split_once('*')?;
                    (millis.trim() == "1000")
                        .then(|| secs.trim().parse().ok())
                        .flatten()
                }
                "coreToLocaleString" => value.trim().parse().ok(),
                _ => None,
            }
        })
        .collect()
}

/// The `fileurl: '…'` of the download button (`[core-download-file]` now, `[files]` before).
fn pdf_url(html: &str) -> Option<String> {
    let start = html.find("fileurl: '")? + "fileurl: '".len();
    let end = html[start..].find('\'')?;
    let url = html[start..start + end].replace("&amp;", "&");
    url.contains(MOBILE_PDF).then_some(url)
}

/// The certificate with what its mobile view told.
pub(crate) fn with_view(mut certificate: Certificate, view: MobileView) -> Certificate {
    certificate.pdf_url = view.pdf_url;
    if let Some(issued_at) = view.issued_at {
        certificate.state = CertificateState::Issued(Issue {
            issued_at,
            expires: Some(years_later(issued_at, EXPIRY_YEARS, SITE_UTC_OFFSET)),
            code: None,
        });
    }
    certificate
}

/// A certificate whose mobile view the site refused (or answered unreadably): locked, with
/// the site's reason when it gave one.
pub(crate) fn refused(mut certificate: Certificate, error: &Error) -> Certificate {
    let missing = match error {
        Error::Exception { exception, .. } if !exception.message.trim().is_empty() => {
            exception.message.clone()
        }
        _ => NO_REASON_GIVEN.to_owned(),
    };
    certificate.state = CertificateState::Locked { missing };
    certificate.pdf_url = None;
    certificate
}

/// The PDF's address with the token, only for the certificate script on this site.
pub(crate) fn pdf_request_url(site: &SiteUrl, token: &Token, pdf_url: &str) -> Option<String> {
    let url = url::Url::parse(pdf_url.trim()).ok()?;
    let below = site.relative_path(&url)?;
    if below != MOBILE_PDF {
        return None;
    }
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| name != "token")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("token", token.as_str());
    Some(url.into())
}

/// The PDF fetch's answer: a PDF, or the script's JSON error (it is an AJAX script), or
/// nothing (the plugin's "required time not met" ends the script without a word).
pub(crate) fn read_pdf(body: Vec<u8>) -> Result<Vec<u8>> {
    if body.starts_with(b"%PDF-") {
        return Ok(body);
    }
    if body.trim_ascii().is_empty() {
        return Err(Error::Decode {
            function: PDF_ENDPOINT.to_owned(),
            problem: crate::DecodeProblem::Empty,
        });
    }
    // The script's error, read like any other; anything else is not a certificate.
    let _: serde_json::Value = crate::decode::rest(PDF_ENDPOINT, &body)?;
    Err(Error::Decode {
        function: PDF_ENDPOINT.to_owned(),
        problem: crate::DecodeProblem::Shape("not a PDF".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: &str = r#"{"templates":[{"id":"main","html":"<div>\n<ion-list><ion-item class=\"text-center\">\n {{ 1764378000 | coreToLocaleString }}\n</ion-item></ion-list>\n<button [files]=\"[{fileurl: 'https://icr.example/mod/customcert/mobile/pluginfile.php?certificateid=12&amp;userid=101', timemodified: '1764378100'}]\">{{ 'plugin.mod_customcert.getcustomcert' | translate }}</button></div>"}],"javascript":"","otherdata":[],"files":[],"restrict":[],"disabled":false}"#;

    #[test]
    fn the_mobile_view_tells_the_issue_time_and_the_pdf() {
        let view = read_mobile_view(VIEW.as_bytes()).unwrap();
        assert_eq!(view.issued_at, Some(1_764_378_000));
        assert_eq!(
            view.pdf_url.as_deref(),
            Some(
                "https://icr.example/mod/customcert/mobile/pluginfile.php?certificateid=12&userid=101"
            )
        );
        let none = r#"{"templates":[{"id":"main","html":"<div>{{ 'x' | translate }}</div>"}],"javascript":"","otherdata":[],"files":[],"restrict":[],"disabled":false}"#;
        assert_eq!(
            read_mobile_view(none.as_bytes()).unwrap(),
            MobileView::default()
        );
        let refused = br#"{"exception":"require_login_exception","errorcode":"requireloginerror","message":"Course or activity not accessible. (Activity is hidden)"}"#;
        assert!(read_mobile_view(refused).is_err());
    }

    /// A site with `mod_coursecertificate` (and a customcert) as `core_course_get_contents`
    /// lists them: shown the same way from the module data alone.
    #[test]
    fn the_current_template_prints_the_issue_in_milliseconds() {
        let html = "<div class=\"timerewarded\">{{ 1764378000 * 1000 | coreFormatDate }}</div>\
                    {{ 5 * 60 | coreFormatDate }}{{ 7 | coreFormatDate }}";
        assert_eq!(issue_times(html), [1_764_378_000]);
    }

    #[test]
    fn certificate_modules_of_both_plugins_are_found() {
        let body = r#"[
          {"id":900,"name":"一般","section":0,"uservisible":true,"modules":[]},
          {"id":901,"name":"講座A","section":1,"uservisible":true,"modules":[
            {"id":310,"name":"第1講","instance":71,"modname":"resource","uservisible":true},
            {"id":311,"name":"講座A 修了証","instance":12,"modname":"coursecertificate","uservisible":false,
             "availabilityinfo":"Not available unless: The activity <strong>第1講</strong> is marked complete"},
            {"id":312,"name":"講座A 修了証（customcert）","instance":13,"modname":"customcert","uservisible":true}
          ]},
          {"id":902,"name":"講座B","section":2,"uservisible":true,"modules":[
            {"id":320,"name":"講座B 修了証","instance":14,"modname":"coursecertificate","uservisible":true}
          ]}
        ]"#;
        let found =
            crate::decode::certificates(CourseId(2), "施設コース", body.as_bytes()).unwrap();
        let summary: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    f.certificate.id.0,
                    f.certificate.unit_name.as_str(),
                    f.mobile_view,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (311, "講座A", None),
                (312, "講座A", Some(LectureId(312))),
                (320, "講座B", None)
            ]
        );
        assert!(matches!(
            &found[0].certificate.state,
            CertificateState::Locked { missing } if missing.contains("第1講")
        ));
        assert_eq!(found[2].certificate.state, CertificateState::Available);
        assert_eq!(found[2].certificate.course_name, "施設コース");
        assert!(found.iter().all(|f| f.certificate.pdf_url.is_none()));
    }

    #[test]
    fn an_issue_expires_a_year_later() {
        let cert = Certificate {
            id: LectureId(5),
            course_id: CourseId(2),
            course_name: "c".into(),
            unit_id: UnitId(901),
            unit_name: "u".into(),
            name: "n".into(),
            state: CertificateState::Available,
            pdf_url: None,
        };
        let issued = with_view(
            cert,
            MobileView {
                issued_at: Some(1_764_378_000),
                pdf_url: Some("x".into()),
            },
        );
        let issue = issued.issue().expect("issued");
        assert_eq!(issue.expires, Some(1_764_378_000 + 365 * 86_400));
        assert_eq!(issued.pdf_url.as_deref(), Some("x"));
    }

    #[test]
    fn the_token_goes_only_to_the_certificate_script_on_the_site() {
        let site = SiteUrl::parse("https://icr.example/moodle").unwrap();
        let token = Token::new("abc123");
        let url = pdf_request_url(
            &site,
            &token,
            "https://icr.example/moodle/mod/customcert/mobile/pluginfile.php?certificateid=1&userid=2",
        )
        .unwrap();
        assert_eq!(
            url,
            "https://icr.example/moodle/mod/customcert/mobile/pluginfile.php?certificateid=1&userid=2&token=abc123"
        );
        for other in [
            "https://evil.example/moodle/mod/customcert/mobile/pluginfile.php?certificateid=1",
            "https://icr.example/moodle/mod/other/mobile/pluginfile.php?certificateid=1",
            "javascript:alert(1)",
        ] {
            assert_eq!(pdf_request_url(&site, &token, other), None, "{other}");
        }
    }

    #[test]
    fn a_pdf_answer_is_a_pdf_or_the_sites_refusal() {
        assert!(read_pdf(b"%PDF-1.7 ...".to_vec()).is_ok());
        let refused = br#"{"error":"Sorry, but you do not currently have permissions to do that (View course report).","errorcode":"nopermissions","stacktrace":null,"debuginfo":null,"reproductionlink":null}"#;
        let Err(Error::Exception { exception, .. }) = read_pdf(refused.to_vec()) else {
            panic!("a refusal")
        };
        assert_eq!(exception.errorcode.as_deref(), Some("nopermissions"));
        assert!(read_pdf(Vec::new()).is_err());
        assert!(read_pdf(b"<html>".to_vec()).is_err());
    }
}
