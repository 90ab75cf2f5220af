//! `lamina-cli batch APP_ID --csv FILE [--map COL=PARAM]... [--out DIR] [--name PATTERN]`: every
//! row of a CSV one run, validated before anything is sent, scheduled under the request budget,
//! and exported with names from a pattern and a manifest.

use std::path::PathBuf;
use std::time::Instant;

use clap::builder::StyledStr;
use clap::builder::styling::Reset;
use clap::{Args, ValueEnum};
use lamina_core::batch::{
    BatchInputError, BatchRunner, ExportOptions, Mapping, NamePattern, SchedulerConfig, Table,
    export_batch, naming::DEFAULT_PATTERN, plan_rows,
};
use lamina_core::outputs::{ExportFormat, OutputLimits};
use lamina_core::storage::batch_files::{folder_table, take_local_files, upload_local_files};
use lamina_core::{RunRecord, Workspace};

use crate::{Cli, Failure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Original,
    Png,
    Jpeg,
    Webp,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    pub app_id: String,
    /// The table: a CSV file (or tab-separated text); the first row names the columns. A column
    /// feeding an image (url) parameter may hold local file paths (absolute or relative to the
    /// CSV): they are checked first, then uploaded (4 at a time) to your storage.
    #[arg(long, value_name = "FILE", required_unless_present = "folder")]
    pub csv: Option<PathBuf>,
    /// One run per image in this folder, fed to the app's image parameter.
    #[arg(long, value_name = "DIR", conflicts_with = "csv")]
    pub folder: Option<PathBuf>,
    /// Feed column COL to parameter PARAM (repeatable); `COL=-` keeps a column for names only.
    #[arg(long = "map", value_name = "COL=PARAM")]
    pub map: Vec<String>,
    /// A constant for a parameter no column feeds (repeatable).
    #[arg(long = "set", value_name = "PARAM=VALUE")]
    pub set: Vec<String>,
    /// Export the outputs into this folder (or this .zip) when the batch ends.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long = "name", value_name = "PATTERN", default_value = DEFAULT_PATTERN, help = name_help())]
    pub name: String,
    #[arg(long, value_enum, default_value_t = Format::Original)]
    pub format: Format,
    /// JPEG/WebP quality (1-100).
    #[arg(long, default_value_t = 90)]
    pub quality: u8,
    /// Scale exports down to at most this many pixels on the longest side.
    #[arg(long, value_name = "PX")]
    pub size: Option<u32>,
    /// Write a ZIP (the --out path, `.zip` added if missing) instead of a folder.
    #[arg(long)]
    pub zip: bool,
    /// Validate the table and stop (nothing is sent).
    #[arg(long)]
    pub check: bool,
}

/// The `--name` help. Clap turns a literal `{n}` in help text into a line break; a style reset
/// inside the braces (invisible, and dropped when help is not coloured) keeps `{n}` as written.
fn name_help() -> StyledStr {
    let reset = Reset.render();
    StyledStr::from(format!(
        "File names: any column as {{COLUMN}}, and {{app}} (the app), {{label}} (the output's \
         name), {{{reset}n}} (the output's number), {{row}} (the row's number), {{date}}, {{run}} \
         (the run's id), {{ext}} (the file type)"
    ))
}

/// The app's image (url) parameter a folder feeds: the first required one, else the first.
fn image_parameter(app: &lamina_api::App) -> Result<String, Failure> {
    let urls: Vec<_> = app
        .parameters
        .iter()
        .filter(|p| p.kind == lamina_api::ParameterKind::Url)
        .collect();
    urls.iter()
        .find(|p| p.required == Some(true))
        .or(urls.first())
        .map(|p| p.name.clone())
        .ok_or_else(|| {
            Failure::usage(format!(
                "\"{}\" takes no image, so --folder has nothing to feed",
                app.name
            ))
        })
}

fn pairs(values: &[String], flag: &str) -> Result<Vec<(String, String)>, Failure> {
    values
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
                .ok_or_else(|| Failure::usage(format!("{flag} expects A=B, got \"{pair}\"")))
        })
        .collect()
}

