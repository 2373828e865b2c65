//! The app's screens and their URLs (the same paths on every platform).

use crate::views::shell::Shell;
use crate::views::{
    AnnouncementView, AttemptResultView, AttemptSummaryView, AttemptView, CertificatesView,
    CourseView, Downloads, HistoryView, Home, JoinCourseView, JoinView, LectureView, NewsView,
    NotFound, QuizView, Settings,
};
use dioxus::prelude::*;
use juko_model::{AnnouncementId, AttemptId, CourseId, LectureId};

#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
pub enum Route {
    #[layout(Shell)]
        #[route("/")]
        Home {},
        #[route("/courses/:course")]
        CourseView { course: CourseId },
        #[route("/courses/:course/lectures/:lecture")]
        LectureView { course: CourseId, lecture: LectureId },
        // A test is addressed by its module in the unit, as a lecture is.
        #[route("/courses/:course/quizzes/:quiz")]
        QuizView { course: CourseId, quiz: LectureId },
        #[route("/courses/:course/quizzes/:quiz/attempts/:attempt")]
        AttemptView { course: CourseId, quiz: LectureId, attempt: AttemptId },
        #[route("/courses/:course/quizzes/:quiz/attempts/:attempt/summary")]
        AttemptSummaryView { course: CourseId, quiz: LectureId, attempt: AttemptId },
        #[route("/courses/:course/quizzes/:quiz/attempts/:attempt/result")]
        AttemptResultView { course: CourseId, quiz: LectureId, attempt: AttemptId },
        #[route("/history")]
        HistoryView {},
        // Facility join (施設コースに参加).
        #[route("/join")]
        JoinView {},
        #[route("/join/:course")]
        JoinCourseView { course: CourseId },
        // Certificates (修了証).
        #[route("/certificates")]
        CertificatesView {},
        // Announcements (お知らせ) and notifications.
        #[route("/news")]
        NewsView {},
        #[route("/news/:announcement")]
        AnnouncementView { announcement: AnnouncementId },
        // 設定 (settings).
        #[route("/settings")]
        Settings {},
        // Lecture downloads: the storage screen.
        #[route("/downloads")]
        Downloads {},
    #[end_layout]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Every screen with the URL it is shown at: each one prints as that URL and that URL (with
    /// or without a trailing slash) reads back as the screen.
    fn screens() -> Vec<(Route, &'static str)> {
        let (course, quiz, attempt) = (CourseId(7), LectureId(42), AttemptId(9));
        vec![
            (Route::Home {}, "/"),
            (Route::CourseView { course }, "/courses/7"),
            (Route::JoinView {}, "/join"),
            (Route::JoinCourseView { course }, "/join/7"),
            (
                Route::LectureView {
                    course,
                    lecture: LectureId(3),
                },
                "/courses/7/lectures/3",
            ),
            (Route::QuizView { course, quiz }, "/courses/7/quizzes/42"),
            (Route::CertificatesView {}, "/certificates"),
            (
                Route::AttemptView {
                    course,
                    quiz,
                    attempt,
                },
                "/courses/7/quizzes/42/attempts/9",
            ),
            (
                Route::AttemptSummaryView {
                    course,
                    quiz,
                    attempt,
                },
                "/courses/7/quizzes/42/attempts/9/summary",
            ),
            (
                Route::AttemptResultView {
                    course,
                    quiz,
                    attempt,
                },
                "/courses/7/quizzes/42/attempts/9/result",
            ),
            (Route::HistoryView {}, "/history"),
            (Route::NewsView {}, "/news"),
            (Route::Downloads {}, "/downloads"),
            (
                Route::AnnouncementView {
                    announcement: AnnouncementId(4101),
                },
                "/news/4101",
            ),
            (Route::Settings {}, "/settings"),
        ]
    }

    #[test]
    fn each_screen_has_its_url() {
        for (route, url) in screens() {
            assert_eq!(route.to_string(), url);
            assert_eq!(Route::from_str(url).ok(), Some(route.clone()), "{url}");
            if url != "/" {
                assert_eq!(
                    Route::from_str(&format!("{url}/")).ok(),
                    Some(route),
                    "{url}/"
                );
            }
        }
    }

    #[test]
    fn other_urls_are_not_found() {
        for url in [
            "/courses",
            "/courses/x",
            "/courses/7/lectures",
            "/courses/7/quizzes/x",
            "/courses/7/quizzes/42/attempts",
            "/courses/7/quizzes/42/attempts/9/other",
            "/courses/7/other/3",
            "/nothing",
            "/news/x",
            "/news/1/other",
        ] {
            let route = Route::from_str(url).ok();
            assert!(
                matches!(route, Some(Route::NotFound { .. })),
                "{url}: {route:?}"
            );
        }
    }
}
