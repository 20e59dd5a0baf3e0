//! The casework half of the inbox (the referral list, a referral's detail and workflow, notes,
//! onward referrals, follow-ups), owned by its own branch. Until it lands, the home page is a
//! placeholder behind sign-in.

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::page::home::HomePage;
use super::page::render;
use super::paths;
use super::SignedIn;
use crate::AppState;

/// Casework's routes, merged into `inbox::router` (which adds the session layer and the
/// security headers). Every handler takes [`SignedIn`], so an anonymous request is sent to
/// sign in, and every form `auth::csrf::CsrfForm`.
pub fn routes() -> Router<AppState> {
    Router::new().route(paths::ROOT, get(home))
}

/// The signed-in home page: the referrals will be listed here.
async fn home(signed_in: SignedIn) -> Response {
    render(StatusCode::OK, &HomePage::new(&signed_in))
}
