//! Moodle's response bodies, as serde structs. Private to the crate: `convert` turns them into
//! model types.
//!
//! Read leniently, like the Moodle App: undeclared keys are ignored, `VALUE_OPTIONAL` fields are
//! `Option` (absent or `null`), and numbers that PHP may emit as strings (or booleans as `0`/`1`)
//! go through [`Int`], [`Float`] and [`Flag`]. Only what the client cannot work without is
//! required (ids, `modname`, `siteurl`), so a missing one is a decode error naming the field.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// An integer that may arrive as a number, a numeric string, or a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Int(pub(crate) i64);

/// A float that may arrive as a number or a numeric string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Float(pub(crate) f64);

/// A boolean that may arrive as `true`/`false`, `0`/`1` or `"0"`/`"1"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) bool);

/// A string that an older or odd site may send as a number (`version`, `warningcode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) String);

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = Int;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
        Ok(Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
        i64::try_from(v)
            .map(Int)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
        // PHP floats that hold whole numbers (`1.0`) are fine; `1.5` where an id belongs is not.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(Int(v as i64))
        } else {
            Err(E::custom("not a whole number"))
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Int, E> {
        Ok(Int(v.into()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
        v.trim()
            .parse()
            .map(Int)
            .map_err(|_| E::custom("a string that is not an integer"))
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Int, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = Float;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Float, E> {
        Ok(Float(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Float, E> {
        Ok(Float(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Float, E> {
        Ok(Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Float, E> {
        v.trim()
            .parse()
            .map(Float)
            .map_err(|_| E::custom("a string that is not a number"))
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Float, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Flag;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
        Ok(Flag(v != 0))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
        Ok(Flag(v != 0))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
        match v.trim() {
            "1" | "true" => Ok(Flag(true)),
            "0" | "false" | "" => Ok(Flag(false)),
            _ => Err(E::custom("a string that is not a boolean")),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        d.deserialize_any(FlagVisitor)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// For lists: `null` reads as empty, like an absent key.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---- Error envelopes -------------------------------------------------------------------------

/// Looks for an error in an object body before it is read as the function's result: the REST
/// exception envelope (§1.3) or the AJAX renderer's `{error, errorcode}` shape (§2.1). Values are
/// raw JSON so that no odd type in them makes the probe itself fail.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorProbe {
    pub(crate) exception: Option<serde_json::Value>,
    pub(crate) errorcode: Option<serde_json::Value>,
    pub(crate) message: Option<serde_json::Value>,
    pub(crate) error: Option<serde_json::Value>,
    pub(crate) debuginfo: Option<serde_json::Value>,
}

/// `{status, warnings}`: view events, manual completion, enrolment (§4.4–4.10).
#[derive(Debug, Deserialize)]
pub(crate) struct Status {
    pub(crate) status: Flag,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) warnings: Vec<Warning>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Warning {
    pub(crate) warningcode: Option<Text>,
    pub(crate) message: Option<String>,
}

// ---- Sign-in -------------------------------------------------------------------------------

/// `login/token.php`: `{token, privatetoken}` or `{error, errorcode, …}`.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenAnswer {
    pub(crate) token: Option<String>,
}

/// `login/token.php?appsitecheck=1` → `{"appsitecheck":"ok"}`.
#[derive(Debug, Deserialize)]
pub(crate) struct AppSiteCheck {
    pub(crate) appsitecheck: Option<serde_json::Value>,
}

/// One item of the AJAX endpoint's answer array (§2.2).
#[derive(Debug, Deserialize)]
pub(crate) struct AjaxItem<T> {
    pub(crate) error: Option<Flag>,
    pub(crate) data: Option<T>,
    pub(crate) exception: Option<AjaxException>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AjaxException {
    pub(crate) message: Option<String>,
    pub(crate) errorcode: Option<String>,
    pub(crate) debuginfo: Option<String>,
}

/// `tool_mobile_get_public_config` (§2.2).
#[derive(Debug, Deserialize)]
pub(crate) struct PublicConfig {
    pub(crate) wwwroot: String,
    pub(crate) sitename: Option<String>,
    pub(crate) enablewebservices: Option<Int>,
    pub(crate) enablemobilewebservice: Option<Int>,
    pub(crate) maintenanceenabled: Option<Int>,
    pub(crate) maintenancemessage: Option<String>,
    pub(crate) typeoflogin: Option<Int>,
    pub(crate) forgottenpasswordurl: Option<String>,
}

// ---- Site and courses ----------------------------------------------------------------------

/// `core_webservice_get_site_info` (§2.3).
#[derive(Debug, Deserialize)]
pub(crate) struct SiteInfo {
    pub(crate) sitename: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) firstname: Option<String>,
    pub(crate) lastname: Option<String>,
    pub(crate) fullname: Option<String>,
    pub(crate) lang: Option<String>,
    pub(crate) userid: Int,
    pub(crate) siteurl: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) functions: Vec<Function>,
    pub(crate) downloadfiles: Option<Int>,
    pub(crate) version: Option<Text>,
    /// The front page course (`SITEID`): where the site's news forum lives.
    pub(crate) siteid: Option<Int>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Function {
    pub(crate) name: String,
}

/// One item of `core_enrol_get_users_courses` (§4.1).
#[derive(Debug, Deserialize)]
pub(crate) struct Course {
    pub(crate) id: Int,
    pub(crate) shortname: Option<String>,
    pub(crate) fullname: Option<String>,
    pub(crate) displayname: Option<String>,
    pub(crate) summary: Option<String>,
    pub(crate) progress: Option<Float>,
    pub(crate) lastaccess: Option<Int>,
    /// The course's own image files (a facility's logo): `courseimage` may be a generated
    /// pattern, these are what the site's administrator uploaded (see `convert::logo`).
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) overviewfiles: Vec<OverviewFile>,
}

// ---- Course contents -----------------------------------------------------------------------

/// One section of `core_course_get_contents` (§4.2).
#[derive(Debug, Deserialize)]
pub(crate) struct Section {
    pub(crate) id: Int,
    pub(crate) name: Option<String>,
    pub(crate) summary: Option<String>,
    pub(crate) section: Option<Int>,
    pub(crate) uservisible: Option<Flag>,
    pub(crate) availabilityinfo: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) modules: Vec<Module>,
    /// 4.5+ delegated sections (`mod_subsection`): folded into the section that holds them.
    pub(crate) component: Option<String>,
    pub(crate) itemid: Option<Int>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Module {
    pub(crate) id: Int,
    pub(crate) name: Option<String>,
    pub(crate) instance: Int,
    pub(crate) description: Option<String>,
    pub(crate) uservisible: Option<Flag>,
    pub(crate) availabilityinfo: Option<String>,
    pub(crate) modname: String,
    pub(crate) noviewlink: Option<Flag>,
    /// Completion tracking: 0 none, 1 manual, 2 automatic (§1.5).
    pub(crate) completion: Option<Int>,
    pub(crate) completiondata: Option<CompletionData>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) contents: Vec<Content>,
    pub(crate) contentsinfo: Option<ContentsInfo>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CompletionData {
    pub(crate) state: Option<Int>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Content {
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) filename: Option<String>,
    pub(crate) filesize: Option<Int>,
    pub(crate) fileurl: Option<String>,
    pub(crate) mimetype: Option<String>,
    pub(crate) timemodified: Option<Int>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ContentsInfo {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) mimetypes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_scalars() {
        let int = |json: &str| serde_json::from_str::<Int>(json).ok().map(|i| i.0);
        assert_eq!(int("42"), Some(42));
        assert_eq!(int("\"42\""), Some(42));
        assert_eq!(int("\" 7 \""), Some(7));
        assert_eq!(int("true"), Some(1));
        assert_eq!(int("3.0"), Some(3));
        assert_eq!(int("3.5"), None);
        assert_eq!(int("\"x\""), None);
        assert_eq!(int("null"), None);

        let float = |json: &str| serde_json::from_str::<Float>(json).ok().map(|f| f.0);
        assert_eq!(float("33.5"), Some(33.5));
        assert_eq!(float("\"50\""), Some(50.0));
        assert_eq!(float("7"), Some(7.0));

        let flag = |json: &str| serde_json::from_str::<Flag>(json).ok().map(|f| f.0);
        assert_eq!(flag("true"), Some(true));
        assert_eq!(flag("0"), Some(false));
        assert_eq!(flag("\"1\""), Some(true));
        assert_eq!(flag("\"maybe\""), None);

        let text = |json: &str| serde_json::from_str::<Text>(json).ok().map(|t| t.0);
        assert_eq!(text("\"2024100700\""), Some("2024100700".into()));
        assert_eq!(text("2024100700"), Some("2024100700".into()));
    }

    #[test]
    fn nulls_read_as_absent() {
        let c: Course = serde_json::from_str(
            r#"{"id": 1, "progress": null, "lastaccess": null, "extra": [1]}"#,
        )
        .unwrap();
        assert_eq!(c.progress, None);
        assert_eq!(c.lastaccess, None);
        let s: Section = serde_json::from_str(r#"{"id": 1, "modules": null}"#).unwrap();
        assert!(s.modules.is_empty());
    }
}

// ---- Tests (quizzes, §6) -------------------------------------------------------------------

/// `mod_quiz_get_quizzes_by_courses` (§6.2).
#[derive(Debug, Deserialize)]
pub(crate) struct Quizzes {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) quizzes: Vec<Quiz>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) warnings: Vec<Warning>,
}

/// One quiz, with the user's effective settings. Most fields are only sent when the learner may
/// see them, so all but the ids are optional.
#[derive(Debug, Deserialize)]
pub(crate) struct Quiz {
    pub(crate) id: Int,
    pub(crate) coursemodule: Int,
    pub(crate) course: Int,
    pub(crate) name: Option<String>,
    pub(crate) intro: Option<String>,
    pub(crate) timeopen: Option<Int>,
    pub(crate) timeclose: Option<Int>,
    pub(crate) timelimit: Option<Int>,
    /// Attempts allowed; 0 = unlimited.
    pub(crate) attempts: Option<Int>,
    /// 1 highest, 2 average, 3 first, 4 last (`QUIZ_GRADEHIGHEST` …).
    pub(crate) grademethod: Option<Int>,
    pub(crate) decimalpoints: Option<Int>,
    /// The raw marks of a perfect attempt (the sum of the questions' marks).
    pub(crate) sumgrades: Option<Float>,
    /// The quiz's grade scale (a perfect attempt's grade).
    pub(crate) grade: Option<Float>,
    /// `free` or `sequential`.
    pub(crate) navmethod: Option<String>,
    pub(crate) allowofflineattempts: Option<Flag>,
    /// Seconds; 0 = autosave off.
    pub(crate) autosaveperiod: Option<Int>,
}

/// `mod_quiz_get_quiz_access_information` (§6.3).
#[derive(Debug, Deserialize)]
pub(crate) struct QuizAccess {
    pub(crate) canattempt: Flag,
    pub(crate) canreviewmyattempts: Option<Flag>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) accessrules: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) activerulenames: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) preventaccessreasons: Vec<String>,
}

/// `mod_quiz_get_attempt_access_information` (§6.3).
#[derive(Debug, Deserialize)]
pub(crate) struct AttemptAccess {
    /// When the attempt must be submitted (unix seconds); 0 or absent = no deadline.
    pub(crate) endtime: Option<Int>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) preventnewattemptreasons: Vec<String>,
}

/// `mod_quiz_get_quiz_required_qtypes`.
#[derive(Debug, Deserialize)]
pub(crate) struct RequiredQtypes {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) questiontypes: Vec<String>,
}

/// `mod_quiz_get_user_attempts` (§6.4).
#[derive(Debug, Deserialize)]
pub(crate) struct UserAttempts {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) attempts: Vec<Attempt>,
}

/// Moodle's attempt structure: every field is optional in the declaration (`start_attempt`
/// answers `{}` when it refuses), so the conversion names what is missing.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Attempt {
    pub(crate) id: Option<Int>,
    pub(crate) quiz: Option<Int>,
    /// The learner's attempt number (1, 2, …).
    pub(crate) attempt: Option<Int>,
    /// The question usage id: the `U` of the form fields `q{U}:{slot}_…`.
    pub(crate) uniqueid: Option<Int>,
    /// Slots with `0` after each page: `1,2,0,3,0`.
    pub(crate) layout: Option<String>,
    pub(crate) currentpage: Option<Int>,
    pub(crate) state: Option<String>,
    pub(crate) timestart: Option<Int>,
    pub(crate) timefinish: Option<Int>,
    /// Raw marks; `null` unless finished and the review options show marks.
    pub(crate) sumgrades: Option<Float>,
}

/// `mod_quiz_get_user_best_grade` (§6.10).
#[derive(Debug, Deserialize)]
pub(crate) struct BestGrade {
    pub(crate) hasgrade: Flag,
    /// On the quiz's scale; only when the learner may see marks.
    pub(crate) grade: Option<Float>,
    pub(crate) gradetopass: Option<Float>,
}

/// `mod_quiz_start_attempt` (§6.5): an empty attempt and warnings when the site refuses.
#[derive(Debug, Deserialize)]
pub(crate) struct StartAttempt {
    #[serde(default)]
    pub(crate) attempt: Option<Attempt>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) warnings: Vec<Warning>,
}

/// `mod_quiz_process_attempt` (§6.8).
#[derive(Debug, Deserialize)]
pub(crate) struct ProcessAttempt {
    pub(crate) state: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) warnings: Vec<Warning>,
}

/// `mod_quiz_get_attempt_data` (§6.6).
#[derive(Deserialize)]
pub(crate) struct AttemptData {
    pub(crate) attempt: Attempt,
    /// `-1` on the last page.
    pub(crate) nextpage: Option<Int>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) questions: Vec<AttemptQuestion>,
}

