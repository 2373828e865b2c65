//! The test's page: what it is (attempts, pass mark, time limit, grade, state, the site's
//! rules), whether it can be taken here and now, and the button to start or continue.

use super::badge::{status_key, status_msg};
use super::{format_grade, grade_of};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{Lang, Msg};
use crate::text::{plain_text, safe_link};
use dioxus::prelude::*;
use juko_model::{AttemptId, AttemptState, QuizOverview};

/// What the learner can do from the test's page.
#[derive(Clone, Debug, PartialEq)]
pub enum QuizAction {
    /// Start a new attempt (online).
    Start,
    /// Continue this open attempt.
    Continue(AttemptId),
    /// Starting, or continuing an attempt this device does not hold, needs the connection.
    NeedsConnection,
    /// The site does not let the learner attempt it now, in its words (may be empty).
    Blocked(Vec<String>),
    /// Taken on the site only: an access rule or question type the app does not provide.
    OnSite,
}

/// What the page offers, by the site's rules, the connection, and the open attempt this device
/// keeps (`on_device`: answerable offline when the test allows it).
pub fn quiz_action(
    overview: &QuizOverview,
    online: bool,
    on_device: Option<AttemptId>,
) -> QuizAction {
    let (quiz, access) = (&overview.quiz, &overview.access);
    if access.needs_site || !access.unsupported_types.is_empty() {
        return QuizAction::OnSite;
    }
    if !access.blocked.is_empty() {
        return QuizAction::Blocked(access.blocked.clone());
    }
    // The kept overview may predate the attempt this device started: the device's copy counts.
    let open = overview.open_attempt().map(|a| a.id).or(on_device);
    if let Some(open) = open {
        let here = on_device == Some(open) && quiz.offline_attempts;
        return if online || here {
            QuizAction::Continue(open)
        } else {
            QuizAction::NeedsConnection
        };
    }
    if !access.new_attempt_blocked.is_empty() {
        return QuizAction::Blocked(access.new_attempt_blocked.clone());
    }
    if !access.can_attempt || overview.attempts_left() == Some(0) {
        return QuizAction::Blocked(Vec::new());
    }
    if online {
        QuizAction::Start
    } else {
        QuizAction::NeedsConnection
    }
}

/// What the learner is told about the connection before starting.
fn connection_note(overview: &QuizOverview) -> Msg {
    if overview.quiz.time_limit_secs.is_some() {
        Msg::TimedNeedsConnection
    } else if overview.quiz.offline_attempts {
        Msg::OfflineQuiz
    } else {
        Msg::OnlineOnlyQuiz
    }
}

