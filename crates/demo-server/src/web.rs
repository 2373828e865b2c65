//! The built web app at `/`: static files (precompressed `.br` when present), and index.html
//! for every other path that is not a Moodle endpoint, so the app's own routes load it.
//!
//! Every answer carries the app's Content-Security-Policy and a caching rule: the build's code
//! under `/app/<hash>/` never changes (cached for good), everything else is revalidated, so a new
//! build is seen on the next visit (`docs/deploy-web.md`).

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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

/// What the web app may load, and from where: only this site. Why each source is there:
/// - `script-src 'wasm-unsafe-eval'`: compiling the app's WebAssembly.
/// - `script-src 'unsafe-eval'`: Dioxus's `document::eval` (the player's events, the online
///   listener, the page title) builds JavaScript functions from strings (`new Function`);
///   without it the app panics at start (an `EvalError`), as measured in Chromium.
/// - `style-src 'unsafe-inline'`: the app's CSS is inlined in a `<style>` element and Dioxus sets
///   `style` attributes (progress bars).
///
/// - `media-src blob:`: a downloaded lecture plays from a blob URL of its file in the browser's
///   storage (offline viewing).
///
/// No inline scripts (`index.html` loads `boot.js`), no plugins, no `<base>`, no framing by
/// other sites. A deployment serving the app apart from its Moodle site adds that site's origin
/// to `connect-src`, `media-src` and `img-src` (docs/deploy-web.md).
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; \
    img-src 'self'; media-src 'self' blob:; connect-src 'self'; font-src 'self'; \
    manifest-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'";

/// The build's own directory: its files are named by a hash of their bytes (xtask/src/shell.rs).
const IMMUTABLE_PREFIX: &str = "/app/";

/// The web app's files, when a built app is there.
#[derive(Clone)]
pub(crate) struct WebDist {
    files: Option<Files>,
}

#[derive(Clone)]
struct Files {
    /// The app's routes: a file, else index.html (the SPA fallback).
    pages: ServeDir<ServeFile>,
    /// The build's code: a file or 404, never index.html in place of a missing script.
    code: ServeDir,
}

impl WebDist {
    pub(crate) fn new(dir: Option<PathBuf>) -> WebDist {
        let files = dir.and_then(|dir| {
            let index = dir.join("index.html");
            if !index.is_file() {
                tracing::warn!(dir = %dir.display(), "no index.html in the web dist directory: serving the not-built page");
                return None;
            }
            Some(Files {
                pages: ServeDir::new(&dir)
                    .precompressed_br()
                    .fallback(ServeFile::new(index).precompressed_br()),
                code: ServeDir::new(&dir).precompressed_br(),
            })
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
    let cache_control = cache_control(request.uri().path());
    let mut response = match &state.web().files {
        None => Html(NOT_BUILT).into_response(),
        Some(files) if request.uri().path().starts_with(IMMUTABLE_PREFIX) => {
            match files.code.clone().oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(never) => match never {},
            }
        }
        Some(files) => match files.pages.clone().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        },
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
    }
    response
}

/// How long a browser may keep a file of the app without asking again.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with(IMMUTABLE_PREFIX) {
        "public, max-age=31536000, immutable"
    } else {
        // index.html (and every deep link answered with it), sw.js, the manifest, icons: a
        // conditional request each time, so a new build is never hidden behind a cached page.
        "no-cache"
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
