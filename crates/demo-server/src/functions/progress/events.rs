//! Reading a `local_juko_push_progress` request. The top level is strict, as Moodle's
//! parameter validation is (`deviceid`, `events[i][field]`, nothing else); each event is read
//! leniently, so that one malformed event is rejected on its own, with a reason, while the rest
//! of the batch is applied. Pure: the checks that need the database (is the lecture one the
//! learner can open, how long is it) take what was read from it.

use std::collections::BTreeMap;
use std::fmt;

use juko_model::Interval;

use crate::db::LectureRow;
use crate::error::{Error, Result};

/// Longest `deviceid` and event `id`, in characters.
pub(crate) const MAX_ID_CHARS: usize = 64;
/// Events read from one batch; the rest are rejected (`batchlimit`).
pub(crate) const BATCH_LIMIT: usize = 500;
/// How far past a lecture's listed length a segment or position may end: players report the
/// last frame a little late, and listed lengths are rounded to the second.
const DURATION_TOLERANCE_SECONDS: f64 = 1.0;
/// How far ahead of the server's clock a client's clock may be.
const FUTURE_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// Why an event was rejected; `code()` is the wire value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A field missing, unparseable, unexpected, or an unknown kind.
    InvalidEvent,
    NotFinite,
    Negative,
    /// `from` ≥ `to`.
    EmptyInterval,
    /// `to` or `position` past the lecture's length plus the tolerance.
    BeyondDuration,
    /// Not a lecture, or not one this learner can open: one answer for all, so nothing leaks.
    UnknownLecture,
    FutureTime,
    BatchLimit,
    DuplicateId,
}

impl Reason {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Reason::InvalidEvent => "invalidevent",
            Reason::NotFinite => "notfinite",
            Reason::Negative => "negative",
            Reason::EmptyInterval => "emptyinterval",
            Reason::BeyondDuration => "beyondduration",
            Reason::UnknownLecture => "unknownlecture",
            Reason::FutureTime => "futuretime",
            Reason::BatchLimit => "batchlimit",
            Reason::DuplicateId => "duplicateid",
        }
    }
}

/// A rejected event: its id (empty when it had no usable one), why, and an English sentence
/// naming the event by its index in the request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rejection {
    pub(crate) id: String,
    pub(crate) reason: Reason,
    pub(crate) message: String,
}

/// A request as sent: the device and its events in index order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PushRequest {
    pub(crate) deviceid: String,
    pub(crate) events: Vec<RawEvent>,
}

/// One event's fields as text, before any of them is trusted.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawEvent {
    /// The `i` of `events[i]`, for messages.
    pub(crate) index: u64,
    id: Option<String>,
    cmid: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    position: Option<String>,
    clienttime: Option<String>,
    /// The first field name that is none of the above.
    unexpected: Option<String>,
}

/// What an applicable event asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Change {
    Played(Interval),
    Position(f64),
}

/// An event whose fields are all well-formed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub(crate) index: u64,
    pub(crate) id: String,
    pub(crate) cmid: i64,
    pub(crate) change: Change,
    /// Client clock, ms since the epoch.
    pub(crate) clienttime: i64,
}

/// Splits the parameters into the device id and the raw events. Only what cannot be blamed on
/// one event fails the call: a missing or invalid `deviceid`, a key that is not
/// `deviceid` or `events[<number>][<name>]`.
pub(crate) fn parse_request(query: &str) -> Result<PushRequest> {
    let mut deviceid = None;
    let mut events: BTreeMap<u64, RawEvent> = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == "deviceid" {
            deviceid = Some(value.into_owned());
            continue;
        }
        let Some((index, field)) = event_key(&key) else {
            return Err(Error::invalid_parameter(format!(
                "Unexpected keys ({}) detected in parameter array.",
                Short(&key)
            )));
        };
        events
            .entry(index)
            .or_insert_with(|| RawEvent {
                index,
                ..RawEvent::default()
            })
            .set(field, value.into_owned());
    }
    let deviceid = deviceid.ok_or_else(|| {
        Error::invalid_parameter("Missing required key in single structure: deviceid")
    })?;
    if deviceid.is_empty() || deviceid.chars().count() > MAX_ID_CHARS {
        return Err(Error::invalid_parameter(format!(
            "Invalid parameter value detected (deviceid must be 1 to {MAX_ID_CHARS} characters)"
        )));
    }
    Ok(PushRequest {
        deviceid,
        events: events.into_values().collect(),
    })
}

/// `events[12][from]` → `(12, "from")`.
fn event_key(key: &str) -> Option<(u64, &str)> {
    let rest = key.strip_prefix("events[")?;
    let (index, rest) = rest.split_once("][")?;
    let field = rest.strip_suffix(']')?;
    let plain = |s: &str| !s.is_empty() && !s.contains(['[', ']']);
    if !plain(field) || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((index.parse().ok()?, field))
}

