//! The answers as a QuestionnaireResponse: one item a question answered, in the questionnaire's
//! order, each with the label the person read and a value of the type the question asks for
//! (yes/no as `valueBoolean`, choices as `valueCoding`, a date as `valueDate`, text as
//! `valueString`). The wellbeing check-in is not here: its scores are Observations.

use signpost_core::fhir::{
    option_system, Answer, Coding, QuestionnaireResponse, Reference, ResponseItem, ResponseStatus,
};
use signpost_core::questionnaire::QuestionKind;
use signpost_core::{AnswerValue, Answers, Questionnaire};

use super::referral::requester;
use super::{fhir_string, labels, Ids, ReferralRecord};

pub fn questionnaire_response(
    record: &ReferralRecord,
    answers: &Answers,
    questionnaire: &Questionnaire,
    ids: &Ids,
) -> QuestionnaireResponse {
    let referral = &record.referral;
    // `None` only for a referral stored before questionnaires had ids.
    let made_with = referral.questionnaire.as_ref();
    let id = made_with.map_or("signpost", |(id, _)| id.as_str());
    // The service's questionnaire types the answers, when the referral was made with it; an
    // older or other one's answers are kept as they were given, as text.
    let known = made_with.is_some_and(|(id, version)| {
        questionnaire.id() == id && questionnaire.version() == version
    });
    let kind_of = |question: &str| {
        known
            .then(|| questionnaire.question(question).map(|q| &q.kind))
            .flatten()
    };
    let in_order: Vec<&str> = if known {
        questionnaire
            .pages()
            .iter()
            .flat_map(|page| &page.questions)
            .map(|q| q.id.as_str())
            .filter(|id| answers.contains_key(*id))
            .collect()
    } else {
        answers.keys().map(String::as_str).collect()
    };
    let item = in_order
        .into_iter()
        .filter_map(|question| {
            let answer = values(id, question, kind_of(question), &answers[question]);
            (!answer.is_empty()).then(|| ResponseItem {
                link_id: question.to_owned(),
                text: labels::question(question).map(str::to_owned),
                answer,
            })
        })
        .collect();
    QuestionnaireResponse {
        questionnaire: made_with.map(|(id, version)| format!("{id}|{version}")),
        status: ResponseStatus::Completed,
        subject: Reference::to(&ids.url("Patient")),
        based_on: vec![Reference::to(&ids.url("ServiceRequest"))],
        authored: referral.received_at.clone(),
        source: requester(record, ids),
        item,
    }
}

fn values(
    questionnaire: &str,
    question: &str,
    kind: Option<&QuestionKind>,
    answer: &AnswerValue,
) -> Vec<Answer> {
    let coding = |option: &str| {
        Answer::Coding(Coding::new(
            option_system(questionnaire, question),
            option,
            labels::option(question, option).unwrap_or(option),
        ))
    };
    match (kind, answer) {
        (Some(QuestionKind::YesNo), AnswerValue::One(yes_no)) => match yes_no.as_str() {
            "yes" => vec![Answer::Boolean(true)],
            "no" => vec![Answer::Boolean(false)],
            other => vec![Answer::String(fhir_string(other))],
        },
        (Some(QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. }), answer) => {
            match answer {
                AnswerValue::One(option) => vec![coding(option)],
                AnswerValue::Many(options) => options.iter().map(|o| coding(o)).collect(),
            }
        }
        (Some(QuestionKind::Date), AnswerValue::One(date)) => vec![Answer::Date(date.clone())],
        (Some(QuestionKind::Instrument), _) => Vec::new(),
        (_, AnswerValue::One(text)) if text.trim().is_empty() => Vec::new(),
        (_, AnswerValue::One(text)) => vec![Answer::String(fhir_string(text))],
        (_, AnswerValue::Many(list)) => list
            .iter()
            .filter(|text| !text.trim().is_empty())
            .map(|text| Answer::String(fhir_string(text)))
            .collect(),
    }
}
