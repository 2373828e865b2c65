//! Files of a file area as web-service answers list them (`external_files`, filled by
//! `util::get_area_files`), and the `@@PLUGINFILE@@` links of formatted text.

use serde::Serialize;

use rusqlite::Connection;

use super::resources::file_icon;
use crate::db::{self, CourseRow, FileRow};
use crate::urls;

/// An `external_files` entry.
#[derive(Debug, Serialize)]
pub(crate) struct AreaFile {
    filename: String,
    filepath: String,
    filesize: i64,
    fileurl: String,
    timemodified: i64,
    mimetype: String,
    isexternalfile: bool,
    icon: &'static str,
}

/// Where a file area is: `get_area_files` puts the item id in URLs unless told not to
/// (course overview files).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area<'a> {
    pub(crate) contextid: i64,
    pub(crate) component: &'a str,
    pub(crate) filearea: &'a str,
    pub(crate) itemid: Option<i64>,
}

impl Area<'_> {
    /// `moodle_url::make_webservice_pluginfile_url`, up to the file's path.
    fn base(&self, wwwroot: &str) -> String {
        let item = self.itemid.map(|id| format!("/{id}")).unwrap_or_default();
        format!(
            "{wwwroot}/webservice/pluginfile.php/{}/{}/{}{item}",
            self.contextid, self.component, self.filearea
        )
    }

    /// The file's web-service URL (no `forcedownload`, as `get_area_files` gives it).
    pub(crate) fn file_url(&self, wwwroot: &str, filepath: &str, filename: &str) -> String {
        format!(
            "{}/{}",
            self.base(wwwroot),
            urls::file_path(filepath, filename)
        )
    }

    pub(crate) fn file(&self, wwwroot: &str, f: &FileRow) -> AreaFile {
        AreaFile {
            fileurl: self.file_url(wwwroot, &f.filepath, &f.filename),
            filename: f.filename.clone(),
            filepath: f.filepath.clone(),
            filesize: f.filesize,
            timemodified: f.timemodified,
            mimetype: f.mimetype.clone(),
            isexternalfile: false,
            icon: file_icon(&f.filename, &f.mimetype),
        }
    }

    /// `file_rewrite_pluginfile_urls` as a web-service answer does it: the text's
    /// `@@PLUGINFILE@@/` links point at this area's files through `webservice/pluginfile.php`.
    pub(crate) fn rewrite(&self, wwwroot: &str, text: &str) -> String {
        text.replace("@@PLUGINFILE@@/", &format!("{}/", self.base(wwwroot)))
    }
}

/// A course's image as course listings give it: the first image among its overview files
/// (a facility's logo), else the pattern Moodle generates; and the overview files.
pub(crate) struct CourseImage {
    pub(crate) courseimage: String,
    pub(crate) overviewfiles: Vec<AreaFile>,
}

pub(crate) fn course_image(
    conn: &Connection,
    wwwroot: &str,
    course: &CourseRow,
) -> rusqlite::Result<CourseImage> {
    let files = db::area_files(conn, course.contextid, "course", "overviewfiles", 0)?;
    let area = Area {
        contextid: course.contextid,
        component: "course",
        filearea: "overviewfiles",
        itemid: None,
    };
    let courseimage = files
        .iter()
        .find(|f| f.mimetype.starts_with("image/"))
        .map_or_else(
            || urls::course_image(wwwroot, course.contextid, course.timemodified),
            |f| urls::course_overview_image(wwwroot, course.contextid, &f.filepath, &f.filename),
        );
    Ok(CourseImage {
        courseimage,
        overviewfiles: files.iter().map(|f| area.file(wwwroot, f)).collect(),
    })
}

/// `format_string` with Moodle's defaults (tags stripped, `formatstringstriptags` on):
/// text for a title, with `&`, `<` and `>` escaped as HTML expects.
pub(crate) fn format_string(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            other if !in_tag => plain.push(other),
            _ => {}
        }
    }
    let mut out = String::with_capacity(plain.len());
    for (i, c) in plain.char_indices() {
        match c {
            '&' if !starts_entity(&plain[i + 1..]) => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

/// Whether text after `&` is an entity (`amp;`, `#39;`, `#x27;`): up to 8 letters, digits or
/// `#`, then `;`.
fn starts_entity(rest: &str) -> bool {
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .take(9)
        .collect();
    (1..=8).contains(&name.len()) && rest[name.len()..].starts_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_tags_and_escape_the_rest() {
        assert_eq!(format_string("受講期限"), "受講期限");
        assert_eq!(
            format_string("<b>重要</b> & <script>alert(1)</script>"),
            "重要 &amp; alert(1)"
        );
        assert_eq!(
            format_string("A &amp; B &#39; 1 > 0"),
            "A &amp; B &#39; 1 &gt; 0"
        );
    }

    #[test]
    fn urls_point_at_the_area_through_the_web_service() {
        let area = Area {
            contextid: 1610,
            component: "mod_forum",
            filearea: "post",
            itemid: Some(5101),
        };
        assert_eq!(
            area.rewrite("https://h", r#"<img src="@@PLUGINFILE@@/notice.png">"#),
            r#"<img src="https://h/webservice/pluginfile.php/1610/mod_forum/post/5101/notice.png">"#
        );
        assert_eq!(
            area.file_url("https://h", "/", "受講案内.pdf"),
            "https://h/webservice/pluginfile.php/1610/mod_forum/post/5101/%E5%8F%97%E8%AC%9B%E6%A1%88%E5%86%85.pdf"
        );
        let logo = Area {
            contextid: 1501,
            component: "course",
            filearea: "overviewfiles",
            itemid: None,
        };
        assert_eq!(
            logo.file_url("https://h", "/", "logo.png"),
            "https://h/webservice/pluginfile.php/1501/course/overviewfiles/logo.png"
        );
    }
}
