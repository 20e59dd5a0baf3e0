/// Why a piece of free text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeTextError {
    Empty,
    TooLong { max: usize },
}

/// Trimmed text that is neither empty nor longer than its limit (counted in characters, not
/// bytes, so Arabic or Polish text gets the same room as English). The questionnaire sets the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText(String);

impl FreeText {
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, FreeTextError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FreeTextError::Empty);
        }
        if text.chars().count() > max_chars {
            return Err(FreeTextError::TooLong { max: max_chars });
        }
        Ok(Self(text.to_owned()))
    }
}

impl AsRef<str> for FreeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_the_text() {
        assert_eq!(
            FreeText::parse("  Morag Campbell ", 100).unwrap().as_ref(),
            "Morag Campbell"
        );
    }

    #[test]
    fn refuses_blank_text() {
        assert_eq!(FreeText::parse("   ", 100), Err(FreeTextError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(FreeText::parse(&"م".repeat(100), 100).is_ok());
        assert_eq!(
            FreeText::parse(&"a".repeat(101), 100),
            Err(FreeTextError::TooLong { max: 100 })
        );
    }
}
