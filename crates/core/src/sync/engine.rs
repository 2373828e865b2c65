//! One synchronization round: push the outbox in batches, then pull what changed.

use super::plan::{BATCH_SIZE, PAGE_SIZE, batches, compact, reconcile};
use crate::store::{SiteAction, Store};
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
    /// Sends one queued action to a site without the extension.
    fn act(&self, action: &SiteAction) -> impl Future<Output = Result<()>>;
}

impl Remote for juko_moodle::Session {
    async fn act(&self, action: &SiteAction) -> Result<()> {
        match action {
            SiteAction::Viewed { instance, kind, .. } => {
                Ok(self.view_module(*kind, *instance).await?)
            }
            SiteAction::Completed { lecture } => Ok(self.set_completed(*lecture, true).await?),
            SiteAction::AnnouncementViewed { announcement } => {
                Ok(self.view_announcement(*announcement).await?)
            }
            SiteAction::NotificationRead {
                notification,
                at_secs,
            } => Ok(self.mark_notification_read(*notification, *at_secs).await?),
        }
    }
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
    // A push the server keeps refusing must not also keep other devices' history away: pull
    // anyway, then report the push's error. Offline, there is no point in pulling.
    let pushed = push_pending(store, remote, &now_ms).await;
    if let Err(e) = &pushed
        && e.is_retryable()
    {
        return pushed;
    }
    let pulled = pull_changes(store, remote, &now_ms).await?;
    let mut report = pushed?;
    report.pulled = pulled;
    Ok(report)
}

/// The push half of [`sync_once`]: sends the outbox (compacted) in batches and settles it.
pub async fn push_pending<S, R>(
    store: &S,
    remote: &R,
    now_ms: impl Fn() -> i64,
) -> Result<SyncReport>
where
    S: Store + ?Sized,
    R: Remote,
{
    let device = store.device_id()?;
    let mut report = SyncReport::default();
    compact_outbox(store)?;
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
    Ok(report)
}

/// Shrinks the outbox without sending it (see [`compact`]): before each push, and on sites
/// without the extension, where the outbox only waits.
pub fn compact_outbox<S: Store + ?Sized>(store: &S) -> Result<()> {
    // Fewer, larger events: a minute of playback is then one interval and one position.
    let pending = store.pending(usize::MAX)?;
    if let Some((events, replaced)) = compact(&pending, crate::ids::new_id) {
        store.replace_pending(&replaced, &events)?;
    }
    Ok(())
}

/// Sends the queued site actions, oldest first. An action the site refuses is dropped (retrying
/// would be refused again, as the Moodle App reasons, §9.1); a network failure stops the round
/// with everything left queued. Returns how many were sent.
pub async fn replay_actions<S, R>(store: &S, remote: &R) -> Result<usize>
where
    S: Store + ?Sized,
    R: Remote,
{
    let mut sent = 0;
    for action in store.actions()? {
        match remote.act(&action).await {
            Ok(()) => sent += 1,
            // The site said no to this request (a Moodle exception about it, or no access to the
            // lecture): sending it again would get the same answer, as the Moodle App reasons.
            Err(e) if is_refusal(&e) => {
                tracing::warn!("the site refused {action:?}; dropped: {e}");
            }
            // Anything else (offline, an expired session, maintenance, a proxy's page) says
            // nothing about the request itself: keep everything queued.
            Err(e) => return Err(e),
        }
        store.remove_action(&action)?;
    }
    Ok(sent)
}

/// Whether an error is the site refusing a request, as opposed to not being reachable or usable.
fn is_refusal(e: &Error) -> bool {
    matches!(
        e,
        Error::NotAvailable(_) | Error::Refused(_) | Error::InvalidRequest(_)
    )
}

