//! What the service needs to know besides its database: where the site is, who may embed the
//! widget, and the Content-Security-Policy the site is served with.

use std::path::PathBuf;

use axum::http::HeaderValue;

/// The policy the site is served with unless configured otherwise. `'wasm-unsafe-eval'` lets the
/// page compile the widget's WebAssembly without allowing `eval` of scripts.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

#[derive(Debug, Clone)]
pub struct Config {
    /// The built site: `index.html`, `widget/`, `demo/` … A missing folder only means 404s.
    pub site_dir: PathBuf,
    /// The origins (e.g. `https://practice.example.scot`) whose pages may send referrals from a
    /// browser. Empty means same-origin only.
    pub allowed_origins: Vec<HeaderValue>,
    /// Sent with every site response as `Content-Security-Policy`.
    pub content_security_policy: HeaderValue,
}

impl Config {
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        Config {
            site_dir: site_dir.into(),
            allowed_origins: Vec::new(),
            content_security_policy: HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
        }
    }
}

/// Parses an origin as browsers send it in the `Origin` header: a scheme, a host and perhaps a
/// port, with no path and no trailing slash. A CORS origin that differs by one slash never
/// matches, so refuse it at start-up rather than wonder later why the widget cannot send.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("{text:?} must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "{text:?} must be an origin like https://practice.example.scot, with no path"
        ));
    }
    HeaderValue::from_str(text).map_err(|_| format!("{text:?} is not a valid origin"))
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
    fn the_default_policy_is_a_valid_header() {
        assert!(parse_header_value(DEFAULT_CONTENT_SECURITY_POLICY).is_ok());
        assert!(DEFAULT_CONTENT_SECURITY_POLICY.contains("'wasm-unsafe-eval'"));
    }
}