/// `mod_quiz_get_attempt_summary`: every question the learner may see, without the attempt.
#[derive(Deserialize)]
pub(crate) struct AttemptSummary {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) questions: Vec<AttemptQuestion>,
}

/// `mod_quiz_get_attempt_review` (§6.9).
#[derive(Deserialize)]
pub(crate) struct AttemptReview {
    /// The rescaled grade as the site formats it, `""`, or `notyetgraded`.
    pub(crate) grade: Option<Text>,
    pub(crate) attempt: Attempt,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) additionaldata: Vec<AdditionalData>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) questions: Vec<AttemptQuestion>,
}

#[derive(Deserialize)]
pub(crate) struct AdditionalData {
    pub(crate) id: Option<String>,
    pub(crate) content: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct AttemptQuestion {
    pub(crate) slot: Int,
    #[serde(rename = "type")]
    pub(crate) qtype: String,
    pub(crate) questionnumber: Option<Text>,
    pub(crate) number: Option<Int>,
    pub(crate) html: String,
    pub(crate) sequencecheck: Option<Int>,
    pub(crate) flagged: Flag,
    pub(crate) stateclass: Option<String>,
    pub(crate) status: Option<String>,
}

// ---- Facility join (§5) ---------------------------------------------------------------------

/// `core_course_get_courses_by_field`: the courses the learner may see, each with the
/// enrolment plugins it offers and its overview files (the logo).
#[derive(Debug, Deserialize)]
pub(crate) struct ListedCourses {
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) courses: Vec<ListedCourse>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListedCourse {
    pub(crate) id: Int,
    pub(crate) shortname: Option<String>,
    pub(crate) fullname: Option<String>,
    pub(crate) displayname: Option<String>,
    pub(crate) summary: Option<String>,
    pub(crate) categoryname: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) enrollmentmethods: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) overviewfiles: Vec<OverviewFile>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OverviewFile {
    pub(crate) fileurl: Option<String>,
    pub(crate) mimetype: Option<String>,
}

