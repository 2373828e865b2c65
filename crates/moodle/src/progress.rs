//! Juko's viewing-history extension (`local_juko_*`, docs/progress-protocol.md): requests,
//! response shapes and their conversion to model types. Pure; the client calls it.

use crate::error::{DecodeProblem, Error, Result};
use crate::wire::{Float, Int, Text};
use crate::{Params, Value, decode};
use juko_model::{
    CourseId, Interval, LectureId, LectureProgress, ProgressEvent, ProgressKind, ProgressPage,
    PushOutcome, Rejection, RemoteProgress, ResumePosition, WatchedIntervals,
};
use serde::Deserialize;

pub(crate) const PUSH: &str = "local_juko_push_progress";
pub(crate) const PULL: &str = "local_juko_get_progress";
pub(crate) const COMPLETION_STATUS: &str = "core_completion_get_activities_completion_status";

/// `local_juko_push_progress`: the device and its events, in the field names the plugin fixes.
pub(crate) fn push(device: &str, events: &[ProgressEvent]) -> (&'static str, Params) {
    let events = events.iter().map(event_value).collect();
    (
        PUSH,
        Params::new()
            .with("deviceid", device)
            .with("events", Value::List(events)),
    )
}

fn event_value(e: &ProgressEvent) -> Value {
    let mut fields = vec![
        ("id".to_owned(), Value::from(e.id.as_str())),
        ("cmid".to_owned(), Value::from(e.lecture)),
    ];
    match e.kind {
        ProgressKind::Played(i) => fields.extend([
            ("kind".to_owned(), Value::from("played")),
            ("from".to_owned(), Value::from(i.from)),
            ("to".to_owned(), Value::from(i.to)),
        ]),
        ProgressKind::Position(p) => fields.extend([
            ("kind".to_owned(), Value::from("position")),
            ("position".to_owned(), Value::from(p)),
        ]),
    }
    fields.push(("clienttime".to_owned(), Value::Int(e.client_time_ms)));
    Value::Map(fields)
}

/// `local_juko_get_progress` from `since` (empty: from the beginning).
pub(crate) fn pull(since: &str, limit: u32) -> (&'static str, Params) {
    (
        PULL,
        Params::new().with("since", since).with("limit", limit),
    )
}

pub(crate) fn completion_status(
    course: CourseId,
    user: juko_model::UserId,
) -> (&'static str, Params) {
    (
        COMPLETION_STATUS,
        Params::new().with("courseid", course).with("userid", user),
    )
}

#[derive(Deserialize)]
struct PushAnswer {
    #[serde(default)]
    applied: Vec<Text>,
    #[serde(default)]
    known: Vec<Text>,
    #[serde(default)]
    rejected: Vec<RejectedEvent>,
    cursor: Text,
    threshold: Option<Float>,
}

