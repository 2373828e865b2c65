//! The units' tests as quizzes: the seeded quizzes on the course page and the read-side
//! `mod_quiz_*` functions, each answer checked against Moodle 4.5's declared structure
//! (`fixtures/`), plus who may see which quiz.

use serde_json::Value;

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception, listed_functions, strings};
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B};

/// The quiz modules of a course's page, as `core_course_get_contents` lists them.
async fn quiz_modules(site: &Site, token: &str, shortname: &str) -> Vec<Value> {
    let courseid = site.course_id(shortname).await.to_string();
    let sections = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    sections
        .as_array()
        .unwrap_or_else(|| panic!("sections: {sections}"))
        .iter()
        .flat_map(|s| s["modules"].as_array().expect("modules").clone())
        .filter(|m| m["modname"] == "quiz")
        .collect()
}

/// The instance id of the quiz whose name starts with `prefix` in a course.
async fn quiz_id(site: &Site, token: &str, shortname: &str, prefix: &str) -> i64 {
    quiz_modules(site, token, shortname)
        .await
        .iter()
        .find(|m| m["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
        .and_then(|m| m["instance"].as_i64())
        .unwrap_or_else(|| panic!("no quiz {prefix} in {shortname}"))
}

/// The quiz id of 臨床研究の基礎知識講座's test in facility A's course (learner1's).
async fn basic_quiz(site: &Site, token: &str) -> i64 {
    quiz_id(site, token, FACILITY_A.shortname, "臨床研究の基礎知識講座").await
}

/// The quiz id of a unit's test in a course nobody may enter: the catalog.
async fn foreign_quiz_id(site: &Site) -> i64 {
    let courseid = site.course_id(CATALOG.shortname).await;
    site.query_i64("SELECT MIN(id) FROM quiz WHERE course = ?1", courseid)
        .await
}

#[tokio::test]
async fn site_info_lists_every_quiz_function() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    let names = listed_functions(&info);
    for function in [
        "mod_quiz_get_quizzes_by_courses",
        "mod_quiz_get_quiz_access_information",
        "mod_quiz_get_quiz_required_qtypes",
        "mod_quiz_get_user_attempts",
        "mod_quiz_get_user_best_grade",
        "mod_quiz_view_quiz",
        "mod_quiz_get_attempt_access_information",
        "mod_quiz_start_attempt",
        "mod_quiz_get_attempt_data",
        "mod_quiz_get_attempt_summary",
        "mod_quiz_save_attempt",
        "mod_quiz_process_attempt",
        "mod_quiz_get_attempt_review",
        "mod_quiz_view_attempt",
        "mod_quiz_view_attempt_summary",
        "mod_quiz_view_attempt_review",
    ] {
        assert!(names.contains(&function), "{function} not in {names:?}");
    }
}

#[tokio::test]
async fn each_unit_test_is_a_quiz_module_after_its_lectures() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let courseid = site.course_id(FACILITY_B.shortname).await.to_string();
    let sections = site
        .call(
            &token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    let mut tests = Vec::new();
    for section in sections.as_array().expect("sections") {
        let modules = section["modules"].as_array().expect("modules");
        let Some(at) = modules.iter().position(|m| m["modname"] == "quiz") else {
            continue;
        };
        let quiz = &modules[at];
        // Every lecture of the unit comes before its test.
        assert!(
            modules[at..].iter().all(|m| m["modname"] != "resource"),
            "{section}"
        );
        assert_eq!(quiz["purpose"], "assessment");
        assert_eq!(quiz["uservisible"], true);
        assert!(
            quiz["url"]
                .as_str()
                .expect("url")
                .ends_with(&format!("/mod/quiz/view.php?id={}", quiz["id"])),
            "{quiz}"
        );
        tests.push(quiz["name"].as_str().expect("name").to_owned());
    }
    assert_eq!(
        tests,
        [
            "臨床研究の基礎知識講座 確認テスト",
            "研究倫理と研究公正 確認テスト"
        ]
    );
}

#[tokio::test]
async fn quizzes_by_courses_gives_the_settings_that_decide_offline_use() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let (text, reply) = call(&site, &token, "mod_quiz_get_quizzes_by_courses", &[]).await;
    assert_shape(&text, fixture!("mod_quiz_get_quizzes_by_courses"));
    let quizzes = reply["quizzes"].as_array().expect("quizzes");
    assert_eq!(quizzes.len(), 2, "{reply}");
    let modules = quiz_modules(&site, &token, FACILITY_B.shortname).await;
    for (quiz, module) in quizzes.iter().zip(&modules) {
        assert_eq!(quiz["coursemodule"], module["id"]);
        assert_eq!(quiz["id"], module["instance"]);
        assert_eq!(quiz["name"], module["name"]);
        assert_eq!(quiz["preferredbehaviour"], "deferredfeedback");
        assert_eq!(quiz["navmethod"], "free");
        assert_eq!(quiz["grade"], 100.0);
        assert_eq!(quiz["lang"], "");
        assert_eq!(quiz["hasquestions"], 1);
        // Right or wrong is not shown during an attempt.
        let during = 0x10000;
        assert_eq!(
            quiz["reviewcorrectness"].as_i64().expect("bits") & during,
            0
        );
        assert_eq!(
            quiz["reviewrightanswer"].as_i64().expect("bits") & during,
            0
        );
    }
    let (basic, ethics) = (&quizzes[0], &quizzes[1]);
    assert_eq!(basic["allowofflineattempts"], 1);
    assert_eq!(basic["timelimit"], 0);
    assert_eq!(basic["attempts"], 3);
    assert_eq!(basic["sumgrades"], 10.0);
    assert_eq!(ethics["allowofflineattempts"], 0);
    assert_eq!(ethics["timelimit"], 600);
    assert_eq!(ethics["sumgrades"], 5.0);
}

