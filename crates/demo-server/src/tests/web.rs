//! The web app at `/`: static files, precompressed brotli, SPA fallback, the not-built page.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use super::support::{Site, test_media_dir};
use crate::config::Config;

async fn site_with_dist() -> (Site, tempdir::Dir) {
    let dist = tempdir::Dir::new("web-dist");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Juko</title>",
    )
    .expect("write");
    std::fs::write(dist.path().join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(dist.path().join("app.js"), "console.log('plain')").expect("write");
    std::fs::write(dist.path().join("app.js.br"), b"brotli bytes").expect("write");
    let mut config = Config::for_tests(test_media_dir());
    config.web_dist = Some(dist.path().to_path_buf());
    (Site::with_config(config).await, dist)
}

#[tokio::test]
async fn the_built_app_is_served_with_an_spa_fallback() {
    let (site, _dist) = site_with_dist().await;
    // (path, status, body starts with, content type starts with)
    let cases = [
        ("/", StatusCode::OK, "<!doctype html>", "text/html"),
        (
            "/courses/2/units/3",
            StatusCode::OK,
            "<!doctype html>",
            "text/html",
        ),
        ("/app_bg.wasm", StatusCode::OK, "\0asm", "application/wasm"),
        ("/app.js", StatusCode::OK, "console.log", "text/javascript"),
        (
            "/mod/resource/view.php?id=301",
            StatusCode::NOT_FOUND,
            "",
            "",
        ),
        ("/webservice/unknown", StatusCode::NOT_FOUND, "", ""),
    ];
    for (path, status, body, content_type) in cases {
        let reply = site.get(path).await;
        assert_eq!(reply.status, status, "{path}");
        assert!(reply.text().starts_with(body), "{path}: {}", reply.text());
        let got_type = reply.header("content-type").unwrap_or("");
        assert!(got_type.starts_with(content_type), "{path}: {got_type}");
    }
}

#[tokio::test]
async fn precompressed_brotli_is_preferred_when_accepted() {
    let (site, _dist) = site_with_dist().await;
    let reply = site
        .request(
            Method::GET,
            "/app.js",
            &[("accept-encoding", "br, gzip")],
            Body::empty(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), Some("br"));
    assert_eq!(reply.text(), "brotli bytes");
}

#[tokio::test]
async fn without_a_build_the_root_says_how_to_build() {
    let site = Site::new().await;
    let reply = site.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("cargo xtask demo"));
}

/// A temporary directory removed on drop (no extra dependency for one test helper).
mod tempdir {
    use std::path::{Path, PathBuf};

    pub(super) struct Dir(PathBuf);

    impl Dir {
        pub(super) fn new(label: &str) -> Dir {
            let path = std::env::temp_dir().join(format!(
                "juko-demo-server-{label}-{}-{:016x}",
                std::process::id(),
                rand::random::<u64>()
            ));
            std::fs::create_dir_all(&path).expect("temp dir");
            Dir(path)
        }

        pub(super) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
