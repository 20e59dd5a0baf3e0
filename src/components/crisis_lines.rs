use std::collections::BTreeMap;

use serde::Deserialize;
use signpost_core::Language;
use yew::prelude::*;

use crate::app::use_journey;

/// Scottish crisis lines from `static/crisis-lines.json`, a file a service can edit.
const CRISIS_LINES: &str = include_str!("../../static/crisis-lines.json");

#[derive(Deserialize, Clone, PartialEq)]
pub struct CrisisLine {
    pub name: String,
    pub number: String,
    /// When and what for, by language code; English where the language has none.
    pub detail: BTreeMap<String, String>,
}

impl CrisisLine {
    pub fn detail_in(&self, language: Language) -> &str {
        self.detail.get(language.as_str()).or_else(|| self.detail.get("en")).map_or("", String::as_str)
    }
}

#[derive(Deserialize)]
struct CrisisLineFile {
    lines: Vec<CrisisLine>,
}

pub fn crisis_lines() -> Vec<CrisisLine> {
    serde_json::from_str::<CrisisLineFile>(CRISIS_LINES).map(|f| f.lines).unwrap_or_default()
}

/// The crisis lines as a list with `tel:` links, so one tap on a phone calls them.
#[function_component]
pub fn CrisisLines() -> Html {
    let lines = use_memo((), |_| crisis_lines());
    let language = use_journey().language;
    html! {
        <ul class="sp-crisis-lines">
            { for lines.iter().map(|line| {
                let tel = format!("tel:{}", line.number.replace(' ', ""));
                html! {
                    <li class="sp-crisis-lines__item">
                        <span class="sp-crisis-lines__name">{ &line.name }</span>{": "}
                        <a class="sp-crisis-lines__number" href={tel}>{ &line.number }</a>
                        <span class="sp-crisis-lines__detail" lang={if line.detail.contains_key(language.as_str()) { language.as_str() } else { "en" }}>
                            { " " }{ line.detail_in(language) }
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_lists_the_scottish_crisis_lines() {
        let numbers: Vec<String> = crisis_lines().into_iter().map(|l| l.number).collect();
        for expected in ["999", "111", "116 123", "0800 83 85 87", "0800 027 1234"] {
            assert!(numbers.iter().any(|n| n == expected), "missing {expected}");
        }
        assert!(crisis_lines().iter().all(|l| !l.detail_in(Language::En).is_empty()), "every line has English words");
    }
}
