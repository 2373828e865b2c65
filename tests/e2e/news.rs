//! お知らせ end to end: the engine's news (`juko_core::news`) against the demo server's news
//! forums, files and notifications, as the app shows them.

use crate::util::{demo_server, signed_in};
use juko_core::catalog::Item;
use juko_core::news::{self, News};
use juko_core::store::{KvStore, MemoryKv, Store};
use juko_core::sync::replay_actions;
use juko_model::{Board, CourseId};

async fn get_status(url: &str) -> u16 {
    reqwest::get(url)
        .await
        .expect("the file answers")
        .status()
        .as_u16()
}

fn subjects(news: &News) -> Vec<&str> {
    news.announcements
        .iter()
        .map(|a| a.subject.as_str())
        .collect()
}

#[tokio::test]
async fn a_learner_gets_the_site_and_their_facility_news_only_pinned_first_newest_first() {
    let server = demo_server().await;
    let a = signed_in(&server, "learner1").await;
    let b = signed_in(&server, "learner2").await;
    let news_a = news::fetch_mine(&a).await.expect("news of A");
    let news_b = news::fetch_mine(&b).await.expect("news of B");

    // The site's news reaches everyone; each facility's only its own learners.
    for news in [&news_a, &news_b] {
        assert!(
            news.announcements.iter().any(|x| x.board == Board::Site),
            "{:?}",
            subjects(news)
        );
    }
    let courses_b: Vec<CourseId> = b.courses().await.unwrap().iter().map(|c| c.id).collect();
    for x in &news_b.announcements {
        match x.board {
            Board::Site => {}
            Board::Course(c) => assert!(courses_b.contains(&c), "{} from {c}", x.subject),
        }
    }
    let only_a: Vec<&str> = subjects(&news_a)
        .into_iter()
        .filter(|s| !subjects(&news_b).contains(s))
        .collect();
    assert!(!only_a.is_empty());
    // Pinned first, then newest first.
    let list = &news_a.announcements;
    let first_unpinned = list.iter().position(|x| !x.pinned).unwrap_or(list.len());
    assert!(
        list[first_unpinned..].iter().all(|x| !x.pinned),
        "{:?}",
        subjects(&news_a)
    );
    assert!(list[..first_unpinned].iter().all(|x| x.pinned));
    for part in [&list[..first_unpinned], &list[first_unpinned..]] {
        assert!(
            part.windows(2).all(|w| w[0].posted_at >= w[1].posted_at),
            "{:?}",
            subjects(&news_a)
        );
    }
    // A post scheduled for later is not there yet.
    assert!(
        !subjects(&news_a).iter().any(|s| s.contains("【予告】")),
        "{:?}",
        subjects(&news_a)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn hostile_html_arrives_harmless_and_bounded() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner1").await;
    let news = news::fetch_mine(&session).await.expect("news");
    let hostile = news
        .announcements
        .iter()
        .find(|a| a.subject.contains("表示確認"))
        .expect("the hostile post");
    let body = hostile.body_html.to_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "onload",
        "<iframe",
        "<svg",
        "<form",
        "<object",
        "style=",
    ] {
        assert!(!body.contains(bad), "{bad} survived");
    }
    assert!(body.contains("表示確認用のお知らせです"));
    assert!(
        body.contains(
            "href=\"https://www.icrweb.jp/\" target=\"_blank\" rel=\"noopener noreferrer\""
        )
    );
    assert!(hostile.body_html.len() <= juko_moodle::sanitize::MAX_SITE_HTML + 1024);
    // Shown: the outside image loses its source (only the site's images load).
    let shown = session.display_html(&hostile.body_html);
    assert!(!shown.contains("evil.example"), "{shown:.300}");
    server.shutdown().await;
}

#[tokio::test]
async fn images_attachments_and_the_logo_load_with_the_token_added_only_to_show() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner1").await;
    let news = news::fetch_mine(&session).await.expect("news");
    let with_image = news
        .announcements
        .iter()
        .find(|a| a.body_html.contains("<img src=\"") && a.body_html.contains("pluginfile.php"))
        .expect("a post with an image of the site");
    assert!(
        !with_image.body_html.contains("token="),
        "kept without the token"
    );
    let shown = session.display_html(&with_image.body_html);
    let src = shown
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an image source")
        .replace("&amp;", "&");
    assert!(src.contains("token="), "{src}");
    assert_eq!(get_status(&src).await, 200, "{src}");

    let with_files = news
        .announcements
        .iter()
        .find(|a| !a.attachments.is_empty())
        .expect("a post with attachments");
    for file in &with_files.attachments {
        let url = session.file_url(&file.url).expect("a web address");
        assert_eq!(get_status(&url).await, 200, "{}", file.name);
    }

    let courses = session.courses().await.expect("courses");
    let facility = courses
        .iter()
        .find(|c| c.logo_url.is_some())
        .expect("the facility course has its logo");
    let logo = session
        .file_url(facility.logo_url.as_deref().unwrap())
        .unwrap();
    assert_eq!(get_status(&logo).await, 200, "{logo}");
    assert!(
        news.latest_in(facility.id).is_some(),
        "its latest announcement"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn reading_is_kept_here_offline_and_reported_to_the_site_when_it_is_back() {
    let server = demo_server().await;
    let session = signed_in(&server, "learner1").await;
    let store = KvStore::open(MemoryKv::default(), "t").expect("opens");
    let fetched = news::fetch_mine(&session).await.expect("news");
    Item::news().keep(&store, &fetched, 1).unwrap();
    let before = news::unread(&store, &fetched).unwrap();
    assert_eq!(before.announcements, fetched.announcements.len());
    assert!(
        before.notifications > 0,
        "the seed has unread notifications"
    );

    // Read one announcement and one notification while the site is unreachable.
    let announcement = fetched.announcements[0].id;
    let notification = fetched.notifications.iter().find(|n| !n.read).unwrap().id;
    news::open(&store, announcement, 2_000).unwrap();
    news::read_notification(&store, notification, 3_000).unwrap();
    let unreachable = juko_core::Session::restore(&juko_core::SavedSession {
        site_url: "http://127.0.0.1:9".into(),
        ..session.saved()
    })
    .unwrap();
    assert!(replay_actions(&store, &unreachable).await.is_err());
    assert!(store.actions().unwrap().len() >= 2, "queued while offline");
    let kept = Item::news().read(&store).unwrap().unwrap().value;
    let offline = news::unread(&store, &kept).unwrap();
    assert_eq!(offline.announcements, before.announcements - 1);
    assert!(offline.notifications < before.notifications);

    // Back online: the view and the mark-read go; the site then says the notification is read.
    let sent = replay_actions(&store, &session).await.expect("sent");
    assert!(sent >= 2, "{sent}");
    assert!(store.actions().unwrap().is_empty());
    let again = news::fetch_mine(&session).await.expect("news again");
    let n = again
        .notifications
        .iter()
        .find(|n| n.id == notification)
        .unwrap();
    assert!(n.read, "marked read on the site");
    // The announcement stays read on this device whatever the site tracks.
    assert!(store.read_announcements().unwrap().contains(&announcement));
    assert_eq!(
        news::unread(&store, &again).unwrap().announcements,
        again.announcements.len() - 1
    );
    server.shutdown().await;
}
