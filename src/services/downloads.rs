//! The downloads service: runs the account's lecture downloads one at a time
//! (`juko_core::downloads`), started on demand, at start (what a closed or killed app left) and
//! when the network returns; pause and cancel reach the running one through its `Control`.
//! Screens read [`Downloads`]: the records, and the live progress of the one running.

use crate::i18n::Msg;
use crate::platform;
use crate::state::{AccountStore, CurrentSession, History, Reconnected};
use dioxus::prelude::*;
use futures_util::StreamExt;
use juko_core::Session;
use juko_core::downloads::{self, Control, Download, Progress, Run};
use juko_model::{CourseContents, CourseId, Lecture, LectureId, Unit, UnitId};

/// How often live progress is redrawn at most.
const PROGRESS_EVERY_MS: i64 = 250;

/// The downloads as screens see them; cheap to copy.
#[derive(Clone, Copy)]
pub struct Downloads {
    /// Every record of the account, oldest asked first.
    pub list: Signal<Vec<Download>>,
    /// The running download's figures.
    pub live: Signal<Option<(LectureId, Progress)>>,
    /// Why queued downloads wait (Wi-Fi only on a metered connection), if they do.
    pub waiting: Signal<Option<Msg>>,
    /// Why the last action failed (a store or disk error), if it did.
    pub failure: Signal<Option<juko_core::Error>>,
    /// The last download refused because the device lacks the space for it.
    pub no_space: Signal<Option<NoSpace>>,
    running: Signal<Option<(LectureId, Control)>>,
    service: Coroutine<()>,
}

/// Starts the service. Call once, after the app state.
pub fn provide_downloads_service() {
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    let reconnected = use_context::<Reconnected>().0;
    // Once: the root re-renders (a language switch) without new state.
    let (list, live, waiting, failure, running, no_space) = use_hook(|| {
        (
            Signal::new_in_scope(Vec::new(), ScopeId::ROOT),
            Signal::new_in_scope(None, ScopeId::ROOT),
            Signal::new_in_scope(None, ScopeId::ROOT),
            Signal::new_in_scope(None, ScopeId::ROOT),
            Signal::new_in_scope(None, ScopeId::ROOT),
            Signal::new_in_scope(None, ScopeId::ROOT),
        )
    });
    let service = use_coroutine(move |rx: UnboundedReceiver<()>| async move {
        let dl = consume_context::<Downloads>();
        runner(rx, dl, history, session).await;
    });
    let dl = use_context_provider(|| Downloads {
        list,
        live,
        waiting,
        failure,
        no_space,
        running,
        service,
    });
    // The webview gets the signed-in account's kept lectures only.
    platform::use_kept_video_handler(session);
    // The account changed (signed in, out): its records; then whatever waits runs.
    use_effect(move || {
        let _ = (history.store)();
        dl.refresh();
        dl.service.send(());
    });
    // The network is back: what a lost connection stopped goes on.
    use_effect(move || {
        if reconnected() == 0 {
            return;
        }
        if let Some(store) = history.store.peek().clone() {
            let _ = downloads::resume_offline(&*store.0);
        }
        dl.refresh();
        dl.service.send(());
    });
}

impl Downloads {
    /// A lecture's download, subscribing the caller.
    pub fn of(&self, lecture: LectureId) -> Option<Download> {
        self.list
            .read()
            .iter()
            .find(|d| d.lecture == lecture)
            .cloned()
    }

    /// The live figures of `lecture` when it is the one running, subscribing the caller.
    pub fn progress(&self, lecture: LectureId) -> Option<Progress> {
        (self.live)().filter(|(l, _)| *l == lecture).map(|(_, p)| p)
    }

    pub fn download(self, course: CourseId, lecture: &Lecture) {
        let lecture = lecture.clone();
        let needed = self.still_to_fetch(std::slice::from_ref(&lecture));
        let asked = Asked::Lecture(lecture.id);
        let start = move |dl: Self| {
            dl.change(|store| {
                downloads::queue(store, course, &lecture, platform::now_ms()).map(drop)
            });
        };
        self.if_it_fits(asked, needed, Box::new(start));
    }

