//! Wire structs → model types. All of Juko's reading of Moodle's course structure lives here.
//!
//! Lecture detection (§4.2, §3.4):
//! - `resource` whose main file (`contents[0]`, or `contentsinfo.mimetypes[0]` when the contents
//!   are withheld) is a video → [`LectureKind::File`];
//! - `page` listing a video file among its contents → [`LectureKind::Page`], with that file (never
//!   the synthetic `index.html`) as the media;
//! - `url` → [`LectureKind::Link`], with the external URL as media. Always, unless the URL clearly
//!   names a document (`.pdf`, `.docx`, …): ICRweb links streaming players whose URLs say nothing
//!   about video (`…/embed/abc123`), so guessing "video or not" from the URL would lose lectures.
//!
//! Everything else with a view page becomes a [`model::Activity`]; modules without one (labels)
//! are course-page decoration and are left out.

use crate::lecture_meta::{description_meta, split_title};
use crate::wire;
use juko_model as model;
use juko_model::{Activity, ActivityKind, CourseId, LectureId, LectureKind, Media, UnitId, UserId};

/// Why something is locked when the site says it is but gives no reason. Empty on purpose: the
/// screens show their own localized "not available" text for it.
pub(crate) const NO_REASON_GIVEN: &str = "";

/// The section Moodle adds for stealth modules when asked to include them (§4.2).
const STEALTH_SECTION_ID: i64 = -1;

pub(crate) fn site_info(w: wire::SiteInfo) -> model::SiteInfo {
    let full_name = w
        .fullname
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| join_names(w.firstname.as_deref(), w.lastname.as_deref()));
    model::SiteInfo {
        site_name: w.sitename.unwrap_or_default(),
        site_url: w.siteurl.trim_end_matches('/').to_owned(),
        user: model::User {
            id: UserId(w.userid.0),
            username: w.username.unwrap_or_default(),
            full_name,
            // Not in site info: `Session::facility_user_id` reads it from the profile.
            facility_user_id: None,
        },
        lang: w.lang.unwrap_or_default(),
        features: features(&w.functions),
        version: w.version.map(|v| v.0).filter(|v| !v.is_empty()),
        // Sites older than the field always allowed downloads.
        can_download_files: w.downloadfiles.is_none_or(|d| d.0 != 0),
        // The Moodle App assumes 1 when the site does not say (`CoreSite.getSiteHomeId`).
        site_course: CourseId(w.siteid.map_or(1, |id| id.0)),
    }
}

/// The site's optional capabilities, from the functions it lets this session call (the
/// source of truth for feature detection, as in the Moodle App).
fn features(functions: &[wire::Function]) -> model::SiteFeatures {
    let offers = |name: &str| functions.iter().any(|f| f.name == name);
    model::SiteFeatures {
        history_sync: offers(crate::progress::PUSH) && offers(crate::progress::PULL),
        // A site without the popup processor lists notifications only as messages (§7.3).
        popup_notifications: offers(crate::news::POPUP_NOTIFICATIONS),
    }
}

