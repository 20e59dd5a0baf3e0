//! The inbox's own error pages, in GOV.UK's words: page not found (also what a referral of
//! another practice gets, whatever its id), the form has expired (a CSRF refusal), and a bad
//! request (a form that is not the inbox's).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::layout::Layout;
use crate::inbox::paths;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NotFound,
    /// 403: a form without a valid CSRF token, or from another site.
    FormExpired,
    BadRequest,
    /// 500: the service failed (the store, say); logged where it happened.
    Internal,
}

#[derive(Template)]
#[template(path = "problem.html")]
pub struct ProblemPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub paragraphs: Vec<&'static str>,
    pub link_href: &'static str,
    pub link_text: &'static str,
}

impl Problem {
    pub fn status(self) -> StatusCode {
        match self {
            Problem::NotFound => StatusCode::NOT_FOUND,
            Problem::FormExpired => StatusCode::FORBIDDEN,
            Problem::BadRequest => StatusCode::BAD_REQUEST,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn page(self) -> ProblemPage {
        let (heading, paragraphs) = match self {
            Problem::NotFound => (
                "Page not found",
                vec![
                    "If you typed the web address, check it is correct.",
                    "If you pasted the web address, check you copied the entire address.",
                ],
            ),
            Problem::FormExpired => (
                "This form has expired",
                vec![
                    "Nothing you entered has been saved. This happens when a page has been open for a long time, or after you have signed out.",
                    "Go back, reload the page and try again.",
                ],
            ),
            Problem::BadRequest => (
                "Sorry, there is a problem with the service",
                vec!["The form sent was not one the inbox understands. Nothing has been saved."],
            ),
            Problem::Internal => (
                "Sorry, there is a problem with the service",
                vec!["Try again later. If what you were doing was a change, check whether it was saved before doing it again."],
            ),
        };
        ProblemPage {
            layout: Layout::signed_out(heading),
            heading,
            paragraphs,
            link_href: paths::ROOT,
            link_text: "Go to the inbox",
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        super::render(self.status(), &self.page())
    }
}
