//! `GET /inbox/monitoring`: the figures for the chosen practices and period, each count under the
//! small-number rule, with what they cannot say written beside them. Viewing it is audited.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use signpost_core::evaluation::{Count, WellbeingSummary};

use super::chart::BarChart;
use super::filters::{choose, Asked, Refused};
use super::{labels, EXPORT_CSV, PAGE};
use crate::export::audit_detail;
use crate::inbox::auth::users::Access;
use crate::inbox::error::InboxResult;
use crate::inbox::page::form::{ErrorSummary, Field, InputKind, SummaryItem};
use crate::inbox::page::layout::Layout;
use crate::inbox::page::problem::Problem;
use crate::inbox::page::render;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::store::casework::Scope;
use crate::store::evaluation::{Monitoring, Period, Tally};
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

/// A count as the page shows it: with thousands separated, or "fewer than 5".
pub fn shown(n: u32) -> String {
    match Count::of(n) {
        Count::Shown(n) => thousands(n),
        Count::FewerThanFive => "fewer than 5".to_owned(),
    }
}

/// Which counts of a table to withhold when its total is shown too: those of 1 to 4, and, when
/// that leaves exactly one withheld, the next smallest that is not zero as well, since the total
/// less the others would give the withheld one back (secondary suppression, as published
/// statistics do it).
pub fn withheld(counts: &[u32]) -> Vec<bool> {
    let mut hidden: Vec<bool> = counts
        .iter()
        .map(|n| Count::of(*n) == Count::FewerThanFive)
        .collect();
    if hidden.iter().filter(|h| **h).count() == 1 {
        let next = (0..counts.len())
            .filter(|i| !hidden[*i] && counts[*i] > 0)
            .min_by_key(|i| counts[*i]);
        if let Some(i) = next {
            hidden[i] = true;
        }
    }
    hidden
}

/// A count of a table whose total is shown: withheld as [`withheld`] says.
pub fn shown_in(n: u32, hidden: bool) -> String {
    match (Count::of(n), hidden) {
        (Count::FewerThanFive, _) => "fewer than 5".to_owned(),
        (_, true) => "withheld".to_owned(),
        (Count::Shown(n), false) => thousands(n),
    }
}

fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A change in points, signed: "+2.8", "−0.4" (a true minus sign, as statistics print it).
pub fn points(change: f64) -> String {
    // + 0.0 turns a rounded −0.0 into 0.0.
    let rounded = (change * 10.0).round() / 10.0 + 0.0;
    if rounded == 0.0 {
        "0.0".to_owned()
    } else if rounded < 0.0 {
        format!("\u{2212}{:.1}", -rounded)
    } else {
        format!("+{rounded:.1}")
    }
}

fn days(value: f64) -> String {
    format!("{value:.1} days")
}

/// A practice the person may tick.
pub struct PracticeChoice {
    pub code: String,
    pub id: String,
    pub checked: bool,
}

pub struct Row {
    pub label: String,
    pub value: String,
}

pub struct OnwardRow {
    pub kind: String,
    pub total: String,
    pub yes: String,
    pub no: String,
    pub not_yet: String,
}

pub struct CohortView {
    pub title: String,
    pub id: String,
    pub rows: Vec<Row>,
    /// What this cohort's figures cannot say.
    pub notes: Vec<String>,
}

pub struct Figures {
    pub period: String,
    pub scope: String,
    pub referrals: String,
    pub months: BarChart,
    pub channels: Vec<Row>,
    pub practices: BarChart,
    pub needs: BarChart,
    pub languages: Vec<Row>,
    pub first_contact: Vec<Row>,
    pub first_contact_note: String,
    pub endings: Vec<Row>,
    pub onward: Vec<OnwardRow>,
    pub consented: String,
    pub without_baseline: String,
    pub cohorts: Vec<CohortView>,
    pub csv_href: String,
}

#[derive(Template)]
#[template(path = "monitoring.html")]
pub struct MonitoringPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub action: &'static str,
    pub from: Field,
    pub to: Field,
    pub practice_label: &'static str,
    pub practice_hint: &'static str,
    pub practice_error: Option<&'static str>,
    /// A link worker's own practices, or for an admin every practice with a referral.
    pub practices: Vec<PracticeChoice>,
    pub figures: Option<Figures>,
}

pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    RawQuery(query): RawQuery,
) -> InboxResult {
    let asked = Asked::parse(query.as_deref());
    let now = state.config.inbox.clock.now();
    let chosen = choose(&asked, &signed_in.access, now);
    let offered: Vec<String> = match &signed_in.access {
        Access::LinkWorker { practices } => {
            practices.iter().map(|p| p.as_ref().to_owned()).collect()
        }
        Access::Admin => state.store.practices_with_referrals().await?,
    };
    let period_days = chosen
        .as_ref()
        .ok()
        .map(|p| (p.from.to_string(), p.to.to_string()));
    let (figures, errors) = match chosen {
        Err(Refused::NotYours) => return Ok(Problem::NotFound.into_response()),
        Err(Refused::Invalid { from, to, practice }) => (None, (from, to, practice)),
        Ok(period) => {
            let monitoring = state.store.monitoring(period.clone()).await?;
            let entry = NewAuditEntry::new(AuditAction::ViewedMonitoring, now)
                .by(signed_in.user.0)
                .from_client(client.0)
                .detail(audit_detail("page", monitoring.referrals as usize, &period));
            state.store.audit(entry).await?;
            let csv_href = format!("{EXPORT_CSV}?{}", asked.query(&period));
            (
                Some(figures(&monitoring, &period, csv_href)),
                (None, None, None),
            )
        }
    };
    let (from_error, to_error, practice_error) = errors;
    let from = Field::new("from", "From", InputKind::Text, "off")
        .hint("The first day, as YYYY-MM-DD")
        .width(10)
        .value(match &period_days {
            Some((from, _)) if asked.from.trim().is_empty() => from.clone(),
            _ => asked.from.clone(),
        })
        .error(from_error);
    let to = Field::new("to", "To", InputKind::Text, "off")
        .hint("The last day, as YYYY-MM-DD")
        .width(10)
        .value(match &period_days {
            Some((_, to)) if asked.to.trim().is_empty() => to.clone(),
            _ => asked.to.clone(),
        })
        .error(to_error);
    let mut summary = ErrorSummary::of(&[&from, &to]);
    if let Some(message) = practice_error {
        summary.items.push(SummaryItem {
            field_id: "practice-0",
            message: message.to_owned(),
        });
    }
    let chosen_codes: Vec<String> = asked
        .practices
        .iter()
        .map(|p| p.trim().to_ascii_uppercase())
        .collect();
    let practices = offered
        .into_iter()
        .enumerate()
        .map(|(i, code)| PracticeChoice {
            checked: chosen_codes.contains(&code),
            id: format!("practice-{i}"),
            code,
        })
        .collect();
    let admin = signed_in.is_admin();
    let status = if summary.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = MonitoringPage {
        layout: Layout::signed_in("Monitoring", &signed_in).with_errors(!summary.is_empty()),
        summary,
        action: PAGE,
        from,
        to,
        practice_label: "Practices",
        practice_hint: if admin {
            "Leave every box empty for all practices"
        } else {
            "Leave every box empty for all your practices"
        },
        practice_error,
        practices,
        figures,
    };
    Ok(render(status, &page))
}

fn rows<K>(tallies: &[Tally<K>], label: impl Fn(&K) -> String) -> Vec<(String, u32)> {
    tallies.iter().map(|t| (label(&t.key), t.count)).collect()
}

