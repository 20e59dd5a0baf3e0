//! Sending a referral: one idempotency key for every attempt, retries with backoff on failures
//! that may pass, and a plain result. Never reports success without the service's reference.

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use serde::Deserialize;
use signpost_core::RawReferral;

use crate::journey::SendFailure;

/// Attempts before the person is asked to try again themselves.
pub const MAX_ATTEMPTS: u32 = 4;
/// A request that has not answered by then is treated as lost (slow 3G still fits well inside).
const REQUEST_TIMEOUT_MS: u32 = 20_000;

#[derive(Deserialize)]
struct Accepted {
    reference: String,
}

#[derive(Deserialize)]
struct Refused {
    code: String,
    message: String,
}

enum Attempt {
    Done(String),
    Refused { code: String, message: String },
    Retryable,
}

/// A fresh idempotency key: a random UUID from the browser's CSPRNG.
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .expect("crypto.randomUUID is available in every browser Signpost supports")
}

/// Sends until the service acknowledges or refuses, or `MAX_ATTEMPTS` fail.
/// `on_retry(attempt)` is called before each new attempt, so the person can be told.
pub async fn send_referral(endpoint: &str, key: &str, referral: &RawReferral, on_retry: impl Fn(u32)) -> Result<String, SendFailure> {
    let body = serde_json::to_string(referral).expect("a referral always serialises");
    for attempt in 1..=MAX_ATTEMPTS {
        if attempt > 1 {
            on_retry(attempt);
            // 1 s, 2 s, 4 s: enough for a phone to find its signal again.
            TimeoutFuture::new(1000 << (attempt - 2)).await;
        }
        match attempt_once(endpoint, key, &body).await {
            Attempt::Done(reference) => return Ok(reference),
            Attempt::Refused { code, message } => return Err(SendFailure::Rejected { code, message }),
            Attempt::Retryable => continue,
        }
    }
    Err(SendFailure::Unreachable)
}

async fn attempt_once(endpoint: &str, key: &str, body: &str) -> Attempt {
    let controller = web_sys::AbortController::new().ok();
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || {
        if let Some(controller) = abort {
            controller.abort();
        }
    });
    let request = Request::post(endpoint)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .body(body);
    let Ok(request) = request else { return Attempt::Retryable };
    let Ok(response) = request.send().await else { return Attempt::Retryable };
    match response.status() {
        200 | 201 => match response.json::<Accepted>().await {
            Ok(accepted) => Attempt::Done(accepted.reference),
            // Acknowledged but unreadable: the same key will return the same reference.
            Err(_) => Attempt::Retryable,
        },
        // Too many requests, or the service is unwell: worth another go.
        408 | 429 | 500..=599 => Attempt::Retryable,
        _ => match response.json::<Refused>().await {
            Ok(refused) => Attempt::Refused { code: refused.code, message: refused.message },
            Err(_) => Attempt::Refused { code: String::new(), message: format!("HTTP {}", response.status()) },
        },
    }
}
