//! signpost-server: receives referrals from the Signpost widget, checks them with signpost-core,
//! stores them durably in SQLite, and serves the built widget and the demo site.
//!
//! The whole service is the `Router` that [`app`] makes, so tests drive it without a socket.

use std::sync::Arc;

use axum::Router;

pub mod config;
pub mod db;
pub mod error;
pub mod reference;
pub mod routes;

pub use config::Config;
pub use db::Db;
pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
        }
    }
}

/// The whole service: the API under `/api/v1`, and the site (widget, demo page) everywhere else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
