//! The HTTP client: [`Site`] before sign-in, [`Session`] with a token.
//!
//! Both are cheap to clone (an `Arc` each; reqwest's client shares its connection pool). Each
//! method is one request; decoding is [`crate::decode`]'s, so the rules tested on recorded
//! bodies are the rules applied here. Nothing is retried here: whether to retry, queue or give up
//! is the engine's decision, helped by [`Error::is_retryable`].

use crate::decode::{self, SITE_INFO};
use crate::{Error, NetworkKind, Params, Result, SiteUrl, Token};
use crate::{calls, progress};
use juko_model::{
    Course, CourseContents, CourseId, Lecture, LectureId, LectureKind, LoginPolicy, Media,
    ProgressEvent, ProgressPage, PushOutcome, SiteInfo, UserId,
};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use std::sync::{Arc, OnceLock};

pub use download::{FileAnswer, FileHead};

mod download;
mod enrol;
mod news;
mod quiz;

const APP_SITE_CHECK: &str = "login/token.php?appsitecheck=1";
const FORM: &str = "application/x-www-form-urlencoded";
/// The language site plugins are told (`applang`) when the learner chose none: ICRweb's.
const DEFAULT_APP_LANG: &str = "ja";
const JSON: &str = "application/json";

/// A Moodle site, before anyone signs in.
#[derive(Clone, Debug)]
pub struct Site {
    inner: Arc<SiteInner>,
}

#[derive(Debug)]
struct SiteInner {
    url: SiteUrl,
    http: reqwest::Client,
    /// Sent as `moodlewssettinglang` / `lang`, so texts come back in the learner's language.
    lang: Option<String>,
    /// The site's own root (`wwwroot`), once it has told us: file URLs use it, and it may differ
    /// from what the learner typed (`icrweb.jp` vs `https://www.icrweb.jp`).
    wwwroot: OnceLock<SiteUrl>,
}

impl Site {
    pub fn new(url: SiteUrl) -> Site {
        Site {
            inner: Arc::new(SiteInner {
                url,
                http: http_client(),
                lang: None,
                wwwroot: OnceLock::new(),
            }),
        }
    }

