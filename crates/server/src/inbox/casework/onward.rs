//! Add an onward referral: the kind of service the person was connected to (the service's
//! configured kinds, by default the need areas) and, optionally, the service's page in a
//! directory such as ALISS (https only). Whether they took it up is recorded later.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::settings::OnwardKind;
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
use crate::store::casework::{DirectoryLink, LinkError, NewOnwardReferral};
use crate::store::AuditAction;
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct OnwardForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    link: String,
}

#[derive(Template)]
#[template(path = "casework/onward.html")]
pub struct OnwardPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub reference: String,
    pub back: String,
    pub action: String,
    pub csrf: String,
    pub kinds: Vec<Choice>,
    pub kind_error: Option<String>,
    pub link: String,
    pub link_error: Option<String>,
}

impl OnwardPage {
    pub fn new(
        viewer: &SignedIn,
        reference: &str,
        kinds: &[OnwardKind],
        form: &OnwardForm,
        errors: (Option<String>, Option<String>),
    ) -> OnwardPage {
        let (kind_error, link_error) = errors;
        let summary = ErrorSummary {
            items: [("kind", &kind_error), ("link", &link_error)]
                .into_iter()
                .filter_map(|(field_id, e)| {
                    e.clone().map(|message| SummaryItem { field_id, message })
                })
                .collect(),
        };
        OnwardPage {
            layout: Layout::signed_in("Add an onward referral", viewer)
                .with_errors(!summary.is_empty()),
            summary,
            reference: reference.to_owned(),
            back: paths::referral(reference),
            action: paths::of_referral(paths::REFERRAL_ONWARD, reference),
            csrf: viewer.csrf.as_str().to_owned(),
            kinds: kinds
                .iter()
                .map(|k| Choice::new(k.id.clone(), k.label.clone(), Some(&form.kind)))
                .collect(),
            kind_error,
            link: form.link.clone(),
            link_error,
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
) -> CaseResult {
    visible::form_of(&state, &viewer, client, &reference, "onward form").await?;
    let kinds = state.config.casework.onward_kinds(&state.questionnaire);
    Ok(render(
        StatusCode::OK,
        &OnwardPage::new(
            &viewer,
            &reference,
            &kinds,
            &OnwardForm::default(),
            (None, None),
        ),
    ))
}

pub async fn add(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<OnwardForm>,
) -> CaseResult {
    visible::referral(&state, &viewer, &reference).await?;
    let kinds = state.config.casework.onward_kinds(&state.questionnaire);
    let kind = kinds.iter().find(|k| k.id == form.kind);
    let link = DirectoryLink::parse(&form.link);
    let (kind, link) = match (kind, link) {
        (Some(kind), Ok(link)) => (kind, link),
        (kind, link) => {
            let errors = (
                kind.is_none().then(|| "Select the kind of service".to_owned()),
                link.err().map(|e| match e {
                    LinkError::NotHttps => "Enter a link that starts with https://, like https://www.aliss.org/services/…".to_owned(),
                    LinkError::TooLong => "The link must be 500 characters or fewer".to_owned(),
                }),
            );
            let page = OnwardPage::new(&viewer, &reference, &kinds, &form, errors);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let added = state
        .store
        .add_onward_referral(NewOnwardReferral {
            reference: reference.clone(),
            kind: kind.id.clone(),
            link,
            by: viewer.user.0,
            at: state.config.inbox.clock.now(),
        })
        .await?;
    if !added {
        return Err(Refused::NotFound);
    }
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::AddedOnwardReferral,
        Some(&reference),
        Some(kind.id.clone()),
    )
    .await?;
    Ok(see_other(&format!(
        "{}?done=onward",
        paths::referral(&reference)
    )))
}
