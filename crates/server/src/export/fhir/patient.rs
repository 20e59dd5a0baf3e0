//! The person as they described themselves: names, date of birth, address with postcode, the
//! phone number and email they gave, and the language they used. This is what makes the export
//! identifying.

use signpost_core::fhir::{
    Address, CodeableConcept, Coding, Communication, ContactPoint, ContactSystem, HumanName,
    NameUse, Patient, BCP_47,
};
use signpost_core::{AnswerValue, Answers};

use super::fhir_string;
use crate::store::StoredReferral;

pub fn patient(referral: &StoredReferral, answers: &Answers) -> Patient {
    let one = |id: &str| match answers.get(id) {
        Some(AnswerValue::One(text)) if !text.trim().is_empty() => Some(fhir_string(text)),
        _ => None,
    };
    let chosen = |id: &str, option: &str| matches!(answers.get(id), Some(AnswerValue::Many(list)) if list.iter().any(|o| o == option));

    let mut name = Vec::new();
    if let Some(text) = one("name") {
        name.push(HumanName {
            name_use: None,
            text,
        });
    }
    if let Some(text) = one("preferred_name") {
        name.push(HumanName {
            name_use: Some(NameUse::Usual),
            text,
        });
    }

    let mut telecom = Vec::new();
    if let Some(phone) = one("phone") {
        telecom.push(ContactPoint {
            system: ContactSystem::Phone,
            value: phone.clone(),
        });
        // The same number, for texts, when the person chose to be texted.
        if chosen("contact_methods", "text") {
            telecom.push(ContactPoint {
                system: ContactSystem::Sms,
                value: phone,
            });
        }
    }
    if let Some(email) = one("email") {
        telecom.push(ContactPoint {
            system: ContactSystem::Email,
            value: email,
        });
    }

    let postcode = one("postcode");
    let written = one("address");
    let address = if postcode.is_some() || written.is_some() {
        vec![Address {
            line: written
                .iter()
                .flat_map(|text| text.lines())
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect(),
            text: written,
            postal_code: postcode,
        }]
    } else {
        Vec::new()
    };

    Patient {
        name,
        telecom,
        birth_date: one("date_of_birth"),
        address,
        communication: vec![Communication {
            language: CodeableConcept::coded(Coding {
                system: BCP_47.to_owned(),
                code: referral.language.as_str().to_owned(),
                display: None,
            }),
            preferred: true,
        }],
    }
}
