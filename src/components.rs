//! Reusable accessible controls. Accessibility lives here, so no page can forget it:
//! labels, hints and errors wired with `aria-describedby`, fieldsets with legends, error prefixes.
//!
//! A control knows nothing of the journey or the pages: it draws what it is given (its words,
//! its value, its error) and reports what the person did through a callback. Pages (`pages/`)
//! read the journey, word its problems and pass all of that in. The words of the control itself
//! (*Day*, *Error:*) may come from the shared context (`crate::context::use_messages`).
//!
//! **Component or function, the rule.** A piece is a `#[function_component]` when it needs a
//! hook: state, an effect, a node ref, or the shared context (`use_messages`, `use_journey`);
//! or, named in its comment, when it is drawn many times on a page and Yew skipping the
//! unchanged ones (equal props) is worth it (`pages/wellbeing.rs`'s `ScaleItem`: 14 statements).
//! Anything else is a plain `fn(…) -> Html`, given what it draws: there is no component to
//! allocate, compare or ship. So `DateInput`, `ErrorMessage` and `IdleWarning` are components
//! here, and `text_field`, `choice_group`, `fieldset`, `error_summary` … are functions; a
//! function with several inputs takes a `…Props` struct, so its call names them.

mod back_link;
mod choice_group;
mod crisis_lines;
mod date_input;
mod error_message;
mod error_summary;
mod exit_this_page;
mod fieldset;
mod idle_warning;
mod labelled;
mod language_switcher;
mod progress;
mod score_chart;
mod text_field;

pub use back_link::back_link;
pub use choice_group::{choice_group, ChoiceGroupProps, ChoiceItem, Choose};
pub use crisis_lines::crisis_lines;
pub use date_input::DateInput;
pub use error_message::ErrorMessage;
pub use error_summary::{error_summary, SummaryItem};
pub use exit_this_page::{exit_now, exit_this_page};
pub use fieldset::{fieldset, FieldsetProps};
pub use idle_warning::IdleWarning;
pub use labelled::{labelled, LabelledProps};
pub use language_switcher::language_switcher;
pub use progress::progress;
pub use score_chart::{format_score, score_chart};
pub use text_field::{text_field, InputKind, TextFieldProps};

/// `parts` with `separator` between them. `[T]::join` is the same, but generic code the widget
/// would carry only for these few lists.
pub(crate) fn joined<S: AsRef<str>>(parts: impl IntoIterator<Item = S>, separator: &str) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// A `class` attribute from its parts, leaving out the absent ones: one string, where each
/// `classes!` expanded into its own set-building code (0.6 KiB of the wasm in all).
pub(crate) fn class_list<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    joined(parts.into_iter().flatten(), " ")
}

/// The ids a control's hint and error message get, and the `aria-describedby` that joins them.
pub(crate) fn described_by(id: &str, hint: bool, error: bool) -> Option<yew::AttrValue> {
    let ids = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(present, _)| *present)
        .map(|(_, part)| format!("{id}-{part}"));
    Some(joined(ids, " "))
        .filter(|ids| !ids.is_empty())
        .map(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_joined_with_their_separator_and_absent_parts_left_out() {
        assert_eq!(joined(["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(joined(Vec::<String>::new(), " "), "");
        assert_eq!(class_list([Some("sp-a"), None, Some("sp-b")]), "sp-a sp-b");
        assert_eq!(
            described_by("x", true, true).as_deref(),
            Some("x-hint x-error")
        );
        assert_eq!(described_by("x", false, true).as_deref(), Some("x-error"));
        assert_eq!(described_by("x", false, false), None);
    }
}
