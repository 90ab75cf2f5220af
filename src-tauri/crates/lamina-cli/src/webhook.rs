//! `lamina-cli webhook listen|deliveries`: the core's webhook receiver from a terminal, for
//! servers that can be reached from the internet (or through a tunnel).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::{Args, Subcommand};
use lamina_core::Workspace;
use lamina_core::webhook::{
    DEFAULT_PORT, DeliveryLogEntry, KeySource, ReceiverConfig, WebhookReceiver, recent_deliveries,
};

use crate::Failure;

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Listen for deliveries at /lamina/webhook until Ctrl-C; verified ones update runs in
    /// history (also runs started by the desktop app). Prints one line (or JSON) per delivery.
    Listen(ListenArgs),
    /// The last deliveries received (accepted or rejected, with the reason), newest first.
    Deliveries {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on (0.0.0.0 to accept from other machines).
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// The URL the service must post to (your tunnel or relay); default: the local address.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Bodies larger than this many bytes are refused (413).
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_body: usize,
}

pub async fn dispatch(
    workspace: &Workspace,
    command: &WebhookCommand,
    json: bool,
) -> Result<u8, Failure> {
    match command {
        WebhookCommand::Deliveries { limit } => {
            let entries = recent_deliveries(workspace.store(), *limit)
                .map_err(lamina_core::CoreError::from)?;
            if json {
                println!("{}", serde_json::to_string(&entries).unwrap_or_default());
            } else if entries.is_empty() {
                println!("No webhook deliveries yet.");
            } else {
                for entry in &entries {
                    println!("{}", line(entry));
                }
            }
            Ok(0)
        }
        WebhookCommand::Listen(args) => listen(workspace, args, json).await,
    }
}

async fn listen(workspace: &Workspace, args: &ListenArgs, json: bool) -> Result<u8, Failure> {
    // Fail early (and clearly) if the key cannot read the signing key; a service that offers
    // none is no failure: runs are then followed by polling.
    match workspace.client().signing_keys().await {
        Err(error) if error.unsupported_endpoint().is_some() => eprintln!(
            "{} Deliveries can't be checked, so runs are followed by asking Lamina instead.",
            error.message
        ),
        other => drop(other?),
    }
    let receiver = WebhookReceiver::start(
        workspace.tracker.clone(),
        KeySource::Service(workspace.client().clone()),
        ReceiverConfig {
            bind: SocketAddr::new(args.bind, args.port),
            public_url: args.public_url.clone(),
            max_body_bytes: args.max_body,
            ..ReceiverConfig::default()
        },
    )
    .await
    .map_err(|e| Failure::usage(e.to_string()))?;
    let mut deliveries = receiver.subscribe();
    if json {
        let ready = serde_json::json!({
            "listening": receiver.local_addr().to_string(),
            "publicUrl": receiver.public_url(),
        });
        println!("{ready}");
    } else {
        eprintln!(
            "Listening on http://{}{}",
            receiver.local_addr(),
            lamina_core::webhook::WEBHOOK_PATH
        );
        eprintln!(
            "Start runs with --webhook {} (Ctrl-C to stop)",
            receiver.public_url()
        );
    }
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            delivery = deliveries.recv() => match delivery {
                Ok(entry) if json => {
                    println!("{}", serde_json::to_string(&entry).unwrap_or_default());
                }
                Ok(entry) => println!("{}", line(&entry)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("({n} deliveries not shown; see `lamina-cli webhook deliveries`)");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    receiver.stop().await;
    Ok(0)
}

fn line(entry: &DeliveryLogEntry) -> String {
    let outcome = serde_json::to_value(entry.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!(
        "{}  {:<9} {}  run {}  {}",
        entry.received_at.format("%Y-%m-%d %H:%M:%S"),
        outcome,
        entry.http_status,
        entry
            .run_id
            .as_deref()
            .or(entry.request_id.as_deref())
            .unwrap_or("-"),
        entry.reason.as_deref().unwrap_or("")
    )
}
