//! One synchronization round: push the outbox in batches, then pull what changed.

use super::plan::{BATCH_SIZE, PAGE_SIZE, batches, compact, reconcile};
use crate::store::Store;
use crate::{Error, Result};
use juko_model::{ProgressEvent, ProgressPage, PushOutcome};

/// The server side of synchronization. `juko_moodle::Session` is one; tests wrap it in faults.
pub trait Remote {
    fn push(
        &self,
        device: &str,
        events: &[ProgressEvent],
    ) -> impl Future<Output = Result<PushOutcome>>;
    fn pull(&self, since: &str, limit: u32) -> impl Future<Output = Result<ProgressPage>>;
}

impl Remote for juko_moodle::Session {
    async fn push(&self, device: &str, events: &[ProgressEvent]) -> Result<PushOutcome> {
        Ok(self.push_progress(device, events).await?)
    }
    async fn pull(&self, since: &str, limit: u32) -> Result<ProgressPage> {
        Ok(self.pull_progress(since, limit).await?)
    }
}

/// What a round did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    /// Events the server applied now.
    pub applied: usize,
    /// Events the server had applied before (replays of a push whose answer was lost).
    pub known: usize,
    pub rejected: usize,
    /// Lectures whose server history was merged in.
    pub pulled: usize,
}

/// Pushes every pending event, then pulls every change since the stored cursor.
///
/// Safe to interrupt anywhere: an event leaves the outbox only after the server answered for it,
/// and a push that was applied but whose answer was lost is answered `known` next time.
pub async fn sync_once<S, R>(store: &S, remote: &R, now_ms: impl Fn() -> i64) -> Result<SyncReport>
where
    S: Store + ?Sized,
    R: Remote,
{
    let device = store.device_id()?;
    let mut report = SyncReport::default();
    // Fewer, larger events: a minute of playback is then one interval and one position.
    let pending = store.pending(usize::MAX)?;
    if let Some((events, replaced)) = compact(&pending, crate::ids::new_id) {
        store.replace_pending(&replaced, &events)?;
    }
    loop {
        let pending = store.pending(BATCH_SIZE)?;
        if pending.is_empty() {
            break;
        }
        for batch in batches(&pending, BATCH_SIZE) {
            let outcome = reconcile(batch, remote.push(&device, batch).await?);
            let (applied, known, rejected) = (
                outcome.applied.len(),
                outcome.known.len(),
                outcome.rejected.len(),
            );
            let removed = store.settle(&outcome, now_ms())?;
            if removed == 0 {
                // Nothing was answered for: pushing again would loop forever.
                return Err(Error::Protocol(
                    "the server answered for none of the events sent".into(),
                ));
            }
            report.applied += applied;
            report.known += known;
            report.rejected += rejected;
        }
    }
    loop {
        let since = store.cursor()?;
        let page = remote.pull(&since, PAGE_SIZE).await?;
        report.pulled += page.lectures.len();
        store.merge_remote(&page, now_ms())?;
        if !page.has_more || page.cursor == since {
            break;
        }
    }
    Ok(report)
}
