/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneNumberError {
    Empty,
    /// Something other than digits, spaces, brackets, dashes or a leading `+`.
    InvalidCharacters,
    /// Not a UK number of 10 or 11 digits starting with 0 (or +44).
    NotUkNumber,
}

/// A UK phone number, kept in its national form with no spaces (`07700900123`),
/// so link workers can dial it and duplicates can be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' => {}
                _ => return Err(PhoneNumberError::InvalidCharacters),
            }
        }
        // People write +44 (0)7700 900123 as often as +44 7700 900123.
        let national = if international {
            let after_country = digits
                .strip_prefix("44")
                .ok_or(PhoneNumberError::NotUkNumber)?;
            format!(
                "0{}",
                after_country.strip_prefix('0').unwrap_or(after_country)
            )
        } else {
            digits
        };
        let plausible = national.starts_with('0') && (10..=11).contains(&national.len());
        if plausible {
            Ok(Self(national))
        } else {
            Err(PhoneNumberError::NotUkNumber)
        }
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_people_write_uk_numbers() {
        for written in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0141-496-0000",
        ] {
            let number = PhoneNumber::parse(written).unwrap_or_else(|e| panic!("{written}: {e:?}"));
            assert!(
                number.as_ref().starts_with('0'),
                "{written} -> {}",
                number.as_ref()
            );
        }
        assert_eq!(
            PhoneNumber::parse("+44 7700 900123").unwrap().as_ref(),
            "07700900123"
        );
    }

    #[test]
    fn refuses_what_is_not_a_uk_number() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneNumberError::Empty));
        assert_eq!(
            PhoneNumber::parse("0770090012a"),
            Err(PhoneNumberError::InvalidCharacters)
        );
        assert_eq!(
            PhoneNumber::parse("12345"),
            Err(PhoneNumberError::NotUkNumber)
        );
        assert_eq!(
            PhoneNumber::parse("+33 1 23 45 67 89"),
            Err(PhoneNumberError::NotUkNumber)
        );
        assert_eq!(
            PhoneNumber::parse("077009001234"),
            Err(PhoneNumberError::NotUkNumber)
        );
    }
}
