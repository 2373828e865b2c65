//! The desktop app testing itself, for CI and benchmarks: WebKitGTK as shipped by wry cannot be
//! driven by WebDriver, so the app drives its own page through `document::eval`.
//!
//! `JUKO_SELFTEST=1` with `JUKO_SITE_URL`, `JUKO_SELFTEST_USERNAME` and `JUKO_SELFTEST_PASSWORD`
//! signs in through the real form and waits for the course list; the app prints
//! `SELFTEST ok courses=N via=form freshness=current` (exit 0) or `SELFTEST fail: …` (exit 1). A
//! session kept from an earlier run skips the form: `via=kept` shows the session survived the
//! restart; `freshness=offline` says the course list is the kept one, the site unreachable. `JUKO_SELFTEST_LINGER_MS`
//! keeps the window up that long after success, for a screenshot.
//!
//! `JUKO_SELFTEST_WATCH=n` goes on instead of exiting: it opens the first course's lecture `n`
//! (0-based), plays it and prints `SELFTEST watching`, then keeps playing, pausing half a second
//! every one and a half (each pause is a sync trigger) unless `JUKO_SELFTEST_PAUSES=0`. Every
//! event the store took is printed as `RECORDED played FROM TO` or `RECORDED position AT`, after
//! the write, so a harness that kills the app (or closes its window) knows what was acknowledged.
//!
//! `JUKO_SELFTEST_DOWNLOAD=n` downloads the first course's lecture `n` before reporting
//! (` download=done` on the ok line); `JUKO_SELFTEST_PLAY_KEPT=n` then (the site stopped) opens
//! it, plays the kept copy, seeks to the middle and checks that time goes on from there, then
//! turns the captions on and waits for their cues (` kept=played seeked=S captions=N`).

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
                Ok((courses, via)) if watching().is_some() => {
                    println!("SELFTEST signed in courses={courses} via={via}");
                    let lecture = watching().unwrap_or_default();
                    let reason = watch(lecture).await.err().unwrap_or_default();
                    println!("SELFTEST fail: {reason}");
                    1
                }
                Ok((courses, via)) => match freshness_then_downloads().await {
                    Ok(f) => {
                        println!("SELFTEST ok courses={courses} via={via} freshness={f}");
                        linger().await;
                        0
                    }
                    Err(reason) => {
                        println!("SELFTEST fail: {reason}");
                        1
                    }
                },
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
    let courses = result.parse().map_err(|_| result)?;
    Ok((courses, via))
}

/// How current the course list is once the site answered or could not be reached: `current`,
/// or `offline` (kept courses shown while the site is unreachable), or `failed`.
async fn freshness() -> Result<String, String> {
    let js = r#"const f = document.querySelector('[data-testid=freshness]');
        return f ? f.dataset.state : "";"#;
    wait_for(js, |s: &String| {
        matches!(s.as_str(), "current" | "offline" | "failed")
    })
    .await
}

/// The freshness, then what the download scenarios add to the ok line.
async fn freshness_then_downloads() -> Result<String, String> {
    let mut line = freshness().await?;
    if let Some(n) = lecture_env("JUKO_SELFTEST_DOWNLOAD") {
        download(n).await?;
        line.push_str(" download=done");
    }
    if let Some(n) = lecture_env("JUKO_SELFTEST_PLAY_KEPT") {
        let seeked = play_kept(n).await?;
        let cues = show_captions().await?;
        line.push_str(&format!(" kept=played seeked={seeked:.1} captions={cues}"));
    }
    Ok(line)
}

