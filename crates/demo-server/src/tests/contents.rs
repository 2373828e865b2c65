//! `core_course_get_contents`: shape, lecture metadata, locks and options.

use serde_json::Value;

use super::support::{Site, WWWROOT, assert_exception};
use crate::seed::catalog;
use crate::seed::courses::{FACILITY_A, FACILITY_B};

async fn contents(site: &Site, username: &str, shortname: &str, options: &[(&str, &str)]) -> Value {
    let token = site.token(username).await;
    let id = site.course_id(shortname).await.to_string();
    let mut params = vec![("courseid", id.as_str())];
    params.extend_from_slice(options);
    site.call(&token, "core_course_get_contents", &params).await
}

#[tokio::test]
async fn sections_are_the_units_after_general() {
    let site = Site::new().await;
    let reply = contents(&site, "learner1", FACILITY_A.shortname, &[]).await;
    let names: Vec<&str> = reply
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "一般",
            "臨床研究の基礎知識講座",
            "臨床研究継続研修講座2022",
            "臨床研究継続研修講座2023",
            "臨床研究継続研修講座2024",
            "修了証までの流れ（ミニ講座）"
        ]
    );
    for (number, section) in reply.as_array().expect("sections").iter().enumerate() {
        assert_eq!(section["section"], number);
        assert_eq!(section["uservisible"], true);
        assert_eq!(section["summaryformat"], 1);
    }
}

#[tokio::test]
async fn a_lecture_module_has_its_file_metadata_and_completion() {
    let site = Site::new().await;
    let reply = contents(&site, "learner2", FACILITY_B.shortname, &[]).await;
    // Facility B's unit 3 is 生物統計基礎講座1.
    let lecture = &reply[3]["modules"][0];
    let (cmid, instance, contextid) = (&lecture["id"], &lecture["instance"], &lecture["contextid"]);
    assert_ne!(cmid, instance, "cmid and instance id are different numbers");
    assert_ne!(cmid, contextid);
    assert_eq!(lecture["name"], "1. データの記述 《講師:水澤純基》");
    assert_eq!(
        lecture["description"], "<p>講師: 水澤純基</p><p>時間: 0:01:08</p>",
        "test sites list their short length (68 s for the brochure's 1:08)"
    );
    assert_eq!(lecture["modname"], "resource");
    assert_eq!(lecture["modplural"], "ファイル");
    assert_eq!(
        lecture["url"],
        format!("{WWWROOT}/mod/resource/view.php?id={cmid}")
    );
    assert_eq!(lecture["uservisible"], true);
    // With the viewing-history extension, lectures complete by watching.
    assert_eq!(lecture["completion"], 2);
    assert_eq!(lecture["completiondata"]["isautomatic"], true);
    assert_eq!(
        lecture["completiondata"]["details"],
        serde_json::json!([{
            "rulename": "completionwatched",
            "rulevalue": {"status": 0, "description": "Watch at least 90% of the video"}
        }])
    );

    let file = &lecture["contents"][0];
    assert_eq!(file["type"], "file");
    assert_eq!(file["mimetype"], "video/mp4");
    assert_eq!(file["filename"], "biostat1-01.mp4");
    assert!(file["filesize"].as_i64().unwrap_or(0) > 1000);
    assert_eq!(
        file["fileurl"],
        format!(
            "{WWWROOT}/webservice/pluginfile.php/{contextid}/mod_resource/content/1/biostat1-01.mp4?forcedownload=1"
        )
    );
    let info = &lecture["contentsinfo"];
    assert_eq!(info["filescount"], 1);
    assert_eq!(info["mimetypes"][0], "video/mp4");
    assert_eq!(info["filessize"], file["filesize"]);
}

#[tokio::test]
async fn every_facility_unit_ends_with_a_locked_certificate() {
    let site = Site::new().await;
    let reply = contents(&site, "learner1", FACILITY_A.shortname, &[]).await;
    for section in &reply.as_array().expect("sections")[1..] {
        let modules = section["modules"].as_array().expect("modules");
        let cert = modules.last().expect("certificate");
        assert_eq!(cert["modname"], "customcert", "{}", section["name"]);
        assert_eq!(
            cert["name"],
            format!("{} 修了証", section["name"].as_str().unwrap_or(""))
        );
        assert_eq!(cert["uservisible"], false);
        assert_eq!(cert["completion"], 0);
        assert!(cert.get("completiondata").is_none());
        assert!(cert.get("contents").is_none());
        let info = cert["availabilityinfo"].as_str().unwrap_or("");
        assert!(info.starts_with("Not available unless:"), "{info}");
        let first_lecture = modules[0]["name"].as_str().unwrap_or("");
        assert!(info.contains(first_lecture), "{info} names {first_lecture}");
        // The lectures feed the certificate's rule.
        assert_eq!(modules[0]["completiondata"]["valueused"], true);
    }
}

