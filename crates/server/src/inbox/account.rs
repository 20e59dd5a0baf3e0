//! Your account (any signed-in account).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use super::error::InboxResult;
use super::page::account::AccountPage;
use super::page::render;
use super::paths;
use super::SignedIn;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::ACCOUNT, get(account))
}

async fn account(State(state): State<AppState>, signed_in: SignedIn) -> InboxResult {
    let left = state.store.recovery_codes_left(signed_in.user).await?;
    Ok(render(StatusCode::OK, &AccountPage::new(&signed_in, left)))
}
