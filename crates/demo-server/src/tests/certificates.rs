//! Certificates (修了証) as `mod_customcert` serves them: earned by watching the unit's lectures
//! and passing its test, issued on the first fetch of the PDF (once), refused to anyone else,
//! valid one year, verifiable by code.

use serde_json::Value;

use super::quiz_taking::{Taker, plan, quiz_named};
use super::support::{Reply, Site, assert_exception};
use crate::seed::courses::{Enrolment, FACILITY_A};

/// Facility A's short unit (the last): one lecture, a three-question test, the certificate.
const MINI_UNIT: usize = 5;
const MINI_TEST: &str = "修了証までの流れ";

/// The short unit's certificate module as `core_course_get_contents` shows it.
async fn certificate_module(site: &Site, token: &str) -> Value {
    let courseid = site.course_id(FACILITY_A.shortname).await.to_string();
    let contents = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    contents[MINI_UNIT]["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .find(|m| m["modname"] == "customcert")
        .cloned()
        .expect("the unit's certificate")
}

async fn pdf(site: &Site, token: &str, certificateid: i64, userid: i64) -> Reply {
    site.get(&format!(
        "/mod/customcert/mobile/pluginfile.php?certificateid={certificateid}&userid={userid}&token={token}"
    ))
    .await
}

async fn issues(site: &Site) -> i64 {
    site.query_i64("SELECT COUNT(*) FROM customcert_issues WHERE ?1 = ?1", 0)
        .await
}

async fn mobile_view(site: &Site, token: &str, cmid: i64) -> Value {
    site.call(
        token,
        "tool_mobile_get_content",
        &[
            ("component", "mod_customcert"),
            ("method", "mobile_view_activity"),
            ("args[0][name]", "cmid"),
            ("args[0][value]", &cmid.to_string()),
            // The Moodle App 4.4+ (the plugin's `latest` template).
            ("args[1][name]", "appversioncode"),
            ("args[1][value]", "44000"),
        ],
    )
    .await
}

/// Watches the short unit's lecture and takes its test, passing it or not.
async fn finish_unit(site: &Site, taker: &Taker<'_>, pass: bool) {
    let lectures = site
        .lectures(&taker.token, FACILITY_A.shortname, MINI_UNIT)
        .await;
    assert_eq!(lectures.len(), 1, "one short lecture");
    site.watch_whole(&taker.token, lectures[0]).await;
    let quizid = quiz_named(site, MINI_TEST).await;
    let attempt = taker.start(quizid).await;
    let finished = taker
        .answer_all(&attempt, plan(MINI_TEST), |_| pass, true)
        .await;
    assert_eq!(finished["state"], "finished", "{finished}");
}

fn pdf_text(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with(b"%PDF-"), "a PDF");
    pdf_extract::extract_text_from_mem(&reply.body).expect("the PDF's text")
}

