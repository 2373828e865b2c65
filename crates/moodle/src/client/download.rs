//! Downloading a lecture's file for offline viewing: one ranged `GET` of the token-authenticated
//! pluginfile URL ([`Session::stream_url`]), read as a stream of chunks.
//!
//! Moodle's `send_stored_file` (`readfile_accel`, `byteserving_send_file`) answers a single
//! `Range: bytes=N-` with 206 and `Content-Range`, sends `ETag: "<contenthash>"` and
//! `Last-Modified`, and ignores `If-Range`: a resumed download cannot ask "only if unchanged",
//! so the caller compares the 206's ETag with the one it kept and starts again when they differ.
//! A range it cannot serve is answered with the whole file (200), which the caller also reads as
//! "start again".

use juko_model::Media;
#[cfg(not(target_arch = "wasm32"))]
use reqwest::StatusCode;
#[cfg(not(target_arch = "wasm32"))]
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, ETAG, LAST_MODIFIED, RANGE};

use super::Session;
#[cfg(not(target_arch = "wasm32"))]
use super::network_error;
use crate::{Error, Result};

/// How file answers are named in errors (never the URL: it carries the token).
pub(crate) const FILE_ENDPOINT: &str = "pluginfile.php";

/// What the site said about a file before its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHead {
    /// The offset of the first byte sent: the asked one on a 206, 0 on a 200.
    pub start: u64,
    /// The bytes this answer will carry (`Content-Length`), when said.
    pub length: Option<u64>,
    /// The whole file's size: `Content-Range`'s total on a 206, `Content-Length` on a 200.
    pub total: Option<u64>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A file answer being read.
pub struct FileAnswer {
    pub head: FileHead,
    #[cfg(not(target_arch = "wasm32"))]
    response: Option<reqwest::Response>,
    #[cfg(target_arch = "wasm32")]
    reader: Option<web_sys::ReadableStreamDefaultReader>,
}

impl std::fmt::Debug for FileAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileAnswer")
            .field("head", &self.head)
            .finish()
    }
}

impl FileAnswer {
    /// The next bytes of the body; `None` at its end. A connection lost midway is an
    /// [`Error::Network`]: what came before it is good.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(response) = self.response.as_mut() else {
            return Ok(None);
        };
        let chunk = response
            .chunk()
            .await
            .map_err(|e| network_error(FILE_ENDPOINT, e))?;
        if chunk.is_none() {
            self.response = None;
        }
        Ok(chunk.map(|bytes| bytes.to_vec()))
    }

    /// The browser's fetch body, read as a stream (reqwest's wasm body comes whole only).
    #[cfg(target_arch = "wasm32")]
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(reader) = self.reader.as_ref() else {
            return Ok(None);
        };
        let read = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| web::broken(&e))?;
        let field = |name: &str| js_sys::Reflect::get(&read, &name.into()).unwrap_or_default();
        if field("done").as_bool() == Some(true) {
            self.reader = None;
            return Ok(None);
        }
        Ok(Some(js_sys::Uint8Array::new(&field("value")).to_vec()))
    }
}

