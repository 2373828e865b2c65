//! ICRweb's lecture metadata convention, read out of names and descriptions.
//!
//! Moodle has no fields for a lecture's lecturer or length. ICRweb (and our demo server) put them
//! in the text: the module name may end with `《講師:水澤純基》`, and the description may hold lines
//! `講師: NAME` and `時間: 1:08`. ICRweb lists times as hours and minutes (its brochure's `1:08`
//! is a 68-minute lecture); `1:02:03` adds seconds. Colons may be half or full width; digits may
//! be full width too, as Japanese editors often type them.

/// A module name split into the lecture title and the lecturer it names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Title {
    pub(crate) title: String,
    pub(crate) lecturer: Option<String>,
}

/// What a description says about the lecture.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DescriptionMeta {
    pub(crate) lecturer: Option<String>,
    pub(crate) duration_secs: Option<u32>,
    /// The description's other lines, as text: what is left to show once the lecturer and the
    /// length are shown as facts.
    pub(crate) text: Vec<String>,
}

const LECTURER: &str = "講師";
const DURATION: &str = "時間";

/// Takes the first `《講師:NAME》` tag out of a module name. Other `《…》` stay in the title.
pub(crate) fn split_title(name: &str) -> Title {
    let mut from = 0;
    while let Some(open) = name[from..].find('《').map(|i| from + i) {
        let inner_start = open + '《'.len_utf8();
        let Some(close) = name[inner_start..].find('》').map(|i| inner_start + i) else {
            break;
        };
        if let Some(lecturer) = labelled(&name[inner_start..close], LECTURER) {
            let before = name[..open].trim();
            let after = name[close + '》'.len_utf8()..].trim();
            let title = if before.is_empty() || after.is_empty() {
                format!("{before}{after}")
            } else {
                format!("{before} {after}")
            };
            return Title {
                title,
                lecturer: Some(lecturer.to_owned()),
            };
        }
        from = close;
    }
    Title {
        title: name.trim().to_owned(),
        lecturer: None,
    }
}

/// Reads `講師:` and `時間:` lines from a description (HTML). The first of each wins; the other
/// lines are kept as the description's text.
pub(crate) fn description_meta(html: &str) -> DescriptionMeta {
    let mut meta = DescriptionMeta::default();
    for line in text_lines(html) {
        let lecturer = labelled(&line, LECTURER);
        let duration = labelled(&line, DURATION).and_then(parse_duration);
        if lecturer.is_none() && duration.is_none() {
            meta.text.push(line);
            continue;
        }
        if meta.lecturer.is_none() {
            meta.lecturer = lecturer.map(str::to_owned);
        }
        if meta.duration_secs.is_none() {
            meta.duration_secs = duration;
        }
    }
    meta
}

/// `"講師 : 水澤純基 "` with label `講師` → `"水澤純基"`. `None` when the label or value is missing.
fn labelled<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let value = text
        .trim()
        .strip_prefix(label)?
        .trim_start()
        .strip_prefix([':', '：'])?
        .trim();
    (!value.is_empty()).then_some(value)
}

/// `H:MM` or `H:MM:SS` (trailing words ignored) → seconds.
pub(crate) fn parse_duration(text: &str) -> Option<u32> {
    let normalized: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            c => c,
        })
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let parts: Vec<&str> = normalized.split(':').collect();
    let (hours, rest, seconds_per_unit) = match parts.as_slice() {
        // ICRweb's `H:MM`: the last part counts minutes.
        [h, m] => (h, vec![m], 60),
        [h, m, s] => (h, vec![m, s], 1),
        _ => return None,
    };
    let mut total: u32 = hours.parse().ok()?;
    for part in rest {
        // Minutes and seconds after a colon are always two digits below 60.
        if part.len() != 2 {
            return None;
        }
        let n: u32 = part.parse().ok().filter(|n| *n < 60)?;
        total = total.checked_mul(60)?.checked_add(n)?;
    }
    total.checked_mul(seconds_per_unit)
}

/// Block-level tags that end a line of text.
const LINE_BREAKING_TAGS: [&str; 15] = [
    "br", "p", "div", "li", "tr", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
];

