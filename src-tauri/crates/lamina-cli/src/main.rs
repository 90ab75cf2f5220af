//! `lamina-cli`: the headless Lamina client, on the same core as the desktop app.
//!
//! Exit codes: 0 done; 1 the run failed; 2 usage or input error (nothing sent); 3 authentication
//! or permission; 4 network, server or rate limit after retries.

mod batch;
mod commands;
mod doctor;
mod render;
mod storage;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use lamina_api::{ApiError, ApiErrorKind};
use lamina_core::CoreError;

#[derive(Debug, Parser)]
#[command(
    name = "lamina-cli",
    version,
    about = "Run Lamina apps from a terminal or a script."
)]
pub struct Cli {
    /// Lamina service address.
    #[arg(long, global = true, env = "LAMINA_BASE_URL", default_value = lamina_api::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// API generation: `v1` (runs) or `legacy` (/api executions).
    #[arg(long, global = true, value_enum, default_value_t = Api::V1)]
    pub api: Api,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// History and downloads folder (default: the desktop app's data folder).
    #[arg(long, global = true, env = "LAMINA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where photos given as `@FILE` go: `s3://BUCKET[/PREFIX]` (with the AWS_* variables) or
    /// `builtin` (a sandbox); default: the bucket saved in the desktop app.
    #[arg(long, global = true, env = "LAMINA_STORAGE")]
    pub storage: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Api {
    V1,
    Legacy,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List apps.
    Apps {
        #[arg(long)]
        search: Option<String>,
    },
    /// Show an app and its parameters.
    App { app_id: String },
    /// Start a run and (unless --detach) wait for it and download its outputs.
    Run(commands::RunArgs),
    /// One run's state, from the service, recorded in history.
    Status { run_id: String },
    /// Runs recorded locally, newest first.
    History {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Track every unfinished run to the end.
    Resume,
    /// Every row of a CSV one run: validated first, started under the rate limit, exported.
    Batch(batch::BatchArgs),
    /// Check the connection: key, encryption, API, optional features, rate limit, clock,
    /// webhook address and keychain. Exit 0 healthy or warnings, 1 a problem to fix, 3 key
    /// refused, 4 service unreachable.
    Doctor(doctor::DoctorArgs),
    /// Where your photos are uploaded (`storage`), and a check that it works (`storage test`).
    Storage {
        #[command(subcommand)]
        action: Option<storage::StorageCommand>,
    },
    /// Start the local Lamina-compatible server (same as `lamina-sandbox`).
    Sandbox(lamina_sandbox::cli::SandboxArgs),
    /// Receive signed webhook deliveries (`listen`) or show the last ones (`deliveries`).
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
}

/// A failure with the exit code it maps to and words for stderr.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    pub detail: Option<String>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
            detail: None,
        }
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Self {
            code: 3,
            message: message.into(),
            detail: None,
        }
    }
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        let code = match error.kind {
            ApiErrorKind::InvalidInput { .. } | ApiErrorKind::NotFound => 2,
            ApiErrorKind::Unauthorized | ApiErrorKind::Forbidden => 3,
            _ => 4,
        };
        let mut message = error.message.clone();
        if let ApiErrorKind::InvalidInput { fields } = &error.kind {
            for field in fields {
                let name = field.field.as_deref().unwrap_or("input");
                message.push_str(&format!("\n  {name}: {}", field.reason));
            }
        }
        if error.outcome_unknown {
            message.push_str(
                "\nThe run may have started: check `lamina-cli history` before starting it again.",
            );
        }
        Self {
            code,
            message,
            detail: Some(error.detail),
        }
    }
}

impl From<CoreError> for Failure {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Api(error) => (*error).into(),
            CoreError::UnknownRun(_) | CoreError::Conflict(_) => Self::usage(error.to_string()),
            CoreError::Store(error) => Self {
                code: 4,
                message: error.to_string(),
                detail: None,
            },
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LAMINA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::from(4);
        }
    };
    let json = cli.json;
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            if json {
                let document = serde_json::json!({
                    "error": failure.message, "detail": failure.detail, "exitCode": failure.code,
                });
                println!("{document}");
            }
            eprintln!("error: {}", failure.message);
            if let Some(detail) = failure.detail.filter(|d| !d.is_empty()) {
                eprintln!("details: {detail}");
            }
            ExitCode::from(failure.code)
        }
    }
}
