//! Sending to the service: one idempotency key for every attempt, retries with backoff on
//! failures that may pass, and a plain result. Never reports success without the service's answer.

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use signpost_core::checkin::{CheckinInfo, CheckinResult, RawCheckin};
use signpost_core::RawReferral;

use crate::journey::{SendFailure, Unavailable};

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

enum Attempt<T> {
    Done(T),
    Refused { status: u16, code: String, message: String },
    Retryable,
}

/// A fresh idempotency key: a random UUID from the browser's CSPRNG.
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .expect("crypto.randomUUID is available in every browser Signpost supports")
}

/// Sends a referral until the service acknowledges or refuses it, or `MAX_ATTEMPTS` fail;
/// returns the reference. `on_retry(attempt)` is called before each new attempt.
pub async fn send_referral(endpoint: &str, key: &str, referral: &RawReferral, on_retry: impl Fn(u32)) -> Result<String, SendFailure> {
    send_with_retries::<Accepted>(endpoint, Some(key), referral, on_retry).await.map(|a| a.reference)
}

/// Sends a follow-up check-in. Its link's token is single-use, so it needs no idempotency key:
/// a retry after a lost answer is refused as used, and says so.
pub async fn send_checkin(endpoint: &str, checkin: &RawCheckin, on_retry: impl Fn(u32)) -> Result<CheckinResult, SendFailure> {
    send_with_retries(endpoint, None, checkin, on_retry).await
}

/// What a follow-up link asks, or why it cannot be used.
pub async fn load_checkin(endpoint: &str) -> Result<CheckinInfo, Unavailable> {
    let Ok(response) = Request::get(endpoint).send().await else { return Err(Unavailable::Unreachable) };
    match response.status() {
        200 => response.json().await.map_err(|_| Unavailable::Unreachable),
        404 => Err(Unavailable::Unknown),
        410 => match response.json::<Refused>().await {
            Ok(refused) if refused.code == "checkin_used" => Err(Unavailable::Used),
            _ => Err(Unavailable::Expired),
        },
        _ => Err(Unavailable::Unreachable),
    }
}

async fn send_with_retries<T: DeserializeOwned>(
    endpoint: &str,
    key: Option<&str>,
    body: &impl Serialize,
    on_retry: impl Fn(u32),
) -> Result<T, SendFailure> {
    let body = serde_json::to_string(body).expect("what the widget sends always serialises");
    for attempt in 1..=MAX_ATTEMPTS {
        if attempt > 1 {
            on_retry(attempt);
            // 1 s, 2 s, 4 s: enough for a phone to find its signal again.
            TimeoutFuture::new(1000 << (attempt - 2)).await;
        }
        match attempt_once(endpoint, key, &body).await {
            Attempt::Done(answer) => return Ok(answer),
            Attempt::Refused { status: 410, code, .. } if code == "checkin_used" => {
                return Err(SendFailure::Unavailable(Unavailable::Used))
            }
            Attempt::Refused { code, message, .. } => return Err(SendFailure::Rejected { code, message }),
            Attempt::Retryable => continue,
        }
    }
    Err(SendFailure::Unreachable)
}

async fn attempt_once<T: DeserializeOwned>(endpoint: &str, key: Option<&str>, body: &str) -> Attempt<T> {
    let controller = web_sys::AbortController::new().ok();
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || {
        if let Some(controller) = abort {
            controller.abort();
        }
    });
    let mut request = Request::post(endpoint).header("Content-Type", "application/json");
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let request = request.abort_signal(controller.as_ref().map(|c| c.signal()).as_ref()).body(body);
    let Ok(request) = request else { return Attempt::Retryable };
    let Ok(response) = request.send().await else { return Attempt::Retryable };
    let status = response.status();
    match status {
        200 | 201 => match response.json::<T>().await {
            Ok(answer) => Attempt::Done(answer),
            // Acknowledged but unreadable: the same key will return the same answer.
            Err(_) => Attempt::Retryable,
        },
        // Too many requests, or the service is unwell: worth another go.
        408 | 429 | 500..=599 => Attempt::Retryable,
        _ => match response.json::<Refused>().await {
            Ok(refused) => Attempt::Refused { status, code: refused.code, message: refused.message },
            Err(_) => Attempt::Refused { status, code: String::new(), message: format!("HTTP {status}") },
        },
    }
}