/// One item of `core_enrol_get_course_enrolment_methods`.
#[derive(Debug, Deserialize)]
pub(crate) struct EnrolmentMethod {
    pub(crate) id: Int,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) status: MethodStatus,
}

/// A method's `status` (`PARAM_RAW`): `true` when it takes learners now, else `can_self_enrol`'s
/// reason, in the site's language (`false`, `0` or `1` from a plugin that gives none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MethodStatus {
    Open,
    Refused(String),
}

struct MethodStatusVisitor;

impl Visitor<'_> for MethodStatusVisitor {
    type Value = MethodStatus;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true or a reason")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<MethodStatus, E> {
        Ok(if v {
            MethodStatus::Open
        } else {
            MethodStatus::Refused(String::new())
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<MethodStatus, E> {
        self.visit_bool(v != 0)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<MethodStatus, E> {
        self.visit_bool(v != 0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<MethodStatus, E> {
        Ok(MethodStatus::Refused(v.to_owned()))
    }
}

impl<'de> Deserialize<'de> for MethodStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MethodStatus, D::Error> {
        d.deserialize_any(MethodStatusVisitor)
    }
}

/// One user of `core_user_get_users_by_field`, as far as the 施設ユーザーID goes.
#[derive(Debug, Deserialize)]
pub(crate) struct Profile {
    pub(crate) id: Int,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) customfields: Vec<ProfileField>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProfileField {
    pub(crate) shortname: Option<String>,
    pub(crate) value: Option<Text>,
}
