//! The session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
//! sends it), `Path=/inbox` (the widget and the API never see it), `Secure` behind TLS, and no
//! `Max-Age`, so it goes when the browser closes (a shared computer forgets the session even if
//! nobody signs out). The server's expiry rules apply whatever the browser keeps.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

use crate::inbox::paths;

/// The cookie's name, and its name behind TLS: the `__Secure-` prefix makes browsers refuse it
/// unless it is `Secure` and came over HTTPS, so a network attacker cannot plant one.
pub const NAME: &str = "sp_inbox_session";
pub const SECURE_NAME: &str = "__Secure-sp_inbox_session";

pub fn name(secure: bool) -> &'static str {
    if secure {
        SECURE_NAME
    } else {
        NAME
    }
}

/// The `Set-Cookie` value that gives the browser `value`.
pub fn set(value: &str, secure: bool) -> HeaderValue {
    set_named(name(secure), value, secure)
}

/// The same, for another of the inbox's cookies (the pre-session CSRF cookie).
pub fn set_named(name: &str, value: &str, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(paths::ROOT)
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a session id is a valid header value")
}

/// The `Set-Cookie` value that makes the browser forget the cookie.
pub fn clear(secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name(secure), ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(paths::ROOT)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .expires(cookie::time::OffsetDateTime::UNIX_EPOCH)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("an empty cookie is a valid header value")
}

/// Adds a `Set-Cookie` to a response's headers (appended: a response may set several).
pub fn append(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The session cookie's value in a request, if any (the first, if a browser sent several).
pub fn read(headers: &HeaderMap, secure: bool) -> Option<String> {
    read_named(headers, name(secure))
}

/// Another cookie's value in a request.
pub fn read_named(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == wanted)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_the_inbox() {
        let plain = set("abc", false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("sp_inbox_session=abc"), "{plain}");
        for part in ["HttpOnly", "SameSite=Strict", "Path=/inbox"] {
            assert!(plain.contains(part), "{plain}");
        }
        assert!(!plain.contains("Secure"));
        assert!(
            !plain.contains("Max-Age"),
            "a session cookie goes when the browser closes"
        );
        let tls = set("abc", true);
        let tls = tls.to_str().unwrap();
        assert!(tls.starts_with("__Secure-sp_inbox_session=abc"), "{tls}");
        assert!(tls.contains("; Secure"), "{tls}");
    }

    #[test]
    fn clearing_expires_the_cookie_at_the_same_path() {
        let cleared = clear(false);
        let cleared = cleared.to_str().unwrap();
        assert!(cleared.starts_with("sp_inbox_session=;"), "{cleared}");
        assert!(
            cleared.contains("Max-Age=0") && cleared.contains("Path=/inbox"),
            "{cleared}"
        );
    }

    #[test]
    fn the_value_is_read_from_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("theme=dark; sp_inbox_session=xyz"),
        );
        headers.append(COOKIE, HeaderValue::from_static("other=1"));
        assert_eq!(read(&headers, false).as_deref(), Some("xyz"));
        assert_eq!(read(&headers, true), None, "the TLS name is another cookie");
        assert_eq!(read(&HeaderMap::new(), false), None);
    }
}
