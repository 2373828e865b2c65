//! `core_course_get_contents`: a course's sections and modules as the learner sees them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::completion::{CompletionData, completion_data};
use super::{Ctx, enter_course};
use crate::access::{CmView, CourseView, SectionView};
use crate::db::{self, FileRow};
use crate::error::{Error, Result};
use crate::urls;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    courseid: i64,
    #[serde(default)]
    options: Vec<OptionParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionParam {
    name: String,
    value: String,
}

/// The options, read as Moodle reads them (values cleaned per option, names checked).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Filters {
    exclude_modules: bool,
    exclude_contents: bool,
    section_id: Option<i64>,
    section_number: Option<i64>,
    cmid: Option<i64>,
    modname: Option<String>,
    modid: Option<i64>,
}

impl Filters {
    fn read(options: &[OptionParam]) -> Result<Filters> {
        let mut filters = Filters::default();
        for option in options {
            let value = option.value.as_str();
            match option.name.as_str() {
                "excludemodules" => filters.exclude_modules = clean_bool(value),
                "excludecontents" => filters.exclude_contents = clean_bool(value),
                // The demo has no stealth modules, so including them changes nothing.
                "includestealthmodules" => {}
                "sectionid" => filters.section_id = Some(clean_int(value)),
                "sectionnumber" => filters.section_number = Some(clean_int(value)),
                "cmid" => filters.cmid = Some(clean_int(value)),
                "modname" => filters.modname = Some(value.to_owned()),
                "modid" => filters.modid = Some(clean_int(value)),
                other => {
                    return Err(Error::InvalidOption {
                        name: other.to_owned(),
                    });
                }
            }
        }
        Ok(filters)
    }

    fn keeps_section(&self, section: &SectionView) -> bool {
        self.section_id.is_none_or(|id| id == section.row.id)
            && self.section_number.is_none_or(|n| n == section.row.section)
            && self
                .cmid
                .is_none_or(|cmid| section.modules.iter().any(|cm| cm.row.id == cmid))
    }

    fn keeps_module(&self, cm: &CmView) -> bool {
        self.cmid.is_none_or(|cmid| cmid == cm.row.id)
            && self
                .modname
                .as_deref()
                .is_none_or(|name| name == cm.row.modname)
            && self
                .modid
                .is_none_or(|id| self.modname.is_none() || id == cm.row.instance)
    }
}

/// `clean_param(PARAM_BOOL)`: option values are PARAM_RAW, so Moodle is lenient here.
fn clean_bool(value: &str) -> bool {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => true,
        "0" | "false" | "no" | "off" | "" => false,
        _ => true,
    }
}

/// `clean_param(PARAM_INT)`: the leading integer, else 0.
fn clean_int(value: &str) -> i64 {
    let digits: String = value
        .trim()
        .chars()
        .enumerate()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
        .map(|(_, c)| c)
        .collect();
    digits.parse().unwrap_or(0)
}

#[derive(Debug, Serialize)]
pub(crate) struct Section {
    id: i64,
    name: String,
    visible: i64,
    summary: String,
    summaryformat: i64,
    section: i64,
    hiddenbynumsections: i64,
    uservisible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    availabilityinfo: Option<String>,
    modules: Vec<Module>,
}

#[derive(Debug, Serialize)]
struct Module {
    id: i64,
    url: String,
    name: String,
    instance: i64,
    contextid: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    visible: i64,
    uservisible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    availabilityinfo: Option<String>,
    visibleoncoursepage: i64,
    modicon: String,
    modname: String,
    purpose: &'static str,
    branded: bool,
    modplural: &'static str,
    indent: i64,
    onclick: &'static str,
    afterlink: Option<String>,
    customdata: String,
    noviewlink: bool,
    completion: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    completiondata: Option<CompletionData>,
    downloadcontent: i64,
    dates: Vec<serde_json::Value>,
    groupmode: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Vec<Content>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contentsinfo: Option<ContentsInfo>,
}

#[derive(Debug, Serialize)]
struct Content {
    #[serde(rename = "type")]
    kind: &'static str,
    filename: String,
    filepath: String,
    filesize: i64,
    fileurl: String,
    timecreated: i64,
    timemodified: i64,
    sortorder: i64,
    mimetype: String,
    isexternalfile: bool,
    userid: Option<i64>,
    author: Option<String>,
    license: Option<String>,
}

#[derive(Debug, Serialize)]
struct ContentsInfo {
    filescount: usize,
    filessize: i64,
    lastmodified: i64,
    mimetypes: Vec<String>,
    repositorytype: &'static str,
}

pub(crate) async fn get_contents(ctx: &Ctx, params: Params) -> Result<Vec<Section>> {
    let filters = Filters::read(&params.options)?;
    let (user, courseid) = (ctx.user.clone(), params.courseid);
    let (view, files) = ctx
        .state
        .db()
        .call(move |conn| {
            enter_course(conn, &user, courseid)?.map_err(|denied| {
                Error::CourseContextNotValid {
                    courseid,
                    reason: denied.reason(),
                }
            })?;
            let view = CourseView::load(conn, courseid, user.id)?;
            let files = db::files_of_course(conn, courseid)?;
            Ok((view, files))
        })
        .await?;
    let threshold = ctx.state.progress().threshold;
    Ok(render(&ctx.wwwroot, view, &files, &filters, threshold))
}

