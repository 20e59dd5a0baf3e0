//! The `signpost-server` command: `serve` runs the service; `referral show` prints a stored
//! referral (the browser journeys use it to check what was stored); `checkin create` issues a
//! follow-up link.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use axum::http::HeaderValue;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use serde_json::Value;
use signpost_core::answers::SAFE_CONTACT_QUESTIONS;
use signpost_server::checkins::{self, IssueError};
use signpost_server::config::{
    load_questionnaire, parse_header_value, parse_origin, DEFAULT_CONTENT_SECURITY_POLICY,
};
use signpost_server::db::{self, StoredReferral, Wellbeing};
use signpost_server::{app, reference, AppState, Config, Db};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "signpost-server", version, about = "Signpost's intake service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service: the API and the site.
    Serve(ServeArgs),
    /// Read stored referrals.
    Referral {
        #[command(subcommand)]
        command: ReferralCommand,
    },
    /// Follow-up wellbeing check-ins.
    Checkin {
        #[command(subcommand)]
        command: CheckinCommand,
    },
}

#[derive(Debug, Subcommand)]
enum CheckinCommand {
    /// Issue a follow-up link for a referral and print it (one line). The link asks the scale the
    /// person answered at the start (WEMWBS if they skipped it), and works once.
    Create(CheckinCreateArgs),
}

