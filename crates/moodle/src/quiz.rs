//! Tests (quizzes, §6): the requests, and the conversion of their answers into model types.
//! Pure; the client sends the requests, [`crate::decode`] exposes the decoders.
//!
//! The call sequence is the Moodle App's (§6.1, moodleapp `src/addons/mod/quiz/services/quiz.ts`):
//! attempts are listed with `status=all` and `includepreviews=1`, every attempt call carries the
//! preflight `confirmdatasaved=1` (the offline-attempts rule asks for it once an attempt was
//! changed from the app, §10.1), and a save, process or start answered with warnings is a
//! refusal, as the App treats it.

use crate::error::{DecodeProblem, Error, Result};
use crate::question_html::{QuestionFields, parse_question};
use crate::wire;
use juko_model::{
    Attempt, AttemptId, AttemptPage, AttemptReview, AttemptState, CourseId, GradeMethod, LectureId,
    Navigation, Question, Quiz, QuizAccess, QuizId, QuizOverview,
};

pub(crate) const QUIZZES_BY_COURSES: &str = "mod_quiz_get_quizzes_by_courses";
pub(crate) const QUIZ_ACCESS: &str = "mod_quiz_get_quiz_access_information";
pub(crate) const ATTEMPT_ACCESS: &str = "mod_quiz_get_attempt_access_information";
pub(crate) const REQUIRED_QTYPES: &str = "mod_quiz_get_quiz_required_qtypes";
pub(crate) const USER_ATTEMPTS: &str = "mod_quiz_get_user_attempts";
pub(crate) const BEST_GRADE: &str = "mod_quiz_get_user_best_grade";
pub(crate) const START_ATTEMPT: &str = "mod_quiz_start_attempt";
pub(crate) const ATTEMPT_DATA: &str = "mod_quiz_get_attempt_data";
pub(crate) const ATTEMPT_SUMMARY: &str = "mod_quiz_get_attempt_summary";
pub(crate) const SAVE_ATTEMPT: &str = "mod_quiz_save_attempt";
pub(crate) const PROCESS_ATTEMPT: &str = "mod_quiz_process_attempt";
pub(crate) const ATTEMPT_REVIEW: &str = "mod_quiz_get_attempt_review";

/// Question types Juko answers natively. `description` is not a question (nothing to answer)
/// and `random` is replaced by a real question when an attempt starts, so neither makes a test
/// unsupported (the App skips `random` the same way).
const NATIVE_QTYPES: &[&str] = &[
    "multichoice",
    "truefalse",
    "shortanswer",
    "description",
    "random",
];

/// Access rules Juko can live with: they either need no preflight data (the site enforces them
/// and says why in its reasons), or only the `confirmdatasaved` Juko always sends. Any other
/// active rule (`quizaccess_password`, `quizaccess_seb`, `quizaccess_securewindow`, a plugin's)
/// needs something only the site's own page provides, so the test is taken there.
const NATIVE_RULES: &[&str] = &[
    "quizaccess_delaybetweenattempts",
    "quizaccess_ipaddress",
    "quizaccess_numattempts",
    "quizaccess_offlineattempts",
    "quizaccess_openclosedate",
    "quizaccess_timelimit",
];

#[cfg(any(feature = "client", test))]
mod requests;
#[cfg(any(feature = "client", test))]
pub(crate) use requests::*;

// ---- Answers -------------------------------------------------------------------------------

fn shape(function: &str, what: impl Into<String>) -> Error {
    Error::Decode {
        function: function.to_owned(),
        problem: DecodeProblem::Shape(what.into()),
    }
}

/// The warnings' words, one per line: what the site says when it declines.
fn declined(function: &str, warnings: Vec<wire::Warning>) -> Error {
    let code = warnings
        .first()
        .and_then(|w| w.warningcode.clone())
        .map(|c| c.0);
    let message = warnings
        .into_iter()
        .filter_map(|w| w.message)
        .filter(|m| !m.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Error::Declined {
        function: function.to_owned(),
        warningcode: code,
        message,
    }
}

/// A value Moodle sends as "unset" with 0 (times, limits).
fn positive(v: Option<wire::Int>) -> Option<i64> {
    v.map(|v| v.0).filter(|&v| v > 0)
}

/// The quiz of course module `module` in a `get_quizzes_by_courses` answer. None listed is the
/// site's refusal: its warning when it gave one (course not accessible), else ours.
pub(crate) fn find_quiz(answer: wire::Quizzes, module: LectureId) -> Result<wire::Quiz> {
    let wire::Quizzes { quizzes, warnings } = answer;
    if let Some(quiz) = quizzes.into_iter().find(|q| q.coursemodule.0 == module.0) {
        return Ok(quiz);
    }
    if warnings.is_empty() {
        return Err(Error::Declined {
            function: QUIZZES_BY_COURSES.to_owned(),
            warningcode: None,
            message: format!("the site lists no test for module {}", module.0),
        });
    }
    Err(declined(QUIZZES_BY_COURSES, warnings))
}

/// The quiz's grade scale, for rescaling an attempt's raw marks (`quiz_rescale_grade`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    /// The grade of a perfect attempt (`quiz.grade`).
    grade: f64,
    /// The raw marks of a perfect attempt (`quiz.sumgrades`).
    sumgrades: f64,
}

