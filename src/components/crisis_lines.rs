use signpost_core::Language;
use yew::prelude::*;

/// A Scottish crisis line from `static/crisis-lines.json`, a file a service can edit (then
/// rebuild the widget: `build/crisis_lines.rs` turns it into the static list below).
#[derive(Debug, PartialEq)]
pub struct CrisisLine {
    pub name: &'static str,
    pub number: &'static str,
    /// When and what for, as (language code, words); English where the language has none.
    pub detail: &'static [(&'static str, &'static str)],
}

// `static CRISIS_LINES: &[CrisisLine]`, in the file's order.
include!(concat!(env!("OUT_DIR"), "/crisis_lines.rs"));

impl CrisisLine {
    /// The words in `language` itself, if the file has them.
    fn own_detail(&self, language: Language) -> Option<&'static str> {
        self.detail
            .iter()
            .find(|(code, _)| *code == language.as_str())
            .map(|(_, words)| *words)
    }

    pub fn detail_in(&self, language: Language) -> &'static str {
        self.own_detail(language)
            .or_else(|| self.own_detail(Language::En))
            .unwrap_or("")
    }
}

/// The crisis lines as a list with `tel:` links, so one tap on a phone calls them, their
/// details in `language` where the file has it.
pub fn crisis_lines(language: Language) -> Html {
    html! {
        <ul class="sp-crisis-lines">
            { for CRISIS_LINES.iter().map(|line| {
                let tel = format!("tel:{}", line.number.replace(' ', ""));
                html! {
                    <li class="sp-crisis-lines__item">
                        <span class="sp-crisis-lines__name">{ line.name }</span>{": "}
                        <a class="sp-crisis-lines__number" href={tel}>{ line.number }</a>
                        <span class="sp-crisis-lines__detail" lang={if line.own_detail(language).is_some() { language.as_str() } else { "en" }}>
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
        let numbers: Vec<&str> = CRISIS_LINES.iter().map(|l| l.number).collect();
        for expected in ["999", "111", "116 123", "0800 83 85 87", "0800 027 1234"] {
            assert!(numbers.contains(&expected), "missing {expected}");
        }
        assert!(
            CRISIS_LINES
                .iter()
                .all(|l| !l.detail_in(Language::En).is_empty()),
            "every line has English words"
        );
    }

    #[test]
    fn the_compiled_lines_are_the_files() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/crisis-lines.json");
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let compiled: Vec<_> = CRISIS_LINES
            .iter()
            .map(|l| {
                let detail: serde_json::Map<_, _> = l
                    .detail
                    .iter()
                    .map(|(code, words)| (code.to_string(), (*words).into()))
                    .collect();
                serde_json::json!({ "name": l.name, "number": l.number, "detail": detail })
            })
            .collect();
        assert_eq!(file["lines"], serde_json::Value::from(compiled));
    }

    #[test]
    fn a_language_without_its_own_words_shows_the_english() {
        let line = CrisisLine {
            name: "Samaritans",
            number: "116 123",
            detail: &[("en", "Free"), ("gd", "An-asgaidh")],
        };
        assert_eq!(line.detail_in(Language::Gd), "An-asgaidh");
        assert_eq!(line.detail_in(Language::Pl), "Free");
        assert_eq!(line.own_detail(Language::Pl), None);
    }
}
