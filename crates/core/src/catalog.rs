//! The catalog on the device: copies of what the site showed the learner (site info, my
//! courses, each opened course's contents), kept in the account's [`Store`] so that every screen
//! draws from the device first and the network second.
//!
//! One rule for every screen, stale-while-revalidate ([`Shown`]): show the kept copy at once,
//! ask the site, keep and show its answer; when the site cannot be reached, keep showing the copy
//! and say since when it is kept. A screen with kept data is never blanked by a network failure.

use crate::store::{LocalProgress, Store};
use crate::{Error, Result};
use juko_model::{
    AttemptId, AttemptReview, Course, CourseContents, CourseId, LectureId, QuizOverview, SiteInfo,
};
use serde::{Serialize, de::DeserializeOwned};
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;

/// A kept copy and when the site sent it (ms since the epoch).
#[derive(Clone, Debug, PartialEq)]
pub struct Kept<T> {
    pub value: T,
    pub fetched_ms: i64,
}

/// One kind of thing the catalog keeps, under its key in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<T> {
    key: String,
    _of: PhantomData<fn() -> T>,
}

impl<T> Item<T> {
    pub(crate) fn new(key: String) -> Item<T> {
        Item {
            key,
            _of: PhantomData,
        }
    }
}

impl Item<SiteInfo> {
    /// The site and the learner, as the site last described them.
    pub fn site_info() -> Item<SiteInfo> {
        Item::new("site".to_owned())
    }
}

impl Item<Vec<Course>> {
    /// The learner's courses.
    pub fn courses() -> Item<Vec<Course>> {
        Item::new("courses".to_owned())
    }
}

impl Item<CourseContents> {
    /// One course's units, lectures and activities.
    pub fn contents(course: CourseId) -> Item<CourseContents> {
        Item::new(format!("contents:{course}"))
    }
}

impl Item<QuizOverview> {
    /// A unit's test (by its module): the test, the learner's attempts and best grade.
    pub fn quiz(module: LectureId) -> Item<QuizOverview> {
        Item::new(format!("quiz:{module}"))
    }
}

impl Item<AttemptReview> {
    /// A finished attempt's review, as the site let the learner see it.
    pub fn review(attempt: AttemptId) -> Item<AttemptReview> {
        Item::new(format!("review:{attempt}"))
    }
}

impl Item<crate::news::News> {
    /// お知らせ: the site's and my courses' announcements, and the site's notifications.
    pub fn news() -> Item<crate::news::News> {
        Item::new("news".to_owned())
    }
}

impl<T: Serialize + DeserializeOwned> Item<T> {
    /// The kept copy, if this device has one. A copy that no longer reads (written by another
    /// version of the app) counts as none: the site is asked again.
    pub fn read(&self, store: &dyn Store) -> Result<Option<Kept<T>>> {
        let Some((json, fetched_ms)) = store.kept(&self.key)? else {
            return Ok(None);
        };
        match serde_json::from_str(&json) {
            Ok(value) => Ok(Some(Kept { value, fetched_ms })),
            Err(e) => {
                tracing::warn!(
                    "kept {} no longer reads ({e}); asking the site again",
                    self.key
                );
                Ok(None)
            }
        }
    }

    /// Keeps `value` as the site's latest answer.
    pub fn keep(&self, store: &dyn Store, value: &T, fetched_ms: i64) -> Result<()> {
        let json = serde_json::to_string(value).map_err(|e| Error::Storage(e.to_string()))?;
        store.keep(&self.key, &json, fetched_ms)
    }

    /// Asks the site through `fetch` and keeps its answer (when there is a store); what the
    /// screen shows next. The answer is shown even if it could not be kept: the site answered,
    /// and the failure to keep it is logged (the store's own failures show in the sync badge).
    pub async fn refresh<F>(
        &self,
        store: Option<&dyn Store>,
        fetch: F,
        now_ms: i64,
    ) -> Result<Kept<T>>
    where
        F: Future<Output = Result<T>>,
    {
        let value = fetch.await?;
        if let Some(store) = store
            && let Err(e) = self.keep(store, &value, now_ms)
        {
            tracing::error!("the site's answer for {} was not kept: {e}", self.key);
        }
        Ok(Kept {
            value,
            fetched_ms: now_ms,
        })
    }
}

/// What a screen shows of one catalog item: the stale-while-revalidate rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown<T> {
    /// The data to draw, if any: the site's latest answer or the kept copy.
    pub data: Option<Kept<T>>,
    pub freshness: Freshness,
}

