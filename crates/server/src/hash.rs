//! SHA-256 as the service writes it: lowercase hex, for a referral body's bytes (to recognise a
//! retry) and a follow-up token's text (all that is stored of it).

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_hex_sha256() {
        // The SHA-256 of "abc", from FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
