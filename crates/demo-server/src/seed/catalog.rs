//! The demo catalog, taken from the seeds: ICRweb's facility-course brochure
//! (`seeds/000_*.txt`) and the iCROWN outline (`seeds/001_*.txt`).
//!
//! Lecture names are the brochure's titles as printed, lecturer mark included. Times are the
//! brochure's hours:minutes (1:08 = 68 minutes); the demo's clips last exactly that long, and
//! test harnesses shrink every listed minute to a second ([`Timing::SecondPerMinute`]).

/// A lecture (講義) as the brochure lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lecture {
    pub(crate) name: &'static str,
    /// The brochure's time, e.g. `"1:08"`.
    pub(crate) time: &'static str,
}

/// A unit (講座): a Moodle section of a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Short ASCII code for file names, e.g. `kiso` → `kiso-01.mp4`.
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) summary: &'static str,
    pub(crate) lectures: &'static [Lecture],
}

const fn l(name: &'static str, time: &'static str) -> Lecture {
    Lecture { name, time }
}

pub(crate) const KISO: Unit = Unit {
    code: "kiso",
    name: "臨床研究の基礎知識講座",
    summary: "<p>臨床研究に携わるすべての方のための基礎知識講座です（ICRweb事務局推奨）。</p>",
    lectures: &[
        l("1. 臨床研究概論", "0:05"),
        l("2. 治療開発のための研究1:臨床試験", "0:10"),
        l("3. 治療開発のための研究2:非臨床試験", "0:10"),
        l("4. 治療開発のための研究3:治験", "0:10"),
        l(
            "5. 病気の原因を調べるための疫学研究1:ケース・コントロール研究",
            "0:10",
        ),
        l("6. 病気の原因を調べるための疫学研究2:コホート研究", "0:10"),
        l("7. 生物統計学1:仮説検定", "0:10"),
        l("8. 生物統計学2:交絡・ランダム化と因果推論", "0:10"),
        l("9. 研究倫理と被験者保護", "0:10"),
        l(
            "10. 人を対象とする医学系研究に関する倫理指針＜田代先生研究倫理指針＞",
            "0:10",
        ),
    ],
};

// The continuing-training lectures (臨床研究継続研修講座). The brochure's table lost which year
// column each ○ stood in, so the split below is INFERRED from the dates the lectures carry:
// everything labelled 2022年4月 (and the 2022 JCOG seminar) goes to 2022; the 2023年7月
// guideline revision goes to 2023 together with the undated lecture of the guideline-commentary
// series that led up to it; the two undated methods lectures (biostatistics, protocol concept)
// go to 2024. Every year has at least two lectures.

pub(crate) const KEIZOKU_2022: Unit = Unit {
    code: "keizoku2022",
    name: "臨床研究継続研修講座2022",
    summary: "<p>2022年度の継続研修用講座です。2022年4月施行の臨床研究法施行規則改正と、個人情報保護法改正に伴う指針の改正を扱います。</p>",
    lectures: &[
        l("臨床試験の種類と規制《講師:佐野裕亮》", "0:29"),
        l(
            "2022年4月施行の臨床研究法施行規則改正のポイント①《講師:野村由美子》",
            "0:03",
        ),
        l(
            "2022年4月施行の臨床研究法施行規則改正に伴うjRCT申請について《講師:伊藤美樹》",
            "0:13",
        ),
        l(
            "2022年4月施行の臨床研究法施行規則改正のポイント②《講師:西方修馬》",
            "0:14",
        ),
        l(
            "令和2年・3年個人情報保護法の改正に伴う生命・医学系指針の改正について（2022年4月時点）《講師:吉岡恭子》",
            "0:24",
        ),
    ],
};

pub(crate) const KEIZOKU_2023: Unit = Unit {
    code: "keizoku2023",
    name: "臨床研究継続研修講座2023",
    summary: "<p>2023年度の継続研修用講座です。研究倫理指針の見直しと2023年7月施行の改訂を扱います。</p>",
    lectures: &[
        l(
            "個人情報保護法改正と生命科学・医学系指針の見直し《講師:横野恵》",
            "0:50",
        ),
        l(
            "2023年7月施行の改訂研究倫理指針について《講師:一家綱邦》",
            "0:27",
        ),
    ],
};

