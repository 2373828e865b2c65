//! A running server: bind, serve until asked to stop, stop.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::Config;
use crate::state::AppState;

/// How long shutdown waits for open responses (e.g. a video stream) before cutting them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Server {
    url: String,
    clock: Clock,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Prepares the state (database, seed, media), binds `config.listen` and starts serving.
    pub async fn start(config: Config) -> anyhow::Result<Server> {
        let state = AppState::new(&config).await?;
        let clock = state.clock().clone();
        let listener = TcpListener::bind(config.listen).await?;
        let url = url_of(listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let app = crate::app(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Server {
            url,
            clock,
            stop,
            task,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Moves the site's time forward by `seconds`, for test harnesses: a time limit passes or a
    /// token expires without the test sleeping. Nothing over HTTP can do this.
    pub fn advance_clock(&self, seconds: i64) {
        self.clock.advance(seconds);
    }

    /// Stops accepting connections and waits (briefly) for open responses to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let mut task = self.task;
        match tokio::time::timeout(DRAIN_TIMEOUT, &mut task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => tracing::warn!(%err, "server stopped with an error"),
            Ok(Err(err)) => tracing::warn!(%err, "server task failed"),
            Err(_) => {
                tracing::warn!("open connections did not finish in time; closing them");
                task.abort();
            }
        }
    }
}

/// A URL a browser can open: a wildcard listen address is reached through loopback.
fn url_of(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_openable() {
        let check = |addr: &str, want: &str| assert_eq!(super::url_of(addr.parse().unwrap()), want);
        check("127.0.0.1:8080", "http://127.0.0.1:8080");
        check("0.0.0.0:80", "http://127.0.0.1:80");
        check("[::]:8080", "http://[::1]:8080");
        check("[::1]:9", "http://[::1]:9");
    }
}
