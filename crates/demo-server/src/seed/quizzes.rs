//! The units' tests (確認テスト): Moodle quizzes with real questions on each unit's topics.
//!
//! Each unit that has a test ends with it, after its lectures. The basic course's test may be
//! taken offline (Moodle's rule: `allowofflineattempts`, free navigation, deferred feedback,
//! no time limit); the ethics test is timed, and so online only. In the iCROWN course, one
//! test takes its questions in a fixed order (sequential navigation) and one holds an essay,
//! a type the learner app leaves to the site.

use super::catalog::{ETHICS, ICROWN_OVERVIEW, ICROWN_ROLES, KISO, MINI, Unit};

/// One choice or accepted answer and its fraction of the question's mark.
pub(crate) type Answer = (&'static str, f64);

/// A question of one of the types the learner app answers natively.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Question {
    /// `multichoice`; `single` = one answer (radio buttons), else several (checkboxes).
    MultiChoice {
        text: &'static str,
        single: bool,
        answers: &'static [Answer],
    },
    /// `truefalse`: the right answer.
    TrueFalse { text: &'static str, correct: bool },
    /// `shortanswer`: accepted answers (case-insensitive, as Moodle's default).
    ShortAnswer {
        text: &'static str,
        answers: &'static [Answer],
    },
    /// `essay`: answered in free text, graded by a teacher.
    Essay { text: &'static str },
}

impl Question {
    pub(crate) fn qtype(&self) -> &'static str {
        match self {
            Question::MultiChoice { .. } => "multichoice",
            Question::TrueFalse { .. } => "truefalse",
            Question::ShortAnswer { .. } => "shortanswer",
            Question::Essay { .. } => "essay",
        }
    }

    pub(crate) fn text(&self) -> &'static str {
        match self {
            Question::MultiChoice { text, .. }
            | Question::TrueFalse { text, .. }
            | Question::ShortAnswer { text, .. }
            | Question::Essay { text } => text,
        }
    }
}

/// A unit's test and the settings that decide how it may be taken.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuizPlan {
    pub(crate) unit: Unit,
    pub(crate) name: &'static str,
    pub(crate) intro: &'static str,
    /// Attempts allowed; 0 = unlimited.
    pub(crate) attempts: i64,
    /// Seconds; 0 = none.
    pub(crate) timelimit: i64,
    pub(crate) allowofflineattempts: bool,
    /// `free` (any page, in any order) or `seq` (forward only).
    pub(crate) navmethod: &'static str,
    /// Pass mark, percent of the quiz grade.
    pub(crate) pass_percent: f64,
    pub(crate) questions: &'static [Question],
}

/// The test of a unit, if it has one.
pub(crate) fn for_unit(unit: &Unit) -> Option<&'static QuizPlan> {
    QUIZZES.iter().find(|plan| plan.unit.code == unit.code)
}

pub(crate) const QUIZZES: &[QuizPlan] =
    &[KISO_TEST, ETHICS_TEST, OVERVIEW_TEST, ROLES_TEST, MINI_TEST];

/// The short unit's test: three questions, passed at two right (see `catalog::MINI`).
const MINI_TEST: QuizPlan = QuizPlan {
    unit: MINI,
    name: "修了証までの流れ 確認テスト",
    intro: "<p>全3問。60%以上の正答で合格です。合格すると修了証が発行されます。</p>",
    attempts: 0,
    timelimit: 0,
    allowofflineattempts: false,
    navmethod: "free",
    pass_percent: 60.0,
    questions: &[
        Question::TrueFalse {
            text: "<p>修了証は、講座の講義をすべて視聴し、確認テストに合格すると発行される。</p>",
            correct: true,
        },
        Question::MultiChoice {
            text: "<p>修了証の有効期間はどれですか。</p>",
            single: true,
            answers: &[
                ("発行日から1年間", 1.0),
                ("発行日から1か月間", 0.0),
                ("無期限", 0.0),
            ],
        },
        Question::TrueFalse {
            text: "<p>修了証の検証コードがあれば、誰でも修了証が本物かどうかを確かめられる。</p>",
            correct: true,
        },
    ],
};

