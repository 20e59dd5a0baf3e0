//! A person's rights from their referral's page, for admins only (a link worker gets the 404
//! page, as for every admin page): download everything held about the referral, exactly what
//! `signpost-server person export` prints, and erase it, after typing its reference to confirm.
//! Both are `crate::person`'s work, audited as the command line's are, with the admin's account
//! and address.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Admin;
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::casework::visible::{self, CaseResult, Refused};
use crate::inbox::error::InboxResult;
use crate::inbox::manage::ChangedBy;
use crate::inbox::page::erase_referral::{EraseReferralPage, NotConfirmed};
use crate::inbox::page::problem::Problem;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::signed_in::see_other;
use crate::{person, reference, AppState};

fn changed_by(admin: &Admin, client: Client) -> ChangedBy {
    ChangedBy {
        actor: Some(admin.0.user),
        client: client.0,
    }
}

/// `GET …/everything-held.json`: the person's record as a download. The export writes its audit
/// entry before anything is sent, and lists it.
pub async fn download(
    State(state): State<AppState>,
    admin: Admin,
    client: Client,
    Path(reference): Path<String>,
) -> InboxResult {
    if !reference::is_well_formed(&reference) {
        return Ok(Problem::NotFound.into_response());
    }
    let now = state.config.inbox.clock.now();
    let by = changed_by(&admin, client);
    let Some(record) = person::export(state.store.as_ref(), &reference, &by, now).await? else {
        return Ok(Problem::NotFound.into_response());
    };
    let json = person::to_json(&record)?;
    let disposition = format!("attachment; filename=\"{reference}-everything-held.json\"");
    let mut response = (StatusCode::OK, json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("a well-formed reference is a header value"),
    );
    Ok(response)
}

/// `GET …/erase`: what erasing does, and the reference to type. Opening it is a view of the
/// referral (it shows the person's name), audited as such.
pub async fn erase_form(
    State(state): State<AppState>,
    admin: Admin,
    client: Client,
    Path(reference): Path<String>,
) -> CaseResult {
    let referral = visible::form_of(&state, &admin.0, client, &reference, "erase form").await?;
    Ok(render(
        StatusCode::OK,
        &EraseReferralPage::new(&admin.0, &referral, "", None),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    reference: String,
}

/// Whether `typed` is `reference`, forgiving spaces around it and small letters.
fn confirmation(typed: &str, reference: &str) -> Result<(), NotConfirmed> {
    let typed = typed.trim();
    if typed.is_empty() {
        Err(NotConfirmed::Empty)
    } else if typed.to_uppercase() == reference {
        Ok(())
    } else {
        Err(NotConfirmed::Different)
    }
}

/// `POST …/erase`: erases the referral when the typed reference is its own, then shows the list
/// saying so; otherwise the form again with the reason, and nothing erased.
pub async fn erase(
    State(state): State<AppState>,
    admin: Admin,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> CaseResult {
    let referral = visible::referral(&state, &admin.0, &reference).await?;
    if let Err(problem) = confirmation(&form.reference, &reference) {
        let page = EraseReferralPage::new(&admin.0, &referral, &form.reference, Some(problem));
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let now = state.config.inbox.clock.now();
    let by = changed_by(&admin, client);
    if !person::erase(state.store.as_ref(), &reference, &by, now).await? {
        // Erased by someone else since the form was read.
        return Err(Refused::NotFound);
    }
    Ok(erased(&reference))
}

/// The list, with its banner saying which referral was erased.
fn erased(reference: &str) -> Response {
    see_other(&format!("{}?erased={reference}", paths::ROOT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_reference_confirms_only_when_it_is_this_one() {
        assert_eq!(confirmation(" sp-7k3m-q9x2 ", "SP-7K3M-Q9X2"), Ok(()));
        assert_eq!(
            confirmation("   ", "SP-7K3M-Q9X2"),
            Err(NotConfirmed::Empty)
        );
        assert_eq!(
            confirmation("SP-7K3M-Q9X3", "SP-7K3M-Q9X2"),
            Err(NotConfirmed::Different)
        );
    }
}
