//! One function per subcommand; each returns the exit code or a [`Failure`].

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use lamina_api::{ApiGeneration, ApiKey, Inputs};
use lamina_core::credentials::Keychain;
use lamina_core::workspace::default_data_dir;
use lamina_core::{RunRecord, RunState, Workspace, WorkspaceConfig};

use crate::render;
use crate::{Api, Cli, Command, Failure};

#[derive(Debug, Args)]
pub struct RunArgs {
    pub app_id: String,
    /// An input as NAME=VALUE (repeatable; NAME is the parameter name, e.g. "Aspect Ratio=16:9").
    #[arg(long = "input", value_name = "NAME=VALUE")]
    pub inputs: Vec<String>,
    /// Inputs from a JSON object file ({"Prompt": "..."} or {"inputs": {...}}).
    #[arg(long = "inputs", visible_alias = "file", value_name = "FILE.json")]
    pub inputs_file: Option<PathBuf>,
    /// Ask the service to POST the result to this URL.
    #[arg(long)]
    pub webhook: Option<String>,
    /// Start the run and return at once.
    #[arg(long)]
    pub detach: bool,
    /// Where outputs are downloaded (default: the data folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn dispatch(cli: Cli) -> Result<u8, Failure> {
    let json = cli.json;
    match cli.command {
        Command::Sandbox(args) => {
            lamina_sandbox::cli::run(args)
                .await
                .map_err(Failure::usage)?;
            Ok(0)
        }
        Command::Apps { ref search } => {
            let workspace = open(&cli, None)?;
            let apps = workspace.client().list_apps(search.as_deref()).await?;
            render::apps(&apps, json);
            Ok(0)
        }
        Command::App { ref app_id } => {
            let workspace = open(&cli, None)?;
            let app = workspace.client().get_app(app_id).await?;
            render::app(&app, json);
            Ok(0)
        }
        Command::Run(ref args) => run(&cli, args).await,
        Command::Doctor(ref args) => crate::doctor::doctor(&cli, args).await,
        Command::Webhook(ref command) => {
            let workspace = open(&cli, None)?;
            crate::webhook::dispatch(&workspace, command, json).await
        }
        Command::Storage { ref action } => crate::storage::storage(&cli, action.as_ref()).await,
        Command::Batch(ref args) => crate::batch::batch(&cli, args).await,
        Command::Status { ref run_id } => {
            let workspace = open(&cli, None)?;
            let record = workspace.tracker.refresh(run_id).await?;
            render::run(&record, json);
            Ok(exit_code(&record))
        }
        Command::History { limit } => {
            let workspace = open(&cli, None)?;
            let runs = workspace
                .store()
                .list(limit, 0)
                .map_err(lamina_core::CoreError::from)?;
            render::history(&runs, json);
            Ok(0)
        }
        Command::Resume => {
            let workspace = open(&cli, None)?;
            let progress = render::progress(&workspace, json);
            // Batches' runs are followed by their batch's driver only (one owner per run).
            let (results, batches) = tokio::join!(
                workspace.tracker.resume(),
                crate::batch::resume_unfinished(&workspace, json)
            );
            let results = results?;
            progress.abort();
            let (mut code, mut finals) = batches?;
            for result in results {
                match result {
                    Ok(record) => {
                        code = code.max(exit_code(&record));
                        finals.push(record);
                    }
                    Err(error) => code = code.max(Failure::from(error).code),
                }
            }
            render::history(&finals, json);
            Ok(code)
        }
    }
}

async fn run(cli: &Cli, args: &RunArgs) -> Result<u8, Failure> {
    let inputs = collect_inputs(args)?;
    let workspace = open(cli, args.out.clone())?;
    let app = workspace.client().get_app(&args.app_id).await?;
    // `NAME=@FILE`: the photo is uploaded first (relative to the current folder); a failed
    // upload stops here, before the run is sent.
    let mut files = Vec::new();
    let inputs = if inputs.values().any(|v| v.starts_with('@')) {
        let uploader = crate::storage::uploader(cli, &workspace)?;
        let here = std::env::current_dir().unwrap_or_default();
        let (resolved, uploaded) = uploader.resolve_inputs(&inputs, Some(&here)).await?;
        files = uploaded;
        resolved
    } else {
        inputs
    };
    // Validation happens in the core before anything is stored or sent.
    let started = Instant::now();
    let record = workspace
        .tracker
        .start(&app, &inputs, args.webhook.as_deref())
        .await?;
    let _ = lamina_core::storage::uploads::record_input_files(
        workspace.store(),
        &record.local_id,
        &files,
    );
    if args.detach {
        render::run(&record, cli.json);
        return Ok(0);
    }
    let progress = render::progress(&workspace, cli.json);
    let result = workspace.tracker.follow(&record.local_id).await;
    progress.abort();
    let record = result?;
    if !cli.json {
        eprintln!(
            "{} in {:.1} s",
            record.state.as_str(),
            started.elapsed().as_secs_f64()
        );
    }
    render::run(&record, cli.json);
    Ok(exit_code(&record))
}