    pub fn download_unit(self, course: CourseId, unit: &Unit) {
        let unit = unit.clone();
        let needed = self.still_to_fetch(&unit.lectures);
        let asked = Asked::Unit(unit.id);
        let start = move |dl: Self| {
            dl.change(|store| {
                downloads::queue_unit(store, course, &unit, platform::now_ms()).map(drop)
            });
        };
        self.if_it_fits(asked, needed, Box::new(start));
    }

    /// Whether `asked` was refused for want of space, subscribing the caller.
    pub fn no_space_for(&self, asked: Asked) -> Option<NoSpace> {
        (self.no_space)().filter(|n| n.asked == asked)
    }

    /// Bytes still to come for these lectures: all of a new or stale one, the rest of one begun,
    /// none of one kept.
    fn still_to_fetch(&self, lectures: &[Lecture]) -> u64 {
        still_to_fetch(lectures, &self.list.peek())
    }

    /// Runs `start` when the device has room for `needed` bytes (or does not tell its free
    /// space); else says so and starts nothing. (Boxed: one task type for every caller keeps
    /// the web build small.)
    fn if_it_fits(mut self, asked: Asked, needed: u64, start: Box<dyn FnOnce(Self)>) {
        spawn(async move {
            let refused = short_of_space(asked, needed, platform::free_space().await);
            self.no_space.set(refused);
            if refused.is_none() {
                start(self);
            }
        });
    }

    pub fn pause(self, lecture: LectureId) {
        // The runner records the running one's pause itself (a change of the record under it
        // would stop it short, at its last checkpoint).
        match self.control_of(lecture) {
            Some(control) => control.pause(),
            None => self.change(|store| downloads::pause(store, lecture)),
        }
    }

    pub fn resume(self, lecture: LectureId) {
        let needed = self
            .of_peek(lecture)
            .and_then(|d| Some(d.size()?.saturating_sub(d.received)))
            .unwrap_or(0);
        let start = move |dl: Self| dl.change(|store| downloads::resume(store, lecture));
        self.if_it_fits(Asked::Lecture(lecture), needed, Box::new(start));
    }

    /// Cancels a download, or deletes a kept lecture: file and record.
    pub fn delete(self, lecture: LectureId) {
        if let Some(control) = self.control_of(lecture) {
            // The runner removes it when it stops.
            control.cancel();
            return;
        }
        self.delete_where(move |d| d.lecture == lecture);
    }

    pub fn delete_course(self, course: CourseId) {
        if let Some((lecture, control)) = self.running.peek().clone()
            && self.of_peek(lecture).is_some_and(|d| d.course == course)
        {
            control.cancel();
        }
        self.delete_where(move |d| d.course == course);
    }

    pub fn delete_all(self) {
        if let Some((_, control)) = self.running.peek().clone() {
            control.cancel();
        }
        self.delete_where(|_| true);
    }

    /// Cancels the running download (signing out); its `Control` tells when its runner has
    /// stopped ([`Control::cancel_and_wait`]), after which its files may go.
    pub fn cancel_running(self) -> Option<Control> {
        let (_, control) = self.running.peek().clone()?;
        control.cancel();
        Some(control)
    }

    /// Marks stale the kept lectures the site has changed since (contents just fetched).
    pub fn check(self, contents: &CourseContents) {
        let Some(store) = self.store() else { return };
        if self
            .list
            .peek()
            .iter()
            .any(|d| d.course == contents.course_id)
        {
            match downloads::mark_stale(&*store.0, contents) {
                Ok(stale) if !stale.is_empty() => self.refresh(),
                Ok(_) => {}
                Err(e) => tracing::warn!("downloads not checked against the site: {e}"),
            }
        }
    }

    fn of_peek(&self, lecture: LectureId) -> Option<Download> {
        self.list
            .peek()
            .iter()
            .find(|d| d.lecture == lecture)
            .cloned()
    }

