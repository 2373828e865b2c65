//! The site's root address, from whatever a learner types into the sign-in screen.

use crate::{Error, Result, SiteUrlProblem};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use url::Url;

/// A Moodle site's root (`wwwroot`): `http` or `https`, a host, an optional port and an optional
/// sub-path (`/moodle`), never a trailing slash, query, fragment or credentials.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SiteUrl {
    url: Url,
    /// `url` without its trailing slash: what endpoint paths are appended to.
    base: String,
}

/// Pages a learner may copy from the browser's address bar instead of the site root.
const PAGE_SUFFIXES: [&str; 2] = ["/login/index.php", "/index.php"];

impl SiteUrl {
    /// Reads a site address the way a learner types it: `icrweb.jp`, `https://www.icrweb.jp/`,
    /// `http://127.0.0.1:8080`, `example.org/moodle/`.
    ///
    /// Without a scheme, `https` is assumed, except for loopback hosts (`localhost`, `127.x.x.x`,
    /// `::1`), which are nearly always a development server without TLS.
    pub fn parse(input: &str) -> Result<SiteUrl> {
        parse(input).map_err(Error::BadSiteUrl)
    }

    /// The root, without a trailing slash: `https://example.org/moodle`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The absolute URL of a path under the site: `join("login/token.php")`. Keeps a sub-path.
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    /// The path of `url` below this site (starting with `/`), when `url` is on this site: same
    /// scheme, host and port, and under the site's sub-path.
    pub(crate) fn relative_path<'u>(&self, url: &'u Url) -> Option<&'u str> {
        if url.scheme() != self.url.scheme()
            || url.host_str() != self.url.host_str()
            || url.port_or_known_default() != self.url.port_or_known_default()
        {
            return None;
        }
        let root = self.url.path().trim_end_matches('/');
        let rest = url.path().strip_prefix(root)?;
        // `/moodle2/…` is not under `/moodle`.
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }
}

fn parse(input: &str) -> std::result::Result<SiteUrl, SiteUrlProblem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(SiteUrlProblem::Empty);
    }
    if input.chars().any(char::is_whitespace) {
        return Err(SiteUrlProblem::Spaces);
    }
    let absolute = if input.contains("://") {
        input.to_owned()
    } else {
        add_scheme(input)?
    };
    let mut url = Url::parse(&absolute).map_err(|e| match e {
        url::ParseError::EmptyHost => SiteUrlProblem::NoHost,
        // The app is built without Unicode domain tables (Cargo.lock pins idna_adapter's stub
        // back end: ~38 KB brotli of the web's first load), so a host outside ASCII is refused
        // here, with its own message: its `xn--` (Punycode) form is accepted.
        url::ParseError::IdnaError if !absolute.is_ascii() => SiteUrlProblem::NonAsciiHost,
        other => SiteUrlProblem::Invalid(other.to_string()),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SiteUrlProblem::UnsupportedScheme(url.scheme().to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SiteUrlProblem::Credentials);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SiteUrlProblem::NoHost);
    }
    let mut path = url.path().trim_end_matches('/');
    // An empty segment is never part of a Moodle root; it is how `http//host` typos look.
    if path.contains("//") {
        return Err(SiteUrlProblem::Invalid(
            "the address has an empty path segment".into(),
        ));
    }
    for suffix in PAGE_SUFFIXES {
        path = path.strip_suffix(suffix).unwrap_or(path);
    }
    let path = path.to_owned();
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    let base = url.as_str().trim_end_matches('/').to_owned();
    Ok(SiteUrl { url, base })
}

