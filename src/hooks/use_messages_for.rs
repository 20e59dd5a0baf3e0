use std::rc::Rc;

use signpost_core::Language;
use yew::prelude::*;

use crate::browser_json;
use crate::i18n::{file_name, Messages};
use crate::send::fetch;

/// The messages to show for `language`, and the language they are in. English is always there;
/// another language's file is fetched the first time it is chosen, and English shows until it
/// arrives (or if it cannot be fetched), so the widget never stops working over a translation.
#[hook]
pub fn use_messages_for(language: Language, assets: AttrValue) -> (Messages, Language) {
    // The translations fetched so far: three at most, so a list is all the lookup needs.
    let loaded = use_state(|| Rc::new(Vec::<(Language, Messages)>::new()));
    {
        let loaded = loaded.clone();
        use_effect_with(language, move |&language| {
            if language != Language::En && translation(&loaded, language).is_none() {
                let url = format!("{assets}{}", file_name(language));
                wasm_bindgen_futures::spawn_local(async move {
                    let Some(response) = fetch::get(&url).await else {
                        return;
                    };
                    let Some(text) = fetch::text(&response).await else {
                        return;
                    };
                    // A file that is not all strings is not used, as if it had not arrived.
                    let members = browser_json::parse(&text)
                        .as_ref()
                        .and_then(browser_json::string_members);
                    if let Some(messages) = members.map(Messages::from_pairs) {
                        let mut more = (**loaded).clone();
                        more.push((language, messages));
                        loaded.set(Rc::new(more));
                    }
                });
            }
        });
    }
    match translation(&loaded, language) {
        Some(messages) => (messages, language),
        None => (Messages::english(), Language::En),
    }
}

fn translation(loaded: &[(Language, Messages)], language: Language) -> Option<Messages> {
    loaded
        .iter()
        .find(|(l, _)| *l == language)
        .map(|(_, messages)| messages.clone())
}
