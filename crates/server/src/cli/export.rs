//! `export --format csv --from YYYY-MM-DD --to YYYY-MM-DD [--practice CODE …] [--out FILE]`:
//! the minimum dataset of the referrals received in those days (both included), to a file or
//! stdout. Each export is written to the audit log with its format, row count and filters.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use signpost_core::fields::PracticeCode;
use time::{Date, OffsetDateTime};

use super::{block_on, open_existing, DbArg};
use crate::export::{self, csv};
use crate::store::casework::Scope;
use crate::store::evaluation::Period;
use crate::store::{AuditAction, NewAuditEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The minimum dataset (docs/minimum-dataset.md): one row per referral that agreed to
    /// evaluation, nothing that identifies the person.
    Csv,
    // Fhir: FHIR R4 Bundles, added with `export/fhir.rs`.
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// The first day of referrals to include, YYYY-MM-DD (UTC).
    #[arg(long, value_parser = day)]
    from: Date,
    /// The last day to include, YYYY-MM-DD (UTC).
    #[arg(long, value_parser = day)]
    to: Date,
    /// Only this practice's referrals (repeat for several); every practice's without it.
    #[arg(long = "practice", value_parser = practice)]
    practices: Vec<String>,
    /// Write to this new file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    db: DbArg,
}

fn day(text: &str) -> Result<Date, String> {
    export::parse_day(text).ok_or_else(|| format!("{text:?} is not a day like 2026-01-31"))
}

fn practice(text: &str) -> Result<String, String> {
    PracticeCode::parse(text)
        .map(|code| code.as_ref().to_owned())
        .map_err(|_| format!("{text:?} is not a practice code"))
}

pub fn run(args: ExportArgs) -> Result<(), String> {
    if args.from > args.to {
        return Err(format!(
            "--from {} is after --to {}: nothing to export",
            args.from, args.to
        ));
    }
    let period = Period {
        scope: if args.practices.is_empty() {
            Scope::All
        } else {
            Scope::Practices(args.practices.clone())
        },
        from: args.from,
        to: args.to,
    };
    let store = open_existing(&args.db.path)?;
    let (text, rows) = block_on(async {
        let (text, rows) = match args.format {
            ExportFormat::Csv => csv::export(store.as_ref(), period.clone()).await?,
        };
        let entry = NewAuditEntry::new(AuditAction::Exported, OffsetDateTime::now_utc())
            .detail(export::audit_detail(args.format.as_str(), rows, &period));
        store.audit(entry).await?;
        Ok::<_, crate::store::StoreError>((text, rows))
    })?
    .map_err(|e| format!("could not export: {e}"))?;
    match &args.out {
        Some(path) => {
            // A new file only: an export never overwrites what someone else may still need.
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            file.write_all(text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        None => print!("{text}"),
    }
    tracing::info!(format = args.format.as_str(), rows, "exported");
    Ok(())
}