/// The pull half of [`sync_once`]: merges every change since the stored cursor; returns how
/// many lecture records came.
pub async fn pull_changes<S, R>(store: &S, remote: &R, now_ms: impl Fn() -> i64) -> Result<usize>
where
    S: Store + ?Sized,
    R: Remote,
{
    let mut pulled = 0;
    loop {
        let since = store.cursor()?;
        let page = match remote.pull(&since, PAGE_SIZE).await {
            // The server no longer knows our cursor (its database was reset or replaced): start
            // over from the beginning; merging is idempotent, so nothing is counted twice.
            Err(Error::InvalidRequest(_)) if !since.is_empty() => {
                tracing::warn!("the server refused the sync cursor; pulling everything again");
                store.merge_remote(&ProgressPage::default(), now_ms())?;
                continue;
            }
            other => other?,
        };
        pulled += page.lectures.len();
        store.merge_remote(&page, now_ms())?;
        if !page.has_more || page.cursor == since {
            break;
        }
    }
    Ok(pulled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KvStore, LectureContext, MemoryKv};
    use crate::test_events::block_on;
    use juko_model::{Interval, LectureId, ProgressKind};
    use std::cell::RefCell;

    /// A server in memory: acknowledges what it is told to, refuses unknown cursors.
    #[derive(Default)]
    struct FakeRemote {
        ignore_everything: bool,
        pulls: RefCell<Vec<String>>,
    }

    impl Remote for FakeRemote {
        async fn act(&self, _: &SiteAction) -> Result<()> {
            Ok(())
        }
        async fn push(&self, _: &str, events: &[ProgressEvent]) -> Result<PushOutcome> {
            let applied = if self.ignore_everything {
                vec![]
            } else {
                events.iter().map(|e| e.id.clone()).collect()
            };
            Ok(PushOutcome {
                applied,
                threshold: 0.9,
                ..PushOutcome::default()
            })
        }
        async fn pull(&self, since: &str, _: u32) -> Result<ProgressPage> {
            self.pulls.borrow_mut().push(since.to_owned());
            if since == "stale" {
                return Err(Error::InvalidRequest("since".into()));
            }
            Ok(ProgressPage {
                cursor: "1".into(),
                ..ProgressPage::default()
            })
        }
    }

    fn store_with_one_event() -> KvStore<MemoryKv> {
        let store = KvStore::open(MemoryKv::default(), "t").unwrap();
        let e = ProgressEvent {
            id: "a".into(),
            lecture: LectureId(1),
            kind: ProgressKind::Played(Interval { from: 0.0, to: 1.0 }),
            client_time_ms: 1,
        };
        let context = LectureContext {
            course: None,
            title: None,
            duration_secs: Some(10.0),
            complete_on_site: false,
        };
        store.record(&e, context, 1).unwrap();
        store
    }

    #[test]
    fn a_refused_cursor_starts_the_pull_over() {
        let store = store_with_one_event();
        store
            .merge_remote(
                &ProgressPage {
                    cursor: "stale".into(),
                    ..ProgressPage::default()
                },
                0,
            )
            .unwrap();
        let remote = FakeRemote::default();
        let report = block_on(sync_once(&store, &remote, || 0)).expect("syncs");
        assert_eq!(report.applied, 1);
        assert_eq!(*remote.pulls.borrow(), ["stale", ""]);
        assert_eq!(store.cursor().unwrap(), "1");
    }

    #[test]
    fn a_server_that_answers_for_nothing_is_an_error_not_a_loop() {
        let store = store_with_one_event();
        let remote = FakeRemote {
            ignore_everything: true,
            ..FakeRemote::default()
        };
        let err = block_on(sync_once(&store, &remote, || 0)).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        assert_eq!(store.pending_count().unwrap(), 1, "the event stays queued");
    }
}

#[cfg(test)]
mod action_tests {
    use super::*;
    use crate::store::{KvStore, MemoryKv};
    use crate::test_events::block_on;
    use juko_model::{LectureId, LectureKind};

    struct Site {
        online: bool,
    }

    impl Remote for Site {
        async fn push(&self, _: &str, _: &[ProgressEvent]) -> Result<PushOutcome> {
            unreachable!("no pushes in these tests")
        }
        async fn pull(&self, _: &str, _: u32) -> Result<ProgressPage> {
            unreachable!("no pulls in these tests")
        }
        async fn act(&self, action: &SiteAction) -> Result<()> {
            match action {
                _ if !self.online => Err(Error::Unreachable("offline".into())),
                SiteAction::Completed { .. } => {
                    Err(Error::Refused("manual completion is off".into()))
                }
                _ => Ok(()),
            }
        }
    }

    #[test]
    fn actions_wait_offline_and_refused_ones_are_dropped() {
        let store = KvStore::open(MemoryKv::default(), "t").unwrap();
        let view = SiteAction::Viewed {
            lecture: LectureId(1),
            instance: 7,
            kind: LectureKind::File,
        };
        let done = SiteAction::Completed {
            lecture: LectureId(1),
        };
        store.queue_action(&view).unwrap();
        store.queue_action(&done).unwrap();
        assert!(block_on(replay_actions(&store, &Site { online: false })).is_err());
        assert_eq!(store.actions().unwrap().len(), 2, "kept while offline");
        assert_eq!(
            block_on(replay_actions(&store, &Site { online: true })).unwrap(),
            1
        );
        assert!(
            store.actions().unwrap().is_empty(),
            "sent, and the refused one dropped"
        );
    }
}
