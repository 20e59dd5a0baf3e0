//! Change a referral's status: only the moves signpost-core's workflow allows from where it is,
//! the reason (and a completed referral's outcome) when closing, an optional note on why. The
//! form carries the status the link worker saw; if someone else moved it meanwhile, nothing is
//! changed and the form says so.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use signpost_core::fields::FreeTextError;
use signpost_core::workflow::{allowed, Closure, Move, MoveError, Outcome, Status};

use super::view::{closure_words, status_tag, Choice, Tag};
use super::visible::{self, CaseResult, Refused};
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::page::form::{ErrorSummary, SummaryItem};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::problem::Problem;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::signed_in::see_other;
use crate::inbox::SignedIn;
use crate::store::casework::{NewStatusChange, ReasonNote, StatusChanged, REASON_MAX_CHARS};
use crate::store::{AuditAction, StoredReferral};
use crate::AppState;

/// Every closure, as one choice each (a completed one with its outcome).
fn every_closure() -> Vec<Closure> {
    Outcome::ALL
        .map(Closure::Completed)
        .into_iter()
        .chain([
            Closure::CouldNotContact,
            Closure::Declined,
            Closure::NotSuitable,
        ])
        .collect()
}

/// A closure's form value: `completed:support_given`, `declined`, …
fn closure_value(closure: Closure) -> String {
    match closure.outcome() {
        Some(outcome) => format!("{}:{}", closure.as_str(), outcome.as_str()),
        None => closure.as_str().to_owned(),
    }
}

fn parse_closure(value: &str) -> Option<Closure> {
    let (name, outcome) = match value.split_once(':') {
        Some((name, outcome)) => (name, Some(outcome)),
        None => (value, None),
    };
    Closure::from_names(name, outcome)
}

#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    seen: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    closure: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "casework/status.html")]
pub struct StatusPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub reference: String,
    pub name: String,
    pub current: Tag,
    pub seen: &'static str,
    pub back: String,
    pub action: String,
    pub csrf: String,
    pub moves: Vec<Choice>,
    pub closures: Vec<Choice>,
    pub to_error: Option<String>,
    pub closure_error: Option<String>,
    pub reason: String,
    pub reason_error: Option<String>,
}

#[derive(Debug, Default)]
pub struct StatusErrors {
    pub to: Option<String>,
    pub closure: Option<String>,
    pub reason: Option<String>,
}

