//! Taking the seeded tests as the learner app does: the attempt functions called with the
//! shapes Moodle declares, each page read by the app's own parser (`juko_moodle`), answers
//! turned into form fields by its `answer_fields`.

use juko_model::{Answer, AttemptPage, ChoiceKey, Question, QuestionKind};
use juko_moodle::{answer_fields, decode};
use serde_json::Value;

use super::shape::{assert_shape, call};
use super::support::Site;
use crate::seed::quizzes::{self, QuizPlan};

/// The seeded plans: the basic unit's (offline allowed), the ethics unit's (timed), the
/// sequential one and the one with an essay.
pub(super) fn plan(name_prefix: &str) -> &'static QuizPlan {
    quizzes::QUIZZES
        .iter()
        .find(|p| p.name.starts_with(name_prefix))
        .expect("a seeded test")
}

/// The quiz id of a seeded test by its name, straight from the database.
pub(super) async fn quiz_named(site: &Site, name_prefix: &str) -> i64 {
    let name = plan(name_prefix).name.to_owned();
    site.state
        .db()
        .call(move |conn| {
            Ok(
                conn.query_row("SELECT MIN(id) FROM quiz WHERE name = ?1", [name], |r| {
                    r.get(0)
                })?,
            )
        })
        .await
        .expect("quiz")
}

pub(super) fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// `data[i][name]`, `data[i][value]` for each pair.
pub(super) fn data(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .enumerate()
        .flat_map(|(i, (name, value))| {
            [
                (format!("data[{i}][name]"), name.clone()),
                (format!("data[{i}][value]"), value.clone()),
            ]
        })
        .collect()
}

/// The HTML of the first question of a `get_attempt_data` answer.
pub(super) fn first_html(text: &str) -> String {
    let reply: Value = serde_json::from_str(text).expect("JSON");
    reply["questions"][0]["html"]
        .as_str()
        .expect("html")
        .to_owned()
}

/// What the app sends for a quiz that allows offline attempts (harmless elsewhere).
pub(super) const CONFIRMED: [(&str, &str); 2] = [
    ("preflightdata[0][name]", "confirmdatasaved"),
    ("preflightdata[0][value]", "1"),
];

/// A learner taking tests.
pub(super) struct Taker<'a> {
    pub(super) site: &'a Site,
    pub(super) token: String,
}

