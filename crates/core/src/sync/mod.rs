//! Synchronizing viewing history with the server: pure planning (`plan`) apart from the IO
//! (`engine`), which goes through the [`Remote`] trait so tests can put faults in between.

mod backoff;
mod engine;
mod plan;

pub use backoff::Backoff;
pub use engine::{
    Remote, SyncReport, compact_outbox, pull_changes, push_pending, replay_actions, sync_once,
};
pub use plan::{BATCH_SIZE, PAGE_SIZE, batches, compact, reconcile};
