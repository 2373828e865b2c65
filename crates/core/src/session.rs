//! A signed-in learner's session with their site, and where it is kept between runs.

use crate::Result;
use crate::quiz::{Processed, QuizRemote};
use juko_model::{
    Answer, Attempt, AttemptId, AttemptPage, AttemptReview, Course, CourseContents, CourseId,
    Lecture, LectureId, Media, Question, Quiz, QuizId, QuizOverview, SiteInfo,
};
use juko_moodle::{Site, SiteUrl, Token};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Mutex;

/// A learner signed in to a site. Cheap to clone; every clone speaks for the same session.
#[derive(Clone)]
pub struct Session {
    remote: juko_moodle::Session,
    info: SiteInfo,
}

impl Session {
    pub(crate) fn new(remote: juko_moodle::Session, info: SiteInfo) -> Session {
        Session { remote, info }
    }

    /// Brings back a session kept by a [`SessionStore`], without asking the site: the first call
    /// that reaches the site tells whether it is still valid ([`crate::Error::SessionExpired`]).
    pub fn restore(saved: &SavedSession) -> Result<Session> {
        let site = Site::new(SiteUrl::parse(&saved.site_url)?);
        // File URLs carry the site's own root; it told us at sign-in.
        site.set_own_url(&saved.site_info.site_url);
        let remote = site.session(Token::new(saved.token.clone()));
        Ok(Session::new(remote, saved.site_info.clone()))
    }

    /// What a [`SessionStore`] keeps of this session.
    pub fn saved(&self) -> SavedSession {
        SavedSession {
            site_url: self.remote.site().url().as_str().to_owned(),
            token: self.remote.token().as_str().to_owned(),
            site_info: self.info.clone(),
        }
    }

    /// The site's client, for the engine's own modules (`join`, `news`, `certificates`).
    pub(crate) fn remote(&self) -> &juko_moodle::Session {
        &self.remote
    }

    /// The site and the learner, as the site described them at sign-in.
    pub fn info(&self) -> &SiteInfo {
        &self.info
    }

    /// Asks the site about itself again (its name, what it offers, the learner's details may
    /// have changed since sign-in); the session with that answer.
    pub async fn refreshed(&self) -> Result<Session> {
        let mut info = self.remote.site_info().await?;
        info.user.facility_user_id = match facility_user_id(&self.remote, &info).await {
            // The site's answer, including "none" (the id was cleared).
            Ok(id) => id,
            // The profile did not answer (a site whose service leaves it out, a failed
            // call): keep what we had rather than lose it.
            Err(_) => self.info.user.facility_user_id.clone(),
        };
        Ok(Session::new(self.remote.clone(), info))
    }

    /// The courses the learner is enrolled in.
    pub async fn courses(&self) -> Result<Vec<Course>> {
        Ok(self.remote.courses(self.info.user.id).await?)
    }

    /// A course's units and lectures.
    pub async fn course_contents(&self, course: CourseId) -> Result<CourseContents> {
        Ok(self.remote.course_contents(course).await?)
    }

    /// A course's certificates.
    pub async fn certificates(&self, course: &Course) -> Result<Vec<juko_model::Certificate>> {
        Ok(self
            .remote
            .certificates(course.id, &course.full_name, self.info.user.id)
            .await?)
    }

    /// A certificate's PDF from the site; the first fetch issues the certificate.
    pub async fn certificate_pdf(&self, pdf_url: &str) -> Result<Vec<u8>> {
        Ok(self.remote.certificate_pdf(pdf_url).await?)
    }

    /// A caption track's WebVTT text, fetched by the app (not by the video element): the
    /// player hands it to the page as a `data:` URL, so no origin or CORS rule stands between
    /// the site and a desktop or phone webview.
    pub async fn caption_text(&self, track: &juko_model::CaptionTrack) -> Result<String> {
        Ok(self.remote.caption_text(track).await?)
    }

    /// Tells the site the learner opened a course (Moodle's course log and "recent courses").
    pub async fn record_course_view(&self, course: CourseId) -> Result<()> {
        Ok(self.remote.view_course(course, None).await?)
    }

    /// Tells the site the learner opened a lecture (Moodle's view event and view completion).
    pub async fn record_lecture_view(&self, lecture: &Lecture) -> Result<()> {
        Ok(self.remote.view_lecture(lecture).await?)
    }

    /// Whether the site has Juko's viewing-history extension; without it history stays on the
    /// device (see `shared/protocol/progress-sync.md`, "On a site without the extension").
    pub fn syncs_history(&self) -> bool {
        self.info.features.history_sync
    }

