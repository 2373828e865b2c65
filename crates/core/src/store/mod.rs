//! The device's own record of the learner's viewing history, and the outbox of what the server
//! has not acknowledged yet.
//!
//! Invariant: every recorded event changes the lecture's local history and enters the outbox
//! in one atomic step, before anything is sent. An event leaves the outbox only when the server
//! reported it applied or already known; a rejected event moves to the rejected list, kept for
//! diagnosis. Two implementations share the contract tests in `tests.rs`: SQLite (desktop,
//! mobile) and a key-value one over browser storage (web).
//!
//! The same per-account store keeps copies of what the site showed (the catalog: site info, my
//! courses, each opened course), so every screen can draw from the device first; see
//! [`crate::catalog`]. Signing out erases all of it ([`Store::erase`]).

mod attempts;
mod kv;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(test)]
mod tests;

pub use attempts::{AnswerChange, ClosedOnSite, KeptAttempt, QueuedAnswer, SentAnswer};
pub use kv::{KeyValue, KvStore, MemoryKv};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::Result;
use juko_model::{
    AnnouncementId, AttemptId, CourseId, LectureId, LectureProgress, NotificationId, ProgressEvent,
    ProgressKind, ProgressPage, PushOutcome, Rejection,
};
use serde::{Deserialize, Serialize};

/// One lecture's history on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalProgress {
    pub progress: LectureProgress,
    pub course: Option<CourseId>,
    /// The lecture's title when this device has seen it (history from another device may not
    /// have one until the course is opened here).
    #[serde(default)]
    pub title: Option<String>,
    /// The video's length in seconds, once known (from the site's listing or the player).
    pub duration_secs: Option<f64>,
    /// When this device last changed it (ms since the epoch): "recently watched" order.
    pub updated_ms: i64,
}

impl LocalProgress {
    pub fn new(lecture: LectureId) -> LocalProgress {
        LocalProgress {
            progress: LectureProgress::new(lecture),
            course: None,
            title: None,
            duration_secs: None,
            updated_ms: 0,
        }
    }

    /// Share of the video watched, when its length is known.
    pub fn coverage(&self) -> Option<f64> {
        self.duration_secs
            .map(|d| self.progress.watched.coverage(d))
    }

    pub fn is_complete(&self) -> bool {
        self.progress.completed_at.is_some()
    }

    /// Where the player goes on from: the last position, unless it is within
    /// [`RESUME_END_MARGIN_SECS`] of the video's end (when its length is known), where the
    /// learner wants it from the start rather than a frame before the end.
    pub fn resume_at(&self) -> Option<f64> {
        let at = self.progress.position?.seconds;
        let near_end = self
            .duration_secs
            .is_some_and(|d| at >= d - RESUME_END_MARGIN_SECS);
        (at > 0.0 && !near_end).then_some(at)
    }
}

/// How close to a video's end a last position counts as the end (see [`LocalProgress::resume_at`]).
pub const RESUME_END_MARGIN_SECS: f64 = 3.0;

/// What the app knows about a lecture when it records an event for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LectureContext<'a> {
    pub course: Option<CourseId>,
    pub title: Option<&'a str>,
    pub duration_secs: Option<f64>,
    /// The site learns of completion only as the learner's own manual completion (a site
    /// without the history extension, a lecture with manual completion): the event that
    /// completes the lecture also queues [`SiteAction::Completed`], in the same atomic step.
    pub complete_on_site: bool,
}

/// Something to tell a site that lacks the history extension, queued so it survives being
/// offline (the Moodle App's offline queues, `moodle-ws-subset.md` §9.2–9.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SiteAction {
    /// The learner opened the lecture (`mod_*_view_*`, by instance id).
    Viewed {
        lecture: LectureId,
        instance: i64,
        kind: juko_model::LectureKind,
    },
    /// Mark the lecture complete (manual completion), its coverage having reached the threshold.
    Completed { lecture: LectureId },
    /// The learner opened an announcement (the site's view log; read where it tracks reading).
    AnnouncementViewed { announcement: AnnouncementId },
    /// The learner read a notification: mark it read on the site, as read at `at_secs`.
    NotificationRead {
        notification: NotificationId,
        at_secs: i64,
    },
}

impl SiteAction {
    /// The lecture the action reports on, when it is about one.
    pub fn lecture(&self) -> Option<LectureId> {
        match self {
            SiteAction::Viewed { lecture, .. } | SiteAction::Completed { lecture } => {
                Some(*lecture)
            }
            SiteAction::AnnouncementViewed { .. } | SiteAction::NotificationRead { .. } => None,
        }
    }