/// How current the shown data is.
#[derive(Clone, Debug, PartialEq)]
pub enum Freshness {
    /// Asking the site; what is shown (if anything) is the kept copy.
    Checking,
    /// The site's answer just now.
    Current,
    /// The site could not be reached: the kept copy is shown (when there is one).
    Offline(Error),
    /// The site answered with an error: shown over the kept copy (when there is one).
    Failed(Error),
}

impl<T> Shown<T> {
    /// What to show before the site answers: the kept copy, if any.
    pub fn kept(data: Option<Kept<T>>) -> Shown<T> {
        Shown {
            data,
            freshness: Freshness::Checking,
        }
    }

    /// What to show once the site answered (or did not): its answer, or the copy kept before
    /// with why it could not be brought up to date. A store that failed to read is an error
    /// with nothing to show, never an empty screen.
    pub fn settle(self, answer: Result<Kept<T>>) -> Shown<T> {
        match answer {
            Ok(fresh) => Shown {
                data: Some(fresh),
                freshness: Freshness::Current,
            },
            Err(e) if e.is_retryable() => Shown {
                data: self.data,
                freshness: Freshness::Offline(e),
            },
            Err(e) => Shown {
                data: self.data,
                freshness: Freshness::Failed(e),
            },
        }
    }

    /// The error to show in place of data: only when there is no data to show.
    pub fn error(&self) -> Option<&Error> {
        match (&self.data, &self.freshness) {
            (None, Freshness::Offline(e) | Freshness::Failed(e)) => Some(e),
            _ => None,
        }
    }

    /// The kept copy's time when it is shown because the site could not bring it up to date.
    pub fn stale_since(&self) -> Option<i64> {
        match (&self.data, &self.freshness) {
            (Some(k), Freshness::Offline(_) | Freshness::Failed(_)) => Some(k.fetched_ms),
            _ => None,
        }
    }
}

/// Lecture titles for viewing-history entries, from the kept contents of their courses (the
/// site's current names win over the one recorded when the lecture was played).
pub fn lecture_titles(
    store: &dyn Store,
    history: &[LocalProgress],
) -> Result<HashMap<LectureId, String>> {
    let mut titles = HashMap::new();
    let mut courses: Vec<CourseId> = history.iter().filter_map(|l| l.course).collect();
    courses.sort_unstable();
    courses.dedup();
    for course in courses {
        if let Some(kept) = Item::contents(course).read(store)? {
            titles.extend(kept.value.lectures().map(|l| (l.id, l.title.clone())));
        }
    }
    for l in history {
        if let Some(title) = &l.title {
            titles
                .entry(l.progress.lecture)
                .or_insert_with(|| title.clone());
        }
    }
    Ok(titles)
}

