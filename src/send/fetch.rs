//! The browser's `fetch`, called directly: what the widget needs of it is small, and a wrapper
//! crate's builder and error types cost more wasm than the calls themselves.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

/// The response to a GET of `url`; `None` if none came (offline, refused, aborted).
pub async fn get(url: &str) -> Option<Response> {
    fetch(url, &RequestInit::new()).await
}

/// The response to a POST of the JSON `body` with `headers`, given up when `signal` aborts;
/// `None` if none came.
pub async fn post_json(
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
    signal: Option<&AbortSignal>,
) -> Option<Response> {
    let all = Headers::new().ok()?;
    all.append("Content-Type", "application/json").ok()?;
    for (name, value) in headers {
        all.append(name, value).ok()?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&all);
    init.set_body(&JsValue::from_str(body));
    init.set_signal(signal);
    fetch(url, &init).await
}

/// The response's body as text; `None` if it could not be read.
pub async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

async fn fetch(url: &str, init: &RequestInit) -> Option<Response> {
    let promise = web_sys::window()?.fetch_with_str_and_init(url, init);
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}
