//! Images a Moodle theme serves: `theme/image.php` (module and file-type icons, the default
//! user picture) and the generated course images (`pluginfile.php/{ctx}/course/generated/…`).
//!
//! The icons are small SVGs drawn for the demo, one per activity type Juko knows plus a
//! generic one. Like every file a browser client loads from the site, they carry
//! `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`
//! (`http::cors`), so an app served from another origin can show them.

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::{self, SITE_COURSE_ID};
use crate::error::{AjaxFatalError, Error, Result};
use crate::form::Form;
use crate::state::AppState;

/// Theme images may be cached long: their URLs change with the theme revision.
const THEME_CACHE: &str = "public, max-age=604800, immutable";
const SVG: &str = "image/svg+xml";

/// `GET /theme/image.php/{theme}/{component}/{rev}/{image}` (slash arguments).
pub(crate) async fn image_path(Path(path): Path<String>) -> Response {
    let mut parts = path.splitn(4, '/');
    let (_theme, component, _rev, image) = (parts.next(), parts.next(), parts.next(), parts.next());
    serve_icon(component.unwrap_or(""), image.unwrap_or(""))
}

/// `GET /theme/image.php?theme=…&component=…&rev=…&image=…` (sites without slash arguments).
pub(crate) async fn image_query(RawQuery(query): RawQuery) -> Response {
    let form = Form::from_request(query.as_deref(), b"");
    serve_icon(
        form.get("component").unwrap_or("core"),
        form.get("image").unwrap_or(""),
    )
}

fn serve_icon(component: &str, image: &str) -> Response {
    match icon(component, image) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, SVG),
                (header::CACHE_CONTROL, THEME_CACHE),
            ],
            svg,
        )
            .into_response(),
        // Moodle's theme answers an unknown image with 404 and no body worth reading.
        None => (StatusCode::NOT_FOUND, "Image not found").into_response(),
    }
}

/// The icon for a component's image, as Moodle names them: `monologo` / `icon` of a module
/// (`resource`, `mod_quiz`, …), and core's `f/video`, `f/…` and `u/f1`.
fn icon(component: &str, image: &str) -> Option<&'static str> {
    let component = component.strip_prefix("mod_").unwrap_or(component);
    match (component, image) {
        ("core", "u/f1" | "u/f2" | "u/f3") => Some(USER),
        ("core", "i/marker") => Some(MARKER),
        ("core", "f/video" | "f/video-24" | "f/mpeg" | "f/mpeg-24") => Some(VIDEO),
        ("core", img) if img.starts_with("f/") => Some(FILE),
        (_, "monologo" | "icon") => Some(match component {
            "resource" => FILE,
            "page" => PAGE,
            "url" => URL,
            "quiz" => QUIZ,
            "forum" => FORUM,
            "customcert" | "coursecertificate" => CERTIFICATE,
            "core" => return None,
            _ => GENERIC,
        }),
        _ => None,
    }
}

/// `GET /pluginfile.php/{contextid}/course/generated/{rev}/course.svg`: the generated image of a
/// course anyone may see listed (visible, or the site course). Anything else is not found.
pub(crate) async fn pluginfile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Response {
    match course_image(&state, &path).await {
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, SVG),
                (header::CACHE_CONTROL, THEME_CACHE),
            ],
            svg,
        )
            .into_response(),
        Err(err) => AjaxFatalError(err.file_status(), err).into_response(),
    }
}

async fn course_image(state: &AppState, path: &str) -> Result<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let [contextid, "course", "generated", _rev, "course.svg"] = parts.as_slice() else {
        return Err(Error::FileNotFound);
    };
    let contextid: i64 = contextid.parse().map_err(|_| Error::FileNotFound)?;
    let course = state
        .db()
        .call(move |conn| {
            let Some((db::ContextLevel::Course, courseid, _)) = db::context_of(conn, contextid)?
            else {
                return Ok(None);
            };
            Ok(db::course_by_id(conn, courseid)?)
        })
        .await?
        .filter(|c| c.visible || c.id == SITE_COURSE_ID)
        .ok_or(Error::FileNotFound)?;
    Ok(course_svg(course.contextid, &course.shortname))
}

