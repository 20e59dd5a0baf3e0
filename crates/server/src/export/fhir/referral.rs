//! The referral as a ServiceRequest, and its place in the inbox workflow as a Task (the HL7
//! Gravity SDOH guide's TaskForReferralManagement): `requested → accepted → in-progress ⇄
//! on-hold → completed | failed | rejected | cancelled`, by `signpost_core::workflow`'s mapping.

use signpost_core::fhir::{
    Annotation, CodeableConcept, Coding, Identifier, Period, Reference, RequestIntent,
    RequestStatus, ServiceRequest, Task, TaskIntent, TaskOutput, TaskStatus, CLOSURE_SYSTEM,
    REFERENCE_SYSTEM, SNOMED, SNOMED_SOCIAL_PRESCRIBING_REFERRAL, STATUS_SYSTEM, TASK_CODE,
};
use signpost_core::workflow::{Closure, Status};
use signpost_core::{AnswerValue, Answers, Channel};

use super::wellbeing::Scored;
use super::{fhir_string, labels, practice, Ids, ReferralRecord};

/// The referral's own identifier, its reference.
fn identifier(record: &ReferralRecord) -> Vec<Identifier> {
    vec![Identifier {
        system: REFERENCE_SYSTEM.to_owned(),
        value: record.referral.reference.clone(),
    }]
}

/// Who asked: the person, for a self-referral; the organisation that helped them, for an
/// assisted one.
pub fn requester(record: &ReferralRecord, ids: &Ids) -> Reference {
    match (record.referral.channel, &record.referral.organisation) {
        (Channel::Assisted, Some(organisation)) => Reference {
            kind: Some("Organization".to_owned()),
            display: Some(fhir_string(organisation)),
            ..Reference::default()
        },
        _ => Reference::to(&ids.url("Patient")),
    }
}

pub fn service_request(record: &ReferralRecord, answers: &Answers, ids: &Ids) -> ServiceRequest {
    let status = match (record.referral.status, record.case.closure) {
        (status, _) if status.is_open() => RequestStatus::Active,
        (_, Some(Closure::Completed(_)) | None) => RequestStatus::Completed,
        (_, Some(_)) => RequestStatus::Revoked,
    };
    let needs = match answers.get("needs") {
        Some(AnswerValue::Many(needs)) => needs.as_slice(),
        _ => &[],
    };
    ServiceRequest {
        identifier: identifier(record),
        status,
        intent: RequestIntent::Order,
        code: CodeableConcept::coded(Coding::new(
            SNOMED,
            SNOMED_SOCIAL_PRESCRIBING_REFERRAL,
            "Referral to social prescribing service",
        )),
        subject: Reference::to(&ids.url("Patient")),
        authored_on: record.referral.received_at.clone(),
        requester: requester(record, ids),
        performer: vec![practice(&record.referral.practice)],
        reason_code: needs
            .iter()
            .map(|need| need_concept(record, need))
            .collect(),
        supporting_info: vec![Reference::to(&ids.url("QuestionnaireResponse"))],
    }
}

fn need_concept(record: &ReferralRecord, need: &str) -> CodeableConcept {
    let questionnaire = record
        .referral
        .questionnaire
        .as_ref()
        .map_or("signpost-self-referral", |(id, _)| id.as_str());
    let display = labels::option("needs", need).unwrap_or(need);
    CodeableConcept::coded(Coding::new(
        signpost_core::fhir::option_system(questionnaire, "needs"),
        need,
        display,
    ))
}

/// The Task's status now: the open status's, or the closure's. A referral closed before reasons
/// were kept (none is, since migration 0007) counts as completed.
pub fn task_status(status: Status, closure: Option<Closure>) -> TaskStatus {
    let code = match (status.fhir_task_status(), closure) {
        (Some(open), _) => open,
        (None, Some(closure)) => closure.fhir_task_status(),
        (None, None) => "completed",
    };
    TaskStatus::from_code(code).expect("workflow's FHIR codes are Task statuses: tested in core")
}

fn closure_concept(closure: Closure) -> CodeableConcept {
    let (code, display) = match closure.outcome() {
        Some(outcome) => (outcome.as_str(), outcome.label()),
        None => (closure.as_str(), closure.label()),
    };
    CodeableConcept {
        coding: vec![Coding::new(CLOSURE_SYSTEM, code, display)],
        text: Some(match closure.outcome() {
            Some(outcome) => format!("{}: {}", closure.label(), outcome.label()),
            None => closure.label().to_owned(),
        }),
    }
}

pub fn task(record: &ReferralRecord, ids: &Ids, scores: &[Scored]) -> Task {
    let referral = &record.referral;
    let history = &record.case.history;
    let closed_at = history
        .iter()
        .rev()
        .find(|change| change.to == Status::Closed)
        .map(|change| change.at.clone());
    let execution_period = history.first().map(|first| Period {
        start: Some(first.at.clone()),
        end: closed_at,
    });
    let note = history
        .iter()
        .map(|change| Annotation {
            time: change.at.clone(),
            text: match change.closure {
                Some(closure) => format!(
                    "{} → {} ({})",
                    change.from.label(),
                    change.to.label(),
                    closure_concept(closure).text.unwrap_or_default()
                ),
                None => format!("{} → {}", change.from.label(), change.to.label()),
            },
        })
        .collect();
    let output = scores
        .iter()
        .filter(|scored| scored.follow_up)
        .map(|scored| TaskOutput {
            kind: CodeableConcept::text("Follow-up wellbeing check-in"),
            value_reference: Reference::to(&ids.url(&scored.name)),
        })
        .collect();
    Task {
        identifier: identifier(record),
        status: task_status(referral.status, record.case.closure),
        status_reason: record.case.closure.map(closure_concept),
        business_status: CodeableConcept::coded(Coding::new(
            STATUS_SYSTEM,
            referral.status.as_str(),
            referral.status.label(),
        )),
        intent: TaskIntent::Order,
        code: CodeableConcept::coded(Coding::new(
            TASK_CODE,
            "fulfill",
            "Fulfill the focal request",
        )),
        focus: Reference::to(&ids.url("ServiceRequest")),
        for_: Reference::to(&ids.url("Patient")),
        execution_period,
        authored_on: referral.received_at.clone(),
        last_modified: history
            .last()
            .map_or_else(|| referral.received_at.clone(), |change| change.at.clone()),
        requester: requester(record, ids),
        owner: practice(&record.referral.practice),
        note,
        output,
    }
}
