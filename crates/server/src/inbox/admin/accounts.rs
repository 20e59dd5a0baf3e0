//! Accounts for admins: the list, adding one, one account, resetting and disabling it.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Admin;
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::auth::users::{AccountEmail, Role, UserId};
use crate::inbox::enrolment::NoFields;
use crate::inbox::error::InboxResult;
use crate::inbox::manage::{self, ChangedBy};
use crate::inbox::page::account_link::{AccountLinkPage, LinkFor};
use crate::inbox::page::add_account::{AddAccountInput, AddAccountPage};
use crate::inbox::page::admin_account::AdminAccountPage;
use crate::inbox::page::admin_accounts::AccountsPage;
use crate::inbox::page::problem::Problem;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::signed_in::see_other;
use crate::AppState;

pub async fn list(State(state): State<AppState>, Admin(admin): Admin) -> InboxResult {
    let accounts = state.store.accounts().await?;
    Ok(render(
        StatusCode::OK,
        &AccountsPage::new(&admin, &accounts),
    ))
}

pub async fn add_page(Admin(admin): Admin) -> Response {
    render(
        StatusCode::OK,
        &AddAccountPage::new(&admin, AddAccountInput::default()),
    )
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    practices: String,
}

/// Where the inbox's links start: its configured origin, else the address this request came to.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(origin) = &state.config.inbox.origin {
        return origin.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

pub async fn add(
    State(state): State<AppState>,
    Admin(admin): Admin,
    client: Client,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<AddForm>,
) -> InboxResult {
    let mut input = AddAccountInput {
        email: form.email.trim().to_owned(),
        role: Role::parse(&form.role),
        practices: form.practices.clone(),
        ..AddAccountInput::default()
    };
    let email = match AccountEmail::parse(&form.email) {
        Ok(email) => Some(email),
        Err(_) if form.email.trim().is_empty() => {
            input.email_error = Some("Enter their email address".into());
            None
        }
        Err(_) => {
            input.email_error =
                Some("Enter an email address in the correct format, like name@example.org".into());
            None
        }
    };
    let practices: Vec<String> = form
        .practices
        .split([',', ' '])
        .map(str::to_owned)
        .collect();
    let access = match input.role {
        None => {
            input.role_error = Some("Select a role".into());
            None
        }
        Some(role) => match manage::access(role, &practices) {
            Ok(access) => Some(access),
            Err(error) => {
                input.practices_error = Some(error.message());
                None
            }
        },
    };
    let (Some(email), Some(access)) = (email, access) else {
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &AddAccountPage::new(&admin, input),
        ));
    };
    let now = state.config.inbox.clock.now();
    let by = ChangedBy {
        actor: Some(admin.user),
        client: client.0,
    };
    match manage::add(state.store.as_ref(), email.clone(), access, now, &by).await? {
        None => {
            input.email_error = Some("There is already an account with this email address".into());
            Ok(render(
                StatusCode::BAD_REQUEST,
                &AddAccountPage::new(&admin, input),
            ))
        }
        Some((id, token)) => {
            let link = manage::link_address(&origin(&state, &headers), &token);
            let page =
                AccountLinkPage::new(&admin, LinkFor::NewAccount, id.0, email.as_ref(), link);
            Ok(render(StatusCode::OK, &page))
        }
    }
}

fn account_id(text: &str) -> Option<UserId> {
    text.parse::<i64>().ok().filter(|id| *id > 0).map(UserId)
}

pub async fn one(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> InboxResult {
    let Some(id) = account_id(&id) else {
        return Ok(Problem::NotFound.into_response());
    };
    match state.store.account(id).await? {
        Some(account) => Ok(render(
            StatusCode::OK,
            &AdminAccountPage::new(&admin, &account),
        )),
        None => Ok(Problem::NotFound.into_response()),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    Admin(admin): Admin,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> InboxResult {
    let Some(id) = account_id(&id) else {
        return Ok(Problem::NotFound.into_response());
    };
    let Some(account) = state.store.account(id).await? else {
        return Ok(Problem::NotFound.into_response());
    };
    let now = state.config.inbox.clock.now();
    let by = ChangedBy {
        actor: Some(admin.user),
        client: client.0,
    };
    let Some(token) = manage::reset(state.store.as_ref(), id, now, &by).await? else {
        return Ok(Problem::NotFound.into_response());
    };
    let link = manage::link_address(&origin(&state, &headers), &token);
    let page = AccountLinkPage::new(&admin, LinkFor::Reset, id.0, account.email.as_ref(), link);
    Ok(render(StatusCode::OK, &page))
}

pub async fn disable(
    State(state): State<AppState>,
    Admin(admin): Admin,
    client: Client,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> InboxResult {
    let Some(id) = account_id(&id) else {
        return Ok(Problem::NotFound.into_response());
    };
    if id == admin.user {
        // The page offers no button for it: an admin cannot lock themselves (or the last admin) out.
        return Ok(Problem::BadRequest.into_response());
    }
    let now = state.config.inbox.clock.now();
    let by = ChangedBy {
        actor: Some(admin.user),
        client: client.0,
    };
    if !manage::disable(state.store.as_ref(), id, now, &by).await? {
        return Ok(Problem::NotFound.into_response());
    }
    Ok(see_other(&paths::admin_account(id.0)))
}
