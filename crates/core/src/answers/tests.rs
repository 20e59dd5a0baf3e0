use super::*;
use crate::default_questionnaire;

const TODAY: CalendarDate = CalendarDate {
    year: 2026,
    month: 11,
    day: 25,
};

fn one(text: &str) -> AnswerValue {
    AnswerValue::One(text.into())
}

fn many(items: &[&str]) -> AnswerValue {
    AnswerValue::Many(items.iter().map(|s| s.to_string()).collect())
}

fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn visible_page_ids(answers: &Answers) -> Vec<String> {
    let questionnaire = default_questionnaire();
    questionnaire
        .visible_pages(answers)
        .map(|(_, p)| p.id.clone())
        .collect()
}

#[test]
fn follow_up_pages_appear_only_for_the_needs_chosen() {
    let none = visible_page_ids(&Answers::new());
    assert!(!none
        .iter()
        .any(|id| id.starts_with("about_") && id != "about_you"));
    let chosen = visible_page_ids(&answers(&[("needs", many(&["housing", "food"]))]));
    assert!(chosen.contains(&"about_housing".to_string()));
    assert!(chosen.contains(&"about_food".to_string()));
    assert!(!chosen.contains(&"about_caring".to_string()));
}

#[test]
fn contact_details_follow_the_ways_chosen() {
    let questionnaire = default_questionnaire();
    let page = questionnaire
        .pages()
        .iter()
        .find(|p| p.id == "contact_details")
        .unwrap();
    let by_text = answers(&[("contact_methods", many(&["text"]))]);
    let asked: Vec<_> = questionnaire
        .visible_questions(page, &by_text)
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(asked, ["phone", "safe_text"]);
    let by_letter = answers(&[("contact_methods", many(&["letter", "email"]))]);
    let asked: Vec<_> = questionnaire
        .visible_questions(page, &by_letter)
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(asked, ["email", "address", "safe_letter"]);
}

#[test]
fn a_page_reports_each_problem_by_question() {
    let questionnaire = default_questionnaire();
    let page = questionnaire
        .pages()
        .iter()
        .find(|p| p.id == "about_you")
        .unwrap();
    let given = answers(&[
        ("name", one(" ")),
        ("date_of_birth", one("2030-01-01")),
        ("postcode", one("EH1")),
    ]);
    let problems = questionnaire.check_page(page, &given, TODAY);
    assert_eq!(
        problems,
        [
            ("name".to_string(), AnswerError::Missing),
            (
                "date_of_birth".to_string(),
                AnswerError::Date(DateOfBirthError::InTheFuture)
            ),
            (
                "postcode".to_string(),
                AnswerError::Postcode(PostcodeError::NotUkPostcode)
            ),
        ]
    );
}

#[test]
fn canonical_answers_are_normalised_and_drop_what_was_not_asked() {
    let questionnaire = default_questionnaire();
    let given = answers(&[
        ("urgent", one("no")),
        ("needs", many(&["food", "housing"])),
        ("housing_at_risk", one("yes")),
        ("food_gone_without", one("no")),
        ("caring_has_support", one("no")), // caring was not chosen
        ("name", one("  Morag ")),
        ("date_of_birth", one("1980-02-29")),
        ("postcode", one("eh11yz")),
        ("contact_methods", many(&["phone"])),
        ("phone", one("+44 7700 900123")),
        ("safe_voicemail", one("yes")),
        ("interpreter", one("no")),
    ]);
    let canonical = questionnaire.canonical_answers(&given, TODAY).unwrap();
    assert_eq!(
        canonical["needs"],
        many(&["housing", "food"]),
        "in the options' order"
    );
    assert_eq!(canonical["name"], one("Morag"));
    assert_eq!(canonical["postcode"], one("EH1 1YZ"));
    assert_eq!(canonical["phone"], one("07700900123"));
    assert!(!canonical.contains_key("caring_has_support"));
}

#[test]
fn wrong_shapes_and_unknown_options_are_refused() {
    let questionnaire = default_questionnaire();
    let needs = questionnaire.question("needs").unwrap();
    assert_eq!(
        check_answer(needs, Some(&one("housing")), TODAY),
        Err(AnswerError::WrongShape)
    );
    assert_eq!(
        check_answer(needs, Some(&many(&["astrology"])), TODAY),
        Err(AnswerError::NotAnOption)
    );
    let urgent = questionnaire.question("urgent").unwrap();
    assert_eq!(
        check_answer(urgent, Some(&one("maybe")), TODAY),
        Err(AnswerError::NotAnOption)
    );
    assert_eq!(check_answer(urgent, None, TODAY), Err(AnswerError::Missing));
    let preferred = questionnaire.question("preferred_name").unwrap();
    assert_eq!(
        check_answer(preferred, Some(&one("")), TODAY),
        Ok(None),
        "optional and blank is fine"
    );
}
