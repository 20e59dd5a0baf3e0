//! The page each journey opens on, as the widget first draws it, rendered ahead of time by Yew's
//! server renderer (at build time, by `signpost-prerender`). `embed.js` shows it while the wasm
//! is still downloading, so a person on a slow phone can start reading and answering; the widget
//! then takes over. Rendering the same components keeps the two the same, control for control:
//! static/embed/preview.js hands the answers, presses and focus over by position, which
//! tests/journeys/preview.test.mjs holds (answers, focus, Send and Start carried over). A start
//! page comes with its first question, which the preview moves on to when *Start now* is pressed.

use std::rc::Rc;

use signpost_core::checkin::CheckinInfo;
use signpost_core::fields::CalendarDate;
use signpost_core::{Instrument, Language};
use yew::prelude::*;

use crate::config::Config;
use crate::context::{provide, Shared, Words};
use crate::frame::Frame;
use crate::i18n::Messages;
use crate::journey::{Loaded, Purpose};

/// A first page this build can draw ahead of time, in English with the default settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FirstPage {
    /// A follow-up link's questions, for the scale the link asks.
    FollowUp(Instrument),
    /// The self-referral start page (`mode="self"`), or the volunteer's (`mode="assisted"`).
    #[cfg(feature = "referral")]
    Start { assisted: bool },
    /// The page *Start now* leads to from that start page: *Do you need help urgently today?*
    #[cfg(feature = "referral")]
    FirstQuestion { assisted: bool },
}

impl FirstPage {
    /// Every first page of this build.
    pub fn all() -> Vec<FirstPage> {
        #[cfg(feature = "referral")]
        return vec![
            FirstPage::Start { assisted: false },
            FirstPage::Start { assisted: true },
            FirstPage::FirstQuestion { assisted: false },
            FirstPage::FirstQuestion { assisted: true },
        ];
        #[cfg(not(feature = "referral"))]
        return vec![
            FirstPage::FollowUp(Instrument::Wemwbs),
            FirstPage::FollowUp(Instrument::Swemwbs),
        ];
    }

    /// Its name in the file `embed.js` reads: the scale's name, or the mode's, and the mode's
    /// first question as `{mode}.first_question` (static/embed/preview.js).
    pub fn key(self) -> &'static str {
        match self {
            FirstPage::FollowUp(instrument) => instrument.as_str(),
            #[cfg(feature = "referral")]
            FirstPage::Start { assisted: false } => "self",
            #[cfg(feature = "referral")]
            FirstPage::Start { assisted: true } => "assisted",
            #[cfg(feature = "referral")]
            FirstPage::FirstQuestion { assisted: false } => "self.first_question",
            #[cfg(feature = "referral")]
            FirstPage::FirstQuestion { assisted: true } => "assisted.first_question",
        }
    }

    fn mode(self) -> &'static str {
        match self {
            FirstPage::FollowUp(_) => "follow-up",
            #[cfg(feature = "referral")]
            FirstPage::Start { assisted: true } | FirstPage::FirstQuestion { assisted: true } => {
                "assisted"
            }
            #[cfg(feature = "referral")]
            FirstPage::Start { assisted: false } | FirstPage::FirstQuestion { assisted: false } => {
                "self"
            }
        }
    }

    /// What the widget reads at start, for this page. Any date and token: no first page shows them.
    fn loaded(self) -> Loaded {
        let today = CalendarDate::new(2026, 1, 1).expect("a real date");
        match self {
            FirstPage::FollowUp(instrument) => Loaded {
                today,
                purpose: Purpose::FollowUp {
                    token: Some("preview".to_owned()),
                },
                looked_up: Some(Ok(CheckinInfo {
                    instrument,
                    has_baseline: true,
                })),
                begun: false,
            },
            // The first question is the journey begun as the widget begins it when the preview's
            // *Start now* was pressed (src/journey/start.rs): one rule draws both.
            #[cfg(feature = "referral")]
            FirstPage::Start { .. } | FirstPage::FirstQuestion { .. } => Loaded {
                today,
                purpose: Purpose::Referral {
                    questionnaire: Rc::new(signpost_core::default_questionnaire()),
                },
                looked_up: None,
                begun: matches!(self, FirstPage::FirstQuestion { .. }),
            },
        }
    }
}

#[derive(Properties, PartialEq)]
struct PreviewProps {
    page: FirstPage,
}

#[function_component]
fn Preview(props: &PreviewProps) -> Html {
    let page = props.page;
    let config = Rc::new(Config::from_attributes(
        |name| (name == "mode").then(|| page.mode().to_owned()),
        &[],
    ));
    let journey = use_reducer({
        let config = config.clone();
        move || page.loaded().journey(&config)
    });
    let words = Words {
        messages: Messages::english(),
        shown: Language::En,
    };
    provide(
        Shared {
            config,
            words,
            journey,
        },
        html! { <Frame /> },
    )
}

/// The HTML of `page`, as the browser build would first draw it.
pub fn render(page: FirstPage) -> String {
    futures::executor::block_on(
        yew::ServerRenderer::<Preview>::with_props(move || PreviewProps { page })
            .hydratable(false)
            .render(),
    )
}

// The start pages' tests sit in prerender/referral.rs: like every referral-only file, its words
// are not in the follow-up build's English.
#[cfg(all(test, feature = "referral"))]
mod referral;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_first_page_has_the_exit_the_urgent_help_link_and_no_hydration_markers() {
        for page in FirstPage::all() {
            let html = render(page);
            assert!(html.contains("sp-exit__button"), "{page:?}: {html}");
            assert!(
                html.contains(Messages::english().t("urgent.link")),
                "{page:?}: {html}"
            );
            assert!(!html.contains("<!--"), "{page:?}: {html}");
        }
    }

    #[cfg(not(feature = "referral"))]
    #[test]
    fn a_follow_up_page_has_every_statement_as_five_radios_and_its_notice() {
        for instrument in [Instrument::Wemwbs, Instrument::Swemwbs] {
            let html = render(FirstPage::FollowUp(instrument));
            assert_eq!(
                html.matches(r#"type="radio""#).count(),
                instrument.item_count() * 5,
                "{html}"
            );
            assert!(
                html.contains(Messages::english().t("followup.send")),
                "{html}"
            );
            assert!(
                html.contains("NHS Health Scotland"),
                "the scale's notice: {html}"
            );
        }
    }
}
