//! `mod_quiz_get_quiz_access_information` and `mod_quiz_get_quiz_required_qtypes`: what a
//! learner may do with a quiz and which access rules apply (`mod_quiz\access_manager`).

use serde::Serialize;

use super::{QuizIdParams, validate_quiz};
use crate::db::{self, QuizRow};
use crate::error::Result;
use crate::functions::Ctx;

#[derive(Debug, Serialize)]
pub(crate) struct AccessInformation {
    canattempt: bool,
    canmanage: bool,
    canpreview: bool,
    canreviewmyattempts: bool,
    canviewreports: bool,
    accessrules: Vec<String>,
    activerulenames: Vec<&'static str>,
    preventaccessreasons: Vec<String>,
    warnings: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub(crate) struct RequiredQtypes {
    questiontypes: Vec<String>,
    warnings: Vec<serde_json::Value>,
}

/// An access rule in force for a quiz: its plugin name and what it tells the learner.
struct Rule {
    name: &'static str,
    description: Option<String>,
}

/// The rules in force, in Moodle's order (plugin names sorted). The demo's settings use
/// these; a password, network or browser rule is never set, so never listed.
fn rules(quiz: &QuizRow) -> Vec<Rule> {
    let mut rules = Vec::new();
    if quiz.delay1 > 0 || quiz.delay2 > 0 {
        rules.push(Rule {
            name: "quizaccess_delaybetweenattempts",
            description: None,
        });
    }
    if quiz.attempts > 0 {
        rules.push(Rule {
            name: "quizaccess_numattempts",
            description: Some(format!("受験可能回数: {}", quiz.attempts)),
        });
    }
    // Only where the mobile web service is on, as it is on this site.
    if quiz.allowofflineattempts != 0 {
        rules.push(Rule {
            name: "quizaccess_offlineattempts",
            description: None,
        });
    }
    // Always in force, even with no open or close date.
    rules.push(Rule {
        name: "quizaccess_openclosedate",
        description: None,
    });
    if quiz.timelimit > 0 {
        rules.push(Rule {
            name: "quizaccess_timelimit",
            description: Some(format!("制限時間: {}", format_time(quiz.timelimit))),
        });
    }
    rules
}

/// Moodle's `format_time` for whole minutes and hours, in Japanese.
fn format_time(seconds: i64) -> String {
    let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let parts: Vec<String> = [(hours, "時間"), (minutes, "分"), (secs, "秒")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    parts.join(" ")
}

/// `quizaccess_openclosedate`'s `notavailable` ("This quiz is currently not available."): its
/// one reason for both sides of the dates. Moodle 4.5 names no date here, and the rule
/// describes none either (the dates are the activity's, `timeopen`/`timeclose`).
const NOT_AVAILABLE: &str = "この小テストは現在利用できません。";

/// The close date has passed (`quizaccess_openclosedate::is_finished`).
pub(super) fn closed(quiz: &QuizRow, now: i64) -> bool {
    quiz.timeclose != 0 && now > quiz.timeclose
}

/// Why the learner cannot enter the quiz now (`access_manager::prevent_access`): only the
/// open/close dates can keep a learner out here. After the close date, a quiz with a grace
/// period stays open for that long, so an overdue attempt can still be submitted.
pub(super) fn prevent_access(quiz: &QuizRow, now: i64) -> Vec<String> {
    let grace = if quiz.overduehandling == "graceperiod" {
        quiz.graceperiod
    } else {
        0
    };
    let shut = now < quiz.timeopen || (closed(quiz, now) && now > quiz.timeclose + grace);
    if shut {
        vec![NOT_AVAILABLE.to_owned()]
    } else {
        Vec::new()
    }
}

pub(crate) async fn get_quiz_access_information(
    ctx: &Ctx,
    params: QuizIdParams,
) -> Result<AccessInformation> {
    let user = ctx.user.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let quiz = validate_quiz(conn, &user, params.quizid)?.quiz;
            let rules = rules(&quiz);
            // A learner: `mod/quiz:attempt` and `mod/quiz:reviewmyattempts`, nothing more.
            Ok(AccessInformation {
                canattempt: true,
                canmanage: false,
                canpreview: false,
                canreviewmyattempts: true,
                canviewreports: false,
                accessrules: rules.iter().filter_map(|r| r.description.clone()).collect(),
                activerulenames: rules.iter().map(|r| r.name).collect(),
                preventaccessreasons: prevent_access(&quiz, now),
                warnings: Vec::new(),
            })
        })
        .await
}

pub(crate) async fn get_quiz_required_qtypes(
    ctx: &Ctx,
    params: QuizIdParams,
) -> Result<RequiredQtypes> {
    let user = ctx.user.clone();
    ctx.state
        .db()
        .call(move |conn| {
            let quiz = validate_quiz(conn, &user, params.quizid)?.quiz;
            Ok(RequiredQtypes {
                questiontypes: db::question_types(conn, quiz.id)?,
                warnings: Vec::new(),
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn format_time_names_each_unit() {
        assert_eq!(format_time(600), "10 分");
        assert_eq!(format_time(5400), "1 時間 30 分");
        assert_eq!(format_time(45), "45 秒");
    }
}
