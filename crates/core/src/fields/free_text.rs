use std::marker::PhantomData;

/// Why a piece of free text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeTextError {
    Empty,
    TooLong { max: usize },
}

/// The limit a kind of free text has, so a name and a long answer cannot be mixed up.
pub trait TextLimit {
    const MAX_CHARS: usize;
}

/// Trimmed text that is neither empty nor longer than its limit (counted in characters,
/// not bytes, so Arabic or Polish text gets the same room as English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText<L: TextLimit> {
    text: String,
    limit: PhantomData<L>,
}

impl<L: TextLimit> FreeText<L> {
    pub fn parse(input: &str) -> Result<Self, FreeTextError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FreeTextError::Empty);
        }
        if text.chars().count() > L::MAX_CHARS {
            return Err(FreeTextError::TooLong { max: L::MAX_CHARS });
        }
        Ok(Self { text: text.to_owned(), limit: PhantomData })
    }
}

impl<L: TextLimit> AsRef<str> for FreeText<L> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameLimit;
impl TextLimit for NameLimit {
    const MAX_CHARS: usize = 100;
}

/// A person's name as they write it: no assumptions about first and family names.
pub type PersonName = FreeText<NameLimit>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_a_name() {
        assert_eq!(PersonName::parse("  Morag Campbell ").unwrap().as_ref(), "Morag Campbell");
    }

    #[test]
    fn refuses_blank_text() {
        assert_eq!(PersonName::parse("   "), Err(FreeTextError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let arabic = "م".repeat(100);
        assert!(PersonName::parse(&arabic).is_ok());
        let too_long = "a".repeat(101);
        assert_eq!(PersonName::parse(&too_long), Err(FreeTextError::TooLong { max: 100 }));
    }
}
