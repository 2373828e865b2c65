//! The desktop webview's start-up settings on Linux (WebKitGTK), chosen before WebKit starts.
//!
//! Without a GPU (no DRM render node: virtual machines, remote and headless sessions, Xvfb),
//! WebKit still composites the page with OpenGL, on Mesa's software rasterizer: every shader the
//! first screen needs is compiled on the CPU before it shows (and again on every first launch, as
//! Mesa's shader cache starts empty). Measured under Xvfb (`cargo xtask bench desktop`, medians of
//! 5): a first launch's first frame 4.3 s that way against 0.9 s with WebKit painting the page
//! itself, and the web process 216 MiB (PSS) against 117 MiB. So, without a GPU, WebKit's compositing mode is turned off; with one,
//! WebKit's default stays. A learner (or a test) who sets `WEBKIT_DISABLE_COMPOSITING_MODE` decides.

use std::path::Path;

/// WebKitGTK's switch: when set, WebKit paints the page itself, without OpenGL compositing.
#[cfg(feature = "desktop")]
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Call first thing in `main`, before any thread exists (the environment is process-wide).
#[cfg(feature = "desktop")]
pub fn prepare_webkit() {
    if !has_gpu_render_node(Path::new("/dev/dri")) {
        // g_setenv, as GTK programs do; `overwrite: false` keeps the learner's own setting.
        // Sound here: nothing else runs yet (which is why std's set_var is unsafe elsewhere).
        let _ = webkit2gtk::glib::setenv(DISABLE_COMPOSITING, "1", false);
    }
}

/// Whether `dri` (normally /dev/dri) holds a DRM render node (`renderD128`, …): a GPU that OpenGL
/// can draw with.
fn has_gpu_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_render_node_counts_as_a_gpu() {
        let dir = std::env::temp_dir().join(format!("juko-dri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!has_gpu_render_node(&dir), "no /dev/dri at all");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("card0"), "").unwrap();
        assert!(!has_gpu_render_node(&dir), "a display card alone");
        std::fs::write(dir.join("renderD128"), "").unwrap();
        assert!(has_gpu_render_node(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
