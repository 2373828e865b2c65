//! Lecture videos: real H.264/AAC MP4 clips made by ffmpeg, stored content-addressed like
//! Moodle's `filedir` (`filedir/ab/cd/abcd…` by SHA-1, Moodle's contenthash).
//!
//! A clip is generated once per recipe (its duration and encoding settings) and found again on
//! later starts through `recipes/<recipe>`, a one-line file holding its contenthash. Files are
//! written to a temporary name and renamed into place, so concurrent servers sharing a media
//! directory (parallel tests) never see half-written clips.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use sha1::{Digest, Sha1};
use tokio::process::Command;
use tokio::sync::{Mutex, Semaphore};

/// Bump when the ffmpeg settings change, so old clips are not reused under new recipes.
const RECIPE_VERSION: u32 = 1;

/// A generated clip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clip {
    pub(crate) recipe: String,
    pub(crate) seconds: u32,
    pub(crate) contenthash: String,
    pub(crate) filesize: i64,
}

/// Where stored files live on disk.
#[derive(Debug, Clone)]
pub(crate) struct MediaStore {
    dir: PathBuf,
}

impl MediaStore {
    pub(crate) fn new(dir: PathBuf) -> MediaStore {
        MediaStore { dir }
    }

    /// The path of a stored file: `filedir/<2>/<2>/<hash>`, as Moodle lays it out.
    pub(crate) fn path_of(&self, contenthash: &str) -> PathBuf {
        let (a, b) = (
            contenthash.get(0..2).unwrap_or("00"),
            contenthash.get(2..4).unwrap_or("00"),
        );
        self.dir.join("filedir").join(a).join(b).join(contenthash)
    }

    fn recipe_path(&self, recipe: &str) -> PathBuf {
        self.dir.join("recipes").join(recipe)
    }

    fn tmp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    /// Makes sure a clip of each duration exists, generating the missing ones with ffmpeg
    /// (as many at a time as there are cores). Returns the clips by duration.
    pub(crate) async fn prepare_clips(
        &self,
        seconds: &BTreeSet<u32>,
    ) -> anyhow::Result<HashMap<u32, Clip>> {
        // One preparation at a time per process: parallel tests share a media directory and
        // would otherwise all generate the same missing clip at once.
        static PREPARING: Mutex<()> = Mutex::const_new(());
        let _one_at_a_time = PREPARING.lock().await;

        let mut clips = HashMap::new();
        let mut missing = Vec::new();
        for &secs in seconds {
            match self.cached_clip(secs)? {
                Some(clip) => {
                    clips.insert(secs, clip);
                }
                None => missing.push(secs),
            }
        }
        if missing.is_empty() {
            return Ok(clips);
        }
        ensure_ffmpeg().await?;
        tracing::info!(count = missing.len(), dir = %self.dir.display(), "generating demo lecture clips with ffmpeg");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let permits = Arc::new(Semaphore::new(cores));
        let mut tasks = tokio::task::JoinSet::new();
        for secs in missing {
            let (store, permits) = (self.clone(), Arc::clone(&permits));
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await?;
                store.generate_clip(secs).await
            });
        }
        while let Some(done) = tasks.join_next().await {
            let clip = done??;
            clips.insert(clip.seconds, clip);
        }
        Ok(clips)
    }

    /// A clip generated on an earlier run, if its recipe file and its bytes are both there.
    fn cached_clip(&self, seconds: u32) -> anyhow::Result<Option<Clip>> {
        let recipe = recipe_name(seconds);
        let Ok(hash) = std::fs::read_to_string(self.recipe_path(&recipe)) else {
            return Ok(None);
        };
        let hash = hash.trim().to_owned();
        if !is_sha1_hex(&hash) {
            return Ok(None);
        }
        match std::fs::metadata(self.path_of(&hash)) {
            Ok(meta) if meta.len() > 0 => Ok(Some(Clip {
                recipe,
                seconds,
                contenthash: hash,
                filesize: meta.len() as i64,
            })),
            _ => Ok(None),
        }
    }

    async fn generate_clip(&self, seconds: u32) -> anyhow::Result<Clip> {
        let recipe = recipe_name(seconds);
        std::fs::create_dir_all(self.tmp_dir())?;
        let tmp = self.tmp_dir().join(format!(
            "{recipe}.{}.{:08x}.mp4",
            std::process::id(),
            rand::random::<u32>()
        ));
        let output = Command::new("ffmpeg")
            .args(ffmpeg_args(seconds))
            .arg(&tmp)
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .context("running ffmpeg")?;
        if !output.status.success() {
            let _ = std::fs::remove_file(&tmp);
            anyhow::bail!(
                "ffmpeg failed to make the {seconds}-second clip: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let (store, tmp_path) = (self.clone(), tmp.clone());
        let clip = tokio::task::spawn_blocking(move || store.file_clip(&tmp_path, recipe, seconds))
            .await??;
        Ok(clip)
    }

    /// Hashes a finished clip and moves it to its content address, then records the recipe.
    fn file_clip(&self, tmp: &Path, recipe: String, seconds: u32) -> anyhow::Result<Clip> {
        let (contenthash, filesize) = sha1_of_file(tmp)?;
        let target = self.path_of(&contenthash);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(tmp, &target)?;
        let recipe_file = self.recipe_path(&recipe);
        if let Some(parent) = recipe_file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let recipe_tmp = tmp.with_extension("recipe");
        std::fs::write(&recipe_tmp, format!("{contenthash}\n"))?;
        std::fs::rename(&recipe_tmp, &recipe_file)?;
        Ok(Clip {
            recipe,
            seconds,
            contenthash,
            filesize: filesize as i64,
        })
    }
}

fn recipe_name(seconds: u32) -> String {
    format!("clip-v{RECIPE_VERSION}-{seconds}s")
}

/// A 320x180, 15 fps test pattern (with a running clock, so playback visibly advances) and a
/// sine tone whose pitch differs per duration; `+faststart` so browsers can play while loading.
/// One encoder thread keeps the output deterministic and leaves the other core to a sibling.
fn ffmpeg_args(seconds: u32) -> Vec<String> {
    let frequency = 220 + (seconds % 40) * 11;
    [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size=320x180:rate=15:duration={seconds}"),
        "-f",
        "lavfi",
        "-i",
        &format!("sine=frequency={frequency}:sample_rate=44100:duration={seconds}"),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-shortest",
        "-movflags",
        "+faststart",
        "-threads",
        "1",
        "-f",
        "mp4",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Fails early, naming the package, when ffmpeg is not installed.
async fn ensure_ffmpeg() -> anyhow::Result<()> {
    let probe = Command::new("ffmpeg")
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await;
    match probe {
        Ok(status) if status.success() => Ok(()),
        _ => anyhow::bail!(
            "ffmpeg is needed to generate the demo's lecture videos but was not found on PATH; \
             install it (Debian/Ubuntu: `apt-get install ffmpeg`, package `ffmpeg`)"
        ),
    }
}

fn sha1_of_file(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha1::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    let hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hash, size))
}

fn is_sha1_hex(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}
