//! Passwords: the policy a new one must meet, and argon2id hashing and verification.
//!
//! The policy follows the NCSC's password guidance (no composition rules, no expiry; a minimum
//! length and a deny list of common passwords instead):
//! - at least [`MIN_CHARS`] = 12 characters. The NCSC accepts 8 when common passwords are
//!   blocked; Cyber Essentials asks for 12 where nothing else protects the account. The inbox holds
//!   special-category health data of people at risk, so it takes the longer of the two even with
//!   TOTP on top; "three random words", the NCSC's advice, is usually longer still.
//! - at most [`MAX_CHARS`] = 128 characters (OWASP ASVS: allow at least 64, refuse above 128), so
//!   a pasted novel cannot make a sign-in costly.
//! - not a common password, nor easy to guess: zxcvbn (Dropbox's estimator) matches it against
//!   its ranked dictionaries (30,000 leaked passwords, English words, names, film and TV) and its
//!   patterns (keyboard rows, repeats, sequences, dates), and anything it reckons crackable in
//!   under 10^10 guesses (score below 3) is refused.
//! - not containing the email address's local part.
//!
//! Hashes are argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as PHC strings
//! so that the parameters travel with each hash and can be raised later without a migration.

use std::fmt;
use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use zxcvbn::feedback::Warning;
use zxcvbn::Score;

use super::users::AccountEmail;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// zxcvbn's score at or above which a password is accepted: 3 is "more than 10^8 guesses",
/// enough against online guessing (which the lock-out limits anyway) and slow offline against
/// argon2id.
const MIN_SCORE: Score = Score::Three;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Why a new password was refused. Each has a message to show at the field, in GOV.UK's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    Empty,
    TooShort,
    TooLong,
    /// It is, or is a small variation of, a password seen in leaks.
    Common,
    /// Not a known password, but a pattern or a word that is quick to guess.
    EasyToGuess,
    ContainsEmail,
    /// The confirmation does not match.
    Mismatch,
}

impl PasswordError {
    pub fn message(self) -> &'static str {
        match self {
            PasswordError::Empty => "Enter a password",
            PasswordError::TooShort => "Password must be 12 characters or more",
            PasswordError::TooLong => "Password must be 128 characters or fewer",
            PasswordError::Common => {
                "Password is too common: it is one of the passwords people use most. Try three random words"
            }
            PasswordError::EasyToGuess => {
                "Password is too easy to guess. Avoid repeated characters, sequences such as abc or 123, keyboard patterns, dates and names. Try three random words"
            }
            PasswordError::ContainsEmail => "Password must not contain your email address",
            PasswordError::Mismatch => "Passwords do not match",
        }
    }
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PasswordError {}

/// A password that meets the policy. Its `Debug` hides it.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a new password (and its confirmation) for the account with `email`.
    pub fn parse(
        password: &str,
        confirmation: &str,
        email: &AccountEmail,
    ) -> Result<Self, PasswordError> {
        let chars = password.chars().count();
        if chars == 0 {
            return Err(PasswordError::Empty);
        }
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lower = password.to_lowercase();
        let local = email.local_part();
        if lower.contains(email.as_ref()) || (local.chars().count() >= 3 && lower.contains(local)) {
            return Err(PasswordError::ContainsEmail);
        }
        let estimate = zxcvbn::zxcvbn(password, &[email.as_ref(), local, "signpost", "inbox"]);
        if estimate.score() < MIN_SCORE {
            let common = estimate
                .feedback()
                .and_then(|f| f.warning())
                .is_some_and(|w| {
                    matches!(
                        w,
                        Warning::ThisIsATop10Password
                            | Warning::ThisIsATop100Password
                            | Warning::ThisIsACommonPassword
                            | Warning::ThisIsSimilarToACommonlyUsedPassword
                    )
                });
            return Err(if common {
                PasswordError::Common
            } else {
                PasswordError::EasyToGuess
            });
        }
        if password != confirmation {
            return Err(PasswordError::Mismatch);
        }
        Ok(Self(password.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// A stored password hash: an argon2 PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

/// A stored string that is not an argon2 PHC string: the store is damaged, not the person wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedHash;

impl fmt::Display for MalformedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stored password hash is not an argon2 PHC string")
    }
}

impl std::error::Error for MalformedHash {}

/// Hashing failed: only the OS generator (for the salt) can make it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashingFailed(String);

impl fmt::Display for HashingFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "password hashing failed: {}", self.0)
    }
}

