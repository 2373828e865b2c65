//! The requests the client sends: function names, parameters and bodies. Pure, so their exact
//! encoding is tested without a server.

use crate::decode::{COURSE_CONTENTS, PUBLIC_CONFIG, USERS_COURSES};
use crate::form::encode_pairs;
use crate::{Params, Token, Value};
use juko_model::{CourseId, Lecture, LectureId, LectureKind, UserId};

pub(crate) const REST_ENDPOINT: &str = "webservice/rest/server.php";
pub(crate) const VIEW_COURSE: &str = "core_course_view_course";
pub(crate) const SET_COMPLETED: &str = "core_completion_update_activity_completion_status_manually";
/// The service the official app uses; ICRweb's tokens are issued for it.
pub(crate) const MOBILE_SERVICE: &str = "moodle_mobile_app";

/// `core_enrol_get_users_courses`: without the enrolled-user count, which is slow to compute.
pub(crate) fn users_courses(user: UserId) -> (&'static str, Params) {
    (
        USERS_COURSES,
        Params::new()
            .with("userid", user)
            .with("returnusercount", false),
    )
}

/// `core_course_get_contents` with the App's options (§4.2).
pub(crate) fn course_contents(course: CourseId) -> (&'static str, Params) {
    let options = Value::name_values([
        ("excludemodules", false),
        ("excludecontents", false),
        ("includestealthmodules", true),
    ]);
    (
        COURSE_CONTENTS,
        Params::new()
            .with("courseid", course)
            .with("options", options),
    )
}

pub(crate) fn view_course(course: CourseId, section: Option<u32>) -> (&'static str, Params) {
    let mut params = Params::new().with("courseid", course);
    if let Some(section) = section {
        params.push("sectionnumber", section);
    }
    (VIEW_COURSE, params)
}

/// The view event for a lecture's module. These take the **instance** id, not the cmid (§4.7).
pub(crate) fn view_lecture(lecture: &Lecture) -> (&'static str, Params) {
    view_module(lecture.kind, lecture.instance)
}

/// The view event of a lecture module known by its kind and instance id.
pub(crate) fn view_module(kind: LectureKind, instance: i64) -> (&'static str, Params) {
    let (function, key) = match kind {
        LectureKind::File => ("mod_resource_view_resource", "resourceid"),
        LectureKind::Page => ("mod_page_view_page", "pageid"),
        LectureKind::Link => ("mod_url_view_url", "urlid"),
    };
    (function, Params::new().with(key, instance))
}

pub(crate) fn set_completed(lecture: LectureId, completed: bool) -> (&'static str, Params) {
    (
        SET_COMPLETED,
        Params::new()
            .with("cmid", lecture)
            .with("completed", completed),
    )
}

/// The REST query string: `wsfunction` is repeated there, as the App does, so server logs show it.
pub(crate) fn rest_query(function: &str) -> String {
    // Not for the history calls: they go out every minute of playback (see `rest_body`).
    if function.starts_with("local_juko_") {
        return format!(
            "{REST_ENDPOINT}?{}",
            encode_pairs([("moodlewsrestformat", "json")])
        );
    }
    format!(
        "{REST_ENDPOINT}?{}",
        encode_pairs([("moodlewsrestformat", "json"), ("wsfunction", function)])
    )
}

/// The REST form body: the reserved keys (§1.2, §1.4) and then the function's parameters.
/// `filter`/`fileurl` are sent as `true`, like the App: those two are read with `optional_param`.
pub(crate) fn rest_body(
    token: &Token,
    function: &str,
    lang: Option<&str>,
    params: &Params,
) -> String {
    let mut reserved = vec![
        ("wstoken", token.as_str()),
        ("wsfunction", function),
        ("moodlewsrestformat", "json"),
    ];
    // The text settings only matter to functions that return formatted text; the history calls
    // return numbers and go out every minute of playback, so they carry nothing extra.
    if !function.starts_with("local_juko_") {
        reserved.push(("moodlewssettingfilter", "true"));
        reserved.push(("moodlewssettingfileurl", "true"));
        if let Some(lang) = lang {
            reserved.push(("moodlewssettinglang", lang));
        }
    }
    let mut body = encode_pairs(reserved);
    if !params.is_empty() {
        body.push('&');
        body.push_str(&params.encode());
    }
    body
}