impl Scale {
    pub(crate) fn of(quiz: &wire::Quiz) -> Scale {
        Scale {
            grade: quiz.grade.map_or(0.0, |g| g.0),
            sumgrades: quiz.sumgrades.map_or(0.0, |g| g.0),
        }
    }

    /// Raw marks on the quiz's scale, as Moodle shows them; a quiz without marks grades 0.
    pub(crate) fn rescale(self, raw: f64) -> f64 {
        if self.sumgrades >= 0.000_005 {
            raw * self.grade / self.sumgrades
        } else {
            0.0
        }
    }
}

pub(crate) fn quiz(w: &wire::Quiz, pass_grade: Option<f64>) -> Quiz {
    let time_limit_secs = positive(w.timelimit).and_then(|t| u32::try_from(t).ok());
    // Moodle has `free` and `sequential`; anything else is read as the stricter one.
    let navigation = match w.navmethod.as_deref() {
        None | Some("free") => Navigation::Free,
        Some(_) => Navigation::Sequential,
    };
    let allows_offline = w.allowofflineattempts.is_some_and(|f| f.0);
    Quiz {
        id: QuizId(w.id.0),
        module: LectureId(w.coursemodule.0),
        course: CourseId(w.course.0),
        name: w.name.clone().unwrap_or_default(),
        intro_html: w.intro.clone().unwrap_or_default(),
        max_attempts: positive(w.attempts).and_then(|a| u32::try_from(a).ok()),
        max_grade: w.grade.map_or(0.0, |g| g.0),
        pass_grade: pass_grade.filter(|&p| p > 0.0),
        decimal_points: w
            .decimalpoints
            .and_then(|d| u32::try_from(d.0).ok())
            .unwrap_or(2),
        time_limit_secs,
        opens_at: positive(w.timeopen),
        closes_at: positive(w.timeclose),
        navigation,
        // The App's `isQuizOffline` (the setting, free navigation) plus the site form's own rule
        // that a timed test is never offline (§10.1).
        offline_attempts: allows_offline
            && navigation == Navigation::Free
            && time_limit_secs.is_none(),
        autosave_secs: positive(w.autosaveperiod).and_then(|s| u32::try_from(s).ok()),
        grade_method: match w.grademethod.map(|m| m.0) {
            Some(2) => GradeMethod::Average,
            Some(3) => GradeMethod::First,
            Some(4) => GradeMethod::Last,
            // 1, and Moodle's default for anything it would not store.
            _ => GradeMethod::Highest,
        },
    }
}

pub(crate) fn access(
    quiz: wire::QuizAccess,
    attempt: &wire::AttemptAccess,
    qtypes: wire::RequiredQtypes,
) -> QuizAccess {
    QuizAccess {
        can_attempt: quiz.canattempt.0,
        can_review: quiz.canreviewmyattempts.is_some_and(|f| f.0),
        rules: quiz.accessrules,
        blocked: quiz.preventaccessreasons,
        new_attempt_blocked: attempt.preventnewattemptreasons.clone(),
        needs_site: quiz
            .activerulenames
            .iter()
            .any(|rule| !NATIVE_RULES.contains(&rule.as_str())),
        unsupported_types: qtypes
            .questiontypes
            .into_iter()
            .filter(|t| !NATIVE_QTYPES.contains(&t.as_str()))
            .collect(),
    }
}

/// The deadline from `get_attempt_access_information`'s `endtime`.
pub(crate) fn deadline(access: &wire::AttemptAccess) -> Option<i64> {
    positive(access.endtime)
}

fn state(function: &str, state: Option<&str>) -> Result<AttemptState> {
    Ok(match state.unwrap_or_default() {
        "inprogress" => AttemptState::InProgress,
        "overdue" => AttemptState::Overdue,
        // 4.5+: `submitted` waits for grading; `notstarted` is a pre-created attempt that
        // continuing starts.
        "finished" | "submitted" => AttemptState::Finished,
        "notstarted" => AttemptState::InProgress,
        "abandoned" => AttemptState::Abandoned,
        other => {
            let shown: String = other.chars().take(32).collect();
            return Err(shape(function, format!("unknown attempt state {shown:?}")));
        }
    })
}

