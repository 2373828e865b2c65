//! Browsing courses → units → lectures, and streaming a lecture, as the app does.

use crate::util::{demo_server, signed_in};
use juko_core::Error;
use juko_model::{CourseId, LectureKind};

#[tokio::test]
async fn learners_see_their_own_courses_only() {
    let server = demo_server().await;
    let names = |courses: Vec<juko_model::Course>| {
        courses.into_iter().map(|c| c.full_name).collect::<Vec<_>>()
    };
    let one = names(
        signed_in(&server, "learner1")
            .await
            .courses()
            .await
            .expect("courses"),
    );
    let two = names(
        signed_in(&server, "learner2")
            .await
            .courses()
            .await
            .expect("courses"),
    );
    let icrown = names(
        signed_in(&server, "icrown1")
            .await
            .courses()
            .await
            .expect("courses"),
    );
    assert_eq!(one.len(), 2, "{one:?}");
    assert!(one.iter().any(|n| n.contains("基本コース")), "{one:?}");
    assert!(one.iter().any(|n| n.contains("iCROWN")), "{one:?}");
    assert_eq!(two.len(), 1, "{two:?}");
    assert!(two[0].contains("独自コース"), "{two:?}");
    assert_eq!(icrown.len(), 1, "{icrown:?}");
    assert!(icrown[0].contains("iCROWN"), "{icrown:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_facility_course_lists_units_with_lecturers_and_lengths() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner2").await;
    let course = session.courses().await.expect("courses").remove(0);
    let contents = session.course_contents(course.id).await.expect("contents");

    let unit = |name: &str| {
        contents
            .units
            .iter()
            .find(|u| u.name.contains(name))
            .unwrap_or_else(|| panic!("no unit {name} in {:?}", contents.units))
    };
    let basics = unit("臨床研究の基礎知識講座");
    assert_eq!(basics.lectures.len(), 10);
    assert_eq!(basics.lectures[0].title, "1. 臨床研究概論");
    assert_eq!(basics.lectures[0].duration_secs, Some(5));
    assert_eq!(basics.lectures[1].duration_secs, Some(10));

    let stats = unit("生物統計基礎講座1");
    let first = &stats.lectures[0];
    assert_eq!(first.title, "1. データの記述");
    assert_eq!(first.lecturer.as_deref(), Some("水澤純基"));
    assert_eq!(first.duration_secs, Some(68));
    assert_eq!(first.kind, LectureKind::File);
    assert!(
        first
            .media
            .as_ref()
            .is_some_and(|m| m.mime_type == "video/mp4")
    );
    assert_eq!(unit("CRC講座").lectures.len(), 9);
    assert_eq!(unit("研究倫理と研究公正").lectures.len(), 4);

    // Each facility unit ends with its certificate, locked until earned.
    assert!(
        basics.activities.iter().any(|a| a.locked_reason.is_some()),
        "{:?}",
        basics.activities
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_lecture_streams_with_range_requests() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner1").await;
    let course = session.courses().await.expect("courses").remove(0);
    let contents = session.course_contents(course.id).await.expect("contents");
    let lecture = contents.lectures().next().expect("a lecture");
    let media = lecture.media.as_ref().expect("media");
    let url = session.stream_url(media).expect("a web address");
    assert!(url.starts_with(&server.url()), "{url}");

    let http = reqwest::Client::new();
    let head = http
        .get(&url)
        .header("Range", "bytes=0-15")
        .send()
        .await
        .expect("GET");
    assert_eq!(head.status(), 206);
    assert_eq!(head.headers()["content-type"], "video/mp4");
    let bytes = head.bytes().await.expect("body");
    assert_eq!(bytes.len(), 16);
    // An MP4 starts with its `ftyp` box.
    assert_eq!(&bytes[4..8], b"ftyp");

    // Opening the lecture and the course is recorded by the site.
    session
        .record_lecture_view(lecture)
        .await
        .expect("view recorded");
    session
        .record_course_view(course.id)
        .await
        .expect("view recorded");
    server.shutdown().await;
}

#[tokio::test]
async fn a_course_the_learner_is_not_in_is_not_available() {
    let server = demo_server().await;
    let one = signed_in(&server, "learner1").await;
    let two = signed_in(&server, "learner2").await;
    let theirs = two.courses().await.expect("courses").remove(0);
    let err = one.course_contents(theirs.id).await.unwrap_err();
    assert!(matches!(err, Error::NotAvailable(_)), "{err:?}");
    let err = one.course_contents(CourseId(999_999)).await.unwrap_err();
    assert!(matches!(err, Error::NotAvailable(_)), "{err:?}");

    // Nor can its videos be streamed with this learner's token.
    let contents = two.course_contents(theirs.id).await.expect("contents");
    let media = contents
        .lectures()
        .find_map(|l| l.media.clone())
        .expect("media");
    let url = one.stream_url(&media).expect("a web address");
    let status = reqwest::get(&url).await.expect("GET").status();
    assert_eq!(status, 403, "{url}");
    server.shutdown().await;
}
