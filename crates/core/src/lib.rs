//! Juko's engine: everything a learner's device does that is not drawing the screen.
//!
//! Architecture invariant: no Dioxus, no UI, and no knowledge of Moodle's wire format (that is
//! `juko-moodle`'s). The app calls this crate with `juko-model` types and gets them back.
//! Platform specifics (where a session is kept, for instance) come in through traits such as
//! [`SessionStore`], implemented by the app for each platform.

pub mod catalog;
// certificates (修了証) on the device.
pub mod certificates;
pub mod downloads;
mod error;
pub mod history;
pub mod ids;
pub mod join;
pub mod news;
pub mod quiz;
pub mod recorder;
mod session;
mod sign_in;
pub mod store;
pub mod sync;
#[cfg(test)]
mod test_events;
#[cfg(test)]
mod test_quiz;

pub use error::{Error, Result};
pub use juko_model as model;
pub use session::{MemorySessionStore, SavedSession, Session, SessionStore};
pub use sign_in::sign_in;
