//! The second factor: RFC 6238 time-based one-time passwords from an authenticator app.
//!
//! Six digits, 30-second steps, HMAC-SHA-1: what every authenticator app supports (some apps
//! silently ignore `algorithm=SHA256` and compute SHA-1 anyway). A code is accepted for the step
//! before and after the current one (RFC 6238 §5.2's one step of network delay and clock drift),
//! and only for a step later than the last one accepted for the account, so a code seen over a
//! shoulder or in a proxy's log cannot be used again (§5.2: "the verifier MUST NOT accept the
//! second attempt of the same OTP"). The caller stores the step that [`verify`] returns.
//!
//! The secret is 20 random bytes (160 bits, RFC 4226 §4's recommendation). The set-up page shows
//! it as a QR code (inline SVG, no script, no image request) and as base32 in groups of four for
//! typing in, which is also the QR code's text alternative.

use std::fmt;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::token::{fill_random, RandomnessUnavailable};
use super::users::AccountEmail;

pub const DIGITS: u8 = 6;
pub const STEP_SECONDS: u64 = 30;
/// Steps either side of now that are accepted.
pub const SKEW_STEPS: u64 = 1;
pub const SECRET_BYTES: usize = 20;
/// What authenticator apps show above the code.
pub const ISSUER: &str = "Signpost inbox";

/// An account's TOTP secret. Its `Debug` hides it; the store keeps its bytes (or base32).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

/// A stored secret that cannot be used: too short for RFC 4226 (at least 128 bits), or not base32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedSecret;

impl fmt::Display for MalformedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stored TOTP secret is not 16 or more bytes of base32")
    }
}

impl std::error::Error for MalformedSecret {}

impl TotpSecret {
    pub fn generate() -> Result<Self, RandomnessUnavailable> {
        let mut bytes = vec![0u8; SECRET_BYTES];
        fill_random(&mut bytes)?;
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, MalformedSecret> {
        if bytes.len() < 16 {
            return Err(MalformedSecret);
        }
        Ok(Self(bytes))
    }

    /// Reads base32 (RFC 4648, upper case, no padding), with or without spaces between groups.
    pub fn from_base32(text: &str) -> Result<Self, MalformedSecret> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = Secret::try_from_base32(compact.to_ascii_uppercase())
            .map_err(|_| MalformedSecret)?
            .as_bytes()
            .to_vec();
        Self::from_bytes(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base32 without padding: what the `otpauth://` URI carries (32 characters for 20 bytes).
    pub fn to_base32(&self) -> String {
        Secret::from(self.0.clone()).to_base32()
    }

    /// Base32 in groups of four, for reading aloud or typing into an app.
    pub fn to_grouped_base32(&self) -> String {
        let base32 = self.to_base32();
        let groups: Vec<&str> = base32
            .as_bytes()
            .chunks(4)
            .map(|chunk| std::str::from_utf8(chunk).expect("base32 is ASCII"))
            .collect();
        groups.join(" ")
    }

    fn totp(&self, digits: u8, account: &str) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(digits)
            .with_step_duration(STEP_SECONDS)
            .with_skew(SKEW_STEPS as u16)
            .with_secret(self.0.clone())
            .with_issuer(Some(ISSUER))
            .with_account_name(account)
            .build()
            .expect("a secret of 16+ bytes, 6–8 digits and names without ':' are valid")
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// A 30-second step: Unix time divided by 30. The store keeps the last accepted one per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeStep(pub u64);

impl TimeStep {
    pub fn at(unix_seconds: u64) -> Self {
        Self(unix_seconds / STEP_SECONDS)
    }
}

/// Why a code was refused. The page says the same for all three ("The code is not right"), so
/// that nobody learns whether a code was once right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not six digits (after removing spaces and dashes).
    Malformed,
    /// Not the code of any step in the window.
    Wrong,
    /// The code of a step no later than the last one accepted: a replay.
    AlreadyUsed,
}

impl CodeRefusal {
    pub fn message(self) -> &'static str {
        match self {
            CodeRefusal::Malformed => "Enter the 6-digit code from your authenticator app",
            CodeRefusal::Wrong | CodeRefusal::AlreadyUsed => {
                "The code is not right. Enter the code your authenticator app shows now"
            }
        }
    }
}

/// Checks `code` at `unix_seconds`: accepted for a step in now ± 1 that is later than
/// `last_accepted`. Returns the step that matched, for the store to keep (the store updates it
/// only where it is still lower, so two racing sign-ins with one code cannot both win).
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_seconds: u64,
    last_accepted: Option<TimeStep>,
) -> Result<TimeStep, CodeRefusal> {
    verify_digits(secret, DIGITS, code, unix_seconds, last_accepted)
}

