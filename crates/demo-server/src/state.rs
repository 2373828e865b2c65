//! The state every handler shares, and how it is built from a [`Config`].

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, Db};
use crate::lockout::Lockout;
use crate::media::MediaStore;
use crate::password;
use crate::seed::{self, Clips};
use crate::web::WebDist;

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    media: MediaStore,
    clock: Clock,
    progress: ProgressSettings,
    public_url: Option<String>,
    web: WebDist,
    lockout: Lockout,
    /// What token.php verifies an unknown username's password against (`password`).
    dummy_hash: String,
}

/// The viewing-history extension as this server runs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProgressSettings {
    /// `local_juko_*` offered, lectures completing by coverage; else a stock site.
    pub(crate) extension: bool,
    pub(crate) threshold: f64,
    /// The database's name in cursors (`db::progress_epoch`).
    pub(crate) epoch: String,
}

impl AppState {
    /// Opens the database, makes sure the lecture clips exist, and seeds an empty database.
    pub async fn new(config: &Config) -> anyhow::Result<AppState> {
        config.check()?;
        let db = Db::open(&config.db)?;
        let media = MediaStore::new(config.media_dir.clone());
        let clips = Clips::prepare(&media, config.media).await?;
        let news_files = seed::news::NewsFiles::store(&media)?;
        let captions = seed::captions::CaptionFiles::store(&media, &clips)?;
        let clock = Clock::default();
        let (cost, now) = (config.password_cost, clock.now());
        let extension = config.progress_extension;
        let epoch = db
            .call(move |conn| {
                if db::is_seeded(conn)? {
                    seed::link_media(conn, &clips, now)?;
                    seed::add_missing_learners(conn, &clips, cost, now)?;
                } else {
                    seed::seed(conn, &clips, cost, now)?;
                    tracing::info!("seeded the demo site");
                }
                seed::add_news(conn, &news_files, now)?;
                seed::captions::add_captions(conn, &captions, now)?;
                db::set_lecture_completion(conn, extension)?;
                Ok(db::progress_epoch(conn)?)
            })
            .await
            .map_err(|e| anyhow::anyhow!("preparing the database: {e}"))?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db,
                media,
                clock,
                progress: ProgressSettings {
                    extension,
                    threshold: config.completion_threshold,
                    epoch,
                },
                public_url: config
                    .public_url
                    .as_ref()
                    .map(|url| url.trim_end_matches('/').to_owned()),
                web: WebDist::new(config.web_dist.clone()),
                lockout: Lockout::new(config.lockout),
                dummy_hash: password::dummy_hash(config.password_cost)?,
            }),
        })
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    pub(crate) fn media(&self) -> &MediaStore {
        &self.inner.media
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn progress(&self) -> &ProgressSettings {
        &self.inner.progress
    }

    pub(crate) fn lockout(&self) -> &Lockout {
        &self.inner.lockout
    }

    pub(crate) fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }

    pub(crate) fn web(&self) -> &WebDist {
        &self.inner.web
    }

    /// The site URL for this request: the configured public URL, else the Host the client used.
    fn site_url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.inner.public_url {
            return url.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| is_plain_host(h))
            .unwrap_or("localhost");
        format!("http://{host}")
    }
}

/// A Host header that is only a host and port; anything else is not echoed into URLs.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// The site URL (`wwwroot`) for the current request, without a trailing slash.
pub(crate) struct SiteUrl(pub(crate) String);

impl FromRequestParts<AppState> for SiteUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SiteUrl, Self::Rejection> {
        Ok(SiteUrl(state.site_url(&parts.headers)))
    }
}