#[component]
pub fn QuizOverviewPanel(
    lang: Lang,
    overview: QuizOverview,
    action: QuizAction,
    /// The test's page on the site, for "open this test on the site" (a link only if http(s)).
    site_url: String,
    /// Starting or opening an attempt is under way.
    busy: bool,
    /// Why the last start failed, for the learner.
    error: Option<String>,
    on_start: EventHandler<()>,
    on_continue: EventHandler<AttemptId>,
    on_result: EventHandler<AttemptId>,
) -> Element {
    let quiz = &overview.quiz;
    let status = overview.status();
    let intro = plain_text(&quiz.intro_html);
    let d = quiz.decimal_points;
    let access = &overview.access;
    let finished: Vec<_> = overview
        .attempts
        .iter()
        .filter(|a| a.state == AttemptState::Finished)
        .cloned()
        .collect();
    let can_review = access.can_review;
    let rules = super::rules_to_show(&access.rules, quiz.max_attempts);
    rsx! {
        section { class: "quiz-overview", "data-testid": "quiz-overview",
            if !intro.is_empty() {
                div { class: "description",
                    for line in intro.lines() {
                        p { "{line}" }
                    }
                }
            }
            dl { class: "facts quiz-facts",
                dt { {lang.tr(Msg::QuizState)} }
                dd { "data-testid": "quiz-state", "data-status": status_key(status), {lang.tr(status_msg(status))} }
                dt { {lang.tr(Msg::AttemptsUsed)} }
                dd { "data-testid": "quiz-attempts", {lang.attempts_used(overview.attempts.len(), quiz.max_attempts)} }
                if let Some(pass) = quiz.pass_grade {
                    dt { {lang.tr(Msg::PassMark)} }
                    dd { {grade_of(pass, quiz.max_grade, d)} }
                }
                dt { {lang.tr(Msg::TimeLimit)} }
                dd {
                    match quiz.time_limit_secs {
                        Some(secs) => lang.time_limit(secs),
                        None => lang.tr(Msg::NoTimeLimit).to_owned(),
                    }
                }
                if let Some(best) = overview.best_grade {
                    dt { {lang.tr(Msg::Grade)} }
                    dd { "data-testid": "quiz-grade", {grade_of(best, quiz.max_grade, d)} }
                }
            }
            if !rules.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::QuizRules)} }
                ul { class: "quiz-rules",
                    for rule in rules.iter() {
                        li { {plain_text(rule)} }
                    }
                }
            }
            div { class: "quiz-action",
                match &action {
                    QuizAction::OnSite => rsx! {
                        p { class: "notice", "data-testid": "quiz-on-site",
                            {lang.tr(if access.needs_site { Msg::QuizNeedsSite } else { Msg::QuizUnsupportedQuestions })}
                        }
                        SiteLink { lang, site_url: site_url.clone() }
                    },
                    QuizAction::Blocked(reasons) => rsx! {
                        div { class: "notice", "data-testid": "quiz-blocked",
                            if reasons.is_empty() {
                                p { {lang.tr(Msg::QuizBlocked)} }
                            }
                            for reason in reasons.iter() {
                                p { {plain_text(reason)} }
                            }
                        }
                    },
                    QuizAction::NeedsConnection => rsx! {
                        p { class: "notice", "data-testid": "quiz-needs-connection", {lang.tr(Msg::StartNeedsConnection)} }
                        p { class: "muted", {lang.tr(connection_note(&overview))} }
                    },
                    QuizAction::Start => rsx! {
                        p { class: "muted", "data-testid": "quiz-connection-note", {lang.tr(connection_note(&overview))} }
                        // Another attempt (after a pass, or any attempt made) is not the page's
                        // main action: the view asks before it uses one of those allowed.
                        button { class: if overview.attempts.is_empty() { "button primary wide" } else { "button secondary wide" },
                            "data-testid": "quiz-start", disabled: busy,
                            onclick: move |_| on_start.call(()),
                            {lang.tr(if busy { Msg::Starting } else if overview.attempts.is_empty() { Msg::StartAttempt } else { Msg::StartAgain })}
                        }
                    },
                    QuizAction::Continue(id) => {
                        let id = *id;
                        rsx! {
                            button { class: "button primary wide", "data-testid": "quiz-continue", disabled: busy,
                                onclick: move |_| on_continue.call(id),
                                {lang.tr(if busy { Msg::Starting } else { Msg::ContinueAttempt })}
                            }
                        }
                    }
                }
                if let Some(message) = error {
                    p { class: "form-error", role: "alert", "data-testid": "quiz-error", {message} }
                }
            }
            if !finished.is_empty() {
                h2 { class: "section-title", {lang.tr(Msg::YourAttempts)} }
                ul { class: "attempt-list",
                    for attempt in finished {
                        li { key: "{attempt.id}", class: "attempt-item",
                            span { {lang.attempt_number(attempt.number)} }
                            if let Some(grade) = attempt.grade {
                                span { class: "muted", {format_grade(grade, d)} }
                            }
                            if can_review {
                                button { class: "button ghost", "data-testid": "attempt-result",
                                    onclick: move |_| on_result.call(attempt.id),
                                    {lang.tr(Msg::SeeResult)}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Open this test on the site": a link when the address is a web address, else the address
/// as text (the app's rule for links).
#[component]
pub fn SiteLink(lang: Lang, site_url: String) -> Element {
    match safe_link(&site_url) {
        Some(url) => rsx! {
            a { class: "button secondary", href: "{url}", target: "_blank", rel: "noopener noreferrer",
                "data-testid": "open-on-site",
                {lang.tr(Msg::OpenQuizOnSite)} Icon { glyph: Glyph::External }
            }
        },
        None => rsx! {
            p { class: "muted", {lang.tr(Msg::OpenQuizOnSite)} ": {site_url}" }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use juko_model::AttemptState;

    #[test]
    fn starting_needs_the_connection_and_continuing_offline_needs_the_device_copy() {
        let fresh = overview(vec![], None);
        assert_eq!(quiz_action(&fresh, true, None), QuizAction::Start);
        assert_eq!(
            quiz_action(&fresh, false, None),
            QuizAction::NeedsConnection
        );

        let open = attempt(1, AttemptState::InProgress, None);
        let going = overview(vec![open.clone()], None);
        assert_eq!(
            quiz_action(&going, true, None),
            QuizAction::Continue(open.id)
        );
        assert_eq!(
            quiz_action(&going, false, None),
            QuizAction::NeedsConnection
        );
        assert_eq!(
            quiz_action(&going, false, Some(open.id)),
            QuizAction::Continue(open.id)
        );
        // A kept overview from before the start: the device's attempt is what continues.
        assert_eq!(
            quiz_action(&fresh, false, Some(open.id)),
            QuizAction::Continue(open.id)
        );
        let mut online_only = going.clone();
        online_only.quiz.offline_attempts = false;
        assert_eq!(
            quiz_action(&online_only, false, Some(open.id)),
            QuizAction::NeedsConnection
        );
    }

    #[test]
    fn the_sites_rules_come_first() {
        let mut o = overview(vec![], None);
        o.access.unsupported_types = vec!["essay".into()];
        assert_eq!(quiz_action(&o, true, None), QuizAction::OnSite);
        let mut o = overview(vec![], None);
        o.access.blocked = vec!["閉じました".into()];
        assert_eq!(
            quiz_action(&o, true, None),
            QuizAction::Blocked(vec!["閉じました".into()])
        );
        let spent = overview(
            (1..=3)
                .map(|n| attempt(n, AttemptState::Finished, Some(10.0)))
                .collect(),
            Some(10.0),
        );
        assert_eq!(quiz_action(&spent, true, None), QuizAction::Blocked(vec![]));
    }

    fn render(overview: QuizOverview, action: QuizAction, site_url: &str) -> String {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            overview: QuizOverview,
            action: QuizAction,
            site_url: String,
        }
        fn app(p: P) -> Element {
            rsx! {
                QuizOverviewPanel {
                    lang: Lang::Ja, overview: p.overview, action: p.action, site_url: p.site_url,
                    busy: false, error: None, on_start: |_| {}, on_continue: |_| {}, on_result: |_| {},
                }
            }
        }
        let props = P {
            overview,
            action,
            site_url: site_url.into(),
        };
        let mut dom = VirtualDom::new_with_props(app, props);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn the_page_says_attempts_pass_mark_limit_and_grade() {
        let mut o = overview(
            vec![attempt(1, AttemptState::Finished, Some(70.0))],
            Some(70.0),
        );
        o.quiz.time_limit_secs = Some(600);
        o.access.rules = vec!["<b>制限時間</b>: 10 分".into()];
        let html = render(o, QuizAction::Start, "https://icrweb.example.jp");
        for want in [
            "1 / 3",
            "80.00 / 100.00",
            "10 分",
            "70.00 / 100.00",
            "不合格",
            "制限時間: 10 分",
            "受験中ずっとインターネット接続が必要です",
            "data-testid=\"quiz-start\"",
            "data-testid=\"attempt-result\"",
        ] {
            assert!(html.contains(want), "{want}: {html}");
        }
        assert!(!html.contains("<script"), "site HTML read as text: {html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_test_for_the_site_links_there_only_by_web_address() {
        let mut o = overview(vec![], None);
        o.access.needs_site = true;
        let html = render(o.clone(), QuizAction::OnSite, "https://icrweb.example.jp");
        assert!(
            html.contains("href=\"https://icrweb.example.jp\""),
            "{html}"
        );
        assert!(!html.contains("quiz-start"), "{html}");
        let html = render(o, QuizAction::OnSite, "javascript:alert(1)");
        assert!(!html.contains("href="), "{html}");
    }
}
