//! Announcements: the news forums of the site, the facility courses and iCROWN, their
//! discussions and posts, each answer checked against Moodle 4.5's declared structure
//! (`fixtures/`), their order and paging, the view events, and who may see which forum,
//! discussion, post and file.

use serde_json::Value;

use super::shape::{assert_shape, call};
use super::support::{Site, assert_exception, listed_functions};
use crate::seed::courses::{CATALOG, FACILITY_A, FACILITY_B, ICROWN};
use crate::seed::news::announcement_subjects;

/// The news forum of a course (`None`: the site's), as `mod_forum_get_forums_by_courses`
/// lists it for this learner.
async fn news_forum(site: &Site, token: &str, courseid: i64) -> Value {
    let id = courseid.to_string();
    let forums = site
        .call(
            token,
            "mod_forum_get_forums_by_courses",
            &[("courseids[0]", &id)],
        )
        .await;
    forums
        .as_array()
        .unwrap_or_else(|| panic!("forums: {forums}"))
        .iter()
        .find(|f| f["type"] == "news")
        .cloned()
        .unwrap_or_else(|| panic!("no news forum in course {courseid}: {forums}"))
}

/// The news forum id of a course, straight from the database (for refusals).
async fn forum_id(site: &Site, courseid: i64) -> i64 {
    site.query_i64(
        "SELECT id FROM forum WHERE course = ?1 AND type = 'news'",
        courseid,
    )
    .await
}

async fn discussions(site: &Site, token: &str, forumid: i64, params: &[(&str, &str)]) -> Value {
    let id = forumid.to_string();
    let mut all = vec![("forumid", id.as_str())];
    all.extend_from_slice(params);
    site.call(token, "mod_forum_get_forum_discussions", &all)
        .await
}

fn subjects(answer: &Value) -> Vec<&str> {
    answer["discussions"]
        .as_array()
        .unwrap_or_else(|| panic!("discussions: {answer}"))
        .iter()
        .map(|d| d["subject"].as_str().expect("subject"))
        .collect()
}

/// The discussion of a course's news forum with this subject.
fn discussion<'a>(answer: &'a Value, subject: &str) -> &'a Value {
    answer["discussions"]
        .as_array()
        .expect("discussions")
        .iter()
        .find(|d| d["subject"] == subject)
        .unwrap_or_else(|| panic!("no {subject} in {answer}"))
}

#[tokio::test]
async fn site_info_lists_the_forum_and_notification_functions() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let info = site
        .call(&token, "core_webservice_get_site_info", &[])
        .await;
    assert_eq!(info["siteid"], 1, "the site course, where site news lives");
    let names = listed_functions(&info);
    for function in [
        "mod_forum_get_forums_by_courses",
        "mod_forum_get_forum_discussions",
        "mod_forum_get_discussion_posts",
        "mod_forum_view_forum",
        "mod_forum_view_forum_discussion",
        "message_popup_get_popup_notifications",
        "message_popup_get_unread_popup_notification_count",
        "core_message_mark_notification_read",
        "core_message_mark_all_notifications_as_read",
    ] {
        assert!(names.contains(&function), "{function} not in {names:?}");
    }
}

#[tokio::test]
async fn forums_are_listed_in_moodles_shape_for_the_site_and_my_courses() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let (text, forums) = call(&site, &token, "mod_forum_get_forums_by_courses", &[]).await;
    assert_shape(&text, fixture!("mod_forum_get_forums_by_courses"));
    // No ids: the learner's courses (facility A and iCROWN), not the site's.
    let courses: Vec<i64> = forums
        .as_array()
        .expect("list")
        .iter()
        .map(|f| f["course"].as_i64().expect("course"))
        .collect();
    let a = site.course_id(FACILITY_A.shortname).await;
    let icrown = site.course_id(ICROWN.shortname).await;
    assert_eq!(courses, [a, icrown], "{forums}");
    let forum = &forums[0];
    assert_eq!(forum["type"], "news");
    assert_eq!(forum["name"], "ユーザーへのお知らせ");
    assert_eq!(forum["istracked"], false);
    assert_eq!(forum["cancreatediscussions"], false);
    // Four shown now; the fifth is a timed post that opens in five days.
    assert_eq!(forum["numdiscussions"], 4);

    // The site's news forum, as the App finds it: `courseids[0]=siteid`.
    let (text, site_forums) = call(
        &site,
        &token,
        "mod_forum_get_forums_by_courses",
        &[("courseids[0]", "1")],
    )
    .await;
    assert_shape(&text, fixture!("mod_forum_get_forums_by_courses"));
    assert_eq!(site_forums[0]["course"], 1);
    assert_eq!(site_forums[0]["type"], "news");
    assert_eq!(site_forums[0]["numdiscussions"], 3);
}

