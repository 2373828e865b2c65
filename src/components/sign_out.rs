//! Asking before signing out: the account's data is erased from the device, and history the
//! site does not have yet would be lost.

use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;

/// What the learner chose.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SignOutChoice {
    SyncFirst,
    EraseAnyway,
    Cancel,
}

#[component]
pub fn SignOutDialog(
    lang: Lang,
    /// Lectures whose viewing or reports are not on the site (0: nothing would be lost).
    unsynced_lectures: usize,
    /// Test answers (and submissions) not on the site yet.
    #[props(default)]
    unsent_answers: usize,
    /// The site keeps no history: what is watched here can never be sent.
    local_only: bool,
    /// Sending first can save something (history to a site with the extension, or queued
    /// reports such as manual completion).
    can_send: bool,
    /// A sync first was tried and left events behind.
    sync_failed: bool,
    busy: bool,
    on_choice: EventHandler<SignOutChoice>,
) -> Element {
    let warning = if local_only {
        Msg::SignOutUnsyncedLocalOnly
    } else {
        Msg::SignOutUnsyncedTitle
    };
    rsx! {
        div { class: "dialog-backdrop",
            div { class: "dialog", role: "alertdialog", "aria-modal": "true",
                "aria-labelledby": "sign-out-title", "data-testid": "sign-out-dialog",
                h2 { id: "sign-out-title", {lang.tr(Msg::SignOut)} }
                if unsynced_lectures > 0 {
                    p { class: "warning", "data-testid": "sign-out-unsynced", {lang.tr(warning)} }
                    p { class: "muted", {lang.unsynced_lectures(unsynced_lectures)} }
                }
                if unsent_answers > 0 {
                    p { class: "warning", "data-testid": "sign-out-unsent-answers", {lang.unsent_answers(unsent_answers)} }
                }
                if unsynced_lectures == 0 && unsent_answers == 0 {
                    p { {lang.tr(Msg::SignOutErases)} }
                }
                if sync_failed {
                    p { class: "warning", role: "status", {lang.tr(Msg::SignOutStillUnsynced)} }
                }
                div { class: "dialog-actions",
                    if can_send {
                        button { class: "button primary", "data-testid": "sign-out-sync-first", disabled: busy,
                            onclick: move |_| on_choice.call(SignOutChoice::SyncFirst),
                            {lang.tr(Msg::SignOutSyncFirst)}
                        }
                    }
                    button { class: "button secondary", "data-testid": "sign-out-confirm", disabled: busy,
                        onclick: move |_| on_choice.call(SignOutChoice::EraseAnyway),
                        {lang.tr(if unsynced_lectures + unsent_answers > 0 { Msg::SignOutAnyway } else { Msg::SignOut })}
                    }
                    button { class: "button ghost", "data-testid": "sign-out-cancel",
                        onclick: move |_| on_choice.call(SignOutChoice::Cancel),
                        {lang.tr(Msg::Cancel)}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(unsynced_lectures: usize, unsent_answers: usize) -> String {
        #[derive(Props, Clone, PartialEq)]
        struct P {
            lectures: usize,
            answers: usize,
        }
        fn app(p: P) -> Element {
            rsx! {
                SignOutDialog {
                    lang: Lang::Ja, unsynced_lectures: p.lectures, unsent_answers: p.answers,
                    local_only: false, can_send: p.lectures + p.answers > 0, sync_failed: false,
                    busy: false, on_choice: |_| {},
                }
            }
        }
        let props = P {
            lectures: unsynced_lectures,
            answers: unsent_answers,
        };
        let mut dom = VirtualDom::new_with_props(app, props);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn unsent_test_answers_are_what_signing_out_would_lose_too() {
        let html = render(0, 2);
        assert!(
            html.contains("sign-out-unsent-answers") && html.contains("解答 2 件"),
            "{html}"
        );
        assert!(
            html.contains("削除してログアウト"),
            "erasing is said plainly: {html}"
        );
        assert!(html.contains("sign-out-sync-first"), "{html}");
        let html = render(0, 0);
        assert!(
            !html.contains("sign-out-unsent-answers") && html.contains("削除されます"),
            "{html}"
        );
    }
}
