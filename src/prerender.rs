//! The follow-up page as the widget first draws it, rendered ahead of time by Yew's server
//! renderer (at build time, by `signpost-prerender`). `embed.js` shows it while the wasm is still
//! downloading, so a person on a slow phone can start answering; the widget then takes over.
//! Rendering the same components is what keeps the two the same, control for control.

use std::rc::Rc;

use signpost_core::checkin::CheckinInfo;
use signpost_core::fields::CalendarDate;
use signpost_core::{Instrument, Language};
use yew::prelude::*;

use crate::app::{Frame, JourneyContext, Loaded, Words};
use crate::config::Config;
use crate::i18n::Messages;
use crate::journey::Purpose;

#[derive(Properties, PartialEq)]
struct PreviewProps {
    instrument: Instrument,
}

/// The page a follow-up link for `instrument` opens on, in English, with the default settings.
#[function_component]
fn Preview(props: &PreviewProps) -> Html {
    let config = Rc::new(Config::from_attributes(
        |name| (name == "mode").then(|| "follow-up".to_owned()),
        &[],
    ));
    let instrument = props.instrument;
    let journey = use_reducer({
        let config = config.clone();
        // Any date and token: the questions page shows neither.
        let loaded = Loaded {
            today: CalendarDate::new(2026, 1, 1).expect("a real date"),
            purpose: Purpose::FollowUp {
                token: Some("preview".to_owned()),
            },
            looked_up: Some(Ok(CheckinInfo {
                instrument,
                has_baseline: true,
            })),
        };
        move || loaded.journey(&config)
    });
    html! {
        <ContextProvider<Rc<Config>> context={config}>
            <ContextProvider<Words> context={Words { messages: Messages::english(), shown: Language::En }}>
                <ContextProvider<JourneyContext> context={journey}>
                    <Frame />
                </ContextProvider<JourneyContext>>
            </ContextProvider<Words>>
        </ContextProvider<Rc<Config>>>
    }
}

/// The HTML of the follow-up page for `instrument`, as the browser build would draw it.
pub fn follow_up_page(instrument: Instrument) -> String {
    futures::executor::block_on(
        yew::ServerRenderer::<Preview>::with_props(move || PreviewProps { instrument })
            .hydratable(false)
            .render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_every_statement_as_five_radios_and_the_exit() {
        for instrument in [Instrument::Wemwbs, Instrument::Swemwbs] {
            let html = follow_up_page(instrument);
            assert_eq!(
                html.matches(r#"type="radio""#).count(),
                instrument.item_count() * 5,
                "{html}"
            );
            assert!(html.contains("sp-exit__button"), "{html}");
            assert!(
                html.contains(Messages::english().t("followup.send")),
                "{html}"
            );
            assert!(!html.contains("<!--"), "no hydration markers: {html}");
        }
    }
}
