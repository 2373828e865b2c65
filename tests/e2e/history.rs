//! Viewing history end to end: devices recording locally, synchronizing through the real demo
//! server, converging; and the same through a network that fails in every way it can.

use crate::fault_proxy::Fault;
use crate::util::{
    demo_server, demo_server_with, learner, now_ms, proxy_to, server_behind_proxy, test_config,
};
use juko_core::store::{LectureContext, SiteAction, SqliteStore, Store};
use juko_core::sync::{compact_outbox, replay_actions, sync_once};
use juko_model::{Interval, Lecture, LectureId, ProgressEvent, ProgressKind};
use std::time::Duration;

/// A device: its own store and its own session with the site at `url`.
struct Device {
    store: SqliteStore,
    session: juko_moodle::Session,
}

async fn device(url: &str, username: &str, timeout: Duration) -> Device {
    let site = juko_moodle::Site::new(url.parse().expect("url")).with_timeout(timeout);
    let l = learner(username);
    let token = site.login(l.username, l.password).await.expect("login");
    let session = site.session(token);
    session.site_info().await.expect("site info");
    Device {
        store: SqliteStore::open_in_memory().expect("store"),
        session,
    }
}

impl Device {
    fn played(&self, lecture: &Lecture, from: f64, to: f64) {
        let e = ProgressEvent {
            id: juko_core::ids::new_id(),
            lecture: lecture.id,
            kind: ProgressKind::Played(Interval { from, to }),
            client_time_ms: now_ms(),
        };
        self.store
            .record(&e, context(lecture), now_ms())
            .expect("recorded");
    }

    fn position(&self, lecture: &Lecture, at: f64, client_time_ms: i64) {
        let e = ProgressEvent {
            id: juko_core::ids::new_id(),
            lecture: lecture.id,
            kind: ProgressKind::Position(at),
            client_time_ms,
        };
        self.store
            .record(&e, context(lecture), now_ms())
            .expect("recorded");
    }

    async fn sync(&self) -> juko_core::Result<juko_core::sync::SyncReport> {
        sync_once(&self.store, &self.session, now_ms).await
    }

    fn history(&self, lecture: LectureId) -> juko_model::LectureProgress {
        self.store
            .lecture(lecture)
            .expect("read")
            .expect("has history")
            .progress
    }
}

fn context(lecture: &Lecture) -> LectureContext<'_> {
    LectureContext {
        course: None,
        title: Some(&lecture.title),
        duration_secs: lecture.duration_secs.map(f64::from),
        complete_on_site: false,
    }
}

/// A 68-second lecture learner1 can watch.
async fn lecture_of(d: &Device) -> Lecture {
    let user = d.session.site_info().await.expect("info").user.id;
    for course in d.session.courses(user).await.expect("courses") {
        let contents = d
            .session
            .course_contents(course.id)
            .await
            .expect("contents");
        if let Some(l) = contents.lectures().find(|l| l.duration_secs == Some(68)) {
            return l.clone();
        }
    }
    panic!("no 68-second lecture for learner1");
}

