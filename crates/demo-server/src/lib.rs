//! A Moodle-compatible demo LMS for Juko.
//!
//! It serves the subset of Moodle's protocol Juko uses (see `protocol/moodle-ws-subset.md`):
//! `login/token.php`, `lib/ajax/service*.php`, `webservice/rest/server.php` and
//! `webservice/pluginfile.php`, with Moodle's envelopes and error codes, on an SQLite database
//! seeded with an ICRweb-like catalog and real (generated) lecture videos. It also serves the
//! built web app at `/`, so one URL is the whole demo.
//!
//! Every call the official Moodle App makes to sign in, show its dashboard, open a course and
//! open a resource is served in Moodle 4.5's declared shape (`tool_mobile_get_config`,
//! `core_course_get_courses_by_field`, `core_block_get_dashboard_blocks`, the calendar and
//! group functions, …; checked against fixtures in `src/tests/fixtures/`), with the theme's
//! icons (`theme/image.php`) and generated course images (`pluginfile.php`), all with
//! `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`.
//! Keys, order, types, warnings and errors were checked against Moodle 4.5's source (the 4.5
//! release and 4.5.5+): where Moodle's error code has no language string, its message is
//! `error/<code>`, and so is ours.
//!
//! Announcements are news forums (`mod_forum_*`) in the site course and each facility and
//! iCROWN course, with seeded posts, files and facility logos; popup notifications are each
//! learner's own (`message_popup_*`, `core_message_mark_*`).
//!
//! It also implements Juko's viewing-history extension (`local_juko_push_progress`,
//! `local_juko_get_progress`; `docs/progress-protocol.md`), or, with
//! `Config::progress_extension` off, behaves as a stock site whose lectures complete manually.
//!
//! In-process use (tests of other crates):
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = juko_demo_server::Config::for_tests(std::env::temp_dir().join("juko-media"));
//! let server = juko_demo_server::Server::start(config).await?;
//! let site = server.url(); // "http://127.0.0.1:PORT"
//! let learner = &juko_demo_server::seed::DEMO_LEARNERS[0];
//! # let _ = (site, learner);
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod access;
mod ajax;
mod availability;
// mod_customcert's PDF and verification pages.
mod certificates;
mod clock;
mod config;
mod db;
mod error;
mod facility;
mod files;
mod form;
mod functions;
mod html;
mod http;
mod lockout;
mod media;
mod password;
mod range;
mod rest;
mod server;
mod state;
mod theme;
mod token;
mod urls;
mod web;

pub mod seed;

#[cfg(test)]
mod tests;

pub use config::{Config, DbLocation, MediaProfile, PasswordCost, data_dir};
pub use lockout::LockoutPolicy;
pub use server::Server;
pub use state::AppState;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;

/// The whole site: the Moodle endpoints (with CORS), then the web app for everything else.
pub fn app(state: AppState) -> Router {
    let moodle = Router::new()
        .route(
            "/login/token.php",
            get(token::token_php).post(token::token_php),
        )
        .route(
            "/lib/ajax/service.php",
            get(ajax::service_php).post(ajax::service_php),
        )
        .route(
            "/lib/ajax/service-nologin.php",
            get(ajax::service_php).post(ajax::service_php),
        )
        .route(
            "/webservice/rest/server.php",
            get(rest::server_php).post(rest::server_php),
        )
        .route("/webservice/pluginfile.php", get(files::pluginfile_query))
        .route(
            "/webservice/pluginfile.php/{*path}",
            get(files::pluginfile_path),
        )
        .route("/pluginfile.php/{*path}", get(theme::pluginfile))
        .route("/theme/image.php", get(theme::image_query))
        .route(
            "/mod/customcert/mobile/pluginfile.php",
            get(certificates::mobile_pluginfile),
        )
        .route(
            "/mod/customcert/verify_certificate.php",
            get(certificates::verify_certificate),
        )
        .route("/theme/image.php/{*path}", get(theme::image_path))
        .layer(from_fn(http::cors));
    moodle
        .fallback(web::fallback)
        .layer(from_fn(http::log_request))
        .with_state(state)
}
