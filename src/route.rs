//! The app's screens and their URLs (the same paths on every platform).

use crate::views::shell::Shell;
use crate::views::{
    AttemptResultView, AttemptSummaryView, AttemptView, CourseView, HistoryView, Home, LectureView,
    NotFound, QuizView,
};
use dioxus::prelude::*;
use juko_model::{AttemptId, CourseId, LectureId};

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
    #[end_layout]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}
