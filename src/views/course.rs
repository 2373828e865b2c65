//! A course (コース): its units (講座) and each unit's lectures (講義) with length and lecturer.

use crate::components::download::{UnitDownload, unit_pending};
use crate::components::feedback::ProgressBar;
use crate::components::icon::{Glyph, Icon};
use crate::components::quiz::badge::QuizBadge;
use crate::format;
use crate::i18n::{Lang, Msg};
use crate::kept::use_kept;
use crate::platform;
use crate::route::Route;
use crate::state::{self, CurrentSession, History};
use crate::text::{plain_text, starts_with_number, text_lang};
use crate::views::certificates;
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_model::{
    Activity, ActivityKind, Announcement, Certificate, CourseId, Lecture, QuizOverview, Unit,
};

#[component]
pub fn CourseView(course: CourseId) -> Element {
    let lang = state::use_lang();
    let contents = use_kept(
        course,
        |c| Item::contents(*c),
        |session, course| {
            Box::pin(async move {
                let contents = session.course_contents(course).await?;
                // A kept download the site has changed since is stale.
                crate::services::downloads::check_fetched(&contents);
                // The view event only feeds the site's logs: a failure must not hide the course.
                if let Err(e) = session.record_course_view(course).await {
                    tracing::warn!("course view not recorded: {e}");
                }
                Ok(contents)
            })
        },
    );
    // The title comes from the course list (contents carry no name).
    let courses = use_kept(
        (),
        |_| Item::courses(),
        |session, _| Box::pin(async move { session.courses().await }),
    );
    let listed = courses
        .shown(&())
        .data
        .and_then(|k| k.value.into_iter().find(|c| c.id == course));
    let title = listed
        .as_ref()
        .map(|c| c.full_name.clone())
        .unwrap_or_default();
    let logo = listed.and_then(|c| c.logo_url);
    let latest = crate::news::shown_news().and_then(|n| n.latest_in(course).cloned());
    let body = contents.render(lang, &course, |kept| {
        rsx! {
            CourseTally {
                lectures: kept.value.lectures().cloned().collect::<Vec<_>>(),
                activities: kept.value.units.iter().flat_map(|u| u.activities.iter().cloned()).collect::<Vec<_>>(),
            }
            div { class: "units",
                for unit in kept.value.units.iter() {
                    UnitCard { key: "{unit.id}", course, unit: unit.clone() }
                }
            }
        }
    });
    rsx! {
        div { class: "page",
            Link { class: "back-link", to: Route::Home {}, Icon { glyph: Glyph::Back } {lang.tr(Msg::MyCourses)} }
            CourseHead { title, logo, latest }
            {body}
            Link { class: "button secondary", "data-testid": "manage-downloads", to: Route::Downloads {},
                {lang.tr(Msg::ManageDownloads)}
            }
        }
    }
}

/// The course's name, with its logo (a facility's) and its newest announcement when it has them,
/// as the brochure's facility pages show them.
#[component]
fn CourseHead(title: String, logo: Option<String>, latest: Option<Announcement>) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let session = use_context::<CurrentSession>().0;
    // A logo that fails to load (offline, never kept) is left out, not drawn broken.
    let mut broken = use_signal(|| None::<String>);
    let logo_src = logo
        .and_then(|url| session.peek().as_ref().and_then(|s| s.file_url(&url)))
        .filter(|src| broken.read().as_ref() != Some(src));
    let unread = latest
        .as_ref()
        .is_some_and(|a| !crate::news::read_set(history).contains(&a.id));
    rsx! {
        header { class: if logo_src.is_some() { "course-head facility" } else { "course-head" },
            if let Some(src) = logo_src.clone() {
                img {
                    class: "course-logo",
                    "data-testid": "course-logo",
                    src: "{src}",
                    alt: "",
                    onerror: move |_| broken.set(Some(src.clone())),
                }
            }
            h1 { class: "page-title", lang: text_lang(&title), "{title}" }
        }
        if let Some(a) = latest {
            Link {
                class: if unread { "latest-news unread" } else { "latest-news" },
                "data-testid": "latest-news",
                to: Route::AnnouncementView { announcement: a.id },
                span { class: "latest-label muted",
                    if unread {
                        span { class: "unread-dot", role: "img", "aria-label": lang.tr(Msg::Unread), title: lang.tr(Msg::Unread) }
                    }
                    {lang.tr(Msg::LatestNews)}
                    " · "
                    {lang.ago(crate::platform::now_ms() - a.posted_at * 1000)}
                }
                span { class: "news-subject", lang: text_lang(&a.subject), "{a.subject}" }
            }
        }
    }
}

