//! The yardstick for the desktop app's first frame and memory (`cargo xtask bench`): the smallest
//! Dioxus desktop app built with the same dioxus features and window configuration as Juko, showing
//! a hello page. Whatever Juko costs beyond this is Juko's own; what this costs is Dioxus's and
//! WebKit's.
//!
//! It prints `FIRST_FRAME epoch_ms=…` exactly as the app does (the animation frame after the root
//! mounted). With `JUKO_SELFTEST` set it then prints `SELFTEST ok hello`, stays up for
//! `JUKO_SELFTEST_LINGER_MS` (the benchmark reads its memory meanwhile) and exits, so the
//! harness drives it like the app.

// A binary: `pub` marks nothing here.
#![allow(unreachable_pub)]

use dioxus::prelude::*;
use std::time::Duration;

fn main() {
    // Juko's window, menu and webview data directory (src/main.rs).
    let config = dioxus::desktop::Config::new().with_menu(None).with_window(
        dioxus::desktop::WindowBuilder::new()
            .with_title("Hello")
            .with_inner_size(dioxus::desktop::LogicalSize::new(1100.0, 760.0))
            .with_min_inner_size(dioxus::desktop::LogicalSize::new(360.0, 560.0)),
    );
    let config = match directories::ProjectDirs::from("jp", "Juko", "JukoHello") {
        Some(dirs) => config.with_data_directory(dirs.cache_dir().join("webview")),
        None => config,
    };
    dioxus::LaunchBuilder::desktop()
        .with_cfg(config)
        .launch(App);
}

#[component]
fn App() -> Element {
    rsx! {
        div { onmounted: move |_| first_frame(), h1 { "Hello" } }
    }
}

/// As `platform::selftest::report_first_frame`, then the self-test's ending.
fn first_frame() {
    spawn(async {
        let js = "await new Promise(r => requestAnimationFrame(() => r())); return Date.now();";
        if let Ok(ms) = document::eval(js).join::<f64>().await {
            println!("FIRST_FRAME epoch_ms={}", ms as u64);
        }
        if std::env::var_os("JUKO_SELFTEST").is_none() {
            return;
        }
        println!("SELFTEST ok hello");
        let linger = std::env::var("JUKO_SELFTEST_LINGER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(linger)).await;
        std::process::exit(0);
    });
}
