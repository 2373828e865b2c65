//! The site without the viewing-history extension (a stock Moodle site, for the client's
//! fallback), switching modes over a kept database, and upgrading a database from before the
//! extension.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::support::{Site, assert_exception, listed_functions, played, strings, test_media_dir};
use crate::config::{Config, DbLocation};
use crate::functions::functions;
use crate::seed::courses::{FACILITY_A, FACILITY_B};

fn stock_site_config() -> Config {
    let mut config = Config::for_tests(test_media_dir());
    config.progress_extension = false;
    config
}

/// The modules of a unit of facility A, as learner sees them.
async fn unit(site: &Site, token: &str, number: usize) -> Vec<Value> {
    let courseid = site.course_id(FACILITY_A.shortname).await.to_string();
    let contents = site
        .call(
            token,
            "core_course_get_contents",
            &[("courseid", &courseid)],
        )
        .await;
    contents[number]["modules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn mark(site: &Site, token: &str, cmid: &Value, completed: &str) -> Value {
    let cmid = cmid.as_i64().expect("cmid").to_string();
    site.call(
        token,
        "core_completion_update_activity_completion_status_manually",
        &[("cmid", &cmid), ("completed", completed)],
    )
    .await
}

#[tokio::test]
async fn without_the_extension_the_site_is_stock_moodle() {
    let site = Site::with_config(stock_site_config()).await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    let listed = listed_functions(&info);
    assert_eq!(listed, functions(false));
    assert!(!listed.iter().any(|f| f.starts_with("local_juko")));
    assert!(listed.contains(&"core_completion_update_activity_completion_status_manually"));
    assert!(listed.contains(&"core_completion_get_activities_completion_status"));

    for function in ["local_juko_push_progress", "local_juko_get_progress"] {
        let reply = site
            .call(&token, function, &[("deviceid", "d"), ("since", "")])
            .await;
        assert_exception(&reply, "accessexception");
        assert_eq!(reply["exception"], "webservice_access_exception");
    }

    let modules = unit(&site, &token, 3).await;
    let (lecture, other, certificate) = (&modules[0], &modules[1], &modules[2]);
    assert_eq!(lecture["completion"], 1, "manual tracking: {lecture}");
    assert_eq!(lecture["completiondata"]["isautomatic"], false);
    assert_eq!(lecture["completiondata"]["details"], json!([]));

    // Opening a lecture logs the view; it completes nothing.
    let instance = lecture["instance"].as_i64().expect("instance").to_string();
    let viewed = site
        .call(
            &token,
            "mod_resource_view_resource",
            &[("resourceid", &instance)],
        )
        .await;
    assert_eq!(viewed["status"], true);
    assert_eq!(
        unit(&site, &token, 3).await[0]["completiondata"]["state"],
        0
    );

    assert_eq!(
        mark(&site, &token, &lecture["id"], "1").await,
        json!({"status": true, "warnings": []})
    );
    assert_eq!(certificate["uservisible"], false);
    mark(&site, &token, &other["id"], "1").await;
    let modules = unit(&site, &token, 3).await;
    assert_eq!(modules[0]["completiondata"]["state"], 1);
    assert!(
        modules[0]["completiondata"]["timecompleted"]
            .as_i64()
            .unwrap_or(0)
            > 0
    );
    assert_eq!(modules[2]["uservisible"], true, "the certificate opens");
    // The certificate tracks no completion: no manual toggle there.
    assert_exception(
        &mark(&site, &token, &certificate["id"], "1").await,
        "cannotmanualctrack",
    );

    // Manual completion can be taken back.
    mark(&site, &token, &lecture["id"], "0").await;
    let modules = unit(&site, &token, 3).await;
    assert_eq!(modules[0]["completiondata"]["state"], 0);
    assert_eq!(modules[2]["uservisible"], false);
}

fn file_db_config(dir: &Path, extension: bool) -> Config {
    let mut config = Config::for_tests(test_media_dir());
    config.db = DbLocation::File(dir.join("demo.sqlite3"));
    config.progress_extension = extension;
    config
}

fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "juko-demo-server-{name}-{}-{:x}",
        std::process::id(),
        rand::random::<u64>()
    ))
}