const KISO_TEST: QuizPlan = QuizPlan {
    unit: KISO,
    name: "臨床研究の基礎知識講座 確認テスト",
    intro: "<p>全10問。80%以上の正答で合格です。オフラインでも受験できます。</p>",
    attempts: 3,
    timelimit: 0,
    allowofflineattempts: true,
    navmethod: "free",
    pass_percent: 80.0,
    questions: &[
        Question::MultiChoice {
            text: "<p>新しい治療法の有効性を検証するために、参加者を無作為に群に割り付けて比較する研究デザインはどれですか。</p>",
            single: true,
            answers: &[
                ("ランダム化比較試験", 1.0),
                ("ケース・コントロール研究", 0.0),
                ("横断研究", 0.0),
                ("症例報告", 0.0),
            ],
        },
        Question::TrueFalse {
            text: "<p>治験とは、医薬品や医療機器の製造販売承認の申請に用いる資料を集めるために行う臨床試験である。</p>",
            correct: true,
        },
        Question::MultiChoice {
            text: "<p>非臨床試験に含まれるものをすべて選んでください。</p>",
            single: false,
            answers: &[
                ("動物を用いた毒性試験", 0.5),
                ("薬物動態を調べる動物試験", 0.5),
                ("健康成人を対象とする第I相試験", -1.0),
                ("市販後の使用成績調査", -1.0),
            ],
        },
        Question::MultiChoice {
            text: "<p>ある疾患の患者群と、その疾患のない対照群とで、過去の曝露を比較する研究デザインはどれですか。</p>",
            single: true,
            answers: &[
                ("ケース・コントロール研究", 1.0),
                ("前向きコホート研究", 0.0),
                ("ランダム化比較試験", 0.0),
                ("単群試験", 0.0),
            ],
        },
        Question::TrueFalse {
            text: "<p>コホート研究では、曝露の有無で分けた集団を追跡し、その後の疾患の発生を比較する。</p>",
            correct: true,
        },
        Question::MultiChoice {
            text: "<p>仮説検定で、帰無仮説が正しいのに誤って棄却してしまう誤りを何と呼びますか。</p>",
            single: true,
            answers: &[
                ("第1種の過誤", 1.0),
                ("第2種の過誤", 0.0),
                ("検出力", 0.0),
                ("信頼区間", 0.0),
            ],
        },
        Question::ShortAnswer {
            text: "<p>曝露と結果の両方に関連し、両者の関係を歪めてしまう第三の因子を何と呼びますか（漢字2文字）。</p>",
            answers: &[("交絡", 1.0), ("交絡因子", 1.0)],
        },
        Question::TrueFalse {
            text: "<p>ランダム化を行えば、未知の交絡因子も群間で平均的に偏りなく分布することが期待できる。</p>",
            correct: true,
        },
        Question::MultiChoice {
            text: "<p>研究対象者からインフォームド・コンセントを受ける際に説明すべき事項をすべて選んでください。</p>",
            single: false,
            answers: &[
                ("研究の目的と方法", 1.0 / 3.0),
                ("予測される利益と不利益", 1.0 / 3.0),
                ("同意をいつでも撤回できること", 1.0 / 3.0),
                ("研究者の年収", -1.0),
            ],
        },
        Question::ShortAnswer {
            text: "<p>研究の実施前に、研究計画書の倫理的・科学的妥当性を審査する委員会を何と呼びますか（漢字5文字）。</p>",
            answers: &[("倫理審査委員会", 1.0)],
        },
    ],
};

const ETHICS_TEST: QuizPlan = QuizPlan {
    unit: ETHICS,
    name: "研究倫理と研究公正 確認テスト",
    intro: "<p>全5問、制限時間10分。80%以上の正答で合格です。受験中は通信が必要です。</p>",
    attempts: 2,
    timelimit: 600,
    allowofflineattempts: false,
    navmethod: "free",
    pass_percent: 80.0,
    questions: &[
        Question::MultiChoice {
            text: "<p>研究不正（特定不正行為）に当たるものをすべて選んでください。</p>",
            single: false,
            answers: &[
                ("捏造", 1.0 / 3.0),
                ("改ざん", 1.0 / 3.0),
                ("盗用", 1.0 / 3.0),
                ("否定的な結果の公表", -1.0),
            ],
        },
        Question::TrueFalse {
            text: "<p>利益相反があること自体が研究不正であり、利益相反のある研究者は臨床研究を行えない。</p>",
            correct: false,
        },
        Question::MultiChoice {
            text: "<p>利益相反を適切に管理するために、まず求められることはどれですか。</p>",
            single: true,
            answers: &[
                ("関係する企業等との経済的な関係を開示する", 1.0),
                ("企業から資金提供を受けた事実を伏せる", 0.0),
                ("結果が出るまで利益相反の確認を行わない", 0.0),
                ("研究責任者だけが判断し記録を残さない", 0.0),
            ],
        },
        Question::ShortAnswer {
            text: "<p>研究対象者が、研究について十分な説明を受け理解したうえで自由意思により与える同意を何と呼びますか（カタカナで）。</p>",
            answers: &[
                ("インフォームド・コンセント", 1.0),
                ("インフォームドコンセント", 1.0),
            ],
        },
        Question::TrueFalse {
            text: "<p>ヘルシンキ宣言は、人間を対象とする医学研究の倫理的原則として世界医師会が採択したものである。</p>",
            correct: true,
        },
    ],
};

