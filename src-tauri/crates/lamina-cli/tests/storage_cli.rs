//! `lamina-cli` with your own photos, against a real S3 server (s3s-fs) and the sandbox:
//! `run --input NAME=@FILE`, `storage` / `storage test` exit codes, and a batch of 20 local
//! paths where a missing one is reported by row before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../../lamina-core/tests/common/s3.rs"]
mod s3;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle, catalog};
use s3::{ACCESS_KEY, S3Server, SECRET_KEY};

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

fn cli(server: &SandboxHandle, s3: &S3Server, data: &Path, secret: &str, args: &[&str]) -> Command {
    let mut command = Command::new(CLI);
    command
        .args(args)
        .env("LAMINA_BASE_URL", server.base_url())
        .env("LAMINA_API_KEY", DEMO_KEY)
        .env("LAMINA_DATA_DIR", data)
        .env("LAMINA_STORAGE", "s3://photos/shop")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", s3.endpoint())
        .env_remove("LAMINA_LOG")
        .stdin(Stdio::null());
    command
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn photo(path: &Path, seed: u32) {
    let img = image::RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([(x * 5 + seed) as u8, (y * 7 + seed * 3) as u8, seed as u8])
    });
    img.save(path).unwrap();
}

fn objects(s3: &S3Server) -> usize {
    let dir = s3.bucket_dir().join("shop");
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

async fn sandbox() -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig {
        speed: 200.0,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn run_with_a_local_photo_uploads_it_and_storage_test_reports() {
    let server = sandbox().await;
    let s3 = S3Server::start();
    let data = tempfile::tempdir().unwrap();
    let photo_path = data.path().join("shoe.png");
    photo(&photo_path, 1);
    let reference = format!("Reference Image=@{}", photo_path.display());
    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &[
            "--json",
            "run",
            catalog::HERO_IMAGE,
            "--input",
            "Prompt=a shoe",
            "--input",
            &reference,
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sent = record["inputs"]["Reference Image"].as_str().unwrap();
    assert!(
        sent.contains("/photos/shop/") && sent.contains("X-Amz-Signature"),
        "{sent}"
    );
    assert_eq!(objects(&s3), 1);
    assert!(!text(&out).contains(SECRET_KEY));

    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &["storage", "test"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("storage works"));
    let out = output(cli(
        &server,
        &s3,
        data.path(),
        "wrong-secret",
        &["storage", "test"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("access key or the secret key"),
        "{}",
        text(&out)
    );
    let out = output(cli(&server, &s3, data.path(), SECRET_KEY, &["storage"])).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("bucket:        photos"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains(SECRET_KEY));

    // A missing file stops the run before it is sent.
    let starts = server.stats().run_start_requests;
    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &[
            "run",
            catalog::HERO_IMAGE,
            "--input",
            "Prompt=x",
            "--input",
            "Reference Image=@/nope/missing.jpg",
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("Reference Image"), "{}", text(&out));
    assert_eq!(server.stats().run_start_requests, starts);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_of_20_local_photos_reports_the_missing_one_first_then_completes() {
    let server = sandbox().await;
    let s3 = S3Server::start();
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("shoot");
    std::fs::create_dir_all(&folder).unwrap();
    let mut csv = String::from("Prompt,Reference Image\n");
    for i in 0..20 {
        let name = format!("photo-{i:02}.png");
        if i != 6 {
            photo(&folder.join(&name), i);
        }
        csv.push_str(&format!("product {i},shoot/{name}\n"));
    }
    let table = data.path().join("batch.csv");
    std::fs::write(&table, &csv).unwrap();
    let table_arg = table.to_string_lossy().into_owned();

    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &["batch", catalog::HERO_IMAGE, "--csv", &table_arg],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("row 8") && said.contains("Reference Image"),
        "{said}"
    );
    assert!(
        said.contains("photo-06.png") && said.contains("isn't there"),
        "{said}"
    );
    assert_eq!(server.stats().run_start_requests, 0, "nothing sent");
    assert_eq!(objects(&s3), 0, "nothing uploaded");

    photo(&folder.join("photo-06.png"), 6);
    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &["batch", catalog::HERO_IMAGE, "--csv", &table_arg],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("20 completed"), "{}", text(&out));
    assert_eq!(objects(&s3), 20, "20 distinct photos, 20 objects");
    assert_eq!(server.stats().run_start_requests, 20);

    // A folder: one run per image, deduplicated against what is already in the bucket.
    let folder_arg = folder.to_string_lossy().into_owned();
    let out = output(cli(
        &server,
        &s3,
        data.path(),
        SECRET_KEY,
        &[
            "batch",
            catalog::HERO_IMAGE,
            "--folder",
            &folder_arg,
            "--set",
            "Prompt=same shoot",
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(server.stats().run_start_requests, 40);
    assert_eq!(objects(&s3), 20);
}
