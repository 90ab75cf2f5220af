//! `lamina-cli doctor [--json] [--details] [--webhook-url URL]`: the connection check of
//! `lamina_core::doctor`, one line per check. Exit 0 healthy or warnings only, 1 a problem to
//! fix, 3 the key was refused, 4 the service could not be reached.

use clap::Args;
use lamina_core::doctor::{
    CheckId, CheckLine, CheckStatus, DoctorInput, DoctorReport, KeyOrigin, ReachTarget, Verdict,
    check_connection,
};
use lamina_core::webhook::DeliverySettings;

use crate::commands::{key_from_env, keychain, open};
use crate::{Cli, Failure};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the raw detail under every line, not only under warnings and problems.
    #[arg(long)]
    pub details: bool,
    /// Check this webhook address instead of the one saved in the desktop app's settings.
    #[arg(long, value_name = "URL")]
    pub webhook_url: Option<String>,
}

pub async fn doctor(cli: &Cli, args: &DoctorArgs) -> Result<u8, Failure> {
    let workspace = open(cli, None)?;
    let key_origin = if key_from_env() {
        KeyOrigin::Environment {
            variable: "LAMINA_API_KEY".into(),
        }
    } else {
        KeyOrigin::Keychain(keychain())
    };
    let webhook = match &args.webhook_url {
        Some(url) => ReachTarget::from_settings(
            &DeliverySettings {
                enabled: true,
                port: None,
                public_url: Some(url.clone()),
            },
            None,
        ),
        None => {
            let saved = lamina_core::webhook::settings::load(
                workspace.store(),
                DeliverySettings::account_default(),
            )
            .map_err(lamina_core::CoreError::from)?;
            // No receiver runs in this process: any Lamina receiver answering will do.
            ReachTarget::from_settings(&saved, None)
        }
    };
    let mut input = DoctorInput::new(workspace.client().clone(), key_origin);
    input.webhook = webhook;
    let report = check_connection(&input).await;
    if cli.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("error: cannot encode output: {error}"),
        }
    } else {
        print_report(&report, args.details);
    }
    Ok(exit_code(report.verdict))
}

pub fn exit_code(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Healthy | Verdict::Warnings => 0,
        Verdict::Problems => 1,
        Verdict::KeyRefused => 3,
        Verdict::Unreachable => 4,
    }
}

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Ok => "ok",
        CheckStatus::Warning => "warning",
        CheckStatus::Problem => "PROBLEM",
        CheckStatus::Skipped => "skipped",
    }
}

fn title(check: CheckId) -> &'static str {
    match check {
        CheckId::Key => "Key",
        CheckId::Tls => "Encryption",
        CheckId::Generation => "API",
        CheckId::Endpoints => "Features",
        CheckId::RateLimit => "Rate limit",
        CheckId::Clock => "Clock",
        CheckId::Webhook => "Webhook",
        CheckId::Keychain => "Keychain",
    }
}

fn print_line(line: &CheckLine, details: bool) {
    println!(
        "{:<8} {:<11} {}",
        mark(line.status),
        title(line.check),
        line.message
    );
    let show = details || matches!(line.status, CheckStatus::Warning | CheckStatus::Problem);
    if show && !line.detail.is_empty() {
        for part in line.detail.lines() {
            println!("{:<20} {part}", "");
        }
    }
}

fn print_report(report: &DoctorReport, details: bool) {
    println!("Checking {}", report.service);
    for line in &report.lines {
        print_line(line, details);
    }
    let summary = match report.verdict {
        Verdict::Healthy => "Everything is fine.",
        Verdict::Warnings => "Everything works; the warnings above say what could be better.",
        Verdict::Problems => "Fix the problems above, then check again.",
        Verdict::KeyRefused => "Lamina refused the key: nothing else could be checked fully.",
        Verdict::Unreachable => "Lamina could not be reached: nothing else could be checked.",
    };
    println!("{summary}");
}
