//! Every way an API request can fail, as one type that turns itself into a response (after
//! axum's `examples/error-handling`).
//!
//! Every API error has the same shape: `{"code", "message", "field"?}`, plus `errors` when a
//! referral or a check-in has several problems. `code` is stable, for programs; `message` is a
//! plain-English sentence, for people reading logs and API responses (the widget shows its own
//! translated words, chosen by `code` and `field`). Bad input is the caller's business and is not
//! logged as an error; internal failures are logged once, here, and the caller learns nothing of
//! them.

use std::error::Error as StdError;
use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use signpost_core::{Problem, Problems};

use super::extract::{IDEMPOTENCY_KEY, MAX_JSON_BODY_BYTES};
use crate::store::{LinkClosed, StoreError};

#[derive(Debug)]
pub enum ApiError {
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
    /// A well-formed referral or check-in that signpost-core refused: every problem, the first of
    /// which is the error's own code, message and field.
    Refused(Refusal),
    /// A follow-up link that cannot be answered: unknown (404), expired or used (410).
    Checkin(LinkClosed),
    NotFound,
    MethodNotAllowed,
    /// Too many requests from one client (`http::rate_limit`); sent with `Retry-After`.
    RateLimited {
        retry_after_secs: u64,
    },
    /// Anything that is the service's fault. The details are logged, never sent.
    Internal(Internal),
}

/// What an error is sent as, apart from the list of problems.
struct Parts {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

impl ApiError {
    /// For `map_err`: `.map_err(ApiError::internal("reading the clock"))`.
    pub fn internal<E>(context: &'static str) -> impl FnOnce(E) -> ApiError
    where
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        move |source| {
            ApiError::Internal(Internal {
                context,
                source: source.into(),
            })
        }
    }

    /// Each error's status, code, message and field, in one place.
    fn parts(&self) -> Parts {
        use StatusCode as S;
        let part = |status, code, message: &str, field: Option<String>| Parts {
            status,
            code,
            message: message.to_owned(),
            field,
        };
        let key = || Some(IDEMPOTENCY_KEY.to_owned());
        match self {
            ApiError::IdempotencyKeyMissing => part(
                S::BAD_REQUEST,
                "idempotency_key_missing",
                "Send an Idempotency-Key header that names this referral, so a retry is not stored twice.",
                key(),
            ),
            ApiError::IdempotencyKeyMalformed => part(
                S::BAD_REQUEST,
                "idempotency_key_malformed",
                "The Idempotency-Key header must be 1 to 128 letters, digits, dashes or underscores.",
                key(),
            ),
            ApiError::IdempotencyKeyReused => part(
                S::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different referral; make a new key for each referral.",
                key(),
            ),
            ApiError::UnsupportedMediaType => part(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
                None,
            ),
            ApiError::BodyTooLarge => part(
                S::PAYLOAD_TOO_LARGE,
                "body_too_large",
                &format!("The body must be {} KiB or smaller.", MAX_JSON_BODY_BYTES / 1024),
                None,
            ),
            ApiError::BodyUnreadable => part(
                S::BAD_REQUEST,
                "body_unreadable",
                "The body could not be read completely.",
                None,
            ),
            ApiError::MalformedJson { line, column } => part(
                S::BAD_REQUEST,
                "malformed_json",
                &format!("The body is not valid JSON (line {line}, column {column})."),
                None,
            ),
            ApiError::InvalidBody { field, message } => {
                part(S::UNPROCESSABLE_ENTITY, "invalid_body", message, field.clone())
            }
            ApiError::Refused(Refusal(problems)) => {
                let first = &problems[0];
                part(
                    S::UNPROCESSABLE_ENTITY,
                    first.code,
                    &first.message,
                    Some(first.field.clone()),
                )
            }
            ApiError::Checkin(LinkClosed::Unknown) => part(
                S::NOT_FOUND,
                "checkin_unknown",
                "There is no follow-up check-in at this link; check that the whole link was copied.",
                None,
            ),
            ApiError::Checkin(LinkClosed::Expired) => part(
                S::GONE,
                "checkin_expired",
                "This follow-up link has expired; ask your link worker for a new one.",
                None,
            ),
            ApiError::Checkin(LinkClosed::Used) => part(
                S::GONE,
                "checkin_used",
                "This follow-up check-in has already been answered.",
                None,
            ),
            ApiError::NotFound => part(
                S::NOT_FOUND,
                "not_found",
                "There is nothing at this address.",
                None,
            ),
            ApiError::MethodNotAllowed => part(
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This address does not accept that method.",
                None,
            ),
            ApiError::RateLimited { retry_after_secs } => part(
                S::TOO_MANY_REQUESTS,
                "rate_limited",
                &format!(
                    "Too many requests have come from this address in a short time; wait {retry_after_secs} seconds and try again."
                ),
                None,
            ),
            ApiError::Internal(_) => part(
                S::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Please try again in a moment.",
                None,
            ),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.parts().status
    }

    pub fn code(&self) -> &'static str {
        self.parts().code
    }

    pub fn message(&self) -> String {
        self.parts().message
    }

    /// Where the problem is: a header's name, or a path into the body such as `answers.phone`
    /// or `wellbeing.items[4]`.
    pub fn field(&self) -> Option<String> {
        self.parts().field
    }
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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(internal) => internal.fmt(f),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

/// One problem with a referral or a check-in, as listed in `errors`.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    code: &'static str,
    message: String,
    field: String,
}

/// Every problem signpost-core found, in its order; never empty, as only `Problems` makes one.
#[derive(Debug, Clone)]
pub struct Refusal(Vec<FieldError>);

impl<E: Problem> From<Problems<E>> for ApiError {
    fn from(problems: Problems<E>) -> Self {
        ApiError::Refused(Refusal(
            problems
                .iter()
                .map(|e| FieldError {
                    code: e.code(),
                    message: e.message(),
                    field: e.field(),
                })
                .collect(),
        ))
    }
}

impl From<LinkClosed> for ApiError {
    fn from(closed: LinkClosed) -> Self {
        ApiError::Checkin(closed)
    }
}

/// Storage failing is always the service's fault.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        let context = match error {
            StoreError::Interrupted(_) => "waiting for the database",
            StoreError::Engine(_) => "using the database",
        };
        ApiError::internal(context)(error)
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(internal) = &self {
            tracing::error!(error = %internal, "request failed");
        }
        let Parts {
            status,
            code,
            message,
            field,
        } = self.parts();
        let retry_after = match &self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let errors = match self {
            ApiError::Refused(Refusal(problems)) => problems,
            _ => Vec::new(),
        };
        let body = ErrorBody {
            code,
            message,
            field,
            errors,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;
    use serde_json::{json, Value};
    use signpost_core::fields::CalendarDate;
    use signpost_core::{default_questionnaire, AnswerValue, RawReferral, Referral};

    use crate::fixtures::first_valid_fixture;

    async fn body_of(error: ApiError) -> (StatusCode, Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_simple_error_has_code_message_and_field_only() {
        let (status, body) = body_of(ApiError::IdempotencyKeyMissing).await;
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
        let (status, body) = body_of(ApiError::UnsupportedMediaType).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        assert_eq!(body["code"], "unsupported_media_type");
    }

    #[tokio::test]
    async fn an_invalid_referral_lists_every_problem_and_repeats_the_first() {
        let mut raw: RawReferral = serde_json::from_value(first_valid_fixture()).unwrap();
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
        let error = ApiError::internal("opening the database")(std::io::Error::other(
            "/secret/path is locked",
        ));
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["code"], "internal");
        assert!(!body.to_string().contains("secret"), "{body}");
    }
}
