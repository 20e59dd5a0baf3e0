//! Cross-site request forgery: every form carries a `csrf` field that must equal its session's
//! synchronizer token (compared in constant time), and a POST from another origin is refused
//! whatever it carries. A refusal is a 403 page.
//!
//! The origin check reads the Fetch Metadata header first: `Sec-Fetch-Site` (sent by Chromium,
//! Firefox and Safari) is not changed by the referrer policy. `Origin` comes next, then `Referer`,
//! but the inbox's own `Referrer-Policy: no-referrer` makes browsers send `Origin: null` and no
//! `Referer` on its own form posts (Fetch standard, "append a request `Origin` header"), so
//! `null` and absent headers prove nothing either way and the token decides.
//!
//! Forms shown before sign-in (sign-in itself, set-password) have no session: their token is kept
//! in a short pre-session cookie (`HttpOnly`, `SameSite=Strict`, `Path=/inbox`) and the form must
//! carry the same value. Another site can neither read nor set that cookie, so it cannot make a
//! form that matches (this stops "login CSRF", signing a victim in to the attacker's account).

use std::fmt;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::session::cookie;
use super::token::{RandomnessUnavailable, SecretToken};
use crate::inbox::page::problem::Problem;

/// The form field every inbox form carries.
pub const FIELD: &str = "csrf";

/// The pre-session cookie's name, and its name behind TLS.
pub const PRE_SESSION_COOKIE: &str = "sp_inbox_form";
pub const SECURE_PRE_SESSION_COOKIE: &str = "__Secure-sp_inbox_form";

/// A synchronizer token: 256 random bits, one per session (a new one with each new session id).
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken(SecretToken);

impl CsrfToken {
    pub fn generate() -> Result<Self, RandomnessUnavailable> {
        SecretToken::generate().map(Self)
    }

    /// A token read back from the store or from the pre-session cookie.
    pub fn parse(text: &str) -> Option<Self> {
        SecretToken::parse(text).map(Self)
    }

    /// For the hidden field of a form.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether a posted value is this token, compared in constant time (the posted value's
    /// length is not secret; the comparison of equal lengths leaks nothing about the content).
    pub fn matches(&self, presented: &str) -> bool {
        self.0
            .as_str()
            .as_bytes()
            .ct_eq(presented.as_bytes())
            .into()
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken(…)")
    }
}

/// The token a request's form must carry, put in the request's extensions by whatever found the
/// session (or the pre-session cookie) before the handler runs.
#[derive(Debug, Clone)]
pub struct ExpectedCsrf(pub CsrfToken);

/// The inbox's own origin (`https://inbox.example.scot`), when configured; put in the request's
/// extensions. Without it, an `Origin` or `Referer` is compared with the request's `Host`.
#[derive(Debug, Clone)]
pub struct InboxOrigin(pub String);

/// Why a form was refused. All are 403; the page says the form has expired (which is what an
/// honest person most often meets: a form left open past the session's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfRefusal {
    /// Another origin sent it.
    CrossOrigin,
    /// No session or pre-session cookie, so no token to compare with.
    NoToken,
    /// No `csrf` field, or the wrong value.
    WrongToken,
}

impl IntoResponse for CsrfRefusal {
    fn into_response(self) -> Response {
        Problem::FormExpired.into_response()
    }
}

/// Refuses a request that says it comes from another origin.
pub fn check_same_origin(
    headers: &HeaderMap,
    origin: Option<&InboxOrigin>,
) -> Result<(), CsrfRefusal> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return if site == "same-origin" {
            Ok(())
        } else {
            Err(CsrfRefusal::CrossOrigin)
        };
    }
    let expected_host = match origin {
        Some(InboxOrigin(origin)) => host_of(origin),
        None => text(header::HOST).map(str::to_ascii_lowercase),
    };
    let claimed = match text(header::ORIGIN) {
        Some("null") | None => text(header::REFERER),
        Some(origin) => Some(origin),
    };
    match (claimed, expected_host) {
        (None, _) => Ok(()),
        (Some(claimed), Some(expected)) if host_of(claimed).is_some_and(|h| h == expected) => {
            if let Some(InboxOrigin(origin)) = origin {
                // With a configured origin the scheme must match too (no https → http downgrade).
                let scheme = |url: &str| url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
                if scheme(claimed) != scheme(origin) {
                    return Err(CsrfRefusal::CrossOrigin);
                }
            }
            Ok(())
        }
        (Some(_), _) => Err(CsrfRefusal::CrossOrigin),
    }
}

