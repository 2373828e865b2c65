//! Certificates (修了証) on the device.
//!
//! The list is a catalog item ([`Item::certificates`]): kept in the account's store before it
//! is shown, so the 修了証 screen opens offline with what the site last said. A PDF is fetched
//! once (the first fetch is what issues the certificate on the site) and kept on a
//! [`PdfShelf`]: a file in the account's data directory natively, browser storage on the web;
//! later openings read the shelf, online or not. Validity is the model's rule on the device's
//! clock ([`juko_model::Issue::validity`]).

use std::future::Future;

use juko_model::{Certificate, CertificateState, Course, LectureId, Validity};

use crate::catalog::Item;
use crate::{Error, Result, Session};

impl Item<Vec<Certificate>> {
    /// Every certificate of the learner's courses, in course order.
    pub fn certificates() -> Item<Vec<Certificate>> {
        Item::new("certificates".to_owned())
    }
}

/// Which PDF a kept copy is: the certificate and the issue it was drawn for. A certificate
/// issued again (the site deleted the issue, a new one has another time) is another PDF: its
/// kept copy no longer matches and is fetched anew.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PdfKey {
    pub certificate: LectureId,
    /// `None` for a copy fetched before the site had told the issue time (the fetch that
    /// issued it).
    pub issued_at: Option<i64>,
}

impl PdfKey {
    pub fn of(certificate: &Certificate) -> PdfKey {
        PdfKey {
            certificate: certificate.id,
            issued_at: certificate.issue().map(|issue| issue.issued_at),
        }
    }

    /// The copy kept at the fetch that issued the certificate.
    fn before_issue(self) -> PdfKey {
        PdfKey {
            issued_at: None,
            ..self
        }
    }
}

/// `12` or `12-1764378000`: a file or cache name.
impl std::fmt::Display for PdfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.issued_at {
            Some(at) => write!(f, "{}-{at}", self.certificate),
            None => write!(f, "{}", self.certificate),
        }
    }
}

/// Where kept PDFs live; one shelf per account.
pub trait PdfShelf {
    /// The kept PDF of this issue of a certificate, if any.
    fn get(&self, key: PdfKey) -> impl Future<Output = Result<Option<Vec<u8>>>>;
    /// Keeps a certificate's PDF, replacing every kept copy of that certificate.
    fn put(&self, key: PdfKey, pdf: &[u8]) -> impl Future<Output = Result<()>>;
}

/// Asks the site for the certificates of every course given, in that order. A course the
/// site refuses is left out (its modules cannot be listed) and the others still come; only
/// what stops every call (offline, maintenance, an expired session) fails the refresh.
pub async fn fetch(session: &Session, courses: &[Course]) -> Result<Vec<Certificate>> {
    let mut all = Vec::new();
    for course in courses {
        match session.certificates(course).await {
            Ok(certificates) => all.extend(certificates),
            Err(e) if stops_the_refresh(&e) => return Err(e),
            Err(e) => tracing::warn!(course = %course.id, "certificates of a course refused: {e}"),
        }
    }
    Ok(all)
}

fn stops_the_refresh(error: &Error) -> bool {
    matches!(
        error,
        Error::Unreachable(_) | Error::SessionExpired | Error::Maintenance(_) | Error::Storage(_)
    )
}

/// A certificate's PDF: the kept copy, else the site's (issuing it on the first fetch), kept
/// before it is returned. Offline with nothing kept is [`Error::Unreachable`] from the fetch.
pub async fn pdf(
    session: Option<&Session>,
    shelf: &impl PdfShelf,
    certificate: &Certificate,
) -> Result<Vec<u8>> {
    let key = PdfKey::of(certificate);
    if let Some(pdf) = shelf.get(key).await? {
        return Ok(pdf);
    }
    // The copy whose fetch issued the certificate is of the issue the site lists since:
    // filed under its issue time from now on.
    if key.issued_at.is_some()
        && let Some(pdf) = shelf.get(key.before_issue()).await?
    {
        shelf.put(key, &pdf).await?;
        return Ok(pdf);
    }
    if let CertificateState::Locked { missing } = &certificate.state {
        return Err(Error::NotAvailable(missing.clone()));
    }
    let Some(url) = certificate.pdf_url.as_deref() else {
        return Err(Error::NotAvailable(certificate.name.clone()));
    };
    let Some(session) = session else {
        return Err(Error::Unreachable("signed out".to_owned()));
    };
    let pdf = session.certificate_pdf(url).await?;
    shelf.put(key, &pdf).await?;
    Ok(pdf)
}

/// The 修了証 screen's groups, by the device's clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    pub valid: Vec<Certificate>,
    pub expiring: Vec<Certificate>,
    pub expired: Vec<Certificate>,
    /// Earned, not issued yet (the first opening of the PDF issues it).
    pub available: Vec<Certificate>,
    pub locked: Vec<Certificate>,
}

