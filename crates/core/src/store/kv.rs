//! The store over a plain key-value space: the browser's `localStorage` on the web (SQLite in the
//! browser needs a persistent VFS this project's toolchain does not build yet), and memory in tests.
//!
//! A key-value space has no transactions, so the outbox is the source of truth: recording
//! writes the event to the outbox first and the lecture's history second, and opening the store
//! re-applies every outbox event to the history (applying is idempotent). A crash between the
//! two writes therefore loses nothing.
//!
//! Keys, under the account's namespace: `m:` meta (sequence, cursor, threshold, device, the
//! open mark), `p:` lecture history, `o:` outbox, `r:` rejected events, `a:` site actions, `k:`
//! the catalog's copies, `q:{attempt}` a kept test attempt, `u:{attempt}:{slot}` a queued change
//! to one question, `w:{attempt}:{slot}` what was sent for one question before the site's reply
//! came, `f:{attempt}` a queued submission, `s:{attempt}:{holder}` an attempt open on a screen
//! (until when; the space is shared by a browser's tabs), `n:{announcement}` an announcement
//! read on this device (when), `d:{lecture}` a lecture download's record. Each quiz write is one key, so each is
//! atomic as `localStorage` writes are.

use super::{
    AnswerChange, KeptAttempt, LectureContext, LocalProgress, QueuedAnswer, Recorded, SentAnswer,
    SiteAction, Store, StoredEvent, merge_remote_into, record_rule,
};
use crate::{Error, Result};
use juko_model::{
    AnnouncementId, AttemptId, LectureId, ProgressEvent, ProgressPage, PushOutcome, Rejection,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A string key-value space (synchronous, like `localStorage`).
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<()>;
    fn remove(&self, key: &str) -> Result<()>;
    fn keys(&self) -> Vec<String>;
}

/// A key-value space in memory, shareable between handles (tests, and "reopen" in them).
#[derive(Clone, Default)]
pub struct MemoryKv {
    map: Rc<RefCell<BTreeMap<String, String>>>,
    /// At most this many bytes of keys and values, as a browser's storage quota (`None`: no limit).
    quota: Option<usize>,
}

impl MemoryKv {
    /// A space that refuses writes past `bytes`, as `localStorage` does when full.
    pub fn with_quota(bytes: usize) -> MemoryKv {
        MemoryKv {
            quota: Some(bytes),
            ..MemoryKv::default()
        }
    }
}

impl KeyValue for MemoryKv {
    fn get(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        let mut map = self.map.borrow_mut();
        if let Some(quota) = self.quota {
            let others: usize = map
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum();
            if others + key.len() + value.len() > quota {
                return Err(Error::Storage("the storage quota is exceeded".to_owned()));
            }
        }
        map.insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
    fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }
}

/// A kept catalog entry as stored.
#[derive(Serialize, Deserialize)]
struct KeptEntry {
    fetched_ms: i64,
    json: String,
}

/// The store over a key-value space, every key under a namespace (one per account).
pub struct KvStore<K: KeyValue> {
    kv: K,
    ns: String,
    /// Set by `erase`: this handle takes no more writes (see `Store::erase`).
    erased: std::cell::Cell<bool>,
}

impl<K: KeyValue> KvStore<K> {
    /// Opens the store in `namespace`, repairing history from the outbox (see the module doc).
    pub fn open(kv: K, namespace: &str) -> Result<KvStore<K>> {
        let store = KvStore {
            kv,
            ns: format!("juko:{namespace}:"),
            erased: std::cell::Cell::new(false),
        };
        // Opened (at start, or by a new sign-in): the account may be written.
        store.kv.set(&store.open_mark(), "1")?;
        let threshold = store.threshold()?;
        for (_, event, complete_on_site) in store.outbox_entries()? {
            let current = store
                .lecture(event.lecture)?
                .unwrap_or_else(|| LocalProgress::new(event.lecture));
            // Re-applying with the context already stored changes nothing unless the crash came
            // between the outbox write and the history write.
            let context = LectureContext {
                course: current.course,
                title: None,
                duration_secs: current.duration_secs,
                complete_on_site,
            };
            let repaired = record_rule(
                current.clone(),
                &event,
                context,
                threshold,
                // The event's own time: the change happened then, not when the store reopened.
                current.updated_ms.max(event.client_time_ms),
            );
            if repaired.progress.progress != current.progress {
                store.write_recorded(&repaired)?;
            }
        }
        Ok(store)
    }

