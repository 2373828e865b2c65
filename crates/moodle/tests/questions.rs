//! Quiz question HTML → native questions, and answers → form fields (§6.6–§6.12).
//!
//! The shared samples are read as the site sends them; the other question types are built in
//! Moodle 4.x's renderer markup (qtype_multichoice_multi, qtype_truefalse, qtype_shortanswer).
//! Malformed and hostile HTML must give a clear error or `Unsupported`, never a panic.

use juko_model::{
    Answer, ChoiceKey, Outcome, Question, QuestionKind, QuestionState, UnsupportedReason,
};
use juko_moodle::{
    DecodeProblem, Error, MAX_QUESTION_HTML, QuestionFields, QuestionProblem, answer_fields,
    decode, parse_question,
};
use proptest::prelude::*;
use std::path::PathBuf;

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/protocol/samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fields<'a>(qtype: &'a str, html: &'a str) -> QuestionFields<'a> {
    QuestionFields {
        uniqueid: 45678,
        slot: 3,
        qtype,
        number: Some("3".into()),
        html,
        sequencecheck: Some(2),
        flagged: false,
        stateclass: Some("answersaved"),
        status: Some("Answer saved"),
    }
}

fn choice_keys(q: &Question) -> Vec<(&str, bool)> {
    match &q.kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
            choices
                .iter()
                .map(|c| (c.key.0.as_str(), c.selected))
                .collect()
        }
        other => panic!("not a choice question: {other:?}"),
    }
}

#[test]
fn the_attempt_data_sample_reads_as_a_single_choice_question() {
    let page = decode::attempt_data(0, &sample("mod_quiz_get_attempt_data.json")).unwrap();
    assert_eq!(page.attempt.id.0, 9001);
    assert_eq!(page.attempt.usage, 45678);
    assert_eq!((page.page, page.next_page), (0, Some(1)));
    let [q] = page.questions.as_slice() else {
        panic!("one question expected: {:?}", page.questions)
    };
    assert_eq!(q.slot, 1);
    assert_eq!(q.number.as_deref(), Some("1"));
    assert_eq!(
        q.text_html,
        "<p dir=\"ltr\">臨床研究法における「特定臨床研究」に該当するものはどれか。</p>"
    );
    assert_eq!(q.state, QuestionState::NotYetAnswered);
    assert_eq!(q.status, "Not yet answered");
    assert_eq!(q.sequence_check, 1);
    assert!(!q.flagged && !q.read_only);
    assert_eq!(q.feedback_html, None);
    let QuestionKind::SingleChoice { choices } = &q.kind else {
        panic!("{:?}", q.kind)
    };
    // The hidden "clear my choice" radio (value -1) is not a choice.
    let keys: Vec<_> = choices.iter().map(|c| c.key.0.as_str()).collect();
    assert_eq!(keys, ["0", "1", "2", "3"]);
    let numbering: Vec<_> = choices.iter().map(|c| c.numbering.as_deref()).collect();
    assert_eq!(numbering, [Some("a."), Some("b."), Some("c."), Some("d.")]);
    assert_eq!(
        choices[1].label_html,
        "<div class=\"flex-fill ms-1\"><p dir=\"ltr\">診療録のみを用いる観察研究</p></div>"
    );
    assert!(choices.iter().all(|c| !c.selected && c.outcome.is_none()));
    assert_eq!(q.current_answer(), Some(Answer::Choice(None)));
}

#[test]
fn the_review_sample_reads_read_only_with_marks_and_feedback() {
    let page = decode::attempt_review(&sample("mod_quiz_get_attempt_review.json")).unwrap();
    assert_eq!((page.attempt.id.0, page.attempt.usage), (8990, 45001));
    let q = &page.questions[0];
    assert!(q.read_only);
    assert_eq!(q.state, QuestionState::Graded(Outcome::Correct));
    assert_eq!(q.sequence_check, 2);
    assert_eq!(
        choice_keys(q),
        [("0", true), ("1", false), ("2", false), ("3", false)]
    );
    let QuestionKind::SingleChoice { choices } = &q.kind else {
        panic!()
    };
    assert_eq!(choices[0].outcome, Some(Outcome::Correct));
    assert_eq!(choices[1].outcome, None);
    assert_eq!(
        q.feedback_html.as_deref(),
        Some(
            "<div class=\"rightanswer\">The correct answer is: 未承認医薬品を用いる臨床研究</div>"
        )
    );
}

