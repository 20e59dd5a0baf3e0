//! Random secrets handed to a browser or a person (session ids, CSRF tokens, set-password links)
//! and the SHA-256 by which the server keeps them.
//!
//! A secret is 32 bytes (256 bits) from the operating system's generator, written as URL-safe
//! base64 without padding: 43 characters of `A-Z a-z 0-9 - _`, safe in a cookie, a form field and
//! a path. Only its hash is stored, so a copy of the database opens no session and no link; the
//! store finds a row by the hash, and knowing how much of a hash matched says nothing about the
//! secret, so no constant-time comparison is needed there (CSRF tokens, compared in Rust, use one).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// 256 bits: beyond guessing, even with every live session as a target at once.
pub const SECRET_BYTES: usize = 32;

/// The length of a secret as written (32 bytes in unpadded base64).
pub const SECRET_CHARS: usize = 43;

/// The operating system could not give randomness: nothing that needs a secret may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomnessUnavailable;

impl fmt::Display for RandomnessUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operating system's random number generator failed")
    }
}

impl std::error::Error for RandomnessUnavailable {}

/// Fills `bytes` from the OS generator.
pub fn fill_random(bytes: &mut [u8]) -> Result<(), RandomnessUnavailable> {
    OsRng
        .try_fill_bytes(bytes)
        .map_err(|_| RandomnessUnavailable)
}

/// A secret as the browser or the person holds it. Its `Debug` hides it, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn generate() -> Result<Self, RandomnessUnavailable> {
        let mut bytes = [0u8; SECRET_BYTES];
        fill_random(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A secret as presented (a cookie, a form field, a link): `None` unless it has the shape of
    /// one, so that anything else is refused before any look-up.
    pub fn parse(presented: &str) -> Option<Self> {
        let well_formed = presented.len() == SECRET_CHARS
            && presented
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(presented.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the server keeps.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(self.0.as_bytes())
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(…)")
    }
}

/// The SHA-256 of a secret: what the store keeps and looks rows up by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, as the store's text columns keep hashes (like `checkins.token_sha256`).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads back what [`TokenHash::to_hex`] wrote.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(bytes))
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_43_url_safe_characters_and_differs_each_time() {
        let a = SecretToken::generate().unwrap();
        let b = SecretToken::generate().unwrap();
        assert_eq!(a.as_str().len(), SECRET_CHARS);
        assert!(SecretToken::parse(a.as_str()).is_some());
        assert_ne!(a, b);
    }

    #[test]
    fn only_the_shape_of_a_secret_is_parsed() {
        assert!(SecretToken::parse("").is_none());
        assert!(SecretToken::parse(&"a".repeat(42)).is_none());
        assert!(SecretToken::parse(&"a".repeat(44)).is_none());
        assert!(SecretToken::parse(&format!("{}=", "a".repeat(42))).is_none());
        assert!(SecretToken::parse(&format!("{}é", "a".repeat(41))).is_none());
        assert!(SecretToken::parse(&"a-_Z9".repeat(9)[..43]).is_some());
    }

    #[test]
    fn the_hash_is_sha256_and_round_trips_through_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let hash = TokenHash::of(b"abc");
        assert_eq!(
            hash.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(TokenHash::from_hex("zz"), None);
        assert_eq!(TokenHash::from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = SecretToken::generate().unwrap();
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
