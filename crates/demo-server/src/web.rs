//! The built web app at `/`: static files (precompressed `.br` when present), and index.html
//! for every other path that is not a Moodle endpoint, so the app's own routes load it.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::state::AppState;

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="ja">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Juko demo server</title>
<h1>Juko demo server</h1>
<p>The web app is not built. Run <code>cargo xtask demo</code>, which builds it and starts this server with it.</p>
<p>Web アプリがビルドされていません。<code>cargo xtask demo</code> を実行すると、ビルドしてこのサーバーで配信します。</p>
<p>The Moodle web services of this demo site are running at this address.</p>
</html>
"#;

/// The web app's files, when a built app is there.
#[derive(Clone)]
pub(crate) struct WebDist {
    files: Option<ServeDir<ServeFile>>,
}

impl WebDist {
    pub(crate) fn new(dir: Option<PathBuf>) -> WebDist {
        let files = dir.and_then(|dir| {
            let index = dir.join("index.html");
            if !index.is_file() {
                tracing::warn!(dir = %dir.display(), "no index.html in the web dist directory: serving the not-built page");
                return None;
            }
            Some(
                ServeDir::new(&dir)
                    .precompressed_br()
                    .fallback(ServeFile::new(index).precompressed_br()),
            )
        });
        WebDist { files }
    }
}

/// Paths that belong to Moodle (any `*.php`, and Moodle's directories): never the app.
fn is_moodle_path(path: &str) -> bool {
    path.split('/').any(|segment| segment.ends_with(".php"))
        || [
            "/webservice/",
            "/lib/ajax/",
            "/login/",
            "/pluginfile.php",
            "/tokenpluginfile.php",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Everything no Moodle route matched.
pub(crate) async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if is_moodle_path(request.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    match &state.web().files {
        None => Html(NOT_BUILT).into_response(),
        Some(files) => match files.clone().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn moodle_paths_are_not_the_app() {
        for path in [
            "/login/token.php",
            "/webservice/x",
            "/mod/resource/view.php",
            "/lib/ajax/other.php",
        ] {
            assert!(super::is_moodle_path(path), "{path}");
        }
        for path in ["/", "/courses/3", "/assets/app.wasm", "/login"] {
            assert!(!super::is_moodle_path(path), "{path}");
        }
    }
}