const FLAG_AND_SEQ: &str = r#"<div class="info"><div class="questionflag editable"><input type="hidden" name="q45678:3_:flagged" value="0" /><input type="checkbox" id="q45678:3_:flaggedcheckbox" name="q45678:3_:flagged" value="1" /><label for="q45678:3_:flaggedcheckbox">Flag question</label></div></div>
<input type="hidden" name="q45678:3_:sequencecheck" value="2" />"#;

fn multi_html(checked: &[bool]) -> String {
    let mut rows = String::new();
    for (i, on) in checked.iter().enumerate() {
        let checked = if *on { r#" checked="checked""# } else { "" };
        rows.push_str(&format!(
            r#"<div class="r{r}"><input type="hidden" name="q45678:3_choice{i}" value="0" /><input type="checkbox" name="q45678:3_choice{i}" value="1" id="q45678:3_choice{i}" aria-labelledby="q45678:3_choice{i}_label"{checked} /><div class="d-flex w-auto" id="q45678:3_choice{i}_label" data-region="answer-label"><span class="answernumber">{n}. </span><div class="flex-fill ms-1"><p>選択肢 {i} &amp; more</p></div></div></div>"#,
            r = i % 2,
            n = char::from(b'a' + (i % 26) as u8),
        ));
    }
    format!(
        r#"<div id="question-45678-3" class="que multichoice deferredfeedback answersaved">{FLAG_AND_SEQ}<div class="qtext"><p>該当するものをすべて選べ。</p></div><fieldset class="ablock"><legend class="prompt">Select one or more:</legend><div class="answer">{rows}</div></fieldset></div><script>M.util.js_pending('x');</script>"#
    )
}

#[test]
fn multiple_answer_multichoice_reads_its_checkboxes() {
    let html = multi_html(&[true, false, true]);
    let q = parse_question(&fields("multichoice", &html)).unwrap();
    assert!(matches!(q.kind, QuestionKind::MultipleChoice { .. }));
    // One choice per `choice{n}`, though each has a hidden `0` and a checkbox.
    assert_eq!(choice_keys(&q), [("0", true), ("1", false), ("2", true)]);
    let QuestionKind::MultipleChoice { choices } = &q.kind else {
        panic!()
    };
    assert_eq!(
        choices[0].label_html,
        "<div class=\"flex-fill ms-1\"><p>選択肢 0 &amp; more</p></div>"
    );
    assert_eq!(q.state, QuestionState::Answered);
    assert_eq!(q.text_html, "<p>該当するものをすべて選べ。</p>");

    let pairs = answer_fields(
        45678,
        &q,
        &Answer::Choices(vec![ChoiceKey("1".into()), ChoiceKey("2".into())]),
    )
    .unwrap();
    assert_eq!(
        pairs,
        [
            ("q45678:3_:sequencecheck", "2"),
            ("q45678:3_choice0", "0"),
            ("q45678:3_choice1", "1"),
            ("q45678:3_choice2", "1"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
}

fn truefalse_html(checked: Option<bool>) -> String {
    let c = |v| {
        if checked == Some(v) {
            r#" checked="checked""#
        } else {
            ""
        }
    };
    format!(
        r#"<div class="que truefalse deferredfeedback">{FLAG_AND_SEQ}<div class="qtext"><p>治験は臨床研究に含まれる。</p></div><fieldset class="ablock"><legend class="prompt">Select one:</legend><div class="answer"><div class="r0"><input type="radio" name="q45678:3_answer" value="1" id="q45678:3_answertrue"{t} /><label for="q45678:3_answertrue" class="ms-1">True</label></div><div class="r1"><input type="radio" name="q45678:3_answer" value="0" id="q45678:3_answerfalse"{f} /><label for="q45678:3_answerfalse" class="ms-1">False</label></div></div></fieldset></div>"#,
        t = c(true),
        f = c(false),
    )
}

#[test]
fn true_false_reads_its_answer_and_sends_one_or_zero() {
    for (checked, want) in [
        (None, None),
        (Some(true), Some(true)),
        (Some(false), Some(false)),
    ] {
        let html = truefalse_html(checked);
        let q = parse_question(&fields("truefalse", &html)).unwrap();
        assert_eq!(
            q.kind,
            QuestionKind::TrueFalse { answer: want },
            "{checked:?}"
        );
    }
    let q = parse_question(&fields("truefalse", &truefalse_html(None))).unwrap();
    let send = |a| answer_fields(45678, &q, &Answer::TrueFalse(a)).unwrap();
    assert_eq!(send(Some(false))[1], ("q45678:3_answer".into(), "0".into()));
    assert_eq!(send(Some(true))[1], ("q45678:3_answer".into(), "1".into()));
    // Unanswered: only the sequence check.
    assert_eq!(send(None), [("q45678:3_:sequencecheck".into(), "2".into())]);
}

fn shortanswer_html(value: &str, extra: &str) -> String {
    format!(
        r#"<div class="que shortanswer deferredfeedback">{FLAG_AND_SEQ}<div class="qtext"><p>GCP の正式名称を答えよ。</p></div><div class="ablock form-inline"><label for="q45678:3_answer">Answer:</label><span class="answer"><input type="text" name="q45678:3_answer" id="q45678:3_answer" value="{value}" size="80" class="form-control d-inline"{extra} /></span></div></div>"#
    )
}

#[test]
fn short_answer_reads_its_text_and_sends_it() {
    let q = parse_question(&fields(
        "shortanswer",
        &shortanswer_html("Good &amp; Clinical", ""),
    ))
    .unwrap();
    assert_eq!(
        q.kind,
        QuestionKind::ShortAnswer {
            answer: "Good & Clinical".into()
        }
    );
    assert!(!q.read_only);
    let pairs = answer_fields(45678, &q, &Answer::Text("Good Clinical Practice".into())).unwrap();
    assert_eq!(
        pairs[1],
        ("q45678:3_answer".into(), "Good Clinical Practice".into())
    );
    let review = parse_question(&fields(
        "shortanswer",
        &shortanswer_html("x", r#" readonly="readonly""#),
    ))
    .unwrap();
    assert!(review.read_only);
}

#[test]
fn older_sites_markup_reads_the_same() {
    // Moodle ≤ 3.x: `label[for]` instead of `aria-labelledby`, a `div.prompt`, no clear radio.
    let html = format!(
        r#"<div class="que multichoice deferredfeedback answersaved">{FLAG_AND_SEQ}<div class="qtext">Q</div><div class="ablock"><div class="prompt">Select one:</div><div class="answer"><div class="r0 incorrect"><input type="radio" name="q45678:3_answer" value="0" id="q45678:3_answer0" checked="checked" /><label for="q45678:3_answer0">a. 甲</label></div>
<div class="r1"><input type="radio" name="q45678:3_answer" value="1" id="q45678:3_answer1" /><label for="q45678:3_answer1">b. 乙</label></div></div></div></div>"#
    );
    let q = parse_question(&fields("multichoice", &html)).unwrap();
    assert_eq!(choice_keys(&q), [("0", true), ("1", false)]);
    let QuestionKind::SingleChoice { choices } = &q.kind else {
        panic!()
    };
    assert_eq!(choices[1].label_html, "b. 乙");
    assert_eq!(choices[1].numbering, None);
    assert_eq!(choices[0].outcome, Some(Outcome::Incorrect));
}

#[test]
fn single_choice_answers_send_the_choice_or_clear_it() {
    let page = decode::attempt_data(0, &sample("mod_quiz_get_attempt_data.json")).unwrap();
    let q = &page.questions[0];
    let send = |a| answer_fields(page.attempt.usage, q, &a);
    assert_eq!(
        send(Answer::Choice(Some(ChoiceKey("2".into())))).unwrap(),
        [
            ("q45678:1_:sequencecheck".to_owned(), "1".to_owned()),
            ("q45678:1_answer".to_owned(), "2".to_owned())
        ]
    );
    // Cleared: Moodle's `-1`, never an empty value (which would pick the first choice).
    assert_eq!(send(Answer::Choice(None)).unwrap()[1].1, "-1");
    // A choice the question does not have, or an answer of another kind: nothing to send.
    assert_eq!(send(Answer::Choice(Some(ChoiceKey("7".into())))), None);
    assert_eq!(send(Answer::Text("0".into())), None);
    assert_eq!(send(Answer::Choices(vec![])), None);
}

#[test]
fn other_types_behaviours_and_hidden_pages_are_unsupported_not_dropped() {
    let essay = format!(
        r#"<div class="que essay">{FLAG_AND_SEQ}<div class="qtext">論ぜよ。</div><textarea name="q45678:3_answer"></textarea></div>"#
    );
    let q = parse_question(&fields("essay", &essay)).unwrap();
    assert_eq!(
        q.kind,
        QuestionKind::Unsupported {
            site_kind: "essay".into(),
            reason: UnsupportedReason::Kind
        }
    );
    assert_eq!(q.text_html, "論ぜよ。");
    assert_eq!(answer_fields(45678, &q, &Answer::Text("x".into())), None);

    // Immediate feedback: a "Check" button, a behaviour Juko does not drive.
    let html = truefalse_html(None).replace(
        "</fieldset>",
        r#"</fieldset><div class="im-controls"><button type="submit" name="q45678:3_-submit" value="1">Check</button></div>"#,
    );
    let q = parse_question(&fields("truefalse", &html)).unwrap();
    assert!(matches!(
        q.kind,
        QuestionKind::Unsupported {
            reason: UnsupportedReason::Behaviour,
            ..
        }
    ));

    // Sequential navigation: the site hides the type of a page not reached yet.
    let q = parse_question(&fields("", &truefalse_html(None))).unwrap();
    assert!(matches!(
        q.kind,
        QuestionKind::Unsupported {
            reason: UnsupportedReason::NotAccessible,
            ..
        }
    ));
}

#[test]
fn malformed_html_is_a_clear_error() {
    let html = truefalse_html(None);
    let err = |qtype, html: &str| parse_question(&fields(qtype, html)).unwrap_err();

    // Truncated before the answers.
    let cut = &html[..html.find("<fieldset").unwrap()];
    assert_eq!(err("truefalse", cut), QuestionProblem::NoInputs);
    // Truncated before the sequence check.
    assert_eq!(
        err("truefalse", &html[..20]),
        QuestionProblem::NoSequenceCheck
    );
    // No question text.
    let no_text = html.replace("class=\"qtext\"", "class=\"other\"");
    assert_eq!(err("truefalse", &no_text), QuestionProblem::NoText);
    // A sequence check that is not a count.
    for bad in ["-1", "abc", "99999999999", ""] {
        let html = html.replace(
            r#":sequencecheck" value="2""#,
            &format!(r#":sequencecheck" value="{bad}""#),
        );
        assert_eq!(
            err("truefalse", &html),
            QuestionProblem::BadSequenceCheck,
            "{bad}"
        );
    }
    // The HTML's sequence check disagrees with the site's field.
    let mut f = fields("truefalse", &html);
    f.sequencecheck = Some(3);
    assert_eq!(
        parse_question(&f).unwrap_err(),
        QuestionProblem::SequenceCheckMismatch { html: 2, field: 3 }
    );
    // A true/false value other than 1/0.
    let odd = html.replace(r#"value="0" id"#, r#"value="2" id"#);
    assert_eq!(err("truefalse", &odd), QuestionProblem::BadTrueFalse);
    // A choice without a label.
    let unlabelled = multi_html(&[false]).replace("aria-labelledby", "data-x");
    assert_eq!(
        err("multichoice", &unlabelled),
        QuestionProblem::UnlabelledChoice(0)
    );
    // Too large to be a question.
    let huge = format!("{html}{}", " ".repeat(MAX_QUESTION_HTML));
    assert_eq!(err("truefalse", &huge), QuestionProblem::TooLarge);
}

#[test]
fn hostile_fields_for_other_questions_are_ignored() {
    // Inputs named for another attempt or slot do not become this question's answers.
    let html = multi_html(&[false, false])
        .replace("q45678:3_choice1", "q99999:3_choice1")
        .replace("q45678:3_choice0\"", "q45678:4_choice0\"");
    let err = parse_question(&fields("multichoice", &html)).unwrap_err();
    assert_eq!(err, QuestionProblem::NoInputs);

    // A foreign sequence check is not this question's.
    let html = truefalse_html(None).replace("q45678:3_:sequencecheck", "q1:3_:sequencecheck");
    assert_eq!(
        parse_question(&fields("truefalse", &html)).unwrap_err(),
        QuestionProblem::NoSequenceCheck
    );

    // Scripts and event attributes are kept out of nothing they were not in: scripts are
    // removed; attributes stay in the HTML, which screens sanitize.
    let html = shortanswer_html("x", "").replace(
        "<p>GCP",
        r#"<script>alert(1)</script><img src="x" onerror="alert(2)"><p>GCP"#,
    );
    let q = parse_question(&fields("shortanswer", &html)).unwrap();
    assert!(!q.text_html.contains("<script"), "{}", q.text_html);

    // A label that names the input itself is not a label.
    let html = multi_html(&[false]).replace(
        r#"aria-labelledby="q45678:3_choice0_label""#,
        r#"aria-labelledby="q45678:3_choice0""#,
    );
    assert_eq!(
        parse_question(&fields("multichoice", &html)).unwrap_err(),
        QuestionProblem::UnlabelledChoice(0)
    );
}

#[test]
fn a_bad_question_fails_its_page_naming_the_slot() {
    let body = String::from_utf8(sample("mod_quiz_get_attempt_data.json")).unwrap();
    let body = body.replace("class=\\\"qtext\\\"", "class=\\\"gone\\\"");
    let err = decode::attempt_data(0, body.as_bytes()).unwrap_err();
    let Error::Decode {
        problem: DecodeProblem::Shape(what),
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(what, "question in slot 1: the question has no text");
}

#[test]
fn many_choices_parse_in_one_pass() {
    // Labels are indexed once: a page with thousands of choices stays linear.
    let html = multi_html(&vec![false; 5000]);
    let q = parse_question(&fields("multichoice", &html)).unwrap();
    assert_eq!(choice_keys(&q).len(), 5000);
}

proptest! {
    #[test]
    fn any_string_parses_or_errs_without_panicking(html in ".{0,400}", qtype in "(multichoice|truefalse|shortanswer|essay|)") {
        let _ = parse_question(&fields(&qtype, &html));
    }

    #[test]
    fn mangled_real_questions_never_panic(cut in 0usize..4000, noise in "[<>\"'=/ a-z:_0-9-]{0,40}") {
        for html in [multi_html(&[true, false]), truefalse_html(Some(true)), shortanswer_html("a", "")] {
            let mut at = cut.min(html.len());
            while !html.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{noise}{}", &html[..at], &html[at..]);
            for qtype in ["multichoice", "truefalse", "shortanswer"] {
                if let Ok(q) = parse_question(&fields(qtype, &mangled))
                    && let Some(answer) = q.current_answer()
                {
                    // An answer read from a question always fits it.
                    prop_assert!(answer_fields(45678, &q, &answer).is_some());
                }
            }
        }
    }
}
