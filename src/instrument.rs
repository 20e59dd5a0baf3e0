//! The wellbeing scales' wording, from `static/instruments/`, verbatim. Only languages whose
//! official translation file is present can show the items; others are offered the English scale.

use std::rc::Rc;

use serde::Deserialize;
use signpost_core::Instrument;

const WEMWBS_EN: &str = include_str!("../static/instruments/wemwbs.en.json");
const SWEMWBS_EN: &str = include_str!("../static/instruments/swemwbs.en.json");

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScaleText {
    pub name: String,
    pub copyright: String,
    pub instruction: String,
    pub options: Vec<ScaleOption>,
    pub items: Vec<ScaleItem>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScaleOption {
    pub value: u8,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScaleItem {
    pub number: u8,
    pub text: String,
}

thread_local! {
    // Parsed once: the wellbeing page renders on every answer, and a phone feels each parse.
    static WEMWBS: Rc<ScaleText> = Rc::new(parse(WEMWBS_EN));
    static SWEMWBS: Rc<ScaleText> = Rc::new(parse(SWEMWBS_EN));
}

fn parse(json: &str) -> ScaleText {
    serde_json::from_str(json).expect("the instrument files are valid: tested")
}

/// The scale's wording in English, the one official text shipped so far.
pub fn scale_text(instrument: Instrument) -> Rc<ScaleText> {
    match instrument {
        Instrument::Wemwbs => WEMWBS.with(Rc::clone),
        Instrument::Swemwbs => SWEMWBS.with(Rc::clone),
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
            assert_eq!(text.options.iter().map(|o| o.value).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
            assert!(text.copyright.contains("© NHS Health Scotland"));
            assert!(text.copyright.contains("University of Warwick"));
        }
        let short = scale_text(Instrument::Swemwbs);
        let long = scale_text(Instrument::Wemwbs);
        for item in &short.items {
            assert!(long.items.iter().any(|i| i.text == item.text), "SWEMWBS items are WEMWBS items, verbatim");
        }
    }
}
