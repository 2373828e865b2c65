//! How current a screen's data is: when it was last updated, and, when the site could not be
//! reached, that the screen shows what the device kept.

use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;
use juko_core::catalog::Freshness;

#[component]
pub fn FreshnessNote(
    lang: Lang,
    freshness: Freshness,
    /// When the shown data came from the site; `None` when nothing is shown.
    fetched_ms: Option<i64>,
    now_ms: i64,
    on_retry: EventHandler<()>,
) -> Element {
    let Some(fetched) = fetched_ms else {
        return rsx! {};
    };
    let ago = lang.ago(now_ms - fetched);
    match freshness {
        Freshness::Current => rsx! {
            p { class: "freshness muted", "data-testid": "freshness", "data-state": "current",
                {lang.tr(Msg::UpdatedAgo)} "{ago}"
            }
        },
        Freshness::Checking => rsx! {
            p { class: "freshness muted", "data-testid": "freshness", "data-state": "checking",
                {lang.tr(Msg::UpdatedAgo)} "{ago} · " {lang.tr(Msg::Updating)}
            }
        },
        Freshness::Offline(_) | Freshness::Failed(_) => {
            let offline = matches!(freshness, Freshness::Offline(_));
            rsx! {
                div { class: "freshness stale", role: "status", "data-testid": "freshness",
                    "data-state": if offline { "offline" } else { "failed" },
                    p { {lang.kept_note(offline, &ago)} }
                    button { class: "button", onclick: move |_| on_retry.call(()), {lang.tr(Msg::Retry)} }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_core::Error;

    fn render(freshness: Freshness, fetched_ms: Option<i64>) -> String {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            freshness: Freshness,
            fetched_ms: Option<i64>,
        }
        fn app(p: P) -> Element {
            rsx! { FreshnessNote { lang: Lang::Ja, freshness: p.freshness, fetched_ms: p.fetched_ms, now_ms: 600_000, on_retry: |_| {} } }
        }
        let mut dom = VirtualDom::new_with_props(
            app,
            P {
                freshness,
                fetched_ms,
            },
        );
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn offline_says_the_screen_shows_what_was_kept_and_since_when() {
        let html = render(Freshness::Offline(Error::Unreachable("x".into())), Some(0));
        assert!(html.contains("data-state=\"offline\""), "{html}");
        assert!(
            html.contains("保存した内容") && html.contains("10分前"),
            "{html}"
        );
        assert!(html.contains("<button"), "offers to try again: {html}");
    }

    #[test]
    fn current_data_says_when_it_came_and_nothing_shown_says_nothing() {
        let html = render(Freshness::Current, Some(540_000));
        assert!(
            html.contains("data-state=\"current\"") && html.contains("1分前"),
            "{html}"
        );
        assert_eq!(render(Freshness::Current, None), "");
    }
}
