//! A proxy in front of the demo server that forwards every request, one per connection, but
//! holds back the site's answer to the first save of test answers once armed: the site has
//! taken the answers, and the probe, killed while it waits, never hears so. The one moment of a
//! save that random kills almost never hit.

use crate::fault_proxy::{forward, read_request};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The web-service function that saves (and submits) an attempt's answers.
const SAVE: &[u8] = b"mod_quiz_process_attempt";

pub(crate) struct HoldProxy {
    addr: SocketAddr,
    armed: Arc<AtomicBool>,
    held: mpsc::Receiver<()>,
    task: tokio::task::JoinHandle<()>,
}

impl HoldProxy {
    /// Starts a proxy on 127.0.0.1:0 in front of `upstream`, on `runtime`.
    pub(crate) fn start(runtime: &tokio::runtime::Runtime, upstream: SocketAddr) -> HoldProxy {
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let armed: Arc<AtomicBool> = Arc::default();
        let (tell, held) = mpsc::channel();
        let tell = Arc::new(Mutex::new(tell));
        let is_armed = armed.clone();
        let task = runtime.spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(handle(conn, upstream, is_armed.clone(), tell.clone()));
            }
        });
        HoldProxy {
            addr,
            armed,
            held,
            task,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Holds back the answer to the next save.
    pub(crate) fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Waits until the site has taken a save whose answer is held back.
    pub(crate) fn wait_held(&self) {
        // Only a guard against a hang: the probe saves within a few changes.
        self.held
            .recv_timeout(Duration::from_secs(60))
            .expect("the armed save reached the site");
    }

    pub(crate) fn stop(self) {
        self.task.abort();
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    armed: Arc<AtomicBool>,
    tell: Arc<Mutex<mpsc::Sender<()>>>,
) {
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    let hold =
        request.windows(SAVE.len()).any(|w| w == SAVE) && armed.swap(false, Ordering::SeqCst);
    let Some(answer) = forward(upstream, &request).await else {
        return;
    };
    if hold {
        let _ = tell.lock().unwrap().send(());
        // Until the probe is killed (the connection then closes) or the run ends.
        let _ = client.read(&mut [0u8; 1]).await;
        return;
    }
    let _ = client.write_all(&answer).await;
}