#[tokio::test]
async fn the_mode_follows_the_flag_and_history_stays() {
    let dir = temp_dir("modes");
    let with = Site::with_config(file_db_config(&dir, true)).await;
    let token = with.token("learner1").await;
    let lectures = with.lectures(&token, FACILITY_A.shortname, 1).await;
    let pushed = with.watch_whole(&token, lectures[1]).await;
    let cursor = pushed["cursor"].as_str().expect("cursor").to_owned();
    drop(with);

    let without = Site::with_config(file_db_config(&dir, false)).await;
    let modules = unit(&without, &token, 1).await;
    assert_eq!(modules[1]["completion"], 1);
    assert_eq!(modules[1]["completiondata"]["state"], 1, "completion stays");
    assert_eq!(modules[2]["completiondata"]["state"], 0);
    drop(without);

    let again = Site::with_config(file_db_config(&dir, true)).await;
    let modules = unit(&again, &token, 1).await;
    assert_eq!(modules[1]["completion"], 2);
    assert_eq!(modules[1]["completiondata"]["state"], 1);
    // Cursors outlive restarts of the same database.
    let page = again.pull(&token, &cursor, None).await;
    assert_eq!(page["lectures"], json!([]), "{page}");
    assert_eq!(page["cursor"], cursor.as_str());
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_database_from_before_the_extension_is_upgraded() {
    let dir = temp_dir("upgrade");
    let first = Site::with_config(file_db_config(&dir, true)).await;
    let token = first.token("learner1").await;
    // Back to version 1, as a database seeded before the extension (and quizzes) existed.
    first
        .state
        .db()
        .call(|conn| {
            conn.execute_batch(
                "ALTER TABLE enrol DROP COLUMN customint6; ALTER TABLE enrol DROP COLUMN customint3;
                 ALTER TABLE enrol DROP COLUMN enrolenddate;
                 ALTER TABLE enrol DROP COLUMN enrolstartdate;
                 DELETE FROM course_modules WHERE module = 'quiz';
                 DROP TABLE question_attempt_step_data; DROP TABLE question_attempt_steps;
                 DROP TABLE question_attempts; DROP TABLE question_usages; DROP TABLE quiz_grades;
                 ALTER TABLE course_modules DROP COLUMN completionusegrade;
                 DROP TABLE quiz_attempts; DROP TABLE quiz_slots; DROP TABLE question_answers;
                 DROP TABLE question; DROP TABLE quiz;
                 ALTER TABLE course_modules DROP COLUMN completionpassgrade;
                 DROP TABLE local_juko_event; DROP TABLE local_juko_progress;
                 DROP TABLE local_juko_lecture;
                 ALTER TABLE course_modules DROP COLUMN completionwatched;
                 UPDATE course_modules SET completion = 2, completionview = 1
                     WHERE module = 'resource';
                 DELETE FROM demo_meta WHERE name = 'progress_epoch';
                 DELETE FROM files WHERE component = 'mod_forum' OR filearea = 'overviewfiles';
                 DELETE FROM course_modules WHERE module = 'forum';
                 DROP TABLE notifications; DROP TABLE forum_posts;
                 DROP TABLE forum_discussions; DROP TABLE forum;
                 PRAGMA user_version = 1;",
            )?;
            Ok(())
        })
        .await
        .expect("downgrade");
    drop(first);

    let upgraded = Site::with_config(file_db_config(&dir, true)).await;
    let lectures = upgraded
        .query_i64(
            "SELECT COUNT(*) FROM local_juko_lecture WHERE duration > ?1",
            0,
        )
        .await;
    let resources = upgraded
        .query_i64(
            "SELECT COUNT(*) FROM course_modules WHERE module = 'resource' AND id > ?1",
            0,
        )
        .await;
    assert_eq!(lectures, resources, "every lecture has its length again");
    let kiso = upgraded.lectures(&token, FACILITY_A.shortname, 1).await;
    let answer = upgraded
        .push(
            &token,
            "d",
            &[played("u", kiso[0], 0.0, 5.0, upgraded.now_ms())],
        )
        .await;
    assert_eq!(strings(&answer["applied"]), ["u"]);
    let page = upgraded.pull(&token, "", None).await;
    assert_eq!(page["lectures"][0]["duration"], 5.0);
    assert_eq!(page["lectures"][0]["completed"], true);
    // Self-enrolments seeded before version 5 still take learners with their code.
    let facility_a = upgraded.course_id(FACILITY_A.shortname).await;
    let open = upgraded
        .query_i64(
            "SELECT customint6 FROM enrol WHERE enrol = 'self' AND courseid = ?1",
            facility_a,
        )
        .await;
    assert_eq!(open, 1);
    // Announcements came with version 7: the site's, the facilities' and iCROWN's.
    let forums = upgraded
        .query_i64(
            "SELECT COUNT(*) FROM forum WHERE type = 'news' AND id > ?1",
            0,
        )
        .await;
    assert_eq!(forums, 4);
    drop(upgraded);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_kept_database_gets_the_lengths_and_videos_of_the_media_in_use() {
    let dir = temp_dir("relink");
    let first = Site::with_config(file_db_config(&dir, true)).await;
    let token = first.token("learner1").await;
    let kiso = first.lectures(&token, FACILITY_A.shortname, 1).await;
    let cmid = kiso[0];
    let seeded = |site: &Site| {
        let db = site.state.db().clone();
        async move {
            db.call(move |conn| {
                Ok(conn.query_row(
                    "SELECT r.intro, l.duration, f.contenthash FROM course_modules cm
                     JOIN resource r ON r.id = cm.instance
                     JOIN local_juko_lecture l ON l.cmid = cm.id
                     JOIN context ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id
                     JOIN files f ON f.contextid = ctx.id
                     WHERE cm.id = ?1",
                    [cmid],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, f64>(1)?,
                            row.get::<_, String>(2)?,
                        ))
                    },
                )?)
            })
            .await
            .expect("lecture row")
        }
    };
    let want = seeded(&first).await;
    assert_eq!(want.0, "<p>時間: 0:00:05</p>");
    assert_eq!(want.1, 5.0);
    // As an older version left it: another listing, length and clip.
    first
        .state
        .db()
        .call(move |conn| {
            conn.execute_batch(
                "UPDATE resource SET intro = '<p>時間: 0:05</p>';
                 UPDATE local_juko_lecture SET duration = 1;
                 UPDATE files SET contenthash = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';",
            )?;
            Ok(())
        })
        .await
        .expect("age the database");
    drop(first);

    let again = Site::with_config(file_db_config(&dir, true)).await;
    assert_eq!(seeded(&again).await, want);
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_kept_database_gets_the_demo_learners_added_since() {
    let dir = temp_dir("learners");
    let first = Site::with_config(file_db_config(&dir, true)).await;
    // As seeded before `newcomer` (and, to check enrolments, `learner2`) existed.
    first
        .state
        .db()
        .call(|conn| {
            conn.execute_batch(
                "DELETE FROM user_enrolments WHERE userid IN
                     (SELECT id FROM user WHERE username IN ('learner2', 'newcomer'));
                 DELETE FROM notifications WHERE useridto IN
                     (SELECT id FROM user WHERE username IN ('learner2', 'newcomer'));
                 DELETE FROM user WHERE username IN ('learner2', 'newcomer');",
            )?;
            Ok(())
        })
        .await
        .expect("forget learners");
    drop(first);

    let kept = Site::with_config(file_db_config(&dir, true)).await;
    let users = kept
        .query_i64("SELECT COUNT(*) FROM user WHERE id > ?1", 0)
        .await;
    assert_eq!(
        users,
        2 + crate::seed::DEMO_LEARNERS.len() as i64 + crate::seed::news::STAFF.len() as i64
    );
    let token = kept.token("learner2").await;
    let userid = kept.userid(&token).await.to_string();
    let courses = kept
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    assert_eq!(courses[0]["shortname"], FACILITY_B.shortname, "{courses}");
    let facility_b = kept.course_id(FACILITY_B.shortname).await;
    let through_code = kept
        .query_i64(
            "SELECT COUNT(*) FROM user_enrolments ue JOIN enrol e ON e.id = ue.enrolid
             WHERE e.courseid = ?1 AND e.enrol = 'self'",
            facility_b,
        )
        .await;
    assert_eq!(through_code, 1, "joined with the facility code, as seeded");
    let token = kept.token("newcomer").await;
    let userid = kept.userid(&token).await.to_string();
    let courses = kept
        .call(
            &token,
            "core_enrol_get_users_courses",
            &[("userid", &userid)],
        )
        .await;
    assert_eq!(courses, json!([]));
    drop(kept);
    let _ = std::fs::remove_dir_all(dir);
}
