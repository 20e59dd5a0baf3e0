//! The self-referral and assisted start pages, drawn ahead of time.

use super::{render, FirstPage};
use crate::i18n::Messages;

#[test]
fn the_start_pages_say_it_is_not_an_emergency_service_and_the_volunteer_confirms_presence() {
    let english = Messages::english();
    let own = render(FirstPage::Start { assisted: false });
    let assisted = render(FirstPage::Start { assisted: true });
    assert!(
        own.contains(english.t("start.heading")) && own.contains(english.t("start.not_emergency")),
        "{own}"
    );
    assert!(!own.contains(r#"type="checkbox""#), "{own}");
    assert!(
        assisted.contains(english.t("assisted.heading")) && assisted.contains("sp-widget--touch"),
        "{assisted}"
    );
    assert_eq!(
        assisted.matches(r#"type="checkbox""#).count(),
        1,
        "{assisted}"
    );
}
