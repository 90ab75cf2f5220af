//! "Describe what you need" from a script, against lamina-sandbox over real HTTP: a brief
//! becomes a run of the app Lamina chose (with its reason, the inputs it filled, the outputs and
//! scores), templates and the brand context print, publishing asks for confirmation and sends
//! once, the history lists the post; briefs from a file go ten per request; a service without
//! these endpoints says so in words and keeps nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::process::{Command, Output, Stdio};

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");
const BRIEF: &str = "A launch post for our new linen shirt on Instagram";
const CAPTION: &str = "Our linen shirt is here. Made slowly, worn for years.";

async fn sandbox(minimal: bool) -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: 20.0,
        minimal,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn cli(server: &SandboxHandle, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(CLI);
    command
        .args(args)
        .env("LAMINA_BASE_URL", server.base_url())
        .env("LAMINA_API_KEY", DEMO_KEY)
        .env("LAMINA_DATA_DIR", data)
        .env_remove("LAMINA_LOG")
        .stdin(Stdio::null());
    command
}

async fn output(server: &SandboxHandle, data: &Path, args: &[&str]) -> Output {
    let mut command = cli(server, data, args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn requests(server: &SandboxHandle, route: &str) -> u64 {
    server.stats().by_route.get(route).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn brief_to_post_create_templates_brand_publish_history() {
    let server = sandbox(false).await;
    let data = tempfile::tempdir().unwrap();

    let created = output(
        &server,
        data.path(),
        &[
            "--json",
            "create",
            BRIEF,
            "--platform",
            "instagram",
            "--modality",
            "image",
        ],
    )
    .await;
    assert_eq!(created.status.code(), Some(0), "{created:?}");
    let view = json(&created);
    let run = &view["run"];
    assert_eq!(run["status"], "completed");
    assert!(run["appName"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(
        view["content"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(view["content"]["request"]["brief"], BRIEF);
    let mapped = view["content"]["mappedInputs"].as_object().unwrap();
    assert!(!mapped.is_empty());
    let image = run["outputs"][0]["file"]["path"].as_str().unwrap();
    assert!(Path::new(image).is_file());
    let scores = &view["content"]["scores"];
    assert!(
        scores["dimensions"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(requests(&server, "POST /v1/content/create"), 1);
    let run_id = run["runId"].as_str().unwrap().to_owned();

    // History shows it like any run.
    let history = json(&output(&server, data.path(), &["--json", "history"]).await);
    assert_eq!(history[0]["runId"], run_id.as_str());

    let templates = output(&server, data.path(), &["--json", "templates"]).await;
    assert_eq!(templates.status.code(), Some(0));
    let templates = json(&templates);
    let first = templates[0]["id"].as_str().unwrap().to_owned();
    let one = json(&output(&server, data.path(), &["--json", "templates", &first]).await);
    assert_eq!(one["id"], first.as_str());
    assert!(one["produces"].as_array().is_some_and(|p| !p.is_empty()));

    let brand = json(&output(&server, data.path(), &["--json", "brand"]).await);
    assert!(brand["voice"].as_array().is_some_and(|v| !v.is_empty()));
    assert!(
        brand["guardrails"]
            .as_array()
            .is_some_and(|g| !g.is_empty())
    );

    let channels = json(&output(&server, data.path(), &["--json", "publishing", "channels"]).await);
    let instagram = channels
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Demo Instagram")
        .expect("the demo channel")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Not from a terminal and no --yes: refused, nothing sent.
    let publish_args = [
        "publish",
        &run_id,
        "--channel",
        &instagram,
        "--caption",
        CAPTION,
    ];
    let refused = output(&server, data.path(), &publish_args).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Demo Instagram"));
    assert_eq!(requests(&server, "POST /v1/publishing/publish"), 0);

    let mut confirmed_args = vec!["--json"];
    confirmed_args.extend(publish_args);
    confirmed_args.push("--yes");
    let published = output(&server, data.path(), &confirmed_args).await;
    assert_eq!(published.status.code(), Some(0), "{published:?}");
    let published = json(&published);
    assert_eq!(published[0]["state"], "confirmed");
    assert_eq!(published[0]["caption"], CAPTION);
    let post_url = published[0]["channels"][0]["postUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = reqwest::get(&post_url).await.unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains(CAPTION));
    assert_eq!(requests(&server, "POST /v1/publishing/publish"), 1);

    let history = output(&server, data.path(), &["--json", "publishing", "history"]).await;
    assert_eq!(history.status.code(), Some(0));
    let history = json(&history);
    assert_eq!(history["serviceHistory"], true);
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["channels"][0]["postUrl"], post_url.as_str());
    assert_eq!(requests(&server, "POST /v1/publishing/publish"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_twelve_briefs_goes_ten_per_request() {
    let server = sandbox(false).await;
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("briefs.txt");
    let mut briefs = String::from("# one per line\n\n");
    for n in 1..=12 {
        briefs.push_str(&format!("A product photo of linen shirt number {n}\n"));
    }
    std::fs::write(&file, briefs).unwrap();
    let result = output(
        &server,
        data.path(),
        &[
            "--json",
            "create",
            "--briefs",
            file.to_str().unwrap(),
            "--detach",
        ],
    )
    .await;
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    let views = json(&result);
    let views = views.as_array().unwrap();
    assert_eq!(views.len(), 12);
    assert!(views.iter().all(|v| v["run"]["runId"].is_string()));
    assert_eq!(requests(&server, "POST /v1/content/batch"), 2);
    assert_eq!(requests(&server, "POST /v1/content/create"), 0);
    let history = json(
        &output(
            &server,
            data.path(),
            &["--json", "history", "--limit", "50"],
        )
        .await,
    );
    assert_eq!(history.as_array().unwrap().len(), 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blank_brief_exits_2_and_sends_nothing() {
    let server = sandbox(false).await;
    let data = tempfile::tempdir().unwrap();
    let result = output(&server, data.path(), &["create", "   "]).await;
    assert_eq!(result.status.code(), Some(2), "{result:?}");
    assert_eq!(requests(&server, "POST /v1/content/create"), 0);
    let history = json(&output(&server, data.path(), &["--json", "history"]).await);
    assert!(history.as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_without_content_says_so_and_keeps_nothing() {
    let server = sandbox(true).await;
    let data = tempfile::tempdir().unwrap();
    for args in [
        &["create", BRIEF][..],
        &["templates"][..],
        &["brand"][..],
        &["publishing", "channels"][..],
    ] {
        let result = output(&server, data.path(), args).await;
        assert_eq!(result.status.code(), Some(4), "{args:?}: {result:?}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains("doesn't offer"), "{args:?}: {stderr}");
    }
    let history = json(&output(&server, data.path(), &["--json", "history"]).await);
    assert!(history.as_array().unwrap().is_empty(), "{history}");
    let publishing = output(&server, data.path(), &["--json", "publishing", "history"]).await;
    assert_eq!(publishing.status.code(), Some(0));
    let publishing = json(&publishing);
    assert_eq!(publishing["serviceHistory"], false);
    assert!(publishing["entries"].as_array().unwrap().is_empty());
}
