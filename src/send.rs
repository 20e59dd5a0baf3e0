//! Sending to the service: one idempotency key for every attempt, retries with backoff on
//! failures that may pass, and a plain result. Never reports success without the service's answer.

pub mod answer;
pub mod fetch;

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use signpost_core::checkin::{CheckinInfo, CheckinResult, RawCheckin};
use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::browser_json;
use crate::journey::{SendFailure, Unavailable};
use answer::Refusal;

/// Attempts before the person is asked to try again themselves.
pub const MAX_ATTEMPTS: u32 = 4;
/// A request that has not answered by then is treated as lost (slow 3G still fits well inside).
const REQUEST_TIMEOUT_MS: u32 = 20_000;

/// Reads one kind of answer from the JSON the browser parsed; `None` if it is not that.
type Reader<T> = fn(&JsValue) -> Option<T>;

enum Attempt<T> {
    Done(T),
    Refused {
        status: u16,
        code: String,
        message: String,
    },
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
#[cfg(feature = "referral")]
pub async fn send_referral(
    endpoint: &str,
    key: &str,
    referral: &signpost_core::RawReferral,
    on_retry: impl Fn(u32),
) -> Result<String, SendFailure> {
    let body = referral.to_json();
    send_with_retries(endpoint, Some(key), &body, answer::reference, on_retry).await
}

/// Sends a follow-up check-in. Its link's token is single-use, so it needs no idempotency key:
/// a retry after a lost answer is refused as used, and says so.
pub async fn send_checkin(
    endpoint: &str,
    checkin: &RawCheckin,
    on_retry: impl Fn(u32),
) -> Result<CheckinResult, SendFailure> {
    let body = checkin.to_json();
    send_with_retries(endpoint, None, &body, answer::checkin_result, on_retry).await
}

/// A follow-up link's look-up that `embed.js` started while the wasm was downloading: a round
/// trip saved on a slow phone. Used once, and only for the address the widget would ask itself.
#[derive(Clone, Debug)]
pub struct EarlyLookup {
    url: String,
    answer: Rc<RefCell<Option<Promise>>>,
}

impl EarlyLookup {
    pub fn new(url: String, answer: Promise) -> Self {
        Self {
            url,
            answer: Rc::new(RefCell::new(Some(answer))),
        }
    }

    /// The answer from `endpoint`, if this look-up asked it and nothing has taken it yet.
    pub fn take_for(&self, endpoint: &str) -> Option<Promise> {
        (self.url == endpoint)
            .then(|| self.answer.borrow_mut().take())
            .flatten()
    }
}

impl PartialEq for EarlyLookup {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.answer, &other.answer)
    }
}

/// What a follow-up link asks, or why it cannot be used; `early` is the answer to the request
/// `embed.js` already made: `{status, body}` read in full, or `null` when it failed.
pub async fn load_checkin(
    endpoint: &str,
    early: Option<Promise>,
) -> Result<CheckinInfo, Unavailable> {
    let answer = match early {
        Some(early) => JsFuture::from(early)
            .await
            .ok()
            .and_then(|answer| lookup_answer(&answer)),
        None => match fetch::get(endpoint).await {
            Some(response) => Some((response.status(), fetch::text(&response).await)),
            None => None,
        },
    };
    read_lookup(answer)
}

/// The look-up `embed.js` made, if it had already answered when the widget started (`undefined`
/// if not yet): the questions then draw in the widget's first render, without a loading page.
pub fn settled_lookup(settled: &JsValue) -> Option<Result<CheckinInfo, Unavailable>> {
    (!settled.is_undefined()).then(|| read_lookup(lookup_answer(settled)))
}

/// `{status, body}` as `embed.js` gives it; `None` for its `null` (the request failed).
fn lookup_answer(answer: &JsValue) -> Option<(u16, Option<String>)> {
    let status = browser_json::member(answer, "status").as_f64()?;
    Some((
        status as u16,
        browser_json::member(answer, "body").as_string(),
    ))
}

/// What the service's answer to a look-up means: `None` is no answer at all.
fn read_lookup(answer: Option<(u16, Option<String>)>) -> Result<CheckinInfo, Unavailable> {
    let Some((status, body)) = answer else {
        return Err(Unavailable::Unreachable);
    };
    let body = body.as_deref().and_then(browser_json::parse);
    match status {
        200 => body
            .as_ref()
            .and_then(answer::checkin_info)
            .ok_or(Unavailable::Unreachable),
        404 => Err(Unavailable::Unknown),
        410 => match body.as_ref().and_then(answer::refusal) {
            Some(refusal) if refusal.code == "checkin_used" => Err(Unavailable::Used),
            _ => Err(Unavailable::Expired),
        },
        _ => Err(Unavailable::Unreachable),
    }
}

async fn send_with_retries<T>(
    endpoint: &str,
    key: Option<&str>,
    body: &str,
    reader: Reader<T>,
    on_retry: impl Fn(u32),
) -> Result<T, SendFailure> {
    for attempt in 1..=MAX_ATTEMPTS {
        if attempt > 1 {
            on_retry(attempt);
            // 1 s, 2 s, 4 s: enough for a phone to find its signal again.
            TimeoutFuture::new(1000 << (attempt - 2)).await;
        }
        match attempt_once(endpoint, key, body, reader).await {
            Attempt::Done(answer) => return Ok(answer),
            Attempt::Refused {
                status: 410, code, ..
            } if code == "checkin_used" => return Err(SendFailure::Unavailable(Unavailable::Used)),
            Attempt::Refused { code, message, .. } => {
                return Err(SendFailure::Rejected { code, message })
            }
            Attempt::Retryable => continue,
        }
    }
    Err(SendFailure::Unreachable)
}

async fn attempt_once<T>(
    endpoint: &str,
    key: Option<&str>,
    body: &str,
    reader: Reader<T>,
) -> Attempt<T> {
    let controller = web_sys::AbortController::new().ok();
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || {
        if let Some(controller) = abort {
            controller.abort();
        }
    });
    let headers: &[(&str, &str)] = match key {
        Some(key) => &[("Idempotency-Key", key)],
        None => &[],
    };
    let signal = controller.as_ref().map(|c| c.signal());
    let Some(response) = fetch::post_json(endpoint, body, headers, signal.as_ref()).await else {
        return Attempt::Retryable;
    };
    let status = response.status();
    match status {
        200 | 201 => match read(&response, reader).await {
            Some(answer) => Attempt::Done(answer),
            // Acknowledged but unreadable: the same key will return the same answer.
            None => Attempt::Retryable,
        },
        // Too many requests, or the service is unwell: worth another go.
        408 | 429 | 500..=599 => Attempt::Retryable,
        _ => match read(&response, answer::refusal).await {
            Some(Refusal { code, message }) => Attempt::Refused {
                status,
                code,
                message,
            },
            None => Attempt::Refused {
                status,
                code: String::new(),
                message: format!("HTTP {status}"),
            },
        },
    }
}

/// The response's body as `reader` reads it; `None` if the body cannot be had, is not JSON, or
/// is not what `reader` reads. The browser parses it: serde_json's parser would cost the wasm KiB.
async fn read<T>(response: &Response, reader: Reader<T>) -> Option<T> {
    let text = fetch::text(response).await?;
    reader(&browser_json::parse(&text)?)
}
