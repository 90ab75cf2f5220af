//! `lamina-cli storage` (show where uploads go), `lamina-cli storage test` (put, fetch through
//! the link Lamina would get, delete), and the uploader `run --input NAME=@FILE` and batches
//! with local files use.
//!
//! Where uploads go, first match wins: `--storage` / `LAMINA_STORAGE` (`s3://BUCKET[/PREFIX]`
//! with `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`, as other
//! S3 tools; or `builtin` for a sandbox's own storage), then the bucket saved by the desktop app
//! (its secret in the keychain), then the built-in storage when the key is the demo
//! workspace's.

use clap::Subcommand;
use lamina_core::Workspace;
use lamina_core::storage::backend::Backend;
use lamina_core::storage::check::StorageProblem;
use lamina_core::storage::settings::{STORAGE_SECRET_ACCOUNT, load_settings};
use lamina_core::storage::{PrepareOptions, S3Settings, UploadError, Uploader, test_storage};

use crate::{Cli, Failure};

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Put a small picture, fetch it through the link Lamina would get, delete it. Exit 0 works,
    /// 1 a problem to fix, 3 key or secret refused, 4 storage unreachable.
    Test,
}

/// Where uploads go and how that was decided.
pub struct Resolved {
    pub backend: Option<Backend>,
    pub source: String,
    pub s3: Option<S3Settings>,
    pub max_long_edge: u32,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `s3://BUCKET[/PREFIX]` and the AWS variables.
fn from_spec(spec: &str) -> Result<(S3Settings, String), Failure> {
    let rest = spec.strip_prefix("s3://").ok_or_else(|| {
        Failure::usage(format!(
            "--storage expects s3://BUCKET[/PREFIX] or builtin, got \"{spec}\""
        ))
    })?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let access_key_id = env("AWS_ACCESS_KEY_ID")
        .ok_or_else(|| Failure::usage("--storage s3://… needs AWS_ACCESS_KEY_ID"))?;
    let secret = env("AWS_SECRET_ACCESS_KEY")
        .ok_or_else(|| Failure::usage("--storage s3://… needs AWS_SECRET_ACCESS_KEY"))?;
    let region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".into());
    let (endpoint, path_style) = match env("AWS_ENDPOINT_URL") {
        Some(endpoint) => (endpoint, true),
        None => (format!("https://s3.{region}.amazonaws.com"), false),
    };
    let settings = S3Settings {
        endpoint,
        region,
        bucket: bucket.into(),
        prefix: prefix.into(),
        access_key_id,
        public_base_url: env("LAMINA_STORAGE_PUBLIC_URL"),
        link_lifetime_secs: lamina_core::storage::settings::DEFAULT_LINK_LIFETIME_SECS,
        path_style,
    }
    .normalized()
    .map_err(|p| Failure::usage(p.message))?;
    Ok((settings, secret))
}

pub fn resolve(cli: &Cli, workspace: &Workspace) -> Result<Resolved, Failure> {
    let http = workspace.client().http().clone();
    let saved = load_settings(workspace.store()).unwrap_or_default();
    let max_long_edge = saved.max_long_edge;
    let built_in = |source: &str| Resolved {
        backend: Some(Backend::built_in(
            workspace.client().base_url(),
            http.clone(),
        )),
        source: source.into(),
        s3: None,
        max_long_edge,
    };
    match cli.storage.as_deref().map(str::trim) {
        Some("builtin") => {
            return Ok(built_in(
                "the service's built-in storage (--storage builtin)",
            ));
        }
        Some(spec) if !spec.is_empty() => {
            let (settings, secret) = from_spec(spec)?;
            let backend = Backend::s3(settings.clone(), &secret, http)
                .map_err(|e| Failure::usage(e.to_string()))?;
            return Ok(Resolved {
                backend: Some(backend),
                source: "--storage / LAMINA_STORAGE with the AWS_* variables".into(),
                s3: Some(settings),
                max_long_edge,
            });
        }
        _ => {}
    }
    if let Some(settings) = saved.s3 {
        let secret = crate::commands::keychain()
            .sibling(STORAGE_SECRET_ACCOUNT)
            .load_secret()
            .map_err(|e| Failure {
                code: 3,
                message: format!("{e} Or use --storage with AWS_SECRET_ACCESS_KEY."),
                detail: Some(e.detail().to_owned()),
            })?;
        let backend = match secret {
            Some(secret) => Some(
                Backend::s3(settings.clone(), &secret, http)
                    .map_err(|e| Failure::usage(e.to_string()))?,
            ),
            None => None,
        };
        return Ok(Resolved {
            backend,
            source: "the bucket saved in Lamina Desktop (Settings → Storage)".into(),
            s3: Some(settings),
            max_long_edge,
        });
    }
    if workspace.client().base_url().contains("127.0.0.1") && crate::commands::demo_key_in_use() {
        return Ok(built_in("the demo workspace's built-in storage"));
    }
    Ok(Resolved {
        backend: None,
        source: "none".into(),
        s3: None,
        max_long_edge,
    })
}

pub fn uploader(cli: &Cli, workspace: &Workspace) -> Result<Uploader, Failure> {
    let resolved = resolve(cli, workspace)?;
    Ok(Uploader::new(
        workspace.store().clone(),
        resolved.backend,
        Uploader::staging_dir_of(workspace.data_dir()),
        PrepareOptions {
            max_long_edge: resolved.max_long_edge,
        },
    ))
}

impl From<UploadError> for Failure {
    fn from(error: UploadError) -> Self {
        let code = match &error {
            UploadError::Storage { .. } | UploadError::Journal(_) => 4,
            UploadError::InputFailed { reason, .. } if reason.contains("Storage") => 4,
            _ => 2,
        };
        let mut message = error.to_string();
        if matches!(error, UploadError::NoStorage) {
            message = "No storage for your photos: pass --storage s3://BUCKET[/PREFIX] (with the AWS_* variables) or set up a bucket in Lamina Desktop (Settings → Storage).".into();
        }
        Self {
            code,
            message,
            detail: Some(error.detail()),
        }
    }
}

pub async fn storage(cli: &Cli, command: Option<&StorageCommand>) -> Result<u8, Failure> {
    let workspace = crate::commands::open(cli, None)?;
    let resolved = resolve(cli, &workspace)?;
    match command {
        None => {
            show(&resolved, cli.json);
            Ok(0)
        }
        Some(StorageCommand::Test) => {
            let Some(backend) = &resolved.backend else {
                let report = lamina_core::storage::StorageTestReport::not_configured();
                print_report(&report, &resolved, cli.json);
                return Ok(1);
            };
            let report = test_storage(backend, workspace.client().http()).await;
            print_report(&report, &resolved, cli.json);
            Ok(match report.problem {
                None => 0,
                Some(StorageProblem::WrongKey) => 3,
                Some(StorageProblem::Unreachable) => 4,
                Some(_) => 1,
            })
        }
    }
}

fn show(resolved: &Resolved, json: bool) {
    if json {
        let document = serde_json::json!({
            "source": resolved.source,
            "s3": resolved.s3,
            "hasSecret": resolved.backend.is_some() || resolved.s3.is_none(),
            "maxLongEdge": resolved.max_long_edge,
        });
        println!("{document}");
        return;
    }
    println!("uploads go to: {}", resolved.source);
    if let Some(s3) = &resolved.s3 {
        println!("  endpoint:      {}", s3.endpoint);
        println!("  region:        {}", s3.region);
        println!("  bucket:        {}", s3.bucket);
        println!(
            "  prefix:        {}",
            if s3.prefix.is_empty() {
                "(none)"
            } else {
                &s3.prefix
            }
        );
        println!("  access key id: {}", s3.access_key_id);
        println!(
            "  secret key:    {}",
            if resolved.backend.is_some() {
                "set (never shown)"
            } else {
                "missing"
            }
        );
        match &s3.public_base_url {
            Some(base) => println!("  links:         public, {base}/<key>"),
            None => println!(
                "  links:         presigned, valid {} h",
                s3.link_lifetime_secs / 3600
            ),
        }
        println!(
            "  path-style:    {}",
            if s3.path_style { "yes" } else { "no" }
        );
    }
    println!(
        "  photos larger than {} px are scaled down",
        resolved.max_long_edge
    );
}

fn print_report(report: &lamina_core::storage::StorageTestReport, resolved: &Resolved, json: bool) {
    if json {
        println!("{}", serde_json::to_string(report).unwrap_or_default());
        return;
    }
    println!("storage: {}", resolved.source);
    for step in &report.steps {
        let mark = match step.status {
            lamina_core::storage::StorageCheckStatus::Passed => "ok  ",
            lamina_core::storage::StorageCheckStatus::Failed => "FAIL",
            lamina_core::storage::StorageCheckStatus::Skipped => "--  ",
        };
        println!("{mark} {:?}: {}", step.step, step.message);
        if let Some(detail) = &step.detail {
            println!("       details: {detail}");
        }
    }
    for warning in &report.warnings {
        println!("note: {warning}");
    }
    println!(
        "{}",
        if report.ok {
            "storage works"
        } else {
            "storage does not work yet"
        }
    );
}
