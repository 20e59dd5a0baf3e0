//! The person's consent as the service received it: the wording's version, when it arrived, and
//! each purpose permitted (or, for the optional ones not given, denied).

use signpost_core::fhir::{
    CodeableConcept, Coding, Consent, ConsentStatus, Provision, ProvisionType, Reference, ACT_CODE,
    CONSENT_PURPOSE_SYSTEM, CONSENT_SCOPE, LOINC,
};
use signpost_core::ConsentPurpose;

use super::{labels, practice, ExportError, Ids};
use crate::store::StoredReferral;

pub fn consent(referral: &StoredReferral, ids: &Ids) -> Result<Consent, ExportError> {
    let given: Vec<String> = serde_json::from_str(&referral.consent_purposes).map_err(|e| {
        ExportError::Stored(format!("{}'s consent purposes: {e}", referral.reference))
    })?;
    let provision = ConsentPurpose::ALL
        .into_iter()
        .map(|purpose| Provision {
            kind: if given.iter().any(|name| name == purpose.as_str()) {
                ProvisionType::Permit
            } else {
                ProvisionType::Deny
            },
            purpose: vec![Coding::new(
                CONSENT_PURPOSE_SYSTEM,
                purpose.as_str(),
                labels::purpose(purpose),
            )],
            provision: Vec::new(),
        })
        .collect();
    Ok(Consent {
        status: ConsentStatus::Active,
        scope: CodeableConcept::coded(Coding::new(
            CONSENT_SCOPE,
            "patient-privacy",
            "Privacy Consent",
        )),
        category: vec![CodeableConcept::coded(Coding::new(
            LOINC,
            "59284-0",
            "Patient Consent",
        ))],
        patient: Reference::to(&ids.url("Patient")),
        date_time: referral.consented_at.clone(),
        organization: vec![practice(&referral.practice)],
        source_reference: Reference::to(&ids.url("QuestionnaireResponse")),
        policy_rule: CodeableConcept {
            coding: vec![Coding::new(ACT_CODE, "OPTIN", "opt-in")],
            text: Some(format!(
                "Signpost consent wording, version {}",
                referral.consent_version
            )),
        },
        provision: Provision {
            kind: ProvisionType::Permit,
            purpose: Vec::new(),
            provision,
        },
    })
}