#[tokio::test]
async fn news_forums_are_on_the_course_page_in_section_zero() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    for courseid in [1, site.course_id(FACILITY_A.shortname).await] {
        let id = courseid.to_string();
        let sections = site
            .call(&token, "core_course_get_contents", &[("courseid", &id)])
            .await;
        let first = &sections[0];
        assert_eq!(first["section"], 0, "{sections}");
        let module = &first["modules"][0];
        assert_eq!(module["modname"], "forum", "{first}");
        assert_eq!(module["purpose"], "collaboration");
        let forum = news_forum(&site, &token, courseid).await;
        assert_eq!(module["instance"], forum["id"]);
        assert_eq!(module["id"], forum["cmid"]);
        assert_eq!(module["name"], forum["name"]);
    }
}

#[tokio::test]
async fn discussions_come_pinned_first_then_newest_in_moodles_shape() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forum = news_forum(&site, &token, courseid).await;
    let forumid = forum["id"].as_i64().expect("id");
    let (text, answer) = call(
        &site,
        &token,
        "mod_forum_get_forum_discussions",
        &[("forumid", &forumid.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("mod_forum_get_forum_discussions"));
    // Default order: last post first (the PDF post's follow-up is 10 hours old), pinned first.
    assert_eq!(
        subjects(&answer),
        [
            "【必須】2025年度 受講必須講座と受講期限",
            "受講案内（PDF）と問い合わせ先",
            "【表示確認】書式の崩れたお知らせ",
            "受講スケジュール（年間）",
        ]
    );
    // Created order tells the follow-up apart from the post.
    let created = discussions(&site, &token, forumid, &[("sortorder", "3")]).await;
    assert_eq!(
        subjects(&created)[1..3],
        [
            "【表示確認】書式の崩れたお知らせ",
            "受講案内（PDF）と問い合わせ先",
        ]
    );
    let oldest = discussions(&site, &token, forumid, &[("sortorder", "4")]).await;
    assert_eq!(
        subjects(&oldest)[0],
        "【必須】2025年度 受講必須講座と受講期限",
        "pinned first"
    );
    assert_eq!(subjects(&oldest)[1], "受講スケジュール（年間）");
    let replies = discussions(&site, &token, forumid, &[("sortorder", "5")]).await;
    assert_eq!(subjects(&replies)[1], "受講案内（PDF）と問い合わせ先");

    let pinned = discussion(&answer, "【必須】2025年度 受講必須講座と受講期限");
    assert_eq!(pinned["pinned"], true);
    assert_eq!(pinned["userfullname"], "研究支援センター 教育担当");
    assert_eq!(pinned["canreply"], false);
    assert_eq!(pinned["numunread"], 0);
    assert_eq!(pinned["parent"], 0);
    assert!(
        pinned["message"]
            .as_str()
            .unwrap()
            .contains("2026年3月31日")
    );
    assert!(pinned.get("attachments").is_none(), "no attachment, no key");
    let with_pdf = discussion(&answer, "受講案内（PDF）と問い合わせ先");
    assert_eq!(with_pdf["numreplies"], 1);
    assert!(with_pdf["timemodified"].as_i64() > with_pdf["created"].as_i64());
    assert_eq!(with_pdf["attachment"], "1");
    let names: Vec<&str> = with_pdf["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["2025年度_受講案内.pdf", "問い合わせ先.txt"]);
}

#[tokio::test]
async fn inline_images_point_at_the_web_service_pluginfile() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let answer = discussions(&site, &token, forumid, &[]).await;
    let post = discussion(&answer, "受講スケジュール（年間）");
    let message = post["message"].as_str().unwrap();
    assert!(!message.contains("@@PLUGINFILE@@"), "{message}");
    let inline = &post["messageinlinefiles"][0];
    let url = inline["fileurl"].as_str().unwrap();
    assert!(
        url.starts_with("http://demo.test/webservice/pluginfile.php/")
            && url.ends_with(&format!("/mod_forum/post/{}/schedule.png", post["id"])),
        "{url}"
    );
    assert!(message.contains(&format!("src=\"{url}\"")), "{message}");
    assert_eq!(inline["mimetype"], "image/png");
    // The image is a real PNG, served to the learner with their token.
    let image = site.get(&format!("{url}?token={token}")).await;
    assert_eq!(image.status, 200, "{}", image.text());
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert!(image.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(
        image.body.len() as i64,
        inline["filesize"].as_i64().unwrap()
    );
}

#[tokio::test]
async fn attachments_are_real_files_for_the_enrolled() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let answer = discussions(&site, &token, forumid, &[]).await;
    let post = discussion(&answer, "受講案内（PDF）と問い合わせ先");
    let pdf = &post["attachments"][0];
    let url = pdf["fileurl"].as_str().unwrap();
    let reply = site.get(&format!("{url}?token={token}")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with(b"%PDF-1.4") && reply.body.ends_with(b"%%EOF\n"));
    let text = &post["attachments"][1];
    let reply = site
        .get(&format!(
            "{}?token={token}",
            text["fileurl"].as_str().unwrap()
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.text().contains("研究支援センター 教育担当"),
        "{}",
        reply.text()
    );
}

#[tokio::test]
async fn hostile_html_is_sent_as_the_site_wrote_it_for_the_client_to_clean() {
    let site = Site::new().await;
    let token = site.token("learner2").await;
    let courseid = site.course_id(FACILITY_B.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let answer = discussions(&site, &token, forumid, &[]).await;
    let post = discussion(&answer, "【表示確認】不正な HTML を含むお知らせ");
    let message = post["message"].as_str().unwrap();
    for hostile in [
        "<script>",
        "onerror=",
        "javascript:alert",
        "<iframe",
        "position:fixed",
        "<form",
    ] {
        assert!(message.contains(hostile), "{hostile}");
    }
    assert!(
        message.len() > 50_000,
        "a huge body: {} bytes",
        message.len()
    );
    assert_eq!(
        post["messagetrust"], 1,
        "staff's trusted text, not cleaned by the site"
    );
}

#[tokio::test]
async fn paging_takes_pages_of_the_same_order() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let all = subjects(&discussions(&site, &token, forumid, &[]).await)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let page = |p: &'static str, per: &'static str| {
        let site = &site;
        let token = &token;
        async move { discussions(site, token, forumid, &[("page", p), ("perpage", per)]).await }
    };
    assert_eq!(subjects(&page("0", "3").await), all[..3]);
    assert_eq!(subjects(&page("1", "3").await), all[3..]);
    assert_eq!(subjects(&page("2", "3").await), Vec::<&str>::new());
    assert_eq!(
        subjects(&page("-1", "2").await),
        all[..2],
        "page -1: from the start"
    );
    assert_eq!(
        subjects(&page("1", "0").await),
        all,
        "perpage 0: everything"
    );
}

#[tokio::test]
async fn bad_sort_orders_and_unknown_forums_err_as_moodle() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    for bad in ["0", "7", "-5"] {
        let reply = discussions(&site, &token, forumid, &[("sortorder", bad)]).await;
        assert_exception(&reply, "invalidparameter");
        assert!(
            reply["debuginfo"]
                .as_str()
                .unwrap()
                .ends_with("allowed values are: 1,2,3,4,5,6"),
            "{reply}"
        );
    }
    for bad in [("sortorder", "abc"), ("page", "1e3"), ("perpage", "")] {
        let reply = discussions(&site, &token, forumid, &[bad]).await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = discussions(&site, &token, 999_999, &[]).await;
    assert_eq!(reply["exception"], "moodle_exception", "{reply}");
    assert_eq!(reply["errorcode"], "Unable to find forum with id 999999");
    assert_eq!(
        reply["message"],
        "error/Unable to find forum with id 999999"
    );
    let reply = site
        .call(&token, "mod_forum_get_forum_discussions", &[])
        .await;
    assert_exception(&reply, "invalidparameter");
}

#[tokio::test]
async fn a_thread_reads_as_the_post_exporter_writes_it() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let answer = discussions(&site, &token, forumid, &[]).await;
    let post = discussion(&answer, "受講案内（PDF）と問い合わせ先");
    let id = post["discussion"].to_string();
    let (text, thread) = call(
        &site,
        &token,
        "mod_forum_get_discussion_posts",
        &[("discussionid", &id), ("includeinlineattachments", "1")],
    )
    .await;
    assert_shape(&text, fixture!("mod_forum_get_discussion_posts"));
    assert_eq!(thread["forumid"], forumid);
    assert_eq!(thread["courseid"], courseid);
    let posts = thread["posts"].as_array().expect("posts");
    // Newest first by default: the follow-up, then the post.
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["hasparent"], true);
    assert_eq!(posts[0]["parentid"], post["id"]);
    assert_eq!(posts[1]["id"], post["id"]);
    assert_eq!(posts[1]["subject"], "受講案内（PDF）と問い合わせ先");
    assert_eq!(
        posts[1]["replysubject"],
        "Re: 受講案内（PDF）と問い合わせ先"
    );
    assert_eq!(posts[1]["author"]["fullname"], "研究支援センター 教育担当");
    assert_eq!(posts[1]["capabilities"]["view"], true);
    assert_eq!(posts[1]["capabilities"]["reply"], false);
    assert_eq!(posts[1]["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(
        posts[1]["attachments"][0]["filename"],
        "2025年度_受講案内.pdf"
    );
    let oldest = site
        .call(
            &token,
            "mod_forum_get_discussion_posts",
            &[
                ("discussionid", &id),
                ("sortby", "id"),
                ("sortdirection", "asc"),
            ],
        )
        .await;
    assert_eq!(oldest["posts"][0]["id"], post["id"]);
    for (by, direction) in [("name", "DESC"), ("created", "UP")] {
        let reply = site
            .call(
                &token,
                "mod_forum_get_discussion_posts",
                &[
                    ("discussionid", &id),
                    ("sortby", by),
                    ("sortdirection", direction),
                ],
            )
            .await;
        assert_exception(&reply, "invalidparameter");
    }
}

#[tokio::test]
async fn views_are_logged_for_the_forum_and_the_discussion() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let (text, reply) = call(
        &site,
        &token,
        "mod_forum_view_forum",
        &[("forumid", &forumid.to_string())],
    )
    .await;
    assert_shape(&text, fixture!("mod_forum_view_forum"));
    assert_eq!(reply["status"], true);
    let answer = discussions(&site, &token, forumid, &[]).await;
    let id = answer["discussions"][0]["discussion"].to_string();
    let (text, reply) = call(
        &site,
        &token,
        "mod_forum_view_forum_discussion",
        &[("discussionid", &id)],
    )
    .await;
    assert_shape(&text, fixture!("mod_forum_view_forum_discussion"));
    assert_eq!(reply["status"], true);
    let logged = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log WHERE userid = ?1 AND component = 'mod_forum'
               AND eventname IN ('\\mod_forum\\event\\course_module_viewed',
                                 '\\mod_forum\\event\\discussion_viewed')",
            userid,
        )
        .await;
    assert_eq!(logged, 2);
    let reply = site
        .call(
            &token,
            "mod_forum_view_forum_discussion",
            &[("discussionid", "987654")],
        )
        .await;
    assert_exception(&reply, "invalidrecord");
    let reply = site
        .call(&token, "mod_forum_view_forum", &[("forumid", "987654")])
        .await;
    assert_exception(&reply, "invalidrecord");
}

