//! The referral list, the inbox's home: newest first, 25 a page, filtered by a GET form (status,
//! need, practice, channel, urgent help, follow-up, dates received), with the counts by status,
//! each row's safety flags, and what arrived since the viewer last looked.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use signpost_core::workflow::Status;
use signpost_core::Channel;
use time::Date;

use super::settings::need_areas;
use super::view::{status_tag, when, Choice, Tag};
use super::visible::{self, CaseResult};
use super::words;
use crate::inbox::auth::users::Access;
use crate::inbox::page::form::{ErrorSummary, SummaryItem};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::store::casework::{FollowUp, FollowUpFilter, ListQuery, ListRow, ReferralList};
use crate::store::AuditAction;
use crate::{reference, AppState};

pub const PAGE_SIZE: u32 = 25;

/// The filters as the GET form sends them; every one optional, and kept as typed so the form
/// shows them again.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Filters {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub need: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub practice: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub urgent: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub follow_up: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(default, skip_serializing)]
    pub page: Option<String>,
}

impl Filters {
    /// The list's address with these filters, on `page`.
    fn href(&self, page: u32) -> String {
        let query = serde_urlencoded::to_string(self).unwrap_or_default();
        let page = (page > 1).then(|| format!("page={page}"));
        let query: Vec<String> = [(!query.is_empty()).then_some(query), page]
            .into_iter()
            .flatten()
            .collect();
        if query.is_empty() {
            paths::ROOT.to_owned()
        } else {
            format!("{}?{}", paths::ROOT, query.join("&"))
        }
    }
}

/// `YYYY-MM-DD`, as a date input sends it.
fn parse_date(text: &str) -> Result<Option<Date>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map(Some)
        .map_err(|_| "Enter a real date, like 25 November 2026")
}

#[derive(Debug, Clone)]
pub struct RowView {
    pub href: String,
    pub reference: String,
    pub name: String,
    pub received: String,
    pub needs: Vec<String>,
    pub status: Tag,
    pub flags: Vec<Tag>,
    pub follow_up: Option<&'static str>,
    pub is_new: bool,
    pub practice: String,
}