/// Prefixes a scheme to a bare `host[:port][/path]`, refusing things like `mailto:` or
/// `user@host` that `Url` would otherwise read as something else.
fn add_scheme(input: &str) -> std::result::Result<String, SiteUrlProblem> {
    if let Ok(ip) = input.parse::<Ipv6Addr>() {
        return Ok(format!(
            "{}://[{ip}]",
            default_scheme(&IpAddr::V6(ip).to_string())
        ));
    }
    let authority = input.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(SiteUrlProblem::Credentials);
    }
    let host = if authority.starts_with('[') {
        // `[::1]:8080`
        authority
            .split(']')
            .next()
            .unwrap_or_default()
            .trim_start_matches('[')
    } else {
        match authority.split_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            // `mailto:…`, `javascript:…`: a scheme, not a port.
            Some((scheme, _)) => {
                return Err(SiteUrlProblem::UnsupportedScheme(scheme.to_lowercase()));
            }
            None => authority,
        }
    };
    Ok(format!("{}://{input}", default_scheme(host)))
}

fn default_scheme(host: &str) -> &'static str {
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback { "http" } else { "https" }
}

impl std::str::FromStr for SiteUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<SiteUrl> {
        SiteUrl::parse(s)
    }
}

impl fmt::Display for SiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl fmt::Debug for SiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteUrl({:?})", self.base)
    }
}

/// Stored as its string form, so the engine can persist the site with the session.
impl Serialize for SiteUrl {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.base)
    }
}

