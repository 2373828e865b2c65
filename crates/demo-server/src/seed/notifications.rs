//! Each demo learner's popup notifications: a welcome to their course, a news forum post they
//! are subscribed to, a test's grade; some read, most not. Times are relative to the seeding
//! clock, and site URLs are stored as paths (the site URL is the request's).

use rusqlite::{OptionalExtension, Transaction};

use super::courses::{self, CoursePlan};
use super::news::{Seeded, SeededByKey};
use crate::db::{self, NewNotification};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// The site administrator, who sends the site's own notifications.
const ADMIN_USER_ID: i64 = 2;

/// A popup notification for a learner.
struct NotificationPlan {
    username: &'static str,
    kind: NotificationKind,
    age: i64,
    read: bool,
}

enum NotificationKind {
    /// A post in a course's news forum (`None`: the site's), by subject.
    ForumPost {
        course: Option<&'static str>,
        subject: &'static str,
    },
    /// A test's grade is ready.
    QuizGraded { course: &'static str },
    /// Welcome to a course (sent on enrolment).
    Welcome { course: &'static str },
}

fn notification_plans() -> Vec<NotificationPlan> {
    use NotificationKind::*;
    let a = courses::FACILITY_A.shortname;
    let b = courses::FACILITY_B.shortname;
    let icrown = courses::ICROWN.shortname;
    let plan = |username, kind, age, read| NotificationPlan {
        username,
        kind,
        age,
        read,
    };
    vec![
        plan("learner1", Welcome { course: a }, 30 * DAY, true),
        plan(
            "learner1",
            ForumPost {
                course: Some(a),
                subject: "【必須】2025年度 受講必須講座と受講期限",
            },
            12 * DAY,
            false,
        ),
        plan("learner1", QuizGraded { course: a }, 2 * DAY, false),
        plan(
            "learner1",
            ForumPost {
                course: Some(icrown),
                subject: "有事対応訓練の日程について",
            },
            5 * DAY,
            true,
        ),
        plan("learner2", Welcome { course: b }, 25 * DAY, true),
        plan(
            "learner2",
            ForumPost {
                course: Some(b),
                subject: "【必須】独自コースの受講講座（職種別）",
            },
            15 * DAY,
            false,
        ),
        plan(
            "learner2",
            ForumPost {
                course: Some(b),
                subject: "受講案内（PDF）を掲載しました",
            },
            3 * DAY,
            false,
        ),
        plan("icrown1", Welcome { course: icrown }, 20 * DAY, true),
        plan(
            "icrown1",
            ForumPost {
                course: Some(icrown),
                subject: "2025年度 iCROWN 研修のご案内",
            },
            10 * DAY,
            false,
        ),
        plan(
            "newcomer",
            ForumPost {
                course: None,
                subject: "【重要】システムメンテナンスのお知らせ（12月14日）",
            },
            20 * DAY,
            false,
        ),
        plan(
            "newcomer",
            ForumPost {
                course: None,
                subject: "個人情報の取り扱いについて（改定）",
            },
            2 * DAY + 5 * HOUR,
            false,
        ),
    ]
}

/// Adds the learners' notifications, pointing at the seeded announcements.
pub(super) fn add_notifications(
    tx: &Transaction<'_>,
    seeded: &SeededByKey,
    now: i64,
) -> anyhow::Result<()> {
    NotificationSeeder { tx, now }.notifications(seeded)
}

struct NotificationSeeder<'a> {
    tx: &'a Transaction<'a>,
    now: i64,
}

impl NotificationSeeder<'_> {
    fn course_id(&self, shortname: &str) -> anyhow::Result<i64> {
        Ok(self.tx.query_row(
            "SELECT id FROM course WHERE shortname = ?1",
            [shortname],
            |row| row.get(0),
        )?)
    }

    fn user_id(&self, username: &str) -> anyhow::Result<i64> {
        Ok(self.tx.query_row(
            "SELECT id FROM user WHERE username = ?1",
            [username],
            |row| row.get(0),
        )?)
    }

    fn notifications(&self, seeded: &SeededByKey) -> anyhow::Result<()> {
        for plan in notification_plans() {
            let userto = self.user_id(plan.username)?;
            let timecreated = self.now - plan.age;
            let timeread = plan.read.then_some(timecreated + HOUR);
            match plan.kind {
                NotificationKind::ForumPost { course, subject } => {
                    let post = seeded.get(&(course, subject)).ok_or_else(|| {
                        anyhow::anyhow!("no seeded announcement {subject:?} for a notification")
                    })?;
                    self.forum_post_notification(userto, post, subject, timecreated, timeread)?;
                }
                NotificationKind::QuizGraded { course } => {
                    self.quiz_notification(userto, course, timecreated, timeread)?;
                }
                NotificationKind::Welcome { course } => {
                    self.welcome_notification(userto, course, timecreated, timeread)?;
                }
            }
        }
        Ok(())
    }