pub fn group(certificates: &[Certificate], now_secs: i64) -> Groups {
    let mut groups = Groups::default();
    for certificate in certificates {
        let bucket = match (&certificate.state, certificate.validity(now_secs)) {
            (CertificateState::Locked { .. }, _) => &mut groups.locked,
            (CertificateState::Available, _) => &mut groups.available,
            (_, Some(Validity::Expired)) => &mut groups.expired,
            (_, Some(Validity::ExpiringSoon { .. })) => &mut groups.expiring,
            (_, _) => &mut groups.valid,
        };
        bucket.push(certificate.clone());
    }
    groups
}

/// A shelf of files, `{dir}/{key}.pdf` (desktop and mobile: the account's data dir).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug)]
pub struct FileShelf {
    dir: std::path::PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileShelf {
    pub fn new(dir: impl Into<std::path::PathBuf>) -> FileShelf {
        FileShelf { dir: dir.into() }
    }

    fn path(&self, key: PdfKey) -> std::path::PathBuf {
        self.dir.join(format!("{key}.pdf"))
    }

    /// Where a kept PDF is, for a viewer to open.
    pub fn file(&self, key: PdfKey) -> Option<std::path::PathBuf> {
        let path = self.path(key);
        path.is_file().then_some(path)
    }

    /// Removes the certificate's kept copies other than `keep`'s.
    fn remove_others(&self, keep: PdfKey) -> std::io::Result<()> {
        let keep_name = format!("{keep}.pdf");
        let id = keep.certificate.to_string();
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let Some(name) = name.to_str() else { continue };
            let stem = name.strip_suffix(".pdf").unwrap_or_default();
            let same_certificate = stem == id || stem.split_once('-').is_some_and(|(c, _)| c == id);
            if same_certificate && name != keep_name {
                std::fs::remove_file(self.dir.join(name))?;
            }
        }
        Ok(())
    }
}

/// Erases one account's shelf directory (signing out); nothing there is fine.
#[cfg(not(target_arch = "wasm32"))]
pub fn erase_shelf_dir(dir: &std::path::Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Storage(e.to_string())),
    }
}

/// Removes the shelves under `root` (one directory per account) of every account but `keep`:
/// what a sign-out could not erase (the app killed, a disk error) goes at the next start.
/// Returns how many were removed.
#[cfg(not(target_arch = "wasm32"))]
pub fn remove_other_shelves(root: &std::path::Path, keep: Option<&str>) -> Result<usize> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::Storage(e.to_string())),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| Error::Storage(e.to_string()))?;
        if keep.is_some_and(|k| entry.file_name() == k) {
            continue;
        }
        erase_shelf_dir(&entry.path())?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(not(target_arch = "wasm32"))]
