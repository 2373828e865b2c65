//! Caption tracks (字幕) as a Moodle site holds them, and the caption files themselves.
//!
//! The convention (docs/captions.md): a lecture's WebVTT files sit beside its video in the
//! module's own file area: a `resource`'s extra files, or a `page`'s embedded files, which the
//! contents list names with `mimetype` `text/vtt` (Moodle's type for `.vtt`). The file's name
//! says the language, `{name}.{lang}.vtt` (`kiso-01.ja.vtt`, `kiso-01.en.vtt`); a file without
//! a language tag is Japanese, ICRweb's language. They are served by `pluginfile.php` with the
//! module's own access checks, like the video.

use crate::{DecodeProblem, Error, Result, wire};
use juko_model::{CaptionTrack, count_cues, is_web_url};

/// What a caption file is fetched as, in errors.
pub(crate) const CAPTION_FILE: &str = "pluginfile.php (captions)";

/// Every WebVTT file among a module's contents, as a caption track, in the site's order.
pub(crate) fn tracks(contents: &[wire::Content]) -> Vec<CaptionTrack> {
    contents
        .iter()
        .filter(|c| c.kind.as_deref().is_none_or(|k| k == "file"))
        .filter_map(|c| {
            let name = c.filename.as_deref().unwrap_or_default();
            let listed_vtt = c
                .mimetype
                .as_deref()
                .is_some_and(|m| m.trim().to_ascii_lowercase().starts_with("text/vtt"));
            let named_vtt = name.to_ascii_lowercase().ends_with(".vtt");
            if !(listed_vtt || named_vtt) {
                return None;
            }
            let url = c.fileurl.as_deref().filter(|u| is_web_url(u))?;
            let language = language_of(name);
            Some(CaptionTrack {
                url: url.to_owned(),
                label: label_of(&language),
                language,
            })
        })
        .collect()
}

/// The language tag in `{name}.{lang}.vtt`: two or three letters, with an optional region
/// (`pt-BR`); Japanese when the name carries none.
fn language_of(filename: &str) -> String {
    let stem = filename.rsplit_once('.').map_or(filename, |(stem, _)| stem);
    let tag = stem.rsplit_once('.').map(|(_, tag)| tag).unwrap_or("");
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let region = parts.next();
    let letters = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let valid = letters(primary, 2..=3)
        && region.is_none_or(|r| letters(r, 2..=2))
        && parts.next().is_none();
    if !valid {
        return "ja".to_owned();
    }
    match region {
        Some(r) => format!(
            "{}-{}",
            primary.to_ascii_lowercase(),
            r.to_ascii_uppercase()
        ),
        None => primary.to_ascii_lowercase(),
    }
}

/// A track's name in its own language (what caption menus show), else its tag.
fn label_of(language: &str) -> String {
    let primary = language.split('-').next().unwrap_or(language);
    match primary {
        "ja" => "日本語",
        "en" => "English",
        "zh" => "中文",
        "ko" => "한국어",
        _ => language,
    }
    .to_owned()
}

/// A caption file's body: UTF-8 WebVTT with cues. An error page (Moodle's JSON or HTML) or
/// any other file is a decode error, never captions.
pub(crate) fn read_vtt(body: Vec<u8>) -> Result<String> {
    let shape = |problem: String| Error::Decode {
        function: CAPTION_FILE.to_owned(),
        problem: DecodeProblem::Shape(problem),
    };
    if body.trim_ascii_start().starts_with(b"{") {
        // pluginfile.php's own error, read like any other.
        let _: serde_json::Value = crate::decode::rest(CAPTION_FILE, &body)?;
    }
    let text = String::from_utf8(body).map_err(|_| shape("captions not UTF-8".to_owned()))?;
    count_cues(&text).map_err(|p| shape(p.to_string()))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_file_name() {
        let check = |name: &str, want: &str| assert_eq!(language_of(name), want, "{name}");
        check("kiso-01.ja.vtt", "ja");
        check("kiso-01.EN.vtt", "en");
        check("lecture.pt-br.vtt", "pt-BR");
        check("lecture.vtt", "ja");
        check("第1回.vtt", "ja");
        check("kiso-01.subtitles.vtt", "ja");
        check("v1.2.vtt", "ja");
        check(".vtt", "ja");
        assert_eq!(label_of("en"), "English");
        assert_eq!(label_of("pt-BR"), "pt-BR");
    }

    #[test]
    fn only_webvtt_with_cues_is_captions() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n字幕\n";
        assert_eq!(read_vtt(vtt.as_bytes().to_vec()).unwrap(), vtt);
        let refused = |body: &[u8]| assert!(read_vtt(body.to_vec()).is_err(), "{body:?}");
        refused(br#"{"error":"Sorry, the requested file could not be found","errorcode":"filenotfound"}"#);
        refused(b"<html><body>login</body></html>");
        refused(b"WEBVTT\n\n");
        refused(b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n");
        refused(b"");
    }
}