impl RowView {
    fn of(row: ListRow) -> RowView {
        let mut flags = Vec::new();
        if row.urgent {
            flags.push(Tag {
                text: "Urgent help asked for".into(),
                class: "sp-inbox-tag--red",
            });
        }
        if row.unsafe_at_home {
            flags.push(Tag {
                text: "Unsafe at home".into(),
                class: "sp-inbox-tag--red",
            });
        }
        if row.no_voicemail {
            flags.push(Tag {
                text: "No voicemail".into(),
                class: "sp-inbox-tag--orange",
            });
        }
        RowView {
            href: paths::referral(&row.reference),
            name: row.name.unwrap_or_else(|| "No name given".into()),
            received: when(&row.received_at),
            needs: row
                .needs
                .iter()
                .map(|n| words::option("needs", n))
                .collect(),
            status: status_tag(row.status, row.closure),
            flags,
            follow_up: match row.follow_up {
                FollowUp::NotDue => None,
                FollowUp::Due => Some("Due"),
                FollowUp::Outstanding => Some("Link sent"),
                FollowUp::Answered => Some("Answered"),
            },
            is_new: row.is_new,
            practice: row.practice,
            reference: row.reference,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CountLink {
    pub label: &'static str,
    pub count: u64,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct PageLink {
    /// `None` for an ellipsis.
    pub number: Option<u32>,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Template)]
#[template(path = "casework/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub from_error: Option<String>,
    pub to_error: Option<String>,
    pub filters: Filters,
    pub statuses: Vec<Choice>,
    pub needs: Vec<Choice>,
    /// A select of the link worker's practices, when they cover several.
    pub practices: Option<Vec<Choice>>,
    /// An admin types a practice code.
    pub practice_typed: bool,
    pub channels: Vec<Choice>,
    pub follow_ups: Vec<Choice>,
    pub urgent_checked: bool,
    pub counts: Vec<CountLink>,
    pub all_href: String,
    pub all_count: u64,
    pub rows: Vec<RowView>,
    pub showing: String,
    pub new_since: u64,
    pub pagination: Option<Pagination>,
    pub clear_href: &'static str,
    /// The reference an admin has just erased, for the banner saying so.
    pub erased: Option<String>,
}

/// `?erased=SP-…`, where erasing a referral lands (`inbox/admin/person.rs`).
#[derive(Debug, Default, Deserialize)]
pub struct Erased {
    erased: Option<String>,
}

impl Erased {
    /// The reference to name in the banner: only for an admin, and only when it is well formed and
    /// truly gone, so an edited address can neither claim an erasure that did not happen nor tell
    /// a link worker which references exist.
    async fn shown(
        self,
        state: &AppState,
        viewer: &SignedIn,
    ) -> Result<Option<String>, crate::store::StoreError> {
        let Some(reference) = self.erased.filter(|r| reference::is_well_formed(r)) else {
            return Ok(None);
        };
        if !viewer.is_admin() || state.store.find_referral(&reference).await?.is_some() {
            return Ok(None);
        }
        Ok(Some(reference))
    }
}

fn pages(filters: &Filters, current: u32, last: u32) -> Option<Pagination> {
    if last <= 1 {
        return None;
    }
    let mut links = Vec::new();
    for n in 1..=last {
        if n == 1 || n == last || n.abs_diff(current) <= 1 {
            links.push(PageLink {
                number: Some(n),
                href: filters.href(n),
                current: n == current,
            });
        } else if links.last().is_some_and(|l: &PageLink| l.number.is_some()) {
            links.push(PageLink {
                number: None,
                href: String::new(),
                current: false,
            });
        }
    }
    Some(Pagination {
        previous: (current > 1).then(|| filters.href(current - 1)),
        next: (current < last).then(|| filters.href(current + 1)),
        pages: links,
    })
}

impl ListPage {
    pub fn new(
        viewer: &SignedIn,
        filters: Filters,
        errors: (Option<&'static str>, Option<&'static str>),
        list: &ReferralList,
        page: u32,
        need_ids: &[String],
    ) -> ListPage {
        let (from_error, to_error) = (errors.0.map(str::to_owned), errors.1.map(str::to_owned));
        let summary = ErrorSummary {
            items: [("from", &from_error), ("to", &to_error)]
                .into_iter()
                .filter_map(|(field_id, e)| {
                    e.clone().map(|message| SummaryItem { field_id, message })
                })
                .collect(),
        };
        let chosen = |v: &str| (!v.is_empty()).then_some(v.to_owned());
        let status = chosen(&filters.status);
        let any = |label: &str| Choice::new("", label, Some(""));
        let statuses = std::iter::once(any("Any status"))
            .chain(Status::ALL.map(|s| Choice::new(s.as_str(), s.label(), status.as_deref())))
            .collect();
        let needs =
            std::iter::once(any("Any need"))
                .chain(need_ids.iter().map(|n| {
                    Choice::new(n.clone(), words::option("needs", n), Some(&filters.need))
                }))
                .collect();
        let practices = match &viewer.access {
            Access::LinkWorker { practices } if practices.iter().count() > 1 => Some(
                std::iter::once(any("All your practices"))
                    .chain(
                        practices
                            .iter()
                            .map(|p| Choice::new(p.as_ref(), p.as_ref(), Some(&filters.practice))),
                    )
                    .collect(),
            ),
            _ => None,
        };
        let channels = vec![
            any("Any way"),
            Choice::new("self", "Self-referral", Some(&filters.channel)),
            Choice::new(
                "assisted",
                "Helped by an organisation",
                Some(&filters.channel),
            ),
        ];
        let follow_ups = vec![
            any("Any"),
            Choice::new("due", "Due a follow-up", Some(&filters.follow_up)),
            Choice::new(
                "outstanding",
                "Follow-up link sent, not answered",
                Some(&filters.follow_up),
            ),
        ];
        let mut unfiltered = filters.clone();
        unfiltered.status.clear();
        let counts = list
            .by_status
            .iter()
            .map(|(s, count)| {
                let mut with = unfiltered.clone();
                with.status = s.as_str().to_owned();
                CountLink {
                    label: s.label(),
                    count: *count,
                    href: with.href(1),
                    current: status.as_deref() == Some(s.as_str()),
                }
            })
            .collect();
        let first = u64::from(page - 1) * u64::from(PAGE_SIZE) + 1;
        let showing = if list.rows.is_empty() {
            "No referrals match these filters.".to_owned()
        } else {
            format!(
                "Showing {} to {} of {} referrals",
                first,
                first + list.rows.len() as u64 - 1,
                list.total
            )
        };
        let last = u32::try_from(list.total.div_ceil(u64::from(PAGE_SIZE)))
            .unwrap_or(u32::MAX)
            .max(1);
        ListPage {
            layout: Layout::signed_in("Referrals", viewer).with_errors(!summary.is_empty()),
            summary,
            from_error,
            to_error,
            urgent_checked: filters.urgent == "yes",
            practice_typed: matches!(viewer.access, Access::Admin),
            statuses,
            needs,
            practices,
            channels,
            follow_ups,
            counts,
            all_href: unfiltered.href(1),
            all_count: list.by_status.iter().map(|(_, n)| n).sum(),
            rows: list.rows.iter().cloned().map(RowView::of).collect(),
            showing,
            new_since: list.new_since_last_look,
            pagination: pages(&filters, page, last),
            clear_href: paths::ROOT,
            erased: None,
            filters,
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Query(filters): Query<Filters>,
    Query(erased): Query<Erased>,
) -> CaseResult {
    let now = state.config.inbox.clock.now();
    let from = parse_date(&filters.from);
    let to = parse_date(&filters.to);
    let page = filters
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let seen_until = state
        .store
        .look_at_list(viewer.user.0, now, state.config.inbox.sessions.idle)
        .await?;
    let practice = filters.practice.trim().to_uppercase();
    let query = ListQuery {
        scope: visible::scope(&viewer.access),
        status: Status::from_name(&filters.status),
        need: (!filters.need.is_empty()).then(|| filters.need.clone()),
        practice: (!practice.is_empty()).then_some(practice),
        channel: Channel::from_name(&filters.channel),
        urgent_only: filters.urgent == "yes",
        follow_up: match filters.follow_up.as_str() {
            "due" => Some(FollowUpFilter::Due),
            "outstanding" => Some(FollowUpFilter::Outstanding),
            _ => None,
        },
        received_from: from.ok().flatten(),
        received_to: to.ok().flatten(),
        page,
        page_size: PAGE_SIZE,
        now,
        follow_up_after_weeks: state.config.casework.follow_up_after_weeks,
        seen_until,
    };
    let list = state.store.list_referrals(query).await?;
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::ViewedList,
        None,
        Some(format!("page {page}")),
    )
    .await?;
    let errors = (from.err(), to.err());
    let status = if errors.0.is_some() || errors.1.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut view = ListPage::new(
        &viewer,
        filters,
        errors,
        &list,
        page,
        &need_areas(&state.questionnaire),
    );
    view.erased = erased.shown(&state, &viewer).await?;
    Ok(render(status, &view))
}
