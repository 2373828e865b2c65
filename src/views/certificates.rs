//! 修了証: every certificate of the learner's courses, by validity on the device's clock (valid,
//! expiring within 30 days, expired), then those ready to receive and those not earned yet with
//! what is still missing. Opening one shows its PDF: the kept copy when there is one (offline
//! too), else the site's, which is kept first (and which issues the certificate the first
//! time, so the list is asked again after it).

use crate::components::feedback::ErrorPanel;
use crate::i18n::{Lang, Msg};
use crate::kept::use_kept;
use crate::platform;
use crate::state::{self, CurrentSession};
use crate::text::{plain_text, text_lang};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::certificates;
use juko_model::{Certificate, CertificateState, Validity};

#[component]
pub fn CertificatesView() -> Element {
    let lang = state::use_lang();
    let list = use_kept(
        (),
        |_| Item::certificates(),
        |session, _| {
            Box::pin(async move {
                let courses = session.courses().await?;
                certificates::fetch(&session, &courses).await
            })
        },
    );
    let mut refresh = list;
    let body = list.render(lang, &(), |kept| {
        let groups = certificates::group(&kept.value, platform::now_ms() / 1000);
        let sections = [
            (Msg::CertificatesExpiring, "expiring", groups.expiring),
            (Msg::CertificatesValid, "valid", groups.valid),
            (Msg::CertificatesExpired, "expired", groups.expired),
            (Msg::CertificatesAvailable, "available", groups.available),
            (Msg::CertificatesLocked, "locked", groups.locked),
        ];
        rsx! {
            if kept.value.is_empty() {
                p { class: "empty", {lang.tr(Msg::NoCertificates)} }
            }
            for (title, group, items) in sections.into_iter().filter(|s| !s.2.is_empty()) {
                section { class: "certificate-group", key: "{group}", "data-group": group,
                    h2 { class: "section-title", {lang.tr(title)} }
                    ul { class: "certificate-list",
                        for certificate in items {
                            CertificateCard {
                                key: "{certificate.id}",
                                certificate,
                                on_issued: move |_| refresh.retry(),
                            }
                        }
                    }
                }
            }
        }
    });
    rsx! {
        div { class: "page",
            h1 { class: "page-title", {lang.tr(Msg::Certificates)} }
            p { class: "muted", {lang.tr(Msg::CertificateKeptHint)} }
            {body}
        }
    }
}

#[component]
fn CertificateCard(certificate: Certificate, on_issued: EventHandler<()>) -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
    let mut opening = use_signal(|| false);
    let mut failed = use_signal(|| None::<String>);
    let now = platform::now_ms() / 1000;
    let opened = certificate.clone();
    let open = move |_| {
        let certificate = opened.clone();
        let Some(session) = session.peek().clone() else {
            return;
        };
        opening.set(true);
        failed.set(None);
        spawn(async move {
            let shelf = platform::certificate_shelf(&session.account_key());
            let shown = match certificates::pdf(Some(&session), &shelf, &certificate).await {
                Ok(pdf) => {
                    let filename = format!("{}.pdf", certificate.name);
                    platform::open_pdf(&shelf, certificate.id, &pdf, &filename)
                }
                Err(e) => Err(e),
            };
            opening.set(false);
            match shown {
                // The first opening issued it: the site now has its date.
                Ok(()) if certificate.state == CertificateState::Available => on_issued.call(()),
                Ok(()) => {}
                Err(e) => {
                    state::handle_session_error(&e);
                    failed.set(Some(lang.error(&e)));
                }
            }
        });
    };
    let (state_class, state_text) = state_label(lang, &certificate, now);
    rsx! {
        li { class: "certificate", "data-testid": "certificate", "data-state": state_class,
            div { class: "certificate-main",
                span { class: "certificate-unit", lang: text_lang(&certificate.unit_name), "{certificate.unit_name}" }
                span { class: "muted", lang: text_lang(&certificate.course_name), "{certificate.course_name}" }
                span { class: "certificate-state {state_class}", "data-testid": "certificate-state", "{state_text}" }
                if let Some(issue) = certificate.issue() {
                    span { class: "muted", "data-testid": "certificate-issued",
                        {lang.tr(Msg::CertificateIssuedOn)} " {lang.date(issue.issued_at)}"
                    }
                    if let Some(expires) = issue.expires {
                        span { class: "muted", "data-testid": "certificate-expires",
                            {lang.tr(Msg::CertificateExpiresOn)} " {lang.date(expires)}"
                        }
                    }
                    if let Some(code) = &issue.code {
                        span { class: "muted", {lang.tr(Msg::CertificateCode)} " {code}" }
                    }
                }
                if let CertificateState::Locked { missing } = &certificate.state {
                    span { class: "muted", "data-testid": "certificate-missing",
                        {lang.tr(Msg::CertificateMissing)} ": {plain_text(missing)}"
                    }
                }
            }
            if !matches!(certificate.state, CertificateState::Locked { .. }) {
                button {
                    class: "button",
                    "data-testid": "open-certificate",
                    disabled: opening(),
                    onclick: open,
                    if opening() {
                        {lang.tr(Msg::CertificateOpening)}
                    } else if certificate.state == CertificateState::Available {
                        {lang.tr(Msg::ReceiveCertificate)}
                    } else {
                        {lang.tr(Msg::OpenCertificate)}
                    }
                }
            }
            if let Some(message) = failed() {
                ErrorPanel { lang, message }
            }
        }
    }
}

/// A certificate's state in a word, and the class that colours it.
pub fn state_label(lang: Lang, certificate: &Certificate, now_secs: i64) -> (&'static str, String) {
    match (&certificate.state, certificate.validity(now_secs)) {
        (CertificateState::Locked { .. }, _) => ("locked", format!("🔒 {}", lang.tr(Msg::Locked))),
        (CertificateState::Available, _) => {
            ("available", lang.tr(Msg::CertificateAvailable).to_owned())
        }
        (_, Some(Validity::Expired)) => ("expired", lang.tr(Msg::CertificateExpired).to_owned()),
        (_, Some(Validity::ExpiringSoon { days_left })) => ("expiring", lang.days_left(days_left)),
        (_, _) => ("valid", lang.tr(Msg::CertificateValid).to_owned()),
    }
}
