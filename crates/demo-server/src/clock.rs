//! The server's notion of "now", in Unix seconds like Moodle's timestamps.
//!
//! Tests move it forward (token expiry after 12 weeks) instead of sleeping.

/// The site's time zone, Asia/Tokyo (forced for everyone; no daylight saving): dates are
/// printed and years counted in it.
pub(crate) const SITE_UTC_OFFSET: i64 = 9 * 3600;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub(crate) fn now(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        system + self.offset_seconds.load(Ordering::Relaxed)
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }
}