#[derive(Debug, Args)]
struct CheckinCreateArgs {
    /// The referral's reference, like SP-7K3M-Q9X2.
    #[arg(long)]
    reference: String,
    #[arg(long, env = "SIGNPOST_DB", default_value = "data/signpost.db")]
    db: PathBuf,
    /// How many days the link stays open (0 to 366; 0 makes a link that has already expired).
    #[arg(long, default_value_t = checkins::DEFAULT_VALID_DAYS,
          value_parser = clap::value_parser!(u16).range(0..=i64::from(checkins::MAX_VALID_DAYS)))]
    valid_days: u16,
    /// The page that embeds the widget in follow-up mode; the link adds `?checkin=TOKEN` to it.
    #[arg(long, env = "SIGNPOST_CHECKIN_BASE_URL", default_value = checkins::DEFAULT_BASE_URL,
          value_parser = checkins::parse_base_url)]
    base_url: String,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The address to listen on (port 0 picks a free one; the line printed says which).
    #[arg(long, env = "SIGNPOST_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The SQLite database; it and its folder are created if missing.
    #[arg(long, env = "SIGNPOST_DB", default_value = "data/signpost.db")]
    db: PathBuf,
    /// The built site to serve: index.html, widget/, demo/.
    #[arg(long, env = "SIGNPOST_SITE", default_value = "dist")]
    site: PathBuf,
    /// An origin whose pages may send referrals, like https://practice.example.scot. Repeat for
    /// several; by default only pages served by this service may.
    #[arg(long = "allow-origin", env = "SIGNPOST_ALLOW_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    allow_origins: Vec<HeaderValue>,
    /// The Content-Security-Policy sent with the site's pages.
    #[arg(long, env = "SIGNPOST_CSP", default_value = DEFAULT_CONTENT_SECURITY_POLICY, value_parser = parse_header_value)]
    content_security_policy: HeaderValue,
    /// The service's own questionnaire file (JSON); by default, the questionnaire Signpost ships.
    /// Referrals are checked against it, so the widget must ask the same one.
    #[arg(long, env = "SIGNPOST_QUESTIONNAIRE")]
    questionnaire: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ReferralCommand {
    /// Print one stored referral as JSON.
    Show {
        /// The reference, like SP-7K3M-Q9X2.
        reference: String,
        #[arg(long, env = "SIGNPOST_DB", default_value = "data/signpost.db")]
        db: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr: stdout carries only what a script reads (the listening line, JSON).
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Referral {
            command: ReferralCommand::Show { reference, db },
        } => show(&reference, &db),
        Command::Checkin {
            command: CheckinCommand::Create(args),
        } => create_checkin(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("signpost-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    // Before the database: a broken file stops the service before it creates or touches anything.
    let questionnaire = load_questionnaire(args.questionnaire.as_deref())?;
    tracing::info!(
        id = questionnaire.id(),
        version = questionnaire.version(),
        "checking referrals against this questionnaire"
    );
    if let Some(parent) = args.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    }
    let db = Db::open(&args.db).map_err(|e| format!("{}: {e}", args.db.display()))?;
    if !args.site.join("index.html").is_file() {
        tracing::warn!(site = %args.site.display(), "no index.html in the site folder; only the API will answer");
    }
    let config = Config {
        site_dir: args.site,
        allowed_origins: args.allow_origins,
        content_security_policy: args.content_security_policy,
    };
    let router = app(AppState::new(db, config, questionnaire));

    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("could not start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("could not listen on {}: {e}", args.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Tests and scripts wait for this exact line.
        println!("signpost-server listening on http://{addr}");
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| format!("the server stopped: {e}"))
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight are finished, new connections refused.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// `referral show` prints this, one JSON object.
#[derive(Debug, Serialize)]
struct ShownReferral {
    reference: String,
    /// How it is safe to contact the person, first, before anything else is read: the answers
    /// to the safe-contact questions that were asked (`"yes"` or `"no"`).
    safe_contact: BTreeMap<String, Value>,
    received_at: String,
    status: String,
    channel: String,
    /// Who helped with an assisted referral; `null` for a self-referral.
    organisation: Option<String>,
    practice: String,
    language: String,
    consent: ShownConsent,
    /// `null` only for a referral stored before questionnaires.
    questionnaire: Option<ShownQuestionnaire>,
    /// `null` when the check-in was skipped.
    wellbeing: Option<ShownWellbeing>,
    /// The canonical body, exactly as stored.
    referral: Value,
}

#[derive(Debug, Serialize)]
struct ShownQuestionnaire {
    id: String,
    version: String,
}

/// The check-in as the service scored it.
#[derive(Debug, Serialize)]
struct ShownWellbeing {
    instrument: String,
    items: Value,
    /// WEMWBS total, or SWEMWBS metric score.
    score: f64,
    raw: i64,
}

#[derive(Debug, Serialize)]
struct ShownConsent {
    version: String,
    purposes: Value,
    consented_at: String,
}

fn show(reference: &str, path: &Path) -> Result<(), String> {
    if !reference::is_well_formed(reference) {
        return Err(format!(
            "{reference:?} is not a reference; they look like SP-7K3M-Q9X2"
        ));
    }
    let db = Db::open_existing(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reference_owned = reference.to_owned();
    let stored = db
        .call_blocking(move |conn| db::find(conn, &reference_owned))
        .map_err(|e| format!("could not read {}: {e}", path.display()))?
        .ok_or_else(|| format!("no referral {reference} in {}", path.display()))?;
    let shown = shown(stored)
        .map_err(|e| format!("the stored referral {reference} is not valid JSON: {e}"))?;
    let json = serde_json::to_string(&shown).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}

/// Prints the follow-up link, and nothing else, on stdout. The token is in that line only: the
/// database keeps its hash.
fn create_checkin(args: &CheckinCreateArgs) -> Result<(), String> {
    let reference = args.reference.trim();
    if !reference::is_well_formed(reference) {
        return Err(format!(
            "{reference:?} is not a reference; they look like SP-7K3M-Q9X2"
        ));
    }
    let path = &args.db;
    let db = Db::open_existing(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let issued = checkins::issue(&db, reference, args.valid_days).map_err(|e| match e {
        IssueError::UnknownReference => format!("no referral {reference} in {}", path.display()),
        other => format!("could not issue a follow-up link: {other}"),
    })?;
    tracing::info!(
        reference,
        instrument = issued.instrument.as_str(),
        expires_at = %issued.expires_at,
        "follow-up link issued"
    );
    println!(
        "{}",
        checkins::follow_up_link(&args.base_url, &issued.token)
    );
    Ok(())
}

fn shown(stored: StoredReferral) -> Result<ShownReferral, serde_json::Error> {
    let referral: Value = serde_json::from_str(&stored.body)?;
    let safe_contact = SAFE_CONTACT_QUESTIONS
        .iter()
        .filter_map(|id| {
            referral["answers"]
                .get(id)
                .map(|answer| (id.to_string(), answer.clone()))
        })
        .collect();
    Ok(ShownReferral {
        reference: stored.reference,
        safe_contact,
        received_at: stored.received_at,
        status: stored.status,
        channel: stored.channel,
        organisation: stored.organisation,
        practice: stored.practice,
        language: stored.language,
        consent: ShownConsent {
            version: stored.consent_version,
            purposes: serde_json::from_str(&stored.consent_purposes)?,
            consented_at: stored.consented_at,
        },
        questionnaire: stored
            .questionnaire
            .map(|(id, version)| ShownQuestionnaire { id, version }),
        wellbeing: stored.wellbeing.map(shown_wellbeing).transpose()?,
        referral,
    })
}

fn shown_wellbeing(stored: Wellbeing) -> Result<ShownWellbeing, serde_json::Error> {
    Ok(ShownWellbeing {
        instrument: stored.instrument,
        items: serde_json::from_str(&stored.items)?,
        score: stored.score,
        raw: stored.raw,
    })
}
