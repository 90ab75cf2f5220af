//! "Describe what you need" from a terminal: `create` (a brief, or a file of briefs), `templates`,
//! `brand`, `publish` and `publishing history|channels`. Same exit codes as `run`; a service
//! without these endpoints says so in words (exit 4).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use lamina_core::content::{ContentBrief, ContentRunView, ContentRunner, library};
use lamina_core::publishing::{PublishRequest, PublishState, PublishView};
use lamina_core::{Offered, RunState, Workspace};

use crate::commands::{exit_code, open, parse_input};
use crate::describe_render as render;
use crate::{Cli, Failure};

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// What you need, in your words ("a launch post for my linen shirt on Instagram").
    pub brief: Option<String>,
    /// Briefs from a file, one per line (blank lines and lines starting with # are skipped);
    /// sent ten per request.
    #[arg(long, value_name = "FILE", conflicts_with = "brief")]
    pub briefs: Option<PathBuf>,
    /// instagram, tiktok, facebook, shopify, ...
    #[arg(long)]
    pub platform: Option<String>,
    /// image, video, ...
    #[arg(long)]
    pub modality: Option<String>,
    /// A template id (see `lamina-cli templates`).
    #[arg(long = "template", value_name = "ID")]
    pub template_id: Option<String>,
    /// A brand profile id.
    #[arg(long = "brand", value_name = "ID")]
    pub brand_id: Option<String>,
    /// An input of the chosen app to use as given, as NAME=VALUE (repeatable).
    #[arg(long = "input", value_name = "NAME=VALUE")]
    pub inputs: Vec<String>,
    /// Start and return at once.
    #[arg(long)]
    pub detach: bool,
    /// Where outputs are downloaded (default: the data folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The run whose outputs to publish (its id or the local id).
    pub run_id: String,
    /// A channel id (repeatable; see `lamina-cli publishing channels`).
    #[arg(long = "channel", value_name = "ID", required = true)]
    pub channels: Vec<String>,
    /// The caption (default: the run's text output, if it has one).
    #[arg(long)]
    pub caption: Option<String>,
    /// Which outputs, by position from 0 (repeatable; default: the first image or video).
    #[arg(long = "output", value_name = "N")]
    pub outputs: Vec<u32>,
    /// Publish without asking (required when not run from a terminal).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum PublishingCommand {
    /// Past publishes: this computer's, settled from the service's history, and the service's.
    History {
        #[arg(long, default_value_t = 25)]
        limit: usize,
    },
    /// The connected channels.
    Channels,
}

fn not_offered<T>(offered: Offered<T>) -> Result<T, Failure> {
    match offered {
        Offered::Offered { value } => Ok(value),
        Offered::NotOffered { message, .. } => Err(Failure {
            code: 4,
            message,
            detail: None,
        }),
    }
}

fn brief_of(args: &CreateArgs, text: String) -> Result<ContentBrief, Failure> {
    let mut inputs = lamina_api::Inputs::new();
    for pair in &args.inputs {
        let (name, value) = parse_input(pair)?;
        inputs.insert(name, value);
    }
    Ok(ContentBrief {
        brief: text,
        platform: args.platform.clone(),
        modality: args.modality.clone(),
        template_id: args.template_id.clone(),
        brand_id: args.brand_id.clone(),
        inputs,
    })
}

fn briefs_from(path: &PathBuf) -> Result<Vec<String>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

pub async fn create(cli: &Cli, args: &CreateArgs) -> Result<u8, Failure> {
    let texts = match (&args.brief, &args.briefs) {
        (Some(brief), None) => vec![brief.clone()],
        (None, Some(path)) => briefs_from(path)?,
        _ => {
            return Err(Failure::usage(
                "Say what you need: lamina-cli create \"BRIEF\" or --briefs FILE",
            ));
        }
    };
    let briefs = texts
        .into_iter()
        .map(|text| brief_of(args, text))
        .collect::<Result<Vec<_>, _>>()?;
    let workspace = open(cli, args.out.clone())?;
    let runner = ContentRunner::new(workspace.tracker.clone());
    let started = if args.briefs.is_some() {
        not_offered(runner.create_batch(&briefs).await?)?
    } else {
        vec![not_offered(runner.create(&briefs[0]).await?)?]
    };
    if args.detach {
        render::content_runs(&started, cli.json, args.briefs.is_some());
        return Ok(started.iter().map(|v| exit_code(&v.run)).max().unwrap_or(0));
    }
    if !cli.json {
        for view in &started {
            render::chosen(view);
        }
    }
    let progress = crate::render::progress(&workspace, cli.json);
    let follows = started
        .iter()
        .map(|view| finish(&workspace, &runner, view.run.local_id.clone()));
    let finished = futures_util::future::join_all(follows).await;
    progress.abort();
    let mut views = Vec::new();
    let mut code = 0;
    for result in finished {
        match result {
            Ok(view) => {
                code = code.max(exit_code(&view.run));
                views.push(view);
            }
            Err(failure) => code = code.max(failure.code),
        }
    }
    render::content_runs(&views, cli.json, args.briefs.is_some());
    Ok(code)
}