    /// The same site with another request timeout (natively; browsers keep their own).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_timeout(self, timeout: std::time::Duration) -> Site {
        let inner = &self.inner;
        Site {
            inner: Arc::new(SiteInner {
                url: inner.url.clone(),
                http: http_client_with_timeout(timeout),
                lang: inner.lang.clone(),
                wwwroot: inner.wwwroot.clone(),
            }),
        }
    }

    /// Asks the site for texts in `lang` (`ja`, `en`) where it has them.
    pub fn with_lang(self, lang: impl Into<String>) -> Site {
        self.derive(self.inner.url.clone(), Some(lang.into()))
    }

    /// A new `Site` sharing the HTTP client and what the site told us about itself.
    fn derive(&self, url: SiteUrl, lang: Option<String>) -> Site {
        let inner = &self.inner;
        let (http, wwwroot) = (inner.http.clone(), inner.wwwroot.clone());
        Site {
            inner: Arc::new(SiteInner {
                url,
                http,
                lang,
                wwwroot,
            }),
        }
    }

    pub fn url(&self) -> &SiteUrl {
        &self.inner.url
    }

    /// Whether the address is a Moodle site with web services (`login/token.php?appsitecheck=1`).
    pub async fn check(&self) -> Result<()> {
        self.resolve().await.map(|_| ())
    }

    /// Like [`Site::check`], and returns the site at the address it really answers from. A
    /// learner's `icrweb.jp` may redirect to `https://www.icrweb.jp`; sign-in must then go to the
    /// latter, because redirected POSTs lose their form (HTTP 301/302 turn them into GETs).
    pub async fn resolve(&self) -> Result<Site> {
        let what = "appsitecheck";
        let request = self.inner.http.get(self.inner.url.join(APP_SITE_CHECK));
        let answer = self.send(what, request).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Err(Error::NotMoodle {
                url: self.inner.url.to_string(),
                detail: "there is no login/token.php (HTTP 404)".into(),
            });
        }
        let final_root = answer.final_root.clone();
        let body = answer.success(what)?;
        decode::app_site_check(&self.inner.url, &body)?;
        Ok(match final_root {
            Some(root) if root != self.inner.url => self.derive(root, self.inner.lang.clone()),
            _ => self.clone(),
        })
    }

    /// What the site allows at sign-in (`tool_mobile_get_public_config`, no token needed).
    pub async fn login_policy(&self) -> Result<LoginPolicy> {
        let what = decode::PUBLIC_CONFIG;
        let mut answer = self.public_config("service-nologin.php").await?;
        // Sites older than `service-nologin.php` serve the same call from `service.php`.
        if answer.status == StatusCode::NOT_FOUND {
            answer = self.public_config("service.php").await?;
        }
        let policy = decode::login_policy(&answer.success(what)?)?;
        self.set_own_url(&policy.site_url);
        Ok(policy)
    }

    async fn public_config(&self, script: &str) -> Result<Answer> {
        let url = self.inner.url.join(&calls::public_config_path(
            script,
            self.inner.lang.as_deref(),
        ));
        let request = self
            .inner
            .http
            .post(url)
            .header(CONTENT_TYPE, JSON)
            .body(calls::public_config_body());
        self.send(decode::PUBLIC_CONFIG, request).await
    }

    /// Signs in with a password for the `moodle_mobile_app` service (`login/token.php`).
    pub async fn login(&self, username: &str, password: &str) -> Result<Token> {
        let what = decode::TOKEN_ENDPOINT;
        let request = self
            .inner
            .http
            .post(self.inner.url.join(decode::TOKEN_ENDPOINT))
            .header(CONTENT_TYPE, FORM)
            .body(calls::login_body(username, password));
        let body = self.send(what, request).await?.success(what)?;
        // The password is not in any error we build, but a site may echo it back.
        decode::token(&body).map_err(|e| e.redact(password))
    }

    /// A signed-in session on this site.
    pub fn session(&self, token: Token) -> Session {
        Session {
            inner: Arc::new(SessionInner {
                site: self.clone(),
                token,
            }),
        }
    }

    /// Tells the site its own root (`wwwroot`, i.e. [`SiteInfo::site_url`]) when it has not said it
    /// in this run, e.g. for a session restored from storage: file URLs on that root then stream
    /// with the token. [`Site::login_policy`] and [`Session::site_info`] do it themselves.
    pub fn set_own_url(&self, wwwroot: &str) {
        if let Ok(root) = SiteUrl::parse(wwwroot) {
            // First answer wins; a site does not move while the app talks to it.
            let _ = self.inner.wwwroot.set(root);
        }
    }

    async fn send(&self, what: &str, request: reqwest::RequestBuilder) -> Result<Answer> {
        let response = request.send().await.map_err(|e| network_error(what, e))?;
        let status = response.status();
        let retry_after_secs = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let final_root = root_of(response.url());
        let body = response
            .bytes()
            .await
            .map_err(|e| network_error(what, e))?
            .to_vec();
        Ok(Answer {
            status,
            retry_after_secs,
            final_root,
            body,
        })
    }
}

/// One HTTP answer, before its status is judged.
struct Answer {
    status: StatusCode,
    retry_after_secs: Option<u64>,
    /// The site root of the URL that finally answered, after redirects, when it is a
    /// `login/token.php` URL (only the app site check looks at it).
    final_root: Option<SiteUrl>,
    body: Vec<u8>,
}

impl Answer {
    /// The body of a 2xx answer. Moodle reports its own errors with HTTP 200 (§1.3), so any other
    /// status comes from the web server, a proxy or a rate limiter.
    fn success(self, what: &str) -> Result<Vec<u8>> {
        if self.status.is_success() {
            return Ok(self.body);
        }
        Err(Error::Http {
            endpoint: what.to_owned(),
            status: self.status.as_u16(),
            retry_after_secs: self.retry_after_secs,
        })
    }
}

/// The site root a `…/login/token.php` URL belongs to: where the app site check finally landed.
fn root_of(url: &reqwest::Url) -> Option<SiteUrl> {
    let root = url.path().strip_suffix(decode::TOKEN_ENDPOINT)?;
    let mut url = url.clone();
    url.set_path(root);
    SiteUrl::parse(url.as_str()).ok()
}

