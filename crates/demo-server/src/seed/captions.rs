//! Captions (字幕) for some lectures: WebVTT files beside the lecture's video in its
//! `resource`, named `{video}.{lang}.vtt` with Moodle's type for `.vtt`, `text/vtt` (the
//! convention the app reads: docs/captions.md). Japanese for the first three lectures of the
//! basics unit (臨床研究の基礎知識講座, `kiso`), English too for its first, and Japanese for
//! iCROWN's first lecture (the downloads browser test keeps it offline); other lectures have
//! none, as on a real site where captions come lecture by lecture. Their cues come from the lecture itself (title,
//! lecturer, listed time) spread over its clip, so they fit whatever media profile runs.
//! `pluginfile.php` serves them with the module's own access checks, like the video.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Clips, catalog};
use crate::media::MediaStore;

/// Who uploaded the files (the site administrator, as for the videos).
const ADMIN_USER_ID: i64 = 2;

/// The lectures with captions: a unit's video files' prefix, and which of its lectures.
const CAPTIONED: &[(&str, std::ops::RangeInclusive<u32>)] =
    &[("kiso-", 1..=3), ("icrown1-", 1..=1)];

/// The one lecture with English captions too.
const BILINGUAL: &str = "kiso-01.mp4";

/// One caption file to put beside a video.
#[derive(Debug, Clone)]
pub(crate) struct CaptionFile {
    pub(crate) filename: String,
    pub(crate) contenthash: String,
    pub(crate) filesize: i64,
}

/// The caption files, by the video file they belong to (`kiso-01.mp4`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CaptionFiles {
    by_video: HashMap<String, Vec<CaptionFile>>,
}

