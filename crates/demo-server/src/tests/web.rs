//! The web app at `/`: static files, precompressed brotli, SPA fallback, the not-built page,
//! the Content-Security-Policy and caching rules.

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
    std::fs::create_dir_all(dist.path().join("app/0123abcd")).expect("mkdir");
    std::fs::write(dist.path().join("app/0123abcd/juko.js"), "export {}").expect("write");
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
async fn every_page_and_file_of_the_app_carries_the_content_security_policy() {
    let (site, _dist) = site_with_dist().await;
    for path in ["/", "/courses/2", "/app.js", "/app/0123abcd/juko.js"] {
        let reply = site.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let csp = reply.header("content-security-policy").unwrap_or("");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        for want in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'self'",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "img-src 'self'",
        ] {
            assert!(
                directives.contains(&want),
                "{path}: {want} missing from {csp}"
            );
        }
        let script = directives
            .iter()
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_else(|| panic!("{path}: no script-src in {csp}"));
        assert!(script.contains("'wasm-unsafe-eval'"), "{script}");
        assert!(!script.contains("'unsafe-inline'"), "{script}");
        assert!(!csp.contains('*'), "no wildcard source: {csp}");
    }
    // The not-built page too.
    let reply = Site::new().await.get("/").await;
    assert!(reply.header("content-security-policy").is_some());
}

#[tokio::test]
async fn the_build_directory_is_immutable_and_pages_are_revalidated() {
    let (site, _dist) = site_with_dist().await;
    let code = site.get("/app/0123abcd/juko.js").await;
    assert_eq!(
        code.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    for path in ["/", "/courses/2", "/app.js"] {
        let reply = site.get(path).await;
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{path}");
    }
    // A file missing from a build directory is a 404, never index.html cached for a year.
    let missing = site.get("/app/0123abcd/gone.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), None);
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
