//! `core_course_get_courses_by_field` and `core_course_get_course_module`: courses and course
//! modules as Moodle 4.5 describes them to a learner.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::area_files::{AreaFile, course_image};
use super::resources::validate_courses;
use super::{Ctx, Warning, enter_course};
use crate::access::{self, CourseView};
use crate::db::{self, CourseRow, SITE_COURSE_ID, UserRow};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ByFieldParams {
    /// `PARAM_ALPHA`, default `''` (all courses).
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CoursesByField {
    courses: Vec<Course>,
    warnings: Vec<Warning>,
}

/// `get_course_structure(false)`, keys in Moodle's order. The fields after `customfields` are
/// only for users who can enter the course; the rest is the public course listing.
#[derive(Debug, Serialize)]
struct Course {
    id: i64,
    fullname: String,
    displayname: String,
    shortname: String,
    courseimage: String,
    categoryid: i64,
    categoryname: String,
    sortorder: i64,
    summary: String,
    summaryformat: i64,
    summaryfiles: Vec<serde_json::Value>,
    overviewfiles: Vec<AreaFile>,
    showactivitydates: bool,
    showcompletionconditions: bool,
    contacts: Vec<serde_json::Value>,
    enrollmentmethods: Vec<String>,
    #[serde(flatten)]
    member: Option<MemberFields>,
}

/// What Moodle adds for a user who passes `validate_context` on the course.
#[derive(Debug, Serialize)]
struct MemberFields {
    format: String,
    showgrades: i64,
    newsitems: i64,
    startdate: i64,
    enddate: i64,
    maxbytes: i64,
    showreports: i64,
    visible: i64,
    groupmode: i64,
    groupmodeforce: i64,
    defaultgroupingid: i64,
    enablecompletion: i64,
    completionnotify: i64,
    lang: &'static str,
    theme: &'static str,
    marker: i64,
    filters: Vec<Filter>,
    /// Absent when the format has no options (the site course), as Moodle leaves it unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    courseformatoptions: Option<Vec<NameValue>>,
}

#[derive(Debug, Serialize)]
struct Filter {
    filter: &'static str,
    localstate: i64,
    inheritedstate: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct NameValue {
    pub(crate) name: &'static str,
    /// `PARAM_RAW`: numbers where Moodle cleaned the stored text to an integer.
    pub(crate) value: serde_json::Value,
}

/// The filters a stock Moodle 4.5 site has on, inherited by every course.
const FILTERS: [&str; 3] = ["activitynames", "mathjaxloader", "mediaplugin"];

pub(crate) async fn get_courses_by_field(
    ctx: &Ctx,
    params: ByFieldParams,
) -> Result<CoursesByField> {
    let selector = Selector::read(&params.field, &params.value)?;
    let (user, wwwroot) = (ctx.user.clone(), ctx.wwwroot.clone());
    ctx.state
        .db()
        .call(move |conn| {
            let (candidates, warnings) = selector.courses(conn, user.id)?;
            let mut courses = Vec::new();
            for course in candidates {
                // Hidden courses are skipped for learners (no viewhiddencourses).
                if !course.visible {
                    continue;
                }
                // Anyone else sees the public listing of a visible course.
                let member = access::course_access(conn, user.id, &course)?.is_ok();
                courses.push(course_entry(conn, &wwwroot, course, member)?);
            }
            Ok(CoursesByField { courses, warnings })
        })
        .await
}

/// The `field`/`value` pair, cleaned as Moodle cleans the value for each field.
#[derive(Debug, PartialEq)]
enum Selector {
    All,
    Id(i64),
    Ids(Vec<i64>),
    Shortname(String),
    Idnumber(String),
    Category(i64),
    Section(i64),
}

impl Selector {
    fn read(field: &str, value: &str) -> Result<Selector> {
        if !field.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::invalid_parameter(format!(
                "field => Invalid parameter value detected: Invalid external api parameter: \
                 the value is \"{field}\", the server was expecting \"alpha\" type"
            )));
        }
        Ok(match field {
            "" => Selector::All,
            "id" => Selector::Id(clean_int(value)),
            "category" => Selector::Category(clean_int(value)),
            "sectionid" => Selector::Section(clean_int(value)),
            // PARAM_SEQUENCE strips every character but digits and commas.
            "ids" => Selector::Ids(
                value
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == ',')
                    .collect::<String>()
                    .split(',')
                    .filter_map(|v| v.parse().ok())
                    .collect(),
            ),
            "shortname" => Selector::Shortname(value.to_owned()),
            "idnumber" => Selector::Idnumber(value.to_owned()),
            _ => return Err(Error::invalid_parameter("Invalid field name")),
        })
    }

    /// The courses to answer for, in Moodle's order, and the warnings of the lookup. `ids`
    /// goes through `validate_courses` (keeping failures): a warning `1` for each course the
    /// learner cannot enter, in the order asked, duplicates once; the others are by id.
    fn courses(&self, conn: &Connection, userid: i64) -> Result<(Vec<CourseRow>, Vec<Warning>)> {
        let by_id = |keep: &dyn Fn(&CourseRow) -> bool| -> Result<Vec<CourseRow>> {
            Ok(db::all_courses(conn)?.into_iter().filter(keep).collect())
        };
        Ok(match self {
            Selector::All => (by_id(&|_| true)?, Vec::new()),
            Selector::Id(id) => (by_id(&|c| c.id == *id)?, Vec::new()),
            Selector::Shortname(name) => (by_id(&|c| c.shortname == *name)?, Vec::new()),
            Selector::Idnumber(idnumber) => (by_id(&|c| c.idnumber == *idnumber)?, Vec::new()),
            Selector::Category(category) => (by_id(&|c| c.category == *category)?, Vec::new()),
            Selector::Section(sectionid) => {
                let course = match db::course_of_section(conn, *sectionid)? {
                    Some(courseid) => db::course_by_id(conn, courseid)?,
                    None => None,
                };
                (course.into_iter().collect(), Vec::new())
            }
            Selector::Ids(ids) => {
                let (_, warnings) = validate_courses(conn, userid, ids)?;
                let mut courses = Vec::new();
                for id in ids {
                    if courses.iter().any(|c: &CourseRow| c.id == *id) {
                        continue;
                    }
                    courses.extend(db::course_by_id(conn, *id)?);
                }
                (courses, warnings)
            }
        })
    }
}

