//! Monitoring (issue 12): the figures a service manager is judged by, for a practice, a group of
//! practices or all of them over a chosen period, and the minimum dataset's CSV for the same
//! choice. A link worker sees only their own practices; an admin any or all.
//!
//! `filters` reads the choice (a GET form, so a page can be bookmarked and works without
//! JavaScript), `page` shows the figures with the small-number rule applied, `chart` draws the
//! charts as SVG on the server, and `export` answers the CSV.

mod chart;
mod export;
mod filters;
mod labels;
mod page;

use axum::routing::get;
use axum::Router;

use crate::AppState;

/// The monitoring page.
pub const PAGE: &str = "/inbox/monitoring";
/// The minimum dataset's CSV, with the page's query.
pub const EXPORT_CSV: &str = "/inbox/monitoring/export.csv";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(page::page))
        .route(EXPORT_CSV, get(export::csv))
}