fn verify_digits(
    secret: &TotpSecret,
    digits: u8,
    code: &str,
    unix_seconds: u64,
    last_accepted: Option<TimeStep>,
) -> Result<TimeStep, CodeRefusal> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if code.len() != usize::from(digits) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeRefusal::Malformed);
    }
    let totp = secret.totp(digits, "");
    let now = TimeStep::at(unix_seconds).0;
    let mut accepted = None;
    let mut replayed = false;
    // Every step of the window is computed and compared in constant time, whichever matches.
    for step in now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS {
        let expected = totp.generate(step * STEP_SECONDS).to_string();
        let matches: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if matches {
            if last_accepted.is_some_and(|last| step <= last.0) {
                replayed = true;
            } else if accepted.is_none() {
                accepted = Some(TimeStep(step));
            }
        }
    }
    match (accepted, replayed) {
        (Some(step), _) => Ok(step),
        (None, true) => Err(CodeRefusal::AlreadyUsed),
        (None, false) => Err(CodeRefusal::Wrong),
    }
}

/// The current code, for the demo's "print the current code" command and for tests.
pub fn current_code(secret: &TotpSecret, unix_seconds: u64) -> String {
    secret.totp(DIGITS, "").generate(unix_seconds).to_string()
}

/// What the set-up page shows: the `otpauth://` URI as a QR code, and the secret to type in.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// `otpauth://totp/Signpost%20inbox:name%40example.org?secret=…&issuer=Signpost%20inbox`.
    pub uri: String,
    /// The secret in groups of four: the QR code's text alternative.
    pub grouped_secret: String,
    /// The QR code as an `<svg>` element (no XML declaration), ready to place in the page.
    pub qr_svg: String,
}

impl Enrolment {
    pub fn new(secret: &TotpSecret, account: &AccountEmail) -> Self {
        let uri = secret
            .totp(DIGITS, account.as_ref())
            .to_url()
            .expect("an account name is set");
        let qr_svg = qr_svg(&uri);
        Self {
            uri,
            grouped_secret: secret.to_grouped_base32(),
            qr_svg,
        }
    }
}

