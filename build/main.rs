//! Turns the widget's JSON data files into Rust, so the wasm carries its data ready to use and
//! no JSON parser to read it. The JSON files stay the single source that translators and services
//! edit; a malformed one fails the build here rather than the widget in someone's browser.

mod i18n;

use std::path::Path;

use serde_json::Value;

fn main() {
    write("english.rs", &i18n::english(&read("static/i18n/en.json")));
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

/// `text` as a Rust string literal: Debug quotes and escapes exactly as Rust reads it back.
fn literal(text: &str) -> String {
    format!("{text:?}")
}
