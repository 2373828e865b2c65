//! The desktop app's viewing history under the worst a learner's machine does to it, proven on
//! the real GUI process (WebKitGTK under Xvfb, real video, the demo server):
//!
//! - kill -9 at random moments while it plays a lecture, records and syncs (it pauses for a second
//!   every three, and each pause is a sync trigger), many times over;
//! - then its window closed the way a window manager closes it (WM_DELETE_WINDOW) mid-playback:
//!   the app must write the open segment and send everything before it exits.
//!
//! The app's self-test mode prints each event after its store took it (`RECORDED …`, see
//! `src/platform/selftest.rs`). Afterwards the server must hold every one of them, and the final
//! position the app had when its window closed.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::desktop;
use crate::server::{self, DemoServer};
use crate::util::{Guard, note, step};

/// How many times the app is killed while it plays.
const KILLS: u64 = 10;
/// Which lecture of the first course it watches (0-based): the demo learner's facility course's
/// 50-second clip (2023's first), long enough that the runs together do not reach its end.
const LECTURE: &str = "15";

/// An event the app's store took, as the app printed it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Recorded {
    Played(f64, f64),
    Position(f64),
}

fn parse_recorded(line: &str) -> Option<Recorded> {
    let rest = line.strip_prefix("RECORDED ")?;
    let mut parts = rest.split(' ');
    match (parts.next()?, parts.next(), parts.next()) {
        ("played", Some(from), Some(to)) => {
            Some(Recorded::Played(from.parse().ok()?, to.parse().ok()?))
        }
        ("position", Some(at), None) => Some(Recorded::Position(at.parse().ok()?)),
        _ => None,
    }
}

/// One launch of the app in its watch scenario.
struct Watching {
    guard: Guard,
    lines: mpsc::Receiver<String>,
    recorded: Vec<Recorded>,
}

impl Watching {
    /// Starts the app with the data directories in `xdg` (a session kept there) and waits until
    /// the lecture plays.
    fn start(
        app: &Path,
        display: &str,
        site: &str,
        xdg: &Path,
        name: &str,
        pauses: bool,
    ) -> Result<Self> {
        let launched = desktop::launch_self_test(
            app,
            display,
            site,
            (xdg, false),
            &format!("desktop/{name}"),
            &[
                ("JUKO_SELFTEST_WATCH", LECTURE),
                ("JUKO_SELFTEST_PAUSES", if pauses { "1" } else { "0" }),
            ],
        )?;
        let mut w = Watching {
            guard: launched.guard,
            lines: launched.lines,
            recorded: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let line = w.next_line(deadline).with_context(|| {
                format!("{name}: the lecture never played (see artifacts/desktop/{name}.log)")
            })?;
            if line.starts_with("SELFTEST fail") {
                bail!("{name}: {line}");
            }
            if line == "SELFTEST watching" {
                return Ok(w);
            }
        }
    }

    /// The next line before `deadline`, noting what was recorded; `None` at the deadline or once
    /// the app's output ended.
    fn next_line(&mut self, deadline: Instant) -> Option<String> {
        let left = deadline.checked_duration_since(Instant::now())?;
        let line = self.lines.recv_timeout(left).ok()?;
        if let Some(r) = parse_recorded(&line) {
            self.recorded.push(r);
        }
        Some(line)
    }

    /// Reads lines for `d` (the app keeps playing meanwhile).
    fn watch_for(&mut self, d: Duration) {
        let until = Instant::now() + d;
        while self.next_line(until).is_some() {}
    }

    /// SIGKILL, then what the app printed before it died.
    fn kill(mut self) -> Vec<Recorded> {
        self.guard.kill();
        let until = Instant::now() + Duration::from_secs(5);
        while self.next_line(until).is_some() {}
        self.guard.stop(); // its WebKit helpers
        self.recorded
    }
}