impl RawEvent {
    fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "id" => &mut self.id,
            "cmid" => &mut self.cmid,
            "kind" => &mut self.kind,
            "from" => &mut self.from,
            "to" => &mut self.to,
            "position" => &mut self.position,
            "clienttime" => &mut self.clienttime,
            other => {
                self.unexpected
                    .get_or_insert_with(|| Short(other).to_string());
                return;
            }
        };
        *slot = Some(value);
    }

    /// The event's id, if it has a usable one (what replays and answers are keyed by).
    pub(crate) fn id(&self) -> Result<&str, Rejection> {
        match self.id.as_deref() {
            None | Some("") => Err(self.reject("", Reason::InvalidEvent, "missing id")),
            Some(id) if id.chars().count() > MAX_ID_CHARS => Err(self.reject(
                "",
                Reason::InvalidEvent,
                format!("id is longer than {MAX_ID_CHARS} characters"),
            )),
            Some(id) => Ok(id),
        }
    }

    /// A rejection of this event that needs no reading of its fields.
    pub(crate) fn reject(&self, id: &str, reason: Reason, why: impl fmt::Display) -> Rejection {
        Rejection {
            id: id.to_owned(),
            reason,
            message: format!("events[{}]: {why}", self.index),
        }
    }

    /// Reads and checks every field that needs no database, in this order: form
    /// (`invalidevent`), `notfinite`, `negative`, `emptyinterval`, `futuretime`.
    pub(crate) fn read(&self, id: &str, now_ms: i64) -> Result<Event, Rejection> {
        let invalid = |why: String| self.reject(id, Reason::InvalidEvent, why);
        if let Some(name) = &self.unexpected {
            return Err(invalid(format!("unexpected field {name}")));
        }
        let text = |name: &str, value: &Option<String>| -> Result<String, Rejection> {
            value
                .clone()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| invalid(format!("missing {name}")))
        };
        let cmid: i64 = text("cmid", &self.cmid)?
            .parse()
            .map_err(|_| invalid("cmid is not an integer".to_owned()))?;
        let kind = text("kind", &self.kind)?;
        let kind = kind.as_str();
        let clienttime: i64 = text("clienttime", &self.clienttime)?
            .parse()
            .map_err(|_| invalid("clienttime is not an integer (ms since the epoch)".to_owned()))?;
        let number = |name: &'static str, value: &Option<String>| {
            let value: f64 = text(name, value)?
                .parse()
                .map_err(|_| invalid(format!("{name} is not a number")))?;
            // -0 is 0: it must not come back as "-0.0".
            Ok((name, value + 0.0))
        };
        let (numbers, change) = match kind {
            "played" => {
                if self.position.is_some() {
                    return Err(invalid("a played event has no position".to_owned()));
                }
                let from = number("from", &self.from)?;
                let to = number("to", &self.to)?;
                let interval = Interval {
                    from: from.1,
                    to: to.1,
                };
                (vec![from, to], Change::Played(interval))
            }
            "position" => {
                if self.from.is_some() || self.to.is_some() {
                    return Err(invalid("a position event has no from or to".to_owned()));
                }
                let position = number("position", &self.position)?;
                (vec![position], Change::Position(position.1))
            }
            other => {
                return Err(invalid(format!(
                    "kind must be played or position, not {}",
                    Short(other)
                )));
            }
        };
        if let Some((name, _)) = numbers.iter().find(|(_, v)| !v.is_finite()) {
            return Err(self.reject(
                id,
                Reason::NotFinite,
                format!("{name} is not a finite number"),
            ));
        }
        if let Some((name, _)) = numbers.iter().find(|(_, v)| *v < 0.0) {
            return Err(self.reject(id, Reason::Negative, format!("{name} is negative")));
        }
        if clienttime < 0 {
            return Err(self.reject(id, Reason::Negative, "clienttime is negative"));
        }
        if let Change::Played(i) = change
            && i.from >= i.to
        {
            return Err(self.reject(
                id,
                Reason::EmptyInterval,
                format!("from ({}) is not before to ({})", Num(i.from), Num(i.to)),
            ));
        }
        if clienttime > now_ms.saturating_add(FUTURE_TOLERANCE_MS) {
            return Err(self.reject(
                id,
                Reason::FutureTime,
                "clienttime is more than 5 minutes ahead of the server's clock",
            ));
        }
        Ok(Event {
            index: self.index,
            id: id.to_owned(),
            cmid,
            change,
            clienttime,
        })
    }
}