fn join_names(first: Option<&str>, last: Option<&str>) -> String {
    [last, first]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn login_policy(w: wire::PublicConfig) -> model::LoginPolicy {
    let on = |v: Option<wire::Int>| v.is_none_or(|v| v.0 != 0);
    let maintenance = w.maintenanceenabled.is_some_and(|v| v.0 != 0);
    // 1 = in the app; 2 (browser) and 3 (embedded) are SSO flows without a password form (§2.1).
    let app_login = w.typeoflogin.is_none_or(|v| v.0 == 1);
    model::LoginPolicy {
        site_name: w.sitename.unwrap_or_default(),
        site_url: w.wwwroot.trim_end_matches('/').to_owned(),
        password_login: on(w.enablewebservices)
            && on(w.enablemobilewebservice)
            && app_login
            && !maintenance,
        maintenance_message: maintenance.then(|| w.maintenancemessage.unwrap_or_default()),
        forgotten_password_url: w.forgottenpasswordurl.filter(|u| !u.trim().is_empty()),
    }
}

pub(crate) fn course(w: wire::Course) -> model::Course {
    let full_name = w.fullname.unwrap_or_default();
    model::Course {
        id: CourseId(w.id.0),
        short_name: w.shortname.unwrap_or_default(),
        // `displayname` applies the site's course-name display setting; older sites lack it.
        full_name: w
            .displayname
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(full_name),
        summary_html: w.summary.unwrap_or_default(),
        category: String::new(),
        progress_percent: w.progress.map(|p| p.0).filter(|p| p.is_finite()),
        // 0 means "never" on the rare sites that send it instead of null.
        last_access: w.lastaccess.map(|t| t.0).filter(|t| *t > 0),
        logo_url: logo(w.overviewfiles),
    }
}

/// The first image among a course's overview files (its logo), when it has a web address.
pub(crate) fn logo(files: Vec<wire::OverviewFile>) -> Option<String> {
    files.into_iter().find_map(|f| {
        let image = f.mimetype.is_some_and(|m| m.starts_with("image/"));
        f.fileurl.filter(|u| image && model::is_web_url(u))
    })
}

pub(crate) fn course_contents(
    course_id: CourseId,
    sections: Vec<wire::Section>,
) -> model::CourseContents {
    let (delegated, top): (Vec<_>, Vec<_>) = sections.into_iter().partition(is_delegated);
    let units = top
        .into_iter()
        .enumerate()
        .filter(|(_, s)| s.id.0 != STEALTH_SECTION_ID)
        .filter_map(|(index, s)| unit(index, s, &delegated))
        .collect();
    model::CourseContents { course_id, units }
}

/// 4.5+ sub-sections (`mod_subsection`) come as extra sections; their parent lists a
/// `subsection` module pointing at them. The App folds them into the parent, and so do we.
fn is_delegated(s: &wire::Section) -> bool {
    s.component.as_deref().is_some_and(|c| !c.is_empty())
}

fn unit(index: usize, s: wire::Section, delegated: &[wire::Section]) -> Option<model::Unit> {
    let number = s
        .section
        .and_then(|n| u32::try_from(n.0).ok())
        .unwrap_or(index as u32);
    let locked_reason = locked_reason(s.uservisible, s.availabilityinfo.as_deref());
    let mut unit = model::Unit {
        id: UnitId(s.id.0),
        number,
        name: s.name.unwrap_or_default(),
        summary_html: s.summary.unwrap_or_default(),
        locked_reason,
        lectures: Vec::new(),
        activities: Vec::new(),
    };
    for module in &s.modules {
        add_module(&mut unit, module, delegated);
    }
    if number == 0 {
        // Moodle creates a course's news forum in section 0 (`forum_get_course_forum`): a forum
        // there is the course's announcements board, read on the app's お知らせ screen.
        for a in unit.activities.iter_mut() {
            if a.kind == ActivityKind::Forum {
                a.kind = ActivityKind::News;
            }
        }
    }
    // Section 0 ("General") is a unit only when it holds something to open here: not when it
    // is empty or holds only the announcements board (the お知らせ screen has that).
    let only_news = unit.activities.iter().all(|a| a.kind == ActivityKind::News);
    let bare_general = number == 0 && unit.lectures.is_empty() && only_news;
    (!bare_general).then_some(unit)
}

fn add_module(unit: &mut model::Unit, m: &wire::Module, delegated: &[wire::Section]) {
    if m.modname == "subsection"
        && let Some(sub) = delegated
            .iter()
            .find(|d| d.itemid.is_some_and(|i| i.0 == m.instance.0))
    {
        return add_subsection(unit, m, sub);
    }
    // Labels and other modules without a page of their own are course-page decoration.
    if m.noviewlink.is_some_and(|f| f.0) {
        return;
    }
    match lecture(m) {
        Some(lecture) => unit.lectures.push(lecture),
        None => unit.activities.push(activity(m)),
    }
}

fn add_subsection(unit: &mut model::Unit, m: &wire::Module, sub: &wire::Section) {
    if let Some(reason) = locked_reason(sub.uservisible, sub.availabilityinfo.as_deref()) {
        // Its modules are withheld; show the sub-section itself as a locked entry.
        unit.activities.push(Activity {
            locked_reason: Some(reason),
            ..activity(m)
        });
        return;
    }
    // Moodle does not nest sub-sections, so one level of folding is all there is.
    for inner in sub.modules.iter().filter(|i| i.modname != "subsection") {
        add_module(unit, inner, &[]);
    }
}

fn locked_reason(
    uservisible: Option<wire::Flag>,
    availabilityinfo: Option<&str>,
) -> Option<String> {
    let visible = uservisible.is_none_or(|v| v.0);
    let reason = availabilityinfo
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(NO_REASON_GIVEN);
    (!visible).then(|| reason.to_owned())
}

fn activity(m: &wire::Module) -> Activity {
    Activity {
        id: LectureId(m.id.0),
        name: m.name.clone().unwrap_or_default(),
        locked_reason: locked_reason(m.uservisible, m.availabilityinfo.as_deref()),
        kind: activity_kind(&m.modname),
        // Completion 0 means the site does not track the module: it is not part of progress.
        completed: m.completion.filter(|c| c.0 != 0).map(|_| is_complete(m)),
    }
}

/// Moodle's completion states 1 (complete) and 2 (complete, passed) count; 3 (complete, failed)
/// does not, as in the course's own progress.
fn is_complete(m: &wire::Module) -> bool {
    m.completiondata
        .as_ref()
        .and_then(|c| c.state)
        .is_some_and(|s| matches!(s.0, 1 | 2))
}

fn activity_kind(modname: &str) -> ActivityKind {
    match modname {
        "quiz" => ActivityKind::Quiz,
        "customcert" | "coursecertificate" | "certificate" | "simplecertificate" => {
            ActivityKind::Certificate
        }
        "forum" => ActivityKind::Forum,
        _ => ActivityKind::Other,
    }
}

/// The module as a lecture, when it is one (see the module docs for the rules).
fn lecture(m: &wire::Module) -> Option<model::Lecture> {
    let (kind, media) = match m.modname.as_str() {
        "resource" => resource_video(m)?,
        "page" => page_video(m)?,
        "url" => url_link(m)?,
        _ => return None,
    };
    let name = split_title(m.name.as_deref().unwrap_or_default());
    let described = description_meta(m.description.as_deref().unwrap_or_default());
    let locked_reason = locked_reason(m.uservisible, m.availabilityinfo.as_deref());
    Some(model::Lecture {
        id: LectureId(m.id.0),
        instance: m.instance.0,
        kind,
        title: name.title,
        lecturer: name.lecturer.or(described.lecturer),
        duration_secs: described.duration_secs,
        description: described.text,
        // A locked module's contents are withheld anyway; never hand out media for one.
        media: media
            .filter(|_| locked_reason.is_none())
            .map(|media| with_captions(media, m)),
        locked_reason,
        completed: is_complete(m),
        manual_completion: m.completion.is_some_and(|c| c.0 == 1),
    })
}

type Detected = (LectureKind, Option<Media>);

/// A site video with the WebVTT files beside it in the module (see `captions`).
fn with_captions(mut media: Media, m: &wire::Module) -> Media {
    if !media.external {
        media.captions = crate::captions::tracks(&m.contents);
    }
    media
}

fn resource_video(m: &wire::Module) -> Option<Detected> {
    let main = m.contents.first();
    let listed = m
        .contentsinfo
        .as_ref()
        .and_then(|i| i.mimetypes.first())
        .map(String::as_str);
    let mime = main
        .and_then(content_mime)
        .or_else(|| listed.map(str::to_owned))?;
    if !is_video_mime(&mime) {
        return None;
    }
    Some((LectureKind::File, main.and_then(|c| file_media(c, mime))))
}

fn page_video(m: &wire::Module) -> Option<Detected> {
    let video = m
        .contents
        .iter()
        .filter(|c| c.kind.as_deref().is_none_or(|k| k == "file"))
        .find_map(|c| {
            content_mime(c)
                .filter(|mime| is_video_mime(mime))
                .map(|mime| (c, mime))
        });
    match video {
        Some((content, mime)) => Some((LectureKind::Page, file_media(content, mime))),
        // Withheld contents (locked page): `contentsinfo` still tells whether a video is inside.
        None if m.contents.is_empty() => {
            let info = m.contentsinfo.as_ref()?;
            info.mimetypes
                .iter()
                .any(|t| is_video_mime(t))
                .then_some((LectureKind::Page, None))
        }
        None => None,
    }
}

fn url_link(m: &wire::Module) -> Option<Detected> {
    let url = m
        .contents
        .first()
        .and_then(|c| c.fileurl.as_deref())
        .filter(|u| !u.trim().is_empty());
    if url.is_some_and(names_a_document) {
        return None;
    }
    let media = url.map(|u| Media {
        url: u.to_owned(),
        mime_type: String::new(),
        size_bytes: 0,
        external: true,
        captions: Vec::new(),
        modified: 0,
    });
    Some((LectureKind::Link, media))
}

fn file_media(c: &wire::Content, mime: String) -> Option<Media> {
    // Only a web address can be a media source: anything else is no video.
    let url = c.fileurl.as_deref().filter(|u| model::is_web_url(u))?;
    Some(Media {
        url: url.to_owned(),
        mime_type: mime,
        size_bytes: c
            .filesize
            .and_then(|s| u64::try_from(s.0).ok())
            .unwrap_or(0),
        external: false,
        captions: Vec::new(),
        modified: c.timemodified.map_or(0, |t| t.0),
    })
}

/// A content entry's MIME type: as listed, or guessed from the file name when the site left it out.
fn content_mime(c: &wire::Content) -> Option<String> {
    c.mimetype
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_ascii_lowercase)
        .or_else(|| mime_from_name(c.filename.as_deref()?).map(str::to_owned))
}

