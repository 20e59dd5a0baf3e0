//! Recovery codes: ten single-use codes shown once at set-up, for signing in without the
//! authenticator app (a lost or broken phone).
//!
//! A code is 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L, nor U), written in
//! four groups of four: `K7QM-3XPA-9RTD-WZ4H`. That is 16 × log2(30) ≈ 78 bits: far beyond online
//! guessing (which the lock-out also limits), and beyond an offline search of a stolen hash, so a
//! fast hash is enough: the store keeps only the SHA-256 of each code's 16 characters.
//! Typing is forgiving: any case, with or without dashes and spaces.

use std::fmt;

use subtle::{Choice, ConstantTimeEq};
use time::OffsetDateTime;

use super::token::{fill_random, RandomnessUnavailable, TokenHash};

pub const CODES: usize = 10;
pub const CODE_CHARS: usize = 16;
const GROUP: usize = 4;
/// Digits and capitals without 0, O, 1, I, L (which read as each other) and U (as V).
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// One recovery code, as shown to the person once. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    fn generate() -> Result<Self, RandomnessUnavailable> {
        let mut chars = String::with_capacity(CODE_CHARS);
        let mut bytes = [0u8; 32];
        while chars.len() < CODE_CHARS {
            fill_random(&mut bytes)?;
            // Rejection sampling: 240 = 8 × 30, so every accepted byte maps to each character
            // with the same probability.
            for byte in bytes.iter().filter(|b| usize::from(**b) < 240) {
                if chars.len() < CODE_CHARS {
                    chars.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
                }
            }
        }
        Ok(Self(chars))
    }

    /// As shown: four groups of four joined by dashes.
    pub fn grouped(&self) -> String {
        let groups: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(GROUP)
            .map(|chunk| std::str::from_utf8(chunk).expect("the alphabet is ASCII"))
            .collect();
        groups.join("-")
    }

    fn hash(&self) -> TokenHash {
        TokenHash::of(self.0.as_bytes())
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

/// A new set: the codes to show once, and what to store.
pub struct NewRecoveryCodes {
    pub codes: Vec<RecoveryCode>,
    pub stored: Vec<StoredRecoveryCode>,
}

/// Makes ten new codes. Making a new set replaces the old one: the store deletes the old rows.
pub fn generate() -> Result<NewRecoveryCodes, RandomnessUnavailable> {
    let mut codes: Vec<RecoveryCode> = Vec::with_capacity(CODES);
    while codes.len() < CODES {
        let code = RecoveryCode::generate()?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let stored = codes
        .iter()
        .map(|code| StoredRecoveryCode {
            hash: code.hash(),
            used_at: None,
        })
        .collect();
    Ok(NewRecoveryCodes { codes, stored })
}

/// A recovery code as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecoveryCode {
    pub hash: TokenHash,
    /// Set once when the code is used. The store marks it only where it is still unused
    /// (`… WHERE used_at IS NULL`), so of two racing sign-ins with one code exactly one wins.
    pub used_at: Option<OffsetDateTime>,
}

/// Why a recovery code was refused. The page says the same for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryRefusal {
    /// Not 16 characters of the alphabet (after removing dashes and spaces).
    Malformed,
    /// Not one of the account's unused codes (unknown, or already used).
    NotValid,
}

impl RecoveryRefusal {
    pub fn message(self) -> &'static str {
        match self {
            RecoveryRefusal::Malformed => "Enter a recovery code, like ABCD-EFGH-JKMN-PQRS",
            RecoveryRefusal::NotValid => {
                "The recovery code is not right, or has already been used. Each code works once"
            }
        }
    }
}

/// The hash of a presented code, if it has a code's shape: what the store looks up.
pub fn presented_hash(presented: &str) -> Result<TokenHash, RecoveryRefusal> {
    let compact: String = presented
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let well_formed = compact.len() == CODE_CHARS && compact.bytes().all(|b| ALPHABET.contains(&b));
    if well_formed {
        Ok(TokenHash::of(compact.as_bytes()))
    } else {
        Err(RecoveryRefusal::Malformed)
    }
}

