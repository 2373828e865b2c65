//! File URL → a URL a video element can stream (§3.1, rule 3).
//!
//! Web-service responses list files as `{site}/webservice/pluginfile.php/…?forcedownload=1` (or
//! the cookie-authenticated `{site}/pluginfile.php/…` inside HTML). A player has no session
//! cookie, so it needs the token-authenticated form: `/webservice/pluginfile.php/…?token=…`.
//! The token is added only for files on the site itself: anything else could hand it to a
//! stranger.

use crate::{SiteUrl, Token};
use url::Url;
use url::form_urlencoded::byte_serialize;

const PLUGINFILE: &str = "/pluginfile.php";
const WS_PLUGINFILE: &str = "/webservice/pluginfile.php";

/// The streamable form of `file_url` on `site`, with `token` appended; other URLs come back
/// unchanged (apart from `&amp;` decoding, which HTML-escaped URLs in texts need anyway).
///
/// `forcedownload=1` is dropped so that the server answers `Content-Disposition: inline`.
pub fn stream_url(site: &SiteUrl, token: &Token, file_url: &str) -> String {
    let file_url = file_url.trim().replace("&amp;", "&");
    with_token(site, token, &file_url).unwrap_or(file_url)
}

/// `None` when `file_url` is not a pluginfile URL on `site`.
pub(crate) fn with_token(site: &SiteUrl, token: &Token, file_url: &str) -> Option<String> {
    let url = Url::parse(file_url).ok()?;
    let below = site.relative_path(&url)?;
    let file_path = if below.starts_with(WS_PLUGINFILE) {
        below.strip_prefix(WS_PLUGINFILE)?
    } else {
        below.strip_prefix(PLUGINFILE)?
    };
    // `/pluginfile.php/…` or `/pluginfile.php?file=…`, not `/pluginfile.phpx`.
    if !(file_path.is_empty() || file_path.starts_with('/')) {
        return None;
    }
    let site_path = &url.path()[..url.path().len() - below.len()];
    let mut query: Vec<&str> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !is_param(p, "forcedownload") && !is_param(p, "token"))
        .collect();
    let token_param = format!(
        "token={}",
        byte_serialize(token.as_str().as_bytes()).collect::<String>()
    );
    query.push(&token_param);
    let fragment = url.fragment().map(|f| format!("#{f}")).unwrap_or_default();
    Some(format!(
        "{origin}{site_path}{WS_PLUGINFILE}{file_path}?{query}{fragment}",
        origin = url.origin().ascii_serialization(),
        query = query.join("&"),
    ))
}

fn is_param(pair: &str, name: &str) -> bool {
    pair.split('=').next() == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://icrweb.example.jp";

    fn check_on(site: &str, url: &str, want: &str) {
        let site = SiteUrl::parse(site).unwrap();
        assert_eq!(
            stream_url(&site, &Token::new("TOK"), url),
            want,
            "url {url}"
        );
    }

    fn check(url: &str, want: &str) {
        check_on(SITE, url, want);
    }

    #[test]
    fn pluginfile_urls_get_the_token() {
        check(
            "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?forcedownload=1",
            "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?token=TOK",
        );
        check(
            "https://icrweb.example.jp/pluginfile.php/1621/mod_page/content/5/supplement.mp4",
            "https://icrweb.example.jp/webservice/pluginfile.php/1621/mod_page/content/5/supplement.mp4?token=TOK",
        );
        check(
            "https://icrweb.example.jp/webservice/pluginfile.php?file=/1620/mod_resource/content/3/a.mp4&forcedownload=1",
            "https://icrweb.example.jp/webservice/pluginfile.php?file=/1620/mod_resource/content/3/a.mp4&token=TOK",
        );
        check(
            "https://icrweb.example.jp/pluginfile.php/1/x/a.mp4?v=2&amp;forcedownload=1&amp;lang=ja",
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/a.mp4?v=2&lang=ja&token=TOK",
        );
        check(
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/a.mp4?token=OLD",
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/a.mp4?token=TOK",
        );
        check(
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/a.mp4#t=30",
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/a.mp4?token=TOK#t=30",
        );
        check(
            "https://icrweb.example.jp:443/pluginfile.php/1/x/%E8%AC%9B%E7%BE%A9.mp4",
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/%E8%AC%9B%E7%BE%A9.mp4?token=TOK",
        );
        check(
            "https://icrweb.example.jp/pluginfile.php/1/x/講義.mp4",
            "https://icrweb.example.jp/webservice/pluginfile.php/1/x/%E8%AC%9B%E7%BE%A9.mp4?token=TOK",
        );
        check_on(
            "http://127.0.0.1:8080/moodle",
            "http://127.0.0.1:8080/moodle/pluginfile.php/1/x/a.mp4?forcedownload=1",
            "http://127.0.0.1:8080/moodle/webservice/pluginfile.php/1/x/a.mp4?token=TOK",
        );
    }

    #[test]
    fn other_urls_are_left_alone() {
        let same = |url: &str| check(url, url);
        same("https://video.example.jp/embed/abc123");
        same("https://video.example.jp/pluginfile.php/1/a.mp4");
        same("https://icrweb.example.jp.evil.example/pluginfile.php/1/a.mp4");
        same("http://icrweb.example.jp/pluginfile.php/1/a.mp4");
        same("https://icrweb.example.jp:8443/pluginfile.php/1/a.mp4");
        same("https://icrweb.example.jp/tokenpluginfile.php/abc/1/a.mp4");
        same("https://icrweb.example.jp/mod/page/view.php?id=311");
        same("https://icrweb.example.jp/pluginfile.phpx/1/a.mp4");
        same("https://icrweb.example.jp/draftfile.php/1/a.mp4");
        same("not a url");
        same("");
        check_on(
            "https://h.jp/moodle",
            "https://h.jp/pluginfile.php/1/a.mp4",
            "https://h.jp/pluginfile.php/1/a.mp4",
        );
        check(
            "https://video.example.jp/watch?v=1&amp;t=2",
            "https://video.example.jp/watch?v=1&t=2",
        );
    }

    #[test]
    fn the_token_is_encoded() {
        let site = SiteUrl::parse(SITE).unwrap();
        let url = stream_url(
            &site,
            &Token::new("a b&c"),
            "https://icrweb.example.jp/pluginfile.php/1/a.mp4",
        );
        assert!(url.ends_with("?token=a+b%26c"), "{url}");
    }
}
