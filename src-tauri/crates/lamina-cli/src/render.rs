//! What the CLI prints: one JSON document on stdout with `--json`, readable tables otherwise;
//! progress always on stderr.

use std::time::Instant;

use lamina_api::{App, AppSummary, OutputKind, OutputStatus, ParameterKind};
use lamina_core::{RunRecord, Workspace};
use serde::Serialize;

fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot encode output: {error}"),
    }
}

pub fn apps(apps: &[AppSummary], json: bool) {
    if json {
        return print_json(apps);
    }
    if apps.is_empty() {
        println!("No apps found.");
        return;
    }
    println!("{:<38}  {:<32}  DESCRIPTION", "APP ID", "NAME");
    for app in apps {
        println!(
            "{:<38}  {:<32}  {}",
            app.app_id,
            clip(&app.name, 32),
            clip(&app.description, 70)
        );
    }
}

pub fn app(app: &App, json: bool) {
    if json {
        return print_json(app);
    }
    println!("{}  ({})", app.name, app.app_id);
    if !app.description.is_empty() {
        println!("{}", app.description);
    }
    println!();
    for param in &app.parameters {
        let kind = match param.kind {
            ParameterKind::Text => "text".to_owned(),
            ParameterKind::Options => format!("one of: {}", param.options.join(" | ")),
            ParameterKind::Url => "web address".to_owned(),
            ParameterKind::Unknown => "value".to_owned(),
        };
        let need = if param.is_mandatory() {
            "required"
        } else {
            "optional"
        };
        let default = param
            .default
            .as_deref()
            .map(|d| format!(", default \"{d}\""))
            .unwrap_or_default();
        println!("  {:<20} {need}, {kind}{default}", param.name);
    }
}

pub fn run(record: &RunRecord, json: bool) {
    if json {
        return print_json(record);
    }
    let id = record.run_id.as_deref().unwrap_or(&record.local_id);
    println!("{}  {}  {}", id, record.app_name, record.state.as_str());
    if let Some(message) = &record.error_message {
        println!("  error: {message}");
    }
    if let Some(error) = &record.error {
        println!("  {}", error.message);
    }
    for output in &record.outputs {
        let label = output.label.as_deref().unwrap_or("output");
        match (&output.file, output.status, output.kind) {
            (Some(file), _, _) => println!("  {label}: {}", file.path.display()),
            (None, OutputStatus::Error, _) => {
                println!(
                    "  {label}: error: {}",
                    output.error.as_deref().unwrap_or("failed")
                )
            }
            (None, OutputStatus::Completed, OutputKind::Text) => {
                println!("  {label}: {}", output.value.as_deref().unwrap_or_default())
            }
            (None, _, _) => match &output.file_error {
                Some(reason) => println!("  {label}: not kept: {reason}"),
                None => println!("  {label}: {}", status_word(output.status)),
            },
        }
    }
}

pub fn history(runs: &[RunRecord], json: bool) {
    if json {
        return print_json(runs);
    }
    if runs.is_empty() {
        println!("No runs yet.");
        return;
    }
    println!("{:<38}  {:<24}  {:<10}  STARTED", "RUN ID", "APP", "STATUS");
    for run in runs {
        println!(
            "{:<38}  {:<24}  {:<10}  {}",
            run.run_id.as_deref().unwrap_or(&run.local_id),
            clip(&run.app_name, 24),
            run.state.as_str(),
            run.created_at.format("%Y-%m-%d %H:%M:%S"),
        );
    }
}

/// Prints each committed change on stderr while a command waits.
pub fn progress(workspace: &Workspace, json: bool) -> tokio::task::JoinHandle<()> {
    let mut events = workspace.tracker.subscribe();
    tokio::spawn(async move {
        if json {
            return;
        }
        let began = Instant::now();
        let mut last = std::collections::HashMap::new();
        while let Ok(record) = events.recv().await {
            let done = record
                .outputs
                .iter()
                .filter(|o| o.status == OutputStatus::Completed)
                .count();
            let line = format!(
                "{} ({done}/{} outputs)",
                record.state.as_str(),
                record.outputs.len()
            );
            if last.get(&record.local_id) != Some(&line) {
                eprintln!(
                    "[{:>5.1}s] {} {line}",
                    began.elapsed().as_secs_f64(),
                    record.app_name
                );
                last.insert(record.local_id.clone(), line);
            }
        }
    })
}

fn status_word(status: OutputStatus) -> &'static str {
    match status {
        OutputStatus::Pending => "pending",
        OutputStatus::Completed => "completed",
        OutputStatus::Error => "error",
        OutputStatus::Cancelled => "cancelled",
        OutputStatus::Unknown => "unknown",
    }
}

fn clip(text: &str, width: usize) -> String {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.chars().count() <= width {
        first_line.to_owned()
    } else {
        let cut: String = first_line.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