fn exit_code(record: &RunRecord) -> u8 {
    match record.state {
        RunState::Failed | RunState::Cancelled => 1,
        RunState::Unknown => 4,
        _ => 0,
    }
}

fn collect_inputs(args: &RunArgs) -> Result<Inputs, Failure> {
    let mut inputs = Inputs::new();
    if let Some(path) = &args.inputs_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Failure::usage(format!("{} is not valid JSON: {e}", path.display())))?;
        let object = value.get("inputs").unwrap_or(&value);
        let Some(object) = object.as_object() else {
            return Err(Failure::usage(format!(
                "{} must hold a JSON object of inputs",
                path.display()
            )));
        };
        for (name, value) in object {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            inputs.insert(name.clone(), text);
        }
    }
    for pair in &args.inputs {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(Failure::usage(format!(
                "--input expects NAME=VALUE, got \"{pair}\""
            )));
        };
        inputs.insert(name.trim().to_owned(), value.to_owned());
    }
    Ok(inputs)
}

pub(crate) fn open(cli: &Cli, outputs_dir: Option<PathBuf>) -> Result<Workspace, Failure> {
    let key = api_key()?;
    let data_dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => default_data_dir().ok_or_else(|| {
            Failure::usage("no home folder: pass --data-dir or set LAMINA_DATA_DIR")
        })?,
    };
    let mut config = WorkspaceConfig::new(cli.base_url.trim_end_matches('/'), key, data_dir);
    config.generation = match cli.api {
        Api::V1 => ApiGeneration::V1,
        Api::Legacy => ApiGeneration::Legacy,
    };
    // A script should not hang forever on a dead network; the run stays in history for `resume`.
    config.tracker.give_up_after = Some(std::time::Duration::from_secs(120));
    config.outputs_dir = outputs_dir;
    // Tests against a sandbox whose rate window is scaled down scale the budget's to match.
    if let Some(ms) = std::env::var("LAMINA_RATE_WINDOW_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
    {
        config.budget.window = std::time::Duration::from_millis(ms);
    }
    Ok(Workspace::open(config)?)
}

/// The desktop app's keychain entry (tests point the CLI at one of their own).
pub(crate) fn keychain() -> Keychain {
    match std::env::var("LAMINA_KEYCHAIN_SERVICE") {
        Ok(service) if !service.is_empty() => {
            Keychain::new(&service, lamina_core::credentials::KEYCHAIN_ACCOUNT)
        }
        _ => Keychain::default(),
    }
}

/// Whether the key in use is the demo workspace's (a sandbox: its built-in storage is used).
pub(crate) fn demo_key_in_use() -> bool {
    std::env::var("LAMINA_API_KEY").is_ok_and(|k| k.trim() == lamina_sandbox::DEMO_KEY)
}

/// Whether `LAMINA_API_KEY` holds a key (it then wins over the keychain).
pub(crate) fn key_from_env() -> bool {
    std::env::var("LAMINA_API_KEY").is_ok_and(|secret| !secret.trim().is_empty())
}

/// `LAMINA_API_KEY`, else the desktop app's keychain entry.
fn api_key() -> Result<ApiKey, Failure> {
    if let Ok(secret) = std::env::var("LAMINA_API_KEY")
        && !secret.trim().is_empty()
    {
        return Ok(ApiKey::new(secret));
    }
    match keychain().load() {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(Failure::auth(
            "No Lamina key found. Set LAMINA_API_KEY or connect your account in Lamina Desktop.",
        )),
        Err(error) => Err(Failure {
            code: 3,
            message: format!("{error} Or set LAMINA_API_KEY."),
            detail: Some(error.detail().to_owned()),
        }),
    }
}