pub(crate) const KEIZOKU_2024: Unit = Unit {
    code: "keizoku2024",
    name: "臨床研究継続研修講座2024",
    summary: "<p>2024年度の継続研修用講座です。データの記述と研究コンセプトの作り方を学びます。</p>",
    lectures: &[
        l("1. データの記述 《講師:水澤純基》", "1:08"),
        l(
            "研究コンセプトの作り方-統計家の視点から- 《講師:山本 精一郎》",
            "0:52",
        ),
    ],
};

pub(crate) const BIOSTAT_1: Unit = Unit {
    code: "biostat1",
    name: "生物統計基礎講座1",
    summary: "<p>データの記述から仮説検定、生存時間解析、ランダム化と交絡までの生物統計の基礎です。</p>",
    lectures: &[
        l("1. データの記述 《講師:水澤純基》", "1:08"),
        l("2. 仮説検定1 《講師:口羽文》", "0:42"),
        l("3. 仮説検定2 《講師:口羽文》", "0:49"),
        l("4. 生存時間解析 《講師:水澤純基》", "1:07"),
        l("5. ランダム化と交絡 《講師:水澤純基》", "1:08"),
    ],
};

pub(crate) const ETHICS: Unit = Unit {
    code: "ethics",
    name: "研究倫理と研究公正",
    summary: "<p>研究倫理の基本、利益相反管理、研究不正の背景を学びます。</p>",
    lectures: &[
        l("臨床研究におけるfairness《講師:松井健志》", "0:38"),
        l("臨床研究と利益相反管理《講師:中田はる佳》", "0:22"),
        l("研究倫理ベーシック 《講師:田代志門》", "0:50"),
        l(
            "研究不正、企業不正の背景を考える 《講師:黒木登志夫》",
            "1:00",
        ),
    ],
};

pub(crate) const CRC: Unit = Unit {
    code: "crc",
    name: "CRC講座",
    summary: "<p>臨床研究コーディネーター（CRC）のための研究倫理、試験の基礎知識と実務の講座です。</p>",
    lectures: &[
        l("研究倫理の成り立ち 歴史と基本《講師:遠矢和希》", "0:53"),
        l("研究倫理と研究デザインの基礎知識《講師:片岡智子》", "0:46"),
        l("研究倫理ベーシック 《講師:田代志門》", "0:50"),
        l(
            "医薬品の開発と臨床試験（一般薬と抗がん剤の違い） 《講師:中村直子》",
            "0:54",
        ),
        l("CRCの役割と業務 《講師:中村美波理》", "0:44"),
        l("記録の管理 《講師:堅田早紀子》", "0:31"),
        l(
            "CRCの視点1 試験の背景・目的・対象（選択基準） 《講師:齋藤裕子》",
            "0:30",
        ),
        l(
            "CRCの視点2 投与規定（投与基準、投与量等） 《講師:堅田早紀子》",
            "0:24",
        ),
        l(
            "CTCAE による有害事情評価とRECIST による腫瘍縮小効果判定の基本と実際 《講師:山本昇》",
            "0:43",
        ),
    ],
};

/// As listed, テーマ1 and テーマ2 appear a second time after the IRB-staff lecture; the demo
/// keeps the brochure's listing as it is.
pub(crate) const IRB_1: Unit = Unit {
    code: "irb1",
    name: "倫理審査委員・倫理審査委員会事務局講座1",
    summary: "<p>倫理審査委員と倫理審査委員会事務局の方のための講座です。</p>",
    lectures: &[
        l("テーマ1:倫理審査委員会の必要性と倫理審査委員の役割", "0:19"),
        l("テーマ2:倫理審査のポイント", "0:16"),
        l("テーマ3:介入・侵襲とは", "0:19"),
        l(
            "テーマ4:臨床試験の基礎知識① -臨床試験の必要性と目的-",
            "0:17",
        ),
        l("テーマ5:臨床試験の基礎知識② -質の高いデータとは-", "0:18"),
        l("テーマ6:臨床試験の基礎知識③ -研究デザイン-", "0:19"),
        l(
            "プロフェッショナルとしてのIRBスタッフ 《講師:吉田雅幸》",
            "0:46",
        ),
        l("テーマ1:倫理審査委員会の必要性と倫理審査委員の役割", "0:19"),
        l("テーマ2:倫理審査のポイント", "0:16"),
    ],
};

// iCROWN training, drawn from the outline. It names no lecturers; the times are short.

