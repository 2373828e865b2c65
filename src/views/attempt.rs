//! An attempt at a test: answering it (one question per screen on phones, the whole list on
//! wide screens), the summary before submitting, and the result.
//!
//! The attempt is read from the device ([`quiz::resume`]): `quiz::open` on the test's page kept
//! it there. Every answer goes to the store the moment it is chosen ([`quiz::answer`]), then to
//! the site in the background when it can be reached ([`quiz::save`]); while the screen is open
//! the sync service leaves the attempt to it ([`quiz::OnScreen`]).

use super::quiz::NotOnDevice;
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::icon::{Glyph, Icon};
use crate::components::quiz::countdown::Countdown;
use crate::components::quiz::navigation::QuestionNav;
use crate::components::quiz::question::QuestionCard;
use crate::components::quiz::result::AttemptResultPanel;
use crate::components::quiz::summary::AttemptSummaryPanel;
use crate::i18n::Msg;
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History, Reconnected};
use dioxus::prelude::*;
use juko_core::Error;
use juko_core::catalog::Item;
use juko_core::quiz::{self, LocalAttempt, QuizRemote, Resolution, Submitted};
use juko_model::{
    Answer, Attempt, AttemptId, AttemptState, CourseId, LectureId, Navigation, Question,
    QuizOverview,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// How long answering must pause before the answers go to the site: a typed answer is sent
/// once, not at every key (each key is in the store at once regardless).
const SAVE_AFTER: Duration = Duration::from_millis(800);

/// The question the summary asked to go back to, for the attempt screen it opens.
static GO_TO: GlobalSignal<Option<(AttemptId, u32)>> = Signal::global(|| None);

/// The attempt this app submitted because its time was up, for the result screen to say so.
static TIMED_OUT: GlobalSignal<Option<AttemptId>> = Signal::global(|| None);

/// Every question slot of the attempt in order, page by page, and those of them the device has
/// no question for yet (a test with sequential navigation shows a page only once reached).
/// Slots the device holds but the layout does not list come last, so none is hidden.
fn attempt_slots(attempt: &Attempt, questions: &[Question]) -> (Vec<u32>, Vec<u32>) {
    let mut all: Vec<u32> = attempt.pages.iter().flatten().copied().collect();
    for q in questions {
        if !all.contains(&q.slot) {
            all.push(q.slot);
        }
    }
    let ahead = all
        .iter()
        .copied()
        .filter(|s| !questions.iter().any(|q| q.slot == *s))
        .collect();
    (all, ahead)
}

/// What an attempt screen without the device's copy does, by the test's page as the site gave
/// it: open the attempt (still open there), show its result (finished), or say it is not here.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FromSite {
    Open,
    Result,
    Missing,
}

fn from_site(overview: &QuizOverview, attempt: AttemptId) -> FromSite {
    match overview.attempts.iter().find(|a| a.id == attempt) {
        // Only the open attempt is opened: `quiz::open` would start a new one otherwise.
        Some(a) if a.is_open() && overview.open_attempt().map(|o| o.id) == Some(attempt) => {
            FromSite::Open
        }
        Some(a) if a.state == AttemptState::Finished => FromSite::Result,
        _ => FromSite::Missing,
    }
}