#[tokio::test]
async fn quizzes_of_a_course_the_learner_is_not_in_are_not_listed() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let theirs = site.course_id(FACILITY_B.shortname).await;
    let mine = site.course_id(FACILITY_A.shortname).await;
    let (text, reply) = call(
        &site,
        &token,
        "mod_quiz_get_quizzes_by_courses",
        &[
            ("courseids[0]", &theirs.to_string()),
            ("courseids[1]", &mine.to_string()),
        ],
    )
    .await;
    assert_shape(&text, fixture!("mod_quiz_get_quizzes_by_courses"));
    let quizzes = reply["quizzes"].as_array().expect("quizzes");
    // The basic unit's test and the short unit's.
    assert_eq!(quizzes.len(), 2, "{reply}");
    assert!(quizzes.iter().all(|q| q["course"] == mine), "{reply}");
    assert_eq!(reply["warnings"][0]["itemid"], theirs);
    assert_eq!(reply["warnings"][0]["warningcode"], "1");
}

#[tokio::test]
async fn access_information_names_the_rules_in_force() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let basic = quiz_id(
        &site,
        &token,
        FACILITY_B.shortname,
        "臨床研究の基礎知識講座",
    )
    .await;
    let ethics = quiz_id(&site, &token, FACILITY_B.shortname, "研究倫理").await;
    let function = "mod_quiz_get_quiz_access_information";

    let (text, reply) = call(&site, &token, function, &[("quizid", &basic.to_string())]).await;
    assert_shape(&text, fixture!("mod_quiz_get_quiz_access_information"));
    assert_eq!(reply["canattempt"], true);
    assert_eq!(reply["canreviewmyattempts"], true);
    assert_eq!(reply["canmanage"], false);
    assert_eq!(reply["canpreview"], false);
    assert_eq!(reply["canviewreports"], false);
    assert_eq!(
        strings(&reply["activerulenames"]),
        [
            "quizaccess_numattempts",
            "quizaccess_offlineattempts",
            "quizaccess_openclosedate"
        ]
    );
    assert_eq!(strings(&reply["accessrules"]), ["受験可能回数: 3"]);
    assert!(strings(&reply["preventaccessreasons"]).is_empty());

    let (text, reply) = call(&site, &token, function, &[("quizid", &ethics.to_string())]).await;
    assert_shape(&text, fixture!("mod_quiz_get_quiz_access_information"));
    assert_eq!(
        strings(&reply["activerulenames"]),
        [
            "quizaccess_numattempts",
            "quizaccess_openclosedate",
            "quizaccess_timelimit"
        ]
    );
    assert_eq!(
        strings(&reply["accessrules"]),
        ["受験可能回数: 2", "制限時間: 10 分"]
    );
}