    /// Whether this account may be written: not after it was erased, by this handle or by
    /// another tab sharing the space (erasing removes the mark `open` leaves).
    fn writable(&self) -> Result<()> {
        if self.erased.get() || self.kv.get(&self.open_mark()).is_none() {
            return Err(super::erased());
        }
        Ok(())
    }

    /// The mark of an account open on this device: set by `open`, gone with `erase`.
    fn open_mark(&self) -> String {
        self.key("m:", "open")
    }

    pub(super) fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}{name}", self.ns)
    }

    fn read<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        match self.kv.get(key) {
            None => Ok(None),
            Some(raw) => serde_json::from_str(&raw)
                .map(Some)
                .map_err(|e| Error::Storage(format!("damaged entry {key}: {e}"))),
        }
    }

    pub(super) fn put<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value).map_err(|e| Error::Storage(e.to_string()))?;
        match self.kv.set(key, &json) {
            // Viewing history comes before the catalog's copies, which the site can send again:
            // when the space is full, they make room (a browser's storage quota is a few MB).
            Err(e) if !key.starts_with(&self.key("k:", "")) && self.evict_catalog() > 0 => {
                tracing::warn!("storage full ({e}): the kept catalog was dropped to keep history");
                self.kv.set(key, &json)
            }
            other => other,
        }
    }

    /// Drops every kept catalog copy; returns how many.
    fn evict_catalog(&self) -> usize {
        let keys = self.keys_of("k:");
        keys.iter().filter(|k| self.kv.remove(k).is_ok()).count()
    }

    fn meta(&self, name: &str) -> Option<String> {
        self.kv.get(&self.key("m:", name))
    }

    /// The keys of one kind (`"o:"`, `"a:"`, …) in this namespace, sorted.
    fn keys_of(&self, kind: &str) -> Vec<String> {
        let prefix = self.key(kind, "");
        let mut keys: Vec<String> = self
            .kv
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect();
        keys.sort();
        keys
    }

    /// An outbox key: recording order first, then the event's id, so that two tabs sharing the
    /// space and racing for the same sequence number still write two entries.
    pub(super) fn outbox_key(&self, event: &ProgressEvent) -> Result<String> {
        let seq = self.next_seq()?;
        Ok(self.key("o:", &format!("{seq:016}:{}", event.id)))
    }

    /// Outbox entries in recording order, with their keys.
    fn outbox(&self) -> Result<Vec<(String, ProgressEvent)>> {
        Ok(self
            .outbox_entries()?
            .into_iter()
            .map(|(key, event, _)| (key, event))
            .collect())
    }

    /// Outbox entries in recording order, with their keys and whether completion goes to the
    /// site as manual completion. An entry that cannot be read back is set aside among the
    /// rejected events (see `super::damaged`), not left to block the rest.
    fn outbox_entries(&self) -> Result<Vec<(String, ProgressEvent, bool)>> {
        let mut entries = Vec::new();
        for key in self.keys_of("o:") {
            let Some(raw) = self.kv.get(&key) else {
                continue; // another tab sent it meanwhile
            };
            let Ok(stored) = serde_json::from_str::<StoredEvent>(&raw) else {
                self.set_aside(&key)?;
                continue;
            };
            let complete_on_site = stored.complete_on_site;
            match stored.into_event() {
                Some(event) => entries.push((key, event, complete_on_site)),
                None => self.set_aside(&key)?,
            }
        }
        Ok(entries)
    }

    /// Writes what recording decided: the site action first, then the history. A crash
    /// between them is repaired on open from the outbox (the action is queued once by key).
    fn write_recorded(&self, recorded: &Recorded) -> Result<()> {
        if let Some(action) = &recorded.action {
            self.queue_action(action)?;
        }
        let lecture = recorded.progress.progress.lecture;
        self.put(&self.key("p:", &lecture.to_string()), &recorded.progress)
    }

    /// Moves a damaged outbox entry to the rejected events; its id is the key's last part.
    fn set_aside(&self, key: &str) -> Result<()> {
        let id = key.rsplit(':').next().unwrap_or(key);
        self.put(
            &self.key("r:", &format!("{:016}:{id}", 0)),
            &super::damaged(id),
        )?;
        self.kv.remove(key)
    }

    /// A queued change's key: one per (attempt, slot).
    fn queued_key(&self, attempt: AttemptId, slot: u32) -> String {
        self.key("u:", &format!("{attempt}:{slot}"))
    }

    /// What was sent for one question: one key per (attempt, slot).
    fn sent_key(&self, attempt: AttemptId, slot: u32) -> String {
        self.key("w:", &format!("{attempt}:{slot}"))
    }

    /// Replaces what is remembered of a question's sends (none: the key goes).
    fn write_sent(&self, attempt: AttemptId, slot: u32, sent: &[SentAnswer]) -> Result<()> {
        let key = self.sent_key(attempt, slot);
        if sent.is_empty() {
            self.kv.remove(&key)
        } else {
            self.put(&key, &sent)
        }
    }

    /// The mark of an attempt's queued submission.
    fn finish_key(&self, attempt: AttemptId) -> String {
        self.key("f:", &attempt.to_string())
    }

    pub(super) fn next_seq(&self) -> Result<u64> {
        let seq = self
            .meta("seq")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        self.kv.set(&self.key("m:", "seq"), &seq.to_string())?;
        Ok(seq)
    }
}

