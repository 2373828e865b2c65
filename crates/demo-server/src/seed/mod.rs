//! The demo site's content: learners, courses built from the seeds, and their lecture clips.

mod build;
pub(crate) mod captions;
pub(crate) mod catalog;
pub(crate) mod courses;
pub(crate) mod news;
mod news_files;
mod notifications;
pub mod quizzes;

use std::collections::{BTreeSet, HashMap};

use rusqlite::Connection;

use crate::config::{MediaProfile, PasswordCost};
use crate::db;
use crate::media::{Clip, ClipSpec, MediaStore};
use catalog::Timing;

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
    // Enrolled nowhere yet: joins facility A's course with its facility code.
    DemoLearner {
        username: "newcomer",
        password: "Juko-demo-4",
        full_name: "高橋 美咲",
        facility: "国立がん研究センター中央病院",
    },
];

/// Who is enrolled where, by username and course shortname. Nobody is in the catalog course.
const ENROLMENTS: &[(&str, &str)] = &[
    ("learner1", courses::FACILITY_A.shortname),
    ("learner1", courses::ICROWN.shortname),
    ("learner2", courses::FACILITY_B.shortname),
    ("icrown1", courses::ICROWN.shortname),
];

/// The clips lectures point at, and how long lectures run.
#[derive(Debug, Clone)]
pub(crate) struct Clips {
    by_spec: HashMap<ClipSpec, Clip>,
    /// Unit tests: every lecture uses this one clip.
    shared: Option<Clip>,
    timing: Timing,
}

/// The shared unit-test clip.
const SHARED_CLIP_SECONDS: u32 = 2;
const SHARED_CLIP_TITLE: &str = "Juko テスト動画";

impl Clips {
    /// Generates (or finds from an earlier run) the clips the profile needs.
    pub(crate) async fn prepare(
        store: &MediaStore,
        profile: MediaProfile,
    ) -> anyhow::Result<Clips> {
        match profile {
            MediaProfile::Catalog | MediaProfile::Short => {
                let timing = timing_of(profile);
                Ok(Clips {
                    by_spec: store.prepare_clips(&catalog_clips(timing)).await?,
                    shared: None,
                    timing,
                })
            }
            MediaProfile::SharedTestClip => {
                let spec = ClipSpec {
                    title: SHARED_CLIP_TITLE.to_owned(),
                    seconds: SHARED_CLIP_SECONDS,
                };
                let mut by_spec = store.prepare_clips(&BTreeSet::from([spec.clone()])).await?;
                Ok(Clips {
                    shared: by_spec.remove(&spec),
                    by_spec,
                    timing: timing_of(profile),
                })
            }
        }
    }

    pub(crate) fn timing(&self) -> Timing {
        self.timing
    }

    fn for_lecture(&self, lecture: &catalog::Lecture) -> anyhow::Result<&Clip> {
        let spec = clip_spec(lecture, self.timing);
        self.shared
            .as_ref()
            .or_else(|| self.by_spec.get(&spec))
            .ok_or_else(|| anyhow::anyhow!("no {}-second clip for {}", spec.seconds, lecture.name))
    }

    fn all(&self) -> impl Iterator<Item = &Clip> {
        self.by_spec.values().chain(self.shared.iter())
    }
}

fn timing_of(profile: MediaProfile) -> Timing {
    match profile {
        MediaProfile::Catalog => Timing::AsListed,
        MediaProfile::Short | MediaProfile::SharedTestClip => Timing::SecondPerMinute,
    }
}

/// What a lecture's clip shows and how long it lasts.
fn clip_spec(lecture: &catalog::Lecture, timing: Timing) -> ClipSpec {
    ClipSpec {
        title: lecture.name.to_owned(),
        seconds: lecture.seconds(timing),
    }
}

/// Every lecture of the catalog with the name of its video file (`kiso-01.mp4`), which is the
/// same wherever the unit is taught.
fn catalog_lectures() -> impl Iterator<Item = (String, &'static catalog::Lecture)> {
    courses::COURSES
        .iter()
        .flat_map(|course| course.units)
        .flat_map(|unit| {
            unit.lectures
                .iter()
                .enumerate()
                .map(move |(index, lecture)| (video_filename(unit, index), lecture))
        })
}

fn video_filename(unit: &catalog::Unit, index: usize) -> String {
    format!("{}-{:02}.mp4", unit.code, index + 1)
}

