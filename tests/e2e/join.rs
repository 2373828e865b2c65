//! Joining a facility course with its code, as the join screen does it (`juko_core::join`),
//! against the demo server: a wrong code enrols nothing; the right one does, and the course
//! is among the kept courses at once; the facility user id comes with it.

use crate::fault_proxy::Fault;
use crate::util::{demo_server, server_behind_proxy, signed_in};
use juko_core::Session;
use juko_core::catalog::Item;
use juko_core::join;
use juko_core::store::{KvStore, MemoryKv};
use juko_model::{CourseId, JoinOutcome};

fn kept_courses(store: &dyn juko_core::store::Store) -> Vec<CourseId> {
    Item::courses()
        .read(store)
        .expect("read")
        .map(|k| k.value.iter().map(|c| c.id).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_newcomer_joins_facility_a_after_a_wrong_code() {
    let server = demo_server().await;
    let session = signed_in(&server, "newcomer").await;
    let store = KvStore::open(MemoryKv::default(), "newcomer").expect("store");
    assert!(session.courses().await.expect("courses").is_empty());
    assert_eq!(session.info().user.facility_user_id, None);

    // The chooser: the facility courses (and iCROWN, closed), by name and category.
    let joinable = session.joinable_courses().await.expect("joinable");
    let facility_a = joinable
        .iter()
        .find(|c| c.full_name.contains("基本コース"))
        .unwrap_or_else(|| panic!("facility A listed: {joinable:?}"));
    assert_eq!(facility_a.category, "施設コース");
    assert!(joinable.iter().any(|c| c.full_name.contains("独自コース")));
    assert!(
        !joinable.iter().any(|c| c.full_name.contains("講義一覧")),
        "no self-enrolment"
    );
    let course = facility_a.id;

    // Wrong, then last year's: nothing enrolled, nothing kept.
    for wrong in ["WRONG-CODE", "NCCH2024"] {
        let outcome = join::join(&session, Some(&store), course, wrong, 1)
            .await
            .expect("answer");
        assert_eq!(outcome, JoinOutcome::WrongCode, "{wrong}");
    }
    assert!(session.courses().await.expect("courses").is_empty());
    assert!(kept_courses(&store).is_empty());

    // The right code: joined, and the course is kept for the home screen at once.
    let outcome = join::join(&session, Some(&store), course, " NCCH2025 ", 2)
        .await
        .expect("answer");
    assert_eq!(outcome, JoinOutcome::Joined);
    assert_eq!(kept_courses(&store), [course]);
    let contents = session.course_contents(course).await.expect("contents");
    assert!(!contents.units.is_empty());
    let refreshed = session.refreshed().await.expect("site info");
    let id = refreshed.info().user.facility_user_id.clone();
    assert!(
        id.as_deref().is_some_and(|id| id.starts_with("NCCH-")),
        "{id:?}"
    );

    // Again: already joined, said before any code is sent.
    assert_eq!(
        join::join(&session, Some(&store), course, "NCCH2025", 3)
            .await
            .expect("answer"),
        JoinOutcome::AlreadyJoined
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_closed_enrolment_and_a_wards_code() {
    let server = demo_server().await;
    let session = signed_in(&server, "newcomer").await;
    let joinable = session.joinable_courses().await.expect("joinable");
    let find = |part: &str| {
        joinable
            .iter()
            .find(|c| c.full_name.contains(part))
            .unwrap_or_else(|| panic!("{part}: {joinable:?}"))
            .id
    };
    // iCROWN's enrolment with a code ended last fiscal year: the site's own words say so.
    let icrown = find("iCROWN");
    let outcome = join::join(&session, None, icrown, "ICROWN2024", 1)
        .await
        .expect("answer");
    assert!(
        matches!(&outcome, JoinOutcome::NotTakingLearners { reason } if reason.contains("ended")),
        "{outcome:?}"
    );
    assert!(session.courses().await.expect("courses").is_empty());

    // Facility B takes a ward's own code too; a wrong one is still a wrong code.
    let facility_b = find("独自コース");
    let wrong = join::join(&session, None, facility_b, "SKGH2025-NORTH", 1)
        .await
        .expect("answer");
    assert_eq!(wrong, JoinOutcome::WrongCode);
    let joined = join::join(&session, None, facility_b, "SKGH2025-EAST", 2)
        .await
        .expect("answer");
    assert_eq!(joined, JoinOutcome::Joined);
    let mine = session.courses().await.expect("courses");
    assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), [facility_b]);
    server.shutdown().await;
}

#[tokio::test]
async fn another_learners_facility_user_id_is_theirs_alone() {
    let server = demo_server().await;
    let one = signed_in(&server, "learner1").await;
    let two = signed_in(&server, "learner2").await;
    // Read at sign-in with the site's description of the learner.
    let (a, b) = (
        one.info().user.facility_user_id.clone(),
        two.info().user.facility_user_id.clone(),
    );
    assert!(
        a.as_deref().is_some_and(|id| id.starts_with("NCCH-")),
        "{a:?}"
    );
    assert!(
        b.as_deref().is_some_and(|id| id.starts_with("SKGH-")),
        "{b:?}"
    );
    assert_ne!(a, b);
    server.shutdown().await;
}

#[tokio::test]
async fn a_cleared_facility_user_id_goes_and_a_failed_profile_keeps_it() {
    let (server, proxy) = server_behind_proxy().await;
    // A newcomer whose kept session still shows an id the site no longer keeps for them.
    let mut saved = signed_in(&server, "newcomer").await.saved();
    saved.site_url = proxy.url();
    saved.site_info.user.facility_user_id = Some("NCCH-000099".to_owned());
    let session = Session::restore(&saved).expect("restore");

    // Site info answers, the profile does not: what we had stays.
    proxy.plan(&[Fault::Pass, Fault::ServerError]);
    let kept = session.refreshed().await.expect("site info");
    assert_eq!(
        kept.info().user.facility_user_id.as_deref(),
        Some("NCCH-000099")
    );

    // The profile answers with none: the id is gone from the screen.
    let cleared = kept.refreshed().await.expect("site info");
    assert_eq!(cleared.info().user.facility_user_id, None);
    proxy.stop();
    server.shutdown().await;
}