/// `clean_param(PARAM_INT)`: the leading integer, else 0.
fn clean_int(value: &str) -> i64 {
    let trimmed = value.trim();
    let end = trimmed
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(trimmed.len(), |(i, _)| i);
    trimmed[..end].parse().unwrap_or(0)
}

fn course_entry(
    conn: &Connection,
    wwwroot: &str,
    course: CourseRow,
    member: bool,
) -> Result<Course> {
    let categoryname = db::category_name(conn, course.category)?.unwrap_or_default();
    let image = course_image(conn, wwwroot, &course)?;
    let enrollmentmethods = db::enrol_methods(conn, course.id)?;
    let is_site = course.id == SITE_COURSE_ID;
    let member = member.then(|| MemberFields {
        format: if is_site {
            "site".to_owned()
        } else {
            course.format.clone()
        },
        showgrades: 1,
        newsitems: if is_site { 3 } else { 5 },
        startdate: course.startdate,
        enddate: course.enddate,
        maxbytes: 0,
        showreports: 0,
        visible: i64::from(course.visible),
        groupmode: 0,
        groupmodeforce: 0,
        defaultgroupingid: 0,
        enablecompletion: i64::from(course.enablecompletion),
        completionnotify: 0,
        lang: "",
        theme: "",
        marker: 0,
        filters: FILTERS
            .iter()
            .map(|&filter| Filter {
                filter,
                localstate: 0,
                inheritedstate: 1,
            })
            .collect(),
        courseformatoptions: (!is_site).then(format_options),
    });
    Ok(Course {
        id: course.id,
        displayname: course.fullname.clone(),
        fullname: course.fullname,
        shortname: course.shortname,
        courseimage: image.courseimage,
        categoryid: course.category,
        categoryname,
        sortorder: course.sortorder,
        summary: course.summary,
        summaryformat: 1,
        summaryfiles: Vec::new(),
        overviewfiles: image.overviewfiles,
        showactivitydates: true,
        showcompletionconditions: true,
        contacts: Vec::new(),
        enrollmentmethods,
        member,
    })
}

