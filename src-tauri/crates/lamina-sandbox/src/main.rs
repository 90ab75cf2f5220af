//! `lamina-sandbox`: a local Lamina-compatible server for demos and integration tests.

use std::io::IsTerminal;

use clap::Parser;
use lamina_sandbox::cli::{SandboxArgs, run};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "lamina-sandbox",
    version,
    about = "A local Lamina-compatible API server (demo workspace and test fixture)",
    after_long_help = "The server prints one line, `Lamina sandbox listening on URL`, to stdout, \
                       then serves until Ctrl-C or SIGTERM. Logs go to stderr (RUST_LOG)."
)]
struct Cli {
    #[command(flatten)]
    args: SandboxArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Stdout carries only the "listening" line, so logs go to stderr.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    match run(cli.args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lamina-sandbox: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
