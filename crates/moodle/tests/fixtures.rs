//! The protocol samples in `shared/protocol/samples/`, decoded into model types.
//!
//! These run without the `client` feature: decoding is pure. Variants of the samples (lecturer
//! tags, locked lectures, sub-sections, …) are built from the samples themselves, so they stay in
//! step with the shared dataset (site `https://icrweb.example.jp`, course 42, lecture cm 310).

use juko_model::{
    ActivityKind, AttemptId, AttemptState, Course, CourseId, GradeMethod, JoinOutcome, LectureId,
    LectureKind, LoginPolicy, Media, Navigation, QuizId, QuizOverview, QuizStatus, UnitId, UserId,
};
use juko_moodle::{DecodeProblem, Error, ExceptionKind, SiteUrl, Token, decode, stream_url};
use serde_json::{Value, json};
use std::path::PathBuf;

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/protocol/samples")
}

fn sample(name: &str) -> Vec<u8> {
    let path = samples_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sample_json(name: &str) -> Value {
    serde_json::from_slice(&sample(name)).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// Samples this crate decodes today, and what each one is decoded as.
const DECODED: &[&str] = &[
    "login_token.json",
    "login_token__error_invalidlogin.json",
    "rest_exception__invalidtoken.json",
    "rest_exception__invalidparameter.json",
    "rest_exception__requireloginerror.json",
    "tool_mobile_get_public_config.json",
    "core_webservice_get_site_info.json",
    "core_enrol_get_users_courses.json",
    "core_course_get_contents.json",
    "core_course_view_course.json",
    "mod_resource_view_resource.json",
    "mod_page_view_page.json",
    "mod_url_view_url.json",
    "core_completion_update_activity_completion_status_manually.json",
    "enrol_self_enrol_user.json",
    "enrol_self_enrol_user__invalid_key.json",
    "mod_quiz_get_quizzes_by_courses.json",
    "mod_quiz_get_quiz_access_information.json",
    "mod_quiz_get_attempt_access_information.json",
    "mod_quiz_get_user_attempts.json",
    "mod_quiz_get_user_best_grade.json",
    "mod_quiz_start_attempt.json",
    "mod_quiz_get_attempt_data.json",
    "mod_quiz_save_attempt.json",
    "mod_quiz_process_attempt.json",
    "mod_quiz_get_attempt_review.json",
    "core_user_update_user_preferences.json",
    // Facility join.
    "core_course_get_courses_by_field.json",
    "core_enrol_get_course_enrolment_methods.json",
    "enrol_self_get_instance_info.json",
    // お知らせ (news)
    "mod_forum_get_forums_by_courses.json",
    "mod_forum_get_forum_discussions.json",
    "message_popup_get_popup_notifications.json",
    "core_message_get_messages.json",
];

/// Samples for functions this crate does not wrap yet (completion status, preferences, resources):
/// only checked to pass the envelope rules below.
const LATER: &[&str] = &[
    "core_completion_get_activities_completion_status.json",
    "core_user_get_user_preferences.json",
    "core_user_set_user_preferences.json",
    "mod_resource_get_resources_by_courses.json",
];

#[test]
fn every_sample_is_accounted_for_and_passes_the_envelope_rules() {
    let mut names: Vec<String> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= DECODED.len(),
        "samples missing from {}",
        samples_dir().display()
    );
    for name in &names {
        assert!(
            DECODED.contains(&name.as_str()) || LATER.contains(&name.as_str()),
            "new sample {name}: decode it here or list it in LATER"
        );
        // Exception samples are errors; everything else is a result, whatever its shape.
        let result = decode::rest::<Value>("f", &sample(name));
        match (
            name.starts_with("rest_exception__") || name.starts_with("login_token__error"),
            result,
        ) {
            (true, Err(Error::Exception { .. })) | (false, Ok(_)) => {}
            (_, other) => panic!("{name}: {other:?}"),
        }
    }
}

// ---- Sign-in -------------------------------------------------------------------------------

#[test]
fn token() {
    let token = decode::token(&sample("login_token.json")).unwrap();
    assert_eq!(token.as_str(), "3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e");
}

#[test]
fn wrong_password() {
    let e = decode::token(&sample("login_token__error_invalidlogin.json")).unwrap_err();
    assert_eq!(
        e,
        Error::Login {
            errorcode: "invalidlogin".into(),
            message: "Invalid login, please try again".into()
        }
    );
    assert!(e.is_wrong_login());
    assert!(!e.is_retryable());
}

#[test]
fn token_answer_without_a_token() {
    let e = decode::token(br#"{"privatetoken": null}"#).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Decode {
                problem: DecodeProblem::Shape(_),
                ..
            }
        ),
        "{e:?}"
    );
}

fn ajax_ok(data: Value) -> Vec<u8> {
    bytes(&json!([{ "error": false, "data": data }]))
}

#[test]
fn public_config() {
    let policy =
        decode::login_policy(&ajax_ok(sample_json("tool_mobile_get_public_config.json"))).unwrap();
    assert_eq!(
        policy,
        LoginPolicy {
            site_name: "ICRweb 臨床研究eラーニング".into(),
            site_url: "https://icrweb.example.jp".into(),
            password_login: true,
            maintenance_message: None,
            forgotten_password_url: None,
        }
    );
}

#[test]
fn public_config_variants() {
    let check = |patch: Value, password_login: bool, maintenance: Option<&str>| {
        let mut data = sample_json("tool_mobile_get_public_config.json");
        for (k, v) in patch.as_object().unwrap() {
            data[k] = v.clone();
        }
        let policy = decode::login_policy(&ajax_ok(data)).unwrap();
        assert_eq!(policy.password_login, password_login, "{patch}");
        assert_eq!(
            policy.maintenance_message.as_deref(),
            maintenance,
            "{patch}"
        );
    };
    check(json!({}), true, None);
    check(json!({"typeoflogin": 2}), false, None);
    check(json!({"typeoflogin": "3"}), false, None);
    check(json!({"enablemobilewebservice": 0}), false, None);
    check(json!({"enablewebservices": "0"}), false, None);
    check(
        json!({"maintenanceenabled": 1, "maintenancemessage": "<p>点検中</p>"}),
        false,
        Some("<p>点検中</p>"),
    );
    check(
        json!({"forgottenpasswordurl": "https://icrweb.example.jp/forgot"}),
        true,
        None,
    );
}

