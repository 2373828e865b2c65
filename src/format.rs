//! Dates, durations and numbers as each language writes them: the one place the app turns a
//! time or a count into words (`2026年11月29日` / `29 Nov 2026`, `1時間8分` / `1 h 8 min`,
//! `1,234`, `27%`, `12.3 MB`).

use crate::i18n::Lang;

/// Certificates print their dates in Japan time (ICRweb's zone); the app shows the same dates.
const SITE_UTC_OFFSET: i64 = 9 * 3600;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date, in Japan time: "2026年11月29日" / "29 Nov 2026".
pub fn date(lang: Lang, unix_secs: i64) -> String {
    let (y, m, d) = juko_model::calendar_date(unix_secs, SITE_UTC_OFFSET);
    match lang {
        Lang::Ja => format!("{y}年{m}月{d}日"),
        Lang::En => format!("{d} {} {y}", MONTHS[(m as usize).clamp(1, 12) - 1]),
    }
}

/// A length of time (a lecture's, a unit's): "1時間8分" / "1 h 8 min"; under a minute in
/// seconds ("45秒" / "45 s"). Whole minutes: a lecture's length needs no more.
pub fn duration(lang: Lang, secs: u32) -> String {
    if secs < 60 {
        return match lang {
            Lang::Ja => format!("{secs}秒"),
            Lang::En => format!("{secs} s"),
        };
    }
    let minutes = (secs + 30) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h, m) {
        (Lang::Ja, 0, m) => format!("{m}分"),
        (Lang::Ja, h, 0) => format!("{}時間", number(h as u64)),
        (Lang::Ja, h, m) => format!("{}時間{m}分", number(h as u64)),
        (Lang::En, 0, m) => format!("{m} min"),
        (Lang::En, h, 0) => format!("{} h", number(h as u64)),
        (Lang::En, h, m) => format!("{} h {m} min", number(h as u64)),
    }
}

/// A count with thousands separators: "12,345" (both languages group by three with commas).
pub fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share of a whole, rounded down and at most 100: "27%" (Japanese writes the half-width
/// sign too). An empty whole is 0%.
pub fn percent(lang: Lang, part: u64, whole: u64) -> String {
    let part = part.min(whole);
    // Without 128-bit arithmetic (its division is extra code in the web build): a whole too
    // big to multiply by 100 is divided first.
    let p = match whole {
        0 => 0,
        w if w > u64::MAX / 100 => part / (w / 100),
        w => part * 100 / w,
    };
    match lang {
        Lang::Ja | Lang::En => format!("{p}%"),
    }
}

/// A size in bytes, in decimal units as storage is sold: "12.3 MB", "1.2 GB", "1,234.5 GB".
pub fn bytes(lang: Lang, n: u64) -> String {
    const MB: u64 = 1_000_000;
    // Under a megabyte (as rounded below), whole kilobytes rounded up: a short clip is not
    // "0.0 MB", and a byte is not nothing.
    if n < MB - MB / 2000 {
        return format!("{} KB", number(n.div_ceil(1000)));
    }
    const GB: u64 = 1000 * MB;
    let (size, unit) = if n >= GB { (GB, "GB") } else { (MB, "MB") };
    // Tenths, rounded, written with the grouped whole part.
    let tenths = n.saturating_add(size / 20) / (size / 10);
    let whole = number(tenths / 10);
    match lang {
        Lang::Ja | Lang::En => format!("{whole}.{} {unit}", tenths % 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        // 2026-11-29 00:30 JST is still the 28th in UTC: the date is Japan's.
        let t = 1_764_343_800;
        assert_eq!(date(Lang::Ja, t), "2025年11月29日");
        assert_eq!(date(Lang::En, t), "29 Nov 2025");
        assert_eq!(date(Lang::En, 0), "1 Jan 1970");
    }

    #[test]
    fn durations_read_in_hours_and_minutes() {
        let t = 3600 + 8 * 60;
        assert_eq!(duration(Lang::Ja, t), "1時間8分");
        assert_eq!(duration(Lang::En, t), "1 h 8 min");
        assert_eq!(duration(Lang::Ja, 18 * 60 + 42), "19分");
        assert_eq!(duration(Lang::En, 2 * 3600), "2 h");
        assert_eq!(duration(Lang::Ja, 45), "45秒");
        assert_eq!(duration(Lang::En, 0), "0 s");
    }

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(1_234_567), "1,234,567");
    }

    #[test]
    fn percents_round_down_within_the_whole() {
        assert_eq!(percent(Lang::Ja, 10, 40), "25%");
        assert_eq!(percent(Lang::En, 399, 400), "99%");
        assert_eq!(percent(Lang::En, 500, 400), "100%");
        assert_eq!(percent(Lang::Ja, 5, 0), "0%");
        assert_eq!(percent(Lang::Ja, u64::MAX, u64::MAX), "100%");
    }

    #[test]
    fn sizes_read_in_megabytes_and_gigabytes() {
        assert_eq!(bytes(Lang::Ja, 0), "0 KB");
        assert_eq!(bytes(Lang::En, 1), "1 KB", "something is never nothing");
        assert_eq!(bytes(Lang::En, 48_200), "49 KB");
        assert_eq!(bytes(Lang::En, 999_499), "1,000 KB");
        assert_eq!(bytes(Lang::En, 999_500), "1.0 MB");
        assert_eq!(bytes(Lang::En, 12_345_678), "12.3 MB");
        assert_eq!(bytes(Lang::En, 999_960_000), "1,000.0 MB");
        assert_eq!(bytes(Lang::Ja, 1_250_000_000), "1.3 GB");
        assert_eq!(bytes(Lang::En, 1_234_500_000_000), "1,234.5 GB");
    }

    #[test]
    fn counts_in_sentences_group_thousands() {
        assert_eq!(Lang::En.lecture_count(1200), "1,200 lectures");
        assert_eq!(Lang::Ja.lecture_count(3), "講義 3 本");
        assert_eq!(
            Lang::Ja.done_count(1000, 1200, 1),
            "1,000 / 1,200 完了（テストを含む）"
        );
        assert_eq!(Lang::En.unread_count(2500), "2,500 unread");
        assert_eq!(Lang::En.downloaded_count(2, 1200), "2 of 1,200 downloaded");
    }
}
