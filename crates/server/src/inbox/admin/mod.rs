//! The admin pages: accounts (list, add, one account, reset, disable), the audit log, and a
//! person's rights on their referral's page (everything held as a download, erasure). Reached
//! only through [`Admin`]: anyone else signed in gets the 404 page, as for an address that does
//! not exist.

mod accounts;
mod audit_log;
mod person;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::paths;
use super::SignedIn;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    let account = |tail: &str| format!("{}{{id}}{tail}", paths::ADMIN_ACCOUNT_PREFIX);
    Router::new()
        .route(paths::ADMIN_ACCOUNTS, get(accounts::list))
        .route(
            paths::ADMIN_ADD_ACCOUNT,
            get(accounts::add_page).post(accounts::add),
        )
        .route(&account(""), get(accounts::one))
        .route(&account("/reset"), post(accounts::reset))
        .route(&account("/disable"), post(accounts::disable))
        .route(paths::ADMIN_AUDIT_LOG, get(audit_log::page))
        .route(paths::REFERRAL_PERSON_EXPORT, get(person::download))
        .route(
            paths::REFERRAL_ERASE,
            get(person::erase_form).post(person::erase),
        )
}

/// A signed-in admin. Runs before the form is read, so a link worker's POST is a 404 too.
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        signed_in
            .require_admin()
            .map_err(IntoResponse::into_response)?;
        Ok(Admin(signed_in))
    }
}
