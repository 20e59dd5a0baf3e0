//! `signpost-server export --format fhir --from YYYY-MM-DD --to YYYY-MM-DD [--practice CODE]
//! [--out FILE]`: the referrals received in a period (UTC days, both included) as NDJSON, one
//! FHIR R4 Bundle a line (`export::fhir`). The export identifies people: it is for the
//! practice's own systems. One audit entry is written, with the format and the count, before
//! anything is.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use signpost_core::fields::PracticeCode;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::{block_on, open_existing, DbArg};
use crate::clock;
use crate::export::fhir;
use crate::store::casework::{ListQuery, Scope, MAX_PAGE_SIZE};
use crate::store::{AuditAction, NewAuditEntry, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// FHIR R4: one Bundle a referral, one a line (NDJSON). Identifies the person.
    Fhir,
}

impl Format {
    fn as_str(self) -> &'static str {
        match self {
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
    /// Only this practice's referrals.
    #[arg(long, value_parser = practice)]
    pub practice: Option<PracticeCode>,
    /// A new file to write (never overwritten); standard output when absent.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
}

fn day(text: &str) -> Result<Date, String> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{text:?} is not a day; write it as YYYY-MM-DD"))
}

fn practice(text: &str) -> Result<PracticeCode, String> {
    PracticeCode::parse(text).map_err(|_| format!("{text:?} is not a practice code"))
}

pub fn run(args: ExportArgs) -> Result<(), String> {
    if args.from > args.to {
        return Err(format!("--from {} is after --to {}", args.from, args.to));
    }
    let store = open_existing(&args.db.path)?;
    let out: Box<dyn Write> = match &args.out {
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
        OffsetDateTime::now_utc(),
        BufWriter::new(out),
    ))??;
    eprintln!("exported {count} referrals as {}", args.format.as_str());
    Ok(())
}

/// Writes the export to `out` and answers how many referrals it holds.
pub async fn export(
    store: &dyn Store,
    args: &ExportArgs,
    now: OffsetDateTime,
    mut out: impl Write,
) -> Result<u64, String> {
    let failed = |e: crate::store::StoreError| format!("could not read the database: {e}");
    let references = references(store, args, now).await.map_err(failed)?;
    let count = references.len() as u64;
    let mut detail = format!(
        "format={} count={count} from={} to={}",
        args.format.as_str(),
        args.from,
        args.to
    );
    if let Some(practice) = &args.practice {
        detail.push_str(&format!(" practice={}", practice.as_ref()));
    }
    store
        .audit(NewAuditEntry::new(AuditAction::Exported, now).detail(detail))
        .await
        .map_err(failed)?;
    let exported_at = clock::timestamp(now);
    let questionnaire = signpost_core::default_questionnaire();
    let written = |e: io::Error| format!("could not write the export: {e}");
    for reference in references {
        // Erased since it was listed: it is no longer anyone's to export.
        let Some(record) = fhir::gather(store, &reference).await.map_err(failed)? else {
            continue;
        };
        let bundle =
            fhir::bundle(&record, &questionnaire, &exported_at).map_err(|e| e.to_string())?;
        serde_json::to_writer(&mut out, &bundle).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(written)?;
    }
    out.flush().map_err(written)?;
    Ok(count)
}

/// The references received in the period, oldest first, each once.
async fn references(
    store: &dyn Store,
    args: &ExportArgs,
    now: OffsetDateTime,
) -> Result<Vec<String>, crate::store::StoreError> {
    let mut found = Vec::new();
    for page in 1.. {
        let list = store
            .list_referrals(ListQuery {
                scope: Scope::All,
                status: None,
                need: None,
                practice: args.practice.as_ref().map(|p| p.as_ref().to_owned()),
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
        found.extend(list.rows.into_iter().map(|row| row.reference));
        if last {
            break;
        }
    }
    found.reverse();
    let mut seen = std::collections::HashSet::new();
    found.retain(|reference| seen.insert(reference.clone()));
    Ok(found)
}