#[tokio::test]
async fn two_devices_watching_different_parts_converge_with_the_server() {
    let server = demo_server().await;
    let a = device(&server.url(), "learner1", Duration::from_secs(30)).await;
    let b = device(&server.url(), "learner1", Duration::from_secs(30)).await;
    let lecture = lecture_of(&a).await;

    // A watches the first half offline; B the second half, and syncs.
    a.played(&lecture, 0.0, 20.0);
    a.played(&lecture, 15.0, 35.0);
    a.position(&lecture, 35.0, 1_000);
    b.played(&lecture, 30.0, 65.0);
    b.position(&lecture, 65.0, 2_000);
    assert!(
        a.history(lecture.id).completed_at.is_none(),
        "35 of 68 s is not complete"
    );
    let rb = b.sync().await.expect("B syncs");
    assert_eq!((rb.applied, rb.known, rb.rejected), (2, 0, 0));

    // A comes online: pushes its part, pulls B's.
    let ra = a.sync().await.expect("A syncs");
    // Its two overlapping segments went as one interval, plus its position.
    assert_eq!((ra.applied, ra.rejected), (2, 0));
    b.sync().await.expect("B syncs again");

    let (ha, hb) = (a.history(lecture.id), b.history(lecture.id));
    assert_eq!(
        ha.watched.intervals(),
        [Interval {
            from: 0.0,
            to: 65.0
        }]
    );
    assert_eq!(ha, hb, "both devices hold the same history");
    assert_eq!(
        ha.position.map(|p| p.seconds),
        Some(65.0),
        "the latest position wins"
    );
    assert!(
        ha.completed_at.is_some(),
        "65 of 68 s reaches the 90% threshold"
    );

    // A third device starting from nothing gets exactly the server's record.
    let c = device(&server.url(), "learner1", Duration::from_secs(30)).await;
    c.sync().await.expect("C syncs");
    assert_eq!(c.history(lecture.id), ha);

    // The site's own completion report agrees.
    let user = a.session.site_info().await.unwrap().user.id;
    let course = a
        .store
        .lecture(lecture.id)
        .unwrap()
        .unwrap()
        .course
        .expect("course from the server");
    let done = a
        .session
        .completed_in(course, user)
        .await
        .expect("completion statuses");
    assert!(done.contains(&lecture.id), "{done:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn every_network_fault_is_survived_with_nothing_lost_or_counted_twice() {
    let (server, proxy) = server_behind_proxy().await;
    let d = device(&proxy.url(), "learner1", Duration::from_secs(3)).await;
    let lecture = lecture_of(&d).await;
    for i in 0..10 {
        d.played(&lecture, f64::from(i) * 6.0, f64::from(i) * 6.0 + 4.0);
    }
    d.position(&lecture, 58.0, now_ms());
    let recorded = d.history(lecture.id);

    // Each failing round meets one fault on its push; the server applied the batch under the
    // last two (its answer was dropped, then cut short).
    proxy.plan(&[
        Fault::Refuse,
        Fault::ServerError,
        Fault::Hang,
        Fault::DropAnswer,
        Fault::Truncate,
    ]);
    for fault in [
        "refused",
        "500",
        "timeout",
        "dropped answer",
        "truncated body",
    ] {
        let err = d.sync().await.expect_err(fault);
        assert!(
            err.is_retryable()
                || matches!(
                    err,
                    juko_core::Error::Refused(_) | juko_core::Error::Protocol(_)
                ),
            "{fault}: {err:?}"
        );
        assert_eq!(
            d.store.pending_count().unwrap(),
            11,
            "{fault}: nothing leaves the outbox unanswered"
        );
    }
    let report = d.sync().await.expect("the network is back");
    assert_eq!(
        report.applied, 0,
        "the server had applied everything already"
    );
    assert_eq!(
        report.known, 11,
        "every replay is recognised, none counted twice"
    );
    assert_eq!(d.store.pending_count().unwrap(), 0);
    let after = d.history(lecture.id);
    assert_eq!(after.watched, recorded.watched);
    assert_eq!(after.position, recorded.position);

    // The server holds exactly what was recorded.
    let fresh = device(&server.url(), "learner1", Duration::from_secs(30)).await;
    fresh.sync().await.expect("syncs");
    assert_eq!(fresh.history(lecture.id).watched, recorded.watched);
    proxy.stop();
    server.shutdown().await;
}

#[tokio::test]
async fn without_the_extension_views_and_completion_go_the_stock_way_even_after_being_offline() {
    let mut config = test_config();
    config.progress_extension = false;
    let server = demo_server_with(config).await;
    let proxy = proxy_to(&server).await;
    let d = device(&proxy.url(), "learner1", Duration::from_secs(5)).await;
    let info = d.session.site_info().await.unwrap();
    assert!(!info.features.history_sync, "a stock site");
    let lecture = lecture_of(&d).await;
    assert!(
        lecture.manual_completion,
        "lectures are marked complete by hand on a stock site"
    );

    // The learner opens the lecture and watches it all while the site is unreachable.
    d.store
        .queue_action(&SiteAction::Viewed {
            lecture: lecture.id,
            instance: lecture.instance,
            kind: lecture.kind,
        })
        .unwrap();
    d.played(&lecture, 0.0, 68.0);
    assert!(d.store.lecture(lecture.id).unwrap().unwrap().is_complete());
    d.store
        .queue_action(&SiteAction::Completed {
            lecture: lecture.id,
        })
        .unwrap();
    proxy.plan(&[Fault::Refuse]);
    let err = replay_actions(&d.store, &d.session).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(
        d.store.actions().unwrap().len(),
        2,
        "both wait for the network"
    );

    // Back online: both reach the site, and the site counts the lecture complete.
    assert_eq!(
        replay_actions(&d.store, &d.session).await.expect("replays"),
        2
    );
    assert!(d.store.actions().unwrap().is_empty());
    let course = contents_course(&d, lecture.id).await;
    let done = d
        .session
        .completed_in(course, info.user.id)
        .await
        .expect("statuses");
    assert!(done.contains(&lecture.id), "{done:?}");
    // History stays on the device, its outbox compacted while it waits for an extension.
    compact_outbox(&d.store).unwrap();
    assert_eq!(d.store.pending_count().unwrap(), 1);
    proxy.stop();
    server.shutdown().await;
}

/// The course holding a lecture.
async fn contents_course(d: &Device, lecture: LectureId) -> juko_model::CourseId {
    let user = d.session.site_info().await.unwrap().user.id;
    for course in d.session.courses(user).await.unwrap() {
        if d.session
            .course_contents(course.id)
            .await
            .unwrap()
            .lecture(lecture)
            .is_some()
        {
            return course.id;
        }
    }
    panic!("no course holds {lecture}");
}
