//! Lecture videos: real H.264/AAC MP4 clips made by ffmpeg, stored content-addressed like
//! Moodle's `filedir` (`filedir/ab/cd/abcd…` by SHA-1, Moodle's contenthash).
//!
//! A clip is generated once per recipe (the lecture title drawn in it, its length and the
//! encoding settings' version) and found again on later starts through `recipes/<recipe>`, a
//! one-line file holding its contenthash. Files are written to a temporary name and renamed into
//! place, so concurrent servers sharing a media directory (parallel tests) never see
//! half-written clips.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use sha1::{Digest, Sha1};
use tokio::process::Command;
use tokio::sync::{Mutex, Semaphore};

/// Bump when the ffmpeg settings change, so old clips are not reused under new recipes.
const RECIPE_VERSION: u32 = 2;

/// What makes a clip: the lecture title drawn in it and its length.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ClipSpec {
    pub(crate) title: String,
    pub(crate) seconds: u32,
}

impl ClipSpec {
    /// The recipe's name: settings version, length, and a hash of the title (titles are long
    /// and Japanese; file names stay short and ASCII).
    fn recipe(&self) -> String {
        let title_hash: String = Sha1::digest(self.title.as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("lecture-v{RECIPE_VERSION}-{}s-{title_hash}", self.seconds)
    }
}

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

