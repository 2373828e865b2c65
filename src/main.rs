//! Juko (受講): the learner app for ICRweb and any Moodle site — web, desktop and mobile from
//! this one crate.
//!
//! Architecture invariant: this crate is UI only. It holds no SQL, no HTTP and no Moodle wire
//! format; it calls `juko-core` with `juko-model` types. Platform differences live in `platform`.

// A binary crate: `pub` here marks what modules offer each other, not an external API.
#![allow(unreachable_pub)]

mod account;
mod announce;
mod components;
mod format;
mod i18n;
mod kept;
mod news;
mod platform;
mod route;
mod services;
mod state;
mod text;
mod views;

use dioxus::prelude::*;
use route::Route;

/// The stylesheet, inlined: `asset!()` only resolves under the Dioxus CLI, and the app must
/// also build with cargo alone (see ../shared/TOOLCHAIN.md).
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/main.css"));

fn main() {
    #[cfg(all(feature = "desktop", not(feature = "web"), target_os = "linux"))]
    platform::webview_desktop::prepare_webkit();
    #[cfg(all(feature = "desktop", not(feature = "web")))]
    {
        let config = dioxus::desktop::Config::new().with_menu(None).with_window(
            dioxus::desktop::WindowBuilder::new()
                .with_title("Juko 受講")
                .with_inner_size(dioxus::desktop::LogicalSize::new(1100.0, 760.0))
                .with_min_inner_size(dioxus::desktop::LogicalSize::new(360.0, 560.0)),
        );
        let config = match platform::dirs::cache_dir() {
            // Keep WebKit's own data (cache, storage) beside the app's, not in the working dir.
            Some(cache) => config.with_data_directory(cache.join("webview")),
            None => config,
        };
        dioxus::LaunchBuilder::desktop()
            .with_cfg(config)
            .launch(App);
    }
    #[cfg(feature = "web")]
    std::panic::set_hook(Box::new(|info| {
        // The release build aborts on panic with only "unreachable" in the console: say why
        // (the message only: the bundle is built without panic locations, see xtask's web.rs).
        web_sys::console::error_1(&format!("juko panicked: {info}").into());
    }));
    #[cfg(not(all(feature = "desktop", not(feature = "web"))))]
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    state::provide_app_state();
    announce::provide_announcer();
    services::sync::provide_sync_service();
    services::downloads::provide_downloads_service();
    account::use_signed_out_elsewhere();
    use_hook(|| spawn(account::erase_leftover_certificates()));
    use_hook(|| spawn(account::erase_leftover_downloads()));
    // The site's description, brought up to date at start and whenever the network returns.
    let reconnected = use_context::<state::Reconnected>().0;
    let _refreshing = use_resource(move || async move {
        let _ = reconnected();
        account::refresh_site_info().await;
    });
    #[cfg(all(feature = "desktop", not(feature = "web")))]
    {
        services::sync::use_sync_on_close();
        platform::selftest::use_selftest();
    }
    let lang = state::use_lang();
    let appearance = use_context::<state::CurrentAppearance>().0;
    rsx! {
        document::Title { "Juko 受講" }
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1, viewport-fit=cover" }
        style { {STYLE} }
        div { class: "app-root", lang: lang.tag(), "data-theme": appearance().tag(), onmounted: move |_| first_frame(),
            Router::<Route> {}
            announce::LiveRegion {}
        }
    }
}

/// Reports the first frame on desktop (the benchmark reads the line); nothing elsewhere.
fn first_frame() {
    #[cfg(all(feature = "desktop", not(feature = "web")))]
    platform::selftest::report_first_frame();
}
