//! A unit's test (確認テスト): what it is, the learner's attempts and grade, and the way in.
//! Drawn from the device first, like every screen; starting needs the connection, continuing
//! an attempt this device keeps does not when the test allows offline answering.

use crate::components::feedback::ErrorPanel;
use crate::components::icon::{Glyph, Icon};
use crate::components::quiz::countdown::Countdown;
use crate::components::quiz::overview::{QuizOverviewPanel, quiz_action};
use crate::i18n::{Lang, Msg};
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History};
use dioxus::prelude::*;
use juko_core::catalog::{Freshness, Item};
use juko_core::quiz::{self, LocalAttempt};
use juko_core::store::Store;
use juko_model::{AttemptId, CourseId, LectureId, QuizId, QuizOverview};

#[component]
pub fn QuizView(course: CourseId, quiz: LectureId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    let overview = use_kept(
        (course, quiz),
        |(_, module)| Item::quiz(*module),
        |session, (course, module)| {
            Box::pin(async move {
                let overview = session.quiz_overview(course, module).await?;
                // The view event only feeds the site's logs: a failure must not hide the test.
                if let Err(e) = session.record_quiz_view(overview.quiz.id).await {
                    tracing::warn!("test view not recorded: {e}");
                }
                Ok(overview)
            })
        },
    );
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    // The start the learner is asked to confirm (a timed test, or another attempt).
    let mut confirming = use_signal(|| None::<QuizOverview>);
    // A submission queued on this device, sent meanwhile (the sync service, back online):
    // the site's page is asked again, so it shows the result instead of the open attempt.
    let mut was_queued = use_signal(|| false);
    use_effect(move || {
        let Some(store) = history.read() else {
            return;
        };
        let Some(id) = overview
            .shown(&(course, quiz))
            .data
            .map(|k| k.value.quiz.id)
        else {
            return;
        };
        let queued = device_attempts(&*store.0, id)
            .open
            .is_some_and(|l| l.finish_queued);
        let was = *was_queued.peek();
        if was && !queued {
            let mut overview = overview;
            overview.retry();
        }
        if was != queued {
            was_queued.set(queued);
        }
    });
    let shown = overview.shown(&(course, quiz));
    let online = !matches!(shown.freshness, Freshness::Offline(_));
    let title = shown
        .data
        .as_ref()
        .map(|k| k.value.quiz.name.clone())
        .unwrap_or_default();
    let site_url = session
        .peek()
        .as_ref()
        .map(|s| s.quiz_page_url(quiz))
        .unwrap_or_default();

    // Opens (continues or starts) the attempt online, keeping it on the device, then shows it.
    // `kept_here`: the attempt this device holds, answerable offline: shown if the site is out
    // of reach after all.
    let mut open = move |o: QuizOverview, kept_here: Option<AttemptId>| {
        let Some(s) = session.peek().clone() else {
            return;
        };
        let Some(store) = history.store.peek().clone() else {
            error.set(Some(state::current_lang().tr(Msg::ErrStorage).to_owned()));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn(async move {
            let opened = quiz::open(&s, &*store.0, &o, platform::now_ms()).await;
            busy.set(false);
            history.changed();
            match (opened, kept_here) {
                (Ok(local), _) => {
                    navigator().push(Route::AttemptView {
                        course,
                        quiz,
                        attempt: local.attempt.id,
                    });
                }
                (Err(e), Some(attempt)) if e.is_retryable() => {
                    tracing::info!("offline: the attempt is answered from the device ({e})");
                    navigator().push(Route::AttemptView {
                        course,
                        quiz,
                        attempt,
                    });
                }
                (Err(e), _) => {
                    tracing::warn!("the test could not be opened: {e}");
                    state::handle_session_error(&e);
                    error.set(Some(state::current_lang().error(&e)));
                    // The page may be older than the site (the attempt it offered finished
                    // elsewhere): ask the site again, so it offers what can be done now.
                    if !e.is_retryable() {
                        let mut overview = overview;
                        overview.retry();
                    }
                }
            }
        });
    };

    let body = overview.render(lang, &(course, quiz), |kept| {
        let o = kept.value.clone();
        let DeviceAttempts { open: device, closed } = history
            .read()
            .map(|store| device_attempts(&*store.0, o.quiz.id))
            .unwrap_or_default();
        let on_device = device.as_ref().filter(|l| !l.finish_queued).map(|l| l.attempt.id);
        // The open attempt's time left, when timed: the device's copy, else the site's.
        let deadline = device
            .as_ref()
            .filter(|l| !l.finish_queued)
            .and_then(|l| l.attempt.deadline)
            .or_else(|| o.open_attempt().and_then(|a| a.deadline))
            // Past it, the site has the attempt submitted (or will at the next request).
            .filter(|d| d.saturating_mul(1000) > platform::now_ms());
        let action = quiz_action(&o, online, on_device);
        let for_start = o.clone();
        let for_continue = o.clone();
        rsx! {
            // Attempts the site closed while this device held answers for them: the learner
            // is to see which answers the site did not get (and dismiss them there).
            for l in closed {
                div { key: "{l.attempt.id}", class: "warning", role: "alert", "data-testid": "quiz-closed-on-site",
                    p { {lang.tr(Msg::ClosedOnSite)} }
                    Link { class: "button secondary", to: Route::AttemptView { course, quiz, attempt: l.attempt.id },
                        {lang.tr(Msg::SeeUnsentAnswers)}
                    }
                }
            }
            if device.as_ref().is_some_and(|l| l.finish_queued) {
                p { class: "notice", role: "status", "data-testid": "quiz-finish-queued", {lang.tr(Msg::WaitingToSend)} }
            } else if let Some(deadline) = deadline {
                Countdown { lang, deadline, on_time_up: |_| {} }
            }
            QuizOverviewPanel {
                lang,
                overview: o,
                action,
                site_url,
                busy: busy(),
                error: error(),
                on_start: move |_| {
                    if start_questions(lang, &for_start).is_empty() {
                        open(for_start.clone(), None);
                    } else {
                        confirming.set(Some(for_start.clone()));
                    }
                },
                on_continue: move |id: AttemptId| {
                    // Offline, the device's copy is the attempt; online, the site's copy is
                    // brought up to date first.
                    if online || on_device != Some(id) {
                        let kept_here = on_device.filter(|_| for_continue.quiz.offline_attempts);
                        open(for_continue.clone(), kept_here);
                    } else {
                        navigator().push(Route::AttemptView { course, quiz, attempt: id });
                    }
                },
                on_result: move |id| {
                    navigator().push(Route::AttemptResultView { course, quiz, attempt: id });
                },
            }
        }
    });
    rsx! {
        div { class: "page quiz-page",
            Link { class: "back-link", to: Route::CourseView { course }, Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToCourse)} }
            h1 { class: "page-title", "{title}" }
            {body}
            if let Some(o) = confirming() {
                div { class: "dialog-backdrop",
                    div { class: "dialog", role: "alertdialog", "aria-modal": "true",
                        "aria-labelledby": "start-title", "data-testid": "start-dialog",
                        h2 { id: "start-title", {lang.tr(Msg::StartConfirmTitle)} }
                        for line in start_questions(lang, &o) {
                            p { "{line}" }
                        }
                        div { class: "dialog-actions",
                            button { class: "button primary", "data-testid": "start-confirm",
                                onclick: move |_| {
                                    confirming.set(None);
                                    open(o.clone(), None);
                                },
                                {lang.tr(Msg::StartNow)}
                            }
                            button { class: "button ghost", "data-testid": "start-cancel",
                                onclick: move |_| confirming.set(None),
                                {lang.tr(Msg::Cancel)}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the learner is told, to confirm, before a new attempt starts; nothing to confirm when
/// empty. A timed test's clock starts at once and needs the connection; another attempt after
/// some were made uses one of those allowed.
fn start_questions(lang: Lang, o: &QuizOverview) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(secs) = o.quiz.time_limit_secs {
        lines.push(lang.timed_start(secs));
    }
    if !o.attempts.is_empty() {
        lines.push(lang.uses_attempt(o.attempts.len() + 1, o.quiz.max_attempts));
    }
    lines
}

/// The attempts at a test this device keeps, as its page shows them.
#[derive(Debug, Default, PartialEq)]
pub(super) struct DeviceAttempts {
    /// The open one (the newest), if any: continued from the device.
    pub open: Option<LocalAttempt>,
    /// Those the site closed while the device held changes for them, oldest first: kept
    /// until the learner has seen what the site did not get.
    pub closed: Vec<LocalAttempt>,
}

/// The attempts at `quiz` this device keeps. A copy that cannot be read is logged and counts
/// as none: the site still has the attempt.
pub(super) fn device_attempts(store: &dyn Store, quiz: QuizId) -> DeviceAttempts {
    let Ok(ids) = store
        .kept_attempts()
        .inspect_err(|e| tracing::error!("kept attempts unreadable: {e}"))
    else {
        return DeviceAttempts::default();
    };
    let kept = ids.into_iter().filter_map(|id| {
        quiz::resume(store, id)
            .inspect_err(|e| tracing::error!("kept attempt {id} unreadable: {e}"))
            .ok()
            .flatten()
    });
    sort_attempts(kept, quiz)
}

/// Sorts kept attempts (in id order) into the test's open one and those closed on the site.
fn sort_attempts(kept: impl Iterator<Item = LocalAttempt>, quiz: QuizId) -> DeviceAttempts {
    let mut found = DeviceAttempts::default();
    for l in kept.filter(|l| l.quiz.id == quiz) {
        if l.closed_on_site.is_some() {
            found.closed.push(l);
        } else if l.attempt.is_open() {
            found.open = Some(l);
        }
    }
    found
}

/// Shown where a screen needs an attempt this device does not keep.
#[component]
pub(super) fn NotOnDevice(course: CourseId, quiz: LectureId) -> Element {
    let lang = state::use_lang();
    rsx! {
        ErrorPanel { lang, message: lang.tr(Msg::AttemptNotOnDevice).to_owned() }
        Link { class: "button secondary", to: Route::QuizView { course, quiz }, Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToQuiz)} }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::quiz::fixtures::{attempt, quiz};
    use juko_core::quiz::ClosedOnSite;
    use juko_model::AttemptState;

    fn local(number: u32, state: AttemptState, closed: Option<ClosedOnSite>) -> LocalAttempt {
        LocalAttempt {
            quiz: quiz(),
            attempt: attempt(number, state, None),
            questions: Vec::new(),
            unsent: vec![1],
            needs_look: Vec::new(),
            finish_queued: false,
            closed_on_site: closed,
            fetched_ms: 0,
        }
    }

    #[test]
    fn attempts_closed_on_the_site_are_shown_on_the_tests_page() {
        let finished = ClosedOnSite::State(AttemptState::Finished);
        let closed = local(1, AttemptState::Finished, Some(finished));
        let gone = local(2, AttemptState::InProgress, Some(ClosedOnSite::Gone));
        let open = local(3, AttemptState::InProgress, None);
        let mut other = local(4, AttemptState::InProgress, Some(ClosedOnSite::Gone));
        other.quiz.id = QuizId(99);
        let found = sort_attempts(
            vec![closed.clone(), gone.clone(), open.clone(), other].into_iter(),
            quiz().id,
        );
        assert_eq!(found.open, Some(open));
        assert_eq!(found.closed, [closed, gone]);
    }

    #[test]
    fn a_timed_test_or_another_attempt_is_confirmed_before_it_starts() {
        use crate::components::quiz::fixtures::overview;
        let fresh = overview(vec![], None);
        assert_eq!(fresh.quiz.time_limit_secs, None);
        assert!(
            start_questions(Lang::Ja, &fresh).is_empty(),
            "a first untimed start"
        );

        let mut timed = fresh.clone();
        timed.quiz.time_limit_secs = Some(600);
        let lines = start_questions(Lang::Ja, &timed);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].contains("10 分") && lines[0].contains("接続"),
            "{lines:?}"
        );

        let mut again = overview(vec![attempt(1, AttemptState::Finished, Some(80.0))], None);
        again.quiz.max_attempts = Some(3);
        assert_eq!(
            start_questions(Lang::Ja, &again),
            ["この受験は 3 回中 2 回目になります。"]
        );
        assert_eq!(
            start_questions(Lang::En, &again),
            ["This uses attempt 2 of 3."]
        );
    }

    #[test]
    fn an_idle_closed_copy_is_not_continued() {
        let done = local(1, AttemptState::Finished, None);
        let found = sort_attempts(vec![done].into_iter(), quiz().id);
        assert_eq!(found, DeviceAttempts::default());
    }
}
