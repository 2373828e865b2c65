//! Waiting between failed attempts: exponential, capped, with jitter so that many devices coming
//! back online together do not hit the server in lockstep.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    failures: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(Duration::from_secs(1), Duration::from_secs(300))
    }
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            failures: 0,
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Records a failure; returns how long to wait before the next attempt. `random` is a
    /// uniform number in 0..1: half the delay is fixed, half is jitter ("equal jitter").
    pub fn failed(&mut self, random: f64) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX));
        let ceiling = exp.min(self.cap);
        self.failures = self.failures.saturating_add(1);
        ceiling.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0))
    }

    /// A success: the next failure starts from the base again.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_with_bounded_jitter() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        let lows: Vec<u64> = (0..6).map(|_| b.failed(0.0).as_millis() as u64).collect();
        assert_eq!(lows, [500, 1000, 2000, 4000, 5000, 5000]);
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        let highs: Vec<u64> = (0..6).map(|_| b.failed(1.0).as_millis() as u64).collect();
        assert_eq!(highs, [1000, 2000, 4000, 8000, 10000, 10000]);
        b.succeeded();
        assert_eq!(b.failed(1.0), Duration::from_secs(1));
    }

    #[test]
    fn many_failures_do_not_overflow() {
        let mut b = Backoff::default();
        for _ in 0..1000 {
            assert!(b.failed(0.7) <= Duration::from_secs(300));
        }
    }
}