    /// What `mod_forum` sends subscribers of a news forum (`posts`). Site URLs are stored as
    /// paths and given the request's site URL when sent.
    fn forum_post_notification(
        &self,
        userto: i64,
        post: &Seeded,
        subject: &str,
        timecreated: i64,
        timeread: Option<i64>,
    ) -> anyhow::Result<()> {
        let shortname: String = self.tx.query_row(
            "SELECT shortname FROM course WHERE id = ?1",
            [post.course],
            |row| row.get(0),
        )?;
        let authorname: String = self.tx.query_row(
            "SELECT lastname || ' ' || firstname FROM user WHERE id = ?1",
            [post.author],
            |row| row.get(0),
        )?;
        let contexturl = format!(
            "/mod/forum/discuss.php?d={}#p{}",
            post.discussion, post.post
        );
        let customdata = serde_json::json!({
            "cmid": post.cmid,
            "instance": post.forum,
            "discussionid": post.discussion,
            "postid": post.post,
        })
        .to_string();
        let full_subject = format!("{shortname}: {subject}");
        let small = format!(
            "{authorname} さんが「{}」に投稿しました: {subject}",
            post.forum_name
        );
        let plain = format!("{}\n\n{}", subject, strip_tags(&post.message));
        db::insert_notification(
            self.tx,
            &NewNotification {
                useridfrom: post.author,
                useridto: userto,
                subject: &full_subject,
                fullmessage: &plain,
                fullmessagehtml: &post.message,
                smallmessage: &small,
                component: "mod_forum",
                eventtype: "posts",
                contexturl: Some(&contexturl),
                contexturlname: Some(subject),
                timeread,
                timecreated,
                customdata: Some(&customdata),
            },
        )?;
        Ok(())
    }

    /// `mod_quiz`'s `attempt_grading_complete`, pointing at the course's first test (none when
    /// the course has no test).
    fn quiz_notification(
        &self,
        userto: i64,
        course: &str,
        timecreated: i64,
        timeread: Option<i64>,
    ) -> anyhow::Result<()> {
        let courseid = self.course_id(course)?;
        let quiz: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT cm.id, q.name FROM course_modules cm JOIN quiz q ON q.id = cm.instance
                 WHERE cm.module = 'quiz' AND cm.course = ?1 ORDER BY cm.id LIMIT 1",
                [courseid],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        // A database seeded before quizzes existed has none to tell about.
        let Some((cmid, name)) = quiz else {
            return Ok(());
        };
        let subject = format!("「{name}」の評定が完了しました");
        let html =
            format!("<p>確認テスト「{name}」の評定が完了しました。結果を確認してください。</p>");
        let contexturl = format!("/mod/quiz/view.php?id={cmid}");
        let customdata = serde_json::json!({"cmid": cmid}).to_string();
        db::insert_notification(
            self.tx,
            &NewNotification {
                useridfrom: ADMIN_USER_ID,
                useridto: userto,
                subject: &subject,
                fullmessage: &strip_tags(&html),
                fullmessagehtml: &html,
                smallmessage: &subject,
                component: "mod_quiz",
                eventtype: "attempt_grading_complete",
                contexturl: Some(&contexturl),
                contexturlname: Some(&name),
                timeread,
                timecreated,
                customdata: Some(&customdata),
            },
        )?;
        Ok(())
    }

    /// The course welcome message (`moodle`, `enrolcoursewelcomemessage`).
    fn welcome_notification(
        &self,
        userto: i64,
        course: &str,
        timecreated: i64,
        timeread: Option<i64>,
    ) -> anyhow::Result<()> {
        let plan: &CoursePlan = courses::COURSES
            .iter()
            .find(|c| c.shortname == course)
            .ok_or_else(|| anyhow::anyhow!("no course {course}"))?;
        let courseid = self.course_id(course)?;
        let subject = format!("「{}」へようこそ", plan.fullname);
        let html = format!(
            "<p>「{}」への登録が完了しました。講座の一覧から受講を始めてください。</p>",
            plan.fullname
        );
        let contexturl = format!("/course/view.php?id={courseid}");
        db::insert_notification(
            self.tx,
            &NewNotification {
                useridfrom: ADMIN_USER_ID,
                useridto: userto,
                subject: &subject,
                fullmessage: &strip_tags(&html),
                fullmessagehtml: &html,
                smallmessage: &subject,
                component: "moodle",
                eventtype: "enrolcoursewelcomemessage",
                contexturl: Some(&contexturl),
                contexturlname: Some(plan.fullname),
                timeread,
                timecreated,
                customdata: None,
            },
        )?;
        Ok(())
    }
}

/// The text of seeded HTML (tags dropped), for a notification's plain-text message.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            other if !in_tag => out.push(other),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::news::announcement_subjects;

    #[test]
    fn notifications_name_seeded_announcements_and_learners() {
        let subjects = announcement_subjects();
        for plan in notification_plans() {
            assert!(
                super::super::DEMO_LEARNERS
                    .iter()
                    .any(|l| l.username == plan.username)
            );
            if let NotificationKind::ForumPost { course, subject } = plan.kind {
                assert!(
                    subjects
                        .iter()
                        .any(|(c, s, _, _)| *c == course && *s == subject),
                    "{subject}"
                );
            }
        }
        for learner in super::super::DEMO_LEARNERS {
            let count = notification_plans()
                .iter()
                .filter(|p| p.username == learner.username)
                .count();
            assert!((2..=4).contains(&count), "{}: {count}", learner.username);
        }
    }
}
