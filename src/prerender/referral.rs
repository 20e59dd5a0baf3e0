//! The self-referral and assisted start pages and their first question, drawn ahead of time.

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

#[test]
fn each_start_page_comes_with_its_first_question_as_start_now_leads_there() {
    let english = Messages::english();
    for assisted in [false, true] {
        let html = render(FirstPage::FirstQuestion { assisted });
        assert!(
            html.contains(&format!(
                "{}</h1></legend>",
                english.question("urgent", "label").expect("worded")
            )),
            "the question is the page's heading: {html}"
        );
        assert_eq!(
            html.matches(r#"name="answers.urgent""#).count(),
            2,
            "{html}"
        );
        assert!(!html.contains(r#"type="checkbox""#), "{html}");
        assert!(html.contains(english.t("common.continue")), "{html}");
        assert!(html.contains(english.t("common.back")), "{html}");
        assert_eq!(html.contains("sp-widget--touch"), assisted, "{html}");
    }
}
