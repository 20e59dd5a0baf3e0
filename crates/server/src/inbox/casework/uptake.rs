//! Record whether the person took up an onward referral: yes, no, or not yet.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::view::Choice;
use super::visible::{self, CaseResult, Refused};
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::page::form::{ErrorSummary, SummaryItem};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::signed_in::see_other;
use crate::inbox::SignedIn;
use crate::store::casework::{NewUptake, OnwardRow, Uptake};
use crate::store::AuditAction;
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct UptakeForm {
    #[serde(default)]
    uptake: String,
}

#[derive(Template)]
#[template(path = "casework/uptake.html")]
pub struct UptakePage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub reference: String,
    pub kind: String,
    pub back: String,
    pub action: String,
    pub csrf: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
}

impl UptakePage {
    pub fn new(
        viewer: &SignedIn,
        reference: &str,
        onward: &OnwardRow,
        kind: String,
        chosen: &str,
        error: Option<String>,
    ) -> UptakePage {
        let chosen = if chosen.is_empty() {
            onward.uptake.as_str()
        } else {
            chosen
        };
        UptakePage {
            layout: Layout::signed_in("Record uptake", viewer).with_errors(error.is_some()),
            summary: ErrorSummary {
                items: error
                    .iter()
                    .map(|m| SummaryItem {
                        field_id: "uptake",
                        message: m.clone(),
                    })
                    .collect(),
            },
            reference: reference.to_owned(),
            kind,
            back: paths::referral(reference),
            action: paths::uptake(reference, onward.id),
            csrf: viewer.csrf.as_str().to_owned(),
            choices: Uptake::ALL
                .iter()
                .map(|u| Choice::new(u.as_str(), u.label(), Some(chosen)))
                .collect(),
            error,
        }
    }
}

/// The onward referral `id` of a referral the viewer may see, with its kind's words.
async fn onward(
    state: &AppState,
    viewer: &SignedIn,
    reference: &str,
    id: i64,
) -> Result<(OnwardRow, String), Refused> {
    visible::referral(state, viewer, reference).await?;
    let record = state
        .store
        .case_record(reference)
        .await?
        .ok_or(Refused::NotFound)?;
    let row = record
        .onward
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(Refused::NotFound)?;
    let kinds = state.config.casework.onward_kinds(&state.questionnaire);
    let kind = kinds
        .iter()
        .find(|k| k.id == row.kind)
        .map_or_else(|| row.kind.clone(), |k| k.label.clone());
    Ok((row, kind))
}

pub async fn form(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path((reference, id)): Path<(String, i64)>,
) -> CaseResult {
    let (row, kind) = onward(&state, &viewer, &reference, id).await?;
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::ViewedReferral,
        Some(&reference),
        Some("uptake form".into()),
    )
    .await?;
    Ok(render(
        StatusCode::OK,
        &UptakePage::new(&viewer, &reference, &row, kind, "", None),
    ))
}

pub async fn record(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path((reference, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<UptakeForm>,
) -> CaseResult {
    let (row, kind) = onward(&state, &viewer, &reference, id).await?;
    let Some(uptake) = Uptake::from_name(&form.uptake) else {
        let page = UptakePage::new(
            &viewer,
            &reference,
            &row,
            kind,
            "",
            Some("Select whether they took it up".into()),
        );
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let recorded = state
        .store
        .record_uptake(NewUptake {
            reference: reference.clone(),
            onward_id: id,
            uptake,
            by: viewer.user.0,
            at: state.config.inbox.clock.now(),
        })
        .await?;
    if !recorded {
        return Err(Refused::NotFound);
    }
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::RecordedUptake,
        Some(&reference),
        Some(uptake.as_str().into()),
    )
    .await?;
    Ok(see_other(&format!(
        "{}?done=uptake",
        paths::referral(&reference)
    )))
}