/// Questions one after the other, no going back (sequential navigation).
const OVERVIEW_TEST: QuizPlan = QuizPlan {
    unit: ICROWN_OVERVIEW,
    name: "iCROWN事業の背景と目的 確認テスト",
    intro: "<p>全3問。問題は順番に解答し、前の問題には戻れません。</p>",
    attempts: 0,
    timelimit: 0,
    allowofflineattempts: false,
    navmethod: "sequential",
    pass_percent: 60.0,
    questions: &[
        Question::TrueFalse {
            text: "<p>iCROWNは、新型コロナウイルス感染症の経験から生まれた、感染症の臨床研究のためのネットワークである。</p>",
            correct: true,
        },
        Question::MultiChoice {
            text: "<p>有事に迅速に臨床研究を開始するため、平時に準備しておくものとして最も適切なものはどれですか。</p>",
            single: true,
            answers: &[
                ("研究計画書の雛形と施設間の連絡体制", 1.0),
                ("有事が起きてから初めて作る連絡網", 0.0),
                ("研究ごとに毎回一から作る同意説明文書", 0.0),
            ],
        },
        Question::ShortAnswer {
            text: "<p>研究対象者に研究を説明し、自由意思による同意を得る手続きを何と呼びますか（カタカナで）。</p>",
            answers: &[
                ("インフォームド・コンセント", 1.0),
                ("インフォームドコンセント", 1.0),
            ],
        },
    ],
};

/// A test with a question type the app does not answer itself (`essay`).
const ROLES_TEST: QuizPlan = QuizPlan {
    unit: ICROWN_ROLES,
    name: "参加医療機関の役割と登録要件 確認テスト",
    intro: "<p>全2問。記述問題は講師が採点します。</p>",
    attempts: 0,
    timelimit: 0,
    allowofflineattempts: false,
    navmethod: "free",
    pass_percent: 50.0,
    questions: &[
        Question::MultiChoice {
            text: "<p>感染症臨床研究ネットワークへの参加にあたり、医療機関がまず確認すべきものはどれですか。</p>",
            single: true,
            answers: &[
                ("自施設が満たす登録要件と担う役割", 1.0),
                ("他施設の研究費の額", 0.0),
                ("研究対象者の個人的な連絡先", 0.0),
            ],
        },
        Question::Essay {
            text: "<p>自施設が研究実施機関として登録する場合に、平時から整えておくべき体制を説明してください。</p>",
        },
    ],
};

/// A right answer of a seeded test, as a learner who knows it would give it.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyAnswer {
    /// Single choice: the label of the full-mark choice.
    Choice(&'static str),
    /// Multiple choice: the labels of every choice worth marks.
    Choices(Vec<&'static str>),
    TrueFalse(bool),
    /// Short answer: an accepted answer.
    Text(&'static str),
    /// Graded by a teacher: no right answer.
    Essay,
}

/// The right answers of the seeded test named `quiz`, by question text (the site's HTML), in
/// the test's order; `None` for another name. For test harnesses that play a learner who knows
/// the answers: the server itself never sends them before a review allows it.
pub fn answer_key(quiz: &str) -> Option<Vec<(&'static str, KeyAnswer)>> {
    let plan = QUIZZES.iter().find(|plan| plan.name == quiz)?;
    Some(
        plan.questions
            .iter()
            .map(|q| (q.text(), key_answer(q)))
            .collect(),
    )
}

fn key_answer(question: &Question) -> KeyAnswer {
    let best = |answers: &'static [Answer]| {
        answers
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or("", |(label, _)| *label)
    };
    match *question {
        Question::MultiChoice {
            single: true,
            answers,
            ..
        } => KeyAnswer::Choice(best(answers)),
        Question::MultiChoice { answers, .. } => KeyAnswer::Choices(
            answers
                .iter()
                .filter(|(_, fraction)| *fraction > 0.0)
                .map(|(label, _)| *label)
                .collect(),
        ),
        Question::TrueFalse { correct, .. } => KeyAnswer::TrueFalse(correct),
        Question::ShortAnswer { answers, .. } => KeyAnswer::Text(best(answers)),
        Question::Essay { .. } => KeyAnswer::Essay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moodle grades a question out of its mark: the best answers must reach exactly 1.
    #[test]
    fn every_question_can_earn_its_full_mark() {
        for plan in QUIZZES {
            for question in plan.questions {
                let best: f64 = match question {
                    Question::MultiChoice {
                        single: true,
                        answers,
                        ..
                    }
                    | Question::ShortAnswer { answers, .. } => answers
                        .iter()
                        .map(|(_, fraction)| *fraction)
                        .fold(f64::MIN, f64::max),
                    Question::MultiChoice { answers, .. } => {
                        answers.iter().map(|(_, fraction)| fraction.max(0.0)).sum()
                    }
                    Question::TrueFalse { .. } | Question::Essay { .. } => 1.0,
                };
                assert!((best - 1.0).abs() < 1e-9, "{}", question.text());
            }
        }
    }

    /// Moodle's settings form refuses offline attempts with a time limit.
    #[test]
    fn offline_tests_are_untimed() {
        assert!(QUIZZES.iter().any(|p| p.allowofflineattempts));
        assert!(QUIZZES.iter().any(|p| p.timelimit > 0));
        for plan in QUIZZES.iter().filter(|p| p.allowofflineattempts) {
            assert_eq!(plan.timelimit, 0, "{}", plan.name);
        }
    }
}
