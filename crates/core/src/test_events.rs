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

/// Runs a future that never waits (fake remotes, answers given in advance): one poll finishes it.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the future waited; test futures must not"),
    }
}
