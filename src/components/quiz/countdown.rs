//! The time left in a timed attempt, counted down from the site's deadline. At zero it says so
//! once (`on_time_up`), and the view submits as the site's rule has it.

use crate::i18n::{Lang, Msg};
use crate::platform;
use dioxus::prelude::*;
use std::time::Duration;

/// Whole seconds from `now_ms` to `deadline` (unix seconds), never below zero.
pub fn remaining_secs(deadline: i64, now_ms: i64) -> i64 {
    let ms = deadline.saturating_mul(1000).saturating_sub(now_ms).max(0);
    (ms + 999) / 1000
}

/// "9:05", or "1:02:03" past an hour.
pub fn clock(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[component]
pub fn Countdown(
    lang: Lang,
    /// Unix seconds.
    deadline: i64,
    on_time_up: EventHandler<()>,
) -> Element {
    let mut now = use_signal(platform::now_ms);
    let mut told = use_signal(|| false);
    use_future(move || async move {
        loop {
            platform::sleep(Duration::from_millis(500)).await;
            now.set(platform::now_ms());
        }
    });
    let left = remaining_secs(deadline, now());
    use_effect(use_reactive!(|left| {
        if left == 0 && !*told.peek() {
            told.set(true);
            on_time_up.call(());
        }
    }));
    let urgent = left <= 60;
    rsx! {
        div {
            class: if urgent { "countdown urgent" } else { "countdown" },
            role: "timer",
            "data-testid": "countdown",
            "data-left": "{left}",
            span { class: "muted", {lang.tr(Msg::TimeLeft)} " " }
            strong { {clock(left)} }
            if left == 0 {
                span { role: "alert", " " {lang.tr(Msg::TimeUp)} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_whole_seconds_down_to_zero() {
        assert_eq!(remaining_secs(100, 99_001), 1, "a part second still counts");
        assert_eq!(remaining_secs(100, 100_000), 0);
        assert_eq!(remaining_secs(100, 500_000), 0, "past the deadline");
        assert_eq!(remaining_secs(700, 100_000), 600);
        assert_eq!(clock(600), "10:00");
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3723), "1:02:03");
    }
}
