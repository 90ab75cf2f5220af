//! Command-line flags, reusable by other CLIs (`lamina-cli sandbox …` flattens [`SandboxArgs`]).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::config::SandboxConfig;
use crate::faults::FaultRule;
use crate::{DEMO_KEY, start};

/// Flags of the sandbox server.
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// Accepted API key (repeatable; each must start with "lma_"). Default: the demo key.
    #[arg(long = "key", value_name = "KEY")]
    pub keys: Vec<String>,
    /// Run durations are divided by this factor.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Fault rules to inject (see --help for the grammar).
    #[arg(long, value_name = "SPEC", long_help = faults_help())]
    pub faults: Option<String>,
    /// Requests allowed per API key and window.
    #[arg(long, default_value_t = 100)]
    pub rate_limit: u32,
    /// Length of the fixed rate-limit window, in milliseconds.
    #[arg(long, default_value_t = 60_000)]
    pub rate_window_ms: u64,
    /// Answer 404 on /wait and /stream so clients fall back to polling.
    #[arg(long)]
    pub no_long_poll: bool,
    /// Behave like a minimal Lamina server: only list apps, get an app, start a run and get a run
    /// answer (everything else is a 404 page), startedAt equals completedAt, the first status
    /// read of every run is a 429 with Retry-After: 1, and no webhooks are sent.
    #[arg(long)]
    pub minimal: bool,
    /// Shift the Date header of every answer by this many seconds (negative: behind), to try
    /// clients against a service whose clock is off.
    #[arg(
        long = "clock-offset-s",
        value_name = "SECONDS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub clock_offset_s: i64,
    /// Keep the files put with PUT /_sandbox/files/NAME in this folder (default: in memory).
    #[arg(long, value_name = "DIR")]
    pub storage_dir: Option<std::path::PathBuf>,
}

fn faults_help() -> String {
    format!("Fault rules to inject.\n\n{}", crate::FAULT_SPEC_HELP)
}

impl SandboxArgs {
    /// Validates the flags into a configuration (bad fault specs and keys are errors).
    pub fn into_config(self) -> Result<SandboxConfig, String> {
        let faults = match self.faults.as_deref() {
            Some(spec) => FaultRule::parse_spec(spec)?,
            None => Vec::new(),
        };
        let keys = if self.keys.is_empty() {
            vec![DEMO_KEY.to_owned()]
        } else {
            self.keys
        };
        let config = SandboxConfig {
            bind: SocketAddr::new(self.host, self.port),
            keys,
            speed: self.speed,
            rate_limit: self.rate_limit,
            rate_window: Duration::from_millis(self.rate_window_ms),
            faults,
            long_poll: !self.no_long_poll,
            minimal: self.minimal,
            clock_offset_s: self.clock_offset_s,
            storage_dir: self.storage_dir,
            ..SandboxConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

/// Starts the server, prints `Lamina sandbox listening on URL` to stdout, and serves until
/// Ctrl-C or SIGTERM.
pub async fn run(args: SandboxArgs) -> Result<(), String> {
    let config = args.into_config()?;
    let handle = start(config)
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "Lamina sandbox listening on {}", handle.base_url())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
    }
    wait_for_stop_signal().await?;
    tracing::info!("stopping the sandbox");
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_stop_signal() -> Result<(), String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term =
            signal(SignalKind::terminate()).map_err(|e| format!("cannot watch SIGTERM: {e}"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map_err(|e| format!("cannot watch Ctrl-C: {e}")),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| format!("cannot watch Ctrl-C: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SandboxArgs,
    }

    fn parse(argv: &[&str]) -> Result<SandboxConfig, String> {
        let cli =
            Cli::try_parse_from(std::iter::once("lamina-sandbox").chain(argv.iter().copied()))
                .map_err(|e| e.to_string())?;
        cli.args.into_config()
    }

    #[test]
    fn flags_map_onto_the_config() {
        let config = parse(&[
            "--port",
            "8787",
            "--key",
            "lma_a",
            "--key",
            "lma_b",
            "--speed",
            "20",
            "--faults",
            "503@GET:/v1/runs*3",
            "--rate-limit",
            "5",
            "--rate-window-ms",
            "1500",
            "--no-long-poll",
            "--minimal",
            "--clock-offset-s",
            "-600",
        ])
        .unwrap();
        assert_eq!(config.bind, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(config.keys, ["lma_a", "lma_b"]);
        assert_eq!(config.speed, 20.0);
        assert_eq!(config.faults.len(), 1);
        assert_eq!(config.rate_limit, 5);
        assert_eq!(config.rate_window, Duration::from_millis(1500));
        assert!(!config.long_poll);
        assert!(config.minimal);
        assert_eq!(config.clock_offset_s, -600);
    }

    #[test]
    fn defaults_and_errors() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.keys, [DEMO_KEY]);
        assert_eq!(config.bind.port(), 0);
        assert!(config.long_poll);
        assert!(!config.minimal);
        assert!(
            parse(&["--faults", "teapot"])
                .unwrap_err()
                .contains("unknown kind")
        );
        assert!(parse(&["--key", "sk_live"]).unwrap_err().contains("lma_"));
    }
}