impl Session {
    /// Asks for `media`'s file from byte `from` on (`Range: bytes=from-`; no range at 0).
    /// A status other than 200/206 is read by [`refusal`] (416: [`Error::RangePastEnd`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn fetch_file(&self, media: &Media, from: u64) -> Result<FileAnswer> {
        let url = self.stream_url(media);
        let mut request = download_client().get(url);
        if from > 0 {
            request = request.header(RANGE, format!("bytes={from}-"));
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.scrub(network_error(FILE_ENDPOINT, e)))?;
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(|v| v.trim().to_owned())
        };
        let length = header(CONTENT_LENGTH).and_then(|v| v.parse().ok());
        let (start, total) = match status {
            StatusCode::OK => (0, length),
            StatusCode::PARTIAL_CONTENT => {
                let range = header(CONTENT_RANGE).and_then(|v| parse_content_range(&v));
                let Some((start, total)) = range else {
                    return Err(Error::Decode {
                        function: FILE_ENDPOINT.to_owned(),
                        problem: crate::DecodeProblem::Shape(
                            "a partial answer without a usable Content-Range".to_owned(),
                        ),
                    });
                };
                (start, total)
            }
            other => {
                let status = other.as_u16();
                let body = if says_why(status) {
                    response.bytes().await.unwrap_or_default().to_vec()
                } else {
                    Vec::new()
                };
                return Err(self.scrub(refusal(status, &body)));
            }
        };
        let head = FileHead {
            start,
            length,
            total,
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        Ok(FileAnswer {
            head,
            response: Some(response),
        })
    }

    /// Asks for `media`'s file from byte `from` on, through the browser's fetch.
    #[cfg(target_arch = "wasm32")]
    pub async fn fetch_file(&self, media: &Media, from: u64) -> Result<FileAnswer> {
        let url = self.stream_url(media);
        let response = web::fetch(&url, from).await.map_err(|e| self.scrub(e))?;
        let status = response.status();
        if !matches!(status, 200 | 206) {
            let body = if says_why(status) {
                web::text(&response).await
            } else {
                Vec::new()
            };
            return Err(self.scrub(refusal(status, &body)));
        }
        let headers = response.headers();
        let reader = web::reader(&response)?;
        let header = |name: &str| {
            headers
                .get(name)
                .ok()
                .flatten()
                .map(|v| v.trim().to_owned())
        };
        let length = header("content-length").and_then(|v| v.parse().ok());
        let (start, total) = match status {
            200 => (0, length),
            206 => header("content-range")
                .and_then(|v| parse_content_range(&v))
                .ok_or_else(|| Error::Decode {
                    function: FILE_ENDPOINT.to_owned(),
                    problem: crate::DecodeProblem::Shape(
                        "a partial answer without a usable Content-Range".to_owned(),
                    ),
                })?,
            _ => unreachable!("other statuses were answered above"),
        };
        let head = FileHead {
            start,
            length,
            total,
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        Ok(FileAnswer {
            head,
            reader: Some(reader),
        })
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::FILE_ENDPOINT;
    use crate::{Error, NetworkKind, Result};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    pub(super) fn broken(e: &wasm_bindgen::JsValue) -> Error {
        Error::Network {
            endpoint: FILE_ENDPOINT.to_owned(),
            kind: NetworkKind::Other,
            reason: e
                .as_string()
                .unwrap_or_else(|| "the download broke off".to_owned()),
        }
    }

    /// One `GET` with `Range` from `from`: the answer, its body unread.
    pub(super) async fn fetch(url: &str, from: u64) -> Result<web_sys::Response> {
        let headers = web_sys::Headers::new().map_err(|e| broken(&e))?;
        if from > 0 {
            headers
                .set("range", &format!("bytes={from}-"))
                .map_err(|e| broken(&e))?;
        }
        let init = web_sys::RequestInit::new();
        init.set_headers(&headers);
        let request =
            web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| broken(&e))?;
        let window = web_sys::window().ok_or_else(|| broken(&"no window".into()))?;
        let promise = window.fetch_with_request(&request);
        Ok(JsFuture::from(promise)
            .await
            .map_err(|e| broken(&e))?
            .unchecked_into())
    }

    /// The body's reader, to read it chunk by chunk.
    pub(super) fn reader(
        response: &web_sys::Response,
    ) -> Result<web_sys::ReadableStreamDefaultReader> {
        Ok(response
            .body()
            .ok_or_else(|| broken(&"no body".into()))?
            .get_reader()
            .unchecked_into())
    }

    /// A short body (a refusal's JSON), whole; empty when it cannot be read.
    pub(super) async fn text(response: &web_sys::Response) -> Vec<u8> {
        let Ok(promise) = response.text() else {
            return Vec::new();
        };
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
            .into_bytes()
    }
}

/// Whether a refusal's body is worth reading: `webservice/pluginfile.php` says why in JSON on
/// 403 and 404.
fn says_why(status: u16) -> bool {
    matches!(status, 403 | 404)
}

/// What a file answer other than 200/206 means, the same natively and in the browser.
/// `webservice/pluginfile.php` answers a bad token or a file the user may not have with its
/// error in JSON (`{error, errorcode}`), so an expired session reads as one; a 403/404 without
/// it is a file not available; a 416 asked past the file's end.
fn refusal(status: u16, body: &[u8]) -> Error {
    match status {
        403 | 404 => match crate::decode::refusal(FILE_ENDPOINT, body) {
            Ok(Some(said)) => said,
            _ => Error::FileNotAvailable { status },
        },
        416 => Error::RangePastEnd,
        _ => Error::Http {
            endpoint: FILE_ENDPOINT.to_owned(),
            status,
            retry_after_secs: None,
        },
    }
}

/// `bytes START-END/TOTAL` (or `/*`) → (START, TOTAL).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let spec = value.strip_prefix("bytes")?.trim();
    let (range, total) = spec.split_once('/')?;
    let (start, end) = range.trim().split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

/// Downloads take as long as the file needs: no whole-request timeout (the API client's 30 s
/// would cut every long lecture), only one on connecting and one between reads.
#[cfg(not(target_arch = "wasm32"))]
fn download_client() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(15))
            .read_timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_content_range, refusal};
    use crate::{Error, ExceptionKind};

    #[test]
    fn refusals_read_the_same_on_every_platform() {
        let token = br#"{"error":"Invalid token - token not found","errorcode":"invalidtoken"}"#;
        assert!(refusal(403, token).is_session_invalid());
        let denied = br#"{"error":"No access","errorcode":"nopermissions"}"#;
        assert_eq!(
            refusal(403, denied).kind(),
            Some(ExceptionKind::NotAvailable)
        );
        assert_eq!(
            refusal(
                404,
                b"<html>Sorry, the requested file could not be found</html>"
            ),
            Error::FileNotAvailable { status: 404 }
        );
        assert_eq!(refusal(403, b""), Error::FileNotAvailable { status: 403 });
        assert_eq!(refusal(416, b""), Error::RangePastEnd);
        assert!(matches!(refusal(503, b""), Error::Http { status: 503, .. }));
    }

    #[test]
    fn reads_content_range() {
        assert_eq!(
            parse_content_range("bytes 100-999/1000"),
            Some((100, Some(1000)))
        );
        assert_eq!(parse_content_range("bytes 0-0/*"), Some((0, None)));
        assert_eq!(parse_content_range("bytes 9-1/10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
        assert_eq!(parse_content_range("bytes x-1/2"), None);
        assert_eq!(parse_content_range("bytes 0-1/x"), None);
    }
}