/// `host[:port]` of `scheme://host[:port]/…`, lower-cased.
fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains('@') {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// A posted form whose CSRF token and origin have been checked: the only way an inbox handler
/// reads a form, so no form can forget the check. The form type must not deny unknown fields
/// (it sees `csrf` too). A form that does not fit the type is a 400 page.
pub struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        check_same_origin(&parts.headers, parts.extensions.get::<InboxOrigin>())
            .map_err(IntoResponse::into_response)?;
        let Some(ExpectedCsrf(expected)) = parts.extensions.get::<ExpectedCsrf>().cloned() else {
            return Err(CsrfRefusal::NoToken.into_response());
        };
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Problem::BadRequest.into_response());
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| Problem::BadRequest.into_response())?;
        let presented = serde_urlencoded::from_bytes::<CsrfField>(&bytes)
            .ok()
            .and_then(|f| f.csrf)
            .unwrap_or_default();
        if !expected.matches(&presented) {
            return Err(CsrfRefusal::WrongToken.into_response());
        }
        let form = serde_urlencoded::from_bytes::<T>(&bytes)
            .map_err(|_| Problem::BadRequest.into_response())?;
        Ok(CsrfForm(form))
    }
}

/// The pre-session cookie's name for this deployment.
pub fn pre_session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_PRE_SESSION_COOKIE
    } else {
        PRE_SESSION_COOKIE
    }
}

/// The `Set-Cookie` value carrying a pre-session token, for a form shown before sign-in.
pub fn pre_session_cookie(token: &CsrfToken, secure: bool) -> HeaderValue {
    cookie::set_named(pre_session_cookie_name(secure), token.as_str(), secure)
}

