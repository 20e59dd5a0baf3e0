use serde::{Deserialize, Serialize};

/// An area a person can ask a link worker for help with (DESIGN.md, journey 1, question 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    MoneyAndDebt,
    Benefits,
    Housing,
    Food,
    FuelAndEnergy,
    Loneliness,
    MentalWellbeing,
    PhysicalActivity,
    AlcoholDrugsGambling,
    Caring,
    WorkTrainingVolunteering,
    RelationshipsOrSafety,
    Bereavement,
    SomethingElse,
}

impl Need {
    /// Every need, in the order the question lists them.
    pub const ALL: [Need; 14] = [
        Need::MoneyAndDebt,
        Need::Benefits,
        Need::Housing,
        Need::Food,
        Need::FuelAndEnergy,
        Need::Loneliness,
        Need::MentalWellbeing,
        Need::PhysicalActivity,
        Need::AlcoholDrugsGambling,
        Need::Caring,
        Need::WorkTrainingVolunteering,
        Need::RelationshipsOrSafety,
        Need::Bereavement,
        Need::SomethingElse,
    ];

    /// The wire name, also used for element ids and translation keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Need::MoneyAndDebt => "money_and_debt",
            Need::Benefits => "benefits",
            Need::Housing => "housing",
            Need::Food => "food",
            Need::FuelAndEnergy => "fuel_and_energy",
            Need::Loneliness => "loneliness",
            Need::MentalWellbeing => "mental_wellbeing",
            Need::PhysicalActivity => "physical_activity",
            Need::AlcoholDrugsGambling => "alcohol_drugs_gambling",
            Need::Caring => "caring",
            Need::WorkTrainingVolunteering => "work_training_volunteering",
            Need::RelationshipsOrSafety => "relationships_or_safety",
            Need::Bereavement => "bereavement",
            Need::SomethingElse => "something_else",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for need in Need::ALL {
            let json = serde_json::to_string(&need).unwrap();
            assert_eq!(json, format!("\"{}\"", need.as_str()));
        }
    }
}
