//! The casework half of the inbox: the referral list (the signed-in home page), a referral's
//! detail, its status workflow, notes, onward referrals and their uptake, and follow-up links.
//! One file a page; `visible` is the one way to a referral (404 for anything the viewer may not
//! see), `answers` and `chart` the detail's parts, `words` the widget's own question words.
//!
//! Every handler takes [`SignedIn`] (anonymous → sign-in) and every form
//! `auth::csrf::CsrfForm` (no token → 403); every view and change writes an audit entry.

pub mod answers;
pub mod chart;
pub mod detail;
pub mod follow_up;
pub mod list;
pub mod note;
pub mod onward;
pub mod settings;
pub mod status;
pub mod uptake;
pub mod view;
pub mod visible;
pub mod words;

use axum::routing::{get, post};
use axum::Router;

pub use settings::CaseworkConfig;

use super::paths;
#[allow(unused_imports)]
use super::SignedIn;
use crate::AppState;

/// Casework's routes, merged into `inbox::router` (which adds the session layer and the
/// security headers).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::ROOT, get(list::page))
        .route(paths::REFERRAL, get(detail::page))
        .route(
            paths::REFERRAL_STATUS,
            get(status::form).post(status::change),
        )
        .route(paths::REFERRAL_NOTE, get(note::form).post(note::add))
        .route(paths::REFERRAL_ONWARD, get(onward::form).post(onward::add))
        .route(
            paths::REFERRAL_UPTAKE,
            get(uptake::form).post(uptake::record),
        )
        .route(paths::REFERRAL_FOLLOW_UP, post(follow_up::create))
}