/// A signed-in learner on a [`Site`].
#[derive(Clone, Debug)]
pub struct Session {
    inner: Arc<SessionInner>,
}

#[derive(Debug)]
struct SessionInner {
    site: Site,
    token: Token,
}

impl Session {
    pub fn site(&self) -> &Site {
        &self.inner.site
    }

    pub fn token(&self) -> &Token {
        &self.inner.token
    }

    /// Calls any web-service function and reads its result as `T` (`()` for functions that
    /// return `null`). Every typed method below goes through here.
    pub async fn call<T: DeserializeOwned>(&self, function: &str, params: &Params) -> Result<T> {
        let body = self.post(function, params).await?;
        decode::rest(function, &body).map_err(|e| self.scrub(e))
    }

    /// The token out of an error's texts (sites echo request values in messages and pages).
    fn scrub(&self, e: Error) -> Error {
        e.redact(self.inner.token.as_str())
    }

    async fn post(&self, function: &str, params: &Params) -> Result<Vec<u8>> {
        let site = &self.inner.site;
        let body = calls::rest_body(
            &self.inner.token,
            function,
            site.inner.lang.as_deref(),
            params,
        );
        let request = site
            .inner
            .http
            .post(site.inner.url.join(&calls::rest_query(function)))
            .header(CONTENT_TYPE, FORM)
            .body(body);
        let answer = site.send(function, request).await;
        answer
            .and_then(|a| a.success(function))
            .map_err(|e| self.scrub(e))
    }

    /// `core_webservice_get_site_info`: who is signed in, and what this session may call.
    pub async fn site_info(&self) -> Result<SiteInfo> {
        let body = self.post(SITE_INFO, &Params::new()).await?;
        let info = decode::site_info(&body).map_err(|e| self.scrub(e))?;
        self.inner.site.set_own_url(&info.site_url);
        Ok(info)
    }

    /// The courses `user` is enrolled in (`core_enrol_get_users_courses`).
    pub async fn courses(&self, user: UserId) -> Result<Vec<Course>> {
        let (function, params) = calls::users_courses(user);
        let body = self.post(function, &params).await?;
        decode::courses(&body).map_err(|e| self.scrub(e))
    }

    /// A course's units, lectures and activities (`core_course_get_contents`).
    pub async fn course_contents(&self, course: CourseId) -> Result<CourseContents> {
        let (function, params) = calls::course_contents(course);
        let body = self.post(function, &params).await?;
        decode::course_contents(course, &body).map_err(|e| self.scrub(e))
    }

    /// Logs that the learner opened a course, or one of its units by section number.
    pub async fn view_course(&self, course: CourseId, section: Option<u32>) -> Result<()> {
        self.status(calls::view_course(course, section)).await
    }

    /// Logs that the learner opened a lecture; completes it on sites with "view" completion.
    pub async fn view_lecture(&self, lecture: &Lecture) -> Result<()> {
        self.status(calls::view_lecture(lecture)).await
    }

    /// The same view event for a lecture known only by its kind and instance id (queued views).
    pub async fn view_module(&self, kind: LectureKind, instance: i64) -> Result<()> {
        self.status(calls::view_module(kind, instance)).await
    }

    /// Sets manual completion of a lecture or activity (only for manually tracked modules).
    pub async fn set_completed(&self, lecture: LectureId, completed: bool) -> Result<()> {
        self.status(calls::set_completed(lecture, completed)).await
    }

    /// Sends recorded viewing-history events (`local_juko_push_progress`). Which were applied,
    /// already known or rejected is in the outcome; a refusal of the whole call is an error.
    pub async fn push_progress(
        &self,
        device: &str,
        events: &[ProgressEvent],
    ) -> Result<PushOutcome> {
        let (function, params) = progress::push(device, events);
        let body = self.post(function, &params).await?;
        progress::decode_push(&body).map_err(|e| self.scrub(e))
    }

    /// The learner's history changed after `since` (`local_juko_get_progress`), a page at a time.
    pub async fn pull_progress(&self, since: &str, limit: u32) -> Result<ProgressPage> {
        let (function, params) = progress::pull(since, limit);
        let body = self.post(function, &params).await?;
        progress::decode_pull(&body).map_err(|e| self.scrub(e))
    }