impl<K: KeyValue> Store for KvStore<K> {
    fn record(
        &self,
        event: &ProgressEvent,
        context: LectureContext<'_>,
        now_ms: i64,
    ) -> Result<LocalProgress> {
        self.writable()?;
        // Outbox first: it is what the repair on open replays.
        let stored = StoredEvent::recorded(event, context.complete_on_site);
        self.put(&self.outbox_key(event)?, &stored)?;
        let current = self
            .lecture(event.lecture)?
            .unwrap_or_else(|| LocalProgress::new(event.lecture));
        let recorded = record_rule(current, event, context, self.threshold()?, now_ms);
        self.write_recorded(&recorded)?;
        Ok(recorded.progress)
    }

    fn lecture(&self, lecture: LectureId) -> Result<Option<LocalProgress>> {
        self.read(&self.key("p:", &lecture.to_string()))
    }

    fn all(&self) -> Result<Vec<LocalProgress>> {
        let mut all: Vec<LocalProgress> = self
            .keys_of("p:")
            .into_iter()
            .filter_map(|k| self.read::<LocalProgress>(&k).transpose())
            .collect::<Result<_>>()?;
        all.sort_by(|a, b| {
            b.updated_ms
                .cmp(&a.updated_ms)
                .then(a.progress.lecture.cmp(&b.progress.lecture))
        });
        Ok(all)
    }

    fn pending(&self, limit: usize) -> Result<Vec<ProgressEvent>> {
        Ok(self
            .outbox()?
            .into_iter()
            .take(limit)
            .map(|(_, e)| e)
            .collect())
    }

    fn pending_count(&self) -> Result<usize> {
        Ok(self.keys_of("o:").len())
    }

    fn replace_pending(&self, replaced: &[String], replacements: &[ProgressEvent]) -> Result<()> {
        self.writable()?;
        let replaced: std::collections::HashSet<&str> =
            replaced.iter().map(String::as_str).collect();
        let old: Vec<String> = self
            .outbox()?
            .into_iter()
            .filter(|(_, e)| replaced.contains(e.id.as_str()))
            .map(|(k, _)| k)
            .collect();
        for e in replacements {
            self.put(&self.outbox_key(e)?, &StoredEvent::from_event(e))?;
        }
        for key in old {
            self.kv.remove(&key)?;
        }
        Ok(())
    }

