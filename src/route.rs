//! The app's screens and their URLs (the same paths on every platform).

use crate::views::shell::Shell;
use crate::views::{CourseView, HistoryView, Home, LectureView, NotFound};
use dioxus::prelude::*;
use juko_model::{CourseId, LectureId};

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
        #[route("/history")]
        HistoryView {},
    #[end_layout]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}