#[tokio::test]
async fn required_qtypes_are_the_types_the_questions_use() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let basic = basic_quiz(&site, &token).await;
    let (text, reply) = call(
        &site,
        &token,
        "mod_quiz_get_quiz_required_qtypes",
        &[("quizid", &basic.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("mod_quiz_get_quiz_required_qtypes"));
    assert_eq!(
        strings(&reply["questiontypes"]),
        ["multichoice", "shortanswer", "truefalse"]
    );
}

#[tokio::test]
async fn a_learner_without_attempts_has_none_and_no_grade() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let basic = basic_quiz(&site, &token).await.to_string();
    for status in ["all", "finished", "unfinished"] {
        let (text, reply) = call(
            &site,
            &token,
            "mod_quiz_get_user_attempts",
            &[
                ("quizid", &basic),
                ("status", status),
                ("includepreviews", "1"),
            ],
        )
        .await;
        assert_shape(&text, fixture!("mod_quiz_get_user_attempts"));
        assert_eq!(reply["attempts"], serde_json::json!([]), "{status}");
    }
    let (text, reply) = call(
        &site,
        &token,
        "mod_quiz_get_user_best_grade",
        &[("quizid", &basic)],
    )
    .await;
    assert_shape(&text, fixture!("mod_quiz_get_user_best_grade"));
    assert_eq!(reply["hasgrade"], false);
    assert!(reply.get("grade").is_none(), "{reply}");
    // The pass mark: 80 % of the quiz's grade of 100.
    assert_eq!(reply["gradetopass"], 80.0);
}

#[tokio::test]
async fn attempts_refuse_a_bad_status_and_another_learner() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let basic = basic_quiz(&site, &token).await.to_string();
    let other = site.userid(&site.token("learner2").await).await.to_string();
    let attempts = "mod_quiz_get_user_attempts";
    let reply = site
        .call(
            &token,
            attempts,
            &[("quizid", &basic), ("status", "everything")],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
    let reply = site
        .call(
            &token,
            attempts,
            &[("quizid", &basic), ("includepreviews", "yes")],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
    for function in [attempts, "mod_quiz_get_user_best_grade"] {
        let reply = site
            .call(&token, function, &[("quizid", &basic), ("userid", &other)])
            .await;
        assert_exception(&reply, "nopermissions");
        let reply = site
            .call(
                &token,
                function,
                &[("quizid", &basic), ("userid", "999999")],
            )
            .await;
        assert_exception(&reply, "invalidrecord");
    }
}

#[tokio::test]
async fn a_quiz_outside_the_learners_courses_is_refused_by_every_function() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let foreign = foreign_quiz_id(&site).await.to_string();
    let functions = [
        "mod_quiz_get_quiz_access_information",
        "mod_quiz_get_quiz_required_qtypes",
        "mod_quiz_get_user_attempts",
        "mod_quiz_get_user_best_grade",
        "mod_quiz_view_quiz",
    ];
    for function in functions {
        let reply = site.call(&token, function, &[("quizid", &foreign)]).await;
        assert_exception(&reply, "requireloginerror");
        assert!(
            reply["message"]
                .as_str()
                .is_some_and(|m| m.contains("Not enrolled")),
            "{function}: {reply}"
        );
        let reply = site.call(&token, function, &[("quizid", "999999")]).await;
        assert_exception(&reply, "invalidrecord");
        for hostile in ["abc", "99999999999999999999", "1.5", ""] {
            let reply = site.call(&token, function, &[("quizid", hostile)]).await;
            assert_exception(&reply, "invalidparameter");
        }
        let reply = site.call(&token, function, &[("quizid", "-1")]).await;
        assert_exception(&reply, "invalidrecord");
        let reply = site
            .call(&token, function, &[("quizid", &foreign), ("cmid", "1")])
            .await;
        assert_exception(&reply, "invalidparameter");
        let reply = site.call(&token, function, &[]).await;
        assert_exception(&reply, "invalidparameter");
    }
    let logged = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log WHERE component = 'mod_quiz' AND userid > ?1",
            0,
        )
        .await;
    assert_eq!(logged, 0, "a refused view is not logged");
}

#[tokio::test]
async fn viewing_a_quiz_is_logged_for_the_learner() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let basic = basic_quiz(&site, &token).await;
    let (text, reply) = call(
        &site,
        &token,
        "mod_quiz_view_quiz",
        &[("quizid", &basic.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("mod_quiz_view_quiz"));
    assert_eq!(reply["status"], true);
    let logged = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log
             WHERE eventname = '\\mod_quiz\\event\\course_module_viewed' AND objectid = ?1",
            basic,
        )
        .await;
    assert_eq!(logged, 1);
}
