//! A failure that is the service's, not the person's (the store, the OS generator, a panicked
//! blocking task): logged once, without personal data, and answered with the inbox's 500 page.

use axum::response::{IntoResponse, Response};

use super::page::problem::Problem;

#[derive(Debug)]
pub struct InboxError(Box<dyn std::error::Error + Send + Sync>);

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for InboxError {
    fn from(error: E) -> Self {
        InboxError(error.into())
    }
}

impl std::fmt::Display for InboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self.0, "an inbox request failed");
        Problem::Internal.into_response()
    }
}

pub type InboxResult = Result<Response, InboxError>;
