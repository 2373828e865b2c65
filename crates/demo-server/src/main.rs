//! `juko-demo-server`: the demo Moodle site on this machine.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use juko_demo_server::{Config, DbLocation, MediaProfile, Server, seed};
use tracing_subscriber::EnvFilter;

/// A Moodle-compatible demo LMS with ICRweb-like courses, for Juko.
#[derive(Debug, Parser)]
#[command(name = "juko-demo-server", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file, or `:memory:`. Default: demo.sqlite3 in the data directory.
    #[arg(long)]
    db: Option<String>,
    /// Where generated lecture clips are kept. Default: media/ in the data directory.
    #[arg(long)]
    media_dir: Option<PathBuf>,
    /// The built web app to serve at `/`.
    #[arg(long)]
    web_dist: Option<PathBuf>,
    /// The site URL to report to clients (default: the Host each request used).
    #[arg(long)]
    public_url: Option<String>,
    /// Run as a stock Moodle site: no viewing-history extension (local_juko_*), lectures
    /// completed manually by the learner.
    #[arg(long)]
    no_progress_extension: bool,
    /// Share of a lecture's video to watch for it to complete (extension mode).
    #[arg(long, default_value_t = juko_model::DEFAULT_COMPLETION_THRESHOLD)]
    completion_threshold: f64,
    /// For test harnesses: lectures last a second per listed minute (1:08 → 68 s) instead of
    /// their real length, so no hours of video are generated.
    #[arg(long)]
    short_media: bool,
    /// Failed logins that lock an account for 30 minutes (Moodle's lockout); 0 turns it off.
    #[arg(long, default_value_t = juko_demo_server::LockoutPolicy::DEMO.threshold)]
    lockout_threshold: u32,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr (colour only on a terminal); stdout carries the banner, whose first
    // `http://` line is what scripts such as `cargo xtask demo` wait for.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args = Args::parse();
    let mut config = Config::demo_defaults()?;
    config.listen = args.listen;
    if let Some(db) = args.db {
        config.db = DbLocation::parse(&db);
    }
    if let Some(media_dir) = args.media_dir {
        config.media_dir = media_dir;
    }
    config.web_dist = args.web_dist;
    config.public_url = args.public_url;
    config.progress_extension = !args.no_progress_extension;
    config.completion_threshold = args.completion_threshold;
    if args.short_media {
        config.media = MediaProfile::Short;
    }
    config.lockout.threshold = args.lockout_threshold;

    let videos = match config.media {
        MediaProfile::Catalog => "as long as listed (1:08 = 68 minutes)",
        _ => "short, a second per listed minute (for tests)",
    };
    let mode = if config.progress_extension {
        format!(
            "on (lectures complete at {:.0}% watched)",
            config.completion_threshold * 100.0
        )
    } else {
        "off (stock Moodle: lectures completed manually)".to_owned()
    };
    let server = Server::start(config).await?;
    print_banner(&server.url(), &mode, videos);
    shutdown_signal().await;
    println!("Stopping the demo server…");
    server.shutdown().await;
    Ok(())
}

fn print_banner(url: &str, progress_mode: &str, videos: &str) {
    println!();
    println!("Juko demo server (Moodle 4.5 compatible): {url}");
    println!("Viewing-history extension: {progress_mode}");
    println!("Lecture videos: {videos}");
    println!("Demo learners:");
    for learner in seed::DEMO_LEARNERS {
        println!(
            "  {:<10} password {:<12} {} ({})",
            learner.username, learner.password, learner.full_name, learner.facility
        );
    }
    println!("Press Ctrl-C to stop.");
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
