//! Joining a facility course (施設コースに参加) with its code, over model types.
//!
//! Moodle cannot find a course from a code, so the learner picks their facility's course from
//! the site's list ([`Item::joinable`], kept on the device so the list shows offline too), then
//! types its code, and [`join`] sends it (after asking whether the learner is in the course
//! already, and whether it takes a code now). On success the learner's courses are fetched
//! and kept before returning, so the new course is on the home screen at once.
//!
//! Everything here needs the site: offline, the errors are [`crate::Error::Unreachable`], and
//! nothing is queued (a code is checked by the site, now or never).

use crate::catalog::Item;
use crate::store::Store;
use crate::{Result, Session};
use juko_model::{Course, CourseId, JoinOutcome};
use std::future::Future;

/// The site's side of joining. `Session` is one; tests use an in-memory fake.
pub trait JoinRemote {
    /// The courses the learner may join with a code, as the site lists them.
    fn joinable_courses(&self) -> impl Future<Output = Result<Vec<Course>>>;
    /// Sends the code; only `Joined` enrolled the learner.
    fn join_course(
        &self,
        course: CourseId,
        code: &str,
    ) -> impl Future<Output = Result<JoinOutcome>>;
    /// The learner's courses as the site has them now.
    fn my_courses(&self) -> impl Future<Output = Result<Vec<Course>>>;
}

impl Item<Vec<Course>> {
    /// The facility courses the learner may join (the join screen's list). The same type as
    /// the learner's own courses, so the screens share one copy of the code that shows them.
    pub fn joinable() -> Item<Vec<Course>> {
        Item::new("joinable".to_owned())
    }
}

/// What the learner typed, as sent: spaces around a code pasted from a letter or an e-mail
/// are never part of it (the site compares the rest exactly, case included).
pub fn clean_code(typed: &str) -> &str {
    typed.trim()
}

/// Sends `code` to `course`. On `Joined`, the learner's courses are fetched and kept in
/// `store` (when there is one) before this returns; failing to refresh them does not undo
/// the join (the home screen asks the site again).
pub async fn join(
    remote: &impl JoinRemote,
    store: Option<&dyn Store>,
    course: CourseId,
    typed: &str,
    now_ms: i64,
) -> Result<JoinOutcome> {
    let code = clean_code(typed);
    // The site refuses an empty code too; no need to ask it.
    if code.is_empty() {
        return Ok(JoinOutcome::WrongCode);
    }
    // In the course already: the site would only say its enrolment is "disabled or
    // inactive" for them.
    if is_mine(remote, course).await? {
        return Ok(JoinOutcome::AlreadyJoined);
    }
    let outcome = remote.join_course(course, code).await?;
    if outcome.is_joined()
        && let Err(e) = Item::courses()
            .refresh(store, remote.my_courses(), now_ms)
            .await
    {
        tracing::warn!("joined course {course}, but my courses were not refreshed: {e}");
    }
    Ok(outcome)
}

async fn is_mine(remote: &impl JoinRemote, course: CourseId) -> Result<bool> {
    Ok(remote.my_courses().await?.iter().any(|c| c.id == course))
}

impl JoinRemote for Session {
    async fn joinable_courses(&self) -> Result<Vec<Course>> {
        Session::joinable_courses(self).await
    }

    async fn join_course(&self, course: CourseId, code: &str) -> Result<JoinOutcome> {
        Ok(self.remote().join_course(course, code).await?)
    }

    async fn my_courses(&self) -> Result<Vec<Course>> {
        self.courses().await
    }
}

