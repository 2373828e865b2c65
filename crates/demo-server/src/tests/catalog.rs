//! The seeded catalog holds every brochure lecture of the named 講座 with its time, stated
//! here independently of `seed::catalog` (as `time name` lines, the brochure's order).

use super::support::Site;
use crate::seed::courses::CATALOG;

const BROCHURE: &[(&str, &[&str])] = &[
    (
        "臨床研究の基礎知識講座",
        &[
            "0:05 1. 臨床研究概論",
            "0:10 2. 治療開発のための研究1:臨床試験",
            "0:10 3. 治療開発のための研究2:非臨床試験",
            "0:10 4. 治療開発のための研究3:治験",
            "0:10 5. 病気の原因を調べるための疫学研究1:ケース・コントロール研究",
            "0:10 6. 病気の原因を調べるための疫学研究2:コホート研究",
            "0:10 7. 生物統計学1:仮説検定",
            "0:10 8. 生物統計学2:交絡・ランダム化と因果推論",
            "0:10 9. 研究倫理と被験者保護",
            "0:10 10. 人を対象とする医学系研究に関する倫理指針＜田代先生研究倫理指針＞",
        ],
    ),
    (
        "生物統計基礎講座1",
        &[
            "1:08 1. データの記述 《講師:水澤純基》",
            "0:42 2. 仮説検定1 《講師:口羽文》",
            "0:49 3. 仮説検定2 《講師:口羽文》",
            "1:07 4. 生存時間解析 《講師:水澤純基》",
            "1:08 5. ランダム化と交絡 《講師:水澤純基》",
        ],
    ),
    (
        "研究倫理と研究公正",
        &[
            "0:38 臨床研究におけるfairness《講師:松井健志》",
            "0:22 臨床研究と利益相反管理《講師:中田はる佳》",
            "0:50 研究倫理ベーシック 《講師:田代志門》",
            "1:00 研究不正、企業不正の背景を考える 《講師:黒木登志夫》",
        ],
    ),
    (
        "CRC講座",
        &[
            "0:53 研究倫理の成り立ち 歴史と基本《講師:遠矢和希》",
            "0:46 研究倫理と研究デザインの基礎知識《講師:片岡智子》",
            "0:50 研究倫理ベーシック 《講師:田代志門》",
            "0:54 医薬品の開発と臨床試験（一般薬と抗がん剤の違い） 《講師:中村直子》",
            "0:44 CRCの役割と業務 《講師:中村美波理》",
            "0:31 記録の管理 《講師:堅田早紀子》",
            "0:30 CRCの視点1 試験の背景・目的・対象（選択基準） 《講師:齋藤裕子》",
            "0:24 CRCの視点2 投与規定（投与基準、投与量等） 《講師:堅田早紀子》",
            "0:43 CTCAE による有害事情評価とRECIST による腫瘍縮小効果判定の基本と実際 《講師:山本昇》",
        ],
    ),
    (
        "倫理審査委員・倫理審査委員会事務局講座1",
        &[
            "0:19 テーマ1:倫理審査委員会の必要性と倫理審査委員の役割",
            "0:16 テーマ2:倫理審査のポイント",
            "0:19 テーマ3:介入・侵襲とは",
            "0:17 テーマ4:臨床試験の基礎知識① -臨床試験の必要性と目的-",
            "0:18 テーマ5:臨床試験の基礎知識② -質の高いデータとは-",
            "0:19 テーマ6:臨床試験の基礎知識③ -研究デザイン-",
            "0:46 プロフェッショナルとしてのIRBスタッフ 《講師:吉田雅幸》",
            "0:19 テーマ1:倫理審査委員会の必要性と倫理審査委員の役割",
            "0:16 テーマ2:倫理審査のポイント",
        ],
    ),
];

