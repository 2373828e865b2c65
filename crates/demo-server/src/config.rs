//! How a demo server is started: where its database and media live, where it listens.

use std::net::SocketAddr;
use std::path::PathBuf;

use juko_model::DEFAULT_COMPLETION_THRESHOLD;

use crate::lockout::LockoutPolicy;

/// Where the SQLite database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A file, kept between runs (WAL mode).
    File(PathBuf),
    /// A private in-memory database, gone when the server stops (tests).
    Memory,
}

impl DbLocation {
    /// Reads the `--db` flag: the literal `:memory:` means [`DbLocation::Memory`].
    pub fn parse(text: &str) -> DbLocation {
        if text == ":memory:" {
            DbLocation::Memory
        } else {
            DbLocation::File(PathBuf::from(text))
        }
    }
}

/// Which lecture videos are generated and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaProfile {
    /// The demo: every lecture as long as the brochure lists it (H:MM, 1:08 = 68 minutes),
    /// its title and a running timecode drawn in it. 22 hours of video in all (94 MB), generated
    /// once (about three minutes of ffmpeg on two busy cores) and then reused.
    Catalog,
    /// Test harnesses that play lectures (`--short-media`): one clip per lecture with its title,
    /// but each listed minute lasts a second (1:08 → 68 s), and descriptions list that short
    /// length (`時間: 0:01:08`), so the app, the clip and the history extension agree.
    Short,
    /// Unit tests: lectures are listed and timed as [`MediaProfile::Short`], but every one
    /// shares a single 2-second clip, so a fresh media directory costs one ffmpeg run.
    SharedTestClip,
}

/// How expensive password hashing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// Argon2id with the crate's recommended parameters.
    Standard,
    /// Argon2id with minimal memory and time: unoptimised test builds would otherwise spend
    /// a second or more per hash. Never for a server anyone can reach.
    MinimalForTests,
}

/// Everything [`crate::Server::start`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: DbLocation,
    /// Port 0 picks a free port; [`crate::Server::url`] tells which.
    pub listen: SocketAddr,
    /// Generated clips, content-addressed by SHA-1 (Moodle's contenthash). Reused across runs.
    pub media_dir: PathBuf,
    /// The built web app (`index.html`, `.wasm`, …), served at `/`.
    pub web_dist: Option<PathBuf>,
    /// The site URL to report as `wwwroot` and in file URLs. Without it, each request's Host
    /// header decides, so the URL a client used is the URL it gets back.
    pub public_url: Option<String>,
    pub media: MediaProfile,
    pub password_cost: PasswordCost,
    /// Whether the site has Juko's viewing-history extension (`local_juko_push_progress`,
    /// `local_juko_get_progress`). With it, lectures complete by watched coverage; without it,
    /// they use Moodle's manual completion, as a stock site would offer.
    pub progress_extension: bool,
    /// The share of a lecture's video that must be watched for it to complete (0 < t ≤ 1).
    pub completion_threshold: f64,
    /// When repeated failed logins lock an account (Moodle's lockout settings).
    pub lockout: LockoutPolicy,
}

impl Config {
    /// The demo: a database and media under the platform data directory, listening on
    /// 127.0.0.1:8080, full catalog media.
    pub fn demo_defaults() -> anyhow::Result<Config> {
        let data = data_dir()?;
        Ok(Config {
            db: DbLocation::File(data.join("demo.sqlite3")),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            media_dir: data.join("media"),
            web_dist: None,
            public_url: None,
            media: MediaProfile::Catalog,
            password_cost: PasswordCost::Standard,
            progress_extension: true,
            completion_threshold: DEFAULT_COMPLETION_THRESHOLD,
            lockout: LockoutPolicy::DEMO,
        })
    }

    /// An in-memory server on 127.0.0.1:0 with one shared test clip and cheap password hashing.
    /// Pass the same `media_dir` from every test so the clip is generated once.
    pub fn for_tests(media_dir: PathBuf) -> Config {
        Config {
            db: DbLocation::Memory,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            media_dir,
            web_dist: None,
            public_url: None,
            media: MediaProfile::SharedTestClip,
            password_cost: PasswordCost::MinimalForTests,
            progress_extension: true,
            completion_threshold: DEFAULT_COMPLETION_THRESHOLD,
            lockout: LockoutPolicy::DEMO,
        }
    }

    /// Refuses settings the server cannot work with, before anything is opened.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        let t = self.completion_threshold;
        if !(t.is_finite() && t > 0.0 && t <= 1.0) {
            anyhow::bail!("the completion threshold must be in (0, 1], got {t}");
        }
        let lockout = self.lockout;
        if lockout.window_seconds < 0 || lockout.duration_seconds < 0 {
            anyhow::bail!("lockout window and duration cannot be negative: {lockout:?}");
        }
        Ok(())
    }
}

/// The per-user data directory of the demo server, e.g. `~/.local/share/juko-demo-server`.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("jp", "Juko", "juko-demo-server")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| anyhow::anyhow!("no home directory: pass --db and --media-dir"))
}