#[derive(Deserialize)]
struct RejectedEvent {
    id: Text,
    reason: Text,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct PullAnswer {
    #[serde(default)]
    lectures: Vec<PulledLecture>,
    cursor: Text,
    #[serde(default)]
    hasmore: Option<crate::wire::Flag>,
    threshold: Option<Float>,
}

#[derive(Deserialize)]
struct PulledLecture {
    cmid: Int,
    courseid: Int,
    duration: Float,
    #[serde(default)]
    intervals: Vec<PulledInterval>,
    position: Option<Float>,
    positiontime: Option<Int>,
    #[serde(default)]
    completed: Option<crate::wire::Flag>,
    timecompleted: Option<Int>,
}

#[derive(Deserialize)]
struct PulledInterval {
    from: Float,
    to: Float,
}

#[derive(Deserialize)]
struct CompletionStatuses {
    #[serde(default)]
    statuses: Vec<CompletionStatus>,
}

#[derive(Deserialize)]
struct CompletionStatus {
    cmid: Int,
    state: Int,
}

pub(crate) fn decode_push(body: &[u8]) -> Result<PushOutcome> {
    let a: PushAnswer = decode::rest(PUSH, body)?;
    let texts = |v: Vec<Text>| v.into_iter().map(|t| t.0).collect();
    Ok(PushOutcome {
        applied: texts(a.applied),
        known: texts(a.known),
        rejected: a
            .rejected
            .into_iter()
            .map(|r| Rejection {
                id: r.id.0,
                reason: r.reason.0,
                message: r.message.unwrap_or_default(),
            })
            .collect(),
        cursor: a.cursor.0,
        threshold: threshold(a.threshold),
    })
}

pub(crate) fn decode_pull(body: &[u8]) -> Result<ProgressPage> {
    let a: PullAnswer = decode::rest(PULL, body)?;
    let lectures = a.lectures.into_iter().map(remote).collect::<Result<_>>()?;
    Ok(ProgressPage {
        lectures,
        cursor: a.cursor.0,
        has_more: a.hasmore.is_some_and(|f| f.0),
        threshold: threshold(a.threshold),
    })
}

/// Lectures the site counts as complete, from the standard completion function.
pub(crate) fn decode_completed(body: &[u8]) -> Result<Vec<LectureId>> {
    let a: CompletionStatuses = decode::rest(COMPLETION_STATUS, body)?;
    // 1 complete, 2 complete-pass; 3 is complete-fail (§1.5).
    Ok(a.statuses
        .into_iter()
        .filter(|s| matches!(s.state.0, 1 | 2))
        .map(|s| LectureId(s.cmid.0))
        .collect())
}

fn threshold(t: Option<Float>) -> f64 {
    t.map(|f| f.0)
        .filter(|t| t.is_finite() && *t > 0.0 && *t <= 1.0)
        .unwrap_or(juko_model::DEFAULT_COMPLETION_THRESHOLD)
}

fn remote(l: PulledLecture) -> Result<RemoteProgress> {
    let lecture = LectureId(l.cmid.0);
    let watched = WatchedIntervals::from_intervals(l.intervals.into_iter().map(|i| Interval {
        from: i.from.0,
        to: i.to.0,
    }));
    let position = match (l.position, l.positiontime) {
        (Some(p), Some(t)) if p.0.is_finite() => Some(ResumePosition {
            seconds: p.0,
            client_time_ms: t.0,
        }),
        _ => None,
    };
    let completed = l.completed.is_some_and(|f| f.0);
    if completed && l.timecompleted.is_none() {
        return Err(Error::Decode {
            function: PULL.to_owned(),
            problem: DecodeProblem::Shape(format!(
                "lecture {lecture} is completed without timecompleted"
            )),
        });
    }
    Ok(RemoteProgress {
        progress: LectureProgress {
            lecture,
            watched,
            position,
            completed_at: if completed {
                l.timecompleted.map(|t| t.0)
            } else {
                None
            },
        },
        course: CourseId(l.courseid.0),
        duration_secs: l.duration.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_encode_in_the_plugin_field_names() {
        let events = [
            ProgressEvent {
                id: "a1".into(),
                lecture: LectureId(310),
                kind: ProgressKind::Played(Interval {
                    from: 0.0,
                    to: 12.5,
                }),
                client_time_ms: 1_700_000_000_000,
            },
            ProgressEvent {
                id: "a2".into(),
                lecture: LectureId(310),
                kind: ProgressKind::Position(12.5),
                client_time_ms: 1_700_000_000_001,
            },
        ];
        let (f, params) = push("dev-1", &events);
        assert_eq!(f, "local_juko_push_progress");
        let pairs = params.pairs();
        let want = [
            ("deviceid", "dev-1"),
            ("events[0][id]", "a1"),
            ("events[0][cmid]", "310"),
            ("events[0][kind]", "played"),
            ("events[0][from]", "0"),
            ("events[0][to]", "12.5"),
            ("events[0][clienttime]", "1700000000000"),
            ("events[1][id]", "a2"),
            ("events[1][cmid]", "310"),
            ("events[1][kind]", "position"),
            ("events[1][position]", "12.5"),
            ("events[1][clienttime]", "1700000000001"),
        ];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn push_answers_decode() {
        let body = br#"{"applied":["a"],"known":["b"],"rejected":[{"id":"c","reason":"beyondduration","message":"m"}],"cursor":"17","threshold":0.9,"warnings":[]}"#;
        let o = decode_push(body).expect("decodes");
        assert_eq!(o.applied, ["a"]);
        assert_eq!(o.known, ["b"]);
        assert_eq!(o.rejected[0].reason, "beyondduration");
        assert_eq!(o.cursor, "17");
        let refused = br#"{"exception":"webservice_access_exception","errorcode":"accessexception","message":"Access control exception"}"#;
        assert!(decode_push(refused).is_err());
        assert!(decode_push(b"{\"applied\":[").is_err());
    }

    #[test]
    fn pulled_history_decodes_into_model_progress() {
        let body = br#"{"lectures":[{"cmid":310,"courseid":2,"duration":68.0,"intervals":[{"from":0,"to":30},{"from":20,"to":40}],"coverage":0.58,"position":39.5,"positiontime":1700000000000,"completed":false,"timecompleted":null}],"cursor":"9","hasmore":true,"threshold":0.9,"warnings":[]}"#;
        let page = decode_pull(body).expect("decodes");
        assert!(page.has_more);
        assert_eq!(page.cursor, "9");
        let l = &page.lectures[0];
        assert_eq!(l.course, CourseId(2));
        assert_eq!(l.duration_secs, 68.0);
        assert_eq!(
            l.progress.watched.intervals(),
            [Interval {
                from: 0.0,
                to: 40.0
            }]
        );
        assert_eq!(l.progress.position.map(|p| p.seconds), Some(39.5));
        assert_eq!(l.progress.completed_at, None);
        let contradictory = br#"{"lectures":[{"cmid":1,"courseid":2,"duration":1,"completed":true,"timecompleted":null}],"cursor":"1"}"#;
        assert!(decode_pull(contradictory).is_err());
    }

    #[test]
    fn completion_statuses_decode_from_the_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/protocol/samples/core_completion_get_activities_completion_status.json"
        );
        let body = std::fs::read(path).expect("fixture");
        let done = decode_completed(&body).expect("decodes");
        assert!(done.contains(&LectureId(311)), "{done:?}");
        assert!(!done.contains(&LectureId(310)), "{done:?}");
    }
}
