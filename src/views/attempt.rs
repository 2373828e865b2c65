//! An attempt at a test: answering it (one question per screen on phones, the whole list on
//! wide screens), the summary before submitting, and the result.
//!
//! The attempt is read from the device ([`quiz::resume`]): `quiz::open` on the test's page kept
//! it there. Every answer goes to the store the moment it is chosen ([`quiz::answer`]), then to
//! the site in the background when it can be reached ([`quiz::save`]); while the screen is open
//! the sync service leaves the attempt to it ([`quiz::OnScreen`]).

use super::quiz::NotOnDevice;
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::quiz::countdown::Countdown;
use crate::components::quiz::navigation::QuestionNav;
use crate::components::quiz::question::QuestionCard;
use crate::components::quiz::result::AttemptResultPanel;
use crate::components::quiz::summary::AttemptSummaryPanel;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History};
use dioxus::prelude::*;
use juko_core::Error;
use juko_core::catalog::Item;
use juko_core::quiz::{self, LocalAttempt, Resolution, Submitted};
use juko_model::{Answer, AttemptId, CourseId, LectureId, Navigation};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// How long answering must pause before the answers go to the site: a typed answer is sent
/// once, not at every key (each key is in the store at once regardless).
const SAVE_AFTER: Duration = Duration::from_millis(800);

/// The question the summary asked to go back to, for the attempt screen it opens.
static GO_TO: GlobalSignal<Option<(AttemptId, u32)>> = Signal::global(|| None);

#[component]
pub fn AttemptView(course: CourseId, quiz: LectureId, attempt: AttemptId) -> Element {
    // Keyed: another attempt is another screen, with its own guard and state.
    rsx! { AttemptScreen { key: "{attempt}", course, quiz, attempt, summary: false } }
}

#[component]
pub fn AttemptSummaryView(course: CourseId, quiz: LectureId, attempt: AttemptId) -> Element {
    rsx! { AttemptScreen { key: "{attempt}-summary", course, quiz, attempt, summary: true } }
}

/// The device's copy of an attempt, as a screen holds it.
type Loaded = Result<Option<LocalAttempt>, Error>;

fn load(history: History, attempt: AttemptId) -> Loaded {
    match history.store.peek().clone() {
        Some(store) => quiz::resume(&*store.0, attempt),
        None => Err(Error::Storage("no store".into())),
    }
}

