//! The link workers' inbox: server-rendered HTML that works without JavaScript, in GOV.UK's
//! patterns, behind a careful sign-in (password, TOTP, server-side sessions, CSRF on every form).
//!
//! `auth` holds the rules (none of them touching storage) and `page` the templates and the
//! headers every inbox response carries; `paths` names every address once. The rest puts them
//! to work over the store: [`router`] with its session layer ([`session`]), the extractors that
//! turn away whoever may not be somewhere ([`signed_in`]), and one file a flow.

pub mod account;
pub mod admin;
pub mod auth;
pub mod casework;
pub mod config;
pub mod enrolment;
pub mod error;
pub mod fhir_export;
pub mod manage;
pub mod monitoring;
pub mod page;
pub mod password_link;
pub mod paths;
pub mod session;
pub mod sign_in;
pub mod sign_out;
pub mod signed_in;

use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

pub use config::InboxConfig;
pub use signed_in::SignedIn;

use crate::AppState;
use page::headers::security_headers;
use page::problem::Problem;

/// The inbox's stylesheet, built into the binary so the inbox needs no site folder: the
/// foundations' patterns, then the account pages'.
const STYLESHEET: &str = concat!(
    include_str!("../../../../static/inbox/inbox.css"),
    include_str!("../../../../static/inbox/accounts.css"),
    include_str!("../../../../static/inbox/casework.css"),
    include_str!("../../../../static/inbox/monitoring.css")
);

/// Every inbox route under `/inbox`, with the session layer and the security headers on every
/// response (pages, redirects, errors, the stylesheet, and the 404 for anything else under
/// `/inbox`). `app` merges it beside the site; `serve --inbox-addr` serves [`standalone`].
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(paths::STYLESHEET, get(stylesheet))
        .merge(sign_in::routes(&state))
        .merge(password_link::routes(&state))
        .merge(enrolment::routes())
        .merge(sign_out::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(casework::routes())
        .merge(fhir_export::routes())
        .merge(monitoring::routes())
        .route("/inbox/{*rest}", any(not_found))
        .layer(from_fn_with_state(state.clone(), session::layer))
        .layer(map_response(security_headers))
        .with_state(state)
}

/// The inbox on an address of its own: `/` leads to it, and anything else is its 404.
pub fn standalone(state: AppState) -> Router {
    router(state)
        .route("/", get(|| async { signed_in::see_other(paths::ROOT) }))
        .fallback(not_found)
        .layer(map_response(security_headers))
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Problem::NotFound).into_response()
}