#[tokio::test]
async fn a_timed_announcement_stays_hidden_until_it_starts() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let courseid = site.course_id(FACILITY_A.shortname).await;
    let forumid = forum_id(&site, courseid).await;
    let hidden_subject = "【予告】2026年度 施設コード更新のお知らせ";
    let hidden = site
        .query_i64(
            "SELECT id FROM forum_discussions WHERE forum = ?1 AND timestart > 0",
            forumid,
        )
        .await
        .to_string();
    let answer = discussions(&site, &token, forumid, &[]).await;
    assert!(!subjects(&answer).contains(&hidden_subject));
    let thread = site
        .call(
            &token,
            "mod_forum_get_discussion_posts",
            &[("discussionid", &hidden)],
        )
        .await;
    assert_eq!(thread["posts"], serde_json::json!([]), "{thread}");
    let reply = site
        .call(
            &token,
            "mod_forum_view_forum_discussion",
            &[("discussionid", &hidden)],
        )
        .await;
    assert_exception(&reply, "invalidrecord");

    site.state.clock().advance(6 * 24 * 3600);
    let answer = discussions(&site, &token, forumid, &[]).await;
    assert_eq!(
        subjects(&answer)[1],
        hidden_subject,
        "newest after the pinned one"
    );
    let thread = site
        .call(
            &token,
            "mod_forum_get_discussion_posts",
            &[("discussionid", &hidden)],
        )
        .await;
    assert_eq!(thread["posts"].as_array().unwrap().len(), 1);
}