    /// A name for this learner on this site that is safe in file names and storage keys: each
    /// account keeps its own history.
    pub fn account_key(&self) -> String {
        let site: String = self
            .info
            .site_url
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("{site}-{}", self.info.user.id)
    }

    /// A file of the site (an attachment, a course's logo) at a URL that loads it: the token
    /// added for the site's own files; `None` for anything but a web address.
    pub fn file_url(&self, url: &str) -> Option<String> {
        let file = Media {
            url: url.to_owned(),
            mime_type: String::new(),
            size_bytes: 0,
            external: false,
            captions: Vec::new(),
            modified: 0,
        };
        self.stream_url(&file)
    }

    /// The site's HTML (an announcement's body) to show now: cleaned, the site's images loading
    /// with the token, any other image source dropped.
    pub fn display_html(&self, html: &str) -> String {
        juko_moodle::sanitize::for_display(html, self.remote.image_source())
    }

    /// The URL a video element can stream the lecture's media from; `None` when the site gave
    /// no web address for it (only `http`/`https` become media sources).
    pub fn stream_url(&self, media: &Media) -> Option<String> {
        juko_model::is_web_url(&media.url).then(|| self.remote.stream_url(media))
    }
}

/// The learner's 施設ユーザーID from their profile: `Ok(None)` when the site keeps none for
/// them, `Err` when the profile did not answer (logged: the id is a convenience, never worth
/// failing sign-in or a refresh for; the caller decides what stands in for it).
pub(crate) async fn facility_user_id(
    remote: &juko_moodle::Session,
    info: &SiteInfo,
) -> Result<Option<String>> {
    Ok(remote
        .facility_user_id(info.user.id)
        .await
        .inspect_err(|e| tracing::info!("no facility user id from the profile: {e}"))?)
}

/// Tests (確認テスト): the site's side for the quiz engine ([`crate::quiz`]), and the test's page.
impl Session {
    /// A unit's test (by its module), with what the learner may do, their attempts and best
    /// grade: what the test's page shows.
    pub async fn quiz_overview(&self, course: CourseId, module: LectureId) -> Result<QuizOverview> {
        Ok(self.remote.quiz_overview(course, module).await?)
    }

    /// The test's page on the site, for what the app leaves to it ("open this test on the site").
    pub fn quiz_page_url(&self, module: LectureId) -> String {
        self.remote.quiz_page_url(module)
    }

    /// Tells the site the learner opened a test's page (Moodle's view event).
    pub async fn record_quiz_view(&self, quiz: QuizId) -> Result<()> {
        Ok(self.remote.view_quiz(quiz).await?)
    }

    /// A finished attempt as the site's review options let the learner see it.
    pub async fn attempt_review(&self, attempt: AttemptId) -> Result<AttemptReview> {
        Ok(self.remote.attempt_review(attempt).await?)
    }
}

impl QuizRemote for Session {
    async fn quiz_overview(&self, course: CourseId, module: LectureId) -> Result<QuizOverview> {
        Session::quiz_overview(self, course, module).await
    }

    async fn attempts(&self, quiz: &Quiz) -> Result<Vec<Attempt>> {
        // The overview's attempts are the site's list as it stands (the App's own check).
        Ok(Session::quiz_overview(self, quiz.course, quiz.module)
            .await?
            .attempts)
    }

    async fn start_attempt(&self, quiz: QuizId) -> Result<Attempt> {
        Ok(self.remote.start_attempt(quiz).await?)
    }

    async fn attempt_page(&self, attempt: AttemptId, page: u32) -> Result<AttemptPage> {
        Ok(self.remote.attempt_page(attempt, page).await?)
    }

    async fn record_attempt_view(&self, attempt: AttemptId, page: u32) -> Result<()> {
        Ok(self.remote.view_attempt(attempt, page).await?)
    }

    async fn process_attempt(
        &self,
        attempt: &Attempt,
        answers: &[(Question, Answer)],
        finish: bool,
        time_up: bool,
    ) -> Result<Processed> {
        match self
            .remote
            .process_attempt(attempt, answers, finish, time_up)
            .await
        {
            Ok(state) => Ok(Processed::Taken(state)),
            Err(e) if e.is_stale_answers() => Ok(Processed::OutOfSequence),
            Err(e) => Err(e.into()),
        }
    }

    async fn attempt_review(&self, attempt: AttemptId) -> Result<AttemptReview> {
        Session::attempt_review(self, attempt).await
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("site", &self.info.site_url)
            .field("user", &self.info.user.username)
            .finish_non_exhaustive()
    }
}

