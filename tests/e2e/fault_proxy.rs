//! A TCP proxy between the client and the demo server that injects the faults of a real network:
//! refused connections, 500s, timeouts, answers lost after the server acted, truncated bodies.
//!
//! One request per connection (the proxy asks both sides to close), so each request meets the
//! next fault in the plan.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fault {
    /// Forward unchanged.
    Pass,
    /// Close the connection before reading the request: nothing reaches the server.
    Refuse,
    /// Answer 500 without asking the server.
    ServerError,
    /// Hold the connection without answering (the client's timeout fires).
    Hang,
    /// Forward, let the server act, then close without answering.
    DropAnswer,
    /// Forward, then send the headers and only half the body.
    Truncate,
}

pub(crate) struct FaultProxy {
    pub(crate) addr: SocketAddr,
    plan: Arc<Mutex<VecDeque<Fault>>>,
    /// The network is down: every connection is refused, the plan waits.
    down: Arc<AtomicBool>,
    /// Each forwarded request's `Range` header (`None` without one), in order.
    ranges: Arc<Mutex<Vec<Option<String>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1:0 in front of `upstream`; requests beyond the plan pass.
    pub(crate) async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let plan: Arc<Mutex<VecDeque<Fault>>> = Arc::default();
        let down: Arc<AtomicBool> = Arc::default();
        let ranges: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let (shared, is_down, log) = (plan.clone(), down.clone(), ranges.clone());
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let fault = if is_down.load(Ordering::SeqCst) {
                    Fault::Refuse
                } else {
                    shared.lock().unwrap().pop_front().unwrap_or(Fault::Pass)
                };
                tokio::spawn(handle(conn, upstream, fault, log.clone()));
            }
        });
        FaultProxy {
            addr,
            plan,
            down,
            ranges,
            task,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues faults for the next requests, in order.
    pub(crate) fn plan(&self, faults: &[Fault]) {
        self.plan.lock().unwrap().extend(faults.iter().copied());
    }

    /// Takes the network down (every request refused) or brings it back.
    pub(crate) fn set_offline(&self, offline: bool) {
        self.down.store(offline, Ordering::SeqCst);
    }

    /// The `Range` header of every request that reached the proxy's upstream side, in order.
    pub(crate) fn ranges(&self) -> Vec<Option<String>> {
        self.ranges.lock().unwrap().clone()
    }

    pub(crate) fn stop(self) {
        self.task.abort();
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Fault,
    ranges: Arc<Mutex<Vec<Option<String>>>>,
) {
    match fault {
        Fault::Refuse => return,
        Fault::Hang => {
            let _ = read_request(&mut client).await;
            // Long past any client timeout used in tests; the test ends the runtime first.
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            return;
        }
        _ => {}
    }
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    ranges.lock().unwrap().push(range_of(&request));
    if fault == Fault::ServerError {
        let _ = client
            .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return;
    }
    let Some(answer) = forward(upstream, &request).await else {
        return;
    };
    let bytes: &[u8] = match fault {
        Fault::DropAnswer => return,
        Fault::Truncate => {
            let body_start = find(&answer, b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
            &answer[..body_start + (answer.len() - body_start) / 2]
        }
        _ => &answer,
    };
    let _ = client.write_all(bytes).await;
}

/// Sends `request` to `upstream` and reads its whole answer (the request asks it to close);
/// `None` where the connection fails.
pub(crate) async fn forward(upstream: SocketAddr, request: &[u8]) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    server.write_all(request).await.ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

/// Reads one HTTP request (headers and a Content-Length body) and rewrites it to close after.
pub(crate) async fn read_request(conn: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut lines: Vec<&str> = head
        .trim_end()
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("connection: close");
    let mut request = format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes();
    request.extend_from_slice(&buf[head_end..head_end + length]);
    Some(request)
}

fn range_of(request: &[u8]) -> Option<String> {
    let head_end = find(request, b"\r\n\r\n")?;
    String::from_utf8_lossy(&request[..head_end])
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("range")
                .then(|| value.trim().to_owned())
        })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