#[component]
fn UnitCard(course: CourseId, unit: Unit) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let count = tally(history, &unit.lectures, &unit.activities);
    let lectures = unit.lectures.len();
    let summary = plain_text(&unit.summary_html);
    let dl = use_context::<crate::services::downloads::Downloads>();
    let downloadable = unit
        .lectures
        .iter()
        .filter(|l| juko_core::downloads::downloadable(l))
        .count();
    let of_unit: Vec<_> = unit
        .lectures
        .iter()
        .filter_map(|l| dl.of(l.id).map(|d| (d, dl.progress(l.id))))
        .collect();
    let kept = of_unit.iter().filter(|(d, _)| d.playable()).count();
    let (pending, fraction) = unit_pending(of_unit.iter().map(|(d, live)| (d, *live)));
    let to_queue = unit.clone();
    rsx! {
        section { class: "unit", "data-testid": "unit",
            header { class: "unit-head",
                div {
                    // Section 0 is the course's general section, not a numbered unit.
                    if unit.number > 0 {
                        p { class: "unit-number", {lang.unit_number(unit.number)} }
                    }
                    h2 { class: "unit-title", lang: text_lang(&unit.name), "{unit.name}" }
                }
                p { class: "unit-meta muted",
                    span { {lang.lecture_count(lectures)} }
                    if unit.total_duration() > 0 {
                        span { " · {format::duration(lang, unit.total_duration())}" }
                    }
                    if count.total > 0 {
                        span { "data-testid": "unit-count", " · " {lang.done_count(count.done, count.total, count.tests)} }
                    }
                }
            }
            if let Some(reason) = &unit.locked_reason {
                p { class: "locked", Icon { glyph: Glyph::Lock } {lang.tr(Msg::Locked)} ": " {plain_text(reason)} }
            } else {
                if !summary.is_empty() {
                    p { class: "unit-summary muted", "{summary}" }
                }
                UnitDownload { lang, downloadable, kept, pending, fraction,
                    refused: dl.no_space_for(crate::services::downloads::Asked::Unit(unit.id)).map(|n| lang.no_space(n.needed, n.free)),
                    on_download: move |_| dl.download_unit(course, &to_queue),
                }
                ol { class: "lecture-list",
                    for (i, lecture) in unit.lectures.iter().enumerate() {
                        LectureRow { key: "{lecture.id}", course, number: i + 1, lecture: lecture.clone() }
                    }
                    for activity in unit.activities.iter() {
                        ActivityRow { key: "{activity.id}", course, activity: activity.clone() }
                    }
                }
            }
        }
    }
}

#[component]
fn LectureRow(course: CourseId, number: usize, lecture: Lecture) -> Element {
    let lang = state::use_lang();
    let st = use_context::<History>().lecture_state(&lecture);
    let kept = use_context::<crate::services::downloads::Downloads>()
        .of(lecture.id)
        .is_some_and(|d| d.playable());
    let row = rsx! {
        // A title that carries its number already gets a blank badge, keeping rows aligned.
        if starts_with_number(&lecture.title, number) {
            span { class: "lecture-number bare", "aria-hidden": "true" }
        } else {
            span { class: "lecture-number", "{number}" }
        }
        span { class: "lecture-main",
            span { class: "lecture-title", lang: text_lang(&lecture.title), "{lecture.title}" }
            if let Some(name) = &lecture.lecturer {
                span { class: "lecture-lecturer muted", {lang.tr(Msg::Lecturer)} ": {name}" }
            }
        }
        span { class: "lecture-side",
            if let Some(secs) = lecture.duration_secs {
                span { class: "duration", title: lang.tr(Msg::Duration), {format::duration(lang, secs)} }
            }
            if kept {
                span { class: "kept-mark", "data-testid": "kept-mark", Icon { glyph: Glyph::Download, label: lang.tr(Msg::KeptMark) } }
            }
            if st.complete {
                span { class: "done-mark", title: lang.tr(Msg::Completed), Icon { glyph: Glyph::Check } {lang.tr(Msg::Completed)} }
            } else if st.coverage > 0.0 {
                span { class: "mini-progress", ProgressBar { fraction: st.coverage, label: lang.tr(Msg::Watched) } }
            }
        }
    };
    rsx! {
        li { class: "lecture-item",
            if lecture.locked_reason.is_some() {
                div { class: "lecture-row locked-row", {row} }
            } else {
                Link {
                    class: "lecture-row",
                    "data-testid": "lecture-link",
                    to: Route::LectureView { course, lecture: lecture.id },
                    {row}
                }
            }
        }
    }
}