/// What is kept of a session between runs of the app.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    pub site_url: String,
    /// The web-service token: a secret. Platform stores keep it in the OS secure store where
    /// there is one.
    pub token: String,
    pub site_info: SiteInfo,
}

impl fmt::Debug for SavedSession {
    // The token is a password in all but name: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedSession")
            .field("site_url", &self.site_url)
            .field("token", &"<redacted>")
            .field("user", &self.site_info.user.username)
            .finish()
    }
}

/// Where the app keeps the session between runs: each platform has its own.
pub trait SessionStore {
    fn load(&self) -> Result<Option<SavedSession>>;
    fn save(&self, session: &SavedSession) -> Result<()>;
    fn clear(&self) -> Result<()>;
}

/// A store that forgets on exit: for tests, and for platforms with nowhere safe to keep a token.
#[derive(Default)]
pub struct MemorySessionStore(Mutex<Option<SavedSession>>);

impl SessionStore for MemorySessionStore {
    fn load(&self) -> Result<Option<SavedSession>> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }
    fn save(&self, session: &SavedSession) -> Result<()> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(session.clone());
        Ok(())
    }
    fn clear(&self) -> Result<()> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

impl crate::sync::Remote for Session {
    async fn push(
        &self,
        device: &str,
        events: &[juko_model::ProgressEvent],
    ) -> Result<juko_model::PushOutcome> {
        crate::sync::Remote::push(&self.remote, device, events).await
    }
    async fn pull(&self, since: &str, limit: u32) -> Result<juko_model::ProgressPage> {
        crate::sync::Remote::pull(&self.remote, since, limit).await
    }
    async fn act(&self, action: &crate::store::SiteAction) -> Result<()> {
        crate::sync::Remote::act(&self.remote, action).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{User, UserId};

    fn saved() -> SavedSession {
        SavedSession {
            site_url: "http://127.0.0.1:8080".into(),
            token: "0123456789abcdef0123456789abcdef".into(),
            site_info: SiteInfo {
                site_name: "ICRweb".into(),
                site_url: "http://127.0.0.1:8080".into(),
                user: User {
                    id: UserId(7),
                    username: "learner1".into(),
                    full_name: "受講 太郎".into(),
                    facility_user_id: None,
                },
                lang: "ja".into(),
                features: juko_model::SiteFeatures::default(),
                version: Some("2024100700".into()),
                can_download_files: true,
                site_course: juko_model::CourseId(1),
            },
        }
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let s = saved();
        let printed = format!("{s:?} {:?}", Session::restore(&s).expect("restores"));
        assert!(!printed.contains(&s.token), "{printed}");
        assert!(printed.contains("learner1"), "{printed}");
    }

    #[test]
    fn a_restored_session_saves_back_the_same() {
        let s = saved();
        assert_eq!(Session::restore(&s).expect("restores").saved(), s);
    }

    #[test]
    fn a_restored_session_streams_with_its_token() {
        let s = saved();
        let session = Session::restore(&s).expect("restores");
        let media = Media {
            url: "http://127.0.0.1:8080/webservice/pluginfile.php/5/mod_resource/content/1/a.mp4?forcedownload=1"
                .into(),
            mime_type: "video/mp4".into(),
            size_bytes: 1,
            external: false,
            captions: Vec::new(),
            modified: 0,
        };
        let url = session.stream_url(&media).expect("a web address");
        assert!(url.ends_with(&format!("token={}", s.token)), "{url}");
        assert!(!url.contains("forcedownload"), "{url}");
    }

    #[test]
    fn only_web_addresses_stream() {
        let session = Session::restore(&saved()).expect("restores");
        let media = |url: &str| Media {
            url: url.into(),
            mime_type: "video/mp4".into(),
            size_bytes: 1,
            external: true,
            captions: Vec::new(),
            modified: 0,
        };
        assert_eq!(session.stream_url(&media("javascript:alert(1)")), None);
        assert_eq!(session.stream_url(&media("data:video/mp4,AAAA")), None);
        assert!(
            session
                .stream_url(&media("https://cdn.example/v.mp4"))
                .is_some()
        );
    }

    #[test]
    fn the_memory_store_keeps_and_forgets() {
        let store = MemorySessionStore::default();
        assert_eq!(store.load().expect("load"), None);
        store.save(&saved()).expect("save");
        assert_eq!(store.load().expect("load"), Some(saved()));
        store.clear().expect("clear");
        assert_eq!(store.load().expect("load"), None);
    }
}