impl PdfShelf for FileShelf {
    async fn get(&self, key: PdfKey) -> Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(key)) {
            Ok(pdf) => Ok(Some(pdf)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Storage(e.to_string())),
        }
    }

    async fn put(&self, key: PdfKey, pdf: &[u8]) -> Result<()> {
        let storage = |e: std::io::Error| Error::Storage(e.to_string());
        std::fs::create_dir_all(&self.dir).map_err(storage)?;
        // Written aside, then renamed: a killed app never leaves half a PDF to open.
        let part = self.dir.join(format!("{key}.pdf.part"));
        std::fs::write(&part, pdf).map_err(storage)?;
        std::fs::rename(&part, self.path(key)).map_err(storage)?;
        self.remove_others(key).map_err(storage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{CourseId, Issue, UnitId};

    fn cert(id: i64, state: CertificateState) -> Certificate {
        Certificate {
            id: LectureId(id),
            course_id: CourseId(2),
            course_name: "c".into(),
            unit_id: UnitId(900 + id),
            unit_name: format!("u{id}"),
            name: format!("n{id}"),
            state,
            pdf_url: Some(format!("https://s/pdf/{id}")),
        }
    }

    fn issued(expires: i64) -> CertificateState {
        CertificateState::Issued(Issue {
            issued_at: 0,
            expires: Some(expires),
            code: None,
        })
    }

    #[test]
    fn certificates_group_by_the_devices_clock() {
        let day = 86_400;
        let all = [
            cert(1, issued(400 * day)),
            cert(2, issued(110 * day)),
            cert(3, issued(50 * day)),
            cert(4, CertificateState::Available),
            cert(
                5,
                CertificateState::Locked {
                    missing: "x".into(),
                },
            ),
        ];
        let groups = group(&all, 100 * day);
        let ids = |v: &[Certificate]| v.iter().map(|c| c.id.0).collect::<Vec<_>>();
        assert_eq!(ids(&groups.valid), [1]);
        assert_eq!(ids(&groups.expiring), [2]);
        assert_eq!(ids(&groups.expired), [3]);
        assert_eq!(ids(&groups.available), [4]);
        assert_eq!(ids(&groups.locked), [5]);
        // A year on, the valid one expired too.
        assert_eq!(ids(&group(&all, 401 * day).expired), [1, 2, 3]);
    }

    #[test]
    fn a_kept_pdf_opens_without_the_site_and_a_locked_one_never_asks() {
        let dir = std::env::temp_dir().join(format!("juko-shelf-{}", std::process::id()));
        let shelf = FileShelf::new(&dir);
        let run = |f| futures_executor(f);
        let issued_cert = cert(7, issued(1));
        assert!(matches!(
            run(Box::pin(pdf(None, &shelf, &issued_cert))),
            Err(Error::Unreachable(_))
        ));
        run(Box::pin(async {
            shelf
                .put(PdfKey::of(&issued_cert), b"%PDF-1.7 kept")
                .await
                .map(|_| Vec::new())
        }))
        .expect("kept");
        assert_eq!(
            run(Box::pin(pdf(None, &shelf, &issued_cert))).expect("kept copy"),
            b"%PDF-1.7 kept"
        );
        assert_eq!(
            shelf.file(PdfKey::of(&issued_cert)),
            Some(dir.join("7-0.pdf"))
        );
        let locked = cert(
            8,
            CertificateState::Locked {
                missing: "the test".into(),
            },
        );
        assert_eq!(
            run(Box::pin(pdf(None, &shelf, &locked))),
            Err(Error::NotAvailable("the test".into()))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The site issued the certificate again (another time): the kept PDF is of the old issue
    /// and is not shown for the new one; a copy kept by the fetch that issued it is adopted.
    #[test]
    fn a_kept_pdf_is_of_one_issue() {
        let dir = std::env::temp_dir().join(format!("juko-shelf-issue-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let shelf = FileShelf::new(&dir);
        let run = |f| futures_executor(f);
        let shelf = &shelf;
        let put = |key: PdfKey, bytes: &'static [u8]| {
            run(Box::pin(async move {
                shelf.put(key, bytes).await.map(|_| Vec::new())
            }))
            .expect("kept")
        };
        let available = cert(9, CertificateState::Available);
        put(PdfKey::of(&available), b"%PDF first fetch");
        let first = cert(
            9,
            CertificateState::Issued(Issue {
                issued_at: 100,
                expires: None,
                code: None,
            }),
        );
        assert_eq!(
            run(Box::pin(pdf(None, shelf, &first))).expect("adopted"),
            b"%PDF first fetch"
        );
        assert_eq!(shelf.file(PdfKey::of(&available)), None, "filed anew");
        assert!(shelf.file(PdfKey::of(&first)).is_some());
        let again = cert(
            9,
            CertificateState::Issued(Issue {
                issued_at: 200,
                expires: None,
                code: None,
            }),
        );
        // Offline, the old issue's PDF is not passed off as the new one.
        assert!(matches!(
            run(Box::pin(pdf(None, shelf, &again))),
            Err(Error::Unreachable(_))
        ));
        put(PdfKey::of(&again), b"%PDF second issue");
        assert_eq!(
            shelf.file(PdfKey::of(&first)),
            None,
            "the old issue's copy goes"
        );
        assert_eq!(
            run(Box::pin(pdf(None, shelf, &again))).expect("kept"),
            b"%PDF second issue"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shelves_of_signed_out_accounts_go_at_start() {
        let root = std::env::temp_dir().join(format!("juko-shelves-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(remove_other_shelves(&root, None), Ok(0), "no shelves yet");
        for account in ["site-7", "site-8", "other-9"] {
            std::fs::create_dir_all(root.join(account)).unwrap();
            std::fs::write(root.join(account).join("5-100.pdf"), b"%PDF").unwrap();
        }
        assert_eq!(remove_other_shelves(&root, Some("site-8")), Ok(2));
        let left: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["site-8"]);
        assert_eq!(erase_shelf_dir(&root.join("site-8")), Ok(()));
        assert_eq!(
            erase_shelf_dir(&root.join("site-8")),
            Ok(()),
            "gone is fine"
        );
        assert_eq!(remove_other_shelves(&root, None), Ok(0));
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Runs a future that never waits on anything (the file shelf is synchronous inside).
    fn futures_executor(
        mut f: std::pin::Pin<Box<dyn Future<Output = Result<Vec<u8>>> + '_>>,
    ) -> Result<Vec<u8>> {
        use std::task::{Context, Poll, Waker};
        let mut cx = Context::from_waker(Waker::noop());
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("the shelf waited"),
        }
    }
}