/// Whether the browser says it is online, kept up to date by its `online`/`offline` events.
fn use_online() -> Signal<bool> {
    let mut online = use_signal(|| true);
    use_future(move || async move {
        let mut eval = document::eval(
            "dioxus.send(navigator.onLine);\n\
             window.addEventListener('online', () => dioxus.send(true));\n\
             window.addEventListener('offline', () => dioxus.send(false));",
        );
        while let Ok(now) = eval.recv::<bool>().await {
            online.set(now);
        }
    });
    online
}

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
    // The last send failed for want of the network (cleared by the next that goes through).
    let mut unreachable = use_signal(|| false);
    let online = use_online();
    let reconnected = use_context::<Reconnected>().0;
    // Opening the attempt from the site, when this device has no copy of it (online).
    let mut from_site_state = use_signal(|| None::<FromSite>);

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
                        unreachable.set(false);
                        local.set(Ok(Some(fresh)));
                    }
                    Err(e) if e.is_retryable() => {
                        tracing::info!("answers kept for later: {e}");
                        unreachable.set(true);
                    }
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
                    if time_up {
                        *TIMED_OUT.write() = Some(attempt);
                    }
                    navigator().replace(Route::AttemptResultView {
                        course,
                        quiz,
                        attempt,
                    });
                    return;
                }
                // The screen says so already (the attempt is marked queued): once is enough.
                Ok(Submitted::Queued) => {
                    notice.set(None);
                    local.set(load(history, attempt));
                    return;
                }
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

    // When the network returns with the screen open, what waits is sent now: the answers
    // chosen offline, and a submission queued offline (sync leaves an attempt on screen alone).
    let mut seen = use_signal(|| *reconnected.peek());
    use_effect(move || {
        let now = reconnected();
        if now == *seen.peek() {
            return;
        }
        seen.set(now);
        let waiting = match &*local.peek() {
            Ok(Some(l)) if l.closed_on_site.is_none() => {
                Some((l.finish_queued, !l.unsent.is_empty()))
            }
            _ => None,
        };
        match waiting {
            Some((true, _)) if !*busy.peek() => submit(false),
            Some((false, true)) => save_soon(),
            _ => {}
        }
    });

    // No copy on this device: online, the attempt is opened from the site (the test's page as
    // it stands says whether it is still open); offline, the screen says where to open it.
    use_future(move || async move {
        if !matches!(*local.peek(), Ok(None)) {
            return;
        }
        let (Some(s), Some(store)) = (session.peek().clone(), history.store.peek().clone()) else {
            return;
        };
        from_site_state.set(Some(FromSite::Open));
        let found = match QuizRemote::quiz_overview(&s, course, quiz).await {
            Ok(o) => match from_site(&o, attempt) {
                FromSite::Open => quiz::open(&s, &*store.0, &o, platform::now_ms())
                    .await
                    .map(|_| FromSite::Open),
                other => Ok(other),
            },
            Err(e) => Err(e),
        };
        history.changed();
        match found {
            Ok(FromSite::Open) => local.set(load(history, attempt)),
            Ok(FromSite::Result) => {
                navigator().replace(Route::AttemptResultView {
                    course,
                    quiz,
                    attempt,
                });
            }
            Ok(FromSite::Missing) => {}
            Err(e) => {
                tracing::info!("attempt {attempt} not opened from the site: {e}");
                state::handle_session_error(&e);
                // Unreachable: the screen says where to open it once connected. Anything else
                // (a refusal, an answer that does not read) is shown for what it is.
                if !e.is_retryable() {
                    local.set(Err(e));
                }
            }
        }
        from_site_state.set(Some(FromSite::Missing));
    });

    let loaded = local.read().clone();
    let l = match loaded {
        Ok(Some(l)) => l,
        Ok(None) if from_site_state() == Some(FromSite::Open) => {
            return rsx! {
                div { class: "page",
                    p { class: "muted", role: "status", "data-testid": "attempt-opening", {lang.tr(Msg::OpeningFromSite)} }
                    Loading { lang }
                }
            };
        }
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
    // Every question of the attempt, those not reached yet included (sequential navigation).
    let (slots, ahead) = attempt_slots(&l.attempt, &l.questions);
    let held: Vec<u32> = l.questions.iter().map(|q| q.slot).collect();
    let first_of_page = l
        .attempt
        .pages
        .get(l.attempt.current_page as usize)
        .and_then(|p| p.first().copied());
    let on_screen = current()
        .filter(|s| held.contains(s))
        .or(first_of_page)
        .or(slots.first().copied());
    let at = on_screen.and_then(|s| slots.iter().position(|x| *x == s));
    let sequential = l.quiz.navigation == Navigation::Sequential;
    // A page left is not changed again (the site's rule for sequential navigation).
    let current_page = l.attempt.current_page;
    let left_behind = {
        let attempt = l.attempt.clone();
        move |slot: u32| sequential && attempt.page_of(slot).is_some_and(|p| p < current_page)
    };
    let offline_while_timed =
        l.attempt.deadline.is_some() && !frozen && (!online() || unreachable());
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
        Link { class: "back-link", to: Route::QuizView { course, quiz }, Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToQuiz)} }
        h1 { class: "page-title", "{l.quiz.name}" }
        if let (Some(deadline), false) = (l.attempt.deadline, frozen) {
            Countdown { lang, deadline, on_time_up: move |_| submit(true) }
        }
        if offline_while_timed {
            p { class: "warning", role: "alert", "data-testid": "timed-offline", {lang.tr(Msg::TimedOffline)} }
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
                    ahead: ahead.clone(),
                    needs_look: l.needs_look.clone(),
                    busy: busy(),
                    locked: frozen,
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
                    ahead: ahead.clone(),
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
                                read_only: frozen || left_behind(q.slot),
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
                                Icon { glyph: Glyph::Back } {lang.tr(Msg::PreviousQuestion)}
                            }
                        }
                        if let Some(n) = next {
                            button { class: "button primary", "data-testid": "next-question",
                                disabled: busy() || (turns_page && frozen),
                                onclick: move |e| if turns_page { turn_page(e) } else { go(n) },
                                {lang.tr(Msg::NextQuestion)} Icon { glyph: Glyph::Forward }
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
    // Submitted by this app at time-up: said on the result, once.
    let timed_out = use_hook(|| {
        let ours = *TIMED_OUT.peek() == Some(attempt);
        if ours {
            *TIMED_OUT.write() = None;
        }
        ours
    });
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
            Link { class: "back-link", to: Route::QuizView { course, quiz }, Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToQuiz)} }
            if let Some(o) = &o {
                h1 { class: "page-title", "{o.quiz.name}" }
            }
            if timed_out {
                p { class: "notice", role: "status", "data-testid": "time-up-submitted", {lang.tr(Msg::TimeUpSubmitted)} }
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
                    Icon { glyph: Glyph::Back } {lang.tr(Msg::BackToCourse)}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::quiz::fixtures::{attempt, overview, question};
    use juko_model::QuestionKind;

    #[test]
    fn every_question_of_a_sequential_attempt_counts_before_it_is_reached() {
        let mut a = attempt(1, AttemptState::InProgress, None);
        a.pages = vec![vec![1], vec![2], vec![3]];
        let first = vec![question(1, QuestionKind::TrueFalse { answer: None })];
        assert_eq!(attempt_slots(&a, &first), (vec![1, 2, 3], vec![2, 3]));
        let two = vec![
            question(1, QuestionKind::TrueFalse { answer: None }),
            question(2, QuestionKind::TrueFalse { answer: None }),
        ];
        assert_eq!(attempt_slots(&a, &two), (vec![1, 2, 3], vec![3]));
        // A question the layout does not list is still shown, last.
        a.pages = vec![vec![2]];
        assert_eq!(attempt_slots(&a, &two), (vec![2, 1], vec![]));
    }

    #[test]
    fn an_attempt_not_on_this_device_is_opened_from_the_site_only_while_open_there() {
        let open = attempt(2, AttemptState::InProgress, None);
        let done = attempt(1, AttemptState::Finished, Some(80.0));
        let o = overview(vec![done.clone(), open.clone()], None);
        assert_eq!(from_site(&o, open.id), FromSite::Open);
        assert_eq!(from_site(&o, done.id), FromSite::Result);
        assert_eq!(from_site(&o, AttemptId(999)), FromSite::Missing);
        let mut abandoned = open.clone();
        abandoned.state = AttemptState::Abandoned;
        let o = overview(vec![abandoned.clone()], None);
        assert_eq!(from_site(&o, abandoned.id), FromSite::Missing);
    }
}