/// Courses of viewing-history entries whose titles this device does not have: their contents
/// are to be fetched (when online), so no lecture is shown as a bare id.
pub fn courses_missing_titles(
    history: &[LocalProgress],
    titles: &HashMap<LectureId, String>,
) -> Vec<CourseId> {
    let mut missing: Vec<CourseId> = history
        .iter()
        .filter(|l| !titles.contains_key(&l.progress.lecture))
        .filter_map(|l| l.course)
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KvStore, MemoryKv};
    use juko_model::{Lecture, LectureKind, Unit, UnitId};

    fn each_store(check: impl Fn(&dyn Store)) {
        #[cfg(feature = "sqlite")]
        check(&crate::store::SqliteStore::open_in_memory().expect("opens"));
        check(&KvStore::open(MemoryKv::default(), "t").expect("opens"));
    }

    /// Recording a 10 s lecture of course 2.
    fn ctx(title: &'static str) -> crate::store::LectureContext<'static> {
        crate::store::LectureContext {
            course: Some(CourseId(2)),
            title: Some(title),
            duration_secs: Some(10.0),
            complete_on_site: false,
        }
    }

    fn course(id: i64, name: &str) -> Course {
        Course {
            id: CourseId(id),
            short_name: format!("c{id}"),
            full_name: name.to_owned(),
            summary_html: String::new(),
            category: String::new(),
            progress_percent: None,
            last_access: None,
            logo_url: None,
        }
    }

    fn contents(course: i64, lectures: &[(i64, &str)]) -> CourseContents {
        CourseContents {
            course_id: CourseId(course),
            units: vec![Unit {
                id: UnitId(1),
                number: 1,
                name: "第1講座".into(),
                summary_html: String::new(),
                locked_reason: None,
                lectures: lectures
                    .iter()
                    .map(|&(id, title)| Lecture {
                        id: LectureId(id),
                        instance: id,
                        kind: LectureKind::File,
                        title: title.into(),
                        lecturer: Some("講師".into()),
                        duration_secs: Some(300),
                        description: Vec::new(),
                        media: None,
                        locked_reason: None,
                        completed: false,
                        manual_completion: false,
                    })
                    .collect(),
                activities: vec![],
            }],
        }
    }

    #[test]
    fn a_kept_item_reads_back_with_its_time_and_is_replaced_by_the_next() {
        each_store(|s| {
            let item = Item::courses();
            assert_eq!(item.read(s).unwrap(), None);
            item.keep(s, &vec![course(2, "A")], 1_000).unwrap();
            item.keep(s, &vec![course(2, "A"), course(3, "B")], 2_000)
                .unwrap();
            let kept = item.read(s).unwrap().expect("kept");
            assert_eq!(kept.fetched_ms, 2_000);
            assert_eq!(kept.value.len(), 2);
            // Contents are kept per course.
            Item::contents(CourseId(2))
                .keep(s, &contents(2, &[(301, "概論")]), 3_000)
                .unwrap();
            assert!(Item::contents(CourseId(3)).read(s).unwrap().is_none());
            let c = Item::contents(CourseId(2)).read(s).unwrap().unwrap();
            assert_eq!(c.value, contents(2, &[(301, "概論")]));
        });
    }

    #[test]
    fn an_answer_that_cannot_be_kept_is_still_shown() {
        let kv = MemoryKv::default();
        let s = KvStore::open(kv, "t").unwrap();
        s.erase().unwrap(); // every write refused from now on
        let shown = crate::test_events::block_on(Item::courses().refresh(
            Some(&s),
            async { Ok(vec![course(2, "A")]) },
            7,
        ))
        .expect("the site answered");
        assert_eq!(shown.value[0].id, CourseId(2));
        assert_eq!(Item::courses().read(&s).unwrap(), None, "not kept");
    }

    #[test]
    fn history_writes_make_room_by_dropping_the_catalog_when_storage_is_full() {
        use crate::store::KeyValue;
        let kept = contents(2, &[(301, "臨床研究概論"), (302, "研究倫理")]);
        // The space holds the kept course and a little more, not the history on top of it.
        let measure = MemoryKv::default();
        let m = KvStore::open(measure.clone(), "t").unwrap();
        Item::contents(CourseId(2)).keep(&m, &kept, 1).unwrap();
        let size: usize = measure
            .keys()
            .iter()
            .map(|k| k.len() + measure.get(k).map_or(0, |v| v.len()))
            .sum();
        let s = KvStore::open(MemoryKv::with_quota(size + 100), "t").unwrap();
        Item::contents(CourseId(2)).keep(&s, &kept, 1).unwrap();
        let e = crate::test_events::played("a", 301, 0.0, 5.0, 1);
        let ctx = ctx("臨床研究概論");
        s.record(&e, ctx, 1)
            .expect("history is kept: the catalog made room");
        assert_eq!(s.pending_count().unwrap(), 1);
        assert_eq!(
            Item::contents(CourseId(2)).read(&s).unwrap(),
            None,
            "evicted"
        );
    }

    #[test]
    fn a_copy_that_no_longer_reads_counts_as_none() {
        each_store(|s| {
            s.keep("courses", "{not json", 5).unwrap();
            assert_eq!(Item::courses().read(s).unwrap(), None);
        });
    }

    #[test]
    fn erasing_leaves_nothing_of_the_account() {
        each_store(|s| {
            Item::courses().keep(s, &vec![course(2, "A")], 1).unwrap();
            let e = crate::test_events::played("a", 301, 0.0, 5.0, 1);
            let ctx = ctx("概論");
            s.record(&e, ctx, 1).unwrap();
            s.queue_action(&crate::store::SiteAction::Completed {
                lecture: LectureId(301),
            })
            .unwrap();
            s.erase().unwrap();
            assert_eq!(Item::courses().read(s).unwrap(), None);
            // A task still holding the handle (the player's last report) writes nothing back.
            assert!(
                s.record(&crate::test_events::played("b", 301, 5.0, 6.0, 2), ctx, 2)
                    .is_err()
            );
            assert!(Item::courses().keep(s, &vec![course(2, "A")], 3).is_err());
            assert!(s.all().unwrap().is_empty());
            assert_eq!(Item::courses().read(s).unwrap(), None);
            assert!(s.all().unwrap().is_empty());
            assert_eq!(s.pending_count().unwrap(), 0);
            assert!(s.actions().unwrap().is_empty());
            assert_eq!(s.cursor().unwrap(), "");
        });
    }

    #[test]
    fn erasing_in_one_tab_stops_another_tabs_writes_until_the_next_sign_in() {
        let kv = MemoryKv::default();
        let this_tab = KvStore::open(kv.clone(), "a").unwrap();
        let other_tab = KvStore::open(kv.clone(), "a").unwrap();
        this_tab.erase().unwrap();
        assert!(
            Item::courses()
                .keep(&other_tab, &vec![course(2, "A")], 1)
                .is_err()
        );
        assert!(
            other_tab.device_id().is_err(),
            "nothing at all is written back"
        );
        let signed_in_again = KvStore::open(kv, "a").unwrap();
        Item::courses()
            .keep(&signed_in_again, &vec![course(2, "A")], 2)
            .unwrap();
    }

    #[test]
    fn erasing_a_kv_account_leaves_other_accounts() {
        let kv = MemoryKv::default();
        let a = KvStore::open(kv.clone(), "a").unwrap();
        let b = KvStore::open(kv.clone(), "b").unwrap();
        Item::courses().keep(&a, &vec![course(2, "A")], 1).unwrap();
        Item::courses().keep(&b, &vec![course(3, "B")], 1).unwrap();
        a.erase().unwrap();
        assert_eq!(Item::courses().read(&a).unwrap(), None);
        assert_eq!(
            Item::courses().read(&b).unwrap().unwrap().value[0].id,
            CourseId(3)
        );
    }

    #[test]
    fn a_screen_shows_the_kept_copy_then_the_answer() {
        let kept = Kept {
            value: 1,
            fetched_ms: 10,
        };
        let checking = Shown::kept(Some(kept.clone()));
        assert_eq!(checking.freshness, Freshness::Checking);
        assert_eq!(checking.error(), None);
        let fresh = Kept {
            value: 2,
            fetched_ms: 20,
        };
        let shown = checking.clone().settle(Ok(fresh.clone()));
        assert_eq!(shown.data, Some(fresh));
        assert_eq!(shown.freshness, Freshness::Current);
        assert_eq!(shown.stale_since(), None);
        // Offline: the copy stays, with its time.
        let offline = checking
            .clone()
            .settle(Err(Error::Unreachable("down".into())));
        assert_eq!(offline.data, Some(kept.clone()));
        assert_eq!(offline.stale_since(), Some(10));
        assert_eq!(offline.error(), None, "data shown, not an error panel");
        // The site refusing keeps the copy too, and says so.
        let refused = checking.settle(Err(Error::Protocol("garbage".into())));
        assert!(matches!(refused.freshness, Freshness::Failed(_)));
        assert_eq!(refused.data, Some(kept));
    }

    #[test]
    fn with_nothing_kept_a_failure_is_an_error_to_show() {
        let shown = Shown::<i32>::kept(None).settle(Err(Error::Unreachable("down".into())));
        assert!(matches!(shown.error(), Some(Error::Unreachable(_))));
        assert_eq!(shown.stale_since(), None);
    }

    #[test]
    fn refreshing_keeps_the_answer_and_a_failure_keeps_the_old_copy() {
        each_store(|s| {
            let item = Item::courses();
            let fresh = crate::test_events::block_on(item.refresh(
                Some(s),
                async { Ok(vec![course(2, "A")]) },
                100,
            ))
            .unwrap();
            assert_eq!(fresh.fetched_ms, 100);
            let failed = crate::test_events::block_on(item.refresh(
                Some(s),
                async { Err(Error::Unreachable("down".into())) },
                200,
            ));
            assert!(failed.is_err());
            assert_eq!(item.read(s).unwrap().unwrap().fetched_ms, 100);
        });
    }

    #[test]
    fn history_titles_come_from_kept_contents_and_missing_ones_name_their_course() {
        each_store(|s| {
            Item::contents(CourseId(2))
                .keep(s, &contents(2, &[(301, "臨床研究概論")]), 1)
                .unwrap();
            let mut from_server = LocalProgress::new(LectureId(301));
            from_server.course = Some(CourseId(2));
            let mut elsewhere = LocalProgress::new(LectureId(401));
            elsewhere.course = Some(CourseId(4));
            let mut played_here = LocalProgress::new(LectureId(501));
            played_here.title = Some("ここで再生".into());
            let history = vec![from_server, elsewhere, played_here];
            let titles = lecture_titles(s, &history).unwrap();
            assert_eq!(titles[&LectureId(301)], "臨床研究概論");
            assert_eq!(titles[&LectureId(501)], "ここで再生");
            assert!(!titles.contains_key(&LectureId(401)));
            assert_eq!(courses_missing_titles(&history, &titles), [CourseId(4)]);
        });
    }
}