    fn settle(&self, outcome: &PushOutcome, now_ms: i64) -> Result<usize> {
        self.writable()?;
        let done: std::collections::HashSet<&str> = outcome
            .applied
            .iter()
            .chain(&outcome.known)
            .map(String::as_str)
            .collect();
        let rejected: BTreeMap<&str, &Rejection> = outcome
            .rejected
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut removed = 0;
        for (key, event) in self.outbox()? {
            if let Some(r) = rejected.get(event.id.as_str()) {
                self.put(&self.key("r:", &format!("{now_ms:016}:{}", r.id)), *r)?;
            } else if !done.contains(event.id.as_str()) {
                continue;
            }
            self.kv.remove(&key)?;
            removed += 1;
        }
        if outcome.threshold.is_finite() && outcome.threshold > 0.0 && outcome.threshold <= 1.0 {
            self.kv
                .set(&self.key("m:", "threshold"), &outcome.threshold.to_string())?;
        }
        Ok(removed)
    }

    fn merge_remote(&self, page: &ProgressPage, _now_ms: i64) -> Result<()> {
        self.writable()?;
        for remote in &page.lectures {
            let merged = merge_remote_into(self.lecture(remote.progress.lecture)?, remote);
            self.put(
                &self.key("p:", &remote.progress.lecture.to_string()),
                &merged,
            )?;
        }
        // The cursor last: a crash before it only repeats an idempotent merge.
        if page.threshold.is_finite() && page.threshold > 0.0 && page.threshold <= 1.0 {
            self.kv
                .set(&self.key("m:", "threshold"), &page.threshold.to_string())?;
        }
        self.kv.set(&self.key("m:", "cursor"), &page.cursor)
    }

    fn cursor(&self) -> Result<String> {
        Ok(self.meta("cursor").unwrap_or_default())
    }

    fn threshold(&self) -> Result<f64> {
        Ok(self
            .meta("threshold")
            .and_then(|t| t.parse().ok())
            .unwrap_or(juko_model::DEFAULT_COMPLETION_THRESHOLD))
    }

    fn device_id(&self) -> Result<String> {
        if let Some(id) = self.meta("device") {
            return Ok(id);
        }
        self.writable()?;
        let id = crate::ids::new_id();
        self.kv.set(&self.key("m:", "device"), &id)?;
        Ok(id)
    }

    fn queue_action(&self, action: &SiteAction) -> Result<()> {
        self.writable()?;
        let suffix = format!(":{}", action.key());
        if self.keys_of("a:").iter().any(|k| k.ends_with(&suffix)) {
            return Ok(());
        }
        let seq = self.next_seq()?;
        self.put(
            &self.key("a:", &format!("{seq:016}:{}", action.key())),
            action,
        )
    }

    fn actions(&self) -> Result<Vec<SiteAction>> {
        let keys = self.keys_of("a:");
        keys.iter()
            .filter_map(|k| self.read::<SiteAction>(k).transpose())
            .collect()
    }

    fn mark_announcement_read(&self, announcement: AnnouncementId, at_ms: i64) -> Result<()> {
        self.writable()?;
        let key = self.key("n:", &announcement.to_string());
        if self.kv.get(&key).is_some() {
            return Ok(());
        }
        self.put(&key, &at_ms)
    }

    fn put_download(&self, download: &crate::downloads::Download) -> Result<()> {
        self.writable()?;
        self.put(&self.key("d:", &download.lecture.to_string()), download)
    }

    fn downloads(&self) -> Result<Vec<crate::downloads::Download>> {
        self.keys_of("d:")
            .iter()
            .filter_map(|k| self.read::<crate::downloads::Download>(k).transpose())
            .collect()
    }

    fn remove_download(&self, lecture: LectureId) -> Result<()> {
        self.kv.remove(&self.key("d:", &lecture.to_string()))
    }

