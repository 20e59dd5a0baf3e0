//! The shared named fixtures (`tests/fixtures/`), for the crate's own tests.

/// A valid referral for the crate's own tests: the first of the shared fixtures, so no test types
/// one out again.
pub fn first_valid_fixture() -> serde_json::Value {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/referrals/valid"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    serde_json::from_str(&std::fs::read_to_string(&paths[0]).unwrap()).unwrap()
}
