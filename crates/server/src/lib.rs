//! signpost-server: receives referrals from the Signpost widget, checks them with signpost-core,
//! stores them durably in SQLite, and serves the built widget and the demo site.
//!
//! The whole service is the `Router` that [`app`] makes, so tests drive it without a socket.

use std::sync::Arc;

use axum::Router;
use signpost_core::Questionnaire;

pub mod checkins;
pub mod config;
pub mod db;
pub mod error;
pub mod inbox;
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
    /// The questionnaire referrals are checked against: the service's own file, or
    /// `signpost_core::default_questionnaire()`.
    pub questionnaire: Arc<Questionnaire>,
}

impl AppState {
    pub fn new(db: Db, config: Config, questionnaire: Questionnaire) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            questionnaire: Arc::new(questionnaire),
        }
    }
}

/// The whole service: the API under `/api/v1`, and the site (widget, demo page) everywhere else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
