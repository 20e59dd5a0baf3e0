//! `serve`: the API and the site on one address, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::HeaderValue;
use clap::Args;
use tokio::net::TcpListener;

use super::DbArg;
use crate::config::{
    load_questionnaire, parse_header_value, parse_origin, DEFAULT_CONTENT_SECURITY_POLICY,
};
use crate::store::{self, Create, Location};
use crate::{app, AppState, Config};

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
}

pub fn run(args: ServeArgs) -> Result<(), String> {
    // Before the database: a broken file stops the service before it creates or touches anything.
    let questionnaire = load_questionnaire(args.questionnaire.as_deref())?;
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
    let store =
        store::open(&location, Create::IfMissing).map_err(|e| format!("{}: {e}", db.display()))?;
    if !args.site.join("index.html").is_file() {
        tracing::warn!(site = %args.site.display(), "no index.html in the site folder; only the API will answer");
    }
    let config = Config {
        site_dir: args.site,
        allowed_origins: args.allow_origins,
        content_security_policy: args.content_security_policy,
        inbox: crate::inbox::InboxConfig::default(),
    };
    let router = app(AppState::new(store, config, questionnaire));

    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("could not start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("could not listen on {}: {e}", args.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Tests and scripts wait for this exact line.
        println!("signpost-server listening on http://{addr}");
        // The peer's address reaches the inbox's audit log and per-address lock-out.
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
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
