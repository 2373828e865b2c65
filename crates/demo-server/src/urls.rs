//! URLs the server hands out, built on the site URL (`wwwroot`) the client used.

/// Percent-encodes one path segment the way PHP's `rawurlencode` does (RFC 3986 unreserved
/// characters stay), which is what Moodle's `file_encode_url` applies to file names.
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `{wwwroot}/webservice/pluginfile.php/{contextid}/mod_resource/content/{revision}/{path}{file}?forcedownload=1`
pub(crate) fn resource_file_url(
    wwwroot: &str,
    contextid: i64,
    revision: i64,
    filepath: &str,
    filename: &str,
) -> String {
    let path: String = filepath
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", encode_segment(s)))
        .collect();
    format!(
        "{wwwroot}/webservice/pluginfile.php/{contextid}/mod_resource/content/{revision}/{path}{}?forcedownload=1",
        encode_segment(filename)
    )
}

/// The web page of a module, as Moodle links it.
pub(crate) fn module_url(wwwroot: &str, modname: &str, cmid: i64) -> String {
    format!("{wwwroot}/mod/{modname}/view.php?id={cmid}")
}

/// The module's icon URL, as Moodle's theme serves it (`theme/image.php`, see `theme.rs`).
pub(crate) fn module_icon(wwwroot: &str, modname: &str) -> String {
    match modname {
        "resource" => format!("{wwwroot}/theme/image.php/boost/core/1/f/video?filtericon=1"),
        other => format!("{wwwroot}/theme/image.php/boost/{other}/1/monologo?filtericon=1"),
    }
}

/// A course's image: the demo generates one per course (Moodle generates a pattern when a
/// course has no overview image). `revision` busts caches when the course changes.
pub(crate) fn course_image(wwwroot: &str, contextid: i64, revision: i64) -> String {
    format!("{wwwroot}/pluginfile.php/{contextid}/course/generated/{revision}/course.svg")
}

/// The default user picture (`u/f1` 100 px, `u/f2` 35 px), as the theme serves it.
pub(crate) fn user_picture(wwwroot: &str, size: &str) -> String {
    format!("{wwwroot}/theme/image.php/boost/core/1/u/{size}")
}

/// A file's path and name as `moodle_url::make_pluginfile_url` writes them after the area
/// (every pluginfile address of the demo builds its tail here).
pub(crate) fn file_path(filepath: &str, filename: &str) -> String {
    let path: String = filepath
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}/", encode_segment(s)))
        .collect();
    format!("{path}{}", encode_segment(filename))
}

/// A forum post's file as the post exporter links it: the cookie-authenticated
/// `pluginfile.php` with `forcedownload=1` (clients turn it into the token form).
pub(crate) fn forum_file_url(
    wwwroot: &str,
    contextid: i64,
    filearea: &str,
    itemid: i64,
    filepath: &str,
    filename: &str,
) -> String {
    format!(
        "{wwwroot}/pluginfile.php/{contextid}/mod_forum/{filearea}/{itemid}/{}?forcedownload=1",
        file_path(filepath, filename)
    )
}

/// A course's uploaded image (`course_summary_exporter::get_course_image`): the
/// cookie-authenticated `pluginfile.php`, no item id.
pub(crate) fn course_overview_image(
    wwwroot: &str,
    contextid: i64,
    filepath: &str,
    filename: &str,
) -> String {
    format!(
        "{wwwroot}/pluginfile.php/{contextid}/course/overviewfiles/{}",
        file_path(filepath, filename)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_encode_like_moodle() {
        assert_eq!(
            resource_file_url("http://h", 1620, 3, "/", "lecture01.mp4"),
            "http://h/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?forcedownload=1"
        );
        assert_eq!(
            resource_file_url("http://h", 7, 1, "/a b/", "講義 1.mp4"),
            "http://h/webservice/pluginfile.php/7/mod_resource/content/1/a%20b/%E8%AC%9B%E7%BE%A9%201.mp4?forcedownload=1"
        );
    }
}