    fn control_of(&self, lecture: LectureId) -> Option<Control> {
        self.running
            .peek()
            .as_ref()
            .filter(|(l, _)| *l == lecture)
            .map(|(_, c)| c.clone())
    }

    fn store(&self) -> Option<AccountStore> {
        consume_context::<History>().store.peek().clone()
    }

    /// Applies a change to the records, then redraws and wakes the runner.
    fn change(mut self, f: impl FnOnce(&dyn juko_core::store::Store) -> juko_core::Result<()>) {
        let Some(store) = self.store() else { return };
        let result = f(&*store.0);
        self.failure.set(result.err());
        self.refresh();
        self.service.send(());
    }

    fn delete_where(mut self, which: impl Fn(&Download) -> bool + 'static) {
        let (Some(store), Some(account)) = (self.store(), account()) else {
            return;
        };
        let running = self.running.peek().as_ref().map(|(l, _)| *l);
        spawn(async move {
            let files = platform::download_files(&account);
            let doomed: Vec<LectureId> = self
                .list
                .peek()
                .iter()
                .filter(|d| which(d) && Some(d.lecture) != running)
                .map(|d| d.lecture)
                .collect();
            for lecture in doomed {
                if let Err(e) = downloads::delete(&*store.0, &files, lecture).await {
                    self.failure.set(Some(e));
                }
            }
            self.refresh();
        });
    }

    /// Reads the records again.
    pub fn refresh(mut self) {
        let list = match self.store() {
            Some(store) => downloads::list(&*store.0).unwrap_or_else(|e| {
                tracing::error!("downloads unreadable: {e}");
                Vec::new()
            }),
            None => Vec::new(),
        };
        if *self.list.peek() != list {
            self.list.set(list);
        }
    }
}

/// What the learner asked to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    Lecture(LectureId),
    Unit(UnitId),
}

/// A download refused: the device has less free space than it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoSpace {
    pub asked: Asked,
    pub needed: u64,
    pub free: u64,
}

/// The refusal when `free` (where the system tells it) is below `needed`.
fn short_of_space(asked: Asked, needed: u64, free: Option<u64>) -> Option<NoSpace> {
    free.filter(|free| *free < needed).map(|free| NoSpace {
        asked,
        needed,
        free,
    })
}

/// Bytes still to come for `lectures` (those the app may download), given the records.
fn still_to_fetch(lectures: &[Lecture], records: &[Download]) -> u64 {
    lectures
        .iter()
        .filter(|l| downloads::downloadable(l))
        .map(|l| {
            let listed = l.media.as_ref().map_or(0, |m| m.size_bytes);
            match records.iter().find(|d| d.lecture == l.id) {
                None => listed,
                Some(d) => match d.state {
                    downloads::DownloadState::Done { .. } => 0,
                    downloads::DownloadState::Stale => listed,
                    _ => d.size().unwrap_or(listed).saturating_sub(d.received),
                },
            }
        })
        .sum()
}

/// Marks stale the kept lectures the site has changed, from contents just fetched (called by
/// the screens' fetches, inside the app).
pub fn check_fetched(contents: &CourseContents) {
    if let Some(dl) = try_consume_context::<Downloads>() {
        dl.check(contents);
    }
}

fn account() -> Option<String> {
    consume_context::<CurrentSession>()
        .0
        .peek()
        .as_ref()
        .map(Session::account_key)
}

async fn runner(
    mut rx: UnboundedReceiver<()>,
    mut dl: Downloads,
    history: History,
    session: Signal<Option<Session>>,
) {
    loop {
        while let Some((session, store, next)) = next_to_run(&mut dl, history, session).await {
            run_one(&mut dl, &session, &store, next).await;
        }
        if rx.next().await.is_none() {
            return; // the app is gone
        }
        // Wake-ups that came meanwhile are served by this same look.
        while rx.try_recv().is_ok() {}
    }
}

