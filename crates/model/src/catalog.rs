//! What a learner browses: courses (コース) of units (講座) of lectures (講義).

use crate::{CourseId, LectureId, UnitId};
use serde::{Deserialize, Serialize};

/// A course of the site: one the learner is enrolled in (a facility course, or one of the
/// site's own), or one they may join with a code (施設コースに参加).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub id: CourseId,
    pub short_name: String,
    pub full_name: String,
    /// Course summary (HTML, as the site formats it).
    pub summary_html: String,
    /// The name of the course's category on the site (e.g. 施設コース), when it told it.
    #[serde(default)]
    pub category: String,
    /// The site's own completion percentage (0–100), when completion tracking is on.
    pub progress_percent: Option<f64>,
    /// Unix seconds of the learner's last visit, when known.
    pub last_access: Option<i64>,
    /// The course's own image (a facility's logo): its file address on the site, without
    /// credentials (the token is added when it is shown).
    #[serde(default)]
    pub logo_url: Option<String>,
}

/// A course opened: its units in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseContents {
    pub course_id: CourseId,
    pub units: Vec<Unit>,
}

impl CourseContents {
    /// Finds a lecture anywhere in the course, with the unit that holds it.
    pub fn lecture(&self, id: LectureId) -> Option<(&Unit, &Lecture)> {
        self.units
            .iter()
            .find_map(|u| u.lectures.iter().find(|l| l.id == id).map(|l| (u, l)))
    }

    /// Every lecture of the course, unit after unit.
    pub fn lectures(&self) -> impl Iterator<Item = &Lecture> {
        self.units.iter().flat_map(|u| u.lectures.iter())
    }
}

/// A unit (講座): a course section with number ≥ 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    /// The section number: the unit's place in the course.
    pub number: u32,
    pub name: String,
    pub summary_html: String,
    /// `None` when the learner may open the unit; otherwise why not (HTML, from the site).
    pub locked_reason: Option<String>,
    pub lectures: Vec<Lecture>,
    /// Everything else in the unit (tests, certificates, …), in course order.
    pub activities: Vec<Activity>,
}

impl Unit {
    /// Sum of the known lecture lengths, in seconds.
    pub fn total_duration(&self) -> u32 {
        self.lectures.iter().filter_map(|l| l.duration_secs).sum()
    }
}

/// How the site holds a lecture's video.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LectureKind {
    /// A video file (`resource`).
    File,
    /// A page with an embedded video (`page`).
    Page,
    /// A link to a video elsewhere (`url`).
    Link,
}

/// A lecture (講義).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lecture {
    pub id: LectureId,
    /// The module's instance id (what the `mod_*_view_*` calls take).
    pub instance: i64,
    pub kind: LectureKind,
    pub title: String,
    pub lecturer: Option<String>,
    /// The video's length, when the site lists it.
    pub duration_secs: Option<u32>,
    /// The lecture's description as lines of text (the site's HTML read as text; the lecturer
    /// and length, which the site may write there, are the fields above, not lines here).
    #[serde(default)]
    pub description: Vec<String>,
    /// The video, when the learner may see it.
    pub media: Option<Media>,
    /// `None` when the learner may open the lecture; otherwise why not.
    pub locked_reason: Option<String>,
    /// Whether the site counts the lecture as complete.
    pub completed: bool,
    /// Whether the learner may mark it complete themselves (Moodle's manual completion): the
    /// fallback on sites without Juko's progress extension.
    pub manual_completion: bool,
}

/// A lecture's video as the site lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Media {
    /// The site's URL for the file, without any credentials. Turn it into a streamable URL with the
    /// session (the token never lives in the model).
    pub url: String,
    /// MIME type, e.g. `video/mp4`; empty for an external link.
    pub mime_type: String,
    pub size_bytes: u64,
    /// True when the URL points off the site (no credentials to add).
    pub external: bool,
    /// The video's caption tracks (WebVTT files beside it on the site); none in copies kept
    /// before captions were read.
    #[serde(default)]
    pub captions: Vec<crate::CaptionTrack>,
    /// When the site last changed the file (Unix seconds; 0 when it did not say): a kept
    /// download older than this is stale and fetched again.
    #[serde(default)]
    pub modified: i64,
}

/// Anything in a unit that is not a lecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: LectureId,
    pub name: String,
    pub kind: ActivityKind,
    pub locked_reason: Option<String>,
    /// Whether the site counts the activity as complete; `None` when it does not track the
    /// activity's completion (it then does not count in the course's progress).
    #[serde(default)]
    pub completed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    /// A test (確認テスト).
    Quiz,
    /// A certificate (修了証).
    Certificate,
    /// A forum for discussion (opened on the site).
    Forum,
    /// The course's announcements board: its posts are the course's お知らせ.
    News,
    /// Anything else the site has (shown by name; opened on the site).
    Other,
}
