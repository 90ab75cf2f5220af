//! `lamina-cli webhook listen` against the sandbox over real HTTP: a run started with
//! `--webhook <its URL>` is delivered, verified and shown; `webhook deliveries` lists it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use lamina_sandbox::{DEMO_KEY, SandboxConfig, catalog};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

fn cli(base_url: &str, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(CLI);
    command
        .args(args)
        .env("LAMINA_BASE_URL", base_url)
        .env("LAMINA_API_KEY", DEMO_KEY)
        .env("LAMINA_DATA_DIR", data)
        .env_remove("LAMINA_LOG")
        .stdin(Stdio::null());
    command
}

async fn next(lines: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(30), lines.recv())
        .await
        .expect("a line in time")
        .expect("the listener is alive");
    serde_json::from_str(&line).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_receives_and_verifies_a_run_s_delivery() {
    let server = lamina_sandbox::start(SandboxConfig {
        speed: 10.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let base_url = server.base_url();
    let data = tempfile::tempdir().unwrap();

    let mut listener = cli(
        &base_url,
        data.path(),
        &["--json", "webhook", "listen", "--port", "0"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stdout = listener.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let ready = next(&mut lines).await;
    let url = ready["publicUrl"].as_str().unwrap().to_owned();
    assert!(url.ends_with("/lamina/webhook"), "{url}");

    let data_path = data.path().to_owned();
    let base = base_url.clone();
    let hook = url.clone();
    let run = tokio::task::spawn_blocking(move || {
        cli(
            &base,
            &data_path,
            &[
                "--json",
                "run",
                catalog::HERO_IMAGE,
                "--input",
                "Prompt=A red chair",
                "--webhook",
                &hook,
            ],
        )
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let record: Value = serde_json::from_slice(&run.stdout).unwrap();
    let run_id = record["runId"].as_str().unwrap().to_owned();
    assert_eq!(record["webhookUrl"], url.as_str());

    let delivery = next(&mut lines).await;
    assert_eq!(delivery["runId"], run_id.as_str());
    assert_eq!(delivery["httpStatus"], 200);
    // The run process may have recorded the completion first: then the delivery is a duplicate.
    let outcome = delivery["outcome"].as_str().unwrap();
    assert!(matches!(outcome, "accepted" | "duplicate"), "{delivery}");
    listener.kill().unwrap();
    let _ = listener.wait();

    let listed = cli(&base_url, data.path(), &["--json", "webhook", "deliveries"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["runId"], run_id.as_str());
    assert_eq!(listed[0]["outcome"], outcome);
}