fn is_video_mime(mime: &str) -> bool {
    let mime = mime.trim().to_ascii_lowercase();
    // HLS playlists are the one streaming video format that is not `video/*`.
    mime.starts_with("video/")
        || mime == "application/vnd.apple.mpegurl"
        || mime == "application/x-mpegurl"
}

fn extension(name: &str) -> Option<String> {
    let name = name.split(['?', '#']).next().unwrap_or_default();
    let last = name.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

fn mime_from_name(name: &str) -> Option<&'static str> {
    Some(match extension(name)?.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "ogv" => "video/ogg",
        "m3u8" => "application/vnd.apple.mpegurl",
        _ => return None,
    })
}

/// A `url` module pointing at a document is reading material, not a lecture.
fn names_a_document(url: &str) -> bool {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split_once('/').map_or("", |(_, p)| p);
    extension(path).is_some_and(|ext| {
        matches!(
            ext.as_str(),
            "pdf" | "doc" | "docx" | "xls" | "xlsx" | "ppt" | "pptx" | "zip" | "csv" | "txt"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_not_lectures() {
        let check = |url: &str, want: bool| assert_eq!(names_a_document(url), want, "{url}");
        check("https://video.example.jp/embed/abc123", false);
        check("https://example.jp/guide.pdf", true);
        check("https://example.jp/guide.PDF?dl=1", true);
        check("https://example.jp/slides.pptx#p2", true);
        check("https://example.jp/lecture.mp4", false);
        check("https://www.example.pdf", false);
        check("https://example.jp/", false);
    }

    #[test]
    fn video_types() {
        let check = |mime: &str, want: bool| assert_eq!(is_video_mime(mime), want, "{mime}");
        check("video/mp4", true);
        check("Video/WebM", true);
        check("application/vnd.apple.mpegurl", true);
        check("application/x-mpegURL", true);
        check("text/html", false);
        check("application/pdf", false);
        check("", false);
    }
}
