//! Turning the site's HTML snippets (summaries, descriptions) into plain text for display.
//!
//! The app shows short texts from the site as text, never as markup: no script or style from a
//! site (or a compromised one) ever runs in a page that holds the learner's token.

/// The text of an HTML fragment: tags dropped, block ends turned into line breaks, the common
/// entities decoded, runs of blank space folded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "tr"
        ) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_entities(s: &str) -> String {
    // &amp; last, so "&amp;lt;" stays the text "&lt;".
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `url` when it may become a link (`http`/`https` only); anything else is shown as text.
pub fn safe_link(url: &str) -> Option<&str> {
    juko_model::is_web_url(url).then_some(url.trim())
}

/// The language of a piece of site text for its `lang` attribute: `ja` when it holds kana or
/// kanji (the sites this app serves write in Japanese), else none (the page's language holds).
/// Marked, a Japanese title is read by a Japanese voice and breaks between phrases in the
/// English UI too, never inside a word (「確 / 認テスト」).
pub fn text_lang(text: &str) -> Option<&'static str> {
    let japanese = |c: char| {
        matches!(c,
            '\u{3040}'..='\u{30FF}' // hiragana, katakana
            | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' // kanji
            | '\u{FF66}'..='\u{FF9F}') // half-width katakana
    };
    text.chars().any(japanese).then_some("ja")
}

/// Whether a site's title already carries the number `number` at its start, as ICRweb's titles
/// often do ("1. 臨床研究とは", "１．", "1 ", "第1回"): the course page then does not put its own
/// number before it ("1. 1. 臨床研究とは"). ASCII and full-width digits alike; "10分で…" or
/// "1.5 …" are not lecture 10's or 1's number.
pub fn starts_with_number(title: &str, number: usize) -> bool {
    let rest = title.trim_start();
    let (counter, rest) = match rest.strip_prefix('第') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let digit = |c: char| match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    };
    let mut chars = rest.chars().peekable();
    let mut value: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|&c| digit(c)) {
        // Saturating: a run of digits no lecture could have still compares as "not this one".
        value = Some(
            value
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(d as usize),
        );
        chars.next();
    }
    if value != Some(number) {
        return false;
    }
    let next = chars.next();
    if counter {
        // 第1回, 第1講, 第1章: whatever counter word follows.
        return true;
    }
    match next {
        None => true,
        // "1.5" numbers a part of something, not lecture 1.
        Some('.' | '．') => chars.peek().is_none_or(|&c| digit(c).is_none()),
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '、' | '。' | ':' | '：' | ')' | '）' | '-' | '－' | '・' | '_'
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{plain_text, starts_with_number, text_lang};

    #[test]
    fn japanese_site_text_is_marked_japanese() {
        assert_eq!(text_lang("臨床研究の基礎知識講座 確認テスト"), Some("ja"));
        assert_eq!(text_lang("iCROWN事業"), Some("ja"));
        assert_eq!(text_lang("ｶﾀｶﾅ"), Some("ja"));
        assert_eq!(text_lang("Clinical trials 101"), None);
        assert_eq!(text_lang(""), None);
    }

    #[test]
    fn html_becomes_text() {
        let check = |html, want: &str| assert_eq!(plain_text(html), want, "{html}");
        check("", "");
        check("<p>臨床研究の基礎</p>", "臨床研究の基礎");
        check(
            "<p>講師: 水澤純基</p><p>時間: 1:08</p>",
            "講師: 水澤純基\n時間: 1:08",
        );
        check("a<br/>b", "a\nb");
        check("<script>alert(1)</script>x", "alert(1)x");
        check("Tom &amp; Jerry &lt;3", "Tom & Jerry <3");
        check("&amp;lt;", "&lt;");
        check("  many   spaces\n\n\n", "many spaces");
        check("unclosed <b", "unclosed");
        check("<strong>第1講</strong> is complete", "第1講 is complete");
    }

    #[test]
    fn a_numbered_title_is_seen_as_numbered() {
        for title in [
            "1. 臨床研究とは",
            "1 臨床研究とは",
            "１．臨床研究とは",
            "１　臨床研究とは",
            "第1回 臨床研究とは",
            "第１講　倫理",
            "01. Introduction",
            "  1) Overview",
            "1",
        ] {
            assert!(starts_with_number(title, 1), "{title}");
        }
    }

    #[test]
    fn other_numbers_and_unnumbered_titles_are_not() {
        for title in [
            "臨床研究とは",
            "2. 臨床研究とは",
            "第2回 臨床研究とは",
            "10分でわかる臨床研究",
            "1.5 Sample size",
            "12. Statistics",
            "1st steps",
            "第 回",
            "",
            "99999999999999999999999999. Overflow",
        ] {
            assert!(!starts_with_number(title, 1), "{title}");
        }
        assert!(!starts_with_number("10分でわかる", 10));
        assert!(starts_with_number("12. Statistics", 12));
    }
}
