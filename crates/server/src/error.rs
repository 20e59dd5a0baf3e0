//! Every way a request can fail, as one type that turns itself into a response, and the JSON
//! extractor whose rejections use it (after axum's `examples/error-handling`).
//!
//! Every API error has the same shape: `{"code", "message", "field"?}`, plus `errors` when a
//! referral has several problems. `code` is stable, for programs; `message` is a plain-English
//! sentence, for people reading logs and API responses (the widget shows its own translated
//! words, chosen by `code` and `field`). Bad input is the caller's business and is not logged as
//! an error; internal failures are logged once, here, and the caller learns nothing of them.

use std::error::Error as StdError;
use std::fmt;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::error::Category;
use signpost_core::{CheckinErrors, ReferralErrors};

/// The largest JSON body the API reads. A referral is a few hundred bytes; 64 KiB leaves room
/// for the free text to come without letting anyone make the service buffer megabytes.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// The header a client names each referral with, so that a retry is recognised.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

#[derive(Debug)]
pub enum AppError {
    IdempotencyKeyMissing,
    IdempotencyKeyMalformed,
    /// The key was used before, for a different body.
    IdempotencyKeyReused,
    UnsupportedMediaType,
    BodyTooLarge,
    BodyUnreadable,
    MalformedJson {
        line: usize,
        column: usize,
    },
    /// Valid JSON of the wrong shape: an unknown or missing field, a wrong type, an unknown value.
    InvalidBody {
        field: Option<String>,
        message: String,
    },
    /// A well-formed referral that signpost-core refused.
    InvalidReferral(ReferralErrors),
    /// No follow-up link has this token (or it was mistyped).
    CheckinUnknown,
    /// The follow-up link's time ran out before it was answered.
    CheckinExpired,
    /// The follow-up link was already answered: each is used once.
    CheckinUsed,
    /// A well-formed check-in that signpost-core refused.
    InvalidCheckin(CheckinErrors),
    NotFound,
    MethodNotAllowed,
    /// Anything that is the service's fault. The details are logged, never sent.
    Internal(Internal),
}

/// What went wrong inside the service, with what it was doing at the time.
#[derive(Debug)]
pub struct Internal {
    context: &'static str,
    source: Box<dyn StdError + Send + Sync>,
}