impl<'a> Taker<'a> {
    pub(super) async fn new(site: &'a Site, username: &str) -> Taker<'a> {
        Taker {
            site,
            token: site.token(username).await,
        }
    }

    /// A call whose answer must match its function's declared structure.
    pub(super) async fn shaped(
        &self,
        function: &str,
        params: &[(&str, &str)],
        fixture: &str,
    ) -> (String, Value) {
        let (text, reply) = call(self.site, &self.token, function, params).await;
        assert_shape(&text, fixture);
        (text, reply)
    }

    pub(super) async fn call(&self, function: &str, params: &[(&str, &str)]) -> Value {
        self.site.call(&self.token, function, params).await
    }

    /// `mod_quiz_get_attempt_data` for one page, with no preflight data.
    pub(super) async fn attempt_data(&self, attemptid: &str, page: &str) -> Value {
        self.call(
            "mod_quiz_get_attempt_data",
            &[("attemptid", attemptid), ("page", page)],
        )
        .await
    }

    /// `mod_quiz_view_attempt` for one page, with no preflight data.
    pub(super) async fn view_attempt(&self, attemptid: &str, page: &str) -> Value {
        self.call(
            "mod_quiz_view_attempt",
            &[("attemptid", attemptid), ("page", page)],
        )
        .await
    }

    /// `mod_quiz_get_attempt_access_information` for the learner's last attempt.
    pub(super) async fn attempt_access(&self, quizid: &str) -> Value {
        self.call(
            "mod_quiz_get_attempt_access_information",
            &[("quizid", quizid)],
        )
        .await
    }

    /// `mod_quiz_get_user_attempts`: all of the learner's attempts at the quiz.
    pub(super) async fn user_attempts(&self, quizid: &str) -> Value {
        self.call(
            "mod_quiz_get_user_attempts",
            &[("quizid", quizid), ("status", "all")],
        )
        .await
    }

    /// Starts an attempt; returns it.
    pub(super) async fn start(&self, quizid: i64) -> Value {
        let quizid = quizid.to_string();
        let (_, reply) = self
            .shaped(
                "mod_quiz_start_attempt",
                &[("quizid", &quizid)],
                fixture!("mod_quiz_start_attempt"),
            )
            .await;
        assert!(reply["attempt"]["id"].is_i64(), "{reply}");
        reply["attempt"].clone()
    }

    /// One page as the site sends it (text) and as the app reads it.
    pub(super) async fn page(&self, attemptid: i64, page: i64) -> (String, AttemptPage) {
        let (attemptid, page) = (attemptid.to_string(), page.to_string());
        let mut params = vec![("attemptid", attemptid.as_str()), ("page", page.as_str())];
        params.extend_from_slice(&CONFIRMED);
        let (text, _) = self
            .shaped(
                "mod_quiz_get_attempt_data",
                &params,
                fixture!("mod_quiz_get_attempt_data"),
            )
            .await;
        let number = page.parse::<u32>().expect("a page number");
        let parsed = decode::attempt_data(number, text.as_bytes())
            .unwrap_or_else(|e| panic!("the app cannot read the page: {e:?}\n{text}"));
        (text, parsed)
    }

    /// Every page of the attempt, read by the app.
    pub(super) async fn all_questions(&self, attemptid: i64, pages: i64) -> Vec<Question> {
        let mut questions = Vec::new();
        for page in 0..pages {
            questions.extend(self.page(attemptid, page).await.1.questions);
        }
        questions
    }

    /// `mod_quiz_process_attempt` with these fields; returns the answer.
    pub(super) async fn process(
        &self,
        attemptid: i64,
        fields: &[(String, String)],
        finish: bool,
    ) -> Value {
        let attemptid = attemptid.to_string();
        let mut params = vec![
            ("attemptid".to_owned(), attemptid),
            ("finishattempt".to_owned(), u8::from(finish).to_string()),
        ];
        with_answers(&mut params, fields);
        self.checked(
            "mod_quiz_process_attempt",
            &params,
            fixture!("mod_quiz_process_attempt"),
        )
        .await
    }

    /// A call whose answer, unless it is an exception, must match the declared structure.
    async fn checked(&self, function: &str, params: &[(String, String)], fixture: &str) -> Value {
        let (text, reply) = call(self.site, &self.token, function, &refs(params)).await;
        if reply.get("exception").is_none() {
            assert_shape(&text, fixture);
        }
        reply
    }

    /// `mod_quiz_save_attempt` with these fields; returns the answer.
    pub(super) async fn save(&self, attemptid: i64, fields: &[(String, String)]) -> Value {
        let mut params = vec![("attemptid".to_owned(), attemptid.to_string())];
        with_answers(&mut params, fields);
        self.checked(
            "mod_quiz_save_attempt",
            &params,
            fixture!("mod_quiz_save_attempt"),
        )
        .await
    }

    pub(super) async fn review(&self, attemptid: i64) -> (String, Value) {
        let attemptid = attemptid.to_string();
        self.shaped(
            "mod_quiz_get_attempt_review",
            &[("attemptid", &attemptid)],
            fixture!("mod_quiz_get_attempt_review"),
        )
        .await
    }

    /// Answers every question of an attempt (all pages), right where `right(slot)` says so,
    /// and submits them; `finish` finishes the attempt.
    pub(super) async fn answer_all(
        &self,
        attempt: &Value,
        plan: &QuizPlan,
        right: impl Fn(u32) -> bool,
        finish: bool,
    ) -> Value {
        let id = attempt["id"].as_i64().expect("id");
        let usage = attempt["uniqueid"].as_i64().expect("uniqueid");
        let questions = self.all_questions(id, plan.questions.len() as i64).await;
        let mut fields = Vec::new();
        for question in &questions {
            let seeded = &plan.questions[question.slot as usize - 1];
            let answer = answer(seeded, question, right(question.slot));
            if let QuestionKind::Unsupported { .. } = question.kind {
                // The app leaves an essay to the site; answered here as the site's form would.
                let Answer::Text(text) = answer else {
                    panic!("{answer:?}")
                };
                let prefix = format!("q{usage}:{}_", question.slot);
                fields.push((
                    format!("{prefix}:sequencecheck"),
                    question.sequence_check.to_string(),
                ));
                fields.push((format!("{prefix}answer"), text));
                continue;
            }
            fields.extend(answer_fields(usage, question, &answer).expect("the answer fits"));
        }
        self.process(id, &fields, finish).await
    }
}

/// Adds the answer fields to a submission's parameters, and the confirmation the app sends.
fn with_answers(params: &mut Vec<(String, String)>, fields: &[(String, String)]) {
    params.extend(data(fields));
    params.extend(
        CONFIRMED
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
}

/// The seeded right (or a wrong) answer to a question, found by the choices' labels as the
/// app shows them.
pub(super) fn answer(seeded: &quizzes::Question, question: &Question, right: bool) -> Answer {
    let key_of = |text: &str| -> ChoiceKey {
        let choices = match &question.kind {
            QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
                choices
            }
            other => panic!("not a choice question: {other:?}"),
        };
        choices
            .iter()
            .find(|c| c.label_html.contains(text))
            .unwrap_or_else(|| panic!("no choice {text} in {choices:?}"))
            .key
            .clone()
    };
    match seeded {
        quizzes::Question::MultiChoice {
            single: true,
            answers,
            ..
        } => {
            let pick = answers
                .iter()
                .find(|(_, f)| (*f >= 1.0) == right)
                .expect("a right and a wrong choice");
            Answer::Choice(Some(key_of(pick.0)))
        }
        quizzes::Question::MultiChoice { answers, .. } => Answer::Choices(
            answers
                .iter()
                .filter(|(_, f)| (*f > 0.0) == right)
                .map(|(text, _)| key_of(text))
                .collect(),
        ),
        quizzes::Question::TrueFalse { correct, .. } => Answer::TrueFalse(Some(*correct == right)),
        quizzes::Question::ShortAnswer { answers, .. } => Answer::Text(if right {
            answers[0].0.to_owned()
        } else {
            "わかりません".to_owned()
        }),
        quizzes::Question::Essay { .. } => {
            Answer::Text("平時から連絡体制を整えておく。".to_owned())
        }
    }
}

/// The number of steps and the attempt row's state, to show a refused call changed nothing.
pub(super) async fn footprint(site: &Site, attemptid: i64) -> (i64, i64, String, i64) {
    site.state
        .db()
        .call(move |conn| {
            Ok(conn.query_row(
                "SELECT (SELECT COUNT(*) FROM question_attempt_steps s
                         JOIN question_attempts qa ON qa.id = s.questionattemptid
                         WHERE qa.questionusageid = a.uniqueid),
                        (SELECT COUNT(*) FROM question_attempt_step_data d
                         JOIN question_attempt_steps s ON s.id = d.attemptstepid
                         JOIN question_attempts qa ON qa.id = s.questionattemptid
                         WHERE qa.questionusageid = a.uniqueid),
                        a.state, a.timemodified
                 FROM quiz_attempts a WHERE a.id = ?1",
                [attemptid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .await
        .expect("attempt")
}