impl Event {
    /// The checks against the lecture, given what the database says about it (`None`: not a
    /// lecture this learner can open). Access comes first so that a learner learns nothing
    /// about lectures they cannot open, not even their length.
    pub(crate) fn check_lecture(&self, lecture: Option<&LectureRow>) -> Result<(), Rejection> {
        let reject = |reason, message: String| Rejection {
            id: self.id.clone(),
            reason,
            message: format!("events[{}]: {message}", self.index),
        };
        let Some(lecture) = lecture else {
            return Err(reject(
                Reason::UnknownLecture,
                format!("no lecture {} that you can open", self.cmid),
            ));
        };
        let (name, end) = match self.change {
            Change::Played(i) => ("to", i.to),
            Change::Position(p) => ("position", p),
        };
        if end > lecture.duration + DURATION_TOLERANCE_SECONDS {
            return Err(reject(
                Reason::BeyondDuration,
                format!(
                    "{name} ({}) is beyond the lecture's length ({} s) plus {} s",
                    Num(end),
                    Num(lecture.duration),
                    DURATION_TOLERANCE_SECONDS
                ),
            ));
        }
        Ok(())
    }
}

/// Client text echoed in a message, cut short: hostile requests carry megabytes.
struct Short<'a>(&'a str);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 40;
        match self.0.char_indices().nth(MAX) {
            Some((cut, _)) => write!(f, "{}…", &self.0[..cut]),
            None => f.write_str(self.0),
        }
    }
}