impl std::error::Error for HashingFailed {}

impl PasswordHash {
    /// A hash read back from the store.
    pub fn from_phc(phc: &str) -> Result<Self, MalformedHash> {
        let parsed = PhcHash::new(phc).map_err(|_| MalformedHash)?;
        if parsed.algorithm.as_str() != "argon2id" {
            return Err(MalformedHash);
        }
        Ok(Self(phc.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, PASSES, LANES, None).expect("OWASP's argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password with a fresh random salt. About 20–50 ms of CPU: call it from
/// `spawn_blocking` (see [`hash_blocking`]).
pub fn hash(password: &NewPassword) -> Result<PasswordHash, HashingFailed> {
    let phc = hasher()
        .hash_password(password.as_str().as_bytes())
        .map_err(|e| HashingFailed(e.to_string()))?;
    Ok(PasswordHash(phc.to_string()))
}

/// The hash an unknown email (or an account without a password) is checked against, made once
/// with the same parameters as real ones, so that a wrong email takes as long as a wrong password
/// and timing does not tell which emails have accounts. Its password is random and forgotten.
static DUMMY_HASH: LazyLock<PasswordHash> = LazyLock::new(|| {
    let mut random = [0u8; 24];
    super::token::fill_random(&mut random).expect("randomness for the dummy password hash");
    let secret: String = random.iter().map(|b| format!("{b:02x}")).collect();
    hash(&NewPassword(secret)).expect("hashing the dummy password")
});

/// Whether `candidate` is the password of `stored`; with `None` (no such account, or no password
/// yet) it checks against the dummy hash and answers `false`, taking the same time.
/// Verification uses the parameters in the stored PHC string, so old hashes keep working.
pub fn verify(candidate: &str, stored: Option<&PasswordHash>) -> bool {
    // A password longer than the policy allows was never set: refuse it without hashing a
    // megabyte, but only after the same work, so length says nothing either.
    let candidate = if candidate.chars().count() > MAX_CHARS {
        ""
    } else {
        candidate
    };
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (&*DUMMY_HASH, false),
    };
    let Ok(parsed) = PhcHash::new(hash.as_str()) else {
        return false;
    };
    let matches = hasher()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    matches && real && !candidate.is_empty()
}

/// [`verify`] on tokio's blocking pool, so a sign-in never stalls the async workers. Errs only if
/// the blocking task panicked.
pub async fn verify_blocking(
    candidate: String,
    stored: Option<PasswordHash>,
) -> Result<bool, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || verify(&candidate, stored.as_ref())).await
}

/// [`hash`] on tokio's blocking pool.
pub async fn hash_blocking(
    password: NewPassword,
) -> Result<Result<PasswordHash, HashingFailed>, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || hash(&password)).await
}

