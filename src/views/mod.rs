//! One file per screen, and the frame around them (`shell`).

mod course;
mod history;
mod home;
mod lecture;
mod not_found;
pub mod shell;
mod sign_in;

pub use course::CourseView;
pub use history::HistoryView;
pub use home::Home;
pub use lecture::LectureView;
pub use not_found::NotFound;
pub use sign_in::SignIn;
