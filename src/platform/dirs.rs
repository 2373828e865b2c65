//! Where the app keeps its files on the device: the data directory (session details, viewing
//! history, kept certificates and lectures) and the cache directory (the webview's own data).
//!
//! - Desktop and iOS: `directories` (XDG on Linux, so tests can point it at a temporary place;
//!   `~/Library/Application Support` and `~/Library/Caches` inside the app's container on
//!   macOS and iOS; `%LOCALAPPDATA%` on Windows).
//! - Android: `directories` knows no Android, so the app asks its `Context` for
//!   `getFilesDir()` and `getCacheDir()` (app-specific storage: no permission, removed with the
//!   app).

use std::path::PathBuf;

/// The directory for the app's own data, or `None` where the system gives none.
pub fn data_dir() -> Option<PathBuf> {
    imp::data_dir()
}

/// The directory for what can be fetched again (the webview's cache), or `None`.
#[cfg_attr(
    not(feature = "desktop"),
    allow(dead_code, reason = "the desktop webview's data")
)]
pub fn cache_dir() -> Option<PathBuf> {
    imp::cache_dir()
}

/// The app's directories as `directories` names them (desktop and iOS).
#[cfg(not(target_os = "android"))]
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("jp", "Juko", "Juko")
}

#[cfg(not(target_os = "android"))]
mod imp {
    use std::path::PathBuf;

    pub(super) fn data_dir() -> Option<PathBuf> {
        super::project_dirs().map(|d| d.data_local_dir().to_path_buf())
    }

    pub(super) fn cache_dir() -> Option<PathBuf> {
        super::project_dirs().map(|d| d.cache_dir().to_path_buf())
    }
}

#[cfg(target_os = "android")]
mod imp {
    use jni::objects::{JObject, JString};
    use std::path::PathBuf;
    use std::sync::OnceLock;

    /// Asked once: the directories do not move while the app runs.
    static DIRS: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();

    fn dirs() -> Option<&'static (PathBuf, PathBuf)> {
        DIRS.get_or_init(|| {
            let found = robius_android_env::with_activity(|env, context| {
                Some((
                    context_dir(env, context, "getFilesDir")?,
                    context_dir(env, context, "getCacheDir")?,
                ))
            });
            found.ok().flatten()
        })
        .as_ref()
    }

    /// `context.<method>().getAbsolutePath()`; a Java exception leaves nothing pending.
    fn context_dir(
        env: &mut jni::JNIEnv<'_>,
        context: &JObject<'_>,
        method: &str,
    ) -> Option<PathBuf> {
        let path = (|| {
            let file = env
                .call_method(context, method, "()Ljava/io/File;", &[])?
                .l()?;
            let path = env
                .call_method(&file, "getAbsolutePath", "()Ljava/lang/String;", &[])?
                .l()?;
            let path: String = env.get_string(&JString::from(path))?.into();
            Ok::<_, jni::errors::Error>(PathBuf::from(path))
        })();
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
        path.ok()
    }

    pub(super) fn data_dir() -> Option<PathBuf> {
        dirs().map(|(files, _)| files.clone())
    }

    pub(super) fn cache_dir() -> Option<PathBuf> {
        dirs().map(|(_, cache)| cache.clone())
    }
}
