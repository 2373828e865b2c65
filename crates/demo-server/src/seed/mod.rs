//! The demo site's content: learners, courses built from the seeds, and their lecture clips.

mod build;
pub(crate) mod catalog;
pub(crate) mod courses;

use std::collections::{BTreeSet, HashMap};

use rusqlite::Connection;

use crate::config::{MediaProfile, PasswordCost};
use crate::db;
use crate::media::{Clip, MediaStore};

/// A demo account the server creates and prints at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoLearner {
    pub username: &'static str,
    pub password: &'static str,
    /// Family name first, as the site shows it.
    pub full_name: &'static str,
    /// The learner's institution.
    pub facility: &'static str,
}

pub const DEMO_LEARNERS: &[DemoLearner] = &[
    // Enrolled in facility A's course (self-enrolled with its facility code) and in iCROWN.
    DemoLearner {
        username: "learner1",
        password: "Juko-demo-1",
        full_name: "山田 花子",
        facility: "国立がん研究センター中央病院",
    },
    // Enrolled in facility B's course.
    DemoLearner {
        username: "learner2",
        password: "Juko-demo-2",
        full_name: "佐藤 健一",
        facility: "湘南鎌倉総合病院",
    },
    // Enrolled in the iCROWN training only.
    DemoLearner {
        username: "icrown1",
        password: "Juko-demo-3",
        full_name: "鈴木 一郎",
        facility: "国立国際医療センター",
    },
];

/// Who is enrolled where, by username and course shortname. Nobody is in the catalog course.
const ENROLMENTS: &[(&str, &str)] = &[
    ("learner1", courses::FACILITY_A.shortname),
    ("learner1", courses::ICROWN.shortname),
    ("learner2", courses::FACILITY_B.shortname),
    ("icrown1", courses::ICROWN.shortname),
];

/// The clips lectures point at.
#[derive(Debug, Clone)]
pub(crate) struct Clips {
    by_seconds: HashMap<u32, Clip>,
    /// Tests: every lecture uses this one clip.
    shared: Option<Clip>,
}

/// The length of the shared test clip.
const SHARED_CLIP_SECONDS: u32 = 2;

impl Clips {
    /// Generates (or finds from an earlier run) the clips the profile needs.
    pub(crate) async fn prepare(
        store: &MediaStore,
        profile: MediaProfile,
    ) -> anyhow::Result<Clips> {
        match profile {
            MediaProfile::Catalog => Ok(Clips {
                by_seconds: store.prepare_clips(&catalog_durations()).await?,
                shared: None,
            }),
            MediaProfile::SharedTestClip => {
                let mut by_seconds = store
                    .prepare_clips(&BTreeSet::from([SHARED_CLIP_SECONDS]))
                    .await?;
                let shared = by_seconds.remove(&SHARED_CLIP_SECONDS);
                Ok(Clips { by_seconds, shared })
            }
        }
    }

    fn for_lecture(&self, lecture: &catalog::Lecture) -> anyhow::Result<&Clip> {
        let seconds = lecture.clip_seconds();
        self.shared
            .as_ref()
            .or_else(|| self.by_seconds.get(&seconds))
            .ok_or_else(|| anyhow::anyhow!("no {seconds}-second clip for {}", lecture.name))
    }

    fn all(&self) -> impl Iterator<Item = &Clip> {
        self.by_seconds.values().chain(self.shared.iter())
    }
}

/// Every distinct lecture length in the catalog: one clip each.
fn catalog_durations() -> BTreeSet<u32> {
    courses::COURSES
        .iter()
        .flat_map(|course| course.units)
        .flat_map(|unit| unit.lectures)
        .map(catalog::Lecture::clip_seconds)
        .collect()
}

/// Fills an empty database with the demo site, in one transaction.
pub(crate) fn seed(
    conn: &mut Connection,
    clips: &Clips,
    cost: PasswordCost,
    now: i64,
) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    build::Seeder::new(&tx, clips, now).seed_site(cost)?;
    for clip in clips.all() {
        db::record_media(&tx, &clip.recipe, &clip.contenthash, clip.filesize)?;
    }
    db::mark_seeded(&tx, now)?;
    tx.commit()?;
    Ok(())
}

/// On a database seeded earlier: points files at the clips as they are now on disk.
pub(crate) fn link_media(conn: &mut Connection, clips: &Clips) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    for clip in clips.all() {
        let moved = db::reconcile_media(&tx, &clip.recipe, &clip.contenthash, clip.filesize)?;
        if moved > 0 {
            tracing::info!(recipe = %clip.recipe, files = moved, "re-linked regenerated clip");
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brochure_times_become_clip_lengths() {
        let check = |time, want| {
            let lecture = catalog::Lecture { name: "x", time };
            assert_eq!(lecture.clip_seconds(), want, "{time}");
        };
        check("0:05", 5);
        check("1:08", 68);
        check("1:00", 60);
    }

    #[test]
    fn lecturers_come_from_the_title_mark() {
        let check = |name, want: Option<&str>, description: &str| {
            let lecture = catalog::Lecture { name, time: "0:52" };
            assert_eq!(lecture.lecturer(), want, "{name}");
            assert_eq!(lecture.description_html(), description);
        };
        check(
            "研究コンセプトの作り方-統計家の視点から- 《講師:山本 精一郎》",
            Some("山本 精一郎"),
            "<p>講師: 山本 精一郎</p><p>時間: 0:52</p>",
        );
        check("テーマ2:倫理審査のポイント", None, "<p>時間: 0:52</p>");
    }

    #[test]
    fn every_enrolment_names_a_learner_and_a_course() {
        for (username, shortname) in ENROLMENTS {
            assert!(
                DEMO_LEARNERS.iter().any(|l| l.username == *username),
                "{username}"
            );
            assert!(
                courses::COURSES.iter().any(|c| c.shortname == *shortname),
                "{shortname}"
            );
        }
    }

    #[test]
    fn the_catalog_needs_one_clip_per_distinct_time() {
        let durations = catalog_durations();
        assert!(durations.contains(&68) && durations.contains(&3));
        assert!(durations.len() < 40, "{} clips", durations.len());
    }
}