/// A QR code of `text` as an inline `<svg>`: black on white with the quiet zone, which is what
/// phone cameras read best, labelled for assistive technology (the secret beside it is the text
/// alternative). Only presentation attributes, no `style`, so the inbox's CSP allows it.
fn qr_svg(text: &str) -> String {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .expect("an otpauth URI fits in a QR code");
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#0b0c0c"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = svg
        .find("<svg")
        .expect("the renderer writes an <svg> element");
    svg[start..].replacen(
        "<svg ",
        r#"<svg class="sp-inbox-qr" role="img" aria-label="QR code for your authenticator app" focusable="false" "#,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    /// RFC 6238 appendix B, the SHA-1 rows: (Unix time, 8-digit TOTP).
    const RFC_6238_SHA1: [(u64, &str); 6] = [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ];

    #[test]
    fn the_rfc_6238_sha1_test_vectors_verify_at_their_times() {
        for (time, code) in RFC_6238_SHA1 {
            assert_eq!(
                verify_digits(&rfc_secret(), 8, code, time, None),
                Ok(TimeStep(time / 30)),
                "T = {time}"
            );
        }
    }

    #[test]
    fn six_digit_codes_are_the_last_six_digits_of_the_rfc_vectors() {
        // Both are the same truncated HMAC modulo 10^d (RFC 4226 §5.3), and 10^6 divides 10^8.
        for (time, code) in RFC_6238_SHA1 {
            assert_eq!(current_code(&rfc_secret(), time), code[2..], "T = {time}");
            assert_eq!(
                verify(&rfc_secret(), &code[2..], time, None),
                Ok(TimeStep(time / 30))
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = rfc_secret();
        let code = &RFC_6238_SHA1[3].1[2..]; // 1234567890 is step 41152263.
        let step = 1234567890 / 30;
        assert_eq!(
            verify(&secret, code, (step - 1) * 30, None),
            Ok(TimeStep(step))
        );
        assert_eq!(
            verify(&secret, code, (step + 1) * 30 + 29, None),
            Ok(TimeStep(step))
        );
        assert_eq!(
            verify(&secret, code, (step - 2) * 30, None),
            Err(CodeRefusal::Wrong)
        );
        assert_eq!(
            verify(&secret, code, (step + 2) * 30, None),
            Err(CodeRefusal::Wrong)
        );
    }

    #[test]
    fn a_code_is_refused_for_a_step_already_accepted_or_earlier() {
        let secret = rfc_secret();
        let now = 1234567890;
        let code = current_code(&secret, now);
        let step = verify(&secret, &code, now, None).unwrap();
        assert_eq!(
            verify(&secret, &code, now, Some(step)),
            Err(CodeRefusal::AlreadyUsed)
        );
        assert_eq!(
            verify(&secret, &code, now, Some(TimeStep(step.0 + 1))),
            Err(CodeRefusal::AlreadyUsed)
        );
        // The previous step's code, 30 s later, after this step was accepted: refused too.
        let previous = current_code(&secret, now - 30);
        assert_eq!(
            verify(&secret, &previous, now, Some(step)),
            Err(CodeRefusal::AlreadyUsed)
        );
        // The next step's code is still fine.
        let next = current_code(&secret, now + 30);
        assert_eq!(
            verify(&secret, &next, now + 30, Some(step)),
            Ok(TimeStep(step.0 + 1))
        );
    }

    #[test]
    fn codes_may_be_typed_with_spaces_but_must_be_six_digits() {
        let secret = rfc_secret();
        let code = current_code(&secret, 59);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(verify(&secret, &spaced, 59, None).is_ok());
        for bad in ["", "12345", "1234567", "12345a", "٣٤٥٦٧٨"] {
            assert_eq!(
                verify(&secret, bad, 59, None),
                Err(CodeRefusal::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_new_secret_is_160_random_bits_and_round_trips_through_base32() {
        let secret = TotpSecret::generate().unwrap();
        assert_eq!(secret.as_bytes().len(), 20);
        assert_ne!(secret, TotpSecret::generate().unwrap());
        assert_eq!(secret.to_base32().len(), 32);
        assert_eq!(
            TotpSecret::from_base32(&secret.to_base32()),
            Ok(secret.clone())
        );
        assert_eq!(
            TotpSecret::from_base32(&secret.to_grouped_base32().to_lowercase()),
            Ok(secret.clone())
        );
        assert!(!format!("{secret:?}").contains(&secret.to_base32()));
        assert_eq!(TotpSecret::from_bytes(vec![0; 15]), Err(MalformedSecret));
        assert_eq!(TotpSecret::from_base32("not base32!"), Err(MalformedSecret));
    }

    #[test]
    fn the_rfc_secret_in_base32_is_the_well_known_one() {
        assert_eq!(rfc_secret().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            rfc_secret().to_grouped_base32(),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }

    #[test]
    fn the_enrolment_has_an_otpauth_uri_a_qr_svg_and_the_secret_in_groups() {
        let account = AccountEmail::parse("morag.brown@nhs.scot").unwrap();
        let enrolment = Enrolment::new(&rfc_secret(), &account);
        assert_eq!(
            enrolment.uri,
            "otpauth://totp/Signpost%20inbox:morag.brown%40nhs.scot?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Signpost%20inbox"
        );
        assert_eq!(
            enrolment.grouped_secret,
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        let svg = &enrolment.qr_svg;
        assert!(
            svg.starts_with("<svg class=\"sp-inbox-qr\" role=\"img\" aria-label="),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert!(
            !svg.contains("style"),
            "a style attribute would break the CSP"
        );
        assert!(
            !svg.contains("morag"),
            "the QR code draws the URI, it does not print it"
        );
    }
}
