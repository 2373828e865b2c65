//! Typed ids, so a course id can never be passed where a lecture id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// A course (コース): Moodle's course id.
    CourseId
);
id_type!(
    /// A unit (講座): Moodle's course-section id (not its number).
    UnitId
);
id_type!(
    /// A lecture (講義): Moodle's course-module id (cmid), not the module's instance id.
    LectureId
);
id_type!(
    /// A user of a site.
    UserId
);
id_type!(
    /// A test (テスト): Moodle's quiz instance id. The unit lists the test's module as an
    /// `Activity`, whose id is the course-module id.
    QuizId
);
id_type!(
    /// One attempt at a test.
    AttemptId
);