async fn next_to_run(
    dl: &mut Downloads,
    history: History,
    session: Signal<Option<Session>>,
) -> Option<(Session, AccountStore, Download)> {
    let session = session.peek().clone()?;
    let store = history.store.peek().clone()?;
    let next = downloads::next_queued(&*store.0).ok().flatten()?;
    let network = platform::connectivity::network();
    // Known offline, the download is tried and fails as offline, which its control says.
    if network.may_be_online() && !network.allows_download(platform::saved_wifi_only()) {
        dl.waiting.set(Some(Msg::DownloadWaitingForWifi));
        return None;
    }
    if dl.waiting.peek().is_some() {
        dl.waiting.set(None);
    }
    Some((session, store, next))
}

async fn run_one(dl: &mut Downloads, session: &Session, store: &AccountStore, next: Download) {
    let account = session.account_key();
    let files = platform::download_files(&account);
    let control = Control::default();
    dl.running.set(Some((next.lecture, control.clone())));
    let mut live = dl.live;
    let mut last_ms = 0;
    let mut progress = move |d: &Download, p: Progress| {
        let now = platform::now_ms();
        if now - last_ms >= PROGRESS_EVERY_MS {
            last_ms = now;
            live.set(Some((d.lecture, p)));
        }
    };
    dl.refresh();
    let ended = downloads::run(
        session,
        &*store.0,
        &files,
        next.lecture,
        Run {
            control: &control,
            now_ms: &platform::now_ms,
            progress: &mut progress,
        },
    )
    .await;
    if let Err(e) = &ended {
        tracing::error!("download not recorded: {e}");
    }
    if let Ok(Some(d)) = &ended
        && d.state == downloads::DownloadState::Failed(downloads::Failure::SignInAgain)
    {
        crate::state::handle_session_error(&juko_core::Error::SessionExpired);
    }
    dl.running.set(None);
    dl.live.set(None);
    dl.failure.set(ended.err());
    dl.refresh();
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_core::downloads::DownloadState;
    use juko_model::Media;

    fn lecture(id: i64, size: u64) -> Lecture {
        Lecture {
            id: LectureId(id),
            instance: id,
            kind: juko_model::LectureKind::File,
            title: format!("L{id}"),
            lecturer: None,
            duration_secs: None,
            description: Vec::new(),
            media: Some(Media {
                url: format!("https://h.jp/media/{id}.mp4"),
                mime_type: "video/mp4".into(),
                size_bytes: size,
                external: false,
                modified: 0,
                captions: Vec::new(),
            }),
            locked_reason: None,
            completed: false,
            manual_completion: false,
        }
    }

    fn record(l: &Lecture, state: DownloadState, received: u64) -> Download {
        Download {
            lecture: l.id,
            title: l.title.clone(),
            media: l.media.clone().unwrap(),
            ..crate::components::download::tests::download(state, received)
        }
    }

    #[test]
    fn a_download_is_refused_only_when_it_cannot_fit() {
        let asked = Asked::Lecture(LectureId(1));
        assert_eq!(
            short_of_space(asked, 500, Some(499)),
            Some(NoSpace {
                asked,
                needed: 500,
                free: 499
            })
        );
        assert_eq!(short_of_space(asked, 500, Some(500)), None);
        // A system that does not tell its free space does not stop downloads.
        assert_eq!(short_of_space(asked, 500, None), None);
    }

    #[test]
    fn only_what_is_still_to_come_counts() {
        let (a, b, c, d) = (
            lecture(1, 100),
            lecture(2, 200),
            lecture(3, 300),
            lecture(4, 400),
        );
        let records = [
            record(&b, DownloadState::Paused, 150),
            record(&c, DownloadState::Done { at_ms: 0 }, 300),
            record(&d, DownloadState::Stale, 400),
        ];
        let all = [a.clone(), b, c, d];
        assert_eq!(still_to_fetch(&all, &records), 100 + 50 + 400);
        assert_eq!(still_to_fetch(&[a], &[]), 100);
    }
}
