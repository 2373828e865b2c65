//! Sign-in: site address, username, password.

use crate::account;
use crate::components::brand::Brand;
use crate::i18n::Msg;
use crate::platform;
use crate::state::{self, SignInNotice};
use crate::views::shell::LangSwitch;
use dioxus::prelude::*;

#[component]
pub fn SignIn() -> Element {
    let lang = state::use_lang();
    let notice = use_context::<SignInNotice>().0;
    let mut site = use_signal(platform::default_site_url);
    let mut username = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);

    let submit = move |evt: FormEvent| async move {
        evt.prevent_default();
        if busy() {
            return;
        }
        let (s, u, p) = (site(), username(), password());
        if s.trim().is_empty() || u.trim().is_empty() || p.is_empty() {
            error.set(Some(lang.tr(Msg::ErrEmptyFields).to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        let result = juko_core::sign_in(&s, &u, &p).await;
        busy.set(false);
        match result.and_then(account::signed_in) {
            Ok(()) => password.set(String::new()),
            Err(e) => error.set(Some(state::current_lang().error(&e))),
        }
    };

    rsx! {
        div { class: "sign-in-page",
            div { class: "sign-in-card",
                div { class: "sign-in-head",
                    div { class: "brand big",
                        Brand { lang }
                    }
                    LangSwitch {}
                }
                p { class: "tagline", {lang.tr(Msg::AppTagline)} }
                if let Some(msg) = notice() {
                    p { class: "notice", role: "status", {lang.tr(msg)} }
                }
                form { class: "form", onsubmit: submit, novalidate: true,
                    label { r#for: "site-url", {lang.tr(Msg::SiteUrl)} }
                    input {
                        id: "site-url", r#type: "url", inputmode: "url", autocomplete: "url",
                        autocapitalize: "none", spellcheck: false,
                        placeholder: lang.tr(Msg::SiteUrlHint),
                        value: "{site}", oninput: move |e| site.set(e.value()),
                    }
                    label { r#for: "username", {lang.tr(Msg::Username)} }
                    input {
                        id: "username", r#type: "text", autocomplete: "username",
                        autocapitalize: "none", spellcheck: false,
                        value: "{username}", oninput: move |e| username.set(e.value()),
                    }
                    label { r#for: "password", {lang.tr(Msg::Password)} }
                    input {
                        id: "password", r#type: "password", autocomplete: "current-password",
                        value: "{password}", oninput: move |e| password.set(e.value()),
                    }
                    if let Some(message) = error() {
                        p { class: "form-error", role: "alert", "data-testid": "sign-in-error", {message} }
                    }
                    button {
                        id: "sign-in", class: "button primary wide", r#type: "submit", disabled: busy(),
                        if busy() { {lang.tr(Msg::SigningIn)} } else { {lang.tr(Msg::SignIn)} }
                    }
                }
            }
        }
    }
}
