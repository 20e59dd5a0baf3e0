//! One page of the journey a file; each reads top to bottom as what the person sees.

mod confirmation;
mod consent;
mod contact;
mod name;
mod needs;
mod sending;
mod start;
mod urgent_help;

pub use confirmation::Confirmation;
pub use consent::Consent;
pub use contact::Contact;
pub use name::Name;
pub use needs::Needs;
pub use sending::Sending;
pub use start::Start;
pub use urgent_help::UrgentHelp;

use signpost_core::ReferralError;

use crate::i18n::Messages;

/// The translated message for the first error on `field`, if the last Continue found one.
pub(crate) fn error_for(errors: &[ReferralError], field: &str, messages: &Messages) -> Option<yew::AttrValue> {
    errors.iter().find(|e| e.field() == field).map(|e| messages.error(e).to_owned().into())
}