#[tokio::test]
async fn descriptions_carry_lecturer_and_time_as_listed() {
    let site = Site::new().await;
    let reply = contents(&site, "learner1", FACILITY_A.shortname, &[]).await;
    let kiso = &reply[1]["modules"];
    assert_eq!(kiso[0]["name"], "1. 臨床研究概論");
    assert_eq!(
        kiso[0]["description"], "<p>時間: 0:00:05</p>",
        "no lecturer named, no 講師 line"
    );
    let keizoku = &reply[4]["modules"];
    assert_eq!(
        keizoku[1]["name"],
        "研究コンセプトの作り方-統計家の視点から- 《講師:山本 精一郎》"
    );
    assert_eq!(
        keizoku[1]["description"],
        "<p>講師: 山本 精一郎</p><p>時間: 0:00:52</p>"
    );
}

#[tokio::test]
async fn options_filter_like_moodle() {
    let site = Site::new().await;
    let shortname = FACILITY_A.shortname;
    let opt = |name: &'static str, value: &'static str| {
        [("options[0][name]", name), ("options[0][value]", value)]
    };

    let no_modules = contents(&site, "learner1", shortname, &opt("excludemodules", "1")).await;
    assert!(
        no_modules
            .as_array()
            .expect("sections")
            .iter()
            .all(|s| s["modules"] == serde_json::json!([]))
    );

    let no_contents = contents(&site, "learner1", shortname, &opt("excludecontents", "1")).await;
    let lecture = &no_contents[1]["modules"][0];
    assert!(lecture.get("contents").is_none());
    // The video and its two caption files (seed/captions.rs).
    assert_eq!(lecture["contentsinfo"]["filescount"], 3);

    let one_section = contents(&site, "learner1", shortname, &opt("sectionnumber", "2")).await;
    assert_eq!(one_section.as_array().map(Vec::len), Some(1));
    assert_eq!(one_section[0]["name"], "臨床研究継続研修講座2022");

    let all = contents(&site, "learner1", shortname, &[]).await;
    let cmid = all[2]["modules"][1]["id"]
        .as_i64()
        .expect("cmid")
        .to_string();
    let token = site.token("learner1").await;
    let id = site.course_id(shortname).await.to_string();
    let one_module = site
        .call(
            &token,
            "core_course_get_contents",
            &[
                ("courseid", &id),
                ("options[0][name]", "cmid"),
                ("options[0][value]", &cmid),
            ],
        )
        .await;
    assert_eq!(one_module.as_array().map(Vec::len), Some(1));
    assert_eq!(one_module[0]["modules"].as_array().map(Vec::len), Some(1));
    assert_eq!(one_module[0]["modules"][0]["id"].to_string(), cmid);

    let certs = contents(&site, "learner1", shortname, &opt("modname", "customcert")).await;
    assert!(
        certs[1]["modules"]
            .as_array()
            .expect("modules")
            .iter()
            .all(|m| m["modname"] == "customcert")
    );

    let app_options = [
        ("options[0][name]", "excludemodules"),
        ("options[0][value]", "0"),
        ("options[1][name]", "excludecontents"),
        ("options[1][value]", "0"),
        ("options[2][name]", "includestealthmodules"),
        ("options[2][value]", "1"),
    ];
    assert_eq!(
        contents(&site, "learner1", shortname, &app_options).await,
        all
    );

    let unknown = contents(&site, "learner1", shortname, &opt("colour", "1")).await;
    assert_exception(&unknown, "errorinvalidparam");
}

#[tokio::test]
async fn courses_share_media_but_not_modules() {
    let site = Site::new().await;
    let a = contents(&site, "learner1", FACILITY_A.shortname, &[]).await;
    let b = contents(&site, "learner2", FACILITY_B.shortname, &[]).await;
    // 臨床研究継続研修講座2024's first lecture is in both facility courses.
    let lecture_a = &a[4]["modules"][0];
    let lecture_b = &b[2]["modules"][0];
    assert_eq!(lecture_a["name"], catalog::KEIZOKU_2024.lectures[0].name);
    assert_eq!(lecture_a["name"], lecture_b["name"]);
    assert_ne!(lecture_a["id"], lecture_b["id"]);
    assert_ne!(lecture_a["contextid"], lecture_b["contextid"]);
    assert_eq!(
        lecture_a["contents"][0]["filesize"],
        lecture_b["contents"][0]["filesize"]
    );
}