#[tokio::test]
async fn a_certificate_is_earned_by_the_lectures_and_a_passed_test_and_issued_once() {
    let site = Site::new().await;
    let taker = Taker::new(&site, "learner1").await;
    let token = taker.token.clone();
    let userid = site.userid(&token).await;
    let module = certificate_module(&site, &token).await;
    let cmid = module["id"].as_i64().expect("cmid");
    let certificateid = module["instance"].as_i64().expect("instance");
    assert_eq!(module["uservisible"], false, "{module}");
    let info = module["availabilityinfo"].as_str().unwrap_or_default();
    assert!(info.contains("受講の流れと修了証"), "the lecture: {info}");
    assert!(info.contains("確認テスト"), "the test: {info}");

    // Locked: no PDF, no issue, no mobile view.
    let refused = pdf(&site, &token, certificateid, userid).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["errorcode"], "requireloginerror");
    assert_exception(&mobile_view(&site, &token, cmid).await, "requireloginerror");
    assert_eq!(issues(&site).await, 0);

    // Watched but the test failed: still locked.
    finish_unit(&site, &taker, false).await;
    let module = certificate_module(&site, &token).await;
    assert_eq!(module["uservisible"], false, "a failed test is not enough");
    assert_eq!(pdf(&site, &token, certificateid, userid).await.status, 403);

    // Passed: available, not issued yet.
    finish_unit(&site, &taker, true).await;
    let module = certificate_module(&site, &token).await;
    assert_eq!(module["uservisible"], true, "{module}");
    let view = mobile_view(&site, &token, cmid).await;
    let html = view["templates"][0]["html"].as_str().expect("html");
    assert!(!html.contains("coreFormatDate"), "no issue yet: {html}");
    assert!(html.contains("plugin.mod_customcert.notissued"), "{html}");
    assert!(html.contains("<core-course-module-info "), "latest: {html}");
    assert!(
        html.contains("[core-download-file]=\"{fileurl: '"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "mod/customcert/mobile/pluginfile.php?certificateid={certificateid}&amp;userid={userid}"
        )),
        "{html}"
    );
    assert_eq!(issues(&site).await, 0, "viewing does not issue");

    // The first fetch issues it; the second draws the same issue.
    let first = pdf(&site, &token, certificateid, userid).await;
    assert!(
        first.body.len() < 200_000,
        "a subset font: {} bytes",
        first.body.len()
    );
    let text = pdf_text(&first);
    assert_eq!(issues(&site).await, 1);
    let (code, issued): (String, i64) = site
        .state
        .db()
        .call(|conn| {
            Ok(
                conn.query_row("SELECT code, timecreated FROM customcert_issues", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?,
            )
        })
        .await
        .expect("the issue");
    assert_eq!(code.len(), 10);
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
    let compact: String = text.split_whitespace().collect();
    for expected in ["修了証", "山田花子", "修了証までの流れ（ミニ講座）", &code]
    {
        assert!(compact.contains(expected), "{expected} in {compact}");
    }
    assert!(
        compact.contains(FACILITY_A.fullname.replace(' ', "").as_str()),
        "{compact}"
    );
    let jst = crate::clock::SITE_UTC_OFFSET;
    let (y, m, d) = juko_model::calendar_date(issued, jst);
    assert!(
        compact.contains(&format!("発行日{y}年{m}月{d}日")),
        "{compact}"
    );
    assert!(
        compact.contains(&format!("有効期限{}年{m}月{d}日", y + 1)),
        "one year later: {compact}"
    );

    site.state.clock().advance(3600);
    let again = pdf_text(&pdf(&site, &token, certificateid, userid).await);
    assert!(again.contains(&code), "the same code");
    assert_eq!(issues(&site).await, 1, "issued once");
    let view = mobile_view(&site, &token, cmid).await;
    let html = view["templates"][0]["html"].as_str().expect("html");
    assert!(
        html.contains(&format!("{{{{ {issued} * 1000 | coreFormatDate }}}}")),
        "{html}"
    );

    // Anyone may verify the code.
    let page = site
        .get(&format!(
            "/mod/customcert/verify_certificate.php?code={code}"
        ))
        .await;
    assert_eq!(page.status, 200);
    let page = page.text();
    assert!(
        page.contains("Verified") && page.contains("山田 花子"),
        "{page}"
    );
    assert!(
        page.contains(&format!("{}年{m}月{d}日", y + 1)),
        "expiry: {page}"
    );
    let wrong = site
        .get("/mod/customcert/verify_certificate.php?code=XXXXXXXXXX")
        .await
        .text();
    assert!(
        wrong.contains("Not verified") && !wrong.contains("山田"),
        "{wrong}"
    );
}