    /// Makes sure a clip of each spec exists, generating the missing ones with ffmpeg (as many
    /// at a time as there are cores, logging each as it is done: a first run takes minutes).
    pub(crate) async fn prepare_clips(
        &self,
        specs: &BTreeSet<ClipSpec>,
    ) -> anyhow::Result<HashMap<ClipSpec, Clip>> {
        // One preparation at a time per process: parallel tests share a media directory and
        // would otherwise all generate the same missing clip at once.
        static PREPARING: Mutex<()> = Mutex::const_new(());
        let _one_at_a_time = PREPARING.lock().await;

        let mut clips = HashMap::new();
        let mut missing = Vec::new();
        for spec in specs {
            match self.cached_clip(spec)? {
                Some(clip) => {
                    clips.insert(spec.clone(), clip);
                }
                None => missing.push(spec.clone()),
            }
        }
        if missing.is_empty() {
            return Ok(clips);
        }
        let font = find_cjk_font().await?;
        let total_seconds: u64 = missing.iter().map(|s| u64::from(s.seconds)).sum();
        tracing::info!(
            clips = missing.len(),
            hours = format!("{:.1}", total_seconds as f64 / 3600.0),
            dir = %self.dir.display(),
            "generating demo lecture videos with ffmpeg (once; later starts reuse them)"
        );
        let started = Instant::now();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let permits = Arc::new(Semaphore::new(cores));
        let mut tasks = tokio::task::JoinSet::new();
        for spec in missing.iter().cloned() {
            let (store, permits, font) = (self.clone(), Arc::clone(&permits), font.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await?;
                let clip = store.generate_clip(&spec, &font).await?;
                anyhow::Ok((spec, clip))
            });
        }
        let mut done = 0;
        while let Some(finished) = tasks.join_next().await {
            let (spec, clip) = finished??;
            done += 1;
            tracing::info!(
                "lecture video {done}/{} ready ({}, {}) after {:.0} s",
                missing.len(),
                hms(spec.seconds),
                spec.title,
                started.elapsed().as_secs_f64()
            );
            clips.insert(spec, clip);
        }
        Ok(clips)
    }

    /// Stores small bytes at their content address (a no-op when they are there already);
    /// returns the contenthash. Written to a temporary name and renamed, as clips are.
    pub(crate) fn store_bytes(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let contenthash: String = Sha1::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let target = self.path_of(&contenthash);
        if std::fs::metadata(&target).is_ok_and(|meta| meta.len() == bytes.len() as u64) {
            return Ok(contenthash);
        }
        let tmp_dir = self.tmp_dir();
        std::fs::create_dir_all(&tmp_dir)?;
        let tmp = tmp_dir.join(format!(
            "{contenthash}.{}.{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::write(&tmp, bytes)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&tmp, &target)?;
        Ok(contenthash)
    }

    /// A clip generated on an earlier run, if its recipe file and its bytes are both there.
    fn cached_clip(&self, spec: &ClipSpec) -> anyhow::Result<Option<Clip>> {
        let recipe = spec.recipe();
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
                seconds: spec.seconds,
                contenthash: hash,
                filesize: meta.len() as i64,
            })),
            _ => Ok(None),
        }
    }

    async fn generate_clip(&self, spec: &ClipSpec, font: &Path) -> anyhow::Result<Clip> {
        let recipe = spec.recipe();
        let tmp_dir = self.tmp_dir();
        std::fs::create_dir_all(&tmp_dir)?;
        // The title goes to drawtext through a file: no escaping of Japanese text, colons or
        // quotes in a filter graph. ffmpeg runs in the tmp directory so the name is plain.
        let unique = format!(
            "{recipe}.{}.{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let title_file = format!("{unique}.txt");
        std::fs::write(tmp_dir.join(&title_file), wrap_title(&spec.title))?;
        let tmp = tmp_dir.join(format!("{unique}.mp4"));
        let output = Command::new("ffmpeg")
            .args(ffmpeg_args(spec.seconds, &title_file, font)?)
            .arg(&tmp)
            .current_dir(&tmp_dir)
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .context("running ffmpeg")?;
        let _ = std::fs::remove_file(tmp_dir.join(&title_file));
        if !output.status.success() {
            let _ = std::fs::remove_file(&tmp);
            anyhow::bail!(
                "ffmpeg failed to make the {}-second clip: {}",
                spec.seconds,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let (store, tmp_path, seconds) = (self.clone(), tmp.clone(), spec.seconds);
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

/// `H:MM:SS`, as the clips' timecode and the logs show lengths.
pub(crate) fn hms(seconds: u32) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Frame size and rate: small and slow, since only text changes (once a second).
const VIDEO_SIZE: &str = "480x270";
const FRAME_RATE: u32 = 2;
/// A keyframe every 10 s, so a seek lands near where it was asked.
const KEYFRAME_INTERVAL: u32 = 10 * FRAME_RATE;
/// Title lines, in half-width columns (a CJK character counts two), that fit the frame.
const TITLE_COLUMNS: usize = 40;

/// The title broken into lines that fit the frame's width.
fn wrap_title(title: &str) -> String {
    let mut lines = vec![String::new()];
    let mut width = 0;
    for c in title.chars() {
        let w = if c.is_ascii() { 1 } else { 2 };
        if width + w > TITLE_COLUMNS {
            lines.push(String::new());
            width = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        width += w;
    }
    lines.join("\n")
}

/// A dark still frame with the lecture title and a running timecode (so playback visibly
/// advances and a learner sees where they are), silent mono audio, H.264 + AAC in MP4 with
/// `+faststart` so browsers (Chromium, WebKitGTK) play while loading. About 8 kbit/s in all:
/// a 68-minute lecture is ~4 MB. One encoder thread per clip keeps the output deterministic;
/// clips run in parallel instead.
fn ffmpeg_args(seconds: u32, title_file: &str, font: &Path) -> anyhow::Result<Vec<String>> {
    let font = font.to_str().filter(|f| !f.contains(['\'', '\\']));
    let Some(font) = font else {
        anyhow::bail!("cannot pass the font path {font:?} to ffmpeg's drawtext");
    };
    let title = format!(
        "drawtext=fontfile='{font}':textfile='{title_file}':expansion=none:fontcolor=white:\
         fontsize=20:line_spacing=6:x=(w-tw)/2:y=h/3-th/2"
    );
    let timecode = format!(
        "drawtext=fontfile='{font}':text='%{{pts\\:hms}}':fontcolor=white:fontsize=36:\
         x=(w-tw)/2:y=h*2/3-th/2"
    );
    let args = [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        &format!("color=c=0x1d3557:size={VIDEO_SIZE}:rate={FRAME_RATE}:duration={seconds}"),
        "-f",
        "lavfi",
        "-i",
        "anullsrc=channel_layout=mono:sample_rate=16000",
        "-filter_complex",
        &format!("[0:v]{title},{timecode}[v]"),
        "-map",
        "[v]",
        "-map",
        "1:a",
        "-t",
        &seconds.to_string(),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-crf",
        "30",
        "-g",
        &KEYFRAME_INTERVAL.to_string(),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "12k",
        "-movflags",
        "+faststart",
        "-threads",
        "1",
        "-f",
        "mp4",
    ];
    Ok(args.iter().map(|s| s.to_string()).collect())
}

/// A font with Japanese glyphs, found through fontconfig, so titles are not drawn as boxes.
async fn find_cjk_font() -> anyhow::Result<PathBuf> {
    ensure_ffmpeg().await?;
    let missing = || {
        anyhow::anyhow!(
            "no Japanese font found (fontconfig) to draw lecture titles in the demo videos; \
             install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`)"
        )
    };
    let listed = Command::new("fc-list")
        .args([":lang=ja", "file"])
        .output()
        .await
        .map_err(|_| missing())?;
    let files: Vec<PathBuf> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|line| line.trim().strip_suffix(':'))
        .map(PathBuf::from)
        .collect();
    // Prefer a sans-serif regular face (Noto Sans CJK), else any font that has Japanese.
    let score = |path: &PathBuf| {
        let name = path.to_string_lossy();
        (name.contains("Sans") as u8) + (name.contains("Regular") as u8)
    };
    files
        .iter()
        .max_by_key(|path| (score(path), std::cmp::Reverse(path.as_os_str().len())))
        .cloned()
        .ok_or_else(missing)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_to_the_frame_and_recipes_name_what_makes_a_clip() {
        assert_eq!(wrap_title("短い"), "短い");
        let long = "CTCAE による有害事情評価とRECIST による腫瘍縮小効果判定の基本と実際";
        let wrapped = wrap_title(long);
        assert_eq!(wrapped.replace('\n', ""), long);
        for line in wrapped.lines() {
            let width: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            assert!(width <= TITLE_COLUMNS, "{line}");
        }
        let spec = |title: &str, seconds| ClipSpec {
            title: title.to_owned(),
            seconds,
        };
        let recipe = spec("臨床研究概論", 300).recipe();
        assert!(
            recipe.starts_with("lecture-v2-300s-") && recipe.is_ascii(),
            "{recipe}"
        );
        assert_ne!(recipe, spec("臨床研究概論", 301).recipe());
        assert_ne!(recipe, spec("臨床研究概論 ", 300).recipe());
        assert_eq!(hms(4080), "1:08:00");
        assert_eq!(hms(68), "0:01:08");
    }

    /// A real clip: as long as asked, H.264 + mono AAC in a faststart MP4 at the low frame
    /// rate; generated once, then found again.
    #[tokio::test]
    async fn clips_are_generated_once_with_the_promised_encoding() {
        let dir = std::env::temp_dir().join(format!(
            "juko-media-test-{}-{:x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let store = MediaStore::new(dir.clone());
        let spec = ClipSpec {
            title: "1. データの記述 《講師:水澤純基》 100% 'quoted' a:b".to_owned(),
            seconds: 7,
        };
        let clips = store
            .prepare_clips(&BTreeSet::from([spec.clone()]))
            .await
            .expect("ffmpeg makes the clip");
        let clip = &clips[&spec];
        let path = store.path_of(&clip.contenthash);
        let probe = std::process::Command::new("ffprobe")
            .args(["-v", "error", "-show_entries"])
            .arg("format=duration:stream=codec_name,channels,r_frame_rate")
            .args(["-of", "default=noprint_wrappers=1"])
            .arg(&path)
            .output()
            .expect("ffprobe runs");
        let probe = String::from_utf8_lossy(&probe.stdout).into_owned();
        for want in [
            "codec_name=h264",
            "codec_name=aac",
            "channels=1",
            "r_frame_rate=2/1",
        ] {
            assert!(probe.contains(want), "{want} in {probe}");
        }
        let duration: f64 = probe
            .lines()
            .find_map(|l| l.strip_prefix("duration="))
            .and_then(|d| d.parse().ok())
            .expect("a duration");
        assert!((duration - 7.0).abs() < 0.6, "{duration} s");
        // faststart: the index (moov) comes before the media data (mdat).
        let bytes = std::fs::read(&path).expect("clip");
        let at = |tag: &[u8]| bytes.windows(4).position(|w| w == tag);
        assert!(at(b"moov") < at(b"mdat"), "moov first");
        assert_eq!(clip.filesize, bytes.len() as i64);

        let again = store
            .prepare_clips(&BTreeSet::from([spec.clone()]))
            .await
            .expect("cached");
        assert_eq!(again[&spec], *clip);
        let _ = std::fs::remove_dir_all(dir);
    }
}
