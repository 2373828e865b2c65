//! Downloading a lecture's file for offline viewing: one ranged `GET` of the token-authenticated
//! pluginfile URL ([`Session::stream_url`]), read as a stream of chunks.
//!
//! Moodle's `send_stored_file` (`readfile_accel`, `byteserving_send_file`) answers a single
//! `Range: bytes=N-` with 206 and `Content-Range`, sends `ETag: "<contenthash>"` and
//! `Last-Modified`, and ignores `If-Range`: a resumed download cannot ask "only if unchanged",
//! so the caller compares the 206's ETag with the one it kept and starts again when they differ.
//! A range it cannot serve is answered with the whole file (200), which the caller also reads as
//! "start again".

use std::sync::OnceLock;

use juko_model::Media;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, ETAG, LAST_MODIFIED, RANGE};

use super::{Session, network_error};
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
    response: Option<reqwest::Response>,
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
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(response) = self.response.as_mut() else {
            return Ok(None);
        };
        #[cfg(not(target_arch = "wasm32"))]
        {
            let chunk = response
                .chunk()
                .await
                .map_err(|e| network_error(FILE_ENDPOINT, e))?;
            if chunk.is_none() {
                self.response = None;
            }
            Ok(chunk.map(|bytes| bytes.to_vec()))
        }
        // The browser's fetch gives the body at once through reqwest (its stream feature would
        // add a streams shim to the first load).
        #[cfg(target_arch = "wasm32")]
        {
            let _ = response;
            let response = self.response.take().expect("checked above");
            let bytes = response
                .bytes()
                .await
                .map_err(|e| network_error(FILE_ENDPOINT, e))?;
            Ok(Some(bytes.to_vec()))
        }
    }
}

impl Session {
    /// Asks for `media`'s file from byte `from` on (`Range: bytes=from-`; no range at 0).
    /// A status other than 200/206 is [`Error::Http`] (416 included: the caller starts over).
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
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => {
                return Err(self.scrub(refusal(response).await));
            }
            other => {
                return Err(Error::Http {
                    endpoint: FILE_ENDPOINT.to_owned(),
                    status: other.as_u16(),
                    retry_after_secs: None,
                });
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
}

/// A refused file: `webservice/pluginfile.php` answers a bad token or a file the user may not
/// have with its error in JSON (`{error, errorcode}`), so an expired session reads as one.
async fn refusal(response: reqwest::Response) -> Error {
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: Option<String>,
        errorcode: Option<String>,
    }
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default();
    match serde_json::from_slice::<Refusal>(&body) {
        Ok(Refusal {
            errorcode: Some(code),
            error,
        }) => Error::Exception {
            function: FILE_ENDPOINT.to_owned(),
            exception: crate::Exception {
                class: None,
                errorcode: Some(code),
                message: error.unwrap_or_default(),
                debuginfo: None,
            },
        },
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
fn download_client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        #[cfg(not(target_arch = "wasm32"))]
        {
            reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(15))
                .read_timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap_or_default()
        }
        #[cfg(target_arch = "wasm32")]
        reqwest::Client::new()
    })
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

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