#[component]
fn ActivityRow(course: CourseId, activity: Activity) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let is_quiz = activity.kind == ActivityKind::Quiz;
    let is_certificate = activity.kind == ActivityKind::Certificate;
    // The certificate's state as the 修了証 screen last saw it (kept on the device), if it did.
    let certificate = if is_certificate {
        kept_certificate(history, &activity)
    } else {
        None
    };
    // The test's state and grade as last seen on its page (kept on the device), if it was.
    let overview = if is_quiz {
        kept_quiz(history, &activity)
    } else {
        None
    };
    let row = rsx! {
        span { class: "lecture-number", "aria-hidden": "true", Icon { glyph: activity_icon(&activity.kind) } }
        span { class: "lecture-main",
            span { class: "lecture-title", lang: text_lang(&activity.name), "{activity.name}" }
            // A test's row says it is one by its mark and state: its title already does too.
            if !is_quiz {
                span { class: "muted", {activity_label(lang, &activity.kind)} }
            }
        }
        span { class: "lecture-side",
            if let Some(c) = &certificate {
                {certificate_state(lang, c)}
            } else if activity.locked_reason.is_some() {
                span { class: "muted", Icon { glyph: Glyph::Lock, label: lang.tr(Msg::Locked).to_owned() } }
            } else if let Some(o) = overview {
                QuizBadge { lang, overview: o }
            } else {
                // Not opened on this device: only what the course's contents say, completion
                // as the site tracks it (never a pass or a grade it did not give).
                {completion(lang, activity.completed)}
            }
        }
    };
    rsx! {
        li { class: "lecture-item",
            if is_quiz && activity.locked_reason.is_none() {
                Link {
                    class: "lecture-row",
                    "data-testid": "quiz-link",
                    to: Route::QuizView { course, quiz: activity.id },
                    {row}
                }
            } else if is_certificate {
                Link {
                    class: "lecture-row certificate-row",
                    "data-testid": "certificate-link",
                    to: Route::CertificatesView {},
                    {row}
                }
            } else if activity.kind == ActivityKind::News && activity.locked_reason.is_none() {
                // The course's announcements are read on the お知らせ screen.
                Link {
                    class: "lecture-row",
                    "data-testid": "news-link",
                    to: Route::NewsView {},
                    {row}
                }
            } else {
                div { class: "lecture-row activity-row", {row} }
            }
        }
    }
}

/// A certificate's state on the course page, as on the 修了証 screen.
fn certificate_state(lang: Lang, certificate: &Certificate) -> Element {
    let (class, text) = certificates::state_label(lang, certificate, platform::now_ms() / 1000);
    rsx! {
        span { class: "certificate-state {class}", "data-testid": "certificate-state", "data-state": class, "{text}" }
    }
}

/// The kept copy of a certificate, subscribing the caller to store changes.
fn kept_certificate(history: History, activity: &Activity) -> Option<Certificate> {
    let store = history.read()?;
    Item::certificates()
        .read(&*store.0)
        .inspect_err(|e| tracing::error!("kept certificates unreadable: {e}"))
        .ok()
        .flatten()
        .and_then(|k| k.value.into_iter().find(|c| c.id == activity.id))
}

/// An activity's completion as the site tracks it: "✓ 完了", "未完了", or nothing untracked.
fn completion(lang: Lang, completed: Option<bool>) -> Element {
    match completed {
        Some(true) => rsx! {
            span { class: "done-mark", "data-testid": "activity-completion", "data-completed": "true",
                Icon { glyph: Glyph::Check } {lang.tr(Msg::Completed)}
            }
        },
        Some(false) => rsx! {
            span { class: "muted", "data-testid": "activity-completion", "data-completed": "false",
                {lang.tr(Msg::NotCompleted)}
            }
        },
        None => rsx! {},
    }
}

/// The kept copy of a test's page, subscribing the caller to store changes.
fn kept_quiz(history: History, activity: &Activity) -> Option<QuizOverview> {
    let store = history.read()?;
    Item::quiz(activity.id)
        .read(&*store.0)
        .inspect_err(|e| tracing::error!("kept test unreadable: {e}"))
        .ok()
        .flatten()
        .map(|k| k.value)
}

