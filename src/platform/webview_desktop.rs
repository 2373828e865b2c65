//! The desktop webview's start-up settings on Linux (WebKitGTK), chosen before WebKit starts.
//!
//! Without a GPU (no DRM render node: virtual machines, remote and headless sessions, Xvfb),
//! WebKit still composites the page with OpenGL, on Mesa's software rasterizer: every shader the
//! first screen needs is compiled on the CPU before it shows (and again on every first launch, as
//! Mesa's shader cache starts empty). Measured under Xvfb (`cargo xtask bench desktop`, medians of
//! 5): a first launch's first frame 4.3 s that way against 0.9 s with WebKit painting the page
//! itself, and the web process 216 MiB (PSS) against 117 MiB. So, without a GPU, WebKit's compositing mode is turned off; with one,
//! WebKit's default stays.
//!
//! JavaScriptCore's JIT compilers are off everywhere. The page's JavaScript is Dioxus's small
//! interpreter applying the app's edits and a few short scripts (video is GStreamer's, not
//! script's), which the interpreter tier runs fast enough: started in turn with and without the
//! JIT, the first frame was the same (medians within 3 %, both launches) while the JITs cost 8–10
//! MiB of PSS (their code and the machine code they write; `cargo xtask bench desktop-mappings
//! --juko-env JSC_useJIT=1`), a third of what Juko held beyond a hello app. And no
//! writable-executable memory is one less way in for hostile page content.
//!
//! A learner (or a test) who sets one of these variables decides.

use std::path::Path;

/// WebKitGTK's switch: when set, WebKit paints the page itself, without OpenGL compositing.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// JavaScriptCore's option (read from the environment by WebKit's web process, which inherits
/// ours): `0` runs scripts in the interpreter tier only.
const JIT: &str = "JSC_useJIT";

/// Call first thing in `main`, before any thread exists (the environment is process-wide).
#[cfg(feature = "desktop")]
pub fn prepare_webkit() {
    for (name, value) in webkit_env(has_gpu_render_node(Path::new("/dev/dri"))) {
        // g_setenv, as GTK programs do; `overwrite: false` keeps the learner's own setting.
        // Sound here: nothing else runs yet (which is why std's set_var is unsafe elsewhere).
        let _ = webkit2gtk::glib::setenv(name, value, false);
    }
}

/// The environment WebKit starts with, by whether the machine has a GPU.
fn webkit_env(gpu: bool) -> Vec<(&'static str, &'static str)> {
    let mut env = vec![(JIT, "0")];
    if !gpu {
        env.push((DISABLE_COMPOSITING, "1"));
    }
    env
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

    #[test]
    fn the_jit_is_off_everywhere_and_compositing_only_without_a_gpu() {
        assert_eq!(
            webkit_env(false),
            [(JIT, "0"), (DISABLE_COMPOSITING, "1")],
            "no GPU"
        );
        assert_eq!(webkit_env(true), [(JIT, "0")], "a GPU");
    }
}