    fn read_announcements(&self) -> Result<Vec<AnnouncementId>> {
        let prefix = self.key("n:", "");
        let mut read: Vec<AnnouncementId> = self
            .keys_of("n:")
            .iter()
            .filter_map(|k| k[prefix.len()..].parse().ok())
            .collect();
        read.sort_unstable();
        Ok(read)
    }

    fn remove_action(&self, action: &SiteAction) -> Result<()> {
        let suffix = format!(":{}", action.key());
        for k in self
            .keys_of("a:")
            .into_iter()
            .filter(|k| k.ends_with(&suffix))
        {
            self.kv.remove(&k)?;
        }
        Ok(())
    }

    fn rejected(&self) -> Result<Vec<Rejection>> {
        let mut keys = self.keys_of("r:");
        keys.reverse();
        keys.iter()
            .filter_map(|k| self.read::<Rejection>(k).transpose())
            .collect()
    }

    fn keep(&self, key: &str, json: &str, fetched_ms: i64) -> Result<()> {
        self.writable()?;
        let kept = KeptEntry {
            fetched_ms,
            json: json.to_owned(),
        };
        self.put(&self.key("k:", key), &kept)
    }

    fn kept(&self, key: &str) -> Result<Option<(String, i64)>> {
        // A damaged copy is no copy: the site is asked again, and nothing else is blocked.
        match self.read::<KeptEntry>(&self.key("k:", key)) {
            Ok(kept) => Ok(kept.map(|k| (k.json, k.fetched_ms))),
            Err(e) => {
                tracing::warn!("{e}; asking the site again");
                Ok(None)
            }
        }
    }

    fn keep_attempt(&self, kept: &KeptAttempt) -> Result<()> {
        self.writable()?;
        self.put(&self.key("q:", &kept.attempt.id.to_string()), kept)
    }

    fn kept_attempt(&self, attempt: AttemptId) -> Result<Option<KeptAttempt>> {
        self.read(&self.key("q:", &attempt.to_string()))
    }

