//! Turns the widget's JSON data files into Rust, so the wasm carries its data ready to use and
//! no JSON parser to read it. The JSON files stay the single source that translators and services
//! edit; a malformed one fails the build here rather than the widget in someone's browser.

mod crisis_lines;
mod i18n;
mod instruments;

use std::path::Path;

use serde_json::Value;

fn main() {
    let referral = std::env::var_os("CARGO_FEATURE_REFERRAL").is_some();
    write(
        "english.rs",
        &i18n::english(&read("static/i18n/en.json"), referral),
    );
    let (wemwbs, swemwbs) = (
        read("static/instruments/wemwbs.en.json"),
        read("static/instruments/swemwbs.en.json"),
    );
    write("instruments.rs", &instruments::scales(&wemwbs, &swemwbs));
    write(
        "crisis_lines.rs",
        &crisis_lines::lines(&read("static/crisis-lines.json")),
    );
}

/// A data file's JSON. Cargo runs this script again whenever the file changes.
fn read(path: &str) -> Value {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Writes generated Rust into OUT_DIR, where the widget's `include!` finds it.
fn write(name: &str, rust: &str) {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let path = Path::new(&out).join(name);
    std::fs::write(&path, rust).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// `words` as a Rust string literal: Debug quotes and escapes exactly as Rust reads it back.
fn literal(words: &str) -> String {
    format!("{words:?}")
}

/// `object[key]` as a string; a build that cannot find it stops, naming the key and the object.
fn text<'a>(object: &'a Value, key: &str) -> &'a str {
    object[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key:?} should be a string in {object}"))
}

/// `object[key]` as a list.
fn list<'a>(object: &'a Value, key: &str) -> &'a [Value] {
    object[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key:?} should be a list in {object}"))
}

/// `object[key]` as a small whole number (an item's number, an answer's value).
fn number(object: &Value, key: &str) -> u8 {
    object[key]
        .as_u64()
        .and_then(|n| u8::try_from(n).ok())
        .unwrap_or_else(|| panic!("{key:?} should be 0 to 255 in {object}"))
}
