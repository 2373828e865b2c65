//! `cargo xtask bench`: measures and writes BENCHMARKS.md. Measurements live here only; no test
//! asserts a time. Everything that is timed is a release build (the web bundle always is).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::server::{self, DemoServer};
use crate::util::{self, median, note, output, step};
use crate::{desktop, install, web};

/// Browser runs (each with a fresh profile) and desktop starts measured.
const RUNS: usize = 7;
const DESKTOP_RUNS: usize = 5;

pub(crate) fn run() -> Result<()> {
    let mut md = String::new();
    let web = web::build()?;
    let server_bin = server::build(true)?;
    let app = desktop::build(true)?;

    writeln!(md, "# Benchmarks\n")?;
    writeln!(
        md,
        "Written by `cargo xtask bench`; numbers from one run on the machine below.\n"
    )?;
    machine(&mut md)?;

    // 1. Bundle.
    let dist = web::dist_dir();
    let html = web::size(&dist.join("index.html"))?;
    let html_br = web::size(&dist.join("index.html.br"))?;
    writeln!(md, "## Web bundle\n")?;
    writeln!(
        md,
        "Built with {} (`wasm-release` profile, wasm-bindgen, wasm-opt -Oz); brotli -q 11 as served.\n",
        web.route.describe()
    )?;
    writeln!(md, "| file | raw | brotli |\n|---|---:|---:|")?;
    writeln!(
        md,
        "| juko_bg.wasm | {} | {} |",
        kb(web.wasm_raw),
        kb(web.wasm_br)
    )?;
    writeln!(md, "| juko.js | {} | {} |", kb(web.js_raw), kb(web.js_br))?;
    writeln!(md, "| index.html | {} | {} |", kb(html), kb(html_br))?;
    writeln!(
        md,
        "| **first load total** | **{}** | **{}** |\n",
        kb(web.wasm_raw + web.js_raw + html),
        kb(web.wasm_br + web.js_br + html_br)
    )?;
    writeln!(
        md,
        "wasm32 `cargo build` of this run: {:.0} s (incremental when the tree was built before).\n",
        web.cargo_secs
    )?;

    // 2. Browser timing + 4. server throughput, against one release server.
    let srv = server::start_throwaway(&server_bin, "bench", true)?;
    let browser = browser_timing(&srv);
    let load = load_test(&srv);
    srv.stop();
    let browser = browser?;
    writeln!(md, "## Web app in headless Chromium (loopback)\n")?;
    writeln!(
        md,
        "Release demo server on 127.0.0.1, desktop viewport 1280×800, {RUNS} runs each with a fresh profile (empty HTTP cache, no session); median (min–max). Times are `performance.now()` in the page (origin: navigation start) when the element first appears.\n"
    )?;
    writeln!(
        md,
        "| measure | median | min–max | n |\n|---|---:|---:|---:|"
    )?;
    for (label, key) in [
        (
            "cold first visit: navigation → sign-in form",
            "signInFormColdMs",
        ),
        (
            "cold sign-in: click on sign-in → course list",
            "signInToCoursesMs",
        ),
        (
            "signed in: reload → course list (HTTP cache warm)",
            "reloadToCoursesMs",
        ),
    ] {
        let v = nums(&browser, key);
        writeln!(
            md,
            "| {label} | {:.0} ms | {:.0}–{:.0} ms | {} |",
            median(v.clone()),
            min(&v),
            max(&v),
            v.len()
        )?;
    }
    writeln!(md)?;

    // 3. Desktop.
    desktop_section(&mut md, &app, &server_bin)?;

    // 4. Throughput.
    writeln!(
        md,
        "## Demo server throughput: `core_course_get_contents`\n"
    )?;
    match load {
        Ok(l) => writeln!(md, "{l}")?,
        Err(e) => writeln!(md, "Not measured: {e:#}\n")?,
    }

    let file = util::root().join("BENCHMARKS.md");
    std::fs::write(&file, md)?;
    step(&format!("wrote {}", file.display()));
    print!("{}", std::fs::read_to_string(&file)?);
    Ok(())
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn nums(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Date, machine and commit: numbers mean little without them.
fn machine(md: &mut String) -> Result<()> {
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))?;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    let git = |args: &[&str]| {
        output(Command::new("git").args(args).current_dir(util::root())).unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    let dirty = if git(&["status", "--porcelain", "--untracked-files=no"])
        .trim()
        .is_empty()
    {
        ""
    } else {
        " (with uncommitted changes)"
    };
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_default();
    let chromium = output(Command::new("chromium").arg("--version")).unwrap_or_default();
    writeln!(md, "- date: {}", date.trim())?;
    writeln!(
        md,
        "- machine: {nproc} × {cpu}, {:.0} GiB RAM, {os}",
        mem as f64 / 1024.0 / 1024.0
    )?;
    writeln!(md, "- commit: {}{dirty}", commit.trim())?;
    writeln!(md, "- browser: {}", chromium.trim())?;
    writeln!(
        md,
        "- load generator and server share the same cores (loopback).\n"
    )?;
    Ok(())
}

/// tests/browser/bench.mjs: one JSON result line.
fn browser_timing(srv: &DemoServer) -> Result<Value> {
    let chromium = install::chromium()?;
    let dir = install::playwright()?;
    step(&format!("browser timing ({RUNS} fresh-profile runs)"));
    let mut cmd = Command::new("node");
    cmd.arg("bench.mjs")
        .current_dir(&dir)
        .env("JUKO_URL", &srv.url)
        .env("JUKO_CHROMIUM", &chromium)
        .env("JUKO_ARTIFACTS", util::artifacts_dir())
        .env("JUKO_USERNAME", server::DEMO_USER)
        .env("JUKO_PASSWORD", server::DEMO_PASSWORD)
        .env("JUKO_BENCH_RUNS", RUNS.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    println!("$ {}", util::describe(&cmd));
    let out = cmd.output().context("start node")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("bench.mjs failed ({}): {text}", out.status);
    }
    let json = text
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_RESULT "))
        .context("bench.mjs printed no BENCH_RESULT")?;
    Ok(serde_json::from_str(json)?)
}

/// First frame over several cold starts (each with fresh XDG dirs: no WebKit cache, no session) and
/// memory of the app and its WebKit processes while it shows the course list.
fn desktop_section(md: &mut String, app: &Path, server_bin: &Path) -> Result<()> {
    step(&format!(
        "desktop: first frame and memory ({DESKTOP_RUNS} runs + 1 warm-up)"
    ));
    let x = desktop::start_xvfb()?;
    let srv = server::start_throwaway(server_bin, "bench-desktop", false)?;
    let mut first_frame = Vec::new();
    let mut mem: Vec<Vec<(u32, String, u64, u64)>> = Vec::new();
    let mut errors = Vec::new();
    for i in 0..=DESKTOP_RUNS {
        let mut sample = Vec::new();
        let r = desktop::self_test(app, &x.display, &srv.url, "bench-desktop", |pid, ok| {
            if ok {
                // Let the course list settle (images, layout) within the app's linger time.
                std::thread::sleep(Duration::from_millis(1500));
                for p in std::iter::once(pid).chain(util::descendants(pid)) {
                    if let Some((comm, rss, pss)) = desktop::memory_kib(p) {
                        sample.push((p, comm, rss, pss));
                    }
                }
            }
        });
        match r {
            Ok(r) => {
                if i > 0 {
                    if let Some(ff) = r.first_frame_epoch_ms {
                        first_frame.push(ff.saturating_sub(r.spawned_epoch_ms) as f64);
                    }
                    if !sample.is_empty() {
                        mem.push(sample);
                    }
                }
                if r.ok_line.is_none() {
                    errors.push(r.fail_line.unwrap_or_else(|| "no SELFTEST line".into()));
                }
            }
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    srv.stop();
    drop(x);

    writeln!(md, "## Desktop app (release build, Xvfb 1280×800)\n")?;
    if first_frame.is_empty() {
        writeln!(
            md,
            "First frame: not measured (the app printed no `FIRST_FRAME` line).\n"
        )?;
    } else {
        writeln!(
            md,
            "- process start → first frame (`FIRST_FRAME`): median {:.0} ms, {:.0}–{:.0} ms over {} cold starts (fresh XDG dirs each), after one warm-up start.",
            median(first_frame.clone()),
            min(&first_frame),
            max(&first_frame),
            first_frame.len()
        )?;
    }
    if let Some(last) = mem.last() {
        let totals: Vec<(f64, f64)> = mem
            .iter()
            .map(|s| {
                (
                    s.iter().map(|p| p.2).sum::<u64>() as f64 / 1024.0,
                    s.iter().map(|p| p.3).sum::<u64>() as f64 / 1024.0,
                )
            })
            .collect();
        writeln!(
            md,
            "- memory, signed in on the course list (1.5 s after `SELFTEST ok`): total RSS median {:.0} MiB, total PSS median {:.0} MiB over {} runs. Last run:\n",
            median(totals.iter().map(|t| t.0).collect()),
            median(totals.iter().map(|t| t.1).collect()),
            totals.len()
        )?;
        writeln!(md, "| process | RSS | PSS |\n|---|---:|---:|")?;
        for (_, comm, rss, pss) in last {
            writeln!(md, "| {comm} | {} MiB | {} MiB |", rss / 1024, pss / 1024)?;
        }
        writeln!(md)?;
    } else {
        writeln!(
            md,
            "- memory: not measured (the self-test never reached the course list).\n"
        )?;
    }
    if !errors.is_empty() {
        writeln!(md, "Runs with problems: {}\n", errors.join("; "))?;
    }
    Ok(())
}

/// Requests/s for `core_course_get_contents` with wrk (Debian), after checking that the request
/// really answers course contents (Moodle errors are HTTP 200, wrk would count them as success).
fn load_test(srv: &DemoServer) -> Result<String> {
    install::apt(&["wrk"])?;
    step("load: core_course_get_contents with wrk");
    let addr = server::socket_addr(&srv.url)?;
    let token_json: Value = serde_json::from_str(&http_post(
        addr,
        "/login/token.php",
        &format!(
            "username={}&password={}&service=moodle_mobile_app",
            server::DEMO_USER,
            server::DEMO_PASSWORD
        ),
    )?)
    .context("token.php answer")?;
    let token = token_json["token"]
        .as_str()
        .with_context(|| format!("no token: {token_json}"))?
        .to_string();
    let ws = |function: &str, params: &str| -> Result<Value> {
        let body = format!("wstoken={token}&moodlewsrestformat=json&wsfunction={function}{params}");
        let text = http_post(addr, "/webservice/rest/server.php", &body)?;
        let v: Value =
            serde_json::from_str(&text).with_context(|| format!("{function}: {text}"))?;
        if v.get("exception").is_some() {
            bail!("{function}: {v}");
        }
        Ok(v)
    };
    let userid = ws("core_webservice_get_site_info", "")?["userid"]
        .as_i64()
        .context("site info without userid")?;
    let courses = ws("core_enrol_get_users_courses", &format!("&userid={userid}"))?;
    let courseid = courses[0]["id"].as_i64().context("learner has no course")?;
    let params = format!("&courseid={courseid}");
    let contents = ws("core_course_get_contents", &params)?;
    let sections = contents.as_array().map_or(0, Vec::len);
    let body = format!(
        "wstoken={token}&moodlewsrestformat=json&wsfunction=core_course_get_contents{params}"
    );
    let lua = util::work_dir().join("wrk-post.lua");
    std::fs::create_dir_all(util::work_dir())?;
    std::fs::write(
        &lua,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
        ),
    )?;
    let url = format!("{}/webservice/rest/server.php", srv.url);
    let wrk = |secs: &str| {
        output(
            Command::new("wrk")
                .args(["-t2", "-c16", "-d", secs, "--latency", "-s"])
                .arg(&lua)
                .arg(&url),
        )
    };
    wrk("1s")?; // warm-up: connections, SQLite page cache
    let out = wrk("5s")?;
    println!("{out}");
    let rps = out
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .map(str::trim)
        .context("wrk printed no Requests/sec")?
        .to_string();
    let lat = |p: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(p))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    let non2xx = out
        .lines()
        .find(|l| l.contains("Non-2xx"))
        .map(|l| format!(" {}.", l.trim()))
        .unwrap_or_default();
    note(&format!("{rps} requests/s"));
    Ok(format!(
        "Release server, `:memory:` database, course {courseid} ({sections} sections, {} bytes of JSON), \
         token of {}. wrk 2 threads, 16 connections, 5 s after a 1 s warm-up, POST form body as the app sends it.\n\n\
         | requests/s | latency p50 | p90 | p99 |\n|---:|---:|---:|---:|\n| {rps} | {} | {} | {} |\n{non2xx}",
        contents.to_string().len(),
        server::DEMO_USER,
        lat("50%"),
        lat("90%"),
        lat("99%"),
    ))
}

/// A one-shot HTTP/1.0 POST (no chunked encoding, the server closes the connection) for the few
/// setup calls of the load test; keeps xtask free of an HTTP client stack.
fn http_post(addr: std::net::SocketAddr, path: &str, body: &str) -> Result<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let (head, body) = resp
        .split_once("\r\n\r\n")
        .context("malformed HTTP response")?;
    let code = head.split_whitespace().nth(1);
    if !head.starts_with("HTTP/1.") || code != Some("200") {
        bail!("POST {path}: {}", head.lines().next().unwrap_or_default());
    }
    Ok(body.to_string())
}