/// Every forum function refuses a learner of another facility, and a course nobody is in.
#[tokio::test]
async fn nothing_of_another_facility_reaches_a_learner() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let b = site.course_id(FACILITY_B.shortname).await;
    let catalog = site.course_id(CATALOG.shortname).await;
    let b_forum = forum_id(&site, b).await;
    let b_discussion = site
        .query_i64(
            "SELECT MIN(id) FROM forum_discussions WHERE forum = ?1",
            b_forum,
        )
        .await
        .to_string();

    let forums = site
        .call(
            &token,
            "mod_forum_get_forums_by_courses",
            &[
                ("courseids[0]", &b.to_string()),
                ("courseids[1]", &catalog.to_string()),
            ],
        )
        .await;
    assert_eq!(forums, serde_json::json!([]), "{forums}");
    let forum = b_forum.to_string();
    for (function, params) in [
        (
            "mod_forum_get_forum_discussions",
            [("forumid", forum.as_str())],
        ),
        ("mod_forum_view_forum", [("forumid", forum.as_str())]),
        (
            "mod_forum_get_discussion_posts",
            [("discussionid", b_discussion.as_str())],
        ),
        (
            "mod_forum_view_forum_discussion",
            [("discussionid", b_discussion.as_str())],
        ),
    ] {
        let reply = site.call(&token, function, &params).await;
        assert_exception(&reply, "requireloginerror");
        let text = reply.to_string();
        assert!(!text.contains("独自コース"), "{function} leaks: {text}");
    }
    let logged = site
        .query_i64(
            "SELECT COUNT(*) FROM logstore_standard_log WHERE courseid = ?1",
            b,
        )
        .await;
    assert_eq!(logged, 0, "a refused view logs nothing");
}