/// Checks `presented` against an account's codes and marks the matching one used at `now`.
/// Returns its index, so the store can persist the change (conditionally, as said above).
/// Every stored hash is compared, in constant time, whether or not an earlier one matched.
pub fn consume(
    codes: &mut [StoredRecoveryCode],
    presented: &str,
    now: OffsetDateTime,
) -> Result<usize, RecoveryRefusal> {
    let wanted = presented_hash(presented)?;
    let mut found: Option<usize> = None;
    for (index, code) in codes.iter().enumerate() {
        let same: Choice = code.hash.as_bytes().ct_eq(wanted.as_bytes());
        let unused = Choice::from(u8::from(code.used_at.is_none()));
        if bool::from(same & unused) && found.is_none() {
            found = Some(index);
        }
    }
    let index = found.ok_or(RecoveryRefusal::NotValid)?;
    codes[index].used_at = Some(now);
    Ok(index)
}

/// How many codes are left, to warn when few remain.
pub fn remaining(codes: &[StoredRecoveryCode]) -> usize {
    codes.iter().filter(|code| code.used_at.is_none()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000)
    }

    #[test]
    fn ten_distinct_readable_codes_in_four_groups_of_four() {
        let set = generate().unwrap();
        assert_eq!(set.codes.len(), 10);
        assert_eq!(set.stored.len(), 10);
        for code in &set.codes {
            let shown = code.grouped();
            assert_eq!(shown.len(), 19, "{shown}");
            assert_eq!(shown.matches('-').count(), 3);
            assert!(shown
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
            assert!(!shown.contains(['0', 'O', '1', 'I', 'L', 'U']));
        }
        let mut unique = set
            .codes
            .iter()
            .map(RecoveryCode::grouped)
            .collect::<Vec<_>>();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
    }

    #[test]
    fn every_character_of_the_alphabet_turns_up() {
        let drawn: String = (0..40)
            .map(|_| RecoveryCode::generate().unwrap().0)
            .collect();
        // 640 draws from 30 characters: missing one has a chance of about 30 × (29/30)^640 < 10^-8.
        for c in ALPHABET {
            assert!(drawn.contains(char::from(*c)), "{}", char::from(*c));
        }
    }

    #[test]
    fn only_hashes_are_stored() {
        let set = generate().unwrap();
        for (code, stored) in set.codes.iter().zip(&set.stored) {
            assert_eq!(stored.hash, presented_hash(&code.grouped()).unwrap());
            assert!(!stored.hash.to_hex().contains(&code.0));
            assert_eq!(stored.used_at, None);
        }
        assert!(!format!("{:?}", set.codes[0]).contains(&set.codes[0].0));
    }

    #[test]
    fn a_code_works_once_typed_in_any_case_with_or_without_dashes() {
        let set = generate().unwrap();
        let mut stored = set.stored.clone();
        let typed = set.codes[3].grouped().to_lowercase().replace('-', " ");
        assert_eq!(consume(&mut stored, &typed, now()), Ok(3));
        assert_eq!(stored[3].used_at, Some(now()));
        assert_eq!(remaining(&stored), 9);
        assert_eq!(
            consume(&mut stored, &set.codes[3].grouped(), now()),
            Err(RecoveryRefusal::NotValid)
        );
        assert_eq!(consume(&mut stored, &set.codes[9].0, now()), Ok(9));
        assert_eq!(remaining(&stored), 8);
    }

    #[test]
    fn unknown_and_malformed_codes_are_refused() {
        let mut stored = generate().unwrap().stored;
        let other = generate().unwrap().codes[0].grouped();
        assert_eq!(
            consume(&mut stored, &other, now()),
            Err(RecoveryRefusal::NotValid)
        );
        for bad in [
            "",
            "ABCD-EFGH",
            "ABCD-EFGH-JKMN-PQR0",
            "ABCD-EFGH-JKMN-PQRSX",
        ] {
            assert_eq!(
                consume(&mut stored, bad, now()),
                Err(RecoveryRefusal::Malformed),
                "{bad}"
            );
        }
        assert_eq!(remaining(&stored), 10);
    }
}