impl StatusPage {
    pub fn new(
        viewer: &SignedIn,
        referral: &StoredReferral,
        form: &StatusForm,
        errors: StatusErrors,
    ) -> StatusPage {
        let from = referral.status;
        let moves = Status::ALL
            .into_iter()
            .filter(|to| allowed(from, *to))
            .map(|to| Choice::new(to.as_str(), to.label(), Some(&form.to)))
            .collect();
        let closures = every_closure()
            .into_iter()
            .filter(|c| c.allowed_from(from))
            .map(|c| Choice::new(closure_value(c), closure_words(c), Some(&form.closure)))
            .collect();
        let summary = ErrorSummary {
            items: [
                ("to", &errors.to),
                ("closure", &errors.closure),
                ("reason", &errors.reason),
            ]
            .into_iter()
            .filter_map(|(field_id, e)| e.clone().map(|message| SummaryItem { field_id, message }))
            .collect(),
        };
        let name = serde_json::from_str::<serde_json::Value>(&referral.body)
            .ok()
            .and_then(|b| b["answers"]["name"].as_str().map(str::to_owned))
            .unwrap_or_else(|| referral.reference.clone());
        StatusPage {
            layout: Layout::signed_in("Change status", viewer).with_errors(!summary.is_empty()),
            summary,
            name,
            current: status_tag(from, None),
            seen: from.as_str(),
            back: paths::referral(&referral.reference),
            action: paths::of_referral(paths::REFERRAL_STATUS, &referral.reference),
            csrf: viewer.csrf.as_str().to_owned(),
            moves,
            closures,
            to_error: errors.to,
            closure_error: errors.closure,
            reason: form.reason.clone(),
            reason_error: errors.reason,
            reference: referral.reference.clone(),
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
) -> CaseResult {
    let referral = visible::form_of(&state, &viewer, client, &reference, "status form").await?;
    let page = StatusPage::new(
        &viewer,
        &referral,
        &StatusForm::default(),
        StatusErrors::default(),
    );
    Ok(render(StatusCode::OK, &page))
}

fn reason_error(error: FreeTextError) -> String {
    match error {
        FreeTextError::TooLong { .. } => {
            format!("The reason must be {REASON_MAX_CHARS} characters or fewer")
        }
        _ => "The reason has a hidden character in it (often pasted in): type it again".into(),
    }
}

/// What the form asks for, checked by signpost-core, or what to say at each field.
fn check(form: &StatusForm, seen: Status) -> Result<(Move, Option<ReasonNote>), StatusErrors> {
    let mut errors = StatusErrors::default();
    let to = Status::from_name(&form.to);
    if to.is_none() {
        errors.to = Some("Select the new status".into());
    }
    let closure = (!form.closure.is_empty()).then(|| parse_closure(&form.closure));
    let reason = ReasonNote::parse(&form.reason).map_err(reason_error);
    if let Err(message) = &reason {
        errors.reason = Some(message.clone());
    }
    let closure = match closure {
        Some(None) => {
            errors.closure = Some("Select why you are closing the referral".into());
            None
        }
        Some(Some(c)) => Some(c),
        None => None,
    };
    if let Some(to) = to {
        match Move::check(seen, to, closure) {
            Ok(change) if errors.closure.is_none() && errors.reason.is_none() => {
                return Ok((change, reason.ok().flatten()));
            }
            Ok(_) => {}
            Err(MoveError::NotAllowed { .. }) => {
                errors.to = Some(format!(
                    "A referral that is {} cannot move to {}",
                    seen.label().to_lowercase(),
                    to.label().to_lowercase()
                ))
            }
            Err(MoveError::ReasonMissing) => {
                errors.closure = Some("Select why you are closing the referral".into())
            }
            Err(MoveError::ReasonUnexpected) => {
                errors.closure = Some("Only choose a reason when you close the referral".into())
            }
            Err(MoveError::ReasonNotAllowed { closure, .. }) => {
                errors.closure = Some(format!(
                    "A referral that is {} cannot be closed as {}",
                    seen.label().to_lowercase(),
                    closure_words(closure).to_lowercase()
                ))
            }
        }
    }
    Err(errors)
}

pub async fn change(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, Refused> {
    let referral = visible::referral(&state, &viewer, &reference).await?;
    let Some(seen) = Status::from_name(&form.seen) else {
        return Ok(Problem::BadRequest.into_response());
    };
    let (change, reason) = match check(&form, seen) {
        Ok(checked) => checked,
        Err(errors) => {
            let page = StatusPage::new(&viewer, &referral, &form, errors);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let stored = state
        .store
        .change_status(NewStatusChange {
            reference: reference.clone(),
            change,
            reason,
            by: viewer.user.0,
            at: state.config.inbox.clock.now(),
        })
        .await?;
    match stored {
        StatusChanged::Changed => {
            let detail = format!(
                "{}->{}",
                change.from().as_str(),
                change
                    .closure()
                    .map_or(change.to().as_str(), Closure::as_str)
            );
            visible::audit(
                &state,
                &viewer,
                client,
                AuditAction::ChangedStatus,
                Some(&reference),
                Some(detail),
            )
            .await?;
            Ok(see_other(&format!(
                "{}?done=status",
                paths::referral(&reference)
            )))
        }
        StatusChanged::Stale { now } => {
            let mut fresh = referral;
            fresh.status = now;
            let errors = StatusErrors {
                to: Some(format!(
                    "Someone else changed the status to {} while you had this page open. Nothing was changed: check the history, then choose again",
                    now.label().to_lowercase()
                )),
                ..StatusErrors::default()
            };
            let page = StatusPage::new(
                &viewer,
                &fresh,
                &StatusForm {
                    reason: form.reason,
                    ..StatusForm::default()
                },
                errors,
            );
            Ok(render(StatusCode::CONFLICT, &page))
        }
        StatusChanged::UnknownReference => Err(Refused::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(to: &str, closure: &str) -> StatusForm {
        StatusForm {
            seen: String::new(),
            to: to.into(),
            closure: closure.into(),
            reason: String::new(),
        }
    }

    #[test]
    fn each_move_is_checked_by_the_workflow_and_explained_at_its_field() {
        assert!(check(&form("contacted", ""), Status::New).is_ok());
        let closed = check(&form("closed", "completed:referred_on"), Status::Supporting)
            .unwrap()
            .0;
        assert_eq!(
            closed.closure(),
            Some(Closure::Completed(Outcome::ReferredOn))
        );
        let skipped = check(&form("active", ""), Status::New).unwrap_err();
        assert_eq!(
            skipped.to.as_deref(),
            Some("A referral that is new cannot move to supporting")
        );
        let no_reason = check(&form("closed", ""), Status::New).unwrap_err();
        assert_eq!(
            no_reason.closure.as_deref(),
            Some("Select why you are closing the referral")
        );
        let too_early = check(&form("closed", "completed:support_given"), Status::New).unwrap_err();
        assert!(too_early
            .closure
            .unwrap()
            .contains("cannot be closed as completed"));
        let stray = check(&form("on_hold", "declined"), Status::Contacted).unwrap_err();
        assert_eq!(
            stray.closure.as_deref(),
            Some("Only choose a reason when you close the referral")
        );
        assert!(check(&form("", ""), Status::New).unwrap_err().to.is_some());
        let mut pasted = form("contacted", "");
        pasted.reason = "Called\u{202E}".into();
        assert!(check(&pasted, Status::New).unwrap_err().reason.is_some());
        for closure in every_closure() {
            assert_eq!(parse_closure(&closure_value(closure)), Some(closure));
        }
    }
}