impl<'de> Deserialize<'de> for SiteUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<SiteUrl, D::Error> {
        let s = String::deserialize(d)?;
        SiteUrl::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, want: std::result::Result<&str, SiteUrlProblem>) {
        let got = parse(input).map(|s| s.base);
        assert_eq!(
            got.as_deref().map_err(Clone::clone),
            want,
            "input {input:?}"
        );
    }

    fn bad(input: &str, problem: SiteUrlProblem) {
        check(input, Err(problem));
    }

    fn invalid(input: &str) {
        assert!(
            matches!(
                parse(input),
                Err(SiteUrlProblem::Invalid(_) | SiteUrlProblem::NoHost)
            ),
            "{input:?}"
        );
    }

    #[test]
    fn what_learners_type() {
        check("icrweb.jp", Ok("https://icrweb.jp"));
        check("  icrweb.jp  ", Ok("https://icrweb.jp"));
        check("ICRweb.JP", Ok("https://icrweb.jp"));
        check("https://www.icrweb.jp/", Ok("https://www.icrweb.jp"));
        check("https://www.icrweb.jp", Ok("https://www.icrweb.jp"));
        check("HTTPS://www.icrweb.jp", Ok("https://www.icrweb.jp"));
        check("http://icrweb.jp", Ok("http://icrweb.jp"));
        check("https://icrweb.jp:443/", Ok("https://icrweb.jp"));
        check("https://icrweb.jp:8443", Ok("https://icrweb.jp:8443"));
        check("example.org/moodle", Ok("https://example.org/moodle"));
        check("example.org/moodle/", Ok("https://example.org/moodle"));
        check(
            "https://example.org/moodle///",
            Ok("https://example.org/moodle"),
        );
        check(
            "https://example.org/a/moodle/",
            Ok("https://example.org/a/moodle"),
        );
        check("https://icrweb.jp/?lang=ja", Ok("https://icrweb.jp"));
        check("https://icrweb.jp/#top", Ok("https://icrweb.jp"));
        check("https://icrweb.jp/login/index.php", Ok("https://icrweb.jp"));
        check(
            "https://example.org/moodle/index.php?redirect=0",
            Ok("https://example.org/moodle"),
        );
        check("xn--r8jz45g.jp", Ok("https://xn--r8jz45g.jp"));
        // Built without Unicode domain tables (see the `url` dependency in Cargo.toml).
        check("例え.jp", Err(SiteUrlProblem::NonAsciiHost));
    }

    #[test]
    fn loopback_defaults_to_http() {
        check("http://127.0.0.1:8080", Ok("http://127.0.0.1:8080"));
        check("127.0.0.1:8080", Ok("http://127.0.0.1:8080"));
        check("127.0.0.1:8080/moodle/", Ok("http://127.0.0.1:8080/moodle"));
        check("127.1.2.3", Ok("http://127.1.2.3"));
        check("localhost", Ok("http://localhost"));
        check("LOCALHOST:3000", Ok("http://localhost:3000"));
        check("[::1]:8080", Ok("http://[::1]:8080"));
        check("::1", Ok("http://[::1]"));
        check("https://localhost:8443", Ok("https://localhost:8443"));
        check("10.0.0.5:8080", Ok("https://10.0.0.5:8080"));
    }

    #[test]
    fn garbage_is_refused() {
        bad("", SiteUrlProblem::Empty);
        bad("   ", SiteUrlProblem::Empty);
        bad("icr web.jp", SiteUrlProblem::Spaces);
        bad(
            "ftp://icrweb.jp",
            SiteUrlProblem::UnsupportedScheme("ftp".into()),
        );
        bad(
            "javascript:alert(1)",
            SiteUrlProblem::UnsupportedScheme("javascript".into()),
        );
        bad(
            "file:///etc/passwd",
            SiteUrlProblem::UnsupportedScheme("file".into()),
        );
        bad("https://user:pw@icrweb.jp", SiteUrlProblem::Credentials);
        bad("user:pw@icrweb.jp", SiteUrlProblem::Credentials);
        bad("taro@icrweb.jp", SiteUrlProblem::Credentials);
        invalid("https://");
        invalid("http://:8080");
        invalid("http//icrweb.jp");
        invalid("https://icrweb.jp:99999");
        bad("https://ex ample.org", SiteUrlProblem::Spaces);
        invalid("https://exa<mple.org");
    }

    #[test]
    fn credentials_never_echo() {
        let e = SiteUrl::parse("https://taro:hunter2@icrweb.jp").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("hunter2"));
    }

    #[test]
    fn joins_keep_the_sub_path() {
        let site = SiteUrl::parse("https://example.org/moodle/").unwrap();
        assert_eq!(
            site.join("login/token.php"),
            "https://example.org/moodle/login/token.php"
        );
        assert_eq!(
            site.join("/webservice/rest/server.php"),
            "https://example.org/moodle/webservice/rest/server.php"
        );
        let root = SiteUrl::parse("icrweb.jp").unwrap();
        assert_eq!(
            root.join("login/token.php"),
            "https://icrweb.jp/login/token.php"
        );
    }

    #[test]
    fn relative_paths_stay_on_the_site() {
        let check = |site: &str, url: &str, want: Option<&str>| {
            let site = SiteUrl::parse(site).unwrap();
            let url = Url::parse(url).unwrap();
            assert_eq!(site.relative_path(&url), want, "{site} ∋ {url}?");
        };
        check(
            "https://h.jp",
            "https://h.jp/pluginfile.php/1/a.mp4",
            Some("/pluginfile.php/1/a.mp4"),
        );
        check("https://h.jp", "https://h.jp:443/x", Some("/x"));
        check("https://h.jp/moodle", "https://h.jp/moodle/x", Some("/x"));
        check("https://h.jp/moodle", "https://h.jp/moodle2/x", None);
        check("https://h.jp/moodle", "https://h.jp/x", None);
        check("https://h.jp", "http://h.jp/x", None);
        check("https://h.jp", "https://h.jp.evil.example/x", None);
        check("https://h.jp", "https://h.jp:8443/x", None);
    }

    #[test]
    fn serde_round_trips_through_the_string() {
        let site = SiteUrl::parse("example.org/moodle").unwrap();
        let json = serde_json::to_string(&site).unwrap();
        assert_eq!(json, "\"https://example.org/moodle\"");
        assert_eq!(serde_json::from_str::<SiteUrl>(&json).unwrap(), site);
        assert!(serde_json::from_str::<SiteUrl>("\"ftp://x\"").is_err());
    }
}
