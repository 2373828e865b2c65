//! The learner's domain, as Juko's screens and engine speak it.
//!
//! Architecture invariant: this crate is pure data and rules. It knows nothing of Moodle's wire
//! format (that is `juko-moodle`), of storage or of the network, and it builds for wasm as it is.
//! Names follow DESIGN.md's concept table: Course (コース), Unit (講座), Lecture (講義).

mod catalog;
mod ids;
mod progress;
mod site;

pub use catalog::{
    Activity, ActivityKind, Course, CourseContents, Lecture, LectureKind, Media, Unit,
};
pub use ids::{CourseId, LectureId, UnitId, UserId};
pub use progress::{
    DEFAULT_COMPLETION_THRESHOLD, Interval, LectureProgress, ProgressEvent, ProgressKind,
    ProgressPage, PushOutcome, Rejection, RemoteProgress, ResumePosition, WatchedIntervals,
    meets_threshold,
};
pub use site::{LoginPolicy, SiteInfo, User};

/// Formats a length in seconds the way ICRweb's catalog does: `M:SS` under an hour, `H:MM:SS` above.
pub fn format_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_duration;

    #[test]
    fn durations_read_like_the_catalog() {
        let check = |secs, want: &str| assert_eq!(format_duration(secs), want, "{secs} s");
        check(0, "0:00");
        check(5, "0:05");
        check(68, "1:08");
        check(3600, "1:00:00");
        check(3723, "1:02:03");
    }
}
