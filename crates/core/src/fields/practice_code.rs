/// Why a practice code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeCodeError {
    Empty,
    /// Longer than 12 characters, or not made of letters, digits and dashes.
    Malformed,
}

/// The code of the GP practice or organisation whose website the widget sits on, as the
/// embedding page gives it (NHS Scotland practice codes are five digits; services may use others).
/// Kept upper-case so that `ab12` and `AB12` are the same practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeCode(String);

const MAX_LEN: usize = 12;

impl PracticeCode {
    pub fn parse(input: &str) -> Result<Self, PracticeCodeError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(PracticeCodeError::Empty);
        }
        let well_formed =
            code.len() <= MAX_LEN && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if well_formed {
            Ok(Self(code.to_ascii_uppercase()))
        } else {
            Err(PracticeCodeError::Malformed)
        }
    }
}

impl AsRef<str> for PracticeCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_codes() {
        assert_eq!(PracticeCode::parse("43210").unwrap().as_ref(), "43210");
        assert_eq!(
            PracticeCode::parse(" gla-east ").unwrap().as_ref(),
            "GLA-EAST"
        );
    }

    #[test]
    fn refuses_malformed_codes() {
        assert_eq!(PracticeCode::parse(""), Err(PracticeCodeError::Empty));
        assert_eq!(
            PracticeCode::parse("43 210"),
            Err(PracticeCodeError::Malformed)
        );
        assert_eq!(
            PracticeCode::parse("ABCDEFGHIJKLM"),
            Err(PracticeCodeError::Malformed)
        );
        assert_eq!(
            PracticeCode::parse("<script>"),
            Err(PracticeCodeError::Malformed)
        );
    }
}
