//! The secret a follow-up link carries, and its hash, which is all the service keeps.
//!
//! Only the SHA-256 of a token is stored. A check-in is found by looking that hash up through the
//! `token_sha256` UNIQUE index, so no secret is ever compared byte by byte in Rust: the database
//! compares hashes, and learning how much of a *hash* matched tells an attacker nothing about the
//! token (finding a token whose hash shares a prefix with a stored one is a preimage search).
//! Constant-time comparison is therefore unnecessary here.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::TryRngCore;

use crate::hash::sha256_hex;

/// 32 bytes = 256 bits from the operating system's generator: far beyond guessing, even with
/// every open link at once as a target.
pub const TOKEN_BYTES: usize = 32;

/// A follow-up link's secret: 32 random bytes as URL-safe base64 without padding (43 characters
/// of `A-Z a-z 0-9 - _`). That alphabet needs no percent-encoding in a query string (standard
/// base64's `+` would be read back as a space and `/`, `=` would need escaping), and it is shorter
/// than hex (43 characters rather than 64) for a link that may be typed from a letter.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token from the OS generator. Fails only if the OS cannot give randomness, in which
    /// case no link must be made.
    pub fn generate() -> Result<Token, rand::rand_core::OsError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng.try_fill_bytes(&mut bytes)?;
        Ok(Token(URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A token of a given text, for the crate's own tests.
    #[cfg(test)]
    pub(crate) fn from_text(text: &str) -> Token {
        Token(text.to_owned())
    }

    /// What is stored and looked up.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

/// A token is a key to someone's check-in: keep it out of logs and panic messages.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The lowercase hex SHA-256 of a token's text: what the store keeps and looks a link up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    /// The hash of a token as received, whatever its shape: an ill-formed token simply matches
    /// nothing.
    pub fn of(token: &str) -> TokenHash {
        TokenHash(sha256_hex(token.as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_of_256_random_bits() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let token = Token::generate().unwrap();
            let text = token.as_str();
            assert_eq!(text.len(), 43, "{text}");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{text}"
            );
            assert_eq!(URL_SAFE_NO_PAD.decode(text).unwrap().len(), TOKEN_BYTES);
            assert!(seen.insert(text.to_owned()), "a repeated token");
        }
        assert_eq!(format!("{:?}", Token::generate().unwrap()), "Token(…)");
    }

    #[test]
    fn the_stored_hash_is_lowercase_hex_sha256_of_the_token_text() {
        // The SHA-256 of "abc", from FIPS 180-2, appendix B.1.
        assert_eq!(
            TokenHash::of("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = Token("abc".into());
        assert_eq!(token.hash(), TokenHash::of("abc"));
    }
}
