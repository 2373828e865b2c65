//! Asking before something that cannot be undone (deleting downloads): the same sheet as the
//! sign-out dialog: the destructive choice, then Cancel.

use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;

#[component]
pub fn ConfirmDialog(
    lang: Lang,
    /// The action, as the heading and the confirming button say it.
    action: Msg,
    /// What it does, in a sentence.
    consequence: Msg,
    on_confirm: EventHandler<()>,
    on_cancel: EventHandler<()>,
) -> Element {
    rsx! {
        div { class: "dialog-backdrop",
            div { class: "dialog", role: "alertdialog", "aria-modal": "true",
                "aria-labelledby": "confirm-title", "aria-describedby": "confirm-consequence",
                "data-testid": "confirm-dialog",
                h2 { id: "confirm-title", {lang.tr(action)} }
                p { id: "confirm-consequence", {lang.tr(consequence)} }
                div { class: "dialog-actions",
                    button { class: "button danger", "data-testid": "confirm-yes",
                        onclick: move |_| on_confirm.call(()),
                        {lang.tr(action)}
                    }
                    button { class: "button ghost", "data-testid": "confirm-cancel",
                        onclick: move |_| on_cancel.call(()),
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

    #[test]
    fn the_dialog_names_the_action_and_what_it_does() {
        fn app() -> Element {
            rsx! {
                ConfirmDialog { lang: Lang::Ja, action: Msg::DeleteAllDownloads,
                    consequence: Msg::DeleteDownloadsConfirm, on_confirm: |_| {}, on_cancel: |_| {} }
            }
        }
        let html = super::super::render(app);
        assert!(html.contains("role=\"alertdialog\""), "{html}");
        assert_eq!(
            html.matches("すべてのダウンロードを削除").count(),
            2,
            "{html}"
        );
        assert!(html.contains("視聴履歴は消えません"), "{html}");
    }
}
