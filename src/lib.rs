//! Signpost's widget: the `<signpost-widget>` custom element renders this Yew app into its
//! shadow root. `static/embed/` (bundled into `embed.js`) defines the element and calls [`mount`].

pub mod app;
pub mod browser_json;
pub mod components;
pub mod config;
pub mod context;
pub mod frame;
pub mod hooks;
pub mod i18n;
pub mod instrument;
pub mod journey;
pub mod pages;
#[cfg(feature = "prerender")]
pub mod prerender;
#[cfg(feature = "referral")]
pub mod questionnaire_file;
pub mod send;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use signpost_core::fields::CalendarDate;

use crate::app::{App, AppProps};
use crate::config::Config;
use crate::journey::{Loaded, Purpose};
use crate::send::EarlyLookup;

// Talc instead of Rust's default dlmalloc: a few KiB less to download, and faster allocation,
// which Yew's renders do a lot of.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A mounted widget; `unmount` drops it and everything it held about the person.
#[wasm_bindgen]
pub struct Widget {
    handle: Option<yew::AppHandle<App>>,
}

#[wasm_bindgen]
impl Widget {
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
    }
}

/// Renders the widget into `container` (inside the element's shadow root), configured by the
/// attributes of `host` (the `<signpost-widget>` element); `assets` is the widget's own address,
/// where the other languages' files are. On a follow-up page, `embed.js` has already asked the
/// service about the link: `lookup` is `{url, answer, settled}`, the address asked, the promise
/// of its answer (`{status, body}`, or `null` if the request failed) and, if it has come, that
/// answer itself. `on_shown` is called each time the link has been looked up and its page drawn.
/// `begun` says *Start now* was pressed on the start page's preview, which shows the first
/// question now: a referral then starts there (`Loaded::begun`).
#[wasm_bindgen]
pub fn mount(
    host: &Element,
    container: Element,
    assets: String,
    lookup: JsValue,
    on_shown: Option<js_sys::Function>,
    begun: bool,
) -> Widget {
    let preferred: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|l| l.as_string())
                .collect()
        })
        .unwrap_or_default();
    let config = Config::from_attributes(|name| host.get_attribute(name), &preferred);
    let purpose = match config.mode {
        #[cfg(feature = "referral")]
        crate::config::Mode::SelfReferral | crate::config::Mode::Assisted => Purpose::Referral {
            questionnaire: Rc::new(questionnaire_file::default_questionnaire()),
        },
        // The follow-up build has no referral: `embed.js` loads it only for `mode="follow-up"`.
        _ => Purpose::FollowUp {
            token: host.get_attribute("checkin").or_else(take_checkin_token),
        },
    };
    // Used only if it asked the address the widget would ask itself, and only once: an answer
    // already here starts the journey, else the first look-up waits for it. (A retry asks anew.)
    let early_url = browser_json::member(&lookup, "url")
        .as_string()
        .filter(|url| matches!(&purpose, Purpose::FollowUp { token: Some(token) } if *url == config.checkin_endpoint(token)));
    let looked_up = early_url
        .as_ref()
        .and_then(|_| send::settled_lookup(&browser_json::member(&lookup, "settled")));
    let early_lookup = early_url
        .filter(|_| looked_up.is_none())
        .zip(
            browser_json::member(&lookup, "answer")
                .dyn_into::<js_sys::Promise>()
                .ok(),
        )
        .map(|(url, answer)| EarlyLookup::new(url, answer));
    let setting = Loaded {
        today: today(),
        purpose,
        looked_up,
        begun,
    };
    let on_shown = on_shown.map(|f| yew::Callback::from(move |()| drop(f.call0(&JsValue::NULL))));
    let props = AppProps {
        config: Rc::new(config),
        setting,
        assets: assets.into(),
        early_lookup,
        on_shown,
    };
    Widget {
        handle: Some(yew::Renderer::<App>::with_root_and_props(container, props).render()),
    }
}

/// Today's date from the browser's clock, in the person's own time zone.
pub fn today() -> CalendarDate {
    let now = js_sys::Date::new_0();
    CalendarDate::new(
        now.get_full_year() as u16,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
    .expect("the browser's clock gives a real date")
}

/// The follow-up link's token from the page address (`?checkin=…`), taken out of the address
/// once read, so it does not linger in the browser's history or on screen.
fn take_checkin_token() -> Option<String> {
    let window = web_sys::window()?;
    let url = web_sys::Url::new(&window.location().href().ok()?).ok()?;
    let params = url.search_params();
    let token = params.get("checkin").filter(|t| !t.is_empty())?;
    params.delete("checkin");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
    Some(token)
}