#[component]
fn AttemptScreen(course: CourseId, quiz: LectureId, attempt: AttemptId, summary: bool) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let history = use_context::<History>();
    // Sync leaves the attempt to this screen while it is open: this process's guard, and a
    // mark in the store, renewed while open, for other tabs sharing the store (quiz::OnScreen).
    let guard = use_hook(|| Rc::new(RefCell::new(Some(quiz::on_screen(attempt)))));
    use_future(move || async move {
        loop {
            if let Some(store) = history.store.peek().clone()
                && let Err(e) = quiz::mark_on_screen(&*store.0, attempt, platform::now_ms())
            {
                tracing::warn!("attempt {attempt} not marked on screen: {e}");
            }
            platform::sleep(Duration::from_millis(quiz::SCREEN_MARK_RENEW_MS)).await;
        }
    });
    use_drop({
        let guard = guard.clone();
        move || {
            // The guard first: the mark goes only when no screen of this process shows it.
            guard.borrow_mut().take();
            if let Some(store) = history.store.peek().clone()
                && let Err(e) = quiz::unmark_on_screen(&*store.0, attempt)
            {
                tracing::warn!("attempt {attempt} left marked on screen (it lapses): {e}");
            }
        }
    });
    let mut local = use_signal(|| load(history, attempt));
    let mut current = use_signal(|| {
        let asked = GO_TO.peek().filter(|(a, _)| *a == attempt).map(|(_, s)| s);
        *GO_TO.write() = None;
        asked
    });
    let mut saving = use_signal(|| false);
    let mut again = use_signal(|| false);
    let mut save_failed = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let mut notice = use_signal(|| None::<String>);

    // Sends what is unsent once answering pauses; one round at a time, another if answers came
    // meanwhile. Offline, the answers simply stay queued (sync sends them later).
    let mut save_soon = move || {
        if *saving.peek() {
            again.set(true);
            return;
        }
        saving.set(true);
        spawn(async move {
            loop {
                again.set(false);
                platform::sleep(SAVE_AFTER).await;
                if *again.peek() {
                    continue; // still answering
                }
                let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone())
                else {
                    break;
                };
                match quiz::save(&s, &*store.0, attempt, platform::now_ms()).await {
                    Ok(fresh) => {
                        save_failed.set(None);
                        local.set(Ok(Some(fresh)));
                    }
                    Err(e) if e.is_retryable() => tracing::info!("answers kept for later: {e}"),
                    Err(e) => {
                        tracing::warn!("answers not saved on the site: {e}");
                        state::handle_session_error(&e);
                        save_failed.set(Some(state::current_lang().error(&e)));
                    }
                }
                history.changed();
                if !*again.peek() {
                    break;
                }
            }
            saving.set(false);
        });
    };

    // Answers, flags and resolutions go to the store first: what the store returns is shown.
    let mut apply = move |changed: Result<LocalAttempt, Error>| match changed {
        Ok(fresh) => {
            local.set(Ok(Some(fresh)));
            history.changed();
            save_soon();
        }
        Err(e) => {
            tracing::error!("answer not kept: {e}");
            save_failed.set(Some(state::current_lang().error(&e)));
        }
    };

    let mut submit = move |time_up: bool| {
        let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone()) else {
            return;
        };
        busy.set(true);
        notice.set(None);
        spawn(async move {
            let lang = state::current_lang();
            let submitted = quiz::submit(&s, &*store.0, attempt, time_up, platform::now_ms()).await;
            busy.set(false);
            history.changed();
            let message = match submitted {
                Ok(Submitted::Finished(_)) => {
                    navigator().replace(Route::AttemptResultView {
                        course,
                        quiz,
                        attempt,
                    });
                    return;
                }
                Ok(Submitted::Queued) => Msg::SubmitQueued,
                Ok(Submitted::NeedsLook(_)) => Msg::SubmitNeedsLook,
                Ok(Submitted::ClosedOnSite(_)) => Msg::ClosedOnSite,
                Err(Error::Unreachable(_)) => Msg::SubmitNeedsConnection,
                Err(e) => {
                    tracing::warn!("attempt not submitted: {e}");
                    state::handle_session_error(&e);
                    notice.set(Some(lang.error(&e)));
                    local.set(load(history, attempt));
                    return;
                }
            };
            notice.set(Some(lang.tr(message).to_owned()));
            local.set(load(history, attempt));
        });
    };

    let loaded = local.read().clone();
    let l = match loaded {
        Ok(Some(l)) => l,
        Ok(None) => return rsx! { div { class: "page", NotOnDevice { course, quiz } } },
        Err(e) => {
            return rsx! {
                div { class: "page", ErrorPanel { lang, message: lang.error(&e) } }
            };
        }
    };
    let site_url = session
        .peek()
        .as_ref()
        .map(|s| s.quiz_page_url(quiz))
        .unwrap_or_default();
    // Nothing more is answered once submitted (queued offline) or closed on the site.
    let frozen = l.finish_queued || l.closed_on_site.is_some() || !l.attempt.is_open();
    let slots: Vec<u32> = l.questions.iter().map(|q| q.slot).collect();
    let first_of_page = l
        .attempt
        .pages
        .get(l.attempt.current_page as usize)
        .and_then(|p| p.first().copied());
    let on_screen = current()
        .filter(|s| slots.contains(s))
        .or(first_of_page)
        .or(slots.first().copied());
    let at = on_screen.and_then(|s| slots.iter().position(|x| *x == s));
    let sequential = l.quiz.navigation == Navigation::Sequential;
    let prev = at
        .and_then(|i| i.checked_sub(1))
        .map(|i| slots[i])
        .filter(|_| !sequential);
    let next = at.and_then(|i| slots.get(i + 1).copied());
    // With sequential navigation the next page is the site's to give (online, answers sent
    // first); a page left is not seen again.
    let turns_page = sequential
        && next.is_some_and(|n| {
            l.attempt
                .page_of(n)
                .is_some_and(|p| p > l.attempt.current_page)
        });
    let mut turn_page = move |_| {
        let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone()) else {
            return;
        };
        busy.set(true);
        spawn(async move {
            let turned = quiz::next_page(&s, &*store.0, attempt, platform::now_ms()).await;
            busy.set(false);
            history.changed();
            match turned {
                Ok(fresh) => {
                    let first = fresh
                        .attempt
                        .pages
                        .get(fresh.attempt.current_page as usize)
                        .and_then(|p| p.first().copied());
                    current.set(first);
                    local.set(Ok(Some(fresh)));
                }
                Err(e) => {
                    tracing::warn!("the next page did not come: {e}");
                    state::handle_session_error(&e);
                    save_failed.set(Some(state::current_lang().error(&e)));
                }
            }
        });
    };
    let mut go = move |slot: u32| {
        current.set(Some(slot));
        // Wide screens show every question: bring the chosen one into view.
        document::eval(&format!(
            "document.querySelector('.question[data-slot=\"{slot}\"]')?.scrollIntoView({{block: 'start'}});"
        ));
    };

    let header = rsx! {
        Link { class: "back-link", to: Route::QuizView { course, quiz }, "← " {lang.tr(Msg::BackToQuiz)} }
        h1 { class: "page-title", "{l.quiz.name}" }
        if let (Some(deadline), false) = (l.attempt.deadline, frozen) {
            Countdown { lang, deadline, on_time_up: move |_| submit(true) }
        }
        if l.finish_queued {
            p { class: "notice", role: "status", "data-testid": "attempt-finish-queued", {lang.tr(Msg::SubmitQueued)} }
        }
        if l.closed_on_site.is_some() {
            div { class: "warning", role: "alert", "data-testid": "attempt-closed-on-site",
                p { {lang.tr(Msg::ClosedOnSite)} }
                button { class: "button secondary",
                    onclick: move |_| {
                        if let Some(store) = history.store.peek().clone()
                            && let Err(e) = quiz::dismiss(&*store.0, attempt)
                        {
                            tracing::error!("closed attempt not dismissed: {e}");
                        }
                        history.changed();
                        navigator().replace(Route::QuizView { course, quiz });
                    },
                    {lang.tr(Msg::Dismiss)}
                }
            }
        }
        if let Some(message) = save_failed() {
            p { class: "notice", role: "status", "data-testid": "save-failed", {lang.tr(Msg::SaveFailed)} " ({message})" }
        }
    };

    if summary {
        return rsx! {
            div { class: "page attempt-page",
                {header}
                AttemptSummaryPanel {
                    lang,
                    questions: l.questions.clone(),
                    needs_look: l.needs_look.clone(),
                    busy: busy() || frozen,
                    notice: notice(),
                    on_go: move |slot| {
                        *GO_TO.write() = Some((attempt, slot));
                        navigator().push(Route::AttemptView { course, quiz, attempt });
                    },
                    on_back: move |_| {
                        navigator().push(Route::AttemptView { course, quiz, attempt });
                    },
                    on_submit: move |_| submit(false),
                }
            }
        };
    }

    rsx! {
        div { class: "page attempt-page",
            {header}
            div { class: "attempt-layout",
                QuestionNav {
                    lang,
                    questions: l.questions.clone(),
                    needs_look: l.needs_look.clone(),
                    current: on_screen,
                    on_go: move |slot| if !sequential { go(slot) },
                }
                div { class: "attempt-questions",
                    for q in l.questions.iter().cloned() {
                        div {
                            key: "{q.slot}",
                            "data-testid": "attempt-question",
                            class: if on_screen == Some(q.slot) { "attempt-question current" } else { "attempt-question" },
                            QuestionCard {
                                lang,
                                read_only: frozen,
                                needs_look: l.needs_look.contains(&q.slot),
                                unsent: l.unsent.contains(&q.slot),
                                site_url: site_url.clone(),
                                on_answer: {
                                    let slot = q.slot;
                                    move |answer: Answer| {
                                        current.set(Some(slot));
                                        let store = history.store.peek().clone();
                                        if let Some(store) = store {
                                            apply(quiz::answer(&*store.0, attempt, slot, &answer, platform::now_ms()));
                                        }
                                    }
                                },
                                on_flag: {
                                    let slot = q.slot;
                                    move |flagged: bool| {
                                        let store = history.store.peek().clone();
                                        if let Some(store) = store {
                                            apply(quiz::flag(&*store.0, attempt, slot, flagged, platform::now_ms()));
                                        }
                                    }
                                },
                                on_resolve: {
                                    let slot = q.slot;
                                    move |keep_mine: bool| {
                                        let resolution = if keep_mine { Resolution::KeepMine } else { Resolution::TakeSite };
                                        let store = history.store.peek().clone();
                                        if let Some(store) = store {
                                            apply(quiz::resolve(&*store.0, attempt, slot, resolution));
                                        }
                                    }
                                },
                                question: q.clone(),
                            }
                        }
                    }
                    // One question per screen on phones: the way to the next, and to the end.
                    nav { class: if turns_page { "attempt-pager turns-page" } else { "attempt-pager" },
                        if let Some(p) = prev {
                            button { class: "button secondary", "data-testid": "previous-question",
                                onclick: move |_| go(p),
                                "← " {lang.tr(Msg::PreviousQuestion)}
                            }
                        }
                        if let Some(n) = next {
                            button { class: "button primary", "data-testid": "next-question",
                                disabled: busy() || (turns_page && frozen),
                                onclick: move |e| if turns_page { turn_page(e) } else { go(n) },
                                {lang.tr(Msg::NextQuestion)} " →"
                            }
                        }
                    }
                    Link {
                        class: if next.is_none() { "button primary finish-attempt last" } else { "button secondary finish-attempt" },
                        "data-testid": "finish-attempt",
                        to: Route::AttemptSummaryView { course, quiz, attempt },
                        {lang.tr(Msg::FinishAttempt)}
                    }
                }
            }
        }
    }
}

