//! What the API reads from a request: a JSON body, parsed strictly with every rejection an
//! [`ApiError`] naming its field, and the idempotency key that names a referral.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::ApiError;

/// The largest JSON body the API reads. A referral is a few hundred bytes; 64 KiB leaves room
/// for the free text to come without letting anyone make the service buffer megabytes.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// The header a client names each referral with, so that a retry is recognised.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The longest idempotency key accepted: a UUID is 36 characters, so this leaves plenty of room.
const MAX_KEY_LEN: usize = 128;

/// The client's name for one referral, the same on every retry of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = (1..=MAX_KEY_LEN).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| IdempotencyKey(text.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(IDEMPOTENCY_KEY)
            .ok_or(ApiError::IdempotencyKeyMissing)?;
        value
            .to_str()
            .ok()
            .and_then(IdempotencyKey::parse)
            .ok_or(ApiError::IdempotencyKeyMalformed)
    }
}

/// A JSON body, parsed strictly, together with the bytes it was parsed from (the service hashes
/// those to recognise a retry). Unlike axum's `Json`, every rejection is an `ApiError`, and a
/// shape error names the field it is about.
#[derive(Debug)]
pub struct JsonBody<T> {
    pub value: T,
    pub bytes: Bytes,
}

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        // The limit itself is `DefaultBodyLimit`, set where the API's routes are put together.
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::BodyTooLarge
            } else {
                ApiError::BodyUnreadable
            }
        })?;
        let value = parse_json(&bytes)?;
        Ok(JsonBody { value, bytes })
    }
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses JSON strictly: trailing content is a syntax error, and a shape error carries the dotted
/// path of the field it is about (`nhs_number`, `wellbeing.instrument`, `consent.purposes[1]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde's derived structs also accept a JSON array of their fields in order; every body this
    // API takes is an object, so refuse an array outright (once it is known to be valid JSON).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ApiError::InvalidBody {
                    field: None,
                    message: "The body must be a JSON object.".into(),
                },
                Err(e) => ApiError::MalformedJson {
                    line: e.line(),
                    column: e.column(),
                },
            },
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(shape_error)?;
    deserializer.end().map_err(|e| ApiError::MalformedJson {
        line: e.line(),
        column: e.column(),
    })?;
    Ok(value)
}

fn shape_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = error.inner();
    if inner.classify() != Category::Data {
        return ApiError::MalformedJson {
            line: inner.line(),
            column: inner.column(),
        };
    }
    // serde_json appends " at line L column C" to every message; the field says where instead.
    let detail = inner.to_string();
    let detail = detail
        .rsplit_once(" at line ")
        .map_or(detail.as_str(), |(before, _)| before);

    let mut segments: Vec<String> = error.path().iter().map(ToString::to_string).collect();
    // serde reports an unknown or a missing key only in its message: the path stops at the
    // object that holds it, so name the key too.
    let key = backticked_after(detail, "unknown field `")
        .or_else(|| backticked_after(detail, "missing field `"));
    if let Some(key) = key {
        if segments.last().map(String::as_str) != Some(key) {
            segments.push(key.to_owned());
        }
    }
    let field = join_path(&segments);

    let message = match (&field, detail) {
        (None, detail) => format!("The body does not have the expected shape: {detail}."),
        (Some(field), detail) if detail.starts_with("unknown field") => {
            format!("The field {field} is not accepted here; remove it.")
        }
        (Some(field), detail) if detail.starts_with("missing field") => {
            format!("The field {field} is missing.")
        }
        (Some(field), detail) => format!("The value of {field} is not accepted: {detail}."),
    };
    ApiError::InvalidBody { field, message }
}

/// `a`, `b`, `[0]` → `a.b[0]`; nothing → `None`.
fn join_path(segments: &[String]) -> Option<String> {
    let mut path = String::new();
    for segment in segments {
        if !path.is_empty() && !segment.starts_with('[') {
            path.push('.');
        }
        path.push_str(segment);
    }
    (!path.is_empty()).then_some(path)
}

