use yew::prelude::*;

use crate::context::JourneyContext;
use crate::i18n::Messages;
use crate::i18n::{native_name, LANGUAGES};
use crate::journey::Action;

/// The languages, each named in itself, on every page. Choosing one keeps every answer.
pub fn language_switcher(journey: &JourneyContext, messages: &Messages) -> Html {
    html! {
        <nav class="sp-languages" aria-label={messages.t("language.label").to_owned()}>
            <ul class="sp-languages__list">
                { for LANGUAGES.into_iter().map(|language| {
                    let code = language.as_str();
                    let name = native_name(language);
                    if language == journey.language {
                        html! { <li class="sp-languages__item" key={code}><span class="sp-languages__current" lang={code} aria-current="true">{ name }</span></li> }
                    } else {
                        let journey = journey.clone();
                        let onclick = Callback::from(move |_| journey.dispatch(Action::SetLanguage(language)));
                        html! {
                            <li class="sp-languages__item" key={code}>
                                <button type="button" class="sp-link-button" lang={code} {onclick}>{ name }</button>
                            </li>
                        }
                    }
                }) }
            </ul>
        </nav>
    }
}