/// The rows of a table whose counts add up to a total the page shows.
fn table(rows: &[(String, u32)]) -> Vec<Row> {
    let hidden = withheld(&rows.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    rows.iter()
        .zip(hidden)
        .map(|((label, n), hidden)| Row {
            label: label.clone(),
            value: shown_in(*n, hidden),
        })
        .collect()
}

fn figures(m: &Monitoring, period: &Period, csv_href: String) -> Figures {
    let scope = match &period.scope {
        Scope::All => "all practices".to_owned(),
        Scope::Practices(codes) if codes.len() == 1 => format!("practice {}", codes[0]),
        Scope::Practices(codes) => format!("practices {}", codes.join(", ")),
    };
    let first_contact = match m.first_contact.median_p90_days {
        Some((median, p90)) => vec![
            Row {
                label: "Median".into(),
                value: days(median),
            },
            Row {
                label: "90th percentile (9 in 10 were contacted within)".into(),
                value: days(p90),
            },
        ],
        None => vec![Row {
            label: "Median and 90th percentile".into(),
            value: "withheld: fewer than 5 contacted".into(),
        }],
    };
    let first_contact_note = format!(
        "Of {} referrals, {} were contacted and {} have not been (still new, or closed without contact): the times count only those contacted.",
        shown(m.referrals),
        shown(m.first_contact.contacted),
        shown(m.first_contact.not_contacted),
    );
    Figures {
        period: format!("{} to {}", period.from, period.to),
        scope,
        referrals: shown(m.referrals),
        months: BarChart::partition(
            "months",
            "Referrals by month",
            &rows(&m.by_month, |k| k.clone()),
        ),
        channels: table(&rows(&m.by_channel, |c| labels::channel(*c).to_owned())),
        practices: BarChart::partition(
            "practices",
            "Referrals by practice",
            &rows(&m.by_practice, |k| k.clone()),
        ),
        needs: BarChart::new(
            "needs",
            "Referrals by need area",
            &rows(&m.by_need, |k| labels::need(k)),
        ),
        languages: table(&rows(&m.by_language, |l| labels::language(*l).to_owned())),
        first_contact,
        first_contact_note,
        endings: table(&rows(&m.endings, |e| e.label())),
        onward: m
            .onward
            .iter()
            .map(|o| {
                let hidden = withheld(&[o.yes, o.no, o.not_yet]);
                OnwardRow {
                    kind: labels::need(&o.kind),
                    total: shown(o.yes + o.no + o.not_yet),
                    yes: shown_in(o.yes, hidden[0]),
                    no: shown_in(o.no, hidden[1]),
                    not_yet: shown_in(o.not_yet, hidden[2]),
                }
            })
            .collect(),
        consented: shown(m.evaluation_consented),
        without_baseline: shown(m.without_baseline),
        cohorts: m
            .wellbeing
            .iter()
            .enumerate()
            .map(|(i, (cohort, summary))| cohort_view(i, labels::cohort(*cohort), summary))
            .collect(),
        csv_href,
    }
}

fn count_text(count: Count) -> String {
    match count {
        Count::Shown(n) => thousands(n),
        Count::FewerThanFive => "fewer than 5".to_owned(),
    }
}

fn cohort_view(i: usize, title: String, s: &WellbeingSummary) -> CohortView {
    let withheld = || "withheld: fewer than 5 people".to_owned();
    let mut rows = vec![
        Row {
            label: "People with a baseline".into(),
            value: count_text(s.baselines),
        },
        Row {
            label: "With a follow-up".into(),
            value: count_text(s.follow_ups),
        },
        Row {
            label: "Baseline, no follow-up yet".into(),
            value: count_text(s.without_follow_up),
        },
        Row {
            label: "Follow-up completion".into(),
            value: s.completion_rate.map_or_else(withheld, percent),
        },
    ];
    match &s.change {
        Some(change) => rows.extend([
            Row {
                label: "Mean change (people with both)".into(),
                value: format!("{} points", points(change.mean)),
            },
            Row {
                label: "95% confidence interval".into(),
                value: format!(
                    "{} to {} points",
                    points(change.ci95.0),
                    points(change.ci95.1)
                ),
            },
            Row {
                label: "Changed by 3 points or more, either way".into(),
                value: percent(change.meaningful_share),
            },
            Row {
                label: "Rose by 3 points or more".into(),
                value: percent(change.improved_share),
            },
        ]),
        None => rows.push(Row {
            label: "Mean change".into(),
            value: withheld(),
        }),
    }
    let mut notes = Vec::new();
    match s.without_follow_up {
        Count::Shown(0) => {}
        count => notes.push(format!(
            "{} people with a baseline have no follow-up yet. The change is only of those with both, who may not be like those without: people who are doing worse are often harder to reach.",
            count_text(count).replace("fewer than 5", "Fewer than 5")
        )),
    }
    if let Some(change) = &s.change {
        if change.ci95.0 <= 0.0 && change.ci95.1 >= 0.0 {
            notes.push("The interval includes no change at all: these figures do not show that wellbeing changed.".to_owned());
        }
    }
    notes.push("A change is not caused by the support alone: scores also move with time and circumstance, and there is no comparison group.".to_owned());
    CohortView {
        title,
        id: format!("cohort-{i}"),
        rows,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_statistics_print_them() {
        assert_eq!(shown(0), "0");
        assert_eq!(shown(4), "fewer than 5");
        assert_eq!(shown(1204), "1,204");
        assert_eq!(shown(100000), "100,000");
        assert_eq!(points(3.5), "+3.5");
        assert_eq!(points(-0.44), "\u{2212}0.4");
        assert_eq!(points(-0.04), "0.0");
        assert_eq!(percent(2.0 / 3.0), "67%");
    }

    /// 11 = 9 + 2 + 0: showing the 9 and the total would give the 2 back.
    #[test]
    fn a_lone_withheld_count_takes_the_next_smallest_with_it() {
        assert_eq!(withheld(&[9, 2, 0]), [true, true, false]);
        assert_eq!(withheld(&[31, 16, 22, 3]), [false, true, false, true]);
        assert_eq!(withheld(&[2, 3, 40]), [true, true, false]);
        assert_eq!(withheld(&[20, 30]), [false, false]);
        assert_eq!(shown_in(9, true), "withheld");
        assert_eq!(shown_in(2, true), "fewer than 5");
    }
}