/// The text between `prefix` (which ends with a backtick) and the next backtick.
fn backticked_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?;
    rest.split_once('`').map(|(key, _)| key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{json, Value};
    use signpost_core::RawReferral;

    use crate::fixtures::first_valid_fixture;

    #[test]
    fn idempotency_keys_are_short_and_plain() {
        assert!(IdempotencyKey::parse("550e8400-e29b-41d4-a716-446655440000").is_some());
        assert!(IdempotencyKey::parse("a").is_some());
        assert!(IdempotencyKey::parse(&"k".repeat(128)).is_some());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_none());
        assert!(IdempotencyKey::parse("").is_none());
        assert!(IdempotencyKey::parse("has space").is_none());
        assert!(IdempotencyKey::parse("semi;colon").is_none());
        assert!(IdempotencyKey::parse("é").is_none());
    }

    fn shape_field(body: &Value) -> (String, Option<String>) {
        match parse_json::<RawReferral>(body.to_string().as_bytes()) {
            Err(error @ ApiError::InvalidBody { .. }) => (error.code().to_owned(), error.field()),
            Err(other) => panic!("expected invalid_body, got {other}"),
            Ok(_) => panic!("expected {body} to be refused"),
        }
    }

    #[test]
    fn shape_errors_name_the_field_as_a_dotted_path() {
        let field_of = |adjust: &dyn Fn(&mut Value)| {
            let mut body = first_valid_fixture();
            adjust(&mut body);
            shape_field(&body).1
        };
        let field = |path: &str| Some(path.to_owned());

        assert_eq!(
            field_of(&|b| b["nhs_number"] = json!("9434765919")),
            field("nhs_number")
        );
        assert_eq!(
            field_of(&|b| b["questionnaire"]["title"] = json!("Self-referral")),
            field("questionnaire.title")
        );
        // There is no score on the wire: the service computes it, so a client cannot send one.
        assert_eq!(
            field_of(&|b| b["wellbeing"] =
                json!({ "instrument": "wemwbs", "items": vec![3; 14], "score": 70 })),
            field("wellbeing.score")
        );
        assert_eq!(
            field_of(&|b| {
                b.as_object_mut().unwrap().remove("consent");
            }),
            field("consent")
        );
        assert_eq!(
            field_of(&|b| {
                b["questionnaire"]
                    .as_object_mut()
                    .unwrap()
                    .remove("version");
            }),
            field("questionnaire.version")
        );
        assert_eq!(
            field_of(&|b| b["wellbeing"] = json!({ "instrument": "who5", "items": vec![3; 5] })),
            field("wellbeing.instrument")
        );
        assert_eq!(
            field_of(&|b| b["consent"]["purposes"] = json!(["contact_me", "astrology"])),
            field("consent.purposes[1]")
        );
        assert_eq!(
            field_of(&|b| b["wellbeing"] = json!({ "instrument": "swemwbs", "items": [3, 3, 300] })),
            field("wellbeing.items[2]")
        );
        assert_eq!(
            field_of(&|b| b["answers"]["urgent"] = json!(5)),
            field("answers.urgent")
        );

        assert_eq!(
            shape_field(&json!([1, 2])),
            ("invalid_body".to_owned(), None)
        );
        assert_eq!(
            shape_field(&json!("a string")),
            ("invalid_body".to_owned(), None)
        );
    }

    #[test]
    fn syntax_errors_and_trailing_content_are_malformed_json() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Anything {
            a: u8,
        }
        for text in ["", "{", "{\"a\": 1,}", "{\"a\": 1} {}", "not json", "[1,"] {
            match parse_json::<Anything>(text.as_bytes()) {
                Err(ApiError::MalformedJson { .. }) => {}
                other => panic!("{text:?}: expected malformed_json, got {other:?}"),
            }
        }
        assert_eq!(parse_json::<Anything>(b" {\"a\": 1}\n").unwrap().a, 1);
    }

    #[test]
    fn content_type_may_carry_a_charset() {
        let mut headers = HeaderMap::new();
        assert!(!is_json(&headers));
        for (value, expected) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("text/plain", false),
            ("application/jsonp", false),
            ("multipart/form-data", false),
        ] {
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            assert_eq!(is_json(&headers), expected, "{value}");
        }
    }
}