    /// The lectures and activities of a course the site counts as complete for `user`.
    pub async fn completed_in(&self, course: CourseId, user: UserId) -> Result<Vec<LectureId>> {
        let (function, params) = progress::completion_status(course, user);
        let body = self.post(function, &params).await?;
        progress::decode_completed(&body).map_err(|e| self.scrub(e))
    }

    /// The course's certificates: its certificate modules, and for each
    /// `mod_customcert` the learner may open, its mobile view (issue time, PDF address).
    /// A module whose view the site refuses is shown locked with the site's reason; only an
    /// error that stops every call (offline, expired session) fails the whole list.
    pub async fn certificates(
        &self,
        course: CourseId,
        course_name: &str,
        user: juko_model::UserId,
    ) -> Result<Vec<juko_model::Certificate>> {
        let (function, params) = calls::course_contents(course);
        let body = self.post(function, &params).await?;
        let found = decode::certificates(course, course_name, &body).map_err(|e| self.scrub(e))?;
        let lang = self
            .inner
            .site
            .inner
            .lang
            .as_deref()
            .unwrap_or(DEFAULT_APP_LANG);
        let mut certificates = Vec::with_capacity(found.len());
        for found in found {
            let certificate = match found.mobile_view {
                Some(module) => {
                    let (function, params) =
                        crate::certificates::mobile_view_request(module, course, user, lang);
                    let view = match self.post(function, &params).await {
                        Ok(body) => {
                            crate::certificates::read_mobile_view(&body).map_err(|e| self.scrub(e))
                        }
                        Err(e) => Err(e),
                    };
                    match view {
                        Ok(view) => crate::certificates::with_view(found.certificate, view),
                        Err(e) if e.stops_everything() => return Err(e),
                        Err(e) => crate::certificates::refused(found.certificate, &e),
                    }
                }
                None => found.certificate,
            };
            certificates.push(certificate);
        }
        Ok(certificates)
    }

    /// A certificate's PDF (`Certificate::pdf_url`). The first fetch issues the certificate.
    pub async fn certificate_pdf(&self, pdf_url: &str) -> Result<Vec<u8>> {
        let what = crate::certificates::PDF_ENDPOINT;
        let site = &self.inner.site;
        let url = crate::certificates::pdf_request_url(&site.inner.url, &self.inner.token, pdf_url)
            .ok_or_else(|| Error::Decode {
                function: what.to_owned(),
                problem: crate::DecodeProblem::Shape("not this site's certificate".to_owned()),
            })?;
        let answer = site.send(what, site.inner.http.get(url)).await;
        answer
            .and_then(|a| a.success(what))
            .and_then(crate::certificates::read_pdf)
            .map_err(|e| self.scrub(e))
    }

    /// A caption track's WebVTT text (`Media::captions`), fetched with the token: only files of
    /// this site, so the token never goes elsewhere.
    pub async fn caption_text(&self, track: &juko_model::CaptionTrack) -> Result<String> {
        let what = crate::captions::CAPTION_FILE;
        let site = &self.inner.site;
        let token = &self.inner.token;
        let url = track.url.trim().replace("&amp;", "&");
        let url = crate::files::with_token(&site.inner.url, token, &url)
            .or_else(|| {
                (site.inner.wwwroot.get())
                    .and_then(|root| crate::files::with_token(root, token, &url))
            })
            .ok_or_else(|| Error::Decode {
                function: what.to_owned(),
                problem: crate::DecodeProblem::Shape("not this site's file".to_owned()),
            })?;
        let answer = site.send(what, site.inner.http.get(url)).await;
        answer
            .and_then(|a| a.success(what))
            .and_then(crate::captions::read_vtt)
            .map_err(|e| self.scrub(e))
    }

    async fn status(&self, (function, params): (&str, Params)) -> Result<()> {
        let body = self.post(function, &params).await?;
        decode::status(function, &body).map_err(|e| self.scrub(e))
    }