/// The slots of each page from a layout: `1,2,0,3,0` → `[[1, 2], [3]]`.
fn pages(function: &str, layout: &str) -> Result<Vec<Vec<u32>>> {
    let mut pages = Vec::new();
    let mut page = Vec::new();
    for item in layout.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let slot: u32 = item
            .parse()
            .map_err(|_| shape(function, "a layout item that is not a slot number"))?;
        if slot == 0 {
            pages.push(std::mem::take(&mut page));
        } else {
            page.push(slot);
        }
    }
    // Moodle ends every page with 0; a layout missing the last one still has that page.
    if !page.is_empty() {
        pages.push(page);
    }
    Ok(pages)
}

/// An attempt; its raw marks on the quiz's scale when `scale` is known and the site sent them.
pub(crate) fn attempt(function: &str, w: wire::Attempt, scale: Option<Scale>) -> Result<Attempt> {
    let need = |v: Option<wire::Int>, what: &str| {
        v.map(|v| v.0)
            .ok_or_else(|| shape(function, format!("an attempt without {what}")))
    };
    let id = need(w.id, "id")?;
    let state = state(function, w.state.as_deref())?;
    Ok(Attempt {
        id: AttemptId(id),
        quiz: QuizId(need(w.quiz, "quiz")?),
        number: w.attempt.and_then(|n| u32::try_from(n.0).ok()).unwrap_or(0),
        usage: need(w.uniqueid, "uniqueid")?,
        state,
        started_at: w.timestart.map_or(0, |t| t.0),
        finished_at: positive(w.timefinish),
        deadline: None,
        pages: pages(function, w.layout.as_deref().unwrap_or_default())?,
        current_page: w
            .currentpage
            .and_then(|p| u32::try_from(p.0).ok())
            .unwrap_or(0),
        grade: match (state, w.sumgrades, scale) {
            (AttemptState::Finished, Some(raw), Some(scale)) => Some(scale.rescale(raw.0)),
            _ => None,
        },
    })
}

/// The overview from its parts: the learner's attempts oldest first, the open one with its
/// deadline.
pub(crate) fn overview(
    quiz: &wire::Quiz,
    access: QuizAccess,
    attempts: wire::UserAttempts,
    attempt_access: &wire::AttemptAccess,
    best: wire::BestGrade,
) -> Result<QuizOverview> {
    let scale = Scale::of(quiz);
    let mut list = attempts
        .attempts
        .into_iter()
        .map(|a| attempt(USER_ATTEMPTS, a, Some(scale)))
        .collect::<Result<Vec<_>>>()?;
    list.sort_by_key(|a| (a.number, a.id.0));
    // `attempt_access` was asked about the open attempt (when there is one).
    if let Some(open) = list.iter_mut().rev().find(|a| a.is_open()) {
        open.deadline = deadline(attempt_access);
    }
    let best_grade = if best.hasgrade.0 {
        best.grade.map(|g| g.0)
    } else {
        None
    };
    Ok(QuizOverview {
        quiz: self::quiz(quiz, best.gradetopass.map(|g| g.0)),
        access,
        attempts: list,
        best_grade,
    })
}

/// The open attempt among the learner's attempts, if any (the last one when several are).
#[cfg(any(feature = "client", test))]
pub(crate) fn open_attempt(attempts: &wire::UserAttempts) -> Option<AttemptId> {
    attempts
        .attempts
        .iter()
        .filter(|a| matches!(a.state.as_deref(), Some("inprogress" | "overdue")))
        .filter_map(|a| a.id)
        .next_back()
        .map(|id| AttemptId(id.0))
}

/// `start_attempt`'s answer: the attempt, or the site's reasons for not starting one.
pub(crate) fn started(answer: wire::StartAttempt) -> Result<Attempt> {
    match answer.attempt {
        Some(a) if a.id.is_some() && answer.warnings.is_empty() => attempt(START_ATTEMPT, a, None),
        _ if !answer.warnings.is_empty() => Err(declined(START_ATTEMPT, answer.warnings)),
        _ => Err(shape(START_ATTEMPT, "neither an attempt nor a reason")),
    }
}

/// A save's `{status, warnings}`: warnings are a refusal even with `status: true` (the App).
pub(crate) fn saved(answer: wire::Status) -> Result<()> {
    if answer.status.0 && answer.warnings.is_empty() {
        return Ok(());
    }
    Err(declined(SAVE_ATTEMPT, answer.warnings))
}