/// A finished attempt: its result, and the review as far as the site's options allow.
#[component]
pub fn AttemptResultView(course: CourseId, quiz: LectureId, attempt: AttemptId) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    // The test's page data, brought up to date: the new attempt and grade reach the unit's list.
    let overview = use_kept(
        (course, quiz),
        |(_, module)| Item::quiz(*module),
        |session, (course, module)| {
            Box::pin(async move { session.quiz_overview(course, module).await })
        },
    );
    let review = use_kept(
        attempt,
        |a| Item::review(*a),
        |session, a| Box::pin(async move { session.attempt_review(a).await }),
    );
    let o = overview.shown(&(course, quiz)).data.map(|k| k.value);
    let shown_review = review.shown(&attempt);
    let r = shown_review.data.as_ref().map(|k| k.value.clone());
    let site_url = session
        .peek()
        .as_ref()
        .map(|s| s.quiz_page_url(quiz))
        .unwrap_or_default();
    let body = match (&o, &r) {
        (Some(o), _) => {
            let listed = o.attempts.iter().find(|a| a.id == attempt).cloned();
            let finished = r.as_ref().map(|r| r.attempt.clone()).or(listed);
            match finished {
                Some(a) => {
                    let grade = r.as_ref().and_then(|r| r.grade).or(a.grade);
                    rsx! {
                        AttemptResultPanel {
                            lang,
                            quiz: o.quiz.clone(),
                            attempt: a,
                            grade,
                            feedback_html: r.as_ref().and_then(|r| r.feedback_html.clone()),
                            attempts_left: o.attempts_left(),
                        }
                    }
                }
                None => rsx! { Loading { lang } },
            }
        }
        (None, _) => overview.render(lang, &(course, quiz), |_| rsx! {}),
    };
    let questions = r.map(|r| r.questions).unwrap_or_default();
    rsx! {
        div { class: "page attempt-page",
            Link { class: "back-link", to: Route::QuizView { course, quiz }, "← " {lang.tr(Msg::BackToQuiz)} }
            if let Some(o) = &o {
                h1 { class: "page-title", "{o.quiz.name}" }
            }
            {body}
            if !questions.is_empty() {
                div { class: "attempt-questions review",
                    for q in questions {
                        QuestionCard {
                            key: "{q.slot}",
                            lang,
                            question: q,
                            read_only: true,
                            site_url: site_url.clone(),
                            on_answer: |_| {},
                            on_flag: |_| {},
                        }
                    }
                }
            }
            nav { class: "prev-next",
                Link { class: "button secondary", "data-testid": "result-back-to-course", to: Route::CourseView { course },
                    "← " {lang.tr(Msg::BackToCourse)}
                }
            }
        }
    }
}