    /// The URL a player streams `media` from: the token is added for files on this site (as the
    /// learner typed it, or as the site calls itself); external links come back unchanged.
    /// The test's own page on the site (`mod/quiz/view.php`), where the learner takes what the app
    /// does not (question types, access rules): on the site's own root when it told it.
    pub fn quiz_page_url(&self, module: LectureId) -> String {
        let site = &self.inner.site.inner;
        let root = site.wwwroot.get().unwrap_or(&site.url);
        root.join(&format!("mod/quiz/view.php?id={module}"))
    }

    /// Where an image in the site's HTML loads from when shown: the site's own files with the
    /// token added, nothing else (see [`crate::sanitize::for_display`]).
    pub fn image_source(&self) -> crate::sanitize::ImageSource {
        let site = &self.inner.site.inner;
        let (url, root) = (site.url.clone(), site.wwwroot.get().cloned());
        let token = self.inner.token.clone();
        std::sync::Arc::new(move |src: &str| {
            let src = src.trim().replace("&amp;", "&");
            crate::files::with_token(&url, &token, &src).or_else(|| {
                root.as_ref()
                    .and_then(|r| crate::files::with_token(r, &token, &src))
            })
        })
    }

    pub fn stream_url(&self, media: &Media) -> String {
        if media.external {
            return media.url.clone();
        }
        let site = &self.inner.site.inner;
        let token = &self.inner.token;
        let url = media.url.trim().replace("&amp;", "&");
        crate::files::with_token(&site.url, token, &url)
            .or_else(|| {
                site.wwwroot
                    .get()
                    .and_then(|root| crate::files::with_token(root, token, &url))
            })
            .unwrap_or(url)
    }
}

/// How long a request may take natively before it counts as a network failure.
#[cfg(not(target_arch = "wasm32"))]
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn http_client() -> reqwest::Client {
    #[cfg(not(target_arch = "wasm32"))]
    return http_client_with_timeout(REQUEST_TIMEOUT);
    #[cfg(target_arch = "wasm32")]
    reqwest::Client::new()
}

/// Browsers (wasm32) own their timeouts; natively a dead network must not hang the app.
#[cfg(not(target_arch = "wasm32"))]
fn http_client_with_timeout(timeout: std::time::Duration) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(15)));
    // `build` fails only for settings this crate never uses (custom certificates, identities,
    // TLS version bounds); the default client is the same minus the timeouts.
    builder.build().unwrap_or_default()
}

/// reqwest's error as ours: the kind, and the whole cause chain as the reason. The URL is dropped
/// (ours carry no secret, but the endpoint name says enough).
fn network_error(what: &str, e: reqwest::Error) -> Error {
    let e = e.without_url();
    let reason = cause_chain(&e);
    Error::Network {
        endpoint: what.to_owned(),
        kind: network_kind(&e, &reason),
        reason,
    }
}

fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

fn network_kind(e: &reqwest::Error, reason: &str) -> NetworkKind {
    if e.is_timeout() {
        return NetworkKind::Timeout;
    }
    connect_kind(e, reason).unwrap_or(NetworkKind::Other)
}

/// Why a connection could not be made, when that is what failed. hyper reports refusals as I/O
/// errors, but DNS and TLS failures only in words, so those are matched on the message.
#[cfg(not(target_arch = "wasm32"))]
fn connect_kind(e: &reqwest::Error, reason: &str) -> Option<NetworkKind> {
    if !e.is_connect() {
        return None;
    }
    let lower = reason.to_lowercase();
    let mentions = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    Some(
        if has_io_kind(e, std::io::ErrorKind::ConnectionRefused)
            || mentions(&["connection refused"])
        {
            NetworkKind::Refused
        } else if mentions(&["dns", "lookup address", "resolve"]) {
            NetworkKind::Dns
        } else if mentions(&["certificate", "tls", "handshake", "corrupt message"]) {
            NetworkKind::Tls
        } else {
            NetworkKind::Connect
        },
    )
}

/// The browser's fetch does not say why a request failed.
#[cfg(target_arch = "wasm32")]
fn connect_kind(_: &reqwest::Error, _: &str) -> Option<NetworkKind> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn has_io_kind(e: &reqwest::Error, kind: std::io::ErrorKind) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        source = cause.source();
    }
    false
}
