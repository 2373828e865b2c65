//! Captions: WebVTT files beside a lecture's video, listed in its contents and served by
//! `pluginfile.php` only to learners who may open the lecture.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use super::support::{Site, WWWROOT};
use crate::seed::courses::FACILITY_A;

#[tokio::test]
async fn captions_are_listed_beside_the_video_and_served_only_to_the_course() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let contents = site.course_contents(&token, FACILITY_A.shortname).await;
    let first = &contents[1]["modules"][0];
    let files = first["contents"].as_array().expect("contents");
    let names: Vec<(&str, &str)> = files
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap(),
                f["mimetype"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("kiso-01.mp4", "video/mp4"),
            ("kiso-01.ja.vtt", "text/vtt"),
            ("kiso-01.en.vtt", "text/vtt"),
        ],
        "the video stays the main file"
    );
    assert_eq!(
        first["contentsinfo"]["mimetypes"],
        serde_json::json!(["video/mp4", "text/vtt"])
    );
    let url = files[1]["fileurl"].as_str().unwrap();
    let path = url.strip_prefix(WWWROOT).expect("site URL");
    let bare = path.split('?').next().unwrap();

    let mine = get(&site, format!("{path}&token={token}")).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.header("content-type"), Some("text/vtt"));
    let text = String::from_utf8(mine.body.to_vec()).expect("UTF-8");
    assert!(juko_model::count_cues(&text).unwrap() >= 2, "{text}");
    assert!(
        text.contains("臨床研究概論"),
        "cues from the lecture's title: {text}"
    );

    // learner2 is not in facility A's course; icrown1 neither; no token is no one.
    for other in ["learner2", "icrown1"] {
        let theirs = site.token(other).await;
        let reply = get(&site, format!("{bare}?token={theirs}")).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{other}");
        assert_eq!(reply.json()["errorcode"], "requireloginerror", "{other}");
        assert!(!reply.body.starts_with(b"WEBVTT"));
    }
    let anonymous = get(&site, bare.to_owned()).await;
    assert_eq!(anonymous.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.json()["errorcode"], "invalidtoken");

    // A locked lecture's captions are refused even to an enrolled learner.
    let icrown = site.token("icrown1").await;
    let contextid = site.locked_icrown_context().await;
    let locked = format!(
        "/webservice/pluginfile.php/{contextid}/mod_resource/content/1/icrown3-01.ja.vtt?token={icrown}"
    );
    let reply = get(&site, locked).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["errorcode"], "requireloginerror");
}

async fn get(site: &Site, uri: String) -> super::support::Reply {
    site.request(Method::GET, &uri, &[], Body::empty()).await
}