/// One clip per lecture (lectures listed twice with the same title and time share one).
fn catalog_clips(timing: Timing) -> BTreeSet<ClipSpec> {
    catalog_lectures()
        .map(|(_, lecture)| clip_spec(lecture, timing))
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

/// On a database seeded earlier: creates the demo learners added to the seed since, so every
/// learner the server prints can sign in.
pub(crate) fn add_missing_learners(
    conn: &mut Connection,
    clips: &Clips,
    cost: PasswordCost,
    now: i64,
) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    let added = build::Seeder::new(&tx, clips, now).add_missing_learners(cost)?;
    tx.commit()?;
    if added > 0 {
        tracing::info!(learners = added, "added the new demo learners");
    }
    Ok(())
}

/// Adds the announcements, logos and notifications to a database that has none (new, or
/// seeded before they existed), in one transaction.
pub(crate) fn add_news(
    conn: &mut Connection,
    files: &news::NewsFiles,
    now: i64,
) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    let added = news::add_news(&tx, files, now)?;
    tx.commit()?;
    if added {
        tracing::info!("added the announcements and notifications");
    }
    Ok(())
}

/// On a database seeded earlier: gives every lecture the clip, listed time and length of the
/// media in use now (a database seeded by an older version, by tests with short media, or with
/// a regenerated media directory). Learners' history stays as it is.
pub(crate) fn link_media(conn: &mut Connection, clips: &Clips, now: i64) -> anyhow::Result<()> {
    let lectures: HashMap<String, &catalog::Lecture> = catalog_lectures().collect();
    let tx = conn.transaction()?;
    let mut moved = 0;
    for file in db::lecture_files(&tx)? {
        let Some(lecture) = lectures.get(&file.filename) else {
            continue;
        };
        let clip = clips.for_lecture(lecture)?;
        moved += usize::from(db::set_file_content(
            &tx,
            file.file_id,
            &clip.contenthash,
            clip.filesize,
            now,
        )?);
        db::set_resource_intro(
            &tx,
            file.resource_id,
            &lecture.description_html(clips.timing),
            now,
        )?;
        db::register_lecture(&tx, file.cmid, f64::from(lecture.seconds(clips.timing)))?;
    }
    for clip in clips.all() {
        db::record_media(&tx, &clip.recipe, &clip.contenthash, clip.filesize)?;
    }
    tx.commit()?;
    if moved > 0 {
        tracing::info!(files = moved, "re-linked lectures to the current videos");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brochure_times_are_hours_and_minutes() {
        let check = |time, listed: u32, short: &str| {
            let lecture = catalog::Lecture { name: "x", time };
            assert_eq!(lecture.seconds(Timing::AsListed), listed * 60, "{time}");
            assert_eq!(lecture.time_text(Timing::AsListed), time);
            assert_eq!(lecture.seconds(Timing::SecondPerMinute), listed, "{time}");
            assert_eq!(lecture.time_text(Timing::SecondPerMinute), short);
        };
        check("0:05", 5, "0:00:05");
        check("1:08", 68, "0:01:08");
        check("1:00", 60, "0:01:00");
    }

    #[test]
    fn lecturers_come_from_the_title_mark() {
        let check = |name, want: Option<&str>, description: &str| {
            let lecture = catalog::Lecture { name, time: "0:52" };
            assert_eq!(lecture.lecturer(), want, "{name}");
            assert_eq!(lecture.description_html(Timing::AsListed), description);
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
    fn every_lecture_gets_a_clip_with_its_title_and_real_length() {
        let clips = catalog_clips(Timing::AsListed);
        let lectures: Vec<_> = catalog_lectures().collect();
        for (filename, lecture) in &lectures {
            let spec = clip_spec(lecture, Timing::AsListed);
            assert!(clips.contains(&spec), "{filename}");
        }
        let first = ClipSpec {
            title: "1. 臨床研究概論".to_owned(),
            seconds: 5 * 60,
        };
        assert!(clips.contains(&first));
        // Lectures listed twice (same title, same time) share their clip.
        assert!(clips.len() < lectures.len());
        let hours = clips.iter().map(|c| c.seconds).sum::<u32>() as f64 / 3600.0;
        assert!(hours > 10.0, "{hours} hours of video");
    }

    #[test]
    fn video_file_names_name_one_lecture_each() {
        let mut by_name: HashMap<String, &catalog::Lecture> = HashMap::new();
        for (filename, lecture) in catalog_lectures() {
            let known = by_name.entry(filename.clone()).or_insert(lecture);
            assert_eq!(*known, lecture, "{filename}");
        }
    }
}