/// `format_topics::get_config_for_external()`: the course's stored format options, which
/// `get_format_options` cleans to their declared type (`PARAM_INT`, so numbers), then the
/// plugin's `indentation` setting as `get_config` returns it (text).
fn format_options() -> Vec<NameValue> {
    vec![
        NameValue {
            name: "hiddensections",
            value: 1.into(),
        },
        NameValue {
            name: "coursedisplay",
            value: 0.into(),
        },
        NameValue {
            name: "indentation",
            value: "1".into(),
        },
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseModuleParams {
    cmid: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct CourseModuleResult {
    cm: CourseModule,
    warnings: Vec<Warning>,
}

/// What `get_course_module` shows a user who cannot manage the activity.
#[derive(Debug, Serialize)]
struct CourseModule {
    id: i64,
    course: i64,
    module: i64,
    name: String,
    modname: String,
    instance: i64,
    section: i64,
    sectionnum: i64,
    groupmode: i64,
    groupingid: i64,
    completion: i64,
    downloadcontent: i64,
}

pub(crate) async fn get_course_module(
    ctx: &Ctx,
    params: CourseModuleParams,
) -> Result<CourseModuleResult> {
    let (user, cmid) = (ctx.user.clone(), params.cmid);
    ctx.state
        .db()
        .call(move |conn| {
            let cm = course_module(conn, &user, cmid)?;
            Ok(CourseModuleResult {
                cm,
                warnings: Vec::new(),
            })
        })
        .await
}

/// `get_coursemodule_from_id(MUST_EXIST)` then `validate_context` on the module: a missing
/// module is `invalidrecord`; a course or module out of reach is `requireloginerror`.
fn course_module(conn: &Connection, user: &UserRow, cmid: i64) -> Result<CourseModule> {
    let courseid =
        db::course_of_module(conn, cmid)?.ok_or_else(|| Error::missing_record("course_modules"))?;
    let denied = |denied: access::Denied| Error::RequireLogin {
        reason: denied.reason(),
    };
    enter_course(conn, user, courseid)?.map_err(denied)?;
    let view = CourseView::load(conn, courseid, user.id)?;
    let cm = view.open_module(cmid).map_err(denied)?;
    let sectionnum = view
        .sections
        .iter()
        .find(|s| s.row.id == cm.row.section_id)
        .map_or(0, |s| s.row.section);
    Ok(CourseModule {
        id: cm.row.id,
        course: courseid,
        module: module_type_id(&cm.row.modname),
        name: cm.row.name.clone(),
        modname: cm.row.modname.clone(),
        instance: cm.row.instance,
        section: cm.row.section_id,
        sectionnum,
        groupmode: 0,
        groupingid: 0,
        completion: cm.row.completion,
        downloadcontent: 1,
    })
}

/// The `modules` table id of a module type, as a fresh Moodle 4.5 install numbers them: the
/// 24 standard modules in alphabetical order (the order `core_component` lists plugins and
/// the installer inserts them), then add-ons such as `customcert`, installed afterwards.
pub(crate) fn module_type_id(modname: &str) -> i64 {
    const STANDARD: [&str; 24] = [
        "assign",
        "bigbluebuttonbn",
        "book",
        "chat",
        "choice",
        "data",
        "feedback",
        "folder",
        "forum",
        "glossary",
        "h5pactivity",
        "imscp",
        "label",
        "lesson",
        "lti",
        "page",
        "quiz",
        "resource",
        "scorm",
        "subsection",
        "survey",
        "url",
        "wiki",
        "workshop",
    ];
    const FIRST_ADD_ON: i64 = STANDARD.len() as i64 + 1;
    STANDARD
        .iter()
        .position(|&m| m == modname)
        .map_or(FIRST_ADD_ON, |i| i as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_values_are_cleaned_like_moodle() {
        let check = |field: &str, value: &str, want: std::result::Result<Selector, &str>| {
            let got = Selector::read(field, value).map_err(|e| e.errorcode());
            assert_eq!(
                got,
                want.map_err(std::borrow::Cow::Borrowed),
                "{field}={value}"
            );
        };
        check("", "anything", Ok(Selector::All));
        check("id", "12abc", Ok(Selector::Id(12)));
        check("ids", "3,4,5", Ok(Selector::Ids(vec![3, 4, 5])));
        check("ids", "3;4", Ok(Selector::Ids(vec![34])));
        check("ids", "3,,x5", Ok(Selector::Ids(vec![3, 5])));
        check("sectionid", "7", Ok(Selector::Section(7)));
        check("category", "x", Ok(Selector::Category(0)));
        check(
            "shortname",
            "NCCH-BASIC",
            Ok(Selector::Shortname("NCCH-BASIC".into())),
        );
        check("colour", "1", Err("invalidparameter"));
        check("id1", "1", Err("invalidparameter"));
    }

    #[test]
    fn module_type_ids_are_stable_and_distinct() {
        assert_eq!(module_type_id("assign"), 1);
        assert_eq!(module_type_id("resource"), 18);
        assert_eq!(module_type_id("workshop"), 24);
        assert_eq!(module_type_id("customcert"), 25);
        assert_eq!(
            module_type_id("customcert"),
            module_type_id("anything-else")
        );
    }
}
