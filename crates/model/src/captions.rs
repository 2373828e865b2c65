//! Captions (字幕): a lecture's timed text tracks, and the few rules about them that every
//! party shares: which track to show a learner, and whether a file is WebVTT with cues.

use serde::{Deserialize, Serialize};

/// One caption track of a lecture's video, as the site lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptionTrack {
    /// The site's URL for the WebVTT file, without credentials (like [`crate::Media::url`]).
    pub url: String,
    /// BCP 47 language tag of the captions, e.g. `ja`, `en`.
    pub language: String,
    /// The track's name in its own language (`日本語`, `English`), shown in caption menus.
    pub label: String,
}

/// The track to show a learner whose app speaks `language`: one in that language, else a
/// Japanese one (ICRweb's lectures are spoken in Japanese), else the first listed.
pub fn choose_caption<'a>(tracks: &'a [CaptionTrack], language: &str) -> Option<&'a CaptionTrack> {
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let wanted = primary(language);
    tracks
        .iter()
        .find(|t| primary(&t.language) == wanted)
        .or_else(|| tracks.iter().find(|t| primary(&t.language) == "ja"))
        .or_else(|| tracks.first())
}

/// Why a file is not usable captions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptionProblem {
    /// No `WEBVTT` signature: another format, or an error page.
    NotWebVtt,
    /// WebVTT without a single cue.
    NoCues,
}

impl std::fmt::Display for CaptionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CaptionProblem::NotWebVtt => "not WebVTT (no WEBVTT signature)",
            CaptionProblem::NoCues => "WebVTT without any cue",
        })
    }
}

impl std::error::Error for CaptionProblem {}

/// Checks that `text` is a WebVTT file (the `WEBVTT` signature, after an optional byte order
/// mark) with at least one cue; returns how many cues (timing lines) it holds.
pub fn count_cues(text: &str) -> Result<usize, CaptionProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let signed =
        header == "WEBVTT" || header.starts_with("WEBVTT ") || header.starts_with("WEBVTT\t");
    if !signed {
        return Err(CaptionProblem::NotWebVtt);
    }
    let cues = lines.filter(|l| is_timing_line(l)).count();
    if cues == 0 {
        return Err(CaptionProblem::NoCues);
    }
    Ok(cues)
}

/// `00:00:01.000 --> 00:00:04.000 [settings]`: two timestamps around the arrow.
fn is_timing_line(line: &str) -> bool {
    let Some((from, rest)) = line.split_once("-->") else {
        return false;
    };
    let to = rest.split_whitespace().next().unwrap_or("");
    is_timestamp(from.trim()) && is_timestamp(to)
}

/// `mm:ss.ttt` or `hh:mm:ss.ttt` (hours of any length).
fn is_timestamp(s: &str) -> bool {
    let Some((clock, millis)) = s.split_once('.') else {
        return false;
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let digits = |p: &str, n: Option<usize>| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && n.is_none_or(|n| p.len() == n)
    };
    let clock_ok = match parts.as_slice() {
        [m, s] => digits(m, Some(2)) && digits(s, Some(2)),
        [h, m, s] => digits(h, None) && digits(m, Some(2)) && digits(s, Some(2)),
        _ => false,
    };
    clock_ok && digits(millis, Some(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(language: &str) -> CaptionTrack {
        CaptionTrack {
            url: format!("https://s/{language}.vtt"),
            language: language.into(),
            label: language.into(),
        }
    }

    #[test]
    fn the_learners_language_first_then_japanese_then_the_first() {
        let both = [track("ja"), track("en")];
        assert_eq!(choose_caption(&both, "en").unwrap().language, "en");
        assert_eq!(choose_caption(&both, "en-US").unwrap().language, "en");
        assert_eq!(choose_caption(&both, "ja").unwrap().language, "ja");
        assert_eq!(choose_caption(&both, "fr").unwrap().language, "ja");
        let others = [track("zh"), track("ko")];
        assert_eq!(choose_caption(&others, "ja").unwrap().language, "zh");
        assert_eq!(choose_caption(&[], "ja"), None);
        assert_eq!(
            choose_caption(&[track("JA-jp")], "en").unwrap().language,
            "JA-jp"
        );
    }

    #[test]
    fn webvtt_is_recognised_and_its_cues_counted() {
        let vtt = "WEBVTT\n\n1\n00:00.000 --> 00:02.500\n臨床研究概論\n\n00:00:02.500 --> 00:00:05.000 line:90%\n続き\n";
        assert_eq!(count_cues(vtt), Ok(2));
        assert_eq!(count_cues(&format!("\u{feff}{vtt}")), Ok(2));
        assert_eq!(
            count_cues("WEBVTT - 講義\r\n\r\n01:00:00.000 --> 01:00:01.000\r\nx\r\n"),
            Ok(1)
        );
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(count_cues(""), Err(CaptionProblem::NotWebVtt));
        assert_eq!(count_cues("WEBVTTX\n"), Err(CaptionProblem::NotWebVtt));
        assert_eq!(
            count_cues("1\n00:00:01,000 --> 00:00:02,000\nSRT\n"),
            Err(CaptionProblem::NotWebVtt)
        );
        assert_eq!(
            count_cues("{\"exception\":\"x\"}"),
            Err(CaptionProblem::NotWebVtt)
        );
        assert_eq!(
            count_cues("WEBVTT\n\nNOTE nothing\n"),
            Err(CaptionProblem::NoCues)
        );
        // Malformed timings are not cues.
        assert_eq!(
            count_cues("WEBVTT\n\n0:1.0 --> x\n"),
            Err(CaptionProblem::NoCues)
        );
    }
}