fn lecture_env(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

fn click(selector: &str, index: usize) -> String {
    format!(
        r#"const all = document.querySelectorAll('{selector}');
        if (all.length <= {index}) return false;
        all[{index}].click(); return true;"#
    )
}

/// Opens lecture `n` of the first course, downloads it and waits for it to be kept.
async fn download(n: usize) -> Result<(), String> {
    wait_for_true(&click("[data-testid=course-card]", 0)).await?;
    wait_for_true(&click("[data-testid=lecture-link]", n)).await?;
    wait_for_true(&click("[data-testid=download]", 0)).await?;
    let state = r#"const c = document.querySelector('[data-testid=download-control]');
        return c ? (c.dataset.state || "") : "";"#;
    let done = wait_for(state, |s: &String| s == "done" || s == "failed").await?;
    if done != "done" {
        return Err("the download failed".to_owned());
    }
    Ok(())
}

/// Opens lecture `n` of the first course, plays its kept copy, seeks to the middle and waits
/// for time to go on from there; returns where it seeked to.
async fn play_kept(n: usize) -> Result<f64, String> {
    wait_for_true(&click("[data-testid=course-card]", 0)).await?;
    wait_for_true(&click("[data-testid=lecture-link]", n)).await?;
    let play = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        if (!v || v.dataset.source !== "kept" || !(v.duration > 0)) return false;
        v.muted = true; v.play().catch(() => {}); return !v.paused;"#;
    if let Err(e) = wait_for_true(play).await {
        return Err(format!("{e}; the video: {}", describe_video().await));
    }
    let seek = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        const to = v.duration / 2; v.currentTime = to; return to;"#;
    let to: f64 = document::eval(seek)
        .join()
        .await
        .map_err(|e| format!("eval: {e}"))?;
    let went_on = format!(
        r#"const v = document.querySelector('video[data-testid=lecture-video]');
        if (v.paused) v.play().catch(() => {{}});
        return v.currentTime > {to} + 0.5;"#
    );
    wait_for_true(&went_on).await?;
    Ok(to)
}

/// Turns the captions on and waits for the shown track's cues: offline, those kept with the
/// download. Returns how many cues it holds.
async fn show_captions() -> Result<usize, String> {
    wait_for_true(&click("[data-testid=captions-toggle]", 0)).await?;
    let cues = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        const t = v && [...v.textTracks].find((t) => t.mode === 'showing');
        return t && t.cues ? t.cues.length : 0;"#;
    wait_for(cues, |n: &usize| *n > 0).await
}

/// What the page says about the lecture's video and its source (a failed kept playback).
async fn describe_video() -> String {
    let js = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        if (!v) return "no video element";
        return `source=${v.dataset.source} src=${v.src} readyState=${v.readyState} networkState=${v.networkState} error=${v.error && v.error.code}:${v.error && v.error.message} duration=${v.duration}`;"#;
    document::eval(js)
        .join::<String>()
        .await
        .unwrap_or_else(|e| format!("eval: {e}"))
}

/// The lecture to watch, when the harness asked for the watch scenario.
fn watching() -> Option<usize> {
    std::env::var("JUKO_SELFTEST_WATCH").ok()?.parse().ok()
}

/// Prints an event the store has taken (see the module's comment).
pub fn acknowledged(event: &juko_model::ProgressEvent) {
    use juko_model::ProgressKind;
    if std::env::var_os("JUKO_SELFTEST").is_none() {
        return;
    }
    match event.kind {
        ProgressKind::Played(i) => println!("RECORDED played {} {}", i.from, i.to),
        ProgressKind::Position(p) => println!("RECORDED position {p}"),
    }
}

/// Opens lecture `n` of the first course and plays it until the process is killed or closed;
/// returns only on failure.
async fn watch(n: usize) -> Result<(), String> {
    wait_for_true(&click("[data-testid=course-card]", 0)).await?;
    wait_for_true(&click("[data-testid=lecture-link]", n)).await?;
    // Muted, so no autoplay policy stands in the way; resumed first, as a learner would be.
    let play = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        if (!v || v.dataset.resumed !== "1") return false;
        v.muted = true; v.play().catch(() => {}); return !v.paused;"#;
    wait_for_true(play).await?;
    let playing = r#"const v = document.querySelector('video[data-testid=lecture-video]');
        return v.currentTime > 0 && !v.paused;"#;
    wait_for_true(playing).await?;
    println!("SELFTEST watching");
    let pauses = std::env::var("JUKO_SELFTEST_PAUSES").map_or(true, |v| v != "0");
    let set = |method: &str| {
        format!(
            "const v = document.querySelector('video[data-testid=lecture-video]'); \
             if (v) {{ v.{method}(); }} return true;"
        )
    };
    loop {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if pauses {
            document::eval(&set("pause"))
                .join::<bool>()
                .await
                .map_err(|e| e.to_string())?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            wait_for_true(play).await?;
        }
    }
}

/// Evaluates `js` until it returns true.
async fn wait_for_true(js: &str) -> Result<(), String> {
    wait_for(js, |v: &bool| *v).await.map(|_| ())
}

/// Evaluates `js` until `done` accepts its value, or gives up after [`TIMEOUT`].
async fn wait_for<T: serde::de::DeserializeOwned>(
    js: &str,
    done: impl Fn(&T) -> bool,
) -> Result<T, String> {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        if let Ok(value) = document::eval(js).join::<T>().await
            && done(&value)
        {
            return Ok(value);
        }
        if std::time::Instant::now() > deadline {
            let page = document::eval(
                "return location.pathname + ' | ' + document.body.innerText.slice(0, 400).replace(/\\s+/g, ' ');",
            )
            .join::<String>()
            .await
            .unwrap_or_default();
            return Err(format!("timed out waiting for: {js} (page: {page})"));
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