fn render(
    wwwroot: &str,
    view: CourseView,
    files: &HashMap<i64, Vec<FileRow>>,
    filters: &Filters,
    threshold: f64,
) -> Vec<Section> {
    view.sections
        .into_iter()
        .filter(|section| filters.keeps_section(section))
        .map(|section| {
            let modules = if filters.exclude_modules {
                Vec::new()
            } else {
                section
                    .modules
                    .iter()
                    .filter(|cm| filters.keeps_module(cm))
                    .map(|cm| {
                        module(
                            wwwroot,
                            cm,
                            files.get(&cm.row.contextid),
                            filters.exclude_contents,
                            threshold,
                        )
                    })
                    .collect()
            };
            Section {
                id: section.row.id,
                name: section.row.name,
                visible: i64::from(section.row.visible),
                summary: section.row.summary,
                summaryformat: 1,
                section: section.row.section,
                hiddenbynumsections: 0,
                uservisible: section.uservisible,
                availabilityinfo: section.availabilityinfo,
                modules,
            }
        })
        .collect()
}

fn module(
    wwwroot: &str,
    cm: &CmView,
    files: Option<&Vec<FileRow>>,
    exclude_contents: bool,
    threshold: f64,
) -> Module {
    let row = &cm.row;
    let (purpose, modplural, customdata) = match row.modname.as_str() {
        "resource" => (
            "content",
            "ファイル",
            r#"{"displayoptions":"a:1:{s:10:\"printintro\";i:1;}","display":0}"#,
        ),
        // No open or close date and no custom completion rule (the grade rules are core's):
        // `quiz_get_coursemodule_info` leaves the custom data empty.
        "quiz" => ("assessment", "小テスト", r#""""#),
        "customcert" => ("other", "カスタム証明書", r#""""#),
        "forum" => ("collaboration", "フォーラム", r#""""#),
        _ => ("other", "", r#""""#),
    };
    // Locked modules carry no files, as in Moodle.
    let files: &[FileRow] = match files {
        Some(files) if cm.uservisible => files,
        _ => &[],
    };
    Module {
        id: row.id,
        url: urls::module_url(wwwroot, &row.modname, row.id),
        name: row.name.clone(),
        instance: row.instance,
        contextid: row.contextid,
        description: (!row.intro.is_empty()).then(|| row.intro.clone()),
        visible: 1,
        uservisible: cm.uservisible,
        availabilityinfo: cm.availabilityinfo.clone(),
        visibleoncoursepage: 1,
        modicon: urls::module_icon(wwwroot, &row.modname),
        modname: row.modname.clone(),
        purpose,
        branded: false,
        modplural,
        indent: 0,
        onclick: "",
        afterlink: None,
        customdata: customdata.to_owned(),
        noviewlink: false,
        completion: row.completion,
        completiondata: (row.completion > 0).then(|| completion_data(cm, threshold)),
        downloadcontent: 1,
        dates: Vec::new(),
        groupmode: 0,
        contents: (cm.uservisible && !files.is_empty() && !exclude_contents).then(|| {
            files
                .iter()
                .map(|f| content(wwwroot, row.revision, f))
                .collect()
        }),
        contentsinfo: (cm.uservisible && !files.is_empty()).then(|| contents_info(files)),
    }
}

fn content(wwwroot: &str, revision: i64, file: &FileRow) -> Content {
    Content {
        kind: "file",
        fileurl: urls::resource_file_url(
            wwwroot,
            file.contextid,
            revision,
            &file.filepath,
            &file.filename,
        ),
        filename: file.filename.clone(),
        filepath: file.filepath.clone(),
        filesize: file.filesize,
        timecreated: file.timecreated,
        timemodified: file.timemodified,
        sortorder: file.sortorder,
        mimetype: file.mimetype.clone(),
        isexternalfile: false,
        userid: file.userid,
        author: file.author.clone(),
        license: file.license.clone(),
    }
}

fn contents_info(files: &[FileRow]) -> ContentsInfo {
    let mut mimetypes: Vec<String> = Vec::new();
    for file in files {
        if !mimetypes.contains(&file.mimetype) {
            mimetypes.push(file.mimetype.clone());
        }
    }
    ContentsInfo {
        filescount: files.len(),
        filessize: files.iter().map(|f| f.filesize).sum(),
        lastmodified: files.iter().map(|f| f.timemodified).max().unwrap_or(0),
        mimetypes,
        repositorytype: "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_are_cleaned_like_moodle() {
        let check = |name: &str, value: &str, want: Result<Filters, &str>| {
            let options = [OptionParam {
                name: name.into(),
                value: value.into(),
            }];
            let got = Filters::read(&options).map_err(|e| e.errorcode());
            assert_eq!(
                got,
                want.map_err(std::borrow::Cow::Borrowed),
                "{name}={value}"
            );
        };
        let with = |f: fn(&mut Filters)| {
            let mut filters = Filters::default();
            f(&mut filters);
            Ok(filters)
        };
        check("excludemodules", "1", with(|f| f.exclude_modules = true));
        check(
            "excludecontents",
            "true",
            with(|f| f.exclude_contents = true),
        );
        check("excludecontents", "0", with(|_| {}));
        check("includestealthmodules", "1", with(|_| {}));
        check("sectionnumber", "2", with(|f| f.section_number = Some(2)));
        check("cmid", "12abc", with(|f| f.cmid = Some(12)));
        check(
            "modname",
            "resource",
            with(|f| f.modname = Some("resource".into())),
        );
        check("colour", "1", Err("errorinvalidparam"));
    }
}
