//! The named referral fixtures in `tests/fixtures/referrals/`, shared with the service's and the
//! browser's tests: every valid one is accepted, every invalid one is refused for its stated reason.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;
use signpost_core::fields::CalendarDate;
use signpost_core::{default_questionnaire, RawReferral, Referral, ReferralErrors};

const TODAY: CalendarDate = CalendarDate {
    year: 2026,
    month: 11,
    day: 25,
};

fn parse(raw: RawReferral) -> Result<Referral, ReferralErrors> {
    Referral::parse(raw, &default_questionnaire(), TODAY)
}

fn fixtures(kind: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/referrals")
        .join(kind);
    let mut found: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let json = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            (name, json)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!found.is_empty(), "no fixtures in {}", dir.display());
    found
}

#[test]
fn every_valid_fixture_is_accepted() {
    for (name, body) in fixtures("valid") {
        let raw: RawReferral =
            serde_json::from_value(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Err(errors) = parse(raw) {
            panic!("{name} was refused: {errors}");
        }
    }
}

#[test]
fn every_invalid_fixture_is_refused_for_its_reason() {
    for (name, fixture) in fixtures("invalid") {
        let expected_code = fixture["expect"]["code"].as_str().unwrap();
        let expected_field = fixture["expect"]["field"].as_str().unwrap();
        let parsed = serde_json::from_value::<RawReferral>(fixture["body"].clone());
        match (parsed, expected_code) {
            (Err(_), "invalid_body") => {}
            (Err(e), _) => {
                panic!("{name}: expected {expected_code}, but the body did not parse: {e}")
            }
            (Ok(_), "invalid_body") => panic!("{name}: expected the body's shape to be refused"),
            (Ok(raw), _) => {
                let errors = parse(raw).expect_err(&name);
                assert_eq!(errors.first().code(), expected_code, "{name}");
                assert_eq!(errors.first().field(), expected_field, "{name}");
            }
        }
    }
}

#[test]
fn a_checked_referral_round_trips_to_its_canonical_form() {
    for (name, body) in fixtures("valid") {
        let referral = parse(serde_json::from_value::<RawReferral>(body).unwrap()).unwrap();
        let canonical = RawReferral::from(&referral);
        let again = parse(canonical.clone()).unwrap();
        assert_eq!(again, referral, "{name}");
        assert_eq!(RawReferral::from(&again), canonical, "{name}");
    }
}

#[test]
fn every_problem_is_reported_at_once_in_field_order() {
    let mut raw: RawReferral = serde_json::from_value(fixtures("valid").remove(0).1).unwrap();
    raw.consent.purposes.clear();
    raw.answers.remove("name");
    raw.answers.remove("needs");
    let errors = parse(raw).unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| (e.code(), e.field())).collect();
    assert_eq!(
        found,
        [
            ("answer_missing", "answers.needs".to_string()),
            ("answer_missing", "answers.name".to_string()),
            ("consent_share_missing", "consent.purposes".to_string()),
            ("consent_contact_missing", "consent.purposes".to_string()),
        ]
    );
}
