//! Add a note to a referral: free text, up to 2,000 characters, refused with a reason when it is
//! empty, too long or holds hidden characters. Notes are never edited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_core::fields::FreeTextError;

use super::visible::{self, CaseResult, Refused};
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::page::form::{ErrorSummary, SummaryItem};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::signed_in::see_other;
use crate::inbox::SignedIn;
use crate::store::casework::{NewNote, NoteText, NOTE_MAX_CHARS};
use crate::store::AuditAction;
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "casework/note.html")]
pub struct NotePage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub reference: String,
    pub back: String,
    pub action: String,
    pub csrf: String,
    pub text: String,
    pub error: Option<String>,
}

impl NotePage {
    pub fn new(viewer: &SignedIn, reference: &str, text: &str, error: Option<String>) -> NotePage {
        let summary = ErrorSummary {
            items: error
                .iter()
                .map(|message| SummaryItem {
                    field_id: "text",
                    message: message.clone(),
                })
                .collect(),
        };
        NotePage {
            layout: Layout::signed_in("Add a note", viewer).with_errors(error.is_some()),
            summary,
            reference: reference.to_owned(),
            back: paths::referral(reference),
            action: paths::of_referral(paths::REFERRAL_NOTE, reference),
            csrf: viewer.csrf.as_str().to_owned(),
            text: text.to_owned(),
            error,
        }
    }
}

pub fn note_error(error: FreeTextError) -> String {
    match error {
        FreeTextError::Empty => "Enter a note".into(),
        FreeTextError::TooLong { .. } => {
            format!("A note must be {NOTE_MAX_CHARS} characters or fewer")
        }
        FreeTextError::HiddenCharacter => {
            "The note has a hidden character in it (often pasted in): type it again".into()
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
) -> CaseResult {
    visible::form_of(&state, &viewer, client, &reference, "note form").await?;
    Ok(render(
        StatusCode::OK,
        &NotePage::new(&viewer, &reference, "", None),
    ))
}

pub async fn add(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> CaseResult {
    visible::referral(&state, &viewer, &reference).await?;
    let text = match NoteText::parse(&form.text) {
        Ok(text) => text,
        Err(e) => {
            let page = NotePage::new(&viewer, &reference, &form.text, Some(note_error(e)));
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let added = state
        .store
        .add_note(NewNote {
            reference: reference.clone(),
            text,
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
        AuditAction::AddedNote,
        Some(&reference),
        None,
    )
    .await?;
    Ok(see_other(&format!(
        "{}?done=note",
        paths::referral(&reference)
    )))
}
