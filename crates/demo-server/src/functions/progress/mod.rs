//! Juko's viewing-history extension: `local_juko_push_progress` and `local_juko_get_progress`
//! (`docs/progress-protocol.md`; semantics in `shared/protocol/progress-sync.md`).
//!
//! A learner's history is one merged record per lecture, merged by `juko_model`'s rules so the
//! server and every client agree: watched intervals are a union, the resume position is the
//! one with the latest client time, completion comes when coverage reaches the threshold and
//! never goes. Each change of a record takes the next number of the learner's change sequence;
//! cursors name a point of that sequence.

mod events;
mod pull;
mod push;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Ctx;
use crate::db;
use crate::error::{Error, Result};

/// Page size of `local_juko_get_progress` when the client does not say.
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

#[derive(Debug, Serialize)]
pub(crate) struct PushResult {
    applied: Vec<String>,
    known: Vec<String>,
    rejected: Vec<RejectedOut>,
    cursor: String,
    threshold: f64,
    warnings: Vec<Value>,
}

#[derive(Debug, Serialize)]
struct RejectedOut {
    id: String,
    reason: &'static str,
    message: String,
}

/// `local_juko_push_progress`. The parameters are read here rather than by serde because a
/// malformed event must be rejected alone, not fail the call.
pub(crate) async fn push_progress(ctx: &Ctx, query: &str) -> Result<PushResult> {
    let request = events::parse_request(query)?;
    let settings = ctx.state.progress().clone();
    let (userid, now) = (ctx.user.id, ctx.state.clock().now());
    let outcome = ctx
        .state
        .db()
        .call(move |conn| {
            push::Apply {
                userid,
                now,
                threshold: settings.threshold,
                request: &request,
            }
            .run(conn)
        })
        .await?;
    let settings = ctx.state.progress();
    Ok(PushResult {
        applied: outcome.applied,
        known: outcome.known,
        rejected: outcome
            .rejected
            .into_iter()
            .map(|r| RejectedOut {
                id: r.id,
                reason: r.reason.code(),
                message: r.message,
            })
            .collect(),
        cursor: cursor(&settings.epoch, outcome.seq),
        threshold: settings.threshold,
        warnings: Vec::new(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PullParams {
    /// A cursor from an earlier answer; empty for the whole history.
    #[serde(default)]
    since: String,
    /// Not an `Option`: serde_qs reads an empty value as `None`, and Moodle refuses an empty
    /// PARAM_INT.
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    DEFAULT_LIMIT
}

#[derive(Debug, Serialize)]
pub(crate) struct PullResult {
    lectures: Vec<pull::LectureOut>,
    cursor: String,
    hasmore: bool,
    threshold: f64,
    warnings: Vec<Value>,
}

/// `local_juko_get_progress`.
pub(crate) async fn get_progress(ctx: &Ctx, params: PullParams) -> Result<PullResult> {
    let limit = params.limit.clamp(1, MAX_LIMIT).unsigned_abs() as usize;
    let epoch = ctx.state.progress().epoch.clone();
    let userid = ctx.user.id;
    let page = ctx
        .state
        .db()
        .call(move |conn| {
            let since = read_cursor(&params.since, &epoch, db::last_seq(conn, userid)?)?;
            pull::page(conn, userid, since, limit)
        })
        .await?;
    let settings = ctx.state.progress();
    Ok(PullResult {
        lectures: page.lectures,
        cursor: cursor(&settings.epoch, page.seq),
        hasmore: page.hasmore,
        threshold: settings.threshold,
        warnings: Vec::new(),
    })
}

/// A cursor: the database's epoch and a point of the learner's change sequence. Opaque to
/// clients; the epoch makes a cursor from another database (the demo's was deleted and
/// re-seeded) fail loudly instead of silently skipping history.
fn cursor(epoch: &str, seq: i64) -> String {
    format!("{epoch}.{seq}")
}

/// The sequence number a `since` names. Anything this database cannot have issued to this
/// learner is `invalidparameter`: the client should start again from an empty `since`.
fn read_cursor(since: &str, epoch: &str, last_seq: i64) -> Result<i64> {
    if since.is_empty() {
        return Ok(0);
    }
    let seq = since
        .split_once('.')
        .filter(|(e, n)| *e == epoch && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(_, n)| n.parse::<i64>().ok())
        .filter(|seq| *seq <= last_seq);
    seq.ok_or_else(|| {
        Error::invalid_parameter(
            "Invalid parameter value detected (since is not a cursor this site issued to you; \
             start again with an empty since)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_was_not_issued() {
        let check = |since: &str, want: Option<i64>| {
            let got = read_cursor(since, "ab12cd34", 7).ok();
            assert_eq!(got, want, "{since:?}");
        };
        check("", Some(0));
        check(&cursor("ab12cd34", 0), Some(0));
        check(&cursor("ab12cd34", 7), Some(7));
        check(&cursor("ab12cd34", 8), None);
        check(&cursor("ffffffff", 3), None);
        for garbage in [
            "7",
            "ab12cd34.",
            "ab12cd34.-1",
            "ab12cd34.+1",
            "ab12cd34.1.2",
            "x",
            ".3",
        ] {
            check(garbage, None);
        }
    }
}
