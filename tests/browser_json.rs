//! The browser's JSON parser reads what serde_json read before it (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use signpost_widget::browser_json::{parse, string_members};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn members(json: &str) -> Option<BTreeMap<String, String>> {
    parse(json).as_ref().and_then(string_members).map(|pairs| pairs.into_iter().collect())
}

#[wasm_bindgen_test]
fn every_language_file_reads_as_serde_json_reads_it() {
    for file in [
        include_str!("../static/i18n/en.json"),
        include_str!("../static/i18n/gd.json"),
        include_str!("../static/i18n/pl.json"),
        include_str!("../static/i18n/ar.json"),
    ] {
        let expected: BTreeMap<String, String> = serde_json::from_str(file).unwrap();
        assert_eq!(members(file), Some(expected));
    }
}

#[wasm_bindgen_test]
fn a_language_file_that_is_not_all_strings_is_refused() {
    assert_eq!(members(r#"{"a": "b", "c": "d\u00e9"}"#).map(|m| m.len()), Some(2));
    for bad in [r#"{"a": "b", "c": 1}"#, r#"{"a": {"b": "c"}}"#, r#"{"a": null}"#, r#"["a", "b"]"#, r#""a""#, "null", "{", ""] {
        assert_eq!(members(bad), None, "{bad}");
    }
}