/// Files: another facility's inline images and attachments are refused even with a valid
/// token and the exact path; its logo is served to anyone signed in, as Moodle serves a
/// visible course's overview files (the join list shows it), never to no one.
#[tokio::test]
async fn another_facilitys_files_are_refused() {
    let site = Site::new().await;
    let mine = site.token("learner1").await;
    let theirs = site.token("learner2").await;
    let b = site.course_id(FACILITY_B.shortname).await;
    let b_forum = forum_id(&site, b).await;
    let answer = discussions(&site, &theirs, b_forum, &[]).await;
    let mut urls: Vec<String> = Vec::new();
    for d in answer["discussions"].as_array().unwrap() {
        for key in ["messageinlinefiles", "attachments"] {
            for f in d[key].as_array().into_iter().flatten() {
                urls.push(f["fileurl"].as_str().unwrap().to_owned());
            }
        }
    }
    let courses = site
        .call(
            &theirs,
            "core_enrol_get_users_courses",
            &[("userid", &site.userid(&theirs).await.to_string())],
        )
        .await;
    let logo = courses[0]["overviewfiles"][0]["fileurl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(logo.contains("/course/overviewfiles/logo.png"), "{logo}");
    assert_eq!(site.get(&format!("{logo}?token={mine}")).await.status, 200);
    assert_ne!(site.get(&logo).await.status, 200, "{logo}");
    assert_eq!(urls.len(), 3, "image, PDF and text: {urls:?}");
    for url in &urls {
        let own = site.get(&format!("{url}?token={theirs}")).await;
        assert_eq!(own.status, 200, "{url}: {}", own.text());
        let other = site.get(&format!("{url}?token={mine}")).await;
        assert_eq!(other.status, 403, "{url}");
        assert_eq!(other.json()["errorcode"], "requireloginerror");
        let anonymous = site.get(url).await;
        assert_ne!(anonymous.status, 200, "{url}");
    }
}

#[tokio::test]
async fn site_news_is_for_every_signed_in_learner() {
    let site = Site::new().await;
    for learner in ["learner1", "learner2", "icrown1", "newcomer"] {
        let token = site.token(learner).await;
        let forum = news_forum(&site, &token, 1).await;
        let answer = discussions(&site, &token, forum["id"].as_i64().unwrap(), &[]).await;
        assert_eq!(
            subjects(&answer),
            [
                "【重要】システムメンテナンスのお知らせ（12月14日）",
                "個人情報の取り扱いについて（改定）",
                "新しい講座「研究倫理 2025」を公開しました",
            ],
            "{learner}"
        );
    }
}

#[tokio::test]
async fn facility_courses_show_their_logo() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let userid = site.userid(&token).await.to_string();
    let (text, courses) = call(
        &site,
        &token,
        "core_enrol_get_users_courses",
        &[("userid", &userid)],
    )
    .await;
    assert_shape(&text, fixture!("core_enrol_get_users_courses"));
    let a = &courses[0];
    assert_eq!(a["shortname"], FACILITY_A.shortname);
    let image = a["courseimage"].as_str().unwrap();
    assert!(
        image.starts_with("http://demo.test/pluginfile.php/")
            && image.ends_with("/course/overviewfiles/logo.png"),
        "{image}"
    );
    assert_eq!(a["overviewfiles"][0]["mimetype"], "image/png");
    // iCROWN has no logo: Moodle's generated pattern.
    assert!(
        courses[1]["courseimage"]
            .as_str()
            .unwrap()
            .ends_with("/course.svg")
    );
    let (text, found) = call(
        &site,
        &token,
        "core_course_get_courses_by_field",
        &[("field", "id"), ("value", &a["id"].to_string())],
    )
    .await;
    assert_shape(&text, fixture!("core_course_get_courses_by_field"));
    assert_eq!(found["courses"][0]["courseimage"], image);
    let url = a["overviewfiles"][0]["fileurl"].as_str().unwrap();
    let logo = site.get(&format!("{url}?token={token}")).await;
    assert_eq!(logo.status, 200);
    assert!(logo.body.starts_with(b"\x89PNG"));
}

