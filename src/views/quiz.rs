//! A unit's test (確認テスト): what it is, the learner's attempts and grade, and the way in.
//! Drawn from the device first, like every screen; starting needs the connection, continuing
//! an attempt this device keeps does not when the test allows offline answering.

use crate::components::feedback::ErrorPanel;
use crate::components::quiz::overview::{QuizOverviewPanel, quiz_action};
use crate::i18n::Msg;
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
        |session, (course, module)| async move {
            let overview = session.quiz_overview(course, module).await?;
            // The view event only feeds the site's logs: a failure must not hide the test.
            if let Err(e) = session.record_quiz_view(overview.quiz.id).await {
                tracing::warn!("test view not recorded: {e}");
            }
            Ok(overview)
        },
    );
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
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
        .map(|s| s.info().site_url.clone())
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
                }
            }
        });
    };

    let body = overview.render(lang, &(course, quiz), |kept| {
        let o = kept.value.clone();
        let device = history
            .read()
            .and_then(|store| device_attempt(&*store.0, o.quiz.id));
        let on_device = device.as_ref().filter(|l| !l.finish_queued).map(|l| l.attempt.id);
        let action = quiz_action(&o, online, on_device);
        let for_start = o.clone();
        let for_continue = o.clone();
        rsx! {
            if device.as_ref().is_some_and(|l| l.finish_queued) {
                p { class: "notice", role: "status", "data-testid": "quiz-finish-queued", {lang.tr(Msg::SubmitQueued)} }
            }
            QuizOverviewPanel {
                lang,
                overview: o,
                action,
                site_url,
                busy: busy(),
                error: error(),
                on_start: move |_| open(for_start.clone(), None),
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
            Link { class: "back-link", to: Route::CourseView { course }, "← " {lang.tr(Msg::BackToCourse)} }
            h1 { class: "page-title", "{title}" }
            {body}
        }
    }
}

/// The attempt at `quiz` this device keeps (the newest), if any. A copy that cannot be read is
/// logged and counts as none: the site still has the attempt.
pub(super) fn device_attempt(store: &dyn Store, quiz: QuizId) -> Option<LocalAttempt> {
    let ids = store
        .kept_attempts()
        .inspect_err(|e| tracing::error!("kept attempts unreadable: {e}"))
        .ok()?;
    ids.into_iter().rev().find_map(|id| {
        quiz::resume(store, id)
            .inspect_err(|e| tracing::error!("kept attempt {id} unreadable: {e}"))
            .ok()
            .flatten()
            .filter(|l| l.quiz.id == quiz && l.attempt.is_open() && l.closed_on_site.is_none())
    })
}

/// Shown where a screen needs an attempt this device does not keep.
#[component]
pub(super) fn NotOnDevice(course: CourseId, quiz: LectureId) -> Element {
    let lang = state::use_lang();
    rsx! {
        ErrorPanel { lang, message: lang.tr(Msg::AttemptNotOnDevice).to_owned() }
        Link { class: "button secondary", to: Route::QuizView { course, quiz }, "← " {lang.tr(Msg::BackToQuiz)} }
    }
}
