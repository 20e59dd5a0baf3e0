//! `signpost-server export --format csv|fhir --from YYYY-MM-DD --to YYYY-MM-DD [--practice CODE …]
//! [--out FILE]`: what the service holds about the referrals received in a period (UTC days, both
//! included), to a new file or stdout. Each export is written to the audit log with its format,
//! count and filters, never its contents.
//!
//! - `csv`: the minimum dataset (docs/minimum-dataset.md, `export::csv`): one row per referral
//!   that agreed to evaluation, nothing that identifies the person.
//! - `fhir`: one FHIR R4 Bundle a referral, one a line (NDJSON, `export::fhir`). It identifies
//!   people: it is for the practice's own systems. Its QuestionnaireResponse types each answer by
//!   the service's questionnaire, `--questionnaire FILE` as `serve` takes it (the shipped one by
//!   default), so a service with its own file exports what the inbox's download does.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use signpost_core::fields::PracticeCode;
use signpost_core::Questionnaire;
use time::{Date, OffsetDateTime};

use super::{block_on, open_existing, DbArg};
use crate::clock;
use crate::config::load_questionnaire;
use crate::export::{self as exports, csv, fhir};
use crate::store::casework::{ListQuery, Scope, MAX_PAGE_SIZE};
use crate::store::evaluation::Period;
use crate::store::{AuditAction, NewAuditEntry, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The minimum dataset: one row per referral that agreed to evaluation, nothing that
    /// identifies the person.
    Csv,
    /// FHIR R4: one Bundle a referral, one a line (NDJSON). Identifies the person.
    Fhir,
}

impl Format {
    fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Fhir => "fhir",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: Format,
    /// The first day received, `YYYY-MM-DD` (UTC).
    #[arg(long, value_parser = day)]
    pub from: Date,
    /// The last day received, `YYYY-MM-DD` (UTC), included.
    #[arg(long, value_parser = day)]
    pub to: Date,
    /// Only this practice's referrals (repeat for several); every practice's without it.
    #[arg(long = "practice", value_parser = practice)]
    pub practices: Vec<PracticeCode>,
    /// A new file to write (never overwritten); standard output when absent.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The service's own questionnaire file (JSON), as `serve --questionnaire` takes it; by
    /// default, the questionnaire Signpost ships. FHIR's answers are typed by it.
    #[arg(long, env = "SIGNPOST_QUESTIONNAIRE")]
    pub questionnaire: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

fn day(text: &str) -> Result<Date, String> {
    exports::parse_day(text).ok_or_else(|| format!("{text:?} is not a day like 2026-01-31"))
}

fn practice(text: &str) -> Result<PracticeCode, String> {
    PracticeCode::parse(text).map_err(|_| format!("{text:?} is not a practice code"))
}

pub fn run(args: ExportArgs) -> Result<(), String> {
    if args.from > args.to {
        return Err(format!(
            "--from {} is after --to {}: nothing to export",
            args.from, args.to
        ));
    }
    // Before the database and the output file, as `serve` does: a broken file changes nothing.
    let questionnaire = load_questionnaire(args.questionnaire.as_deref())?;
    let store = open_existing(&args.db.path)?;
    let out: Box<dyn Write> = match &args.out {
        // A new file only: an export never overwrites what someone else may still need.
        Some(path) => Box::new(
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let count = block_on(export(
        store.as_ref(),
        &args,
        &questionnaire,
        OffsetDateTime::now_utc(),
        BufWriter::new(out),
    ))??;
    tracing::info!(format = args.format.as_str(), count, "exported");
    Ok(())
}

/// Writes the export to `out`, audited, and answers how many referrals (rows) it holds.
/// `questionnaire` is the service's (FHIR's answers are typed by it; the CSV does not read it).
pub async fn export(
    store: &dyn Store,
    args: &ExportArgs,
    questionnaire: &Questionnaire,
    now: OffsetDateTime,
    mut out: impl Write,
) -> Result<u64, String> {
    let failed = |e: crate::store::StoreError| format!("could not read the database: {e}");
    let written = |e: io::Error| format!("could not write the export: {e}");
    match args.format {
        Format::Csv => {
            let period = Period {
                scope: if args.practices.is_empty() {
                    Scope::All
                } else {
                    Scope::Practices(
                        args.practices
                            .iter()
                            .map(|p| p.as_ref().to_owned())
                            .collect(),
                    )
                },
                from: args.from,
                to: args.to,
            };
            let (text, rows) = csv::export(store, period.clone()).await.map_err(failed)?;
            store
                .audit(
                    NewAuditEntry::new(AuditAction::Exported, now)
                        .detail(exports::audit_detail("csv", rows, &period)),
                )
                .await
                .map_err(failed)?;
            out.write_all(text.as_bytes()).map_err(written)?;
            out.flush().map_err(written)?;
            Ok(rows as u64)
        }
        Format::Fhir => {
            let references = references(store, args, now).await.map_err(failed)?;
            let count = references.len() as u64;
            let mut detail = format!(
                "format=fhir count={count} from={} to={}",
                args.from, args.to
            );
            if !args.practices.is_empty() {
                let codes: Vec<&str> = args.practices.iter().map(|p| p.as_ref()).collect();
                detail.push_str(&format!(" practice={}", codes.join(" ")));
            }
            store
                .audit(NewAuditEntry::new(AuditAction::Exported, now).detail(detail))
                .await
                .map_err(failed)?;
            let exported_at = clock::timestamp(now);
            for reference in references {
                // Erased since it was listed: it is no longer anyone's to export.
                let Some(record) = fhir::gather(store, &reference).await.map_err(failed)? else {
                    continue;
                };
                let bundle = fhir::bundle(&record, questionnaire, &exported_at)
                    .map_err(|e| e.to_string())?;
                serde_json::to_writer(&mut out, &bundle).map_err(|e| e.to_string())?;
                out.write_all(b"\n").map_err(written)?;
            }
            out.flush().map_err(written)?;
            Ok(count)
        }
    }
}

/// The references received in the period, oldest first, each once.
async fn references(
    store: &dyn Store,
    args: &ExportArgs,
    now: OffsetDateTime,
) -> Result<Vec<String>, crate::store::StoreError> {
    let practices: Vec<Option<String>> = if args.practices.is_empty() {
        vec![None]
    } else {
        args.practices
            .iter()
            .map(|p| Some(p.as_ref().to_owned()))
            .collect()
    };
    let mut found = Vec::new();
    for practice in practices {
        let mut this_practice = Vec::new();
        for page in 1.. {
            let list = store
                .list_referrals(ListQuery {
                    scope: Scope::All,
                    status: None,
                    need: None,
                    practice: practice.clone(),
                    channel: None,
                    urgent_only: false,
                    follow_up: None,
                    received_from: Some(args.from),
                    received_to: Some(args.to),
                    page,
                    page_size: MAX_PAGE_SIZE,
                    now,
                    // Only the list's follow-up flags read it, and the export reads none of them.
                    follow_up_after_weeks: 12,
                    seen_until: None,
                })
                .await?;
            let last = list.rows.len() < MAX_PAGE_SIZE as usize;
            this_practice.extend(list.rows.into_iter().map(|row| row.reference));
            if last {
                break;
            }
        }
        this_practice.reverse();
        found.extend(this_practice);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|reference| seen.insert(reference.clone()));
    Ok(found)
}