    /// Actions with the same key are the same request: queued once, as the Moodle App does.
    pub fn key(&self) -> String {
        match self {
            SiteAction::Viewed { lecture, .. } => format!("view:{lecture}"),
            SiteAction::Completed { lecture } => format!("complete:{lecture}"),
            SiteAction::AnnouncementViewed { announcement } => format!("news:{announcement}"),
            SiteAction::NotificationRead { notification, .. } => format!("note:{notification}"),
        }
    }
}

/// The local history store. Implementations are cheap handles; all methods are atomic.
pub trait Store {
    /// Applies `event` to the lecture's local history and queues it for the server, atomically;
    /// when it completes the lecture and `context.complete_on_site`, the site action that
    /// reports it is queued in the same step. Returns the lecture's history after the change.
    fn record(
        &self,
        event: &ProgressEvent,
        context: LectureContext<'_>,
        now_ms: i64,
    ) -> Result<LocalProgress>;

    fn lecture(&self, lecture: LectureId) -> Result<Option<LocalProgress>>;

    /// Every lecture with history, most recently changed first.
    fn all(&self) -> Result<Vec<LocalProgress>>;

    /// The oldest `limit` events not yet acknowledged by the server.
    fn pending(&self, limit: usize) -> Result<Vec<ProgressEvent>>;

    fn pending_count(&self) -> Result<usize>;

    /// Replaces outbox events by `replacements` (a compaction of them), atomically where the
    /// store can; otherwise new ones first, so a crash leaves duplicates, never a loss.
    fn replace_pending(&self, replaced: &[String], replacements: &[ProgressEvent]) -> Result<()>;

    /// Removes what the server applied or knew; moves what it rejected to the rejected list.
    /// Returns how many events left the outbox.
    fn settle(&self, outcome: &PushOutcome, now_ms: i64) -> Result<usize>;

    /// Merges a page of server history by the model's rules and keeps its cursor, atomically.
    fn merge_remote(&self, page: &ProgressPage, now_ms: i64) -> Result<()>;

    /// Where the next pull starts ("" before the first).
    fn cursor(&self) -> Result<String>;

    /// The completion threshold the server last sent (the default before that).
    fn threshold(&self) -> Result<f64>;

    /// This device's id, made once and kept.
    fn device_id(&self) -> Result<String>;

    /// Events the server refused, with its reasons, newest first.
    fn rejected(&self) -> Result<Vec<Rejection>>;

    /// Queues an action for the site (a second one with the same key is dropped).
    fn queue_action(&self, action: &SiteAction) -> Result<()>;

    /// Queued actions, oldest first.
    fn actions(&self) -> Result<Vec<SiteAction>>;

    /// Removes a queued action (sent, or refused by the site).
    fn remove_action(&self, action: &SiteAction) -> Result<()>;

    /// Keeps `json` under `key` in the catalog (what the site last showed), replacing the
    /// copy there, with when it was fetched. Use [`crate::catalog`], which names the keys.
    fn keep(&self, key: &str, json: &str, fetched_ms: i64) -> Result<()>;

    /// The kept copy under `key`, with when it was fetched.
    fn kept(&self, key: &str) -> Result<Option<(String, i64)>>;

    /// Keeps the site's copy of an attempt, replacing the one kept; its queued changes and
    /// queued finish stay as they are.
    fn keep_attempt(&self, kept: &KeptAttempt) -> Result<()>;

    /// The kept copy of an attempt, if this device has one.
    fn kept_attempt(&self, attempt: AttemptId) -> Result<Option<KeptAttempt>>;

    /// Every attempt this device keeps, in id order.
    fn kept_attempts(&self) -> Result<Vec<AttemptId>>;

    /// Forgets an attempt: its copy, its queued changes, what was sent for it, its queued finish
    /// and its screen marks.
    fn forget_attempt(&self, attempt: AttemptId) -> Result<()>;

    /// Queues a learner's change to one question, in one atomic step: the latest change per
    /// (attempt, slot) wins, with a new version. Returns the entry as queued now.
    fn queue_answer(
        &self,
        attempt: AttemptId,
        slot: u32,
        change: &AnswerChange,
        now_ms: i64,
    ) -> Result<QueuedAnswer>;

    /// An attempt's queued changes, in slot order.
    fn queued_answers(&self, attempt: AttemptId) -> Result<Vec<QueuedAnswer>>;

    /// Removes queued changes the site took, each `(slot, version)` only if the entry is still
    /// at that version (a change made meanwhile stays queued). Returns how many left.
    fn settle_answers(&self, attempt: AttemptId, sent: &[(u32, u64)]) -> Result<usize>;

    /// Marks queued changes whose question the site changed meanwhile: kept, never sent, until
    /// the learner answers the question again.
    fn mark_needs_look(&self, attempt: AttemptId, slots: &[u32]) -> Result<()>;