#[test]
fn public_config_errors() {
    let e = decode::login_policy(&bytes(&json!([{
        "error": true,
        "exception": {"message": "Site in maintenance", "errorcode": "sitemaintenance"}
    }])))
    .unwrap_err();
    assert!(e.is_maintenance(), "{e:?}");
    let e = decode::login_policy(
        br#"{"error":"Web services are off","errorcode":"enablewsdescription"}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind(), Some(ExceptionKind::AppAccessDisabled));
    let e = decode::login_policy(b"[]").unwrap_err();
    assert!(
        matches!(
            e,
            Error::Decode {
                problem: DecodeProblem::Shape(_),
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn app_site_check() {
    let site = SiteUrl::parse("icrweb.example.jp").unwrap();
    decode::app_site_check(&site, br#"{"appsitecheck":"ok"}"#).unwrap();
    for body in [&b"<html>Welcome to nginx</html>"[..], b"{}", b"", b"[1]"] {
        let e = decode::app_site_check(&site, body).unwrap_err();
        assert!(
            matches!(&e, Error::NotMoodle { url, .. } if url == "https://icrweb.example.jp"),
            "{e:?}"
        );
    }
    let e = decode::app_site_check(
        &site,
        br#"{"error":"Web services off","errorcode":"enablewsdescription"}"#,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Login { .. }), "{e:?}");
}

// ---- REST errors ---------------------------------------------------------------------------

#[test]
fn rest_exceptions() {
    let check = |file: &str,
                 function_body: fn(&[u8]) -> Error,
                 class: &str,
                 code: &str,
                 kind: ExceptionKind| {
        let e = function_body(&sample(file));
        let Error::Exception { exception, .. } = &e else {
            panic!("{file}: {e:?}")
        };
        assert_eq!(exception.class.as_deref(), Some(class), "{file}");
        assert_eq!(exception.errorcode.as_deref(), Some(code), "{file}");
        assert!(!exception.message.is_empty());
        assert_eq!(e.kind(), Some(kind), "{file}");
    };
    check(
        "rest_exception__invalidtoken.json",
        |b| decode::site_info(b).unwrap_err(),
        "moodle_exception",
        "invalidtoken",
        ExceptionKind::InvalidToken,
    );
    check(
        "rest_exception__invalidparameter.json",
        |b| decode::courses(b).unwrap_err(),
        "invalid_parameter_exception",
        "invalidparameter",
        ExceptionKind::InvalidParameter,
    );
    check(
        "rest_exception__requireloginerror.json",
        |b| decode::course_contents(CourseId(42), b).unwrap_err(),
        "require_login_exception",
        "requireloginerror",
        ExceptionKind::NotAvailable,
    );
    let e = decode::site_info(&sample("rest_exception__invalidtoken.json")).unwrap_err();
    assert!(e.is_session_invalid());
    assert_eq!(
        e.to_string(),
        "core_webservice_get_site_info: the site refused: Invalid token - token not found (invalidtoken)"
    );
}

#[test]
fn exception_without_errorcode_or_with_debuginfo() {
    let e = decode::courses(
        br#"{"exception":"coding_exception","message":"Oops","debuginfo":"line 12"}"#,
    )
    .unwrap_err();
    let Error::Exception {
        exception,
        function,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(function, "core_enrol_get_users_courses");
    assert_eq!(exception.errorcode, None);
    assert_eq!(exception.debuginfo.as_deref(), Some("line 12"));
    assert_eq!(e.kind(), Some(ExceptionKind::Other));
}

#[test]
fn status_answers() {
    for file in [
        "core_course_view_course.json",
        "mod_resource_view_resource.json",
        "mod_page_view_page.json",
        "mod_url_view_url.json",
        "core_completion_update_activity_completion_status_manually.json",
        "enrol_self_enrol_user.json",
        "mod_quiz_save_attempt.json",
    ] {
        decode::status("f", &sample(file)).unwrap_or_else(|e| panic!("{file}: {e:?}"));
    }
    let e = decode::status(
        "enrol_self_enrol_user",
        &sample("enrol_self_enrol_user__invalid_key.json"),
    )
    .unwrap_err();
    assert_eq!(
        e,
        Error::Declined {
            function: "enrol_self_enrol_user".into(),
            warningcode: Some("4".into()),
            message: "Incorrect enrolment key, please try again".into(),
        }
    );
    assert!(!e.is_retryable());
}

#[test]
fn null_result() {
    decode::rest::<()>(
        "core_user_update_user_preferences",
        &sample("core_user_update_user_preferences.json"),
    )
    .unwrap();
}

// ---- Site and courses ----------------------------------------------------------------------

#[test]
fn site_info() {
    let info = decode::site_info(&sample("core_webservice_get_site_info.json")).unwrap();
    assert_eq!(info.site_name, "ICRweb 臨床研究eラーニング");
    assert_eq!(info.site_url, "https://icrweb.example.jp");
    assert_eq!(info.user.id, UserId(1234));
    assert_eq!(info.user.username, "taro.yamada");
    assert_eq!(info.user.full_name, "山田 太郎");
    assert_eq!(
        info.site_course,
        CourseId(1),
        "the front page, where the site's news is"
    );
    assert_eq!(info.lang, "ja");
    assert!(
        !info.features.history_sync,
        "the sample lists no history extension"
    );
    assert_eq!(info.version.as_deref(), Some("2024100700"));
    assert!(info.can_download_files);
}

#[test]
fn site_info_variants() {
    let mut v = sample_json("core_webservice_get_site_info.json");
    v["downloadfiles"] = json!(0);
    v["userid"] = json!("1234");
    v["version"] = json!(2024100700);
    v["fullname"] = json!(null);
    v["siteurl"] = json!("https://icrweb.example.jp/");
    let info = decode::site_info(&bytes(&v)).unwrap();
    assert!(!info.can_download_files);
    assert_eq!(info.user.id, UserId(1234));
    assert_eq!(info.version.as_deref(), Some("2024100700"));
    assert_eq!(info.user.full_name, "山田 太郎");
    assert_eq!(info.site_url, "https://icrweb.example.jp");

    let mut v = sample_json("core_webservice_get_site_info.json");
    v.as_object_mut().unwrap().remove("userid");
    let e = decode::site_info(&bytes(&v)).unwrap_err();
    let Error::Decode {
        function,
        problem: DecodeProblem::Shape(what),
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(function, "core_webservice_get_site_info");
    assert!(what.contains("userid"), "{what}");
}

#[test]
fn courses() {
    let courses = decode::courses(&sample("core_enrol_get_users_courses.json")).unwrap();
    assert_eq!(courses.len(), 1);
    let c = &courses[0];
    assert_eq!(c.id, CourseId(42));
    assert_eq!(c.short_name, "FAC-0042");
    assert_eq!(c.full_name, "施設コース：臨床研究基礎（2025年度）");
    assert_eq!(
        c.summary_html,
        "<p>臨床研究に携わる方のための基礎講座です。</p>"
    );
    assert!((c.progress_percent.unwrap() - 33.333).abs() < 0.001);
    assert_eq!(c.last_access, Some(1735948800));
    // The uploaded course image is the course's logo (a facility's, on its page).
    assert_eq!(
        c.logo_url.as_deref(),
        Some(
            "https://icrweb.example.jp/webservice/pluginfile.php/1501/course/overviewfiles/cover.jpg"
        )
    );
    let mut v = sample_json("core_enrol_get_users_courses.json");
    v[0]["overviewfiles"][0]["mimetype"] = json!("application/pdf");
    assert_eq!(
        decode::courses(&bytes(&v)).unwrap()[0].logo_url,
        None,
        "not an image"
    );
    v[0]["overviewfiles"] = Value::Null;
    assert_eq!(decode::courses(&bytes(&v)).unwrap()[0].logo_url, None);
}

#[test]
fn course_variants() {
    let mut v = sample_json("core_enrol_get_users_courses.json");
    v[0]["displayname"] = json!("表示名");
    v[0]["progress"] = json!(null);
    v[0]["lastaccess"] = json!(null);
    let mut older = v[0].clone();
    older.as_object_mut().unwrap().remove("displayname");
    older["id"] = json!("43");
    older["progress"] = json!("50");
    let courses = decode::courses(&bytes(&json!([v[0], older]))).unwrap();
    assert_eq!(courses[0].full_name, "表示名");
    assert_eq!(courses[0].progress_percent, None);
    assert_eq!(courses[0].last_access, None);
    assert_eq!(courses[1].id, CourseId(43));
    assert_eq!(courses[1].full_name, "施設コース：臨床研究基礎（2025年度）");
    assert_eq!(courses[1].progress_percent, Some(50.0));
    assert!(decode::courses(b"[]").unwrap().is_empty());
}

// ---- Course contents -----------------------------------------------------------------------

#[test]
fn course_contents() {
    let contents =
        decode::course_contents(CourseId(42), &sample("core_course_get_contents.json")).unwrap();
    assert_eq!(contents.course_id, CourseId(42));
    // Section 0 ("一般") is empty, so it is not a unit.
    let ids: Vec<_> = contents.units.iter().map(|u| u.id).collect();
    assert_eq!(ids, [UnitId(902), UnitId(903)]);

    let unit = &contents.units[0];
    assert_eq!(unit.number, 1);
    assert_eq!(unit.name, "第1講 臨床研究の基礎");
    assert_eq!(
        unit.summary_html,
        "<p>臨床研究の定義と倫理指針の概要を学びます。</p>"
    );
    assert_eq!(unit.locked_reason, None);
    let kinds: Vec<_> = unit.lectures.iter().map(|l| (l.id, l.kind)).collect();
    assert_eq!(
        kinds,
        [
            (LectureId(310), LectureKind::File),
            (LectureId(311), LectureKind::Page),
            (LectureId(312), LectureKind::Link)
        ]
    );

    let (_, l310) = contents.lecture(LectureId(310)).unwrap();
    assert_eq!(l310.title, "第1講 臨床研究とは（動画）");
    assert_eq!(l310.instance, 77);
    assert_eq!(l310.lecturer, None);
    assert_eq!(l310.duration_secs, None);
    assert_eq!(l310.locked_reason, None);
    assert!(!l310.completed);
    assert_eq!(
        l310.media,
        Some(Media {
            url: "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?forcedownload=1"
                .into(),
            mime_type: "video/mp4".into(),
            size_bytes: 187654321,
            external: false,
            captions: Vec::new(),
            modified: 1735689600,
        })
    );

    // The page's video, not its index.html.
    let (_, l311) = contents.lecture(LectureId(311)).unwrap();
    assert_eq!(l311.instance, 21);
    assert!(l311.completed);
    let media = l311.media.as_ref().unwrap();
    assert!(
        media
            .url
            .ends_with("/mod_page/content/5/supplement.mp4?forcedownload=1"),
        "{}",
        media.url
    );
    assert_eq!(media.mime_type, "video/mp4");
    assert_eq!(media.size_bytes, 45123456);

    let (_, l312) = contents.lecture(LectureId(312)).unwrap();
    assert_eq!(l312.instance, 9);
    // 312 is tracked manually (completion 1); 310 automatically (completion 2).
    assert!(l312.manual_completion);
    assert!(
        !contents
            .lecture(LectureId(310))
            .unwrap()
            .1
            .manual_completion
    );
    assert_eq!(l312.title, "第1講 外部講義動画（ストリーミング）");
    assert_eq!(
        l312.media,
        Some(Media {
            url: "https://video.example.jp/embed/abc123".into(),
            mime_type: String::new(),
            size_bytes: 0,
            external: true,
            captions: Vec::new(),
            modified: 0,
        })
    );

    assert_eq!(unit.activities.len(), 2);
    let quiz = &unit.activities[0];
    assert_eq!(
        (quiz.id, &quiz.kind, quiz.name.as_str()),
        (LectureId(320), &ActivityKind::Quiz, "第1講 確認テスト")
    );
    assert_eq!(quiz.locked_reason, None);
    let cert = &unit.activities[1];
    assert_eq!(
        (cert.id, &cert.kind, cert.name.as_str()),
        (LectureId(330), &ActivityKind::Certificate, "修了証")
    );
    assert_eq!(
        cert.locked_reason.as_deref(),
        Some(
            "Not available unless: The activity <strong>第1講 確認テスト</strong> is complete and passed"
        )
    );

    let locked = &contents.units[1];
    assert_eq!(
        (locked.number, locked.name.as_str()),
        (2, "第2講 研究計画書")
    );
    assert_eq!(
        locked.locked_reason.as_deref(),
        Some(
            "Not available unless: The activity <strong>第1講 確認テスト</strong> is marked complete"
        )
    );
    assert!(locked.lectures.is_empty() && locked.activities.is_empty());
}

#[test]
fn lecture_streams_with_the_token() {
    let contents =
        decode::course_contents(CourseId(42), &sample("core_course_get_contents.json")).unwrap();
    let site = SiteUrl::parse("https://icrweb.example.jp").unwrap();
    let token = Token::new("3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e");
    let url = |id| {
        stream_url(
            &site,
            &token,
            &contents
                .lecture(LectureId(id))
                .unwrap()
                .1
                .media
                .as_ref()
                .unwrap()
                .url,
        )
    };
    assert_eq!(
        url(310),
        "https://icrweb.example.jp/webservice/pluginfile.php/1620/mod_resource/content/3/lecture01.mp4?token=3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e"
    );
    assert_eq!(
        url(311),
        "https://icrweb.example.jp/webservice/pluginfile.php/1621/mod_page/content/5/supplement.mp4?token=3b8f1c0e9d2a4f6b8c7d5e1a2b3c4d5e"
    );
    assert_eq!(url(312), "https://video.example.jp/embed/abc123");
}

/// The sample's sections, for building variants.
fn contents_sample() -> Vec<Value> {
    sample_json("core_course_get_contents.json")
        .as_array()
        .unwrap()
        .clone()
}

fn module(sections: &[Value], cmid: i64) -> Value {
    sections
        .iter()
        .flat_map(|s| s["modules"].as_array().unwrap())
        .find(|m| m["id"] == cmid)
        .unwrap()
        .clone()
}

fn decode_sections(sections: &[Value]) -> juko_model::CourseContents {
    decode::course_contents(CourseId(42), &bytes(&Value::Array(sections.to_vec()))).unwrap()
}

#[test]
fn lecturer_and_duration_from_the_texts() {
    let mut sections = contents_sample();
    let m = &mut sections[1]["modules"][0];
    m["name"] = json!("第1講 臨床研究とは《講師：水澤純基》");
    m["description"] = json!("<p>臨床研究の全体像。</p><p>講師: 別の人</p><p>時間: 0:35</p>");
    let m = &mut sections[1]["modules"][1];
    m["description"] = json!("講師：山田 花子<br>時間：1:02:03");
    let contents = decode_sections(&sections);
    let (_, l) = contents.lecture(LectureId(310)).unwrap();
    assert_eq!(l.title, "第1講 臨床研究とは");
    assert_eq!(l.lecturer.as_deref(), Some("水澤純基"));
    assert_eq!(l.duration_secs, Some(35 * 60), "ICRweb's H:MM");
    assert!(
        l.description
            .iter()
            .any(|line| line.contains("臨床研究の全体像"))
    );
    assert!(
        l.description
            .iter()
            .all(|line| !line.starts_with("講師") && !line.starts_with("時間")),
        "the lecturer and length are facts, not description: {:?}",
        l.description
    );
    let (_, l) = contents.lecture(LectureId(311)).unwrap();
    assert_eq!(l.lecturer.as_deref(), Some("山田 花子"));
    assert_eq!(l.duration_secs, Some(3723));
    assert_eq!(contents.units[0].total_duration(), 35 * 60 + 3723);
}

#[test]
fn section_rules() {
    let sections = contents_sample();
    let general = json!({
        "id": 901, "name": "一般", "section": 0, "uservisible": true, "summary": "",
        "modules": [module(&sections, 310)]
    });
    let stealth = json!({"id": -1, "name": "", "section": 99, "modules": [module(&sections, 311)]});
    let no_number = json!({"id": 904, "name": "番号なし", "modules": []});
    let locked_silently =
        json!({"id": 905, "name": "非公開", "section": 5, "uservisible": false, "modules": []});
    let contents = decode_sections(&[
        general,
        sections[1].clone(),
        stealth,
        no_number,
        locked_silently,
    ]);
    let summary: Vec<_> = contents
        .units
        .iter()
        .map(|u| (u.id.0, u.number, u.locked_reason.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (901, 0, None),
            (902, 1, None),
            (904, 3, None),
            (905, 5, Some(String::new()))
        ],
        "section 0 kept when it holds a lecture; stealth section skipped; missing number = position"
    );
}

#[test]
fn section_0_forum_is_the_news_board() {
    let sections = contents_sample();
    let news = json!({"id": 407, "name": "アナウンスメント", "instance": 31, "modname": "forum"});
    let only_news = json!({
        "id": 901, "name": "一般", "section": 0, "uservisible": true, "summary": "",
        "modules": [news.clone()]
    });
    let contents = decode_sections(&[only_news, sections[1].clone()]);
    let units: Vec<_> = contents.units.iter().map(|u| u.number).collect();
    assert_eq!(
        units,
        [1],
        "section 0 holding only the news forum is no unit"
    );

    let with_lecture = json!({
        "id": 901, "name": "一般", "section": 0, "uservisible": true, "summary": "",
        "modules": [news.clone(), module(&sections, 310)]
    });
    let forum_in_unit = json!({"id": 902, "name": "第1講", "section": 1, "modules": [news]});
    let contents = decode_sections(&[with_lecture, forum_in_unit]);
    let kinds: Vec<_> = contents
        .units
        .iter()
        .map(|u| (u.number, u.activities[0].kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        [(0, ActivityKind::News), (1, ActivityKind::Forum)],
        "a forum in section 0 is the news board; elsewhere a forum"
    );
}

#[test]
fn module_rules() {
    let sections = contents_sample();
    let with = |base: i64, patch: Value| {
        let mut m = module(&sections, base);
        for (k, v) in patch.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    let modules = vec![
        // A resource that is not a video is an activity.
        with(
            310,
            json!({"id": 401, "contents": [{"type": "file", "filename": "slides.pdf", "mimetype": "application/pdf",
            "fileurl": "https://icrweb.example.jp/webservice/pluginfile.php/1/mod_resource/content/1/slides.pdf"}],
            "contentsinfo": {"mimetypes": ["application/pdf"]}}),
        ),
        // A locked video resource: a lecture without media, with the reason.
        with(
            310,
            json!({"id": 402, "uservisible": false, "availabilityinfo": "Not available until 1 April",
            "contents": null, "contentsinfo": {"mimetypes": ["video/mp4"]}}),
        ),
        // A resource whose main file has no MIME type but a video name.
        with(
            310,
            json!({"id": 403, "contents": [{"type": "file", "filename": "clip.webm", "filesize": "1234",
            "fileurl": "https://icrweb.example.jp/webservice/pluginfile.php/1/mod_resource/content/1/clip.webm"}]}),
        ),
        // A page without a video is an activity.
        with(
            311,
            json!({"id": 404, "contents": [{"type": "file", "filename": "index.html", "fileurl": "https://icrweb.example.jp/x/index.html"}],
            "contentsinfo": {"mimetypes": []}}),
        ),
        // A url module linking a PDF is reading material.
        with(
            312,
            json!({"id": 405, "contents": [{"type": "url", "fileurl": "https://example.jp/guide.pdf"}]}),
        ),
        // Labels have no page: left out.
        json!({"id": 406, "name": "お知らせ文", "instance": 1, "modname": "label", "noviewlink": true}),
        json!({"id": 407, "name": "お知らせ", "instance": 31, "modname": "forum"}),
        json!({"id": 408, "name": "修了証", "instance": 2, "modname": "coursecertificate"}),
        json!({"id": 409, "name": "アンケート", "instance": 3, "modname": "feedback", "uservisible": false}),
        // An HLS lecture.
        with(
            310,
            json!({"id": 410, "contents": [{"type": "file", "filename": "index.m3u8", "mimetype": "application/vnd.apple.mpegurl",
            "fileurl": "https://icrweb.example.jp/webservice/pluginfile.php/1/mod_resource/content/1/index.m3u8"}]}),
        ),
        // Completion state 2 (complete-pass) counts; 3 (complete-fail) does not.
        with(310, json!({"id": 411, "completiondata": {"state": 2}})),
        with(310, json!({"id": 412, "completiondata": {"state": 3}})),
    ];
    let section = json!({"id": 902, "name": "第1講", "section": 1, "modules": modules});
    let contents = decode_sections(&[section]);
    let unit = &contents.units[0];

    let lectures: Vec<_> = unit.lectures.iter().map(|l| l.id.0).collect();
    assert_eq!(lectures, [402, 403, 410, 411, 412]);
    let activities: Vec<_> = unit
        .activities
        .iter()
        .map(|a| (a.id.0, a.kind.clone()))
        .collect();
    assert_eq!(
        activities,
        [
            (401, ActivityKind::Other),
            (404, ActivityKind::Other),
            (405, ActivityKind::Other),
            (407, ActivityKind::Forum),
            (408, ActivityKind::Certificate),
            (409, ActivityKind::Other),
        ]
    );
    assert_eq!(
        unit.activities[5].locked_reason.as_deref(),
        Some(""),
        "locked without a reason given"
    );

    let lecture = |id| contents.lecture(LectureId(id)).unwrap().1;
    assert_eq!(
        lecture(402).locked_reason.as_deref(),
        Some("Not available until 1 April")
    );
    assert_eq!(lecture(402).media, None);
    let clip = lecture(403).media.as_ref().unwrap();
    assert_eq!(
        (clip.mime_type.as_str(), clip.size_bytes),
        ("video/webm", 1234)
    );
    assert_eq!(
        lecture(410).media.as_ref().unwrap().mime_type,
        "application/vnd.apple.mpegurl"
    );
    assert!(lecture(411).completed);
    assert!(!lecture(412).completed);
}

#[test]
fn sub_sections_fold_into_their_parent() {
    let sections = contents_sample();
    let parent = json!({
        "id": 902, "name": "第1講", "section": 1,
        "modules": [
            module(&sections, 310),
            {"id": 500, "name": "補足", "instance": 7, "modname": "subsection"},
            {"id": 501, "name": "発展", "instance": 8, "modname": "subsection"},
        ]
    });
    let open = json!({"id": 950, "name": "補足", "section": 3, "component": "mod_subsection", "itemid": 7,
        "modules": [module(&sections, 311), module(&sections, 320)]});
    let locked = json!({"id": 951, "name": "発展", "section": 4, "component": "mod_subsection", "itemid": 8,
        "uservisible": false, "availabilityinfo": "Not available unless: 補足 is complete", "modules": []});
    let contents = decode_sections(&[parent, open, locked]);
    assert_eq!(
        contents.units.len(),
        1,
        "delegated sections are not units of their own"
    );
    let unit = &contents.units[0];
    let lectures: Vec<_> = unit.lectures.iter().map(|l| l.id.0).collect();
    assert_eq!(lectures, [310, 311]);
    let activities: Vec<_> = unit
        .activities
        .iter()
        .map(|a| (a.id.0, a.locked_reason.as_deref()))
        .collect();
    assert_eq!(
        activities,
        [
            (320, None),
            (501, Some("Not available unless: 補足 is complete"))
        ]
    );
}

#[test]
fn wrong_shapes_name_the_function_and_the_problem() {
    let check = |body: &[u8], want: fn(&DecodeProblem) -> bool| {
        let e = decode::course_contents(CourseId(42), body).unwrap_err();
        let Error::Decode { function, problem } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(function, "core_course_get_contents");
        assert!(want(problem), "{problem:?}");
    };
    check(b"", |p| *p == DecodeProblem::Empty);
    check(
        b"<!DOCTYPE html><html><title>Log in to the site</title></html>",
        |p| *p == DecodeProblem::Html,
    );
    let full = sample("core_course_get_contents.json");
    check(&full[..full.len() / 2], |p| *p == DecodeProblem::Truncated);
    check(br#"{"sections": []}"#, |p| {
        matches!(p, DecodeProblem::Shape(_))
    });
    check(
        br#"[{"id": 1, "modules": [{"id": 2, "instance": 3}]}]"#,
        |p| matches!(p, DecodeProblem::Shape(s) if s.contains("modname")),
    );
    check(b"Warning: something in PHP", |p| {
        matches!(p, DecodeProblem::NotJson(_))
    });
}

// ---- Tests (quizzes) -----------------------------------------------------------------------

/// The overview's bodies: the samples, with `required_qtypes` (which has no sample) and any
/// sample replaced by `overrides`.
struct Overview {
    quizzes: Value,
    access: Value,
    qtypes: Value,
    attempts: Value,
    attempt_access: Value,
    best: Value,
}

impl Overview {
    fn samples() -> Overview {
        Overview {
            quizzes: sample_json("mod_quiz_get_quizzes_by_courses.json"),
            access: sample_json("mod_quiz_get_quiz_access_information.json"),
            qtypes: json!({"questiontypes": ["multichoice"], "warnings": []}),
            attempts: sample_json("mod_quiz_get_user_attempts.json"),
            attempt_access: sample_json("mod_quiz_get_attempt_access_information.json"),
            best: sample_json("mod_quiz_get_user_best_grade.json"),
        }
    }

    fn quiz(&mut self) -> &mut Value {
        &mut self.quizzes["quizzes"][0]
    }

    fn decode(&self) -> Result<QuizOverview, Error> {
        let (quizzes, access, qtypes) = (
            bytes(&self.quizzes),
            bytes(&self.access),
            bytes(&self.qtypes),
        );
        let (attempts, attempt_access, best) = (
            bytes(&self.attempts),
            bytes(&self.attempt_access),
            bytes(&self.best),
        );
        decode::quiz_overview(
            LectureId(320),
            &decode::QuizBodies {
                quizzes: &quizzes,
                access: &access,
                required_qtypes: &qtypes,
                attempts: &attempts,
                attempt_access: &attempt_access,
                best_grade: &best,
            },
        )
    }
}

#[test]
fn quiz_overview_from_the_samples() {
    let o = Overview::samples().decode().unwrap();
    let q = &o.quiz;
    assert_eq!(
        (q.id, q.module, q.course),
        (QuizId(15), LectureId(320), CourseId(42))
    );
    assert_eq!(q.name, "第1講 確認テスト");
    assert_eq!(q.intro_html, "<p>全5問。80%以上で合格です。</p>");
    assert_eq!(q.max_attempts, None, "0 attempts = unlimited");
    assert_eq!((q.max_grade, q.pass_grade), (100.0, Some(80.0)));
    assert_eq!(q.decimal_points, 2);
    assert_eq!(
        (q.time_limit_secs, q.opens_at, q.closes_at),
        (None, None, None)
    );
    assert_eq!(q.navigation, Navigation::Free);
    assert!(!q.offline_attempts, "allowofflineattempts is 0");
    assert_eq!(q.autosave_secs, Some(60));
    assert_eq!(q.grade_method, GradeMethod::Highest);

    assert!(o.access.can_attempt && o.access.can_review);
    assert!(!o.access.needs_site);
    assert!(o.access.unsupported_types.is_empty());
    assert!(o.access.blocked.is_empty() && o.access.new_attempt_blocked.is_empty());

    let [first, second] = o.attempts.as_slice() else {
        panic!("{:?}", o.attempts)
    };
    assert_eq!(
        (first.id, first.quiz, first.number, first.usage),
        (AttemptId(8990), QuizId(15), 1, 45001)
    );
    assert_eq!(first.state, AttemptState::Finished);
    assert_eq!(
        (first.started_at, first.finished_at),
        (1735862400, Some(1735863300))
    );
    // 3 of 5 marks on a test graded out of 100.
    assert_eq!(first.grade, Some(60.0));
    assert_eq!(
        first.pages,
        vec![vec![1], vec![2], vec![3], vec![4], vec![5]]
    );
    assert_eq!(first.current_page, 4);
    assert_eq!(second.state, AttemptState::InProgress);
    assert_eq!(
        (second.finished_at, second.grade, second.deadline),
        (None, None, None)
    );
    assert_eq!(o.best_grade, Some(60.0));
    assert_eq!(o.status(), QuizStatus::InProgress);
    assert_eq!(o.open_attempt().map(|a| a.id), Some(AttemptId(9001)));
}

#[test]
fn attempt_marks_are_rescaled_to_the_quiz_grade() {
    let mut o = Overview::samples();
    o.quiz()["sumgrades"] = json!(10.0);
    o.quiz()["grade"] = json!(20.0);
    o.attempts["attempts"][0]["sumgrades"] = json!("7.5");
    assert_eq!(o.decode().unwrap().attempts[0].grade, Some(15.0));
    // Marks the review options hide stay hidden.
    o.attempts["attempts"][0]["sumgrades"] = Value::Null;
    assert_eq!(o.decode().unwrap().attempts[0].grade, None);
    // A test whose questions carry no marks grades 0, as Moodle shows it.
    o.attempts["attempts"][0]["sumgrades"] = json!(3.0);
    o.quiz()["sumgrades"] = json!(0);
    assert_eq!(o.decode().unwrap().attempts[0].grade, Some(0.0));
    // The best grade is already on the quiz's scale; hidden or absent, it is None.
    o.best = json!({"hasgrade": true, "warnings": []});
    let decoded = o.decode().unwrap();
    assert_eq!((decoded.best_grade, decoded.quiz.pass_grade), (None, None));
    o.best = json!({"hasgrade": false, "grade": 50.0, "warnings": []});
    assert_eq!(o.decode().unwrap().best_grade, None);
}

#[test]
fn offline_attempts_need_the_setting_free_navigation_and_no_time_limit() {
    let mut o = Overview::samples();
    o.quiz()["allowofflineattempts"] = json!(1);
    assert!(o.decode().unwrap().quiz.offline_attempts);
    o.quiz()["timelimit"] = json!(600);
    let timed = o.decode().unwrap().quiz;
    assert_eq!(timed.time_limit_secs, Some(600));
    assert!(!timed.offline_attempts);
    o.quiz()["timelimit"] = json!(0);
    o.quiz()["navmethod"] = json!("sequential");
    let sequential = o.decode().unwrap().quiz;
    assert_eq!(sequential.navigation, Navigation::Sequential);
    assert!(!sequential.offline_attempts);
    // A learner the access rules block gets no navmethod: not offline either.
    o.quiz()["navmethod"] = json!("free");
    o.quiz()
        .as_object_mut()
        .unwrap()
        .remove("allowofflineattempts");
    assert!(!o.decode().unwrap().quiz.offline_attempts);
}

#[test]
fn quiz_settings_map_to_the_model() {
    let mut o = Overview::samples();
    *o.quiz() = json!({
        "id": 16, "coursemodule": 320, "course": 42, "name": "t",
        "timeopen": 1735000000, "timeclose": 1736000000, "attempts": 3,
        "grademethod": 4, "decimalpoints": 0, "autosaveperiod": 0
    });
    let q = o.decode().unwrap().quiz;
    assert_eq!(
        (q.opens_at, q.closes_at),
        (Some(1735000000), Some(1736000000))
    );
    assert_eq!(q.max_attempts, Some(3));
    assert_eq!(q.grade_method, GradeMethod::Last);
    assert_eq!(q.decimal_points, 0);
    assert_eq!(q.autosave_secs, None, "0 turns autosave off");
    assert_eq!(q.max_grade, 0.0);
}

#[test]
fn rules_juko_cannot_satisfy_send_the_learner_to_the_site() {
    let mut o = Overview::samples();
    let with_rules = |o: &mut Overview, rules: &[&str]| {
        o.access["activerulenames"] = json!(rules);
        o.decode().unwrap().access.needs_site
    };
    assert!(!with_rules(
        &mut o,
        &[
            "quizaccess_timelimit",
            "quizaccess_openclosedate",
            "quizaccess_numattempts",
            "quizaccess_offlineattempts",
            "quizaccess_delaybetweenattempts",
            "quizaccess_ipaddress",
        ]
    ));
    assert!(with_rules(
        &mut o,
        &["quizaccess_timelimit", "quizaccess_password"]
    ));
    assert!(with_rules(&mut o, &["quizaccess_seb"]));
    assert!(with_rules(&mut o, &["quizaccess_securewindow"]));
    assert!(with_rules(&mut o, &["quizaccess_someplugin"]));
}

#[test]
fn access_reasons_and_unsupported_types_are_kept() {
    let mut o = Overview::samples();
    o.qtypes = json!({"questiontypes": ["multichoice", "essay", "description", "random", "truefalse", "match", "shortanswer"]});
    o.access["accessrules"] = json!(["制限時間: 10 分"]);
    o.access["preventaccessreasons"] = json!(["この小テストは終了しました。"]);
    o.access["canattempt"] = json!(false);
    o.attempt_access["preventnewattemptreasons"] = json!(["受験回数の上限に達しました。"]);
    let a = o.decode().unwrap().access;
    assert_eq!(a.unsupported_types, ["essay", "match"]);
    assert_eq!(a.rules, ["制限時間: 10 分"]);
    assert_eq!(a.blocked, ["この小テストは終了しました。"]);
    assert_eq!(a.new_attempt_blocked, ["受験回数の上限に達しました。"]);
    assert!(!a.can_attempt);
}

#[test]
fn the_open_attempt_takes_its_deadline_from_the_attempt_access() {
    let mut o = Overview::samples();
    o.attempt_access["endtime"] = json!(1736125200);
    let decoded = o.decode().unwrap();
    assert_eq!(decoded.attempts[1].deadline, Some(1736125200));
    assert_eq!(
        decoded.attempts[0].deadline, None,
        "finished attempts have none"
    );
    assert_eq!(
        decode::attempt_deadline(&bytes(&o.attempt_access)).unwrap(),
        Some(1736125200)
    );
    assert_eq!(
        decode::attempt_deadline(&sample("mod_quiz_get_attempt_access_information.json")).unwrap(),
        None
    );
}

#[test]
fn a_quiz_the_course_does_not_list_is_declined() {
    let mut o = Overview::samples();
    o.quiz()["coursemodule"] = json!(999);
    assert!(matches!(o.decode(), Err(Error::Declined { .. })));
    o.quizzes = json!({"quizzes": [], "warnings": [
        {"item": "course", "itemid": 42, "warningcode": "1", "message": "No access rights in course context"}
    ]});
    let e = o.decode().unwrap_err();
    assert!(
        matches!(&e, Error::Declined { message, warningcode: Some(c), .. }
            if message == "No access rights in course context" && c == "1"),
        "{e:?}"
    );
}

#[test]
fn bad_attempts_are_named_not_guessed() {
    let mut o = Overview::samples();
    o.attempts["attempts"][0]["state"] = json!("haunted");
    let e = o.decode().unwrap_err();
    assert!(e.to_string().contains("haunted"), "{e}");
    let mut o = Overview::samples();
    o.attempts["attempts"][0]["layout"] = json!("1,x,0");
    assert!(matches!(o.decode(), Err(Error::Decode { .. })));
    let mut o = Overview::samples();
    o.attempts["attempts"][0]
        .as_object_mut()
        .unwrap()
        .remove("uniqueid");
    let e = o.decode().unwrap_err();
    assert!(e.to_string().contains("uniqueid"), "{e}");
}

#[test]
fn start_attempt_sample_and_refusal() {
    let a = decode::start_attempt(&sample("mod_quiz_start_attempt.json")).unwrap();
    assert_eq!(
        (a.id, a.quiz, a.number, a.usage),
        (AttemptId(9001), QuizId(15), 2, 45678)
    );
    assert_eq!(a.state, AttemptState::InProgress);
    assert_eq!(a.pages.len(), 5);
    assert_eq!((a.deadline, a.grade), (None, None));
    // Moodle refuses a new attempt with an empty one and its reasons as warnings (§6.5).
    let refused = json!({"attempt": {}, "warnings": [
        {"item": "quiz", "itemid": 15, "warningcode": "1", "message": "受験回数の上限に達しました。"},
        {"item": "quiz", "itemid": 15, "warningcode": "1", "message": "この小テストは終了しました。"}
    ]});
    let e = decode::start_attempt(&bytes(&refused)).unwrap_err();
    assert!(
        matches!(&e, Error::Declined { message, .. }
            if message == "受験回数の上限に達しました。\nこの小テストは終了しました。"),
        "{e:?}"
    );
    assert!(matches!(
        decode::start_attempt(br#"{"attempt": {}, "warnings": []}"#),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn attempt_data_sample_carries_the_attempt() {
    let page = decode::attempt_data(0, &sample("mod_quiz_get_attempt_data.json")).unwrap();
    let a = &page.attempt;
    assert_eq!(
        (a.id, a.quiz, a.usage, a.state),
        (AttemptId(9001), QuizId(15), 45678, AttemptState::InProgress)
    );
    assert_eq!(a.slots().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!((page.page, page.next_page), (0, Some(1)));
    assert_eq!(page.questions.len(), 1);
    let mut last = sample_json("mod_quiz_get_attempt_data.json");
    last["nextpage"] = json!(-1);
    assert_eq!(
        decode::attempt_data(4, &bytes(&last)).unwrap().next_page,
        None
    );
}

#[test]
fn attempt_summary_reads_every_question_for_the_attempts_usage() {
    // No summary sample: its questions are the attempt data's, without the attempt.
    let data = sample_json("mod_quiz_get_attempt_data.json");
    let summary = json!({"questions": data["questions"], "totalunanswered": 1, "warnings": []});
    let page = decode::attempt_data(0, &bytes(&data)).unwrap();
    let questions = decode::attempt_summary(&page.attempt, &bytes(&summary)).unwrap();
    assert_eq!(questions, page.questions);
    // Read for another usage, the fields are not this question's: a clear error.
    let mut other = page.attempt.clone();
    other.usage = 1;
    assert!(matches!(
        decode::attempt_summary(&other, &bytes(&summary)),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn save_and_process_answers() {
    decode::save_attempt(&sample("mod_quiz_save_attempt.json")).unwrap();
    let warned =
        r#"{"status": true, "warnings": [{"warningcode": "x", "message": "保存できません"}]}"#;
    assert!(matches!(
        decode::save_attempt(warned.as_bytes()),
        Err(Error::Declined { message, .. }) if message == "保存できません"
    ));
    assert!(matches!(
        decode::save_attempt(br#"{"status": false, "warnings": []}"#),
        Err(Error::Declined { .. })
    ));
    assert_eq!(
        decode::process_attempt(&sample("mod_quiz_process_attempt.json")).unwrap(),
        AttemptState::Finished
    );
    assert_eq!(
        decode::process_attempt(br#"{"state": "inprogress", "warnings": []}"#).unwrap(),
        AttemptState::InProgress
    );
    assert!(matches!(
        decode::process_attempt(br#"{"state": "finished", "warnings": [{"message": "m"}]}"#),
        Err(Error::Declined { .. })
    ));
}

#[test]
fn stale_sequence_checks_and_closed_attempts_are_distinct() {
    let refusal = |code: &str| {
        let body = json!({"exception": "moodle_exception", "errorcode": code, "message": "m"});
        decode::process_attempt(&bytes(&body)).unwrap_err()
    };
    let stale = refusal("submissionoutofsequencefriendlymessage");
    assert!(stale.is_stale_answers() && !stale.is_attempt_closed());
    assert_eq!(stale.kind(), Some(ExceptionKind::StaleAnswers));
    assert!(refusal("submissionoutofsequence").is_stale_answers());
    let closed = refusal("attemptalreadyclosed");
    assert!(closed.is_attempt_closed() && !closed.is_stale_answers());
    assert_eq!(closed.kind(), Some(ExceptionKind::AttemptClosed));
    assert!(refusal("notyourattempt").is_not_available());
}

#[test]
fn attempt_review_sample() {
    let r = decode::attempt_review(&sample("mod_quiz_get_attempt_review.json")).unwrap();
    assert_eq!(
        (r.attempt.id, r.attempt.state),
        (AttemptId(8990), AttemptState::Finished)
    );
    assert_eq!(r.grade, Some(60.0));
    assert_eq!(r.attempt.grade, Some(60.0));
    assert_eq!(
        r.feedback_html.as_deref(),
        Some("<p>もう一度復習しましょう。</p>")
    );
    assert_eq!(r.questions.len(), 1);
    assert!(r.questions.iter().all(|q| q.read_only));
    let mut hidden = sample_json("mod_quiz_get_attempt_review.json");
    hidden["grade"] = json!("notyetgraded");
    hidden["additionaldata"] = json!([]);
    let r = decode::attempt_review(&bytes(&hidden)).unwrap();
    assert_eq!(
        (r.grade, r.attempt.grade, r.feedback_html),
        (None, None, None)
    );
}

// ---- Facility join (§5) ----------------------------------------------------------------------

#[test]
fn facility_courses_to_join_come_from_the_course_listing() {
    let courses =
        decode::joinable_courses(&sample("core_course_get_courses_by_field.json")).unwrap();
    assert_eq!(
        courses,
        [Course {
            id: CourseId(42),
            full_name: "施設コース：臨床研究基礎（2025年度）".into(),
            short_name: "FAC-0042".into(),
            category: "施設別コース".into(),
            summary_html: "<p>臨床研究に携わる方のための基礎講座です。</p>".into(),
            logo_url: Some(
                "https://icrweb.example.jp/webservice/pluginfile.php/1501/course/overviewfiles/cover.jpg"
                    .into()
            ),
            progress_percent: None,
            last_access: None,
        }]
    );
    // A course without self-enrolment is not offered; one without an image has no logo.
    let mut listing = sample_json("core_course_get_courses_by_field.json");
    let mut manual = listing["courses"][0].clone();
    manual["id"] = json!(43);
    manual["enrollmentmethods"] = json!(["manual"]);
    let mut plain = listing["courses"][0].clone();
    plain["id"] = json!(44);
    plain["overviewfiles"] = json!([]);
    let list = listing["courses"].as_array_mut().unwrap();
    list.push(manual);
    list.push(plain);
    let courses = decode::joinable_courses(&bytes(&listing)).unwrap();
    let ids: Vec<CourseId> = courses.iter().map(|c| c.id).collect();
    assert_eq!(ids, [CourseId(42), CourseId(44)]);
    assert_eq!(courses[1].logo_url, None);
}

#[test]
fn enrolment_answers_become_outcomes() {
    assert_eq!(
        decode::join_outcome(&sample("enrol_self_enrol_user.json")).unwrap(),
        JoinOutcome::Joined
    );
    assert_eq!(
        decode::join_outcome(&sample("enrol_self_enrol_user__invalid_key.json")).unwrap(),
        JoinOutcome::WrongCode
    );
    // Group keys on: warning 2 is a wrong code too.
    let mut group = sample_json("enrol_self_enrol_user__invalid_key.json");
    group["warnings"][0]["warningcode"] = json!("2");
    assert_eq!(
        decode::join_outcome(&bytes(&group)).unwrap(),
        JoinOutcome::WrongCode
    );
    // Already in the course (or the instance switched off): warning 1 and its reason.
    let mut inside = sample_json("enrol_self_enrol_user__invalid_key.json");
    inside["warnings"][0]["warningcode"] = json!("1");
    inside["warnings"][0]["message"] = json!("Enrolment is disabled or inactive");
    assert_eq!(
        decode::join_outcome(&bytes(&inside)).unwrap(),
        JoinOutcome::NotTakingLearners {
            reason: "Enrolment is disabled or inactive".into()
        }
    );
    // No self-enrolment at all is `canntenrol`: not taking learners, not an error.
    let none = json!({"exception": "moodle_exception", "errorcode": "canntenrol",
                      "message": "Enrolment is disabled or inactive"});
    assert!(matches!(
        decode::join_outcome(&bytes(&none)).unwrap(),
        JoinOutcome::NotTakingLearners { .. }
    ));
    // Other exceptions stay errors.
    let hidden = json!({"exception": "moodle_exception", "errorcode": "coursehidden",
                        "message": "error/coursehidden"});
    assert!(decode::join_outcome(&bytes(&hidden)).is_err());
}

#[test]
fn the_facility_user_id_is_read_from_the_own_profile() {
    let own = json!([{"id": 3, "fullname": "山田 花子", "profileimageurlsmall": "x",
        "profileimageurl": "y", "customfields": [
            {"type": "text", "value": "NCCH-000003", "displayvalue": "NCCH-000003",
             "name": "施設ユーザーID", "shortname": "facilityuserid"}]}]);
    assert_eq!(
        decode::facility_user_id(UserId(3), &bytes(&own)).unwrap(),
        Some("NCCH-000003".into())
    );
    // Someone else's answer is not read as the learner's.
    assert_eq!(
        decode::facility_user_id(UserId(4), &bytes(&own)).unwrap(),
        None
    );
    // A site without the field.
    let plain = json!([{"id": 3, "fullname": "山田 花子", "profileimageurlsmall": "x",
        "profileimageurl": "y"}]);
    assert_eq!(
        decode::facility_user_id(UserId(3), &bytes(&plain)).unwrap(),
        None
    );
}

// ---- お知らせ (announcements and notifications, §7) ------------------------------------------

#[test]
fn news_forums_are_the_boards_and_the_site_course_is_the_site() {
    use juko_model::{Board, BoardId};
    let boards =
        decode::news_boards(CourseId(1), &sample("mod_forum_get_forums_by_courses.json")).unwrap();
    assert_eq!(boards, [(BoardId(31), Board::Course(CourseId(42)))]);
    // The same forum in the front page course is the site's news.
    let boards = decode::news_boards(
        CourseId(42),
        &sample("mod_forum_get_forums_by_courses.json"),
    )
    .unwrap();
    assert_eq!(boards, [(BoardId(31), Board::Site)]);
    // Only `type = news` counts: a general forum is no announcement board.
    let mut forums = sample_json("mod_forum_get_forums_by_courses.json");
    forums[0]["type"] = json!("general");
    assert!(
        decode::news_boards(CourseId(1), &bytes(&forums))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn discussions_become_announcements() {
    use juko_model::{AnnouncementId, Board, BoardId};
    let list = decode::announcements(
        BoardId(31),
        Board::Course(CourseId(42)),
        &sample("mod_forum_get_forum_discussions.json"),
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    let a = &list[0];
    // The discussion's id, not its first post's (5101).
    assert_eq!(a.id, AnnouncementId(4101));
    assert_eq!(a.board, Board::Course(CourseId(42)));
    assert_eq!(a.subject, "2025年度 受講期限のお知らせ");
    assert_eq!(a.author.as_deref(), Some("佐藤 花子"));
    assert_eq!(a.posted_at, 1_736_035_200);
    assert!(a.pinned);
    assert_eq!(
        a.body_html,
        "<p>受講期限は2026年3月31日です。<img src=\"https://icrweb.example.jp/webservice/pluginfile.php/1610/mod_forum/post/5101/notice.png\" alt=\"\"></p>"
    );
    assert!(a.attachments.is_empty());

    // Hostile bodies are sanitised at once; attachments without a web address are dropped.
    let mut answer = sample_json("mod_forum_get_forum_discussions.json");
    let d = &mut answer["discussions"][0];
    d["message"] = json!("<p onclick=\"x()\">hi<script>alert(1)</script></p>");
    d["pinned"] = json!(0);
    d["timestart"] = json!(1_736_100_000);
    d["userfullname"] = Value::Null;
    d["attachments"] = json!([
        {"filename": "案内.pdf", "filepath": "/", "filesize": 2048, "mimetype": "application/pdf",
         "fileurl": "https://icrweb.example.jp/webservice/pluginfile.php/1610/mod_forum/attachment/5101/案内.pdf"},
        {"filename": "x", "fileurl": "javascript:alert(1)"}
    ]);
    let a = &decode::announcements(BoardId(31), Board::Site, &bytes(&answer)).unwrap()[0];
    assert_eq!(a.body_html, "<p>hi</p>");
    assert!(!a.pinned);
    assert_eq!(a.posted_at, 1_736_100_000, "shown from its display date");
    assert_eq!(a.author, None);
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].name, "案内.pdf");
    assert_eq!(a.attachments[0].mime_type, "application/pdf");
    assert_eq!(a.attachments[0].size_bytes, 2048);
}

#[test]
fn popup_notifications_and_messages_read_the_same() {
    use juko_model::{AnnouncementId, NotificationId};
    let popup =
        decode::popup_notifications(&sample("message_popup_get_popup_notifications.json")).unwrap();
    let messages =
        decode::message_notifications(&sample("core_message_get_messages.json")).unwrap();
    assert_eq!(popup, messages);
    let n = &popup[0];
    assert_eq!(n.id, NotificationId(778812));
    assert_eq!(n.subject, "お知らせ: 2025年度 受講期限のお知らせ");
    assert_eq!(n.body_html, "<p>受講期限は2026年3月31日です。</p>");
    assert_eq!(n.sent_at, 1_736_035_200);
    assert!(!n.read);
    assert_eq!(n.announcement, Some(AnnouncementId(4101)));
    assert_eq!(
        n.link.as_deref(),
        Some("https://icrweb.example.jp/mod/forum/discuss.php?d=4101#p5101")
    );

    let mut read = sample_json("message_popup_get_popup_notifications.json");
    read["notifications"][0]["read"] = json!(true);
    read["notifications"][0]["timeread"] = json!(1_736_040_000);
    read["notifications"][0]["customdata"] = json!("not json");
    read["notifications"][0]["contexturl"] = json!("javascript:alert(1)");
    let n = &decode::popup_notifications(&bytes(&read)).unwrap()[0];
    assert!(n.read);
    assert_eq!(n.announcement, None);
    assert_eq!(n.link, None);
    let mut read = sample_json("core_message_get_messages.json");
    read["messages"][0]["timeread"] = json!(1_736_040_000);
    assert!(decode::message_notifications(&bytes(&read)).unwrap()[0].read);
}

/// A content entry as `core_course_get_contents` lists a module's extra file.
fn file_entry(contextid: i64, area: &str, filename: &str, mimetype: Option<&str>) -> Value {
    let mut entry = json!({
        "type": "file",
        "filename": filename,
        "filepath": "/",
        "filesize": 120,
        "fileurl": format!("https://icrweb.example.jp/webservice/pluginfile.php/{contextid}/{area}/content/3/{filename}?forcedownload=1"),
        "timecreated": 1700000000,
        "timemodified": 1700000000,
        "sortorder": 0,
        "isexternalfile": false,
    });
    if let Some(m) = mimetype {
        entry["mimetype"] = json!(m);
    }
    entry
}

/// Captions (docs/captions.md): WebVTT files beside the video in a resource or a page, the
/// language from `{name}.{lang}.vtt`, Japanese when untagged; other files are not captions,
/// and the video stays the media.
#[test]
fn caption_tracks_beside_the_video() {
    let mut sections = contents_sample();
    for section in sections.iter_mut() {
        for m in section["modules"].as_array_mut().unwrap() {
            let id = m["id"].as_i64();
            let contents = m["contents"].as_array_mut();
            match id {
                Some(310) => {
                    let contents = contents.unwrap();
                    contents.push(file_entry(
                        1620,
                        "mod_resource",
                        "lecture01.ja.vtt",
                        Some("text/vtt"),
                    ));
                    contents.push(file_entry(
                        1620,
                        "mod_resource",
                        "lecture01.en.vtt",
                        Some("text/vtt"),
                    ));
                    contents.push(file_entry(
                        1620,
                        "mod_resource",
                        "slides.pdf",
                        Some("application/pdf"),
                    ));
                }
                Some(311) => {
                    // A page: the type left out, the name tells; no language tag.
                    let contents = contents.unwrap();
                    contents.insert(0, file_entry(1621, "mod_page", "supplement.vtt", None));
                    contents.push(file_entry(1621, "mod_page", "bad.vtt", Some("text/vtt")));
                    let last = contents.last_mut().unwrap();
                    last["fileurl"] = json!("javascript:alert(1)");
                }
                _ => {}
            }
        }
    }
    let contents = decode_sections(&sections);
    let media = |id| {
        contents
            .lecture(LectureId(id))
            .unwrap()
            .1
            .media
            .clone()
            .unwrap()
    };
    let resource = media(310);
    assert_eq!(resource.mime_type, "video/mp4");
    assert!(resource.url.ends_with("lecture01.mp4?forcedownload=1"));
    let tracks: Vec<_> = resource
        .captions
        .iter()
        .map(|t| {
            (
                t.language.as_str(),
                t.label.as_str(),
                t.url.rsplit('/').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tracks,
        [
            ("ja", "日本語", "lecture01.ja.vtt?forcedownload=1"),
            ("en", "English", "lecture01.en.vtt?forcedownload=1"),
        ]
    );
    let page = media(311);
    assert!(
        page.url.ends_with("supplement.mp4?forcedownload=1"),
        "{}",
        page.url
    );
    assert_eq!(page.captions.len(), 1, "only web addresses are tracks");
    assert_eq!(page.captions[0].language, "ja");
    assert!(
        page.captions[0]
            .url
            .contains("/mod_page/content/3/supplement.vtt")
    );
    // An external link has no site files, so no captions.
    assert!(media(312).captions.is_empty());
    // A kept copy from before captions (no `captions` field) still loads.
    let mut kept = serde_json::to_value(&resource).unwrap();
    kept.as_object_mut().unwrap().remove("captions");
    let old: Media = serde_json::from_value(kept).unwrap();
    assert!(old.captions.is_empty());
}