pub(crate) const ICROWN_OVERVIEW: Unit = Unit {
    code: "icrown1",
    name: "iCROWN事業の背景と目的",
    summary: "<p>新型コロナウイルス感染症の経験から生まれた感染症臨床研究ネットワーク（iCROWN）の背景と目的、REBINDからの発展を学びます。</p>",
    lectures: &[
        l(
            "感染症臨床研究ネットワーク（iCROWN）事業の背景と目的",
            "0:12",
        ),
        l("新興・再興感染症データバンク（REBIND）からiCROWNへ", "0:09"),
    ],
};

pub(crate) const ICROWN_ROLES: Unit = Unit {
    code: "icrown2",
    name: "参加医療機関の役割と登録要件",
    summary: "<p>研究実施機関・研究推進機関・準研究実施機関それぞれの登録要件と役割を確認します。</p>",
    lectures: &[
        l("研究実施機関の登録要件と役割", "0:11"),
        l("研究推進機関の登録要件と役割", "0:08"),
        l("準研究実施機関の登録要件と役割", "0:07"),
    ],
};

pub(crate) const ICROWN_TRAINING: Unit = Unit {
    code: "icrown3",
    name: "平時と有事の研修・訓練",
    summary: "<p>平時からの研修・訓練と、有事（感染症危機発生時）に迅速に臨床研究を開始するための体制を学びます。</p>",
    lectures: &[
        l("平時の研修・訓練とネットワーク会議", "0:10"),
        l("有事（感染症危機発生時）の迅速な臨床研究の開始", "0:13"),
    ],
};

/// A short unit that ends facility A's course: one lecture of three minutes (three seconds under
/// [`Timing::SecondPerMinute`]) and a three-question test, so a browser test can earn its
/// certificate (修了証) from start to finish. Not in the brochure.
pub(crate) const MINI: Unit = Unit {
    code: "mini",
    name: "修了証までの流れ（ミニ講座）",
    summary: "<p>講義の視聴から確認テストの合格、修了証の発行までを短時間で体験できるミニ講座です。</p>",
    lectures: &[l("受講の流れと修了証", "0:03")],
};

/// Every ICRweb unit of the brochure, in the order of the catalog course.
pub(crate) const ICRWEB_UNITS: &[Unit] = &[
    KISO,
    KEIZOKU_2022,
    KEIZOKU_2023,
    KEIZOKU_2024,
    BIOSTAT_1,
    ETHICS,
    CRC,
    IRB_1,
];

pub(crate) const ICROWN_UNITS: &[Unit] = &[ICROWN_OVERVIEW, ICROWN_ROLES, ICROWN_TRAINING];

/// How long lectures run on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timing {
    /// As the brochure lists them.
    AsListed,
    /// Each listed minute lasts a second (tests that play lectures).
    SecondPerMinute,
}

impl Lecture {
    /// The brochure's `H:MM` in minutes (`"1:08"` → 68).
    pub(crate) fn listed_minutes(&self) -> u32 {
        let (hours, minutes) = self.time.split_once(':').unwrap_or(("0", self.time));
        hours.parse::<u32>().unwrap_or(0) * 60 + minutes.parse::<u32>().unwrap_or(0)
    }

    /// The length of the lecture's video.
    pub(crate) fn seconds(&self, timing: Timing) -> u32 {
        match timing {
            Timing::AsListed => self.listed_minutes() * 60,
            Timing::SecondPerMinute => self.listed_minutes(),
        }
    }

    /// The time as the description lists it: ICRweb's `H:MM`, or `H:MM:SS` when lectures last
    /// seconds (the app reads both).
    pub(crate) fn time_text(&self, timing: Timing) -> String {
        match timing {
            Timing::AsListed => self.time.to_owned(),
            Timing::SecondPerMinute => crate::media::hms(self.seconds(timing)),
        }
    }

    /// The lecturer named by the title's `《講師:…》` mark, if any.
    pub(crate) fn lecturer(&self) -> Option<&'static str> {
        let (_, rest) = self.name.split_once("《講師:")?;
        let (lecturer, _) = rest.split_once('》')?;
        Some(lecturer.trim())
    }

    /// The activity description an ICRweb editor would type: lecturer (when known) and time.
    pub(crate) fn description_html(&self, timing: Timing) -> String {
        let time = self.time_text(timing);
        match self.lecturer() {
            Some(lecturer) => format!("<p>講師: {lecturer}</p><p>時間: {time}</p>"),
            None => format!("<p>時間: {time}</p>"),
        }
    }
}
