//! Every inbox address, named once: the templates' links and form actions and the router use
//! these, so a page can never post to an address that no route answers.

/// Where the inbox lives; the session cookie's `Path`.
pub const ROOT: &str = "/inbox";
pub const STYLESHEET: &str = "/inbox/assets/inbox.css";
pub const SIGN_IN: &str = "/inbox/sign-in";
pub const SIGN_IN_CODE: &str = "/inbox/sign-in/code";
pub const SIGN_IN_RECOVERY_CODE: &str = "/inbox/sign-in/recovery-code";
pub const SET_UP_AUTHENTICATOR: &str = "/inbox/set-up-authenticator";
pub const RECOVERY_CODES: &str = "/inbox/recovery-codes";
pub const SIGN_OUT: &str = "/inbox/sign-out";
pub const SIGN_OUT_EVERYWHERE: &str = "/inbox/sign-out-everywhere";
pub const SIGNED_OUT: &str = "/inbox/signed-out";
/// Your account: who you are, your recovery codes left, sign out everywhere.
pub const ACCOUNT: &str = "/inbox/account";
/// Admins only (anyone else gets 404).
pub const ADMIN_ACCOUNTS: &str = "/inbox/admin/accounts";
pub const ADMIN_ADD_ACCOUNT: &str = "/inbox/admin/accounts/add";
/// One account: `/inbox/admin/accounts/{id}`, with `/disable` and `/reset` to post to.
pub const ADMIN_ACCOUNT_PREFIX: &str = "/inbox/admin/accounts/";
pub const ADMIN_AUDIT_LOG: &str = "/inbox/admin/audit-log";
/// One referral's FHIR R4 Bundle, a download (`inbox/fhir_export.rs`).
pub const REFERRAL_FHIR: &str = "/inbox/referrals/{reference}/fhir.json";
/// The one-time link: `/inbox/set-password/{token}`.
pub const SET_PASSWORD_PREFIX: &str = "/inbox/set-password/";

/// The address of a one-time set-password link, for its token.
pub fn set_password(token: &str) -> String {
    format!("{SET_PASSWORD_PREFIX}{token}")
}

/// The address of one referral's FHIR Bundle.
pub fn referral_fhir(reference: &str) -> String {
    REFERRAL_FHIR.replace("{reference}", reference)
}

/// An account's page for admins.
pub fn admin_account(id: i64) -> String {
    format!("{ADMIN_ACCOUNT_PREFIX}{id}")
}

/// A referral's pages: `/inbox/referrals/{reference}` and what hangs off it.
pub const REFERRAL: &str = "/inbox/referrals/{reference}";
pub const REFERRAL_STATUS: &str = "/inbox/referrals/{reference}/status";
pub const REFERRAL_NOTE: &str = "/inbox/referrals/{reference}/note";
pub const REFERRAL_ONWARD: &str = "/inbox/referrals/{reference}/onward-referral";
pub const REFERRAL_UPTAKE: &str = "/inbox/referrals/{reference}/onward-referrals/{id}/uptake";
pub const REFERRAL_FOLLOW_UP: &str = "/inbox/referrals/{reference}/follow-up";
/// Admins only: everything held about a referral, a download, and erasing it (`inbox/admin/person.rs`).
pub const REFERRAL_PERSON_EXPORT: &str = "/inbox/referrals/{reference}/everything-held.json";
pub const REFERRAL_ERASE: &str = "/inbox/referrals/{reference}/erase";

/// The address of a referral's detail page.
pub fn referral(reference: &str) -> String {
    REFERRAL.replace("{reference}", reference)
}

/// The address of one of a referral's pages (`REFERRAL_STATUS`, …).
pub fn of_referral(pattern: &str, reference: &str) -> String {
    pattern.replace("{reference}", reference)
}

/// The address of the page recording whether an onward referral was taken up.
pub fn uptake(reference: &str, id: i64) -> String {
    of_referral(REFERRAL_UPTAKE, reference).replace("{id}", &id.to_string())
}
