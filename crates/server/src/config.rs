//! What the service needs to know besides its database: where the site is, who may embed the
//! widget, the Content-Security-Policy the site is served with, and which questionnaire it asks.

use std::path::{Path, PathBuf};

use axum::http::HeaderValue;
use signpost_core::Questionnaire;

use crate::http::client_address::ClientAddressPolicy;
use crate::http::rate_limit::RateLimits;

/// The policy the site is served with unless configured otherwise. `'wasm-unsafe-eval'` lets the
/// page compile the widget's WebAssembly without allowing `eval` of scripts.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// Where the database is unless `--db` or `SIGNPOST_DB` says otherwise.
pub const DEFAULT_DB: &str = "data/signpost.db";

#[derive(Debug, Clone)]
pub struct Config {
    /// The built site: `index.html`, `widget/`, `demo/` … A missing folder only means 404s.
    pub site_dir: PathBuf,
    /// The origins (e.g. `https://practice.example.scot`) whose pages may send referrals from a
    /// browser. Empty means same-origin only.
    pub allowed_origins: Vec<HeaderValue>,
    /// Sent with every site response as `Content-Security-Policy`.
    pub content_security_policy: HeaderValue,
    /// Where a request's client address comes from: the peer, or a trusted proxy's header.
    pub client_address: ClientAddressPolicy,
    /// How many requests one client may make to each limited route.
    pub rate_limits: RateLimits,
    /// The link workers' inbox: sessions' limits, its origin, its clock.
    pub inbox: crate::inbox::InboxConfig,
    /// Casework: when follow-ups are due, the onward referral kinds, where follow-up links lead.
    pub casework: crate::inbox::casework::CaseworkConfig,
}

impl Config {
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        Config {
            site_dir: site_dir.into(),
            allowed_origins: Vec::new(),
            content_security_policy: HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
            client_address: ClientAddressPolicy::Peer,
            rate_limits: RateLimits::default(),
            inbox: crate::inbox::InboxConfig::default(),
            casework: crate::inbox::casework::CaseworkConfig::default(),
        }
    }
}

/// Parses an origin as browsers send it in the `Origin` header: a scheme, a host and perhaps a
/// port, with no path and no trailing slash. A CORS origin that differs by one slash never
/// matches, so refuse it at start-up rather than wonder later why the widget cannot send.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim();
    let rest = after_web_scheme(text)?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "{text:?} must be an origin like https://practice.example.scot, with no path"
        ));
    }
    HeaderValue::from_str(text).map_err(|_| format!("{text:?} is not a valid origin"))
}

/// What follows `https://` or `http://`, the only schemes the service's addresses may have.
pub fn after_web_scheme(text: &str) -> Result<&str, String> {
    text.strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("{text:?} must start with https:// or http://"))
}

/// The questionnaire a service checks referrals against: its own file if it gives one, else the
/// one Signpost ships. A broken file is refused with the reason, which names the question, so
/// that `serve` stops at start-up rather than refuse every referral later.
pub fn load_questionnaire(path: Option<&Path>) -> Result<Questionnaire, String> {
    let Some(path) = path else {
        return Ok(signpost_core::default_questionnaire());
    };
    let json = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read the questionnaire {}: {e}", path.display()))?;
    Questionnaire::parse(&json)
        .map_err(|e| format!("the questionnaire {} is refused: {e}", path.display()))
}

/// Parses a Content-Security-Policy so that a bad value is refused at start-up.
pub fn parse_header_value(text: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(text)
        .map_err(|_| "the value must be visible ASCII on one line".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origin("https://practice.example.scot").unwrap(),
            "https://practice.example.scot"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(parse_origin("https://practice.example.scot/").is_err());
        assert!(parse_origin("practice.example.scot").is_err());
        assert!(parse_origin("https://").is_err());
    }

    #[test]
    fn the_shipped_questionnaire_is_the_default_and_a_broken_file_names_the_question() {
        assert_eq!(
            load_questionnaire(None).unwrap(),
            signpost_core::default_questionnaire()
        );

        let dir = tempfile::tempdir().unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(signpost_core::DEFAULT_QUESTIONNAIRE).unwrap();
        json["version"] = "local-1".into();
        let own = dir.path().join("own.json");
        std::fs::write(&own, json.to_string()).unwrap();
        assert_eq!(load_questionnaire(Some(&own)).unwrap().version(), "local-1");

        let question = json["pages"][0]["questions"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        json["pages"][0]["questions"][0]["type"] = "slider".into();
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, json.to_string()).unwrap();
        let message = load_questionnaire(Some(&broken)).unwrap_err();
        assert!(message.contains("broken.json"), "{message}");
        let reason = format!("question \"{question}\" has the unknown type \"slider\"");
        assert!(message.contains(&reason), "{message}");

        let missing = load_questionnaire(Some(&dir.path().join("typo.json"))).unwrap_err();
        assert!(
            missing.starts_with("could not read the questionnaire"),
            "{missing}"
        );
    }

    #[test]
    fn the_default_policy_is_a_valid_header() {
        assert!(parse_header_value(DEFAULT_CONTENT_SECURITY_POLICY).is_ok());
        assert!(DEFAULT_CONTENT_SECURITY_POLICY.contains("'wasm-unsafe-eval'"));
    }
}