/// Makes the dummy hash now (at start-up) rather than during the first sign-in with an unknown
/// email, whose answer would otherwise take twice as long.
pub fn prepare_dummy_hash() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> AccountEmail {
        AccountEmail::parse("morag.brown@nhs.scot").unwrap()
    }

    fn check(password: &str) -> Result<NewPassword, PasswordError> {
        NewPassword::parse(password, password, &email())
    }

    #[test]
    fn length_is_counted_in_characters_between_12_and_128() {
        assert_eq!(check("").unwrap_err(), PasswordError::Empty);
        assert_eq!(check("kettle-moss").unwrap_err(), PasswordError::TooShort);
        // 12 characters but 24 bytes: long enough.
        assert!(check("ŵŷŝĉĥĵĝŵŷŝĉĥ").is_ok());
        assert_eq!(
            check(&"tadpole lantern ".repeat(9)).unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_length() {
        for common in [
            "password1234",
            "Password1234",
            "qwertyuiop123",
            "iloveyou1234",
        ] {
            let refusal = check(common).unwrap_err();
            assert!(
                matches!(refusal, PasswordError::Common | PasswordError::EasyToGuess),
                "{common}: {refusal:?}"
            );
        }
        // Long entries of zxcvbn's list of leaked passwords.
        for listed in [
            "leavemealone",
            "LeaveMeAlone",
            "1qaz2wsx3edc",
            "sonyericsson",
        ] {
            assert_eq!(
                check(listed).unwrap_err(),
                PasswordError::Common,
                "{listed}"
            );
        }
        assert!(check("passwordpassword").is_err());
    }

    #[test]
    fn patterns_that_are_quick_to_guess_are_refused() {
        for easy in [
            "aaaaaaaaaaaa",
            "abcdefghijklm",
            "123456789012",
            "qwertyuiopasdf",
        ] {
            assert!(check(easy).is_err(), "{easy}");
        }
    }

    #[test]
    fn three_random_words_are_accepted() {
        for good in [
            "tadpole lantern quarry",
            "kettle-moss-viaduct",
            "Ostrich glacier pumpkin",
        ] {
            assert!(check(good).is_ok(), "{good}: {:?}", check(good).err());
        }
    }

    #[test]
    fn a_password_must_not_contain_the_email() {
        assert_eq!(
            check("morag.brown@nhs.scot").unwrap_err(),
            PasswordError::ContainsEmail
        );
        assert_eq!(
            check("xyzMORAG.BROWNlantern").unwrap_err(),
            PasswordError::ContainsEmail
        );
    }

    #[test]
    fn the_confirmation_must_match() {
        let refusal = NewPassword::parse("tadpole lantern quarry", "tadpole lantern", &email());
        assert_eq!(refusal.unwrap_err(), PasswordError::Mismatch);
    }

    #[test]
    fn every_refusal_has_a_plain_english_message() {
        for error in [
            PasswordError::Empty,
            PasswordError::TooShort,
            PasswordError::TooLong,
            PasswordError::Common,
            PasswordError::EasyToGuess,
            PasswordError::ContainsEmail,
            PasswordError::Mismatch,
        ] {
            let message = error.message();
            assert!(message.starts_with(|c: char| c.is_uppercase()), "{message}");
            assert!(
                !message.ends_with('.'),
                "GOV.UK error messages have no full stop: {message}"
            );
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_owasp_parameters_that_verify() {
        let password = check("tadpole lantern quarry").unwrap();
        let stored = hash(&password).unwrap();
        assert!(
            stored
                .as_str()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            stored.as_str()
        );
        assert!(verify("tadpole lantern quarry", Some(&stored)));
        assert!(!verify("tadpole lantern quarrz", Some(&stored)));
        assert!(!verify("", Some(&stored)));
        assert!(!verify(&"x".repeat(10_000), Some(&stored)));
        let again = hash(&password).unwrap();
        assert_ne!(stored, again, "each hash has its own salt");
        assert_eq!(PasswordHash::from_phc(stored.as_str()), Ok(stored));
    }

    #[test]
    fn stored_strings_that_are_not_argon2id_are_refused() {
        assert_eq!(PasswordHash::from_phc("hunter2"), Err(MalformedHash));
        assert_eq!(
            PasswordHash::from_phc("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"),
            Err(MalformedHash)
        );
    }

    #[test]
    fn an_unknown_account_is_checked_against_the_dummy_hash_and_never_matches() {
        prepare_dummy_hash();
        assert!(DUMMY_HASH
            .as_str()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!verify("tadpole lantern quarry", None));
        assert!(!verify("", None));
    }

    #[test]
    fn an_unknown_account_takes_about_as_long_as_a_wrong_password() {
        prepare_dummy_hash();
        let stored = hash(&check("tadpole lantern quarry").unwrap()).unwrap();
        let time = |stored: Option<&PasswordHash>| {
            let start = std::time::Instant::now();
            for _ in 0..3 {
                verify("kettle moss viaduct", stored);
            }
            start.elapsed()
        };
        let (known, unknown) = (time(Some(&stored)), time(None));
        let ratio = known.as_secs_f64() / unknown.as_secs_f64();
        // Both run the same argon2id; a shared, busy machine makes the figures noisy.
        assert!(
            (0.5..2.0).contains(&ratio),
            "known {known:?}, unknown {unknown:?}"
        );
    }

    #[tokio::test]
    async fn verification_runs_off_the_async_workers() {
        let stored = hash(&check("tadpole lantern quarry").unwrap()).unwrap();
        assert!(
            verify_blocking("tadpole lantern quarry".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_blocking("nope".into(), Some(stored)).await.unwrap());
        assert!(!verify_blocking("nope".into(), None).await.unwrap());
        let hashed = hash_blocking(check("kettle-moss-viaduct").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(verify("kettle-moss-viaduct", Some(&hashed)));
    }
}
