//! Events for tests, in one line each.

use juko_model::{Interval, LectureId, ProgressEvent, ProgressKind};

pub(crate) fn played(id: &str, lecture: i64, from: f64, to: f64, t: i64) -> ProgressEvent {
    ProgressEvent {
        id: id.into(),
        lecture: LectureId(lecture),
        kind: ProgressKind::Played(Interval { from, to }),
        client_time_ms: t,
    }
}

pub(crate) fn position(id: &str, lecture: i64, at: f64, t: i64) -> ProgressEvent {
    ProgressEvent {
        id: id.into(),
        lecture: LectureId(lecture),
        kind: ProgressKind::Position(at),
        client_time_ms: t,
    }
}
