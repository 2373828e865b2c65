//! Which courses the demo site has, which units they are made of, and who is enrolled.

use super::catalog::{self, Unit};

#[derive(Debug, Clone, Copy)]
pub(crate) enum Category {
    Facility = 1,
    Icrweb = 2,
    Icrown = 3,
}

pub(crate) const CATEGORIES: &[(Category, &str)] = &[
    (Category::Facility, "施設コース"),
    (Category::Icrweb, "ICRweb 講座"),
    (Category::Icrown, "感染症臨床研究ネットワーク（iCROWN）"),
];

/// How learners come into a course.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Enrolment {
    /// Manual enrolment by the site only.
    Manual,
    /// Manual, plus self-enrolment with this fiscal year's facility code (施設コード) as
    /// enrolment key. Facilities get a new code each year; last year's is kept here so tests
    /// can show it no longer works.
    FacilityCode {
        code: &'static str,
        #[cfg_attr(not(test), allow(dead_code))]
        last_year: &'static str,
    },
    /// Manual, plus a self-enrolment whose end date has passed: the site stopped taking
    /// learners with this code at the end of the last fiscal year.
    Closed { code: &'static str },
}

/// A group of a facility course (a ward) with its own enrolment key: the key enrols into
/// the course and puts the learner in the group (Moodle's group enrolment keys).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupKey {
    pub(crate) name: &'static str,
    pub(crate) idnumber: &'static str,
    pub(crate) key: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct CoursePlan {
    pub(crate) shortname: &'static str,
    pub(crate) fullname: &'static str,
    pub(crate) idnumber: &'static str,
    pub(crate) category: Category,
    pub(crate) summary: &'static str,
    pub(crate) units: &'static [Unit],
    /// Facility courses end each unit with a 修了証, locked until the unit's lectures are done.
    pub(crate) certificates: bool,
    /// Section numbers that open only when every lecture of the section before is complete.
    pub(crate) locked_sections: &'static [i64],
    pub(crate) enrolment: Enrolment,
    /// Groups with enrolment keys; any turns group keys on for the facility code.
    pub(crate) group_keys: &'static [GroupKey],
}

/// Facility A: a 基本コース (basic course): the basics plus the yearly continuing training.
pub(crate) const FACILITY_A: CoursePlan = CoursePlan {
    shortname: "NCCH-BASIC",
    fullname: "国立がん研究センター中央病院 施設コース（基本コース）",
    idnumber: "ICR-FAC-0001",
    category: Category::Facility,
    summary: "<p>国立がん研究センター中央病院の施設コース（基本コース）です。ICRweb事務局推奨の臨床研究の基礎知識講座と年度別の継続研修用講座を受講できます。講座ごとに修了証が発行されます。</p>",
    units: &[
        catalog::KISO,
        catalog::KEIZOKU_2022,
        catalog::KEIZOKU_2023,
        catalog::KEIZOKU_2024,
        catalog::MINI,
    ],
    certificates: true,
    locked_sections: &[],
    enrolment: Enrolment::FacilityCode {
        code: "NCCH2025",
        last_year: "NCCH2024",
    },
    group_keys: &[],
};

/// Facility B: a 独自コース (custom course): the basic course plus units the facility chose.
pub(crate) const FACILITY_B: CoursePlan = CoursePlan {
    shortname: "SKGH-CUSTOM",
    fullname: "湘南鎌倉総合病院 施設コース（独自コース）",
    idnumber: "ICR-FAC-0002",
    category: Category::Facility,
    summary: "<p>湘南鎌倉総合病院の施設コース（独自コース）です。基本コースの講座に加えて、生物統計・研究倫理・CRC・倫理審査委員向けの講座を設定しています。講座ごとに修了証が発行されます。</p>",
    units: &[
        catalog::KISO,
        catalog::KEIZOKU_2024,
        catalog::BIOSTAT_1,
        catalog::ETHICS,
        catalog::CRC,
        catalog::IRB_1,
    ],
    certificates: true,
    locked_sections: &[],
    enrolment: Enrolment::FacilityCode {
        code: "SKGH2025",
        last_year: "SKGH2024",
    },
    // Each ward has its own code; the facility's code still enrols without a ward.
    group_keys: &[
        GroupKey {
            name: "東病棟",
            idnumber: "SKGH-EAST",
            key: "SKGH2025-EAST",
        },
        GroupKey {
            name: "西病棟",
            idnumber: "SKGH-WEST",
            key: "SKGH2025-WEST",
        },
    ],
};

/// The iCROWN network's training; its last unit opens after the second.
pub(crate) const ICROWN: CoursePlan = CoursePlan {
    shortname: "ICROWN-TRAINING",
    fullname: "感染症臨床研究ネットワーク（iCROWN）研修",
    idnumber: "ICROWN-2025",
    category: Category::Icrown,
    summary: "<p>感染症臨床研究ネットワーク（iCROWN）の参加医療機関の方のための研修です。事業の背景と目的、参加機関の役割、平時と有事の研修・訓練について学びます。</p>",
    units: catalog::ICROWN_UNITS,
    certificates: false,
    locked_sections: &[3],
    enrolment: Enrolment::Closed { code: "ICROWN2024" },
    group_keys: &[],
};

/// Every ICRweb unit in one course that no demo learner is enrolled in (authorization tests).
pub(crate) const CATALOG: CoursePlan = CoursePlan {
    shortname: "ICRWEB-CATALOG",
    fullname: "ICRweb 講義一覧",
    idnumber: "ICRWEB-ALL",
    category: Category::Icrweb,
    summary: "<p>ICRwebの通常講座の講義一覧です。施設コースに設定されていない講義も視聴できます。</p>",
    units: catalog::ICRWEB_UNITS,
    certificates: false,
    locked_sections: &[],
    enrolment: Enrolment::Manual,
    group_keys: &[],
};

pub(crate) const COURSES: &[CoursePlan] = &[FACILITY_A, FACILITY_B, ICROWN, CATALOG];
