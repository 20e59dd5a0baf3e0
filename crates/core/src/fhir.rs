//! FHIR R4 (4.0.1) as Signpost writes it: serde types for exactly the resources and data types
//! its export uses, and the codes it writes. Only what Signpost fills is modelled; every field is
//! optional or a list left out when empty, as FHIR's JSON wants (no `null`s, no empty arrays).
//!
//! The mapping from a stored referral lives in the service (`signpost-server`'s `export/fhir.rs`);
//! these types hold no I/O and make no decisions beyond the codes' spelling.
//!
//! Written, never read: Signpost does not accept FHIR, so the types only serialize.

use serde::Serialize;

/// SNOMED CT (UK edition for the `…1000000…` codes).
pub const SNOMED: &str = "http://snomed.info/sct";
/// *Referral to social prescribing service*: record once, when the person accepts the referral.
pub const SNOMED_SOCIAL_PRESCRIBING_REFERRAL: &str = "871731000000106";
/// WEMWBS score, as seen in a public NHS mental health dataset's look-up: to be confirmed against
/// the NHS terminology server before production (README.md, "The FHIR export").
pub const SNOMED_WEMWBS_SCORE: &str = "885541000000103";
/// SWEMWBS score: the same caveat as [`SNOMED_WEMWBS_SCORE`].
pub const SNOMED_SWEMWBS_SCORE: &str = "960481000000107";

pub const UCUM: &str = "http://unitsofmeasure.org";
pub const BCP_47: &str = "urn:ietf:bcp:47";
pub const TASK_CODE: &str = "http://hl7.org/fhir/CodeSystem/task-code";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const CONSENT_SCOPE: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
pub const LOINC: &str = "http://loinc.org";

/// Signpost's own identifiers and codes. URNs rather than web addresses, because nobody has
/// published these code systems anywhere; a health board that has its own replaces them.
pub const REFERENCE_SYSTEM: &str = "urn:signpost:referral-reference";
pub const PRACTICE_SYSTEM: &str = "urn:signpost:practice-code";
pub const CONSENT_PURPOSE_SYSTEM: &str = "urn:signpost:consent-purpose";
pub const CLOSURE_SYSTEM: &str = "urn:signpost:closure";
pub const STATUS_SYSTEM: &str = "urn:signpost:referral-status";

/// A questionnaire's answer options, one code system a question: `urn:signpost:questionnaire:
/// <questionnaire id>:<question id>`.
pub fn option_system(questionnaire: &str, question: &str) -> String {
    format!("urn:signpost:questionnaire:{questionnaire}:{question}")
}

/// The items of a wellbeing scale, coded `item-1`… in the scale's printed order.
pub fn instrument_item_system(instrument: crate::Instrument) -> String {
    format!("urn:signpost:instrument:{}", instrument.as_str())
}

/// A `collection` Bundle: the resources of one referral, each with a `urn:uuid:` full URL that
/// the others refer to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    #[serde(rename = "resourceType")]
    pub resource_type: BundleType,
    pub identifier: Identifier,
    #[serde(rename = "type")]
    pub kind: BundleKind,
    /// When the Bundle was put together (an `instant`).
    pub timestamp: String,
    pub entry: Vec<Entry>,
}

/// Always `"Bundle"`: a unit type so it cannot be spelt otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BundleType {
    Bundle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BundleKind {
    /// A set of resources with no further meaning: not a document, message or transaction.
    Collection,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `urn:uuid:…`, the address the other entries' references use.
    pub full_url: String,
    pub resource: Resource,
}

