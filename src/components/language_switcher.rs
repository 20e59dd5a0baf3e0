use yew::prelude::*;

use signpost_core::Language;

use crate::i18n::Messages;
use crate::i18n::{native_name, LANGUAGES};

/// The languages, each named in itself, on every page; `current` is marked, the others are
/// buttons that call `on_choose`.
pub fn language_switcher(
    messages: &Messages,
    current: Language,
    on_choose: &Callback<Language>,
) -> Html {
    html! {
        <nav class="sp-languages" aria-label={messages.t("language.label").to_owned()}>
            <ul class="sp-languages__list">
                { for LANGUAGES.into_iter().map(|language| {
                    let code = language.as_str();
                    let name = native_name(language);
                    if language == current {
                        html! { <li class="sp-languages__item" key={code}><span class="sp-languages__current" lang={code} aria-current="true">{ name }</span></li> }
                    } else {
                        let onclick = on_choose.reform(move |_: MouseEvent| language);
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
