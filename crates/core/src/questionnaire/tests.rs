use super::*;

/// The questions every questionnaire must have, after the pages under test.
const CORE: &str = r#"{"id":"core","questions":[{"id":"name","type":"short_text","required":true},{"id":"contact_methods","type":"multiple_choice","required":true,"options":["phone"]}]}"#;

fn with_pages(pages: &str) -> String {
    format!(r#"{{"id":"test","version":"1","pages":[{pages},{CORE}]}}"#)
}

const NEEDS: &str = r#"{"id":"needs","questions":[{"id":"needs","type":"multiple_choice","required":true,"options":["housing","food"]}]}"#;

#[test]
fn a_questionnaire_with_branching_pages_loads() {
    let json = with_pages(&format!(
        r#"{NEEDS},
        {{"id":"housing","show_if":{{"question":"needs","includes":"housing"}},
          "questions":[{{"id":"housing_risk","type":"yes_no","required":true}},
                       {{"id":"housing_detail","type":"long_text","show_if":{{"question":"housing_risk","equals":"yes"}}}}]}}"#
    ));
    let questionnaire = Questionnaire::parse(&json).unwrap();
    assert_eq!(
        questionnaire.pages().len(),
        3,
        "needs, housing and the core page"
    );
    assert_eq!(
        questionnaire.question("housing_detail").unwrap().kind,
        QuestionKind::LongText { max_length: 1000 }
    );
}

#[test]
fn the_shipped_questionnaire_loads() {
    let json = include_str!("../../../../static/questionnaire/default.json");
    Questionnaire::parse(json).unwrap_or_else(|e| panic!("static/questionnaire/default.json: {e}"));
}

fn refused(pages: &str) -> QuestionnaireError {
    Questionnaire::parse(&with_pages(pages)).expect_err("should be refused")
}

#[test]
fn an_unknown_question_type_is_refused_by_name() {
    let error = refused(r#"{"id":"p","questions":[{"id":"mood","type":"slider"}]}"#);
    assert_eq!(
        error,
        QuestionnaireError::UnknownType {
            question: "mood".into(),
            type_name: "slider".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "question \"mood\" has the unknown type \"slider\""
    );
}

#[test]
fn a_condition_naming_a_missing_question_is_refused() {
    let error = refused(&format!(
        r#"{NEEDS},{{"id":"p","show_if":{{"question":"need","includes":"housing"}},"questions":[{{"id":"q","type":"yes_no"}}]}}"#
    ));
    assert_eq!(
        error,
        QuestionnaireError::UnknownConditionQuestion {
            question: "p".into(),
            names: "need".into()
        }
    );
    assert!(error.to_string().contains("\"need\""));
}

#[test]
fn a_condition_may_not_look_forward() {
    let error = refused(&format!(
        r#"{{"id":"p","show_if":{{"question":"needs","includes":"housing"}},"questions":[{{"id":"q","type":"yes_no"}}]}},{NEEDS}"#
    ));
    assert!(matches!(
        error,
        QuestionnaireError::UnknownConditionQuestion { .. }
    ));
}

#[test]
fn duplicate_ids_are_refused() {
    let error = refused(&format!(
        r#"{NEEDS},{{"id":"again","questions":[{{"id":"needs","type":"yes_no"}}]}}"#
    ));
    assert_eq!(
        error,
        QuestionnaireError::DuplicateId { id: "needs".into() }
    );
    let error = refused(&format!(
        r#"{NEEDS},{{"id":"needs","questions":[{{"id":"other","type":"yes_no"}}]}}"#
    ));
    assert_eq!(
        error,
        QuestionnaireError::DuplicateId { id: "needs".into() }
    );
}

#[test]
fn a_condition_on_a_value_that_is_not_an_option_is_refused() {
    let error = refused(&format!(
        r#"{NEEDS},{{"id":"p","show_if":{{"question":"needs","includes":"housin"}},"questions":[{{"id":"q","type":"yes_no"}}]}}"#
    ));
    assert_eq!(
        error,
        QuestionnaireError::ConditionValueNotAnOption {
            question: "p".into(),
            names: "needs".into(),
            value: "housin".into()
        }
    );
}

#[test]
fn a_condition_with_the_wrong_test_is_refused() {
    let error = refused(&format!(
        r#"{NEEDS},{{"id":"p","show_if":{{"question":"needs","equals":"housing"}},"questions":[{{"id":"q","type":"yes_no"}}]}}"#
    ));
    assert!(matches!(
        error,
        QuestionnaireError::ConditionDoesNotFit { .. }
    ));
}

#[test]
fn choice_questions_need_distinct_options() {
    assert_eq!(
        refused(r#"{"id":"p","questions":[{"id":"q","type":"single_choice"}]}"#),
        QuestionnaireError::NoOptions {
            question: "q".into()
        }
    );
    assert_eq!(
        refused(
            r#"{"id":"p","questions":[{"id":"q","type":"single_choice","options":["a","a"]}]}"#
        ),
        QuestionnaireError::DuplicateOption {
            question: "q".into(),
            option: "a".into()
        }
    );
    assert_eq!(
        refused(r#"{"id":"p","questions":[{"id":"q","type":"yes_no","options":["a"]}]}"#),
        QuestionnaireError::UnexpectedOptions {
            question: "q".into()
        }
    );
}

#[test]
fn malformed_json_and_empty_pages_are_refused() {
    assert!(matches!(
        Questionnaire::parse("{"),
        Err(QuestionnaireError::Malformed { .. })
    ));
    assert_eq!(
        refused(r#"{"id":"p","questions":[]}"#),
        QuestionnaireError::EmptyPage { page: "p".into() }
    );
}

#[test]
fn the_questions_a_link_worker_needs_are_required() {
    let without_needs = format!(r#"{{"id":"test","version":"1","pages":[{CORE}]}}"#);
    assert_eq!(
        Questionnaire::parse(&without_needs),
        Err(QuestionnaireError::CoreQuestionMissing { id: "needs".into() })
    );
    let optional_name = with_pages(NEEDS).replace(
        r#""id":"name","type":"short_text","required":true"#,
        r#""id":"name","type":"short_text""#,
    );
    assert_eq!(
        Questionnaire::parse(&optional_name),
        Err(QuestionnaireError::CoreQuestionMissing { id: "name".into() })
    );
}