    fn kept_attempts(&self) -> Result<Vec<AttemptId>> {
        let prefix = self.key("q:", "");
        let mut ids: Vec<AttemptId> = self
            .keys_of("q:")
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix)?.parse().ok())
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    fn forget_attempt(&self, attempt: AttemptId) -> Result<()> {
        self.writable()?;
        // The copy last: a crash before it leaves an attempt the next sync finds closed again.
        self.kv.remove(&self.finish_key(attempt))?;
        for key in self.keys_of(&format!("u:{attempt}:")) {
            self.kv.remove(&key)?;
        }
        for kind in ["s", "w"] {
            for key in self.keys_of(&format!("{kind}:{attempt}:")) {
                self.kv.remove(&key)?;
            }
        }
        self.kv.remove(&self.key("q:", &attempt.to_string()))
    }

    fn queue_answer(
        &self,
        attempt: AttemptId,
        slot: u32,
        change: &AnswerChange,
        now_ms: i64,
    ) -> Result<QueuedAnswer> {
        self.writable()?;
        let key = self.queued_key(attempt, slot);
        let current = self.read(&key)?;
        let queued =
            QueuedAnswer::changed(current, attempt, slot, change, self.next_seq()?, now_ms);
        // One key per question: the write is the atomic step.
        self.put(&key, &queued)?;
        Ok(queued)
    }

    fn queued_answers(&self, attempt: AttemptId) -> Result<Vec<QueuedAnswer>> {
        let mut queued: Vec<QueuedAnswer> = self
            .keys_of(&format!("u:{attempt}:"))
            .iter()
            .filter_map(|k| self.read::<QueuedAnswer>(k).transpose())
            .collect::<Result<_>>()?;
        queued.sort_by_key(|q| q.slot);
        Ok(queued)
    }

    fn settle_answers(&self, attempt: AttemptId, sent: &[(u32, u64)]) -> Result<usize> {
        self.writable()?;
        let mut removed = 0;
        for (slot, version) in sent {
            let key = self.queued_key(attempt, *slot);
            if self
                .read::<QueuedAnswer>(&key)?
                .is_some_and(|q| q.version == *version)
            {
                self.kv.remove(&key)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn mark_needs_look(&self, attempt: AttemptId, slots: &[u32]) -> Result<()> {
        self.writable()?;
        for slot in slots {
            let key = self.queued_key(attempt, *slot);
            if let Some(mut queued) = self.read::<QueuedAnswer>(&key)? {
                queued.needs_look = true;
                self.put(&key, &queued)?;
            }
        }
        Ok(())
    }

    fn record_sent(&self, attempt: AttemptId, sent: &[SentAnswer]) -> Result<()> {
        self.writable()?;
        for s in sent {
            let current = self
                .read(&self.sent_key(attempt, s.slot))?
                .unwrap_or_default();
            // One key per question: the write is the atomic step.
            self.write_sent(attempt, s.slot, &SentAnswer::added(current, s))?;
        }
        Ok(())
    }

    fn sent_answers(&self, attempt: AttemptId) -> Result<Vec<SentAnswer>> {
        let mut sent = Vec::new();
        for key in self.keys_of(&format!("w:{attempt}:")) {
            sent.extend(self.read::<Vec<SentAnswer>>(&key)?.unwrap_or_default());
        }
        sent.sort_by_key(|s| s.slot);
        Ok(sent)
    }

    fn forget_sent(&self, attempt: AttemptId, settled: &[(u32, u32)]) -> Result<()> {
        self.writable()?;
        for (slot, through) in settled {
            let key = self.sent_key(attempt, *slot);
            let Some(mut left) = self.read::<Vec<SentAnswer>>(&key)? else {
                continue;
            };
            left.retain(|s| s.sequence_check > *through);
            self.write_sent(attempt, *slot, &left)?;
        }
        Ok(())
    }

    fn set_finish_queued(&self, attempt: AttemptId, queued: bool) -> Result<()> {
        self.writable()?;
        if !queued {
            return self.kv.remove(&self.finish_key(attempt));
        }
        if self.kv.get(&self.key("q:", &attempt.to_string())).is_none() {
            return Err(Error::Storage(format!(
                "attempt {attempt} is not kept on this device"
            )));
        }
        self.kv.set(&self.finish_key(attempt), "1")
    }

    fn finish_queued(&self, attempt: AttemptId) -> Result<bool> {
        Ok(self.kv.get(&self.finish_key(attempt)).is_some())
    }

    fn unsent_quiz_changes(&self) -> Result<usize> {
        Ok(self.keys_of("u:").len() + self.keys_of("f:").len())
    }

    fn mark_on_screen(
        &self,
        attempt: AttemptId,
        holder: &str,
        until_ms: Option<i64>,
    ) -> Result<()> {
        self.writable()?;
        let key = self.key("s:", &format!("{attempt}:{holder}"));
        match until_ms {
            Some(until) => self.kv.set(&key, &until.to_string()),
            None => self.kv.remove(&key),
        }
    }

    fn on_screen_marks(&self, attempt: AttemptId) -> Result<Vec<(String, i64)>> {
        let prefix = self.key("s:", &format!("{attempt}:"));
        Ok(self
            .keys_of(&format!("s:{attempt}:"))
            .into_iter()
            .filter_map(|key| {
                let holder = key.strip_prefix(&prefix)?.to_owned();
                // A mark that cannot be read holds nothing: it must never hold sync off.
                let until = self.kv.get(&key)?.parse().ok().or_else(|| {
                    tracing::warn!("screen mark {key} unreadable: not counted");
                    None
                })?;
                Some((holder, until))
            })
            .collect())
    }

    fn erase(&self) -> Result<()> {
        self.erased.set(true);
        // The open mark first: other tabs sharing the space, which hold handles of their own,
        // stop writing before the rest goes.
        self.kv.remove(&self.open_mark())?;
        for key in self
            .kv
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(&self.ns))
        {
            self.kv.remove(&key)?;
        }
        Ok(())
    }
}