pub(crate) fn processed(answer: wire::ProcessAttempt) -> Result<AttemptState> {
    if !answer.warnings.is_empty() {
        return Err(declined(PROCESS_ATTEMPT, answer.warnings));
    }
    state(PROCESS_ATTEMPT, Some(&answer.state))
}

/// The questions of a page, summary or review, read from their HTML. A question that cannot be
/// read fails the whole answer (naming its slot): showing the rest would let the learner submit
/// a test with a question they never saw.
pub(crate) fn questions(
    function: &str,
    usage: i64,
    list: &[wire::AttemptQuestion],
) -> Result<Vec<Question>> {
    let mut questions = Vec::with_capacity(list.len());
    for q in list {
        let slot =
            u32::try_from(q.slot.0).map_err(|_| shape(function, format!("slot {}", q.slot.0)))?;
        let sequencecheck = q
            .sequencecheck
            .map(|s| {
                u32::try_from(s.0)
                    .map_err(|_| shape(function, format!("slot {slot}: sequencecheck")))
            })
            .transpose()?;
        let fields = QuestionFields {
            uniqueid: usage,
            slot,
            qtype: &q.qtype,
            number: q
                .questionnumber
                .as_ref()
                .map(|n| n.0.clone())
                .or_else(|| q.number.map(|n| n.0.to_string())),
            html: &q.html,
            sequencecheck,
            flagged: q.flagged.0,
            stateclass: q.stateclass.as_deref(),
            status: q.status.as_deref(),
        };
        let question = parse_question(&fields)
            .map_err(|p| shape(function, format!("question in slot {slot}: {p}")))?;
        questions.push(question);
    }
    Ok(questions)
}

pub(crate) fn attempt_page(page: u32, w: wire::AttemptData) -> Result<AttemptPage> {
    let attempt = attempt(ATTEMPT_DATA, w.attempt, None)?;
    let questions = questions(ATTEMPT_DATA, attempt.usage, &w.questions)?;
    Ok(AttemptPage {
        attempt,
        page,
        next_page: w.nextpage.and_then(|n| u32::try_from(n.0).ok()),
        questions,
    })
}

/// The review's `grade` text: a number as the site formats it (a decimal comma in some
/// languages), or `""` / `notyetgraded` for none.
fn review_grade(text: &str) -> Option<f64> {
    let text = text.trim();
    text.parse()
        .ok()
        .or_else(|| text.replacen(',', ".", 1).parse().ok())
        .filter(|g: &f64| g.is_finite())
}

pub(crate) fn review(w: wire::AttemptReview) -> Result<AttemptReview> {
    let mut attempt = attempt(ATTEMPT_REVIEW, w.attempt, None)?;
    let grade = w.grade.as_ref().and_then(|g| review_grade(&g.0));
    attempt.grade = grade;
    let questions = questions(ATTEMPT_REVIEW, attempt.usage, &w.questions)?;
    let feedback_html = w
        .additionaldata
        .into_iter()
        .find(|d| d.id.as_deref() == Some("feedback"))
        .and_then(|d| d.content)
        .filter(|c| !c.trim().is_empty());
    Ok(AttemptReview {
        attempt,
        grade,
        questions,
        feedback_html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_become_pages() {
        let f = "f";
        assert_eq!(pages(f, "1,0,2,0").unwrap(), vec![vec![1], vec![2]]);
        assert_eq!(pages(f, "1,2,0,3,0").unwrap(), vec![vec![1, 2], vec![3]]);
        assert_eq!(pages(f, "1,2").unwrap(), vec![vec![1, 2]]);
        assert_eq!(pages(f, "").unwrap(), Vec::<Vec<u32>>::new());
        assert!(pages(f, "1,x,0").is_err());
        assert!(pages(f, "1,-2,0").is_err());
    }

    #[test]
    fn states_follow_moodle_and_unknown_ones_are_named() {
        let s = |v| state("f", Some(v));
        assert_eq!(s("inprogress").unwrap(), AttemptState::InProgress);
        assert_eq!(s("overdue").unwrap(), AttemptState::Overdue);
        assert_eq!(s("finished").unwrap(), AttemptState::Finished);
        assert_eq!(s("submitted").unwrap(), AttemptState::Finished);
        assert_eq!(s("abandoned").unwrap(), AttemptState::Abandoned);
        let e = s("weird").unwrap_err();
        assert!(e.to_string().contains("weird"), "{e}");
        assert!(state("f", None).is_err());
    }

    #[test]
    fn review_grades_read_as_the_site_formats_them() {
        assert_eq!(review_grade("60.00"), Some(60.0));
        assert_eq!(review_grade("60,50"), Some(60.5));
        assert_eq!(review_grade(""), None);
        assert_eq!(review_grade("notyetgraded"), None);
        assert_eq!(review_grade("NaN"), None);
    }
}
