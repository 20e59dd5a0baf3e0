//! The reference a person is given for their referral, e.g. `SP-7K3M-Q9X2`: short enough to read
//! out over the phone, with no characters that are easily confused when spoken or handwritten.

use rand::Rng;

/// Crockford's base-32 alphabet without 0 and 1 as well as its own I, L, O and U, so that no two
/// characters look alike (0/O, 1/I/L) and no accidental words form (U).
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `SP-` and two groups of four: 30^8 ≈ 6.6 × 10^11 references, so collisions are rare, and the
/// database's unique constraint catches the ones that happen.
pub fn generate() -> String {
    generate_with(&mut rand::rng())
}

pub fn generate_with(rng: &mut impl Rng) -> String {
    let mut reference = String::with_capacity(12);
    reference.push_str("SP-");
    for i in 0..8 {
        if i == 4 {
            reference.push('-');
        }
        reference.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    reference
}

/// Whether `text` has the shape of a reference, so a mistyped one can be told apart from an
/// unknown one.
pub fn is_well_formed(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 12
        && text.starts_with("SP-")
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| matches!(i, 0..=2 | 7) || ALPHABET.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_documented_shape() {
        for _ in 0..1000 {
            let reference = generate();
            assert!(is_well_formed(&reference), "{reference}");
            let (prefix, rest) = reference.split_at(3);
            assert_eq!(prefix, "SP-");
            let groups: Vec<_> = rest.split('-').collect();
            assert_eq!(groups.len(), 2, "{reference}");
            assert!(groups.iter().all(|g| g.len() == 4), "{reference}");
        }
    }

    #[test]
    fn never_uses_characters_that_look_alike() {
        for c in ['0', 'O', '1', 'I', 'L', 'U'] {
            assert!(!ALPHABET.contains(&(c as u8)), "{c}");
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 30, "no repeated characters");
        assert!(ALPHABET
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    }

    #[test]
    fn uses_the_whole_alphabet() {
        // With 8 000 draws the chance of missing any one of the 30 characters is negligible
        // (30 × (29/30)^8000), so a gap means the generator is biased or truncated.
        let seen: std::collections::BTreeSet<char> = (0..1000)
            .flat_map(|_| {
                generate()
                    .chars()
                    .skip(3)
                    .filter(|c| *c != '-')
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(seen.len(), ALPHABET.len());
    }

    #[test]
    fn recognises_malformed_references() {
        assert!(is_well_formed("SP-7K3M-Q9X2"));
        assert!(!is_well_formed("SP-7K3M-Q9X"));
        assert!(!is_well_formed("SP-7K3MQ9X2A"));
        assert!(!is_well_formed("SP-0K3M-Q9X2"), "0 is not in the alphabet");
        assert!(!is_well_formed("sp-7k3m-q9x2"));
        assert!(!is_well_formed("XX-7K3M-Q9X2"));
    }
}
