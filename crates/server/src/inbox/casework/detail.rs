//! A referral, in the order a link worker needs it: how to contact the person safely first, then
//! urgent help, needs with their follow-up answers, about them, consent, channel and
//! organisation, language; the wellbeing scores as a chart with a table and the change in words;
//! what to do next; and the whole history below.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_core::{Channel, Language};

use super::answers::Sections;
use super::chart::{scale_name, score_text, Chart};
use super::settings::CaseworkConfig;
use super::view::{closure_words, status_tag, when, who, Tag};
use super::visible::{self, CaseResult};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::store::casework::{CaseRecord, Uptake};
use crate::store::{AuditAction, StoredCheckin, StoredReferral};
use crate::AppState;

/// What was just done, for the success banner after a POST-redirect-GET.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "status" => "Status changed",
        "note" => "Note added",
        "onward" => "Onward referral added",
        "uptake" => "Uptake recorded",
        _ => return None,
    })
}

#[derive(Debug, Clone)]
pub struct OnwardView {
    pub kind: String,
    pub link: Option<String>,
    pub uptake: &'static str,
    pub uptake_class: &'static str,
    pub added: String,
    pub record_href: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: String,
    pub when: String,
    pub title: String,
    pub who: Option<String>,
    /// What was written (a note, a reason), shown as text over its lines.
    pub text: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FollowUpLine {
    pub text: String,
}

/// What an admin may do for the person: download everything held, or erase the referral.
#[derive(Debug, Clone)]
pub struct Rights {
    pub export_href: String,
    pub erase_href: String,
}

#[derive(Template)]
#[template(path = "casework/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub done: Option<&'static str>,
    pub reference: String,
    pub name: String,
    pub status: Tag,
    pub practice: String,
    pub sections: Sections,
    pub consent_version: String,
    pub consent_purposes: Vec<String>,
    pub consented_at: String,
    pub received: String,
    pub channel: String,
    pub organisation: Option<String>,
    pub language: &'static str,
    pub chart: Option<Chart>,
    pub follow_ups: Vec<FollowUpLine>,
    pub is_open: bool,
    pub status_href: String,
    pub note_href: String,
    pub onward_href: String,
    pub follow_up_action: String,
    /// The FHIR R4 Bundle of this referral, for GP systems (`fhir_export.rs`).
    pub fhir_href: String,
    /// Admins only: a person's rights (`inbox/admin/person.rs`). `None` for a link worker.
    pub rights: Option<Rights>,
    pub csrf: String,
    pub onward: Vec<OnwardView>,
    pub notes: Vec<Event>,
    pub history: Vec<Event>,
}

pub fn language_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Gd => "Scottish Gaelic (Gàidhlig)",
        Language::Pl => "Polish (polski)",
        Language::Ar => "Arabic (العربية)",
    }
}

