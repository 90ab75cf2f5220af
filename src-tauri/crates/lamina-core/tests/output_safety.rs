//! Downloads that misbehave (Fault Lab, over real HTTP from the in-process sandbox) are refused
//! with a reason people can read, leave nothing behind, and a decompression bomb is refused
//! before its pixels are allocated. A test binary of its own, so the process's peak memory
//! (`VmHWM`) measures this pipeline and nothing else.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use lamina_api::{ApiKey, Inputs};
use lamina_core::delivery::DeliveryMode;
use lamina_core::{RunRecord, RunState, Workspace, WorkspaceConfig};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};

/// Peak resident memory allowed for the whole test process, bomb included.
const PEAK_RSS_LIMIT_KB: u64 = 300 * 1024;

async fn sandbox() -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: 20.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn workspace(server: &SandboxHandle, data: &Path) -> Workspace {
    let mut config =
        WorkspaceConfig::new(server.base_url(), ApiKey::new(DEMO_KEY), data.to_owned());
    config.tracker.delivery = DeliveryMode::Stream;
    Workspace::open(config).unwrap()
}

async fn run(workspace: &Workspace, app_id: &str, pairs: &[(&str, &str)]) -> RunRecord {
    let app = workspace.client().get_app(app_id).await.unwrap();
    let inputs: Inputs = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    workspace.tracker.run(&app, &inputs, None).await.unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Peak resident set size of this process so far, in KB.
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_downloads_are_refused_with_a_reason_and_leave_nothing_behind() {
    let server = sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path());
    // Each fault and the words its refusal must contain.
    let faults: [(&str, &[&str]); 5] = [
        ("Truncated image", &["damaged or too large"]),
        ("Huge image", &["larger than 200 MB"]),
        ("SVG instead of image", &["not a picture", "SVG"]),
        ("HTML page", &["not a picture", "web page"]),
        ("Decompression bomb", &["damaged or too large", "memory"]),
    ];
    for (fault, words) in faults {
        let record = run(&workspace, catalog::FAULT_LAB, &[("Fault", fault)]).await;
        assert_eq!(record.state, RunState::Completed, "{fault}");
        let output = &record.outputs[0];
        assert!(output.file.is_none(), "{fault}: {:?}", output.file);
        let reason = output.file_error.as_deref().unwrap_or_default();
        println!("{fault}: {reason}");
        for word in words {
            assert!(reason.contains(word), "{fault}: {reason:?} lacks {word:?}");
        }
        let run_dir = workspace.outputs_dir().join(&record.local_id);
        assert_eq!(files_under(&run_dir), Vec::<PathBuf>::new(), "{fault}");
    }
    let peak = peak_rss_kb();
    println!("peak RSS after the bomb: {} MB", peak / 1024);
    assert!(
        peak < PEAK_RSS_LIMIT_KB,
        "peak RSS {} MB after the bomb",
        peak / 1024
    );

    // A lying Content-Type does not matter: the bytes are a good PNG, so it is kept.
    let record = run(
        &workspace,
        catalog::FAULT_LAB,
        &[("Fault", "Wrong content type")],
    )
    .await;
    let file = record.outputs[0].file.as_ref().expect("kept");
    assert_eq!(file.content_type, "image/png");
    assert!(file.thumbnail.as_ref().is_some_and(|t| t.is_file()));

    // Only finished files anywhere: no `.part` left by any refusal.
    let leftovers: Vec<_> = files_under(workspace.outputs_dir())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    assert_eq!(leftovers, Vec::<PathBuf>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kept_picture_gets_a_webp_thumbnail_of_at_most_512_px() {
    let server = sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = workspace(&server, data.path());
    for (ratio, expected) in [("1:1", (512, 512)), ("16:9", (512, 288))] {
        let inputs = [("Prompt", "a teapot"), ("Aspect Ratio", ratio)];
        let record = run(&workspace, catalog::HERO_IMAGE, &inputs).await;
        assert_eq!(record.state, RunState::Completed);
        let file = record.outputs[0].file.as_ref().expect("downloaded");
        let thumbnail = file.thumbnail.as_ref().expect("thumbnail");
        assert_eq!(thumbnail.parent(), file.path.parent());
        assert!(thumbnail.to_string_lossy().ends_with("0.thumb.webp"));
        let bytes = std::fs::read(thumbnail).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            image::ImageFormat::WebP
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), expected, "{ratio}");
        // The original is kept as downloaded, at full size.
        let original = image::image_dimensions(&file.path).unwrap();
        assert_eq!(original.0.max(original.1), 1024);
        // The record says where the thumbnail is, also once read back from history.
        let stored = workspace.store().get(&record.local_id).unwrap().unwrap();
        let stored_file = stored.outputs[0].file.as_ref().unwrap();
        assert_eq!(stored_file.thumbnail.as_ref(), Some(thumbnail));
    }
}