    /// Remembers what is about to be sent for each question, before the request goes (see
    /// [`SentAnswer`]): added to what was sent on the same sequence check, in place of what was
    /// sent on an earlier one. Atomic per question.
    fn record_sent(&self, attempt: AttemptId, sent: &[SentAnswer]) -> Result<()>;

    /// What this device sent for the attempt's questions and has not settled, in slot order.
    fn sent_answers(&self, attempt: AttemptId) -> Result<Vec<SentAnswer>>;

    /// Forgets what was sent for each `(slot, sequence_check)` on that check or an earlier one:
    /// the site took it, or its copy moved past it and was compared.
    fn forget_sent(&self, attempt: AttemptId, settled: &[(u32, u32)]) -> Result<()>;

    /// Queues (or clears) the attempt's submission, to be sent when the site can be reached.
    fn set_finish_queued(&self, attempt: AttemptId, queued: bool) -> Result<()>;

    fn finish_queued(&self, attempt: AttemptId) -> Result<bool>;

    /// Test answers and submissions the site does not have yet, over every attempt: what
    /// signing out would lose.
    fn unsent_quiz_changes(&self) -> Result<usize>;

    /// Everything that waits on the device for the site: viewing-history events in the outbox
    /// and test changes not yet taken. What the sync badge counts.
    fn waiting_for_site(&self) -> Result<usize> {
        Ok(self.pending_count()? + self.unsent_quiz_changes()?)
    }

    /// Marks `attempt` as open on a screen of `holder` (one running app, one browser tab)
    /// until `until_ms`, replacing that holder's mark; `None` takes it away. Other holders'
    /// marks stay. See [`crate::quiz::OnScreen`].
    fn mark_on_screen(&self, attempt: AttemptId, holder: &str, until_ms: Option<i64>)
    -> Result<()>;

    /// The marks on `attempt`, `(holder, until_ms)`, in holder order, past their time or not.
    fn on_screen_marks(&self, attempt: AttemptId) -> Result<Vec<(String, i64)>>;

    /// Marks an announcement read on this device at `at_ms` (a second mark keeps the first).
    /// Read state lives here, not on the site: Moodle's forum tracking is often off.
    fn mark_announcement_read(&self, announcement: AnnouncementId, at_ms: i64) -> Result<()>;

    /// Every announcement read on this device, in id order.
    fn read_announcements(&self) -> Result<Vec<AnnouncementId>>;

    /// Records a lecture download (replacing its earlier record).
    fn put_download(&self, download: &crate::downloads::Download) -> Result<()>;

    /// Every lecture download recorded, in no particular order.
    fn downloads(&self) -> Result<Vec<crate::downloads::Download>>;

    /// Forgets a lecture download's record (its file is the caller's).
    fn remove_download(&self, lecture: LectureId) -> Result<()>;

    /// Erases everything this store holds for its account (history, outbox, catalog): signing
    /// out on a shared device leaves nothing of the learner behind. The handle (and its clones)
    /// refuses every write afterwards, so a task still holding it (the player's last report, a
    /// sync round under way) cannot bring the account's data back.
    fn erase(&self) -> Result<()>;
}

/// What recording an event did, for the store to write (the rule both stores use).
pub(crate) struct Recorded {
    pub(crate) progress: LocalProgress,
    /// The site action to queue with it: the lecture just became complete and the site learns
    /// of completion the stock way.
    pub(crate) action: Option<SiteAction>,
}

/// Applies one event and decides the site action that goes with it (the rule both stores use).
pub(crate) fn record_rule(
    current: LocalProgress,
    event: &ProgressEvent,
    context: LectureContext<'_>,
    threshold: f64,
    now_ms: i64,
) -> Recorded {
    let was_complete = current.is_complete();
    let progress = apply(current, event, context, threshold, now_ms);
    let newly_complete = progress.is_complete() && !was_complete;
    let action = (context.complete_on_site && newly_complete).then_some(SiteAction::Completed {
        lecture: event.lecture,
    });
    Recorded { progress, action }
}

/// Applies one event to a lecture's history (the rule both stores use).
pub(crate) fn apply(
    mut local: LocalProgress,
    event: &ProgressEvent,
    context: LectureContext<'_>,
    threshold: f64,
    now_ms: i64,
) -> LocalProgress {
    local.course = context.course.or(local.course);
    if let Some(title) = context.title {
        local.title = Some(title.to_owned());
    }
    if let Some(d) = context.duration_secs.filter(|d| d.is_finite() && *d > 0.0) {
        local.duration_secs = Some(d);
    }
    match event.kind {
        ProgressKind::Played(i) => {
            local.progress.watched.insert(i);
        }
        ProgressKind::Position(seconds) => {
            let p = juko_model::ResumePosition {
                seconds,
                client_time_ms: event.client_time_ms,
            };
            local.progress.position = Some(match local.progress.position {
                Some(old) => juko_model::ResumePosition::latest(old, p),
                None => p,
            });
        }
    }
    if let Some(d) = local.duration_secs {
        local
            .progress
            .update_completion(d, threshold, now_ms / 1000);
    }
    local.updated_ms = now_ms;
    local
}

