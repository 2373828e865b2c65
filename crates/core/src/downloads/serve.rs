//! Playing a kept lecture: the answer to a player's range request for its file, as the
//! desktop and phone webviews need it to seek (they ask `Range: bytes=N-` and expect 206 with
//! `Content-Range`). The app's webview glue turns it into the webview's response type.
//!
//! Every answer is at most [`MAX_ANSWER`] bytes, read into memory: the webviews' custom
//! protocol handlers take a whole body (no stream), so a 1 GB lecture must never be one
//! answer. A request without `Range` is answered as `bytes=0-` when the file is larger (206
//! with its `Content-Range`: the client asks for the rest, as players and the WebKitGTK glue
//! do), with 200 and the whole file when it fits.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The most one answer carries: the player asks again for the rest.
pub const MAX_ANSWER: u64 = 4 * 1024 * 1024;

/// What to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeAnswer {
    /// 200 (the whole file, when no range was asked and it fits one answer), 206, 404, 416
    /// or 500.
    pub status: u16,
    /// `bytes START-END/TOTAL` on a 206, `bytes */TOTAL` on a 416.
    pub content_range: Option<String>,
    pub body: Vec<u8>,
}

impl RangeAnswer {
    fn bare(status: u16) -> RangeAnswer {
        RangeAnswer {
            status,
            content_range: None,
            body: Vec::new(),
        }
    }
}

/// Answers `range` (the request's `Range` header, if any) from the file at `path`.
pub fn range_answer(path: &Path, range: Option<&str>) -> RangeAnswer {
    let Ok(mut file) = std::fs::File::open(path) else {
        return RangeAnswer::bare(404);
    };
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return RangeAnswer::bare(500);
    };
    let (start, end, partial) = match range.map(|r| parse_range(r, len)) {
        None if len <= MAX_ANSWER => (0, len.saturating_sub(1), false),
        None => (0, MAX_ANSWER - 1, true),
        Some(Some((start, end))) => (start, end.min(start + MAX_ANSWER - 1), true),
        Some(None) => {
            return RangeAnswer {
                content_range: Some(format!("bytes */{len}")),
                ..RangeAnswer::bare(416)
            };
        }
    };
    let mut body = Vec::new();
    if len > 0 {
        let read = file
            .seek(SeekFrom::Start(start))
            .and_then(|_| file.take(end + 1 - start).read_to_end(&mut body));
        if read.is_err() {
            return RangeAnswer::bare(500);
        }
    }
    RangeAnswer {
        status: if partial { 206 } else { 200 },
        content_range: partial.then(|| format!("bytes {start}-{end}/{len}")),
        body,
    }
}

/// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n` within `len`; `None` when unusable.
/// Of several ranges the first is answered.
fn parse_range(value: &str, len: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (first, last) = spec.split(',').next()?.trim().split_once('-')?;
    let last_byte = len.checked_sub(1)?;
    let (start, end) = match (first.trim(), last.trim()) {
        ("", n) => (len.saturating_sub(n.parse().ok()?), last_byte),
        (a, "") => (a.parse().ok()?, last_byte),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.min(last_byte)),
    };
    (start <= end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_within_the_file() {
        assert_eq!(parse_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(parse_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(parse_range("bytes=90-500", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=x-", 100), None);
        assert_eq!(parse_range("bytes=0-", 0), None);
    }

    #[test]
    fn a_kept_file_is_served_by_ranges() {
        let dir = std::env::temp_dir().join(format!("juko-serve-{}", crate::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("1.video");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        std::fs::write(&path, &bytes).unwrap();

        let whole = range_answer(&path, None);
        assert_eq!((whole.status, whole.body.len()), (200, 10_000));
        let part = range_answer(&path, Some("bytes=5000-"));
        assert_eq!(part.status, 206);
        assert_eq!(part.content_range.as_deref(), Some("bytes 5000-9999/10000"));
        assert_eq!(part.body, bytes[5000..]);
        let past = range_answer(&path, Some("bytes=10000-"));
        assert_eq!(past.status, 416);
        assert_eq!(past.content_range.as_deref(), Some("bytes */10000"));
        assert_eq!(range_answer(&dir.join("2.video"), None).status, 404);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_file_larger_than_one_answer_is_never_read_whole() {
        let dir = std::env::temp_dir().join(format!("juko-serve-{}", crate::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("1.video");
        let len = MAX_ANSWER + MAX_ANSWER / 2 + 7;
        let bytes: Vec<u8> = (0..=250u8).cycle().take(len as usize).collect();
        std::fs::write(&path, &bytes).unwrap();

        // No range asked: the first answer's worth, said as such, and the rest by ranges.
        let first = range_answer(&path, None);
        assert_eq!(first.status, 206);
        assert_eq!(first.body.len() as u64, MAX_ANSWER);
        let said = format!("bytes 0-{}/{len}", MAX_ANSWER - 1);
        assert_eq!(first.content_range.as_deref(), Some(said.as_str()));
        let rest = range_answer(&path, Some(&format!("bytes={MAX_ANSWER}-")));
        assert_eq!(rest.status, 206);
        assert_eq!([first.body, rest.body].concat(), bytes);
        std::fs::remove_dir_all(dir).ok();
    }
}