/// Follows a content run to the end, then asks for its scores (none when not offered).
async fn finish(
    workspace: &Workspace,
    runner: &ContentRunner,
    local_id: String,
) -> Result<ContentRunView, Failure> {
    let record = workspace.tracker.follow(&local_id).await?;
    if record.state == RunState::Completed
        && let Err(error) = runner.scores(&local_id).await
    {
        tracing::info!(%error, "no scores for this run");
    }
    workspace
        .store()
        .content_run(&local_id)
        .map_err(lamina_core::CoreError::from)?
        .ok_or_else(|| Failure::usage(format!("run {local_id} is not in history")))
}

pub async fn templates(cli: &Cli, id: Option<&str>) -> Result<u8, Failure> {
    let workspace = open(cli, None)?;
    match id {
        Some(id) => {
            let template = not_offered(library::template(workspace.client(), id).await?)?;
            render::template(&template, cli.json);
        }
        None => {
            let templates = not_offered(library::templates(workspace.client()).await?)?;
            render::templates(&templates, cli.json);
        }
    }
    Ok(0)
}

pub async fn brand(cli: &Cli, brand_id: Option<&str>) -> Result<u8, Failure> {
    let workspace = open(cli, None)?;
    let brand = not_offered(library::brand(workspace.client(), brand_id).await?)?;
    render::brand(&brand, cli.json);
    Ok(0)
}

pub async fn publishing(cli: &Cli, command: &PublishingCommand) -> Result<u8, Failure> {
    let workspace = open(cli, None)?;
    match command {
        PublishingCommand::Channels => {
            let channels = not_offered(workspace.publisher.channels().await?)?;
            render::channels(&channels, cli.json);
            Ok(0)
        }
        PublishingCommand::History { limit } => {
            // Publishes cut off by a killed process are closed first (never re-sent).
            workspace.publisher.resume().await?;
            let history = workspace.publisher.history(*limit).await?;
            render::publishing_history(&history, cli.json);
            Ok(0)
        }
    }
}

pub async fn publish(cli: &Cli, args: &PublishArgs) -> Result<u8, Failure> {
    let workspace = open(cli, None)?;
    let caption = match &args.caption {
        Some(caption) => Some(caption.clone()),
        None => workspace.publisher.caption_for_run(&args.run_id)?,
    };
    let channels = workspace
        .publisher
        .channels()
        .await?
        .offered()
        .unwrap_or_default();
    let names: Vec<String> = args
        .channels
        .iter()
        .map(|id| {
            channels
                .iter()
                .find(|c| &c.id == id)
                .map_or_else(|| id.clone(), |c| c.name.clone())
        })
        .collect();
    if !args.yes {
        confirm(&names, caption.as_deref())?;
    }
    let published = not_offered(
        workspace
            .publisher
            .publish(&PublishRequest {
                run_id: args.run_id.clone(),
                output_indexes: args.outputs.clone(),
                channel_ids: args.channels.clone(),
                caption,
            })
            .await?,
    )?;
    // An answer lost on the way: the history usually tells within moments.
    let published = if published
        .iter()
        .any(|p| p.state == PublishState::Unconfirmed)
    {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        workspace.publisher.settle_now().await?;
        published
            .iter()
            .map(|p| {
                workspace
                    .store()
                    .publish_entry(&p.id)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| p.clone())
            })
            .collect()
    } else {
        published
    };
    render::publishes(&published, cli.json);
    Ok(published.iter().map(publish_code).max().unwrap_or(0))
}

fn publish_code(publish: &PublishView) -> u8 {
    match publish.state {
        PublishState::Confirmed => 0,
        PublishState::Failed => 1,
        PublishState::Intent | PublishState::Sent | PublishState::Unconfirmed => 4,
    }
}

/// Asks on the terminal, naming the channels; refuses when there is no terminal to ask on.
fn confirm(names: &[String], caption: Option<&str>) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::usage(format!(
            "Publishing to {} needs your confirmation: run it in a terminal, or pass --yes.",
            names.join(" and ")
        )));
    }
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "Caption: {}", caption.unwrap_or("(none)"));
    let _ = write!(stderr, "Publish to {}? [y/N] ", names.join(" and "));
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::usage("Not published."))
    }
}
