//! The desktop app testing itself, for CI and benchmarks: WebKitGTK as shipped by wry cannot be
//! driven by WebDriver, so the app drives its own page through `document::eval`.
//!
//! `JUKO_SELFTEST=1` with `JUKO_SITE_URL`, `JUKO_SELFTEST_USERNAME` and `JUKO_SELFTEST_PASSWORD`
//! signs in through the real form and waits for the course list; the app prints
//! `SELFTEST ok courses=N via=form` (exit 0) or `SELFTEST fail: …` (exit 1). A session kept from
//! an earlier run skips the form: `via=kept` shows the session survived the restart. `JUKO_SELFTEST_LINGER_MS`
//! keeps the window up that long after success, for a screenshot.

use dioxus::prelude::*;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(100);
const TIMEOUT: Duration = Duration::from_secs(60);

/// Starts the self-test when the environment asks for it.
pub fn use_selftest() {
    use_hook(|| {
        if std::env::var_os("JUKO_SELFTEST").is_none() {
            return;
        }
        spawn(async {
            let code = match run().await {
                Ok((courses, via)) => {
                    println!("SELFTEST ok courses={courses} via={via}");
                    linger().await;
                    0
                }
                Err(reason) => {
                    println!("SELFTEST fail: {reason}");
                    1
                }
            };
            std::process::exit(code);
        });
    });
}

/// Prints when the first frame is on screen: the next animation frame after the root mounted.
pub fn report_first_frame() {
    spawn(async {
        let js = "await new Promise(r => requestAnimationFrame(() => r())); return Date.now();";
        if let Ok(ms) = document::eval(js).join::<f64>().await {
            println!("FIRST_FRAME epoch_ms={}", ms as u64);
        }
    });
}

async fn run() -> Result<(usize, &'static str), String> {
    let var = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));

    // A kept session skips the form; otherwise fill it in as a learner would.
    let start = r#"return document.querySelector('#username') ? "form"
        : (document.querySelectorAll('[data-testid=course-card]').length ? "courses" : "");"#;
    let screen = wait_for(start, |s: &String| !s.is_empty()).await?;
    let via = if screen == "form" { "form" } else { "kept" };
    if screen == "form" {
        let (username, password) = (
            var("JUKO_SELFTEST_USERNAME")?,
            var("JUKO_SELFTEST_PASSWORD")?,
        );
        let fill = format!(
            r#"const set = (id, v) => {{ const el = document.getElementById(id);
                el.value = v; el.dispatchEvent(new Event('input', {{ bubbles: true }})); }};
            set('username', {u}); set('password', {p});
            await new Promise(r => setTimeout(r, 50));
            document.getElementById('sign-in').click(); return true;"#,
            u = js_string(&username),
            p = js_string(&password),
        );
        document::eval(&fill)
            .join::<bool>()
            .await
            .map_err(|e| format!("eval: {e}"))?;
    }
    let outcome = r#"const err = document.querySelector('[data-testid=sign-in-error]');
        if (err) return "error: " + err.textContent;
        const n = document.querySelectorAll('[data-testid=course-card]').length;
        return n ? String(n) : "";"#;
    let result = wait_for(outcome, |s: &String| !s.is_empty()).await?;
    result.parse().map(|n| (n, via)).map_err(|_| result)
}

/// Evaluates `js` until `done` accepts its value, or gives up after [`TIMEOUT`].
async fn wait_for(js: &str, done: impl Fn(&String) -> bool) -> Result<String, String> {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        if let Ok(value) = document::eval(js).join::<String>().await
            && done(&value)
        {
            return Ok(value);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("timed out waiting for: {js}"));
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn linger() {
    let ms = std::env::var("JUKO_SELFTEST_LINGER_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    if let Some(ms) = ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// A JavaScript string literal for `s` (JSON strings are valid JavaScript).
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}