/// `kill -9` many times while playing, then a window close; checks the server against what the
/// app acknowledged. `xdg` holds a kept session (the smoke test's). Returns a summary line.
pub(crate) fn prove(app: &Path, display: &str, srv: &DemoServer, xdg: &Path) -> Result<String> {
    step(&format!(
        "desktop viewing history: kill -9 the app {KILLS} times while it plays and syncs, then close its window"
    ));
    let mut rng = fastrand::Rng::with_seed(0x6b696c6c);
    let mut acknowledged = Vec::new();
    for round in 0..KILLS {
        let mut w = Watching::start(app, display, &srv.url, xdg, &format!("kill-{round}"), true)?;
        // Anywhere in the play/pause cycle: mid-write, mid-sync, between the two.
        let after = Duration::from_millis(rng.u64(1000..8000));
        w.watch_for(after);
        let got = w.kill();
        note(&format!(
            "kill {round}: after {} ms, {} events acknowledged",
            after.as_millis(),
            got.len()
        ));
        acknowledged.extend(got);
    }

    // The close: playing without pauses, so the segment open at the close exists only in the app.
    let mut w = Watching::start(app, display, &srv.url, xdg, "close", false)?;
    w.watch_for(Duration::from_millis(rng.u64(1500..3500)));
    let before_close = w.recorded.len();
    close_window(display, w.guard.pid())?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = w.guard.try_wait() {
            break st;
        }
        w.next_line(deadline.min(Instant::now() + Duration::from_millis(100)));
        if Instant::now() > deadline {
            bail!("the app did not exit within 20 s of its window closing");
        }
    };
    // What it printed before exiting.
    while w
        .next_line(Instant::now() + Duration::from_millis(300))
        .is_some()
    {}
    if !status.success() {
        bail!("the app exited with {status} after its window closed");
    }
    let at_close = &w.recorded[before_close..];
    let Some(Recorded::Position(last)) = at_close
        .iter()
        .rev()
        .find(|r| matches!(r, Recorded::Position(_)))
        .copied()
    else {
        bail!(
            "nothing was recorded when the window closed: the open segment was lost ({at_close:?})"
        );
    };
    acknowledged.extend(w.recorded.iter().copied());
    w.guard.stop();

    // The server: every acknowledged interval, and the position at the close.
    let lecture = server_history(&srv.url)?;
    let intervals = lecture["intervals"].as_array().context("intervals")?;
    let held = |from: f64, to: f64| {
        intervals.iter().any(|i| {
            i["from"].as_f64().is_some_and(|f| f <= from + 1e-6)
                && i["to"].as_f64().is_some_and(|t| t >= to - 1e-6)
        })
    };
    let played: Vec<_> = acknowledged
        .iter()
        .filter_map(|r| match r {
            Recorded::Played(f, t) => Some((*f, *t)),
            Recorded::Position(_) => None,
        })
        .collect();
    if let Some((f, t)) = played.iter().find(|(f, t)| !held(*f, *t)) {
        bail!("the server lacks an acknowledged segment {f}..{t}: {lecture}");
    }
    let position = lecture["position"].as_f64().context("position")?;
    if (position - last).abs() > 1e-6 {
        bail!("the server's position is {position}, the app was at {last} when its window closed");
    }
    let summary = format!(
        "{KILLS} kills + 1 close: {} segments acknowledged, all on the server (coverage {:.2}), position at close {last:.2} s sent before exit",
        played.len(),
        lecture["coverage"].as_f64().unwrap_or_default()
    );
    note(&summary);
    Ok(summary)
}

/// The demo learner's one lecture record on the server, through the REST API.
fn server_history(site: &str) -> Result<serde_json::Value> {
    let agent = ureq::Agent::new_with_defaults();
    let post = |path: &str, form: &[(&str, &str)]| -> Result<serde_json::Value> {
        let body = agent
            .post(&format!("{site}/{path}"))
            .send_form(form.iter().copied())?
            .body_mut()
            .read_to_string()?;
        serde_json::from_str(&body).with_context(|| format!("{path} answered {body}"))
    };
    let token = post(
        "login/token.php",
        &[
            ("username", server::DEMO_USER),
            ("password", server::DEMO_PASSWORD),
            ("service", "moodle_mobile_app"),
        ],
    )?;
    let token = token["token"].as_str().context("no token from token.php")?;
    let answer = post(
        "webservice/rest/server.php?moodlewsrestformat=json",
        &[
            ("wstoken", token),
            ("wsfunction", "local_juko_get_progress"),
            ("since", ""),
            ("limit", "500"),
        ],
    )?;
    let lectures = answer["lectures"]
        .as_array()
        .with_context(|| format!("local_juko_get_progress: {answer}"))?;
    match lectures.as_slice() {
        [one] => Ok(one.clone()),
        other => bail!(
            "expected the one watched lecture on the server, got {}",
            other.len()
        ),
    }
}

/// Asks the app's window to close, as a window manager does when the learner clicks ×: a
/// WM_DELETE_WINDOW client message to its mapped top-level windows (found by `_NET_WM_PID`).
fn close_window(display: &str, pid: u32) -> Result<()> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState,
    };

    let (conn, screen) = x11rb::connect(Some(display)).context("connect to Xvfb")?;
    let root = conn.setup().roots[screen].root;
    let atom =
        |name: &str| -> Result<u32> { Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom) };
    let (pid_atom, protocols, delete) = (
        atom("_NET_WM_PID")?,
        atom("WM_PROTOCOLS")?,
        atom("WM_DELETE_WINDOW")?,
    );
    let mut sent = 0;
    for window in conn.query_tree(root)?.reply()?.children {
        let owner = conn
            .get_property(false, window, pid_atom, AtomEnum::CARDINAL, 0, 1)?
            .reply()?
            .value32()
            .and_then(|mut v| v.next());
        let mapped = conn.get_window_attributes(window)?.reply()?.map_state == MapState::VIEWABLE;
        if owner == Some(pid) && mapped {
            let message = ClientMessageEvent::new(
                32,
                window,
                protocols,
                [delete, x11rb::CURRENT_TIME, 0, 0, 0],
            );
            conn.send_event(false, window, EventMask::NO_EVENT, message)?;
            sent += 1;
        }
    }
    conn.flush()?;
    if sent == 0 {
        bail!("no window of pid {pid} on {display}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_app_recorded() {
        assert_eq!(
            parse_recorded("RECORDED played 1.5 4"),
            Some(Recorded::Played(1.5, 4.0))
        );
        assert_eq!(
            parse_recorded("RECORDED position 4.25"),
            Some(Recorded::Position(4.25))
        );
        assert_eq!(parse_recorded("RECORDED played 1.5"), None);
        assert_eq!(parse_recorded("SELFTEST watching"), None);
    }
}
