//! Moodle's Web Services protocol, as Juko speaks it.
//!
//! Architecture invariant: this is the only crate that knows Moodle's wire format. Everything it
//! hands out is a `juko_model` type, or one of its own small types ([`Error`], [`Token`],
//! [`SiteUrl`], [`Params`]). The wire structs stay private.
//!
//! Without the `client` feature the crate is pure (serde only, wasm-clean): it parses what a user
//! types as a site address, encodes requests the way PHP reads them, decodes response bodies into
//! model types ([`decode`]) and turns file URLs into streamable ones ([`stream_url`]). The `client`
//! feature adds [`Site`] and [`Session`], which do the HTTP with reqwest (rustls natively, the
//! browser's fetch on wasm32).
//!
//! The protocol facts come from `shared/protocol/moodle-ws-subset.md`; section numbers in comments
//! (`§4.2`) point there.

// certificates (修了証).
mod captions;
mod certificates;
mod convert;
pub mod decode;
mod enrol;
mod error;
mod files;
mod form;
mod lecture_meta;
mod news;
mod progress;
mod question_html;
mod quiz;
pub mod sanitize;
mod site_url;
mod token;
mod wire;

#[cfg(any(feature = "client", test))]
mod calls;
#[cfg(feature = "client")]
mod client;

pub use error::{
    DecodeProblem, Error, Exception, ExceptionKind, NetworkKind, Result, SiteUrlProblem,
};
pub use files::stream_url;
pub use form::{Params, Value};
pub use news::{ANNOUNCEMENTS_PER_BOARD, NOTIFICATIONS_LIMIT};
pub use question_html::{
    MAX_QUESTION_HTML, QuestionFields, QuestionProblem, answer_fields, parse_question,
};
pub use site_url::SiteUrl;
pub use token::Token;

#[cfg(feature = "client")]
pub use client::{FileAnswer, FileHead, Session, Site};