impl fmt::Display for Internal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.source)?;
        let mut cause = self.source.source();
        while let Some(inner) = cause {
            write!(f, ": {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}

impl AppError {
    /// For `map_err`: `.map_err(AppError::internal("storing a referral"))`.
    pub fn internal<E>(context: &'static str) -> impl FnOnce(E) -> AppError
    where
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        move |source| {
            AppError::Internal(Internal {
                context,
                source: source.into(),
            })
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::IdempotencyKeyMissing
            | AppError::IdempotencyKeyMalformed
            | AppError::BodyUnreadable
            | AppError::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            AppError::IdempotencyKeyReused
            | AppError::InvalidBody { .. }
            | AppError::InvalidReferral(_)
            | AppError::InvalidCheckin(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::CheckinUnknown => StatusCode::NOT_FOUND,
            AppError::CheckinExpired | AppError::CheckinUsed => StatusCode::GONE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::IdempotencyKeyMissing => "idempotency_key_missing",
            AppError::IdempotencyKeyMalformed => "idempotency_key_malformed",
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::BodyTooLarge => "body_too_large",
            AppError::BodyUnreadable => "body_unreadable",
            AppError::MalformedJson { .. } => "malformed_json",
            AppError::InvalidBody { .. } => "invalid_body",
            AppError::InvalidReferral(errors) => errors.first().code(),
            AppError::CheckinUnknown => "checkin_unknown",
            AppError::CheckinExpired => "checkin_expired",
            AppError::CheckinUsed => "checkin_used",
            AppError::InvalidCheckin(errors) => errors.first().code(),
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::IdempotencyKeyMissing => {
                "Send an Idempotency-Key header that names this referral, so a retry is not stored twice.".into()
            }
            AppError::IdempotencyKeyMalformed => {
                "The Idempotency-Key header must be 1 to 128 letters, digits, dashes or underscores.".into()
            }
            AppError::IdempotencyKeyReused => {
                "This Idempotency-Key was already used for a different referral; make a new key for each referral."
                    .into()
            }
            AppError::UnsupportedMediaType => "Send the body as JSON, with Content-Type: application/json.".into(),
            AppError::BodyTooLarge => {
                format!("The body must be {} KiB or smaller.", MAX_JSON_BODY_BYTES / 1024)
            }
            AppError::BodyUnreadable => "The body could not be read completely.".into(),
            AppError::MalformedJson { line, column } => {
                format!("The body is not valid JSON (line {line}, column {column}).")
            }
            AppError::InvalidBody { message, .. } => message.clone(),
            AppError::InvalidReferral(errors) => errors.first().message(),
            AppError::CheckinUnknown => {
                "There is no follow-up check-in at this link; check that the whole link was copied.".into()
            }
            AppError::CheckinExpired => {
                "This follow-up link has expired; ask your link worker for a new one.".into()
            }
            AppError::CheckinUsed => "This follow-up check-in has already been answered.".into(),
            AppError::InvalidCheckin(errors) => errors.first().message(),
            AppError::NotFound => "There is nothing at this address.".into(),
            AppError::MethodNotAllowed => "This address does not accept that method.".into(),
            AppError::Internal(_) => "Something went wrong on our side. Please try again in a moment.".into(),
        }
    }

    /// Where the problem is: a header's name, or a path into the body such as `answers.phone`
    /// or `wellbeing.items[4]`.
    pub fn field(&self) -> Option<String> {
        match self {
            AppError::IdempotencyKeyMissing
            | AppError::IdempotencyKeyMalformed
            | AppError::IdempotencyKeyReused => Some(IDEMPOTENCY_KEY.to_owned()),
            AppError::InvalidBody { field, .. } => field.clone(),
            AppError::InvalidReferral(errors) => Some(errors.first().field()),
            AppError::InvalidCheckin(errors) => Some(errors.first().field()),
            _ => None,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Internal(internal) => internal.fmt(f),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

/// The JSON every API error is sent as.
#[derive(Debug, Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// Every problem with a referral or a check-in, the first of which is repeated above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
}

#[derive(Debug, Serialize)]
struct FieldError {
    code: &'static str,
    message: String,
    field: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(internal) = &self {
            tracing::error!(error = %internal, "request failed");
        }
        let errors = match &self {
            AppError::InvalidReferral(errors) => errors
                .iter()
                .map(|e| FieldError {
                    code: e.code(),
                    message: e.message(),
                    field: e.field(),
                })
                .collect(),
            AppError::InvalidCheckin(errors) => errors
                .iter()
                .map(|e| FieldError {
                    code: e.code(),
                    message: e.message(),
                    field: e.field(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            code: self.code(),
            message: self.message(),
            field: self.field(),
            errors,
        };
        (self.status(), Json(body)).into_response()
    }
}

impl From<ReferralErrors> for AppError {
    fn from(errors: ReferralErrors) -> Self {
        AppError::InvalidReferral(errors)
    }
}

impl From<CheckinErrors> for AppError {
    fn from(errors: CheckinErrors) -> Self {
        AppError::InvalidCheckin(errors)
    }
}

/// A JSON body, parsed strictly, together with the bytes it was parsed from (the service hashes
/// those to recognise a retry). Unlike axum's `Json`, every rejection is an `AppError`, and a
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
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType);
        }
        // The limit itself is `DefaultBodyLimit`, set where the API's routes are put together.
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::BodyTooLarge
            } else {
                AppError::BodyUnreadable
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
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // serde's derived structs also accept a JSON array of their fields in order; every body this
    // API takes is an object, so refuse an array outright (once it is known to be valid JSON).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => AppError::InvalidBody {
                    field: None,
                    message: "The body must be a JSON object.".into(),
                },
                Err(e) => AppError::MalformedJson {
                    line: e.line(),
                    column: e.column(),
                },
            },
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(shape_error)?;
    deserializer.end().map_err(|e| AppError::MalformedJson {
        line: e.line(),
        column: e.column(),
    })?;
    Ok(value)
}

fn shape_error(error: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let inner = error.inner();
    if inner.classify() != Category::Data {
        return AppError::MalformedJson {
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
    AppError::InvalidBody { field, message }
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
    use axum::body::to_bytes;
    use serde::Deserialize;
    use serde_json::{json, Value};
    use signpost_core::fields::CalendarDate;
    use signpost_core::{default_questionnaire, AnswerValue, RawReferral, Referral};

    async fn body_of(error: AppError) -> (StatusCode, Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    /// A valid referral: the first of the shared fixtures, so no test types one out again.
    fn valid_referral() -> Value {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/referrals/valid"
        );
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        serde_json::from_str(&std::fs::read_to_string(&paths[0]).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn a_simple_error_has_code_message_and_field_only() {
        let (status, body) = body_of(AppError::IdempotencyKeyMissing).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let object = body.as_object().unwrap();
        assert_eq!(
            object.keys().collect::<Vec<_>>(),
            ["code", "field", "message"]
        );
        assert_eq!(body["code"], "idempotency_key_missing");
        assert_eq!(body["field"], "Idempotency-Key");
        assert!(body["message"].as_str().unwrap().ends_with('.'));
    }

    #[tokio::test]
    async fn an_error_without_a_field_omits_it() {
        let (status, body) = body_of(AppError::UnsupportedMediaType).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        assert_eq!(body["code"], "unsupported_media_type");
    }

    #[tokio::test]
    async fn an_invalid_referral_lists_every_problem_and_repeats_the_first() {
        let mut raw: RawReferral = serde_json::from_value(valid_referral()).unwrap();
        raw.answers.remove("needs");
        raw.answers
            .insert("name".into(), AnswerValue::One(" ".into()));
        let today = CalendarDate {
            year: 2026,
            month: 11,
            day: 25,
        };
        let errors = Referral::parse(raw, &default_questionnaire(), today).unwrap_err();
        let (status, body) = body_of(errors.into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "answer_missing");
        assert_eq!(body["field"], "answers.needs");
        assert_eq!(body["message"], "This question needs an answer.");
        let all: Vec<_> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (&e["code"], &e["field"]))
            .collect();
        assert_eq!(
            all,
            [
                (&json!("answer_missing"), &json!("answers.needs")),
                (&json!("answer_missing"), &json!("answers.name"))
            ]
        );
    }

    #[tokio::test]
    async fn an_internal_error_reveals_nothing() {
        let error = AppError::internal("opening the database")(std::io::Error::other(
            "/secret/path is locked",
        ));
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["code"], "internal");
        assert!(!body.to_string().contains("secret"), "{body}");
    }

    fn shape_field(body: &Value) -> (String, Option<String>) {
        match parse_json::<RawReferral>(body.to_string().as_bytes()) {
            Err(error @ AppError::InvalidBody { .. }) => (error.code().to_owned(), error.field()),
            Err(other) => panic!("expected invalid_body, got {other}"),
            Ok(_) => panic!("expected {body} to be refused"),
        }
    }

    #[test]
    fn shape_errors_name_the_field_as_a_dotted_path() {
        let field_of = |adjust: &dyn Fn(&mut Value)| {
            let mut body = valid_referral();
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
                Err(AppError::MalformedJson { .. }) => {}
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
