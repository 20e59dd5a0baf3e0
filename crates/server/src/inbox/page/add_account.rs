//! Add an account (admins only): the email, the role, and a link worker's practices.

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind, SummaryItem};
use super::layout::Layout;
use crate::inbox::auth::users::Role;
use crate::inbox::paths;
use crate::inbox::SignedIn;

/// What the admin typed, and what was wrong with it.
#[derive(Debug, Clone, Default)]
pub struct AddAccountInput {
    pub email: String,
    pub role: Option<Role>,
    pub practices: String,
    pub email_error: Option<String>,
    pub role_error: Option<String>,
    pub practices_error: Option<String>,
}

#[derive(Template)]
#[template(path = "add_account.html")]
pub struct AddAccountPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub action: &'static str,
    pub csrf: String,
    pub email: Field,
    pub role_error: Option<String>,
    pub link_worker_checked: bool,
    pub admin_checked: bool,
    pub practices: Field,
}

impl AddAccountPage {
    pub fn new(signed_in: &SignedIn, input: AddAccountInput) -> Self {
        let email = Field::new("email", "Email address", InputKind::Email, "off")
            .hint("Their work email address. They sign in with it")
            .value(input.email)
            .error(input.email_error);
        let practices = Field::new("practices", "Practices", InputKind::Text, "off")
            .hint("For a link worker: the practice codes of the practices they cover, separated by commas, like 43210, 43211")
            .width(20)
            .value(input.practices)
            .error(input.practices_error);
        let mut summary = ErrorSummary::default();
        let mut push = |field_id: &'static str, message: &Option<String>| {
            if let Some(message) = message {
                summary.items.push(SummaryItem {
                    field_id,
                    message: message.clone(),
                });
            }
        };
        push("email", &email.error);
        push("role", &input.role_error);
        push("practices", &practices.error);
        Self {
            layout: Layout::signed_in("Add an account", signed_in).with_errors(!summary.is_empty()),
            summary,
            action: paths::ADMIN_ADD_ACCOUNT,
            csrf: signed_in.csrf.as_str().to_owned(),
            email,
            role_error: input.role_error,
            link_worker_checked: input.role == Some(Role::LinkWorker),
            admin_checked: input.role == Some(Role::Admin),
            practices,
        }
    }
}