#[tokio::test]
async fn the_seed_lists_what_the_site_shows() {
    // Every announcement shown now is in some learner's view; the timed one is not.
    let shown: Vec<&str> = announcement_subjects()
        .into_iter()
        .filter(|(_, _, _, now)| *now)
        .map(|(_, s, _, _)| s)
        .collect();
    let site = Site::new().await;
    let mut seen: Vec<String> = Vec::new();
    for learner in ["learner1", "learner2"] {
        let token = site.token(learner).await;
        let forums = site
            .call(&token, "mod_forum_get_forums_by_courses", &[])
            .await;
        let mut ids: Vec<i64> = forums
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        ids.push(news_forum(&site, &token, 1).await["id"].as_i64().unwrap());
        for id in ids {
            let answer = discussions(&site, &token, id, &[]).await;
            seen.extend(subjects(&answer).into_iter().map(str::to_owned));
        }
    }
    for subject in shown {
        assert!(seen.iter().any(|s| s == subject), "{subject}");
    }
}

/// Paths and ids made up to reach another facility's files or odd corners: an own forum's
/// context with another forum's post, a post id that is no number, a path out of the area,
/// an unknown area; course ids that are no number, unknown or repeated.
#[tokio::test]
async fn made_up_paths_and_ids_reach_nothing() {
    let site = Site::new().await;
    let token = site.token("learner1").await;
    let a = site.course_id(FACILITY_A.shortname).await;
    let b = site.course_id(FACILITY_B.shortname).await;
    let a_forum = forum_id(&site, a).await;
    let own = discussions(&site, &token, a_forum, &[]).await;
    let pdf = discussion(&own, "受講案内（PDF）と問い合わせ先")["attachments"][0]["fileurl"]
        .as_str()
        .unwrap()
        .to_owned();
    let b_post = site
        .query_i64(
            "SELECT p.id FROM forum_posts p JOIN forum_discussions d ON d.id = p.discussion
             WHERE d.forum = ?1 AND p.attachment = '1'",
            forum_id(&site, b).await,
        )
        .await;
    let (base, _) = pdf.split_once("/mod_forum/").unwrap();
    let own_post = pdf.split('/').rev().nth(1).unwrap().to_owned();
    for (path, why) in [
        (
            format!(
                "{base}/mod_forum/attachment/{b_post}/2025%E5%B9%B4%E5%BA%A6_%E5%8F%97%E8%AC%9B%E6%A1%88%E5%86%85.pdf"
            ),
            "another forum's post under my forum's context",
        ),
        (
            format!("{base}/mod_forum/attachment/x/a.pdf"),
            "a post id that is no number",
        ),
        (
            format!(
                "{base}/mod_forum/attachment/{own_post}/../../../course/overviewfiles/logo.png"
            ),
            "out of the area",
        ),
        (
            format!("{base}/mod_forum/intro/0/a.png"),
            "an area forums do not serve",
        ),
        (
            format!("{base}/mod_forum/attachment/{own_post}"),
            "no file name",
        ),
    ] {
        let reply = site.get(&format!("{path}?token={token}")).await;
        assert_eq!(reply.status, 404, "{why}: {path}: {}", reply.text());
    }
    let reply = site.get(&format!("{pdf}?token={token}")).await;
    assert_eq!(reply.status, 200, "the real path works");

    let reply = site
        .call(
            &token,
            "mod_forum_get_forums_by_courses",
            &[("courseids[0]", "abc")],
        )
        .await;
    assert_exception(&reply, "invalidparameter");
    let a = a.to_string();
    let forums = site
        .call(
            &token,
            "mod_forum_get_forums_by_courses",
            &[
                ("courseids[0]", &a),
                ("courseids[1]", "-1"),
                ("courseids[2]", "999999"),
                ("courseids[3]", &a),
            ],
        )
        .await;
    assert_eq!(forums.as_array().map(Vec::len), Some(1), "{forums}");
    for bad in ["abc", "1.5", ""] {
        let reply = site
            .call(
                &token,
                "mod_forum_get_discussion_posts",
                &[("discussionid", bad)],
            )
            .await;
        assert_exception(&reply, "invalidparameter");
        let reply = site
            .call(&token, "mod_forum_view_forum", &[("forumid", bad)])
            .await;
        assert_exception(&reply, "invalidparameter");
    }
    let reply = site
        .call(
            &token,
            "mod_forum_get_discussion_posts",
            &[("discussionid", "987654")],
        )
        .await;
    assert_exception(&reply, "invalidrecord");
}