/// Merges the server's record of a lecture into the local one (the rule both stores use).
pub(crate) fn merge_remote_into(
    local: Option<LocalProgress>,
    remote: &juko_model::RemoteProgress,
) -> LocalProgress {
    let mut local = local.unwrap_or_else(|| LocalProgress::new(remote.progress.lecture));
    let before = local.progress.clone();
    local.progress.merge(&remote.progress);
    local.course = Some(remote.course);
    if remote.duration_secs.is_finite() && remote.duration_secs > 0.0 {
        local.duration_secs = Some(remote.duration_secs);
    }
    // Another device's viewing counts as recent here too; our own echo does not reorder.
    if local.progress != before {
        local.updated_ms = local
            .updated_ms
            .max(remote.progress.position.map_or(0, |p| p.client_time_ms));
    }
    local
}

/// Events are stored as this flat record in both stores.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredEvent {
    pub(crate) id: String,
    pub(crate) lecture: i64,
    pub(crate) kind: String,
    pub(crate) a: f64,
    pub(crate) b: Option<f64>,
    pub(crate) client_time_ms: i64,
    /// Whether completing the lecture with this event is reported as manual completion
    /// ([`LectureContext::complete_on_site`]): the key-value store's repair needs it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) complete_on_site: bool,
}

impl StoredEvent {
    pub(crate) fn from_event(e: &ProgressEvent) -> StoredEvent {
        StoredEvent::recorded(e, false)
    }

    pub(crate) fn recorded(e: &ProgressEvent, complete_on_site: bool) -> StoredEvent {
        let (kind, a, b) = match e.kind {
            ProgressKind::Played(i) => ("played", i.from, Some(i.to)),
            ProgressKind::Position(p) => ("position", p, None),
        };
        StoredEvent {
            id: e.id.clone(),
            lecture: e.lecture.0,
            kind: kind.into(),
            a,
            b,
            client_time_ms: e.client_time_ms,
            complete_on_site,
        }
    }

    pub(crate) fn into_event(self) -> Option<ProgressEvent> {
        let kind = match (self.kind.as_str(), self.b) {
            ("played", Some(to)) => ProgressKind::Played(juko_model::Interval { from: self.a, to }),
            ("position", _) => ProgressKind::Position(self.a),
            _ => return None,
        };
        Some(ProgressEvent {
            id: self.id,
            lecture: LectureId(self.lecture),
            kind,
            client_time_ms: self.client_time_ms,
        })
    }
}

/// What a write to an erased store gets.
pub(crate) fn erased() -> crate::Error {
    crate::Error::Storage("this account was signed out and erased on this device".to_owned())
}

/// The rejection reason of an outbox entry this device could not read back.
pub const DAMAGED: &str = "damaged";

/// What an outbox entry this device cannot read back becomes: a rejection kept with the
/// server's (`Store::rejected`), so the rest of the outbox still goes out and nothing is
/// dropped silently.
pub(crate) fn damaged(id: &str) -> Rejection {
    tracing::error!("set aside a damaged outbox entry {id}");
    Rejection {
        id: id.to_owned(),
        reason: DAMAGED.to_owned(),
        message: "this device could not read the recorded event back".to_owned(),
    }
}

/// What the learner has done with a lecture, as screens show it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LectureState {
    /// Share of the video watched (0 until its length is known).
    pub coverage: f64,
    pub complete: bool,
}

impl LectureState {
    /// The lecture's state from the site's listing and this device's history: complete by the
    /// site's word or by the history's; coverage against the listed length, else the one the
    /// history knows.
    pub fn of(lecture: &juko_model::Lecture, local: Option<&LocalProgress>) -> LectureState {
        // The site's listed length first (the same bound its server checks); the one history
        // learned from the player when the site lists none.
        let duration = lecture
            .duration_secs
            .map(f64::from)
            .or(local.and_then(|l| l.duration_secs));
        LectureState {
            coverage: local
                .zip(duration)
                .map_or(0.0, |(l, d)| l.progress.watched.coverage(d)),
            complete: lecture.completed || local.is_some_and(LocalProgress::is_complete),
        }
    }
}