/// A number in a message: plain when readable, scientific when huge.
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.abs() < 1e9 {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_750_000_000_000;

    fn request(pairs: &[(&str, &str)]) -> Result<PushRequest> {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        parse_request(&query)
    }

    /// The one event of `events[0][…]` = `fields`, read and checked against a 60-second lecture.
    fn check(fields: &[(&str, &str)], want: Result<Change, (Reason, &str)>) {
        let mut pairs = vec![("deviceid".to_owned(), "d".to_owned())];
        pairs.extend(
            fields
                .iter()
                .map(|(k, v)| (format!("events[0][{k}]"), (*v).to_owned())),
        );
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let raw = &parse_request(&query).expect("request").events[0];
        let lecture = LectureRow {
            cmid: 7,
            courseid: 2,
            duration: 60.0,
        };
        let got = raw.id().and_then(|id| {
            let event = raw.read(id, NOW_MS)?;
            let visible = (event.cmid == 7).then_some(&lecture);
            event.check_lecture(visible)?;
            Ok(event.change)
        });
        match (got, want) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{fields:?}"),
            (Err(got), Err((reason, words))) => {
                assert_eq!(got.reason, reason, "{fields:?}: {}", got.message);
                assert!(got.message.starts_with("events[0]: "), "{}", got.message);
                assert!(
                    got.message.contains(words),
                    "{:?} lacks {words:?}",
                    got.message
                );
            }
            (got, want) => panic!("{fields:?}: got {got:?}, want {want:?}"),
        }
    }

    /// A played event for lecture 7.
    fn played<'a>(from: &'a str, to: &'a str, time: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("id", "e1"),
            ("cmid", "7"),
            ("kind", "played"),
            ("from", from),
            ("to", to),
            ("clienttime", time),
        ]
    }

    /// A position event for lecture 7.
    fn position<'a>(at: &'a str, time: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("id", "p1"),
            ("cmid", "7"),
            ("kind", "position"),
            ("position", at),
            ("clienttime", time),
        ]
    }

    fn with<'a>(
        mut fields: Vec<(&'a str, &'a str)>,
        key: &'a str,
        value: &'a str,
    ) -> Vec<(&'a str, &'a str)> {
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some(field) => field.1 = value,
            None => fields.push((key, value)),
        }
        fields
    }

    #[test]
    fn each_event_is_read_on_its_own() {
        use Reason::*;
        let now = NOW_MS.to_string();
        let t = now.as_str();
        let ok = |from, to| Ok(Change::Played(Interval { from, to }));
        check(&played("0", "12.5", t), ok(0.0, 12.5));
        check(&played("-0", "1", t), ok(0.0, 1.0));
        check(&played("59", "61", t), ok(59.0, 61.0));
        check(&played("NaN", "1", t), Err((NotFinite, "from")));
        check(&played("0", "nan", t), Err((NotFinite, "to")));
        check(&played("0", "inf", t), Err((NotFinite, "to")));
        check(&played("-infinity", "1", t), Err((NotFinite, "from")));
        check(&played("-1", "5", t), Err((Negative, "from")));
        check(&played("5", "5", t), Err((EmptyInterval, "not before")));
        check(&played("6", "5", t), Err((EmptyInterval, "not before")));
        check(&played("0", "61.5", t), Err((BeyondDuration, "61.5")));
        check(&played("0", "1e300", t), Err((BeyondDuration, "1e300")));
        check(
            &played("0", "ten", t),
            Err((InvalidEvent, "to is not a number")),
        );
        check(
            &played("0", " 1", t),
            Err((InvalidEvent, "to is not a number")),
        );
        check(&played("0", "", t), Err((InvalidEvent, "missing to")));
        check(&played("0", "1", "-5"), Err((Negative, "clienttime")));
        check(&played("0", "1", "1.5"), Err((InvalidEvent, "clienttime")));
        check(
            &played("0", "1", "99999999999999"),
            Err((FutureTime, "5 minutes")),
        );
        let late_but_tolerated = (NOW_MS + 4 * 60 * 1000).to_string();
        check(&played("0", "1", &late_but_tolerated), ok(0.0, 1.0));
        check(&played("0", "1", "0"), ok(0.0, 1.0));
        let mut no_time = played("0", "1", t);
        no_time.pop();
        check(&no_time, Err((InvalidEvent, "missing clienttime")));

        check(&position("30", t), Ok(Change::Position(30.0)));
        check(&position("0", t), Ok(Change::Position(0.0)));
        check(&position("-3", t), Err((Negative, "position")));
        check(&position("Infinity", t), Err((NotFinite, "position")));
        check(&position("90", t), Err((BeyondDuration, "position (90)")));

        check(
            &with(position("1", t), "cmid", "8"),
            Err((UnknownLecture, "no lecture 8")),
        );
        check(
            &with(position("1", t), "cmid", "-7"),
            Err((UnknownLecture, "no lecture -7")),
        );
        check(
            &with(position("1", t), "cmid", "seven"),
            Err((InvalidEvent, "cmid")),
        );
        check(
            &with(position("1", t), "kind", "paused"),
            Err((InvalidEvent, "paused")),
        );
        check(
            &with(position("1", t), "kind", ""),
            Err((InvalidEvent, "missing kind")),
        );
        check(
            &with(position("1", t), "from", "0"),
            Err((InvalidEvent, "no from or to")),
        );
        check(
            &with(played("0", "1", t), "position", "0"),
            Err((InvalidEvent, "no position")),
        );
        check(
            &with(played("0", "1", t), "colour", "red"),
            Err((InvalidEvent, "unexpected field colour")),
        );
        check(
            &with(played("0", "1", t), "id", ""),
            Err((InvalidEvent, "missing id")),
        );
        let long_id = "x".repeat(65);
        check(
            &with(played("0", "1", t), "id", &long_id),
            Err((InvalidEvent, "longer than 64")),
        );
        let longest_id = "あ".repeat(64);
        check(&with(played("0", "1", t), "id", &longest_id), ok(0.0, 1.0));
    }

    #[test]
    fn only_the_device_and_the_shape_of_keys_can_fail_a_call() {
        let info = |r: Result<PushRequest>| match r {
            Err(Error::InvalidParameter { debuginfo }) => debuginfo,
            other => panic!("expected invalidparameter, got {other:?}"),
        };
        assert!(info(request(&[])).contains("deviceid"));
        assert!(info(request(&[("deviceid", "")])).contains("deviceid"));
        let long = "d".repeat(65);
        assert!(info(request(&[("deviceid", &long)])).contains("deviceid"));
        assert!(info(request(&[("deviceid", "d"), ("colour", "red")])).contains("(colour)"));
        for key in [
            "events",
            "events[0]",
            "events[x][id]",
            "events[0][id][1]",
            "events[-1][id]",
            "events[0][]",
        ] {
            let got = info(request(&[("deviceid", "d"), (key, "1")]));
            assert!(got.contains("Unexpected keys"), "{key}: {got}");
        }
        let huge = "k".repeat(100_000);
        assert!(info(request(&[("deviceid", "d"), (&huge, "1")])).len() < 200);

        let ok = request(&[
            ("deviceid", "phone-1"),
            ("events[10][id]", "b"),
            ("events[2][id]", "a"),
            ("events[99999999999][id]", "c"),
        ])
        .expect("parses");
        assert_eq!(ok.deviceid, "phone-1");
        let ids: Vec<_> = ok.events.iter().map(|e| e.id().expect("id")).collect();
        assert_eq!(ids, ["a", "b", "c"], "index order, sparse indices allowed");
        assert!(request(&[("deviceid", "d"), ("events[99999999999999999999][id]", "x")]).is_err());
    }

    #[test]
    fn messages_never_echo_much() {
        assert_eq!(Short("abc").to_string(), "abc");
        assert_eq!(Short(&"あ".repeat(100)).to_string().chars().count(), 41);
        assert_eq!(Num(12.5).to_string(), "12.5");
        assert_eq!(Num(1e300).to_string(), "1e300");
    }
}
