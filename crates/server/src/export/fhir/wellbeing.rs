//! An Observation for each wellbeing score: the baseline that came with the referral and every
//! answered follow-up, each coded with its scale's SNOMED CT score code (to be confirmed against
//! the NHS terminology server: README.md), its item responses as components.

use signpost_core::fhir::{
    instrument_item_system, Annotation, CodeableConcept, Coding, Component, Observation,
    ObservationStatus, Quantity, Reference, OBSERVATION_CATEGORY, SNOMED, SNOMED_SWEMWBS_SCORE,
    SNOMED_WEMWBS_SCORE,
};
use signpost_core::Instrument;

use super::{Ids, ReferralRecord};
use crate::wellbeing::Wellbeing;

/// One score's Observation, with the entry name its full URL is made from.
pub struct Scored {
    pub name: String,
    /// A follow-up's, rather than the baseline's (the Task lists these as its outputs).
    pub follow_up: bool,
    pub observation: Observation,
}

pub fn observations(record: &ReferralRecord, ids: &Ids) -> Vec<Scored> {
    let referral = &record.referral;
    let baseline = referral.wellbeing.as_ref().map(|wellbeing| Scored {
        name: "Observation/baseline".to_owned(),
        follow_up: false,
        observation: observation(
            wellbeing,
            &referral.received_at,
            "Baseline, given with the referral.",
            vec![Reference::to(&ids.url("QuestionnaireResponse"))],
            ids,
        ),
    });
    let follow_ups = record
        .follow_ups
        .iter()
        .filter_map(|checkin| Some((checkin.answer.as_ref()?, checkin)))
        .enumerate()
        .map(|(index, (answer, checkin))| Scored {
            name: format!("Observation/follow-up-{}", index + 1),
            follow_up: true,
            observation: observation(
                &answer.wellbeing,
                checkin.used_at.as_deref().unwrap_or(&checkin.created_at),
                "Follow-up check-in.",
                Vec::new(),
                ids,
            ),
        });
    baseline.into_iter().chain(follow_ups).collect()
}

fn observation(
    wellbeing: &Wellbeing,
    at: &str,
    note: &str,
    derived_from: Vec<Reference>,
    ids: &Ids,
) -> Observation {
    let (code, text) = match wellbeing.instrument {
        Instrument::Wemwbs => (SNOMED_WEMWBS_SCORE, "WEMWBS score (14 items, 14–70)"),
        Instrument::Swemwbs => (
            SNOMED_SWEMWBS_SCORE,
            "SWEMWBS metric score (7 items, 7.00–35.00)",
        ),
    };
    let items = instrument_item_system(wellbeing.instrument);
    let mut component: Vec<Component> = wellbeing
        .items
        .iter()
        .enumerate()
        .map(|(index, &value)| Component {
            code: CodeableConcept::coded(Coding::new(
                items.clone(),
                format!("item-{}", index + 1),
                &format!("Item {}", index + 1),
            )),
            value_integer: u32::from(value),
        })
        .collect();
    if wellbeing.instrument == Instrument::Swemwbs {
        component.push(Component {
            code: CodeableConcept::coded(Coding::new(
                items,
                "raw-score",
                "Raw score (sum of the items)",
            )),
            value_integer: u32::from(wellbeing.raw),
        });
    }
    Observation {
        status: ObservationStatus::Final,
        category: vec![CodeableConcept::coded(Coding::new(
            OBSERVATION_CATEGORY,
            "survey",
            "Survey",
        ))],
        // No display: the term is not confirmed yet, and a wrong display is worse than none.
        code: CodeableConcept {
            coding: vec![Coding {
                system: SNOMED.to_owned(),
                code: code.to_owned(),
                display: None,
            }],
            text: Some(text.to_owned()),
        },
        subject: Reference::to(&ids.url("Patient")),
        effective_date_time: at.to_owned(),
        value_quantity: Quantity::score(wellbeing.score),
        derived_from,
        note: vec![Annotation {
            time: at.to_owned(),
            text: note.to_owned(),
        }],
        component,
    }
}