/// What a unit's or course's "x / y" counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Count {
    done: usize,
    total: usize,
    /// How many of `total` are tests (the learner is told they count).
    tests: usize,
}

/// Completed of all, as the site counts completion: every lecture, and the activities whose
/// completion it tracks (`completed: Some(_)`, a unit's test among them).
fn tally(history: History, lectures: &[Lecture], activities: &[Activity]) -> Count {
    let watched = lectures
        .iter()
        .filter(|l| history.lecture_state(l).complete)
        .count();
    counted(watched, lectures.len(), activities)
}

/// The count from the lectures watched of all, and the activities the site tracks.
fn counted(watched: usize, lectures: usize, activities: &[Activity]) -> Count {
    let tracked: Vec<&Activity> = activities
        .iter()
        .filter(|a| a.completed.is_some())
        .collect();
    let done = tracked.iter().filter(|a| a.completed == Some(true)).count();
    Count {
        done: watched + done,
        total: lectures + tracked.len(),
        tests: tracked
            .iter()
            .filter(|a| a.kind == ActivityKind::Quiz)
            .count(),
    }
}

fn activity_icon(kind: &ActivityKind) -> Glyph {
    match kind {
        ActivityKind::Quiz => Glyph::Quiz,
        ActivityKind::Certificate => Glyph::Certificate,
        ActivityKind::Forum => Glyph::Forum,
        ActivityKind::News => Glyph::News,
        ActivityKind::Other => Glyph::Dot,
    }
}

fn activity_label(lang: Lang, kind: &ActivityKind) -> &'static str {
    lang.tr(match kind {
        ActivityKind::Quiz => Msg::Quiz,
        ActivityKind::Certificate => Msg::Certificate,
        ActivityKind::Forum => Msg::Forum,
        ActivityKind::News => Msg::Announcements,
        ActivityKind::Other => Msg::Activity,
    })
}

/// The course's tally: completed lectures and tracked activities (tests) of all.
#[component]
fn CourseTally(lectures: Vec<Lecture>, activities: Vec<Activity>) -> Element {
    let lang = state::use_lang();
    let history = use_context::<History>();
    let count = tally(history, &lectures, &activities);
    let fraction = if count.total == 0 {
        0.0
    } else {
        count.done as f64 / count.total as f64
    };
    rsx! {
        div { class: "course-tally", "data-testid": "course-tally",
            ProgressBar { fraction, label: lang.tr(Msg::CourseProgress) }
            span { {lang.done_count(count.done, count.total, count.tests)} }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::LectureId;

    fn activity(kind: ActivityKind, completed: Option<bool>) -> Activity {
        Activity {
            id: LectureId(1),
            name: String::new(),
            kind,
            locked_reason: None,
            completed,
        }
    }

    fn render_completion(completed: Option<bool>) -> String {
        fn app(completed: Option<bool>) -> Element {
            completion(Lang::Ja, completed)
        }
        let mut dom = VirtualDom::new_with_props(app, completed);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn a_test_not_opened_here_shows_the_sites_completion_and_no_grade() {
        let done = render_completion(Some(true));
        assert!(
            done.contains("data-completed=\"true\"") && done.contains("完了"),
            "{done}"
        );
        let not = render_completion(Some(false));
        assert!(
            not.contains("data-completed=\"false\"") && not.contains("未完了"),
            "{not}"
        );
        for html in [&done, &not] {
            assert!(
                !html.contains("合格") && !html.contains(" / "),
                "no pass or grade it was not given: {html}"
            );
        }
        assert_eq!(render_completion(None), "");
    }

    #[test]
    fn tests_count_where_the_site_tracks_their_completion() {
        let activities = [
            activity(ActivityKind::Quiz, Some(true)),
            activity(ActivityKind::Quiz, Some(false)),
            // Not tracked: not in the tally at all.
            activity(ActivityKind::Forum, None),
        ];
        let count = |done, total, tests| Count { done, total, tests };
        assert_eq!(counted(3, 10, &activities), count(4, 12, 2));
        assert_eq!(counted(0, 0, &[]), count(0, 0, 0));
        // A tracked certificate counts, but is not a test.
        let certificate = [activity(ActivityKind::Certificate, Some(false))];
        assert_eq!(counted(1, 2, &certificate), count(1, 3, 0));
    }
}