pub async fn batch(cli: &Cli, args: &BatchArgs) -> Result<u8, Failure> {
    let overrides = pairs(&args.map, "--map")?;
    let constants = pairs(&args.set, "--set")?;
    let workspace = crate::commands::open(cli, None)?;
    let app = workspace.client().get_app(&args.app_id).await?;
    let (mut table, base_dir, name) = match (&args.csv, &args.folder) {
        (Some(csv), _) => {
            let text = std::fs::read_to_string(csv)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", csv.display())))?;
            let table = Table::parse(&text).map_err(|e| Failure::usage(e.to_string()))?;
            let base = csv.parent().map(PathBuf::from).unwrap_or_default();
            let name = csv
                .file_name()
                .map_or_else(|| "batch".to_owned(), |n| n.to_string_lossy().into_owned());
            (table, base, name)
        }
        (None, Some(folder)) => {
            let parameter = image_parameter(&app)?;
            let listed = folder_table(folder, &parameter)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", folder.display())))?;
            if !cli.json {
                for skipped in &listed.skipped {
                    eprintln!("skipped {}: {}", skipped.name, skipped.reason);
                }
            }
            let table = listed.table;
            if table.rows.is_empty() {
                return Err(Failure::usage(format!(
                    "{} holds no images",
                    folder.display()
                )));
            }
            let name = folder
                .file_name()
                .map_or_else(|| "folder".to_owned(), |n| n.to_string_lossy().into_owned());
            (table, folder.clone(), name)
        }
        (None, None) => return Err(Failure::usage("give --csv FILE or --folder DIR")),
    };
    let pattern_columns = NamePattern::columns_used(&args.name);
    NamePattern::parse(&args.name, &table.headers).map_err(|e| Failure::usage(e.to_string()))?;
    // Bad overrides, missing files and bad rows are reported together, in one pass.
    let (mut mapping, mut problems) =
        Mapping::auto_with_problems(&app, &table.headers, &overrides, &pattern_columns);
    mapping.constants = constants.into_iter().collect();
    let (local_files, file_problems) =
        take_local_files(&app, &mut table, &mapping, Some(&base_dir));
    problems.extend(file_problems);
    let mut rows = match plan_rows(&app, &table, &mapping) {
        Ok(rows) if problems.is_empty() => rows,
        Ok(_) => Vec::new(),
        Err(error) => {
            problems.extend(error.problems);
            Vec::new()
        }
    };
    problems.sort_by_key(|p| p.row);
    if !problems.is_empty() {
        return Err(Failure::usage(BatchInputError { problems }.to_string()));
    }
    if !cli.json {
        for notice in mapping.notices(&app) {
            let column = notice.column.as_deref().unwrap_or_default();
            eprintln!("note: {notice} (--map \"{column}=-\" says so and silences this)");
        }
    }
    if args.check {
        if cli.json {
            println!(
                "{}",
                serde_json::json!({ "rows": rows.len(), "valid": true })
            );
        } else {
            println!(
                "{} rows are valid for \"{}\"; nothing was sent.",
                rows.len(),
                app.name
            );
        }
        return Ok(0);
    }

    if !local_files.is_empty() {
        let uploader = crate::storage::uploader(cli, &workspace)?;
        if uploader.backend().is_none() {
            return Err(lamina_core::storage::UploadError::NoStorage.into());
        }
        if !cli.json {
            eprintln!("uploading {} photos…", local_files.len());
        }
        if let Err(problems) = upload_local_files(&uploader, &local_files, &mut rows).await {
            return Err(Failure {
                code: 4,
                message: BatchInputError { problems }.to_string(),
                detail: None,
            });
        }
    }
    let runner = BatchRunner::new(workspace.tracker.clone(), scheduler_config(&workspace));
    let batch = runner.create(&app, &name, &table.headers, &rows)?;
    if !cli.json {
        eprintln!(
            "batch {}: {} rows of \"{}\" (at most {} starts a minute)",
            batch.batch_id,
            rows.len(),
            app.name,
            workspace.client().budget().config().limit
        );
    }
    let started = Instant::now();
    let mut events = runner.subscribe();
    let quiet = cli.json;
    let printer = tokio::spawn(async move {
        let mut last = String::new();
        while let Ok(p) = events.recv().await {
            let line = format!(
                "{}/{} done ({} completed, {} failed, {} in flight, {} waiting){}",
                p.done(),
                p.total,
                p.completed,
                p.failed,
                p.in_flight,
                p.waiting,
                p.eta_s
                    .map(|s| format!(", about {s} s left"))
                    .unwrap_or_default()
            );
            if line != last && !quiet {
                eprintln!("{line}");
                last = line;
            }
        }
    });
    let result = runner.run(&batch.batch_id).await;
    printer.abort();
    let progress = result?;
    if !cli.json {
        eprintln!(
            "{} completed, {} failed, {} unconfirmed in {:.1} s",
            progress.completed,
            progress.failed,
            progress.unknown,
            started.elapsed().as_secs_f64()
        );
    }

    let mut report = None;
    if let Some(out) = &args.out {
        let dest = if args.zip && out.extension().is_none_or(|e| e != "zip") {
            out.with_extension("zip")
        } else {
            out.clone()
        };
        let format = match args.format {
            Format::Original => ExportFormat::Original,
            Format::Png => ExportFormat::Png,
            Format::Jpeg => ExportFormat::Jpeg {
                quality: args.quality.clamp(1, 100),
            },
            Format::Webp => ExportFormat::Webp {
                quality: args.quality.min(100),
            },
        };
        let options = ExportOptions {
            dest,
            zip: args.zip,
            pattern: args.name.clone(),
            format,
            longest_side: args.size,
        };
        let exported = export_batch(
            workspace.store(),
            &batch.batch_id,
            &options,
            &OutputLimits::default(),
        )
        .map_err(|e| Failure {
            code: 4,
            message: e.to_string(),
            detail: None,
        })?;
        if !cli.json {
            eprintln!(
                "{} files and manifest.csv written to {}",
                exported.files.len(),
                exported.dest.display()
            );
        }
        report = Some(exported);
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({ "batchId": batch.batch_id, "progress": progress, "export": report })
        );
    }
    Ok(if progress.completed == progress.total {
        0
    } else {
        1
    })
}