pub(crate) fn login_body(username: &str, password: &str) -> String {
    encode_pairs([
        ("username", username),
        ("password", password),
        ("service", MOBILE_SERVICE),
    ])
}

/// The AJAX endpoint's path for the public config, `script` being `service-nologin.php` or
/// `service.php` (§2.2).
pub(crate) fn public_config_path(script: &str, lang: Option<&str>) -> String {
    let mut query = vec![("info", PUBLIC_CONFIG)];
    if let Some(lang) = lang {
        query.push(("lang", lang));
    }
    format!("lib/ajax/{script}?{}", encode_pairs(query))
}

/// The AJAX request body: a batch of one call without arguments.
pub(crate) fn public_config_body() -> String {
    format!(r#"[{{"index":0,"methodname":"{PUBLIC_CONFIG}","args":{{}}}}]"#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use juko_model::{LectureKind, Media};

    fn check((function, params): (&str, Params), want_function: &str, want_body: &str) {
        assert_eq!(function, want_function);
        assert_eq!(params.encode(), want_body, "{function}");
    }

    fn lecture(kind: LectureKind) -> Lecture {
        Lecture {
            id: LectureId(310),
            instance: 77,
            kind,
            title: String::new(),
            lecturer: None,
            duration_secs: None,
            description: Vec::new(),
            media: None::<Media>,
            locked_reason: None,
            completed: false,
            manual_completion: false,
        }
    }

    #[test]
    fn function_parameters() {
        check(
            users_courses(UserId(1234)),
            "core_enrol_get_users_courses",
            "userid=1234&returnusercount=0",
        );
        check(
            course_contents(CourseId(42)),
            "core_course_get_contents",
            "courseid=42&options[0][name]=excludemodules&options[0][value]=0&options[1][name]=excludecontents&options[1][value]=0&options[2][name]=includestealthmodules&options[2][value]=1",
        );
        check(
            view_course(CourseId(42), None),
            "core_course_view_course",
            "courseid=42",
        );
        check(
            view_course(CourseId(42), Some(1)),
            "core_course_view_course",
            "courseid=42&sectionnumber=1",
        );
        check(
            view_lecture(&lecture(LectureKind::File)),
            "mod_resource_view_resource",
            "resourceid=77",
        );
        check(
            view_lecture(&lecture(LectureKind::Page)),
            "mod_page_view_page",
            "pageid=77",
        );
        check(
            view_lecture(&lecture(LectureKind::Link)),
            "mod_url_view_url",
            "urlid=77",
        );
        check(
            set_completed(LectureId(312), true),
            SET_COMPLETED,
            "cmid=312&completed=1",
        );
    }

    #[test]
    fn envelopes() {
        let token = Token::new("3b8f");
        assert_eq!(
            rest_body(
                &token,
                "core_course_get_contents",
                Some("ja"),
                &Params::new().with("courseid", 42)
            ),
            "wstoken=3b8f&wsfunction=core_course_get_contents&moodlewsrestformat=json&moodlewssettingfilter=true&moodlewssettingfileurl=true&moodlewssettinglang=ja&courseid=42"
        );
        assert_eq!(
            rest_body(
                &token,
                "core_webservice_get_site_info",
                None,
                &Params::new()
            ),
            "wstoken=3b8f&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json&moodlewssettingfilter=true&moodlewssettingfileurl=true"
        );
        assert_eq!(
            rest_query("core_webservice_get_site_info"),
            "webservice/rest/server.php?moodlewsrestformat=json&wsfunction=core_webservice_get_site_info"
        );
        assert_eq!(
            login_body("taro", "p@ss word&"),
            "username=taro&password=p%40ss+word%26&service=moodle_mobile_app"
        );
        assert_eq!(
            public_config_path("service-nologin.php", Some("ja")),
            "lib/ajax/service-nologin.php?info=tool_mobile_get_public_config&lang=ja"
        );
        assert_eq!(
            public_config_body(),
            r#"[{"index":0,"methodname":"tool_mobile_get_public_config","args":{}}]"#
        );
    }
}
