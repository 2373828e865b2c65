//! Certificates (修了証) end to end: a learner finishes facility A's short
//! unit on the real demo server (the lecture watched through the history API, the test passed
//! with the seed's answer key), then the app's engine finds the certificate ready, fetches its
//! PDF (which issues it), keeps it on the device, and opens it again with the site gone.

use crate::quiz::Device;
use crate::util::{demo_server, learner, now_ms};
use juko_core::catalog::Item;
use juko_core::certificates::{self, FileShelf, PdfShelf};
use juko_core::quiz::Submitted;
use juko_core::store::{LectureContext, SqliteStore, Store};
use juko_core::sync::sync_once;
use juko_model::{
    Certificate, CertificateState, EXPIRING_WITHIN_DAYS, Interval, ProgressEvent, ProgressKind,
    Validity, years_later,
};
use std::path::PathBuf;

const UNIT: &str = "修了証までの流れ（ミニ講座）";
const TEST: &str = "修了証までの流れ 確認テスト";
const JST: i64 = 9 * 3600;
const DAY: i64 = 86_400;

async fn short_units_certificate(device: &Device) -> Certificate {
    let courses = device.session.courses().await.expect("courses");
    certificates::fetch(&device.session, &courses)
        .await
        .expect("certificates")
        .into_iter()
        .find(|c| c.unit_name == UNIT)
        .expect("the short unit's certificate")
}

/// Watches the short unit's lecture from start to end, recorded and synced as the app does.
async fn watch_short_lecture(url: &str, username: &str) {
    let site = juko_moodle::Site::new(url.parse().expect("url"));
    let l = learner(username);
    let session = site.session(site.login(l.username, l.password).await.expect("login"));
    let user = session.site_info().await.expect("info").user.id;
    let mut lecture = None;
    for course in session.courses(user).await.expect("courses") {
        let contents = session.course_contents(course.id).await.expect("contents");
        if let Some(unit) = contents.units.iter().find(|u| u.name == UNIT) {
            lecture = unit.lectures.first().cloned();
        }
    }
    let lecture = lecture.expect("the short lecture");
    let duration = f64::from(lecture.duration_secs.expect("a length"));
    let store = SqliteStore::open_in_memory().expect("store");
    let played = ProgressEvent {
        id: juko_core::ids::new_id(),
        lecture: lecture.id,
        kind: ProgressKind::Played(Interval {
            from: 0.0,
            to: duration,
        }),
        client_time_ms: now_ms(),
    };
    let context = LectureContext {
        course: None,
        title: Some(&lecture.title),
        duration_secs: Some(duration),
        complete_on_site: false,
    };
    store.record(&played, context, now_ms()).expect("recorded");
    let report = sync_once(&store, &session, now_ms).await.expect("synced");
    assert_eq!(report.applied, 1);
}

#[tokio::test]
async fn a_finished_unit_gives_a_certificate_kept_for_offline() {
    let server = demo_server().await;
    let device = Device::new(&server.url(), "learner1", "certificate").await;
    let shelf_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("e2e-certificates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&shelf_dir);
    let shelf = FileShelf::new(&shelf_dir);

    // Not earned: the site says what is missing; no PDF is asked for.
    let locked = short_units_certificate(&device).await;
    let CertificateState::Locked { missing } = &locked.state else {
        panic!("locked at first: {locked:?}")
    };
    assert!(missing.contains("受講の流れと修了証"), "{missing}");
    assert!(
        certificates::pdf(Some(&device.session), &shelf, &locked)
            .await
            .is_err()
    );

    // Watch the lecture, pass the test.
    watch_short_lecture(&server.url(), "learner1").await;
    let local = device.open(TEST).await;
    let local = device.answer_from_key(local, TEST, 1..=3, &[]);
    let submitted = device.submit(&local, false).await.expect("submitted");
    assert!(matches!(submitted, Submitted::Finished(_)), "{submitted:?}");

    // Ready; the first opening issues it and keeps the PDF.
    let ready = short_units_certificate(&device).await;
    assert_eq!(ready.state, CertificateState::Available, "{ready:?}");
    assert!(ready.pdf_url.is_some());
    let before = now_ms() / 1000;
    let pdf = certificates::pdf(Some(&device.session), &shelf, &ready)
        .await
        .expect("the PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    println!("certificate PDF: {} bytes", pdf.len());
    assert_eq!(
        shelf
            .get(certificates::PdfKey::of(&ready))
            .await
            .expect("shelf")
            .as_deref(),
        Some(&pdf[..]),
        "kept on the device"
    );

    // Issued now, valid one year, by the device's clock.
    let issued = short_units_certificate(&device).await;
    let issue = issued.issue().expect("issued").clone();
    assert!(issue.issued_at >= before - 1 && issue.issued_at <= now_ms() / 1000 + 1);
    let expires = issue.expires.expect("an expiry");
    assert_eq!(expires, years_later(issue.issued_at, 1, JST));
    assert!((365..=366).contains(&((expires - issue.issued_at) / DAY)));
    assert_eq!(issued.validity(now_ms() / 1000), Some(Validity::Valid));
    assert!(matches!(
        issued.validity(expires - 10 * DAY),
        Some(Validity::ExpiringSoon { days_left: 10 })
    ));
    assert!(matches!(
        issued.validity(expires - EXPIRING_WITHIN_DAYS * DAY - 1),
        Some(Validity::Valid)
    ));
    assert_eq!(issued.validity(expires), Some(Validity::Expired));
    let groups = certificates::group(std::slice::from_ref(&issued), now_ms() / 1000);
    assert_eq!(groups.valid.len(), 1);

    // Another learner cannot have it.
    let other = Device::new(&server.url(), "learner2", "certificate-other").await;
    let url = issued.pdf_url.clone().expect("url");
    assert!(other.session.certificate_pdf(&url).await.is_err());

    // Kept as the screen keeps it, then the site goes away: the list and the PDF still open.
    Item::certificates()
        .keep(&device.store, &vec![issued.clone()], now_ms())
        .expect("kept");
    server.shutdown().await;
    let device = device.restarted();
    let kept = Item::certificates()
        .read(&device.store)
        .expect("read")
        .expect("kept list");
    assert_eq!(kept.value, vec![issued.clone()]);
    let offline = certificates::pdf(Some(&device.session), &shelf, &kept.value[0])
        .await
        .expect("opens offline");
    assert_eq!(offline, pdf);
    let _ = std::fs::remove_dir_all(&shelf_dir);
}
