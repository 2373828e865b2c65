//! One file per screen (a test's attempt screens share `attempt`), and the frame around them
//! (`shell`).

mod attempt;
pub mod certificates;
mod course;
mod downloads;
mod history;
mod home;
mod join;
mod lecture;
mod news;
mod not_found;
mod quiz;
mod settings;
pub mod shell;
mod sign_in;

pub use attempt::{AttemptResultView, AttemptSummaryView, AttemptView};
pub use certificates::CertificatesView;
pub use course::CourseView;
pub use downloads::Downloads;
pub use history::HistoryView;
pub use home::Home;
pub use join::{JoinCourseView, JoinView};
pub use lecture::LectureView;
pub use news::{AnnouncementView, NewsView};
pub use not_found::NotFound;
pub use quiz::QuizView;
pub use settings::Settings;
pub use sign_in::SignIn;
