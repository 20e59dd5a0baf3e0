//! Component tests: the real Yew app rendered in headless Chromium (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use signpost_core::fields::CalendarDate;
use signpost_widget::app::{App, AppProps};
use signpost_widget::config::Config;
use signpost_widget::journey::Loaded;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn render() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let config =
        Config::from_attributes(|name| (name == "practice").then(|| "43210".to_owned()), &[]);
    let setting = Loaded {
        today: CalendarDate::new(2026, 11, 25).unwrap(),
        purpose: signpost_widget::journey::Purpose::Referral {
            questionnaire: Rc::new(signpost_core::default_questionnaire()),
        },
        looked_up: None,
        begun: false,
    };
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            config: Rc::new(config),
            setting,
            assets: Default::default(),
            early_lookup: None,
            on_shown: None,
        },
    )
    .render();
    root
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap()
        .trim()
        .to_owned()
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn start_then_needs_page_with_every_area_in_a_labelled_fieldset() {
    let root = render();
    yew::scheduler::flush().await;
    assert_eq!(text(&root, "h1"), "Get help from a community link worker");
    assert!(
        root.query_selector(".sp-exit__button").unwrap().is_some(),
        "exit on the start page"
    );

    click(&root, ".sp-button--start");
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "fieldset legend h1"),
        "Do you need help urgently today?"
    );
    click(&root, "input[value=no]");
    yew::scheduler::flush().await;
    click(&root, "form button[type=submit]");
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "fieldset legend h1"),
        "What would you like help with?"
    );
    let boxes = root
        .query_selector_all("fieldset input[type=checkbox]")
        .unwrap();
    assert_eq!(boxes.length(), 14);
    for i in 0..boxes.length() {
        let input: Element = boxes.item(i).unwrap().unchecked_into();
        let id = input.id();
        assert!(
            root.query_selector(&format!("label[for='{id}']"))
                .unwrap()
                .is_some(),
            "{id} has a label"
        );
    }
    assert!(
        root.query_selector(".sp-exit__button").unwrap().is_some(),
        "exit on every page"
    );
}

#[wasm_bindgen_test]
async fn continue_without_an_answer_shows_the_error_summary_and_inline_message() {
    let root = render();
    yew::scheduler::flush().await;
    click(&root, ".sp-button--start");
    yew::scheduler::flush().await;
    click(&root, "form button[type=submit]");
    yew::scheduler::flush().await;

    assert_eq!(
        text(&root, ".sp-error-summary__title"),
        "There is a problem"
    );
    assert_eq!(
        text(&root, ".sp-error-summary a"),
        "Select yes if you need help urgently today, or no if you do not"
    );
    assert_eq!(
        text(&root, ".sp-error-message"),
        "Error: Select yes if you need help urgently today, or no if you do not"
    );
    let fieldset = root.query_selector("fieldset").unwrap().unwrap();
    let described = fieldset.get_attribute("aria-describedby").unwrap();
    assert!(described
        .split(' ')
        .all(|id| root.query_selector(&format!("#{id}")).unwrap().is_some()));
}
