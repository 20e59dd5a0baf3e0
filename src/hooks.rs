mod use_checkin_load;
mod use_error_title;
mod use_exit_shortcut;
mod use_focus_on_change;
mod use_idle_timeout;
mod use_messages_for;
#[cfg(feature = "referral")]
mod use_revealed;
mod use_send;

pub use use_checkin_load::use_checkin_load;
pub use use_error_title::use_error_title;
pub use use_exit_shortcut::use_exit_shortcut;
pub use use_focus_on_change::use_focus_on_change;
pub use use_idle_timeout::use_idle_timeout;
pub use use_messages_for::use_messages_for;
#[cfg(feature = "referral")]
pub use use_revealed::use_revealed;
pub use use_send::use_send;

/// The id of the control for a field (a wire-format path such as `person.name`). The error
/// summary links to the same id, so both derive it here rather than typing it by hand.
pub fn field_id(field: &str) -> String {
    format!("sp-{}", field.replace(['.', '_', '[', ']'], "-"))
}