/// Every continuing-training lecture of the brochure, whichever year it was assigned to.
const CONTINUING: &[&str] = &[
    "0:29 臨床試験の種類と規制《講師:佐野裕亮》",
    "1:08 1. データの記述 《講師:水澤純基》",
    "0:03 2022年4月施行の臨床研究法施行規則改正のポイント①《講師:野村由美子》",
    "0:13 2022年4月施行の臨床研究法施行規則改正に伴うjRCT申請について《講師:伊藤美樹》",
    "0:14 2022年4月施行の臨床研究法施行規則改正のポイント②《講師:西方修馬》",
    "0:50 個人情報保護法改正と生命科学・医学系指針の見直し《講師:横野恵》",
    "0:24 令和2年・3年個人情報保護法の改正に伴う生命・医学系指針の改正について（2022年4月時点）《講師:吉岡恭子》",
    "0:52 研究コンセプトの作り方-統計家の視点から- 《講師:山本 精一郎》",
    "0:27 2023年7月施行の改訂研究倫理指針について《講師:一家綱邦》",
];

/// `(section name, ["time name", …])` of the catalog course, time read from the description.
async fn seeded_units(site: &Site) -> Vec<(String, Vec<String>)> {
    let courseid = site.course_id(CATALOG.shortname).await;
    site.state
        .db()
        .call(move |conn| {
            let sections = crate::db::course_sections(conn, courseid)?;
            let cms = crate::db::course_modules(conn, courseid)?;
            Ok(sections
                .iter()
                .map(|section| {
                    let lectures = cms
                        .iter()
                        .filter(|cm| cm.section_id == section.id && cm.modname == "resource")
                        .map(|cm| format!("{} {}", brochure_time(&cm.intro), cm.name))
                        .collect();
                    (section.name.clone(), lectures)
                })
                .collect())
        })
        .await
        .expect("catalog")
}

/// The time a description's `時間:` line lists.
fn time_of(description: &str) -> &str {
    description
        .split("時間: ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or("?")
}

/// The brochure's `H:MM` behind a test site's listed time: tests run a second per listed
/// minute, listed as `H:MM:SS` (`0:01:08` for the brochure's `1:08`).
fn brochure_time(description: &str) -> String {
    let listed = time_of(description);
    let parts: Option<Vec<u32>> = listed.split(':').map(|p| p.parse().ok()).collect();
    match parts.as_deref() {
        Some([h, m, s]) => {
            let minutes = (h * 60 + m) * 60 + s;
            format!("{}:{:02}", minutes / 60, minutes % 60)
        }
        _ => format!("? ({listed})"),
    }
}

#[tokio::test]
async fn every_brochure_lecture_is_seeded_with_its_time() {
    let site = Site::new().await;
    let units = seeded_units(&site).await;
    for (unit, lectures) in BROCHURE {
        let seeded = units
            .iter()
            .find(|(name, _)| name == unit)
            .unwrap_or_else(|| panic!("{unit} is seeded"));
        assert_eq!(&seeded.1, lectures, "{unit}");
    }
    let mut continuing: Vec<String> = units
        .iter()
        .filter(|(name, _)| name.starts_with("臨床研究継続研修講座"))
        .inspect(|(name, lectures)| {
            assert!(lectures.len() >= 2, "{name} has at least two lectures")
        })
        .flat_map(|(_, lectures)| lectures.clone())
        .collect();
    let mut want: Vec<String> = CONTINUING.iter().map(|s| s.to_string()).collect();
    continuing.sort();
    want.sort();
    assert_eq!(continuing, want);
    let years: Vec<&str> = units
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with("臨床研究継続研修講座"))
        .collect();
    assert_eq!(
        years,
        [
            "臨床研究継続研修講座2022",
            "臨床研究継続研修講座2023",
            "臨床研究継続研修講座2024"
        ]
    );
}

#[tokio::test]
async fn the_icrown_course_has_short_lectures_without_lecturers() {
    let site = Site::new().await;
    let courseid = site.course_id(crate::seed::courses::ICROWN.shortname).await;
    let cms = site
        .state
        .db()
        .call(move |conn| Ok(crate::db::course_modules(conn, courseid)?))
        .await
        .expect("modules");
    assert!(cms.len() >= 4);
    // The lectures: the units' tests have no brochure times.
    for cm in cms.into_iter().filter(|cm| cm.modname == "resource") {
        assert!(!cm.intro.contains("講師"), "{}", cm.name);
        assert!(brochure_time(&cm.intro).starts_with("0:"), "{}", cm.intro);
    }
}
