/// Why a postcode was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostcodeError {
    Empty,
    /// Not in the shape of a UK postcode, like EH1 1YZ or G12 8QQ.
    NotUkPostcode,
}

/// A UK postcode in its standard form: upper case, one space before the last three characters
/// (`eh11yz` becomes `EH1 1YZ`). Only the shape is checked: whether it exists is the post office's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.is_empty() {
            return Err(PostcodeError::Empty);
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(PostcodeError::NotUkPostcode);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if valid_outward(outward) && valid_inward(inward) {
            Ok(Self(format!("{outward} {inward}")))
        } else {
            Err(PostcodeError::NotUkPostcode)
        }
    }
}

/// The outward code: A9, A99, AA9, AA99, A9A or AA9A.
fn valid_outward(outward: &str) -> bool {
    let shape: String = outward
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_ascii_alphabetic() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    matches!(
        shape.as_str(),
        "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
    )
}

/// The inward code: a digit and two letters.
fn valid_inward(inward: &str) -> bool {
    let bytes = inward.as_bytes();
    bytes[0].is_ascii_digit() && bytes[1].is_ascii_alphabetic() && bytes[2].is_ascii_alphabetic()
}

impl AsRef<str> for Postcode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_every_uk_shape() {
        for (written, standard) in [
            ("EH1 1YZ", "EH1 1YZ"),
            ("eh11yz", "EH1 1YZ"),
            ("G12 8QQ", "G12 8QQ"),
            (" g2  1dy ", "G2 1DY"),
            ("IV2 3BW", "IV2 3BW"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("W1A 0AX", "W1A 0AX"),
            ("M1 1AE", "M1 1AE"),
            ("DN55 1PT", "DN55 1PT"),
        ] {
            assert_eq!(
                Postcode::parse(written).unwrap().as_ref(),
                standard,
                "{written}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_postcode() {
        assert_eq!(Postcode::parse("  "), Err(PostcodeError::Empty));
        for bad in [
            "EH1",
            "12345",
            "EH1 1Y",
            "EHH1 1YZ",
            "EH1 YYZ",
            "E€1 1YZ",
            "EH1-1YZ",
        ] {
            assert_eq!(
                Postcode::parse(bad),
                Err(PostcodeError::NotUkPostcode),
                "{bad}"
            );
        }
    }
}
