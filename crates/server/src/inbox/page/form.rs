//! GOV.UK's form patterns as data for the templates: a text input with its label, hint and error,
//! and the error summary that lists each error and links to its field.

/// What kind of input a field is; decides `type`, `inputmode` and whether the value is echoed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Email,
    /// Never echoed back into the page.
    Password,
    /// Digits typed from an app (`inputmode="numeric"`, not `type="number"`, per GOV.UK).
    Numeric,
    Text,
}

impl InputKind {
    pub fn input_type(&self) -> &'static str {
        match self {
            InputKind::Email => "email",
            InputKind::Password => "password",
            InputKind::Numeric | InputKind::Text => "text",
        }
    }

    pub fn input_mode(&self) -> Option<&'static str> {
        match self {
            InputKind::Numeric => Some("numeric"),
            _ => None,
        }
    }

    pub fn keeps_value(&self) -> bool {
        !matches!(self, InputKind::Password)
    }
}

/// A text input. `id` is also the `name` and the anchor the error summary links to.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub kind: InputKind,
    pub autocomplete: &'static str,
    /// GOV.UK's fixed widths (`sp-inbox-input--width-10`), in characters.
    pub width: Option<u8>,
    /// What the person typed, shown again after an error (never for passwords).
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    pub fn new(
        id: &'static str,
        label: &'static str,
        kind: InputKind,
        autocomplete: &'static str,
    ) -> Self {
        Self {
            id,
            name: id,
            label,
            hint: None,
            kind,
            autocomplete,
            width: None,
            value: String::new(),
            error: None,
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn width(mut self, chars: u8) -> Self {
        self.width = Some(chars);
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn error(mut self, message: Option<impl Into<String>>) -> Self {
        self.error = message.map(Into::into);
        self
    }

    /// The ids for `aria-describedby`: the hint's, then the error's.
    pub fn described_by(&self) -> Option<String> {
        let ids: Vec<String> = [
            self.hint.map(|_| format!("{}-hint", self.id)),
            self.error.as_ref().map(|_| format!("{}-error", self.id)),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[derive(Debug, Clone)]
pub struct SummaryItem {
    pub field_id: &'static str,
    pub message: String,
}

/// The error summary: one item a field in error, in the order of the page.
#[derive(Debug, Clone, Default)]
pub struct ErrorSummary {
    pub items: Vec<SummaryItem>,
}

impl ErrorSummary {
    pub fn of(fields: &[&Field]) -> Self {
        let items = fields
            .iter()
            .filter_map(|field| {
                field.error.as_ref().map(|message| SummaryItem {
                    field_id: field.id,
                    message: message.clone(),
                })
            })
            .collect();
        Self { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_by_names_the_hint_then_the_error() {
        let field = Field::new("code", "Code", InputKind::Numeric, "one-time-code");
        assert_eq!(field.described_by(), None);
        let hinted = field.clone().hint("6 digits");
        assert_eq!(hinted.described_by().as_deref(), Some("code-hint"));
        let wrong = hinted.error(Some("Enter the code"));
        assert_eq!(
            wrong.described_by().as_deref(),
            Some("code-hint code-error")
        );
    }

    #[test]
    fn the_summary_lists_fields_in_error_in_page_order() {
        let email = Field::new("email", "Email", InputKind::Email, "username")
            .error(Some("Enter your email address"));
        let password = Field::new(
            "password",
            "Password",
            InputKind::Password,
            "current-password",
        );
        let summary = ErrorSummary::of(&[&email, &password]);
        assert_eq!(summary.items.len(), 1);
        assert_eq!(summary.items[0].field_id, "email");
        assert!(ErrorSummary::of(&[&password]).is_empty());
    }
}
