//! The learner's domain, as Juko's screens and engine speak it.
//!
//! Architecture invariant: this crate is pure data and rules. It knows nothing of Moodle's wire
//! format (that is `juko-moodle`), of storage or of the network, and it builds for wasm as it is.
//! Names follow DESIGN.md's concept table: Course (コース), Unit (講座), Lecture (講義).

mod catalog;
// Captions (字幕) of a lecture's video.
mod captions;
// certificates (修了証).
mod certificate;
mod ids;
mod join;
mod news;
mod progress;
mod quiz;
mod site;

pub use captions::{CaptionProblem, CaptionTrack, choose_caption, count_cues};
pub use catalog::{
    Activity, ActivityKind, Course, CourseContents, Lecture, LectureKind, Media, Unit,
};
pub use certificate::{
    Certificate, CertificateState, EXPIRING_WITHIN_DAYS, Issue, Validity, calendar_date,
    years_later,
};
pub use ids::{AttemptId, CourseId, LectureId, QuizId, UnitId, UserId};
// Facility join (施設コースに参加).
pub use join::JoinOutcome;
pub use news::{
    Announcement, AnnouncementId, Attachment, Board, BoardId, Notification, NotificationId, Unread,
    sort_announcements,
};
pub use progress::{
    DEFAULT_COMPLETION_THRESHOLD, Interval, LectureProgress, ProgressEvent, ProgressKind,
    ProgressPage, PushOutcome, Rejection, RemoteProgress, ResumePosition, WatchedIntervals,
    meets_threshold,
};
pub use quiz::{
    Answer, Attempt, AttemptPage, AttemptReview, AttemptState, Choice, ChoiceKey, GradeMethod,
    Navigation, Outcome, Question, QuestionKind, QuestionState, Quiz, QuizAccess, QuizOverview,
    QuizStatus, UnsupportedReason, passes,
};
pub use site::{LoginPolicy, SiteFeatures, SiteInfo, User};

/// Whether `url` may become a link or a media source: only `http` and `https` addresses. A
/// `javascript:`, `data:` or `file:` URL from a site (or a compromised one) is shown as text.
pub fn is_web_url(url: &str) -> bool {
    let url = url.trim_start();
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && url[scheme.len()..].starts_with("://")
}

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
    #[test]
    fn only_http_and_https_are_web_urls() {
        for ok in [
            "http://a.jp/x",
            "https://a.jp",
            "HTTPS://A.JP/v.mp4",
            "  https://a.jp",
        ] {
            assert!(super::is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "vbscript:x",
            "//evil.example/x",
            "https:evil",
            "",
            "/relative",
        ] {
            assert!(!super::is_web_url(bad), "{bad}");
        }
    }

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
