//! The merge laws every device and the server rely on, over random histories.

use juko_model::{Interval, LectureId, LectureProgress, ResumePosition, WatchedIntervals};
use proptest::prelude::*;

fn interval() -> impl Strategy<Value = Interval> {
    (0.0..600.0f64, 0.0..120.0f64).prop_map(|(from, len)| Interval {
        from,
        to: from + len,
    })
}

fn watched() -> impl Strategy<Value = WatchedIntervals> {
    prop::collection::vec(interval(), 0..12).prop_map(WatchedIntervals::from_intervals)
}

fn progress() -> impl Strategy<Value = LectureProgress> {
    let position = prop::option::of((0.0..600.0f64, 0..1_000i64)).prop_map(|p| {
        p.map(|(seconds, client_time_ms)| ResumePosition {
            seconds,
            client_time_ms,
        })
    });
    (watched(), position, prop::option::of(0..1_000i64)).prop_map(
        |(watched, position, completed_at)| LectureProgress {
            lecture: LectureId(1),
            watched,
            position,
            completed_at,
        },
    )
}

fn merged(a: &LectureProgress, b: &LectureProgress) -> LectureProgress {
    let mut m = a.clone();
    m.merge(b);
    m
}

proptest! {
    #[test]
    fn union_is_commutative(a in watched(), b in watched()) {
        prop_assert_eq!(a.union(&b), b.union(&a));
    }

    #[test]
    fn union_is_associative(a in watched(), b in watched(), c in watched()) {
        prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
    }

    #[test]
    fn union_is_idempotent(a in watched(), b in watched()) {
        prop_assert_eq!(a.union(&a), a.clone());
        let ab = a.union(&b);
        prop_assert_eq!(ab.union(&b), ab);
    }

    #[test]
    fn union_holds_every_part(a in watched(), b in watched()) {
        let ab = a.union(&b);
        prop_assert!(ab.watched_seconds() + 1e-9 >= a.watched_seconds().max(b.watched_seconds()));
        prop_assert!(ab.watched_seconds() <= a.watched_seconds() + b.watched_seconds() + 1e-9);
    }

    #[test]
    fn coverage_stays_between_0_and_1(a in watched(), duration in 0.001..700.0f64) {
        let c = a.coverage(duration);
        prop_assert!((0.0..=1.0).contains(&c), "{}", c);
    }

    #[test]
    fn merge_is_order_independent(a in progress(), b in progress(), c in progress()) {
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
        prop_assert_eq!(merged(&a, &a), a.clone());
    }

    #[test]
    fn completion_is_monotonic(
        steps in prop::collection::vec(interval(), 1..20),
        duration in 1.0..700.0f64,
    ) {
        let mut p = LectureProgress::new(LectureId(1));
        let mut was_complete = false;
        let mut coverage = 0.0;
        for (t, i) in steps.into_iter().enumerate() {
            p.watched.insert(i);
            let c = p.watched.coverage(duration);
            prop_assert!(c + 1e-12 >= coverage, "coverage went back: {} < {}", c, coverage);
            coverage = c;
            p.update_completion(duration, 0.9, t as i64);
            let complete = p.completed_at.is_some();
            prop_assert!(complete || !was_complete, "completion went back");
            was_complete = complete;
        }
    }
}