/// The resources Signpost writes, tagged by `resourceType` as FHIR's JSON is.
// Unboxed: a Bundle holds a handful, made once an export, and boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "resourceType")]
pub enum Resource {
    Patient(Patient),
    ServiceRequest(ServiceRequest),
    Task(Task),
    QuestionnaireResponse(QuestionnaireResponse),
    Consent(Consent),
    Observation(Observation),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communication: Vec<Communication>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HumanName {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub name_use: Option<NameUse>,
    /// The name as the person wrote it: Signpost asks for one field, so it is not split into
    /// given and family names that it would have to guess.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameUse {
    /// The name the person asked to be called by.
    Usual,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPoint {
    pub system: ContactSystem,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactSystem {
    Phone,
    Sms,
    Email,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// The address as written, its lines joined by line breaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Communication {
    pub language: CodeableConcept,
    pub preferred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequest {
    pub identifier: Vec<Identifier>,
    pub status: RequestStatus,
    pub intent: RequestIntent,
    pub code: CodeableConcept,
    pub subject: Reference,
    /// When the referral reached the service.
    pub authored_on: String,
    pub requester: Reference,
    pub performer: Vec<Reference>,
    /// The areas the person would like help with.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reason_code: Vec<CodeableConcept>,
    /// The answers the referral was made with.
    pub supporting_info: Vec<Reference>,
}

/// `ServiceRequest.status`: active while the referral is worked, then completed or revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestStatus {
    Active,
    Completed,
    Revoked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestIntent {
    Order,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub identifier: Vec<Identifier>,
    pub status: TaskStatus,
    /// Why the referral ended as it did; absent while it is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<CodeableConcept>,
    /// The status in the link worker's words (Gravity's use of `businessStatus`).
    pub business_status: CodeableConcept,
    pub intent: TaskIntent,
    pub code: CodeableConcept,
    pub focus: Reference,
    #[serde(rename = "for")]
    pub for_: Reference,
    /// From the first contact to the close, as far as the referral has gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_period: Option<Period>,
    pub authored_on: String,
    pub last_modified: String,
    pub requester: Reference,
    pub owner: Reference,
    /// Each change of status, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    /// The wellbeing scores recorded while the referral was worked (the follow-ups).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<TaskOutput>,
}

/// `Task.status`, the subset the HL7 Gravity SDOH referral workflow uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Requested,
    Accepted,
    Rejected,
    InProgress,
    OnHold,
    Completed,
    Failed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 8] = [
        TaskStatus::Requested,
        TaskStatus::Accepted,
        TaskStatus::Rejected,
        TaskStatus::InProgress,
        TaskStatus::OnHold,
        TaskStatus::Completed,
        TaskStatus::Failed,
        TaskStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Requested => "requested",
            TaskStatus::Accepted => "accepted",
            TaskStatus::Rejected => "rejected",
            TaskStatus::InProgress => "in-progress",
            TaskStatus::OnHold => "on-hold",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// The status whose FHIR code is `code` (as `workflow`'s `fhir_task_status` spells them).
    pub fn from_code(code: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskIntent {
    Order,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    #[serde(rename = "type")]
    pub kind: CodeableConcept,
    pub value_reference: Reference,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    /// The questionnaire's canonical, `id|version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    pub status: ResponseStatus,
    pub subject: Reference,
    pub based_on: Vec<Reference>,
    pub authored: String,
    /// Who gave the answers: the person, or the organisation that helped them.
    pub source: Reference,
    pub item: Vec<ResponseItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseStatus {
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    /// The question's id in the questionnaire file.
    pub link_id: String,
    /// The question as the person read it (in English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub answer: Vec<Answer>,
}

/// One answer: FHIR's `value[x]`, one of the kinds a Signpost question gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Answer {
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    #[serde(rename = "valueDate")]
    Date(String),
    #[serde(rename = "valueString")]
    String(String),
    #[serde(rename = "valueCoding")]
    Coding(Coding),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub status: ConsentStatus,
    pub scope: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub patient: Reference,
    /// When the consent reached the service.
    pub date_time: String,
    pub organization: Vec<Reference>,
    /// The form the consent was given on.
    pub source_reference: Reference,
    /// The wording agreed to, by its version.
    pub policy_rule: CodeableConcept,
    pub provision: Provision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentStatus {
    Active,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provision {
    #[serde(rename = "type")]
    pub kind: ProvisionType,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub purpose: Vec<Coding>,
    /// One nested provision a purpose: permitted if the person agreed to it, denied if not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provision: Vec<Provision>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvisionType {
    Permit,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub status: ObservationStatus,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub effective_date_time: String,
    pub value_quantity: Quantity,
    /// The form the baseline was answered on; absent for a follow-up (answered on its own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    /// Each item's response (1–5), and SWEMWBS's raw sum.
    pub component: Vec<Component>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObservationStatus {
    Final,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub code: CodeableConcept,
    pub value_integer: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
    pub system: String,
    pub code: String,
}

impl Quantity {
    /// A score on a scale, in UCUM's annotation unit `{score}`.
    pub fn score(value: f64) -> Quantity {
        Quantity {
            value,
            unit: "score".to_owned(),
            system: UCUM.to_owned(),
            code: "{score}".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    pub system: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    pub fn coded(coding: Coding) -> CodeableConcept {
        CodeableConcept {
            text: coding.display.clone(),
            coding: vec![coding],
        }
    }

    pub fn text(text: impl Into<String>) -> CodeableConcept {
        CodeableConcept {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    pub fn new(system: impl Into<String>, code: impl Into<String>, display: &str) -> Coding {
        Coding {
            system: system.into(),
            code: code.into(),
            display: Some(display.to_owned()),
        }
    }
}

/// A reference to another entry of the Bundle (by its `urn:uuid:` full URL), or to an
/// organisation known only by its identifier or name.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Reference {
    /// The entry whose full URL is `full_url`.
    pub fn to(full_url: &str) -> Reference {
        Reference {
            reference: Some(full_url.to_owned()),
            ..Reference::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    pub time: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Closure, Outcome, Status};
    use serde_json::json;

    #[test]
    fn every_workflow_status_has_its_task_status() {
        for status in Status::ALL.into_iter().filter(|s| s.is_open()) {
            let code = status.fhir_task_status().unwrap();
            assert_eq!(
                TaskStatus::from_code(code).map(TaskStatus::code),
                Some(code)
            );
        }
        for closure in [
            Closure::Completed(Outcome::SupportGiven),
            Closure::CouldNotContact,
            Closure::Declined,
            Closure::NotSuitable,
        ] {
            let code = closure.fhir_task_status();
            assert_eq!(
                TaskStatus::from_code(code).map(TaskStatus::code),
                Some(code)
            );
        }
        assert_eq!(TaskStatus::from_code("draft"), None);
    }

    #[test]
    fn resources_are_tagged_and_empty_parts_left_out() {
        let patient = Resource::Patient(Patient {
            name: vec![HumanName {
                name_use: None,
                text: "Ali Khan".into(),
            }],
            telecom: vec![],
            birth_date: None,
            address: vec![],
            communication: vec![],
        });
        assert_eq!(
            serde_json::to_value(patient).unwrap(),
            json!({"resourceType": "Patient", "name": [{"text": "Ali Khan"}]})
        );
        let answer = serde_json::to_value(Answer::Boolean(true)).unwrap();
        assert_eq!(answer, json!({"valueBoolean": true}));
        let status = serde_json::to_value(TaskStatus::InProgress).unwrap();
        assert_eq!(status, "in-progress");
    }
}