/// The visible text of some HTML, split into lines at `<br>` and block tags. Good enough for
/// the `label: value` lines of a description; not a general HTML parser.
fn text_lines(html: &str) -> Vec<String> {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/').trim_start();
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if LINE_BREAKING_TAGS.contains(&name.as_str()) {
            text.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    text.push_str(rest);
    decode_entities(&text)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The few character references editors produce; unknown ones stay as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| Some((entity(&rest[1..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "nbsp" => Some(' '),
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_title(name: &str, title: &str, lecturer: Option<&str>) {
        let want = Title {
            title: title.to_owned(),
            lecturer: lecturer.map(str::to_owned),
        };
        assert_eq!(split_title(name), want, "name {name:?}");
    }

    #[test]
    fn lecturer_in_the_name() {
        check_title(
            "臨床研究とは《講師:水澤純基》",
            "臨床研究とは",
            Some("水澤純基"),
        );
        check_title(
            "臨床研究とは 《講師：水澤純基》",
            "臨床研究とは",
            Some("水澤純基"),
        );
        check_title(
            "臨床研究とは《 講師 ： 水澤 純基 》",
            "臨床研究とは",
            Some("水澤 純基"),
        );
        check_title(
            "《講師:水澤純基》臨床研究とは",
            "臨床研究とは",
            Some("水澤純基"),
        );
        check_title(
            "第1講 臨床研究とは 《講師:水澤純基》 （動画）",
            "第1講 臨床研究とは （動画）",
            Some("水澤純基"),
        );
        check_title(
            "《特別講義》倫理指針《講師:山田》",
            "《特別講義》倫理指針",
            Some("山田"),
        );
        check_title(
            "第1講 臨床研究とは（動画）",
            "第1講 臨床研究とは（動画）",
            None,
        );
        check_title("  余白  ", "余白", None);
        check_title("《講師:》空", "《講師:》空", None);
        check_title("《講師 水澤》", "《講師 水澤》", None);
        check_title("閉じない《講師:水澤", "閉じない《講師:水澤", None);
    }

    fn check_desc(html: &str, lecturer: Option<&str>, duration_secs: Option<u32>) {
        let got = description_meta(html);
        assert_eq!(
            (got.lecturer.as_deref(), got.duration_secs),
            (lecturer, duration_secs),
            "html {html:?}"
        );
    }

    #[test]
    fn the_rest_of_the_description_is_its_text() {
        let text = |html: &str| description_meta(html).text;
        assert_eq!(
            text(
                "<div>概要です。<br />講師 : 山田&nbsp;花子<br/>時間 ： ０：３５<p>第2段落</p></div>"
            ),
            ["概要です。", "第2段落"]
        );
        // A line that only looks like a fact stays as text.
        assert_eq!(
            text("<p>時間: 未定</p><p>作業時間: 10:00</p>"),
            ["時間: 未定", "作業時間: 10:00"]
        );
        assert!(text("<p>講師: 水澤純基</p><p>時間: 1:08</p>").is_empty());
    }

    #[test]
    fn lecturer_and_duration_in_the_description() {
        check_desc(
            "<p>講師: 水澤純基</p><p>時間: 1:08</p>",
            Some("水澤純基"),
            Some(68 * 60),
        );
        check_desc(
            "講師：水澤純基<br>時間：1:02:03",
            Some("水澤純基"),
            Some(3723),
        );
        check_desc(
            "<div>概要です。<br />講師 : 山田&nbsp;花子<br/>時間 ： ０：３５</div>",
            Some("山田 花子"),
            Some(35 * 60),
        );
        check_desc("時間: 0:05 (予定)", None, Some(300));
        check_desc("<p>講義動画（約35分）</p>", None, None);
        check_desc("", None, None);
        check_desc("<p>講師: A&amp;B</p>", Some("A&B"), None);
        check_desc("<p>時間: 0:7</p>", None, None);
        check_desc("<p>時間: 1:60:00</p>", None, None);
        check_desc("<p>時間: 35</p>", None, None);
        check_desc("<p>時間: 未定</p><p>時間: 0:10</p>", None, Some(600));
        check_desc("<P>講師: 大文字タグ</P>", Some("大文字タグ"), None);
        check_desc("<p>作業時間: 10:00</p>", None, None);
    }

    #[test]
    fn durations() {
        let check = |s: &str, want: Option<u32>| assert_eq!(parse_duration(s), want, "{s:?}");
        // ICRweb's hours:minutes: its brochure's 臨床研究概論 (0:05) lasts five minutes.
        check("0:05", Some(300));
        check("1:08", Some(4080));
        check("2:00", Some(7200));
        check("0:00:05", Some(5));
        check("0:01:08", Some(68));
        check("1:02:03", Some(3723));
        check("１:０２:０３", Some(3723));
        check("1：02：03", Some(3723));
        check(":12", None);
        check("1:2:3", None);
        check("1:02:03:04", None);
        check("", None);
        check("99999999999:00", None);
        check("1193047:00", None);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b &lt;c&gt; &#39;d&#x27; &unknown; & e"),
            "a&b <c> 'd' &unknown; & e"
        );
    }
}
