//! `serve`: the API, the site and the inbox on one address (or the inbox on one of its own, with
//! `--inbox-addr`), until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::http::HeaderValue;
use clap::Args;
use time::Duration;
use tokio::net::TcpListener;

use super::DbArg;
use crate::config::{
    load_questionnaire, parse_header_value, parse_origin, DEFAULT_CONTENT_SECURITY_POLICY,
};
use crate::http::rate_limit::RateLimitArgs;
use crate::inbox::{self, InboxConfig};
use crate::notify::{self, NotifyArgs, SmtpMailer, WorkerSettings};
use crate::store::{self, Create, Location};
use crate::{app, intake, AppState, Config};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (port 0 picks a free one; the line printed says which).
    #[arg(long, env = "SIGNPOST_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArg,
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
    /// Emails to each practice's team when a referral arrives.
    #[command(flatten)]
    notify: NotifyArgs,
    /// Per-client rate limits, and where the client's address comes from.
    #[command(flatten)]
    limits: RateLimitArgs,
    /// Days a closed referral is kept after closing; a daily task deletes older ones (and
    /// follow-up links that expired unused), as `signpost-server purge` does.
    #[arg(long, env = "SIGNPOST_RETENTION_DAYS", default_value_t = crate::retention::DEFAULT_RETENTION_DAYS,
          value_parser = clap::value_parser!(u16).range(30..))]
    retention_days: u16,
    /// Serve the link workers' inbox on this address of its own (a health board's internal
    /// network, say), and not on --addr, which then serves only the intake API and the site.
    /// Without it, both are on --addr.
    #[arg(long, env = "SIGNPOST_INBOX_ADDR")]
    inbox_addr: Option<SocketAddr>,
    /// The inbox's origin as link workers reach it, like https://inbox.example.scot: the start of
    /// the set-password links the admin pages give, what a form's Origin must be, and, with
    /// https, `Secure` cookies (behind a proxy that ends TLS too).
    #[arg(long, env = "SIGNPOST_INBOX_ORIGIN", value_parser = parse_inbox_origin)]
    inbox_origin: Option<String>,
    /// Minutes without a request after which an inbox session ends.
    #[arg(long, env = "SIGNPOST_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u16).range(1..=1440))]
    session_idle_minutes: u16,
    /// Hours after signing in at which an inbox session ends however active it is.
    #[arg(long, env = "SIGNPOST_SESSION_MAX_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u16).range(1..=168))]
    session_max_hours: u16,
    /// Casework: when a follow-up is due, which onward referral kinds, where follow-up links lead.
    #[command(flatten)]
    casework: crate::inbox::casework::settings::CaseworkArgs,
}

fn parse_inbox_origin(text: &str) -> Result<String, String> {
    parse_origin(text).map(|_| text.trim().to_owned())
}

/// The inbox's settings from the flags.
fn inbox_config(args: &ServeArgs) -> Result<InboxConfig, String> {
    let idle = Duration::minutes(i64::from(args.session_idle_minutes));
    let absolute = Duration::hours(i64::from(args.session_max_hours));
    if idle > absolute {
        return Err(format!(
            "--session-idle-minutes ({}) is longer than --session-max-hours ({})",
            args.session_idle_minutes, args.session_max_hours
        ));
    }
    let mut config = InboxConfig::default().with_origin(args.inbox_origin.clone());
    config.sessions.idle = idle;
    config.sessions.absolute = absolute;
    Ok(config)
}

/// How often the rate limits forget the clients that have not been near their limit lately.
const FORGET_IDLE_CLIENTS: StdDuration = StdDuration::from_secs(60);

pub fn run(args: ServeArgs) -> Result<(), String> {
    let inbox = inbox_config(&args)?;
    // Before the database: a broken file stops the service before it creates or touches anything.
    let questionnaire = load_questionnaire(args.questionnaire.as_deref())?;
    let notifications = args.notify.settings().map_err(|e| e.to_string())?;
    let (client_address, rate_limits) = args.limits.settings()?;
    tracing::info!(
        id = questionnaire.id(),
        version = questionnaire.version(),
        "checking referrals against this questionnaire"
    );
    let db = &args.db.path;
    let location = Location::parse(db);
    if let Some(folder) = location.folder() {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("could not create {}: {e}", folder.display()))?;
    }
    let store = store::open(&location, Create::IfMissing)
        .map_err(|e| format!("{}: {e}", location.described()))?;
    if !args.site.join("index.html").is_file() {
        tracing::warn!(site = %args.site.display(), "no index.html in the site folder; only the API will answer");
    }
    let config = Config {
        site_dir: args.site,
        allowed_origins: args.allow_origins,
        content_security_policy: args.content_security_policy,
        client_address,
        rate_limits,
        inbox,
        casework: args.casework.config(),
    };
    let purging_store = Arc::clone(&store);
    let retention_days = args.retention_days;
    let mut state = AppState::new(Arc::clone(&store), config, questionnaire);
    let worker = match notifications {
        Some(settings) => {
            let mailer = SmtpMailer::new(&settings.smtp)
                .map_err(|e| format!("--smtp-host {}: {e}", settings.smtp.host))?;
            let worker = WorkerSettings::new(settings.inbox.clone());
            state = state.with_notifier(notify::Notifier::new(settings, worker.wake.clone()));
            Some((store, mailer, worker))
        }
        None => {
            tracing::info!("no --notify-team: no emails are sent when referrals arrive");
            None
        }
    };
    let limiters = Arc::clone(&state.limiters);
    let (router, inbox_router) = match args.inbox_addr {
        Some(_) => (intake(state.clone()), Some(inbox::standalone(state))),
        None => (app(state), None),
    };
    // Made now, not during the first sign-in with an unknown email (which would take longer).
    inbox::auth::password::prepare_dummy_hash();

    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("could not start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("could not listen on {}: {e}", args.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let inbox_listener = match (args.inbox_addr, inbox_router.is_some()) {
            (Some(inbox_addr), true) => Some(
                TcpListener::bind(inbox_addr)
                    .await
                    .map_err(|e| format!("could not listen on {inbox_addr}: {e}"))?,
            ),
            _ => None,
        };
        // Started inside the runtime; it also sends what an earlier run left queued.
        let worker =
            worker.map(|(outbox, mailer, settings)| notify::spawn(outbox, mailer, settings));
        let purging = tokio::spawn(crate::retention::run_daily(purging_store, retention_days));
        let forgetting = tokio::spawn(async move {
            let mut every = tokio::time::interval(FORGET_IDLE_CLIENTS);
            loop {
                every.tick().await;
                limiters.forget_idle();
            }
        });
        // Tests and scripts wait for this exact line.
        println!("signpost-server listening on http://{addr}");
        let inbox_server = async {
            let (Some(listener), Some(router)) = (inbox_listener, inbox_router) else {
                return Ok(());
            };
            let inbox_addr = listener.local_addr().map_err(|e| e.to_string())?;
            println!("signpost-server inbox listening on http://{inbox_addr}");
            serve_on(listener, router).await
        };
        let served = tokio::try_join!(serve_on(listener, router), inbox_server).map(|_| ());
        // After the last request: an email queued by it is sent now or at the next start.
        forgetting.abort();
        purging.abort();
        if let Some(worker) = worker {
            worker.stop().await;
        }
        served
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// Serves `router` until the shutdown signal. The peer's address reaches the inbox's audit log
/// and per-address lock-out.
async fn serve_on(listener: TcpListener, router: axum::Router) -> Result<(), String> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("the server stopped: {e}"))
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
