//! `webservice/pluginfile.php`: access, ranges, conditional requests, HEAD.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use super::support::{Reply, Site, WWWROOT};
use crate::seed::courses::FACILITY_A;

/// A site, a learner1 token and the path (with query) of facility A's first lecture file.
async fn lecture_file() -> (Site, String, String) {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let contents = site.course_contents(&token, FACILITY_A.shortname).await;
    let url = contents[1]["modules"][0]["contents"][0]["fileurl"]
        .as_str()
        .expect("fileurl");
    let path = url.strip_prefix(WWWROOT).expect("site URL").to_owned();
    (site, token, path)
}

async fn fetch(site: &Site, method: Method, uri: &str, headers: &[(&str, &str)]) -> Reply {
    site.request(method, uri, headers, Body::empty()).await
}

#[tokio::test]
async fn ranges_follow_moodles_byteserving() {
    let (site, token, path) = lecture_file().await;
    let uri = format!("{path}&token={token}");
    let full = fetch(&site, Method::GET, &uri, &[]).await;
    assert_eq!(full.status, StatusCode::OK);
    let size = full.body.len();
    assert!(size > 1000);
    assert_eq!(
        full.header("content-length"),
        Some(size.to_string().as_str())
    );
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    assert_eq!(full.header("content-type"), Some("video/mp4"));
    assert_eq!(full.header("access-control-allow-origin"), Some("*"));
    assert!(full.body.windows(4).any(|w| w == b"ftyp"), "an MP4");

    let last = size - 1;
    // (Range header, expected first and last byte; None = the whole file with 200)
    let cases: Vec<(String, Option<(usize, usize)>)> = vec![
        ("bytes=0-99".into(), Some((0, 99))),
        ("bytes=100-".into(), Some((100, last))),
        ("bytes=-100".into(), Some((size - 100, last))),
        ("bytes=10-999999999".into(), Some((10, last))),
        (format!("bytes={last}-{last}"), Some((last, last))),
        ("bytes=500-100".into(), None),
        (format!("bytes={size}-"), None),
        ("bytes=0-1,5-6".into(), None),
        ("bytes=abc".into(), None),
    ];
    for (range, want) in cases {
        let reply = fetch(&site, Method::GET, &uri, &[("range", &range)]).await;
        match want {
            Some((start, end)) => {
                assert_eq!(reply.status, StatusCode::PARTIAL_CONTENT, "{range}");
                assert_eq!(
                    reply.header("content-range"),
                    Some(format!("bytes {start}-{end}/{size}").as_str()),
                    "{range}"
                );
                assert_eq!(
                    reply.header("content-length"),
                    Some((end - start + 1).to_string().as_str()),
                    "{range}"
                );
                assert_eq!(&reply.body[..], &full.body[start..=end], "{range}");
            }
            None => {
                assert_eq!(reply.status, StatusCode::OK, "{range} is ignored");
                assert_eq!(reply.body.len(), size, "{range}");
                assert_eq!(reply.header("content-range"), None);
            }
        }
    }
}

#[tokio::test]
async fn head_etag_and_disposition() {
    let (site, token, path) = lecture_file().await;
    let uri = format!("{path}&token={token}");
    let full = fetch(&site, Method::GET, &uri, &[]).await;
    let etag = full.header("etag").expect("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() == 42, "{etag}");
    assert!(full.header("last-modified").is_some());
    assert_eq!(
        full.header("content-disposition"),
        Some("attachment; filename=\"kiso-01.mp4\"")
    );

    let head = fetch(&site, Method::HEAD, &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), full.header("content-length"));
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    let head_range = fetch(&site, Method::HEAD, &uri, &[("range", "bytes=0-9")]).await;
    assert_eq!(head_range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(head_range.header("content-length"), Some("10"));

    let cached = fetch(&site, Method::GET, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
    let changed = fetch(&site, Method::GET, &uri, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(changed.status, StatusCode::OK);

    let inline_uri = format!("{}?token={token}", path.split('?').next().unwrap_or(""));
    let inline = fetch(&site, Method::GET, &inline_uri, &[]).await;
    assert_eq!(
        inline.header("content-disposition"),
        Some("inline; filename=\"kiso-01.mp4\"")
    );

    // The `file=` form of sites without slash arguments.
    let relative = inline_uri
        .trim_start_matches("/webservice/pluginfile.php")
        .split('?')
        .next()
        .unwrap_or("");
    let query_form = fetch(
        &site,
        Method::GET,
        &format!("/webservice/pluginfile.php?file={relative}&token={token}"),
        &[],
    )
    .await;
    assert_eq!(query_form.status, StatusCode::OK);
    assert_eq!(query_form.body, full.body);
}

#[tokio::test]
async fn refusals_say_why() {
    let (site, token, path) = lecture_file().await;
    let other = site.token("learner2").await;
    let icrown = site.token("icrown1").await;
    let bare = path.split('?').next().unwrap_or("").to_owned();
    let missing_name = bare.replace("kiso-01.mp4", "nothing.mp4");
    let locked = locked_icrown_file(&site).await;
    // (uri, status, errorcode)
    let cases = [
        (
            format!("{bare}?token={other}"),
            StatusCode::FORBIDDEN,
            "requireloginerror",
        ),
        (
            format!("{locked}?token={icrown}"),
            StatusCode::FORBIDDEN,
            "requireloginerror",
        ),
        (
            format!("{missing_name}?token={token}"),
            StatusCode::NOT_FOUND,
            "filenotfound",
        ),
        (
            format!("/webservice/pluginfile.php/99999/mod_resource/content/1/a.mp4?token={token}"),
            StatusCode::NOT_FOUND,
            "filenotfound",
        ),
        (
            format!("{bare}?token=0123456789abcdef0123456789abcdef"),
            StatusCode::FORBIDDEN,
            "invalidtoken",
        ),
        (bare.clone(), StatusCode::FORBIDDEN, "invalidtoken"),
    ];
    for (uri, status, errorcode) in cases {
        let reply = fetch(&site, Method::GET, &uri, &[]).await;
        assert_eq!(reply.status, status, "{uri}");
        let body = reply.json();
        assert_eq!(body["errorcode"], errorcode, "{uri}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
}

/// The file of the first lecture in iCROWN's locked third unit.
async fn locked_icrown_file(site: &Site) -> String {
    let contextid = site.locked_icrown_context().await;
    format!("/webservice/pluginfile.php/{contextid}/mod_resource/content/1/icrown3-01.mp4")
}