/// The pre-session token a request's cookie carries, if any.
pub fn pre_session_token(headers: &HeaderMap, secure: bool) -> Option<CsrfToken> {
    cookie::read_named(headers, pre_session_cookie_name(secure)).and_then(|v| CsrfToken::parse(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_token_matches_only_itself() {
        let token = CsrfToken::generate().unwrap();
        assert!(token.matches(token.as_str()));
        assert!(!token.matches(""));
        assert!(!token.matches(&token.as_str()[..42]));
        assert!(!token.matches(CsrfToken::generate().unwrap().as_str()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let ok = headers(&[("sec-fetch-site", "same-origin"), ("origin", "null")]);
        assert_eq!(check_same_origin(&ok, None), Ok(()));
        for site in ["cross-site", "same-site", "none"] {
            let map = {
                let mut m = headers(&[("host", "inbox.example")]);
                m.insert("sec-fetch-site", HeaderValue::from_str(site).unwrap());
                m
            };
            assert_eq!(
                check_same_origin(&map, None),
                Err(CsrfRefusal::CrossOrigin),
                "{site}"
            );
        }
    }

    #[test]
    fn origin_then_referer_are_compared_with_the_host() {
        let same = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert_eq!(check_same_origin(&same, None), Ok(()));
        let other = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(
            check_same_origin(&other, None),
            Err(CsrfRefusal::CrossOrigin)
        );
        let referer = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null"),
            ("referer", "http://evil.example/page"),
        ]);
        assert_eq!(
            check_same_origin(&referer, None),
            Err(CsrfRefusal::CrossOrigin)
        );
        let tricky = headers(&[
            ("host", "inbox.example"),
            ("origin", "http://inbox.example.evil.example"),
        ]);
        assert_eq!(
            check_same_origin(&tricky, None),
            Err(CsrfRefusal::CrossOrigin)
        );
        // Our own no-referrer policy: Origin null, no Referer. The token decides.
        let ours = headers(&[("host", "inbox.example"), ("origin", "null")]);
        assert_eq!(check_same_origin(&ours, None), Ok(()));
    }

    #[test]
    fn a_configured_origin_must_match_in_scheme_and_host() {
        let origin = InboxOrigin("https://inbox.example".into());
        let ok = headers(&[("host", "10.0.0.5"), ("origin", "https://inbox.example")]);
        assert_eq!(check_same_origin(&ok, Some(&origin)), Ok(()));
        let downgrade = headers(&[("origin", "http://inbox.example")]);
        assert_eq!(
            check_same_origin(&downgrade, Some(&origin)),
            Err(CsrfRefusal::CrossOrigin)
        );
    }

    #[test]
    fn the_pre_session_cookie_carries_the_token() {
        let token = CsrfToken::generate().unwrap();
        let set = pre_session_cookie(&token, false);
        let set = set.to_str().unwrap();
        assert!(set.starts_with("sp_inbox_form="), "{set}");
        assert!(
            set.contains("HttpOnly")
                && set.contains("SameSite=Strict")
                && set.contains("Path=/inbox")
        );
        let mut request = HeaderMap::new();
        let pair = set.split(';').next().unwrap().to_owned();
        request.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        assert_eq!(pre_session_token(&request, false), Some(token));
    }

    mod extractor {
        use axum::body::Body;
        use axum::http::{Request, StatusCode};
        use axum::routing::post;
        use axum::Router;
        use tower::ServiceExt;

        use super::super::*;

        #[derive(Deserialize)]
        struct Note {
            text: String,
        }

        async fn handler(CsrfForm(note): CsrfForm<Note>) -> String {
            note.text
        }

        fn app(expected: Option<CsrfToken>) -> Router {
            Router::new()
                .route("/inbox/note", post(handler))
                .layer(axum::middleware::from_fn(
                    move |mut request: axum::extract::Request, next: axum::middleware::Next| {
                        let expected = expected.clone();
                        async move {
                            if let Some(token) = expected {
                                request.extensions_mut().insert(ExpectedCsrf(token));
                            }
                            next.run(request).await
                        }
                    },
                ))
        }

        async fn send(app: Router, body: String, site: &str) -> (StatusCode, String) {
            let request = Request::post("/inbox/note")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("host", "127.0.0.1:8080")
                .header("sec-fetch-site", site)
                .body(Body::from(body))
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        }

        #[tokio::test]
        async fn the_right_token_lets_the_form_through() {
            let token = CsrfToken::generate().unwrap();
            let body = format!("csrf={}&text=hello", token.as_str());
            let (status, text) = send(app(Some(token)), body, "same-origin").await;
            assert_eq!((status, text.as_str()), (StatusCode::OK, "hello"));
        }

        #[tokio::test]
        async fn a_missing_or_wrong_token_or_another_site_is_a_403_page() {
            let token = CsrfToken::generate().unwrap();
            let other = CsrfToken::generate().unwrap();
            let cases = [
                (Some(token.clone()), "text=hello".to_owned(), "same-origin"),
                (
                    Some(token.clone()),
                    format!("csrf={}&text=hello", other.as_str()),
                    "same-origin",
                ),
                (
                    Some(token.clone()),
                    format!("csrf={}&text=hello", token.as_str()),
                    "cross-site",
                ),
                (
                    None,
                    format!("csrf={}&text=hello", token.as_str()),
                    "same-origin",
                ),
            ];
            for (expected, body, site) in cases {
                let (status, page) = send(app(expected), body.clone(), site).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{body} from {site}");
                assert!(
                    page.contains("<h1 class=\"sp-inbox-heading-l\">This form has expired</h1>")
                );
            }
        }

        #[tokio::test]
        async fn a_form_that_does_not_fit_is_a_400_page() {
            let token = CsrfToken::generate().unwrap();
            let body = format!("csrf={}", token.as_str());
            let (status, _) = send(app(Some(token)), body, "same-origin").await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
        }
    }
}
