//! The wellbeing scales' wording, from `static/instruments/`, verbatim: `build/instruments.rs`
//! copies each file into static data, so the files stay the single source of the wording. Only
//! languages whose official translation file is present can show the items; others are offered
//! the English scale.

use signpost_core::Instrument;

#[derive(Debug, PartialEq)]
pub struct ScaleText {
    pub name: &'static str,
    pub copyright: &'static str,
    pub instruction: &'static str,
    pub options: &'static [ScaleOption],
    pub items: &'static [ScaleItem],
}

#[derive(Debug, PartialEq)]
pub struct ScaleOption {
    pub value: u8,
    pub label: &'static str,
}

#[derive(Debug, PartialEq)]
pub struct ScaleItem {
    pub number: u8,
    pub text: &'static str,
}

// `static WEMWBS: ScaleText` and `static SWEMWBS: ScaleText`.
include!(concat!(env!("OUT_DIR"), "/instruments.rs"));

/// The scale's wording in English, the one official text shipped so far.
pub fn scale_text(instrument: Instrument) -> &'static ScaleText {
    match instrument {
        Instrument::Wemwbs => &WEMWBS,
        Instrument::Swemwbs => &SWEMWBS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scale_has_its_items_five_options_and_notice() {
        for instrument in [Instrument::Wemwbs, Instrument::Swemwbs] {
            let text = scale_text(instrument);
            assert_eq!(text.items.len(), instrument.item_count());
            assert_eq!(
                text.options.iter().map(|o| o.value).collect::<Vec<_>>(),
                [1, 2, 3, 4, 5]
            );
            assert!(text.copyright.contains("© NHS Health Scotland"));
            assert!(text.copyright.contains("University of Warwick"));
        }
        let short = scale_text(Instrument::Swemwbs);
        let long = scale_text(Instrument::Wemwbs);
        for item in short.items {
            assert!(
                long.items.iter().any(|i| i.text == item.text),
                "SWEMWBS items are WEMWBS items, verbatim"
            );
        }
    }

    #[test]
    fn the_compiled_wording_is_the_files_verbatim() {
        for (instrument, file) in [
            (Instrument::Wemwbs, "wemwbs.en.json"),
            (Instrument::Swemwbs, "swemwbs.en.json"),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("static/instruments")
                .join(file);
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let text = scale_text(instrument);
            assert_eq!(json["name"], text.name);
            assert_eq!(json["copyright"], text.copyright);
            assert_eq!(json["instruction"], text.instruction);
            let options: Vec<_> = text
                .options
                .iter()
                .map(|o| serde_json::json!({ "value": o.value, "label": o.label }))
                .collect();
            assert_eq!(json["options"], serde_json::Value::from(options), "{file}");
            let items: Vec<_> = text
                .items
                .iter()
                .map(|i| serde_json::json!({ "number": i.number, "text": i.text }))
                .collect();
            assert_eq!(json["items"], serde_json::Value::from(items), "{file}");
        }
    }
}
