//! signpost-server: receives referrals from the Signpost widget, checks them with signpost-core,
//! stores them durably, and serves the built widget and the demo site.
//!
//! The whole service is the `Router` that [`app`] makes, so tests drive it without a socket.
//! Where things are: README.md, "Where things are".

use axum::Router;

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod export;
#[cfg(test)]
mod fixtures;
pub mod followup;
pub mod hash;
pub mod http;
pub mod inbox;
pub mod notify;
pub mod person;
pub mod reference;
pub mod retention;
pub mod site;
pub mod state;
pub mod store;
pub mod token;
pub mod view;
pub mod wellbeing;

pub use config::Config;
pub use state::AppState;

/// The whole service on one address: the intake (below) and the link workers' inbox under
/// `/inbox`.
pub fn app(state: AppState) -> Router {
    http::traced(intake_routes(state.clone()).merge(inbox::router(state)))
}

/// The intake alone, for when the inbox has an address of its own (`serve --inbox-addr`): the API
/// under `/api/v1`, and the site (widget, demo page) everywhere else.
pub fn intake(state: AppState) -> Router {
    http::traced(intake_routes(state))
}

/// The widget's own files need CORS too: a practice website on another origin loads the module
/// script, the wasm and the language files from here with CORS requests.
fn intake_routes(state: AppState) -> Router {
    site::router(&state.config)
        .layer(http::cors(&state.config))
        .nest("/api", api::router(state))
}