fn purpose_words(purpose: &str) -> String {
    match purpose {
        "share_with_service" => "Share my answers with the link worker service".into(),
        "contact_me" => "Contact me in the way I chose".into(),
        "evaluation" => "Use my answers, without my name, to help improve the service".into(),
        other => other.to_owned(),
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

pub struct DetailInput<'a> {
    pub referral: &'a StoredReferral,
    pub record: &'a CaseRecord,
    pub checkins: &'a [StoredCheckin],
    pub emails: &'a std::collections::HashMap<i64, String>,
    pub kinds: &'a [super::settings::OnwardKind],
    pub config: &'a CaseworkConfig,
    pub now: time::OffsetDateTime,
}

impl DetailPage {
    pub fn new(
        viewer: &SignedIn,
        input: DetailInput<'_>,
        done: Option<&'static str>,
        questionnaire: &signpost_core::Questionnaire,
    ) -> DetailPage {
        let DetailInput {
            referral,
            record,
            checkins,
            emails,
            kinds,
            config,
            now,
        } = input;
        let body: serde_json::Value = serde_json::from_str(&referral.body).unwrap_or_default();
        let sections = Sections::of(&body, questionnaire);
        let name = body["answers"]["name"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| referral.reference.clone());
        let reference = referral.reference.clone();
        let kind_label = |id: &str| {
            kinds
                .iter()
                .find(|k| k.id == id)
                .map_or_else(|| id.to_owned(), |k| k.label.clone())
        };
        let onward = record
            .onward
            .iter()
            .map(|o| OnwardView {
                kind: kind_label(&o.kind),
                link: o.link.clone(),
                uptake: o.uptake.label(),
                uptake_class: match o.uptake {
                    Uptake::Yes => "sp-inbox-tag--green",
                    Uptake::No => "sp-inbox-tag--red",
                    Uptake::NotYet => "sp-inbox-tag--grey",
                },
                added: format!("{} by {}", when(&o.at), who(emails, o.by)),
                record_href: paths::uptake(&reference, o.id),
            })
            .collect();

        let mut history = vec![Event {
            at: referral.received_at.clone(),
            when: when(&referral.received_at),
            title: match (&referral.channel, &referral.organisation) {
                (Channel::Assisted, Some(org)) => {
                    format!("Referral received, sent with help from {org}")
                }
                (Channel::Assisted, None) => {
                    "Referral received, sent with help from an organisation".into()
                }
                (Channel::SelfReferral, _) => "Referral received from the person".into(),
            },
            who: None,
            text: Vec::new(),
        }];
        for change in &record.history {
            let to = match change.closure {
                Some(closure) => format!("{} ({})", change.to.label(), closure_words(closure)),
                None => change.to.label().to_owned(),
            };
            history.push(Event {
                at: change.at.clone(),
                when: when(&change.at),
                title: format!("Status changed from {} to {to}", change.from.label()),
                who: Some(who(emails, change.by)),
                text: change.reason.as_deref().map(lines).unwrap_or_default(),
            });
        }
        let notes: Vec<Event> = record
            .notes
            .iter()
            .map(|n| Event {
                at: n.at.clone(),
                when: when(&n.at),
                title: "Note".into(),
                who: Some(who(emails, n.by)),
                text: lines(&n.text),
            })
            .collect();
        history.extend(notes.iter().cloned());
        for o in &record.onward {
            history.push(Event {
                at: o.at.clone(),
                when: when(&o.at),
                title: format!("Onward referral: {}", kind_label(&o.kind)),
                who: Some(who(emails, o.by)),
                text: o.link.iter().cloned().collect(),
            });
            if let Some((by, at)) = &o.uptake_recorded {
                history.push(Event {
                    at: at.clone(),
                    when: when(at),
                    title: format!("Taken up ({}): {}", kind_label(&o.kind), o.uptake.label()),
                    who: Some(who(emails, *by)),
                    text: Vec::new(),
                });
            }
        }
        let now_text = crate::clock::timestamp(now);
        let mut follow_ups = Vec::new();
        for c in checkins {
            history.push(Event {
                at: c.created_at.clone(),
                when: when(&c.created_at),
                title: format!("Follow-up link created ({})", scale_name(c.instrument)),
                who: None,
                text: Vec::new(),
            });
            match (&c.used_at, &c.answer) {
                (Some(at), Some(answer)) => {
                    history.push(Event {
                        at: at.clone(),
                        when: when(at),
                        title: format!(
                            "Follow-up answered: score {}",
                            score_text(answer.wellbeing.score)
                        ),
                        who: None,
                        text: Vec::new(),
                    });
                    follow_ups.push(FollowUpLine {
                        text: format!("Answered on {}", when(at)),
                    });
                }
                _ if c.expires_at > now_text => follow_ups.push(FollowUpLine {
                    text: format!(
                        "Link created on {}, not answered yet; it works until {}",
                        when(&c.created_at),
                        when(&c.expires_at)
                    ),
                }),
                _ => follow_ups.push(FollowUpLine {
                    text: format!(
                        "Link created on {} ran out on {} without an answer",
                        when(&c.created_at),
                        when(&c.expires_at)
                    ),
                }),
            }
        }
        if follow_ups.is_empty() {
            follow_ups.push(FollowUpLine {
                text: match &referral.wellbeing {
                    Some(_) => format!("No follow-up yet. One is due {} weeks after the baseline.", config.follow_up_after_weeks),
                    None => "No follow-up yet. They skipped the check-in at the start; a follow-up still gives a score to compare later ones with.".into(),
                },
            });
        }
        history.sort_by(|a, b| a.at.cmp(&b.at));

        let purposes: Vec<String> = serde_json::from_str::<Vec<String>>(&referral.consent_purposes)
            .unwrap_or_default()
            .iter()
            .map(|p| purpose_words(p))
            .collect();

        DetailPage {
            layout: Layout::signed_in("Referral", viewer),
            done,
            name,
            status: status_tag(referral.status, record.closure),
            practice: referral.practice.clone(),
            sections,
            consent_version: referral.consent_version.clone(),
            consent_purposes: purposes,
            consented_at: when(&referral.consented_at),
            received: when(&referral.received_at),
            channel: match referral.channel {
                Channel::SelfReferral => "Self-referral".into(),
                Channel::Assisted => "Helped by an organisation".into(),
            },
            organisation: referral.organisation.clone(),
            language: language_name(referral.language),
            chart: Chart::of(referral, checkins),
            follow_ups,
            is_open: referral.status.is_open(),
            status_href: paths::of_referral(paths::REFERRAL_STATUS, &reference),
            note_href: paths::of_referral(paths::REFERRAL_NOTE, &reference),
            onward_href: paths::of_referral(paths::REFERRAL_ONWARD, &reference),
            follow_up_action: paths::of_referral(paths::REFERRAL_FOLLOW_UP, &reference),
            fhir_href: paths::referral_fhir(&reference),
            rights: viewer.is_admin().then(|| Rights {
                export_href: paths::of_referral(paths::REFERRAL_PERSON_EXPORT, &reference),
                erase_href: paths::of_referral(paths::REFERRAL_ERASE, &reference),
            }),
            csrf: viewer.csrf.as_str().to_owned(),
            onward,
            notes,
            history,
            reference,
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
    Query(done): Query<Done>,
) -> CaseResult {
    let referral = visible::referral(&state, &viewer, &reference).await?;
    let record = state
        .store
        .case_record(&reference)
        .await?
        .unwrap_or_default();
    let checkins = state.store.checkins_for(&reference).await?;
    let emails = visible::who(&state).await?;
    let kinds = state.config.casework.onward_kinds(&state.questionnaire);
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::ViewedReferral,
        Some(&reference),
        None,
    )
    .await?;
    let input = DetailInput {
        referral: &referral,
        record: &record,
        checkins: &checkins,
        emails: &emails,
        kinds: &kinds,
        config: &state.config.casework,
        now: state.config.inbox.clock.now(),
    };
    let done = done.done.as_deref().and_then(done_words);
    Ok(render(
        StatusCode::OK,
        &DetailPage::new(&viewer, input, done, &state.questionnaire),
    ))
}
