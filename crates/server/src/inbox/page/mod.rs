//! The inbox's HTML: one askama template a page (`src/inbox/templates/`), each extending the
//! layout, in GOV.UK's markup and class names under the prefix `sp-inbox-` (the inbox is not on
//! GOV.UK, so it borrows the patterns and not the brand). askama checks every template at compile
//! time, so a missing variable is a build error, and escapes every value (`{{ … }}`) for HTML.
//!
//! askama rather than maud: the markup stays HTML that can be compared line by line with
//! govuk-frontend's own templates, and pages read top to bottom as what the person sees.

pub mod form;
pub mod headers;
pub mod layout;
pub mod problem;

pub mod account;
pub mod account_link;
pub mod add_account;
pub mod admin_account;
pub mod admin_accounts;
pub mod audit_log;
pub mod enter_code;
pub mod erase_referral;
pub mod recovery_codes;
pub mod set_password;
pub mod set_up_authenticator;
pub mod sign_in;
pub mod signed_out;

#[cfg(test)]
mod tests;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A page as a response with `status`, carrying the inbox's security headers. A template that
/// fails to render (it cannot with askama's checked templates, short of a formatting error) is a
/// plain 500 that says nothing about why; the cause is logged once.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            headers::apply(response.headers_mut());
            response
        }
        Err(error) => {
            tracing::error!(%error, "an inbox page failed to render");
            let mut response = (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service.",
            )
                .into_response();
            headers::apply(response.headers_mut());
            response
        }
    }
}
