//! How the inbox is run: its sessions' limits, its own origin, and the clock its rules read.

use super::auth::session::SessionConfig;
use crate::clock::Clock;

#[derive(Debug, Clone)]
pub struct InboxConfig {
    pub sessions: SessionConfig,
    /// The inbox's own origin (`https://inbox.example.scot`) when configured: the start of the
    /// set-password links it gives, and what a form's `Origin` must be. Without it, links start
    /// with the request's `Host` and forms are compared with it.
    pub origin: Option<String>,
    /// The clock sessions, lock-outs and links are judged by; tests set a manual one.
    pub clock: Clock,
}

impl InboxConfig {
    /// The inbox on `origin`: cookies are `Secure` (and `__Secure-` named) when it is https.
    pub fn with_origin(mut self, origin: Option<String>) -> Self {
        self.sessions.secure_cookie = origin
            .as_deref()
            .is_some_and(|origin| origin.starts_with("https://"));
        self.origin = origin;
        self
    }
}

impl Default for InboxConfig {
    /// The demo's: 30 minutes idle, 12 hours at most, plain cookies (no TLS on 127.0.0.1).
    fn default() -> Self {
        Self {
            sessions: SessionConfig {
                secure_cookie: false,
                ..SessionConfig::default()
            },
            origin: None,
            clock: Clock::system(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_origin_makes_cookies_secure() {
        let plain = InboxConfig::default();
        assert!(!plain.sessions.secure_cookie);
        let tls = InboxConfig::default().with_origin(Some("https://inbox.example.scot".into()));
        assert!(tls.sessions.secure_cookie);
        let http = InboxConfig::default().with_origin(Some("http://10.0.0.5:8081".into()));
        assert!(!http.sessions.secure_cookie);
    }
}
