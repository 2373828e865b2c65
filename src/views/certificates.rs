//! 修了証: every certificate of the learner's courses, by validity on the device's clock (valid,
//! expiring within 30 days, expired), then those ready to receive and those not earned yet with
//! what is still missing. Opening one shows its PDF: the kept copy when there is one (offline
//! too), else the site's, which is kept first (and which issues the certificate the first
//! time, so the list is asked again after it).

use crate::format;
use crate::i18n::{Lang, Msg};
use crate::kept::use_kept;
use crate::platform;
use crate::state::{self, CurrentSession};
use crate::text::{plain_text, text_lang};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::certificates;
use juko_model::{Certificate, CertificateState, LectureId, Validity};

#[component]
pub fn CertificatesView() -> Element {
    let lang = state::use_lang();
    let session = use_context::<CurrentSession>().0;
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
    // One certificate opens at a time; what went wrong is said under it. Kept here rather than
    // in a component per certificate: the web bundle pays for every component.
    let mut opening = use_signal(|| None::<LectureId>);
    let mut failed = use_signal(|| None::<(LectureId, String)>);
    let mut refresh = list;
    let mut open = move |certificate: Certificate| {
        let Some(session) = session.peek().clone() else {
            return;
        };
        opening.set(Some(certificate.id));
        failed.set(None);
        spawn(async move {
            let shelf = platform::certificate_shelf(&session.account_key());
            let shown = match certificates::pdf(Some(&session), &shelf, &certificate).await {
                Ok(pdf) => {
                    let filename = format!("{}.pdf", certificate.name);
                    let key = certificates::PdfKey::of(&certificate);
                    platform::open_pdf(&shelf, key, &pdf, &filename)
                }
                Err(e) => Err(e),
            };
            opening.set(None);
            if shown == Ok(platform::PdfShown::KeptOnly) {
                failed.set(Some((
                    certificate.id,
                    lang.tr(Msg::CertificateNoViewer).to_owned(),
                )));
            }
            match shown {
                // The first opening issued it: the site now has its date.
                Ok(_) if certificate.state == CertificateState::Available => refresh.retry(),
                Ok(_) => {}
                Err(e) => {
                    state::handle_session_error(&e);
                    failed.set(Some((certificate.id, lang.error(&e))));
                }
            }
        });
    };
    let now = platform::now_ms() / 1000;
    let body = list.render(lang, &(), |kept| {
        // One pass in the screen's order (expiring, valid, expired, ready, not earned), a
        // heading where the group changes.
        let mut shown: Vec<(usize, &Certificate)> = kept
            .value
            .iter()
            .map(|c| (group_of(state_label(lang, c, now).0), c))
            .collect();
        shown.sort_by_key(|(group, _)| *group);
        rsx! {
            if shown.is_empty() {
                p { class: "empty", {lang.tr(Msg::NoCertificates)} }
            }
            div { class: "certificate-list",
                for (i, (group, certificate)) in shown.iter().enumerate() {
                    if i == 0 || shown[i - 1].0 != *group {
                        h2 { class: "section-title", key: "g{group}", {lang.tr(GROUPS[*group].1)} }
                    }
                    {card(lang, certificate, now, opening() == Some(certificate.id),
                        failed().filter(|f| f.0 == certificate.id).map(|f| f.1), &mut open)}
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

/// The screen's groups in order: a state's class and its heading.
const GROUPS: [(&str, Msg); 5] = [
    ("expiring", Msg::CertificatesExpiring),
    ("valid", Msg::CertificatesValid),
    ("expired", Msg::CertificatesExpired),
    ("available", Msg::CertificatesAvailable),
    ("locked", Msg::CertificatesLocked),
];

fn group_of(state_class: &str) -> usize {
    GROUPS
        .iter()
        .position(|(class, _)| *class == state_class)
        .unwrap_or(GROUPS.len() - 1)
}

/// One certificate: its unit and course, its state, dates or what is missing, and its PDF.
fn card(
    lang: Lang,
    certificate: &Certificate,
    now: i64,
    opening: bool,
    failed: Option<String>,
    open: &mut (impl FnMut(Certificate) + Copy + 'static),
) -> Element {
    let (state_class, state_text) = state_label(lang, certificate, now);
    let earned = state_class != "locked";
    let ready = state_class == "available";
    let mut open = *open;
    let target = certificate.clone();
    rsx! {
        div { key: "{certificate.id}", class: "certificate", "data-testid": "certificate", "data-state": state_class,
            div { class: "certificate-main",
                span { class: "certificate-unit", lang: text_lang(&certificate.unit_name), "{certificate.unit_name}" }
                span { class: "muted", lang: text_lang(&certificate.course_name), "{certificate.course_name}" }
                span { class: "certificate-state {state_class}", "data-testid": "certificate-state", "{state_text}" }
                if let Some(issue) = certificate.issue() {
                    span { class: "muted", "data-testid": "certificate-issued",
                        {lang.tr(Msg::CertificateIssuedOn)} " {format::date(lang, issue.issued_at)}"
                    }
                    if let Some(expires) = issue.expires {
                        span { class: "muted", "data-testid": "certificate-expires",
                            {lang.tr(Msg::CertificateExpiresOn)} " {format::date(lang, expires)}"
                        }
                    }
                    if let Some(code) = &issue.code {
                        span { class: "muted", {lang.tr(Msg::CertificateCode)} " {code}" }
                    }
                }
                if let CertificateState::Locked { missing } = &certificate.state {
                    // The site's condition text is long, English and run together: the app says it
                    // in its own words and keeps the site's text folded away, as plain text.
                    span { class: "muted", "data-testid": "certificate-missing",
                        {lang.tr(Msg::CertificateMissing)}
                    }
                    details { class: "certificate-conditions", "data-testid": "certificate-conditions",
                        summary { {lang.tr(Msg::SiteConditions)} }
                        p { class: "muted", "{plain_text(missing)}" }
                    }
                }
                if let Some(message) = failed {
                    span { class: "error-text", role: "alert", "{message}" }
                }
            }
            if earned {
                button {
                    class: "button",
                    "data-testid": "open-certificate",
                    disabled: opening,
                    onclick: move |_| open(target.clone()),
                    if opening {
                        {lang.tr(Msg::CertificateOpening)}
                    } else if ready {
                        {lang.tr(Msg::ReceiveCertificate)}
                    } else {
                        {lang.tr(Msg::OpenCertificate)}
                    }
                }
            }
        }
    }
}

/// A certificate's state in a word, and the class that colours it.
pub fn state_label(lang: Lang, certificate: &Certificate, now_secs: i64) -> (&'static str, String) {
    match (&certificate.state, certificate.validity(now_secs)) {
        (CertificateState::Locked { .. }, _) => ("locked", lang.tr(Msg::Locked).to_owned()),
        (CertificateState::Available, _) => {
            ("available", lang.tr(Msg::CertificateAvailable).to_owned())
        }
        (_, Some(Validity::Expired)) => ("expired", lang.tr(Msg::CertificateExpired).to_owned()),
        (_, Some(Validity::ExpiringSoon { days_left })) => ("expiring", lang.days_left(days_left)),
        (_, _) => ("valid", lang.tr(Msg::CertificateValid).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{CourseId, Issue, UnitId};

    fn certificate(state: CertificateState) -> Certificate {
        Certificate {
            id: LectureId(1),
            course_id: CourseId(2),
            course_name: "c".into(),
            unit_id: UnitId(3),
            unit_name: "u".into(),
            name: "n".into(),
            state,
            pdf_url: None,
        }
    }

    #[test]
    fn each_state_has_its_word_and_group_by_the_clock() {
        let day = 86_400;
        let issued = certificate(CertificateState::Issued(Issue {
            issued_at: 0,
            expires: Some(365 * day),
            code: None,
        }));
        let label = |c: &Certificate, now| state_label(Lang::Ja, c, now);
        assert_eq!(label(&issued, 0), ("valid", "有効".to_owned()));
        assert_eq!(
            label(&issued, 355 * day),
            ("expiring", "期限まで残り 10 日".to_owned())
        );
        assert_eq!(label(&issued, 365 * day).0, "expired");
        assert_eq!(
            label(&certificate(CertificateState::Available), 0).0,
            "available"
        );
        let locked = certificate(CertificateState::Locked {
            missing: "x".into(),
        });
        assert_eq!(label(&locked, 0).0, "locked");
        // The screen's order: expiring first, not earned last.
        let order: Vec<usize> = ["expiring", "valid", "expired", "available", "locked"]
            .into_iter()
            .map(group_of)
            .collect();
        assert_eq!(order, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_locked_certificate_says_what_is_needed_and_folds_the_sites_conditions() {
        fn app() -> Element {
            let locked = certificate(CertificateState::Locked {
                missing:
                    "Not available unless: <ul><li>The activity <strong>1.</strong> is marked \
                          complete</li><li><script>x</script>The activity 2.</li></ul>"
                        .into(),
            });
            card(Lang::Ja, &locked, 0, false, None, &mut |_| {})
        }
        let mut dom = VirtualDom::new(app);
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        let short = html
            .find("確認テストに合格すると受け取れます")
            .expect("the app's words");
        let folded = html.find("<details").expect("the site's text folded away");
        assert!(short < folded, "the short line first: {html}");
        assert!(!html.contains("<details open"), "closed at first: {html}");
        assert!(html.contains("サイトの条件"), "{html}");
        // The site's HTML is shown as text: its markup never reaches the page.
        assert!(html.contains("The activity 1. is marked"), "{html}");
        assert!(
            !html.contains("<strong>") && !html.contains("<script"),
            "{html}"
        );
    }
}
