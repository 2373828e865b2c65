//! Joining a facility course: a course to choose (name, logo, category) and what the site
//! said to a code. Props in, events out.

use crate::i18n::{Lang, Msg};
use crate::text::plain_text;
use dioxus::prelude::*;
use juko_model::{Course, JoinOutcome};

/// A facility course in the chooser; `logo`: an address the app may load, when it has one.
#[component]
pub fn JoinCourseCard(course: Course, logo: Option<String>) -> Element {
    let summary = plain_text(&course.summary_html);
    // A logo that fails to load (offline, never kept) is left out, not drawn broken.
    let mut broken = use_signal(|| None::<String>);
    let logo = logo.filter(|src| broken.read().as_ref() != Some(src));
    rsx! {
        div { class: "join-course",
            if let Some(src) = logo {
                img {
                    class: "join-logo",
                    src: "{src}",
                    alt: "",
                    onerror: move |_| broken.set(Some(src.clone())),
                }
            }
            div { class: "join-course-text",
                if !course.category.is_empty() {
                    span { class: "muted join-category", "{course.category}" }
                }
                h2 { class: "course-title", "{course.full_name}" }
                if !summary.is_empty() {
                    p { class: "course-summary", "{summary}" }
                }
            }
        }
    }
}

/// What to tell the learner after a code (or on opening a course that takes none now).
#[derive(Clone, Debug, PartialEq)]
pub enum JoinNote {
    Outcome(JoinOutcome),
    EmptyCode,
    /// No connection: joining needs the site.
    Offline,
    /// Another error, in the learner's words.
    Failed(String),
}

/// The note, with "open the course" when the learner is in it already.
#[component]
pub fn JoinNoteView(lang: Lang, note: JoinNote, on_open: EventHandler<()>) -> Element {
    let (msg, detail, already) = match &note {
        JoinNote::Outcome(JoinOutcome::Joined) => return rsx! {},
        JoinNote::Outcome(JoinOutcome::WrongCode) => (
            Msg::JoinWrongCode,
            Some(lang.tr(Msg::JoinCodeChangesYearly).to_owned()),
            false,
        ),
        JoinNote::Outcome(JoinOutcome::AlreadyJoined) => (Msg::JoinAlreadyJoined, None, true),
        JoinNote::Outcome(JoinOutcome::NotTakingLearners { reason }) => {
            (Msg::JoinNotTakingLearners, site_reason(lang, reason), false)
        }
        JoinNote::EmptyCode => (Msg::JoinEmptyCode, None, false),
        JoinNote::Offline => (Msg::JoinNeedsConnection, None, false),
        JoinNote::Failed(message) => {
            return rsx! { p { class: "form-error", role: "alert", "data-testid": "join-note", "{message}" } };
        }
    };
    let class = if already { "notice" } else { "form-error" };
    rsx! {
        div { class: "{class}", role: "alert", "data-testid": "join-note", "data-outcome": outcome_name(&note),
            p { {lang.tr(msg)} }
            if let Some(detail) = detail {
                p { class: "join-detail", "{detail}" }
            }
            if already {
                button { class: "button primary", "data-testid": "join-open-course",
                    onclick: move |_| on_open.call(()),
                    {lang.tr(Msg::OpenCourse)}
                }
            }
        }
    }
}

/// The site's own reason, when it gave one, after a label.
fn site_reason(lang: Lang, reason: &str) -> Option<String> {
    let reason = plain_text(reason);
    (!reason.trim().is_empty()).then(|| format!("{}: {reason}", lang.tr(Msg::JoinSiteReason)))
}

/// A stable name for tests to tell the outcomes apart.
fn outcome_name(note: &JoinNote) -> &'static str {
    match note {
        JoinNote::Outcome(JoinOutcome::Joined) => "joined",
        JoinNote::Outcome(JoinOutcome::WrongCode) => "wrong-code",
        JoinNote::Outcome(JoinOutcome::AlreadyJoined) => "already-joined",
        JoinNote::Outcome(JoinOutcome::NotTakingLearners { .. }) => "not-taking-learners",
        JoinNote::EmptyCode => "empty-code",
        JoinNote::Offline => "offline",
        JoinNote::Failed(_) => "failed",
    }
}
