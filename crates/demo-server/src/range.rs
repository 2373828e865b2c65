//! The `Range` header as Moodle's `readfile_accel` reads it: one range of bytes, an open or
//! too-large end clamped to the last byte, a suffix (`-N`) meaning the last N bytes, and
//! anything unusable ignored (the whole file is sent with 200; never 416).

/// An inclusive byte range inside a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteRange {
    pub(crate) start: u64,
    pub(crate) end: u64,
}

impl ByteRange {
    pub(crate) fn len(self) -> u64 {
        self.end - self.start + 1
    }
}

/// The range to send for `header` on a file of `size` bytes, or `None` to send it all.
/// Several ranges are also sent whole: Moodle would answer them with multipart/byteranges,
/// which no video player needs.
pub(crate) fn parse(header: &str, size: u64) -> Option<ByteRange> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if size == 0 || spec.contains(',') {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    let number = |text: &str| -> Option<Option<u64>> {
        match text.trim() {
            "" => Some(None),
            digits if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok().map(Some),
            _ => None,
        }
    };
    let last_byte = size - 1;
    let (start, end) = match (number(first)?, number(last)?) {
        (None, None) => return None,
        // Suffix: the last N bytes (all of them when N is larger than the file).
        (None, Some(suffix)) => (size.saturating_sub(suffix), last_byte),
        (Some(start), None) => (start, last_byte),
        (Some(start), Some(end)) => (start, end.min(last_byte)),
    };
    (start <= end).then_some(ByteRange { start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(header: &str, want: Option<(u64, u64)>) {
        let got = parse(header, 1000).map(|r| (r.start, r.end));
        assert_eq!(got, want, "{header}");
    }

    #[test]
    fn reads_ranges_like_moodle() {
        check("bytes=0-99", Some((0, 99)));
        check("bytes=100-", Some((100, 999)));
        check("bytes=-100", Some((900, 999)));
        check("bytes=-5000", Some((0, 999)));
        check("bytes=990-5000", Some((990, 999)));
        check("bytes=999-999", Some((999, 999)));
        // Ignored, so the whole file goes out with 200:
        check("bytes=500-100", None);
        check("bytes=1000-", None);
        check("bytes=-0", None);
        check("bytes=-", None);
        check("bytes=a-b", None);
        check("items=0-1", None);
        check("bytes=0-1,5-6", None);
        assert_eq!(parse("bytes=0-", 0), None);
    }
}