/// Moodle's ten default course colours (`core_admin | coursecolor1…10`).
const COURSE_COLOURS: [&str; 10] = [
    "#81ecec", "#74b9ff", "#a29bfe", "#dfe6e9", "#00b894", "#0984e3", "#b2bec3", "#fdcb6e",
    "#fd79a8", "#6c5ce7",
];

/// A banner in one of the course colours with a pattern of circles, both picked by the
/// course's context id (as Moodle picks its generated pattern), and the short name's initial.
fn course_svg(contextid: i64, shortname: &str) -> String {
    let colour = COURSE_COLOURS[contextid.rem_euclid(10) as usize];
    let initial: String = shortname
        .chars()
        .next()
        .filter(char::is_ascii_alphanumeric)
        .map(String::from)
        .unwrap_or_default();
    let circles: String = (0..6)
        .map(|i| {
            let seed = contextid
                .wrapping_mul(31)
                .wrapping_add(i * 17)
                .rem_euclid(97);
            let (cx, cy, r) = (40 + i * 60, 30 + seed % 140, 20 + seed % 40);
            format!(r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="#fff" fill-opacity="0.18"/>"##)
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200"><rect width="400" height="200" fill="{colour}"/>{circles}<text x="24" y="176" font-family="sans-serif" font-size="48" fill="#fff" fill-opacity="0.85">{initial}</text></svg>"##
    )
}

const FILE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path d="M6 2h8l5 5v15H6z" fill="#fff" stroke="#0f6cbf" stroke-width="1.5"/><path d="M14 2v5h5" fill="none" stroke="#0f6cbf" stroke-width="1.5"/></svg>"##;
const VIDEO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="2" y="5" width="20" height="14" rx="2" fill="#0f6cbf"/><path d="M10 9v6l5-3z" fill="#fff"/></svg>"##;
const PAGE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="5" y="2" width="14" height="20" rx="1" fill="#fff" stroke="#399be2" stroke-width="1.5"/><path d="M8 7h8M8 11h8M8 15h5" stroke="#399be2" stroke-width="1.5"/></svg>"##;
const URL: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="#399be2" stroke-width="1.5"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18" fill="none" stroke="#399be2" stroke-width="1.5"/></svg>"##;
const QUIZ: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="4" y="3" width="16" height="18" rx="2" fill="#eb66a2"/><path d="M8 12l3 3 5-6" fill="none" stroke="#fff" stroke-width="2"/></svg>"##;
const FORUM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path d="M3 4h13v9H8l-4 4v-4H3z" fill="#11a676"/><path d="M18 8h3v9h-1v3l-3-3h-7v-2h8z" fill="#11a676" fill-opacity="0.6"/></svg>"##;
const CERTIFICATE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="2" y="4" width="20" height="13" rx="1" fill="#fff" stroke="#f7634d" stroke-width="1.5"/><circle cx="16" cy="15" r="3" fill="#f7634d"/><path d="M14.5 17.5L14 22l2-1 2 1-.5-4.5M6 8h9M6 11h6" stroke="#f7634d" stroke-width="1.5" fill="none"/></svg>"##;
const GENERIC: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="3" y="3" width="18" height="18" rx="3" fill="#6c757d"/><circle cx="12" cy="12" r="4" fill="#fff"/></svg>"##;
const MARKER: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6z" fill="#0f6cbf"/><circle cx="12" cy="19.5" r="2" fill="#0f6cbf"/></svg>"##;
const USER: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="#ced4da"/><circle cx="50" cy="38" r="18" fill="#fff"/><path d="M16 96c4-22 18-32 34-32s30 10 34 32z" fill="#fff"/></svg>"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_found_by_moodles_names() {
        assert_eq!(icon("resource", "monologo"), Some(FILE));
        assert_eq!(icon("mod_quiz", "icon"), Some(QUIZ));
        assert_eq!(icon("core", "f/video"), Some(VIDEO));
        assert_eq!(icon("core", "u/f1"), Some(USER));
        assert_eq!(icon("somemod", "monologo"), Some(GENERIC));
        assert_eq!(icon("core", "monologo"), None);
        assert_eq!(icon("forum", "nosuchimage"), None);
    }

    #[test]
    fn course_images_escape_nothing_they_do_not_need_to() {
        let svg = course_svg(1234, "<script>");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(course_svg(1234, "NCCH").contains(">N</text>"));
    }
}