#[tokio::test]
async fn nobody_else_gets_a_learners_certificate() {
    let site = Site::new().await;
    let taker = Taker::new(&site, "learner1").await;
    let userid = site.userid(&taker.token).await;
    let module = certificate_module(&site, &taker.token).await;
    let certificateid = module["instance"].as_i64().expect("instance");
    finish_unit(&site, &taker, true).await;

    // A bad token, before anything else.
    let bad = pdf(&site, "0123456789abcdef", certificateid, userid).await;
    assert_eq!(bad.json()["errorcode"], "invalidtoken");
    // Facility B's learner is not in facility A's course, for themself or for learner1.
    let other = site.token("learner2").await;
    let other_id = site.userid(&other).await;
    for target in [other_id, userid] {
        let refused = pdf(&site, &other, certificateid, target).await;
        assert_eq!(refused.status, 403);
        assert_eq!(refused.json()["errorcode"], "nopermissions");
    }
    // Nor does facility B's learner see the certificate's page.
    let cmid = module["id"].as_i64().expect("cmid");
    assert_exception(&mobile_view(&site, &other, cmid).await, "nopermissions");
    // Once facility B's learner joins facility A with its code, learner1's certificate is still
    // theirs alone, and their own is locked until they finish the unit.
    let courseid = site.course_id(FACILITY_A.shortname).await.to_string();
    let Enrolment::FacilityCode { code, .. } = FACILITY_A.enrolment else {
        panic!("facility A takes its code")
    };
    let methods = site
        .call(
            &other,
            "core_enrol_get_course_enrolment_methods",
            &[("courseid", &courseid)],
        )
        .await;
    let instance = methods
        .as_array()
        .expect("methods")
        .iter()
        .find(|m| m["type"] == "self")
        .and_then(|m| m["id"].as_i64())
        .expect("self enrolment")
        .to_string();
    let joined = site
        .call(
            &other,
            "enrol_self_enrol_user",
            &[
                ("courseid", &courseid),
                ("password", code),
                ("instanceid", &instance),
            ],
        )
        .await;
    assert_eq!(joined["status"], true, "{joined}");
    let refused = pdf(&site, &other, certificateid, userid).await;
    assert_eq!(refused.json()["errorcode"], "nopermissions");
    let locked = pdf(&site, &other, certificateid, other_id).await;
    assert_eq!(locked.json()["errorcode"], "requireloginerror");
    // No such certificate; parameters missing.
    let missing = pdf(&site, &taker.token, 999_999, userid).await;
    assert_eq!(missing.json()["errorcode"], "invalidrecord");
    // PARAM_INT cleans `abc` to 0: no such record, not a parameter error.
    let cleaned = site
        .get(&format!(
            "/mod/customcert/mobile/pluginfile.php?certificateid=abc&userid={userid}&token={}",
            taker.token
        ))
        .await;
    assert_eq!(
        cleaned.json()["errorcode"],
        "invalidrecord",
        "{}",
        cleaned.text()
    );
    let unnamed = site
        .get(&format!(
            "/mod/customcert/mobile/pluginfile.php?certificateid={certificateid}&token={}",
            taker.token
        ))
        .await;
    assert_eq!(unnamed.json()["errorcode"], "missingparam");
    assert_eq!(issues(&site).await, 0, "nothing issued by any of these");

    // learner1 asking for someone else's issue is refused too.
    let refused = pdf(&site, &taker.token, certificateid, other_id).await;
    assert_eq!(refused.json()["errorcode"], "nopermissions");
    assert_eq!(issues(&site).await, 0);
}

/// An App older than 4.4 (or one that does not say) gets the plugin's `ionic5` template.
#[tokio::test]
async fn an_older_app_gets_the_ionic5_template() {
    let site = Site::new().await;
    let taker = Taker::new(&site, "learner1").await;
    finish_unit(&site, &taker, true).await;
    let cmid = certificate_module(&site, &taker.token).await["id"]
        .as_i64()
        .expect("cmid");
    let view = site
        .call(
            &taker.token,
            "tool_mobile_get_content",
            &[
                ("component", "mod_customcert"),
                ("method", "mobile_view_activity"),
                ("args[0][name]", "cmid"),
                ("args[0][value]", &cmid.to_string()),
                ("args[1][name]", "appversioncode"),
                ("args[1][value]", "43000"),
            ],
        )
        .await;
    let html = view["templates"][0]["html"].as_str().expect("html");
    assert!(html.contains("<core-course-module-description "), "{html}");
    assert!(!html.contains("<core-course-module-info "), "{html}");
    assert_eq!(view["otherdata"][0]["name"], "group", "{view}");
}

#[tokio::test]
async fn the_mobile_view_is_mod_customcerts_only() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let other = site
        .call(
            &token,
            "tool_mobile_get_content",
            &[
                ("component", "mod_forum"),
                ("method", "mobile_view_activity"),
            ],
        )
        .await;
    assert_exception(&other, "codingerror");
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert!(
        super::support::listed_functions(&info).contains(&"tool_mobile_get_content"),
        "listed"
    );
}