impl Session {
    /// The courses the learner may join with a code (施設コース).
    pub async fn joinable_courses(&self) -> Result<Vec<Course>> {
        Ok(self.remote().joinable_courses().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KvStore, MemoryKv};
    use crate::test_events::block_on;
    use std::cell::RefCell;

    /// A site with one facility course taking `CODE`.
    struct Site {
        mine: RefCell<Vec<Course>>,
        refusal: Option<JoinOutcome>,
        sent: RefCell<Vec<String>>,
        offline: bool,
    }

    const COURSE: CourseId = CourseId(2);
    const CODE: &str = "NCCH2025";

    fn course(id: CourseId) -> Course {
        Course {
            id,
            short_name: format!("C{id}"),
            full_name: format!("Course {id}"),
            summary_html: String::new(),
            category: String::new(),
            logo_url: None,
            progress_percent: None,
            last_access: None,
        }
    }

    fn site() -> Site {
        Site {
            mine: RefCell::new(vec![course(CourseId(9))]),
            refusal: None,
            sent: RefCell::new(Vec::new()),
            offline: false,
        }
    }

    impl Site {
        fn reach(&self) -> Result<()> {
            if self.offline {
                return Err(crate::Error::Unreachable("offline".into()));
            }
            Ok(())
        }
    }

    impl JoinRemote for Site {
        async fn joinable_courses(&self) -> Result<Vec<Course>> {
            self.reach()?;
            Ok(Vec::new())
        }

        async fn join_course(&self, course: CourseId, code: &str) -> Result<JoinOutcome> {
            self.reach()?;
            self.sent.borrow_mut().push(code.to_owned());
            if let Some(refusal) = &self.refusal {
                return Ok(refusal.clone());
            }
            if code != CODE {
                return Ok(JoinOutcome::WrongCode);
            }
            self.mine.borrow_mut().push(self::course(course));
            Ok(JoinOutcome::Joined)
        }

        async fn my_courses(&self) -> Result<Vec<Course>> {
            self.reach()?;
            Ok(self.mine.borrow().clone())
        }
    }

    fn kept_courses(store: &dyn Store) -> Vec<CourseId> {
        Item::courses()
            .read(store)
            .expect("read")
            .map(|k| k.value.iter().map(|c| c.id).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_wrong_code_enrols_nothing_and_the_right_one_keeps_the_new_course() {
        block_on(async {
            let site = site();
            let store = KvStore::open(MemoryKv::default(), "acct").expect("store");
            let wrong = join(&site, Some(&store), COURSE, "NCCH2024", 1).await;
            assert_eq!(wrong.expect("answer"), JoinOutcome::WrongCode);
            assert!(kept_courses(&store).is_empty(), "nothing refreshed");
            // Spaces around a pasted code are not part of it.
            let joined = join(&site, Some(&store), COURSE, "  NCCH2025\n", 2).await;
            assert_eq!(joined.expect("answer"), JoinOutcome::Joined);
            assert_eq!(*site.sent.borrow(), ["NCCH2024", "NCCH2025"]);
            assert_eq!(kept_courses(&store), [CourseId(9), COURSE]);
        });
    }

    #[test]
    fn an_empty_code_is_wrong_without_asking_the_site() {
        block_on(async {
            let site = site();
            let outcome = join(&site, None, COURSE, "   ", 1).await.expect("answer");
            assert_eq!(outcome, JoinOutcome::WrongCode);
            assert!(site.sent.borrow().is_empty());
        });
    }

    #[test]
    fn a_course_already_joined_is_said_so_and_no_code_is_sent() {
        block_on(async {
            let site = site();
            let outcome = join(&site, None, CourseId(9), CODE, 1)
                .await
                .expect("answer");
            assert_eq!(outcome, JoinOutcome::AlreadyJoined);
            assert!(site.sent.borrow().is_empty());
        });
    }

    #[test]
    fn a_course_not_taking_learners_says_why_in_the_sites_words() {
        block_on(async {
            let closed = JoinOutcome::NotTakingLearners {
                reason: "ended".into(),
            };
            let site = Site {
                refusal: Some(closed.clone()),
                ..site()
            };
            assert_eq!(
                join(&site, None, COURSE, CODE, 1).await.expect("answer"),
                closed
            );
        });
    }

    #[test]
    fn offline_nothing_is_sent_or_queued() {
        block_on(async {
            let site = Site {
                offline: true,
                ..site()
            };
            let store = KvStore::open(MemoryKv::default(), "acct").expect("store");
            let e = join(&site, Some(&store), COURSE, CODE, 1)
                .await
                .expect_err("offline");
            assert!(e.is_retryable(), "{e:?}");
            assert!(site.sent.borrow().is_empty());
            assert!(kept_courses(&store).is_empty());
        });
    }

    #[test]
    fn the_joinable_list_is_kept_apart_from_my_courses() {
        let store = KvStore::open(MemoryKv::default(), "acct").expect("store");
        let list = vec![Course {
            category: "施設コース".into(),
            ..course(COURSE)
        }];
        Item::joinable().keep(&store, &list, 5).expect("keep");
        let kept = Item::joinable().read(&store).expect("read").expect("kept");
        assert_eq!(kept.value, list);
        assert!(kept_courses(&store).is_empty());
    }
}
