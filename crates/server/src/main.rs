//! The `signpost-server` command: parses the arguments and runs the subcommand (`cli/`).

use std::process::ExitCode;

use clap::Parser;
use signpost_server::cli::Cli;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr: stdout carries only what a script reads (the listening line, JSON).
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info"))
                // Whatever RUST_LOG says: the PostgreSQL client's debug lines print every
                // statement's parameters, which are what people told us.
                .add_directive("tokio_postgres=info".parse().expect("a valid directive")),
        )
        .with_writer(std::io::stderr)
        .init();

    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("signpost-server: {message}");
            ExitCode::FAILURE
        }
    }
}