/// `lamina-cli resume`'s half for batches: every unfinished batch reconciled and driven to its
/// end (rows never sent are started, started ones followed). Returns the exit code (1 when a
/// row did not complete) and the batches' runs.
pub async fn resume_unfinished(
    workspace: &Workspace,
    json: bool,
) -> Result<(u8, Vec<RunRecord>), Failure> {
    let runner = BatchRunner::new(workspace.tracker.clone(), scheduler_config(workspace));
    let mut code = 0;
    let mut runs = Vec::new();
    for result in runner.resume_unfinished().await? {
        let progress = result?;
        if !json {
            eprintln!(
                "batch {}: {} completed, {} failed, {} unconfirmed (check them) of {}",
                progress.batch_id,
                progress.completed,
                progress.failed,
                progress.unknown,
                progress.total
            );
        }
        if progress.completed != progress.total {
            code = 1;
        }
        runs.extend(
            runner
                .rows(&progress.batch_id)?
                .into_iter()
                .filter_map(|row| row.run),
        );
    }
    Ok((code, runs))
}

/// The default checks, at the budget's pace: a budget window scaled down for tests (see
/// `LAMINA_RATE_WINDOW_MS`) scales the check cadence alike.
fn scheduler_config(workspace: &Workspace) -> SchedulerConfig {
    let default = SchedulerConfig::default();
    let scale = workspace.client().budget().config().window.as_secs_f64() / 60.0;
    SchedulerConfig {
        check_every: default
            .check_every
            .mul_f64(scale.min(1.0))
            .max(std::time::Duration::from_millis(50)),
        ..default
    }
}