impl CaptionFiles {
    /// Writes every caption file into the media store (each start: their cues follow the clips
    /// in use).
    pub(crate) fn store(media: &MediaStore, clips: &Clips) -> anyhow::Result<CaptionFiles> {
        let mut by_video: HashMap<String, Vec<CaptionFile>> = HashMap::new();
        for (video, lecture) in super::catalog_lectures() {
            let number = lecture_number(&video);
            let captioned = CAPTIONED
                .iter()
                .any(|(unit, which)| video.starts_with(unit) && which.contains(&number));
            if !captioned || by_video.contains_key(&video) {
                continue;
            }
            let seconds = clips.for_lecture(lecture)?.seconds.max(1);
            let mut files = vec![("ja", japanese_vtt(lecture, seconds, clips.timing()))];
            if video == BILINGUAL {
                files.push(("en", english_vtt(lecture, seconds)));
            }
            let stem = video.trim_end_matches(".mp4");
            let stored = files
                .into_iter()
                .map(|(lang, text)| {
                    Ok(CaptionFile {
                        filename: format!("{stem}.{lang}.vtt"),
                        contenthash: media.store_bytes(text.as_bytes())?,
                        filesize: text.len() as i64,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            by_video.insert(video, stored);
        }
        Ok(CaptionFiles { by_video })
    }
}

/// `kiso-01.mp4` → 1.
fn lecture_number(video: &str) -> u32 {
    video
        .trim_end_matches(".mp4")
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The title without the lecturer's mark (`… 《講師:…》`).
fn plain_title(lecture: &catalog::Lecture) -> &str {
    lecture
        .name
        .split('《')
        .next()
        .unwrap_or(lecture.name)
        .trim()
}

fn japanese_vtt(lecture: &catalog::Lecture, seconds: u32, timing: catalog::Timing) -> String {
    let second = match lecture.lecturer() {
        Some(name) => format!("講師: {name}"),
        None => "ICRweb 臨床研究 e-ラーニング".to_owned(),
    };
    let third = format!("講義時間 {}", lecture.time_text(timing));
    vtt(seconds, &[plain_title(lecture), &second, &third])
}

fn english_vtt(lecture: &catalog::Lecture, seconds: u32) -> String {
    let title = format!("Lecture: {}", plain_title(lecture));
    vtt(
        seconds,
        &[
            &title,
            "ICRweb clinical research e-learning",
            "Thank you for watching",
        ],
    )
}

/// Cues of equal length across `seconds`, one per line of text (fewer when the clip is shorter
/// than one second per line).
fn vtt(seconds: u32, lines: &[&str]) -> String {
    let count = lines.len().min(seconds as usize).max(1);
    let each = f64::from(seconds) / count as f64;
    let mut out = String::from("WEBVTT\n");
    for (i, line) in lines.iter().take(count).enumerate() {
        let (from, to) = (each * i as f64, each * (i + 1) as f64);
        out.push_str(&format!(
            "\n{}\n{} --> {}\n{line}\n",
            i + 1,
            stamp(from),
            stamp(to)
        ));
    }
    out
}

/// `hh:mm:ss.mmm`.
fn stamp(seconds: f64) -> String {
    let millis = (seconds * 1000.0).round() as u64;
    let secs = millis / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        millis % 1000
    )
}

/// Puts each lecture's caption files beside its video, or points them at the current bytes.
/// Returns how many rows changed.
pub(crate) fn add_captions(
    conn: &mut Connection,
    files: &CaptionFiles,
    now: i64,
) -> anyhow::Result<usize> {
    let tx = conn.transaction()?;
    let videos: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT contextid, filename FROM files
             WHERE component = 'mod_resource' AND filearea = 'content' AND mimetype LIKE 'video/%'",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut changed = 0;
    for (contextid, video) in videos {
        for file in files.by_video.get(&video).into_iter().flatten() {
            changed += put(&tx, contextid, file, now)?;
        }
    }
    tx.commit()?;
    Ok(changed)
}

fn put(conn: &Connection, contextid: i64, file: &CaptionFile, now: i64) -> anyhow::Result<usize> {
    let existing: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, contenthash FROM files
             WHERE contextid = ?1 AND component = 'mod_resource' AND filearea = 'content'
               AND itemid = 0 AND filepath = '/' AND filename = ?2",
            params![contextid, file.filename],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match existing {
        Some((_, hash)) if hash == file.contenthash => 0,
        Some((id, _)) => conn.execute(
            "UPDATE files SET contenthash = ?2, filesize = ?3, timemodified = ?4 WHERE id = ?1",
            params![id, file.contenthash, file.filesize, now],
        )?,
        // Extra files of a resource have sortorder 0: the video (1) stays the main file.
        None => conn.execute(
            "INSERT INTO files (contenthash, contextid, component, filearea, itemid, filepath,
                                filename, filesize, mimetype, sortorder, userid, author, license,
                                timecreated, timemodified)
             VALUES (?1, ?2, 'mod_resource', 'content', 0, '/', ?3, ?4, 'text/vtt', 0, ?5,
                     'ICRweb事務局', 'allrightsreserved', ?6, ?6)",
            params![
                file.contenthash,
                contextid,
                file.filename,
                file.filesize,
                ADMIN_USER_ID,
                now
            ],
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_spread_over_the_clip_and_parse_as_webvtt() {
        let text = vtt(3, &["一", "二", "三"]);
        assert_eq!(juko_model::count_cues(&text), Ok(3));
        assert!(
            text.contains("00:00:00.000 --> 00:00:01.000\n一\n"),
            "{text}"
        );
        assert!(
            text.contains("00:00:02.000 --> 00:00:03.000\n三\n"),
            "{text}"
        );
        // A two-second clip: two cues.
        assert_eq!(juko_model::count_cues(&vtt(2, &["a", "b", "c"])), Ok(2));
        assert!(vtt(3900, &["a"]).contains("00:00:00.000 --> 01:05:00.000"));
        assert_eq!(lecture_number("kiso-01.mp4"), 1);
        assert_eq!(lecture_number("icrown-12.mp4"), 12);
    }
}
