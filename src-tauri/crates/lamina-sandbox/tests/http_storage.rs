//! The built-in storage over real HTTP: `PUT`/`GET`/`HEAD /_sandbox/files/{sha256}.{ext}`.

#![allow(clippy::unwrap_used)]

mod common;

use common::{client, sandbox};
use lamina_sandbox::SandboxConfig;
use serde_json::Value;

const HASH: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

fn name(ext: &str) -> String {
    format!("{HASH}.{ext}")
}

async fn put(base: &str, name: &str, body: Vec<u8>, content_type: &str) -> reqwest::Response {
    client()
        .put(format!("{base}/_sandbox/files/{name}"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_put_file_is_served_back_with_its_type_and_counted() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    let bytes = b"\x89PNG\r\n\x1a\nnot really a png but bytes are bytes".to_vec();

    let first = put(&base, &name("png"), bytes.clone(), "image/png").await;
    assert_eq!(first.status(), 201);
    let body: Value = first.json().await.unwrap();
    let url = body["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{base}/_sandbox/files/{}", name("png")));
    assert_eq!(body["size"], bytes.len());
    let again = put(&base, &name("png"), bytes.clone(), "image/png").await;
    assert_eq!(
        again.status(),
        200,
        "the same content-hash name is kept once"
    );

    let got = client().get(&url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);
    let head = client().head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );

    let stats = sb.stats();
    assert_eq!(stats.files_stored, 1);
    assert_eq!(stats.stored_bytes_received, 2 * bytes.len() as u64);
    assert_eq!(stats.stored_files_served, 2);
    assert_eq!(stats.requests_total, 0, "storage is not an API route");
}

#[tokio::test]
async fn missing_files_bad_names_empty_and_oversized_bodies_are_refused() {
    let sb = sandbox(SandboxConfig::default()).await;
    let base = sb.base_url();
    let missing = client()
        .get(format!("{base}/_sandbox/files/{}", name("jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let head_missing = client()
        .head(format!("{base}/_sandbox/files/{}", name("jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(head_missing.status(), 404);

    for bad in [
        "photo.png",
        "..%2F..%2Fetc%2Fpasswd",
        &format!("{HASH}.PNG"),
    ] {
        let response = put(&base, bad, b"x".to_vec(), "image/png").await;
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("sha256"), "{body}");
    }
    assert_eq!(
        put(&base, &name("png"), Vec::new(), "image/png")
            .await
            .status(),
        400
    );

    let too_big = vec![0u8; 50 * 1024 * 1024 + 1];
    let response = put(&base, &name("bin"), too_big, "application/octet-stream").await;
    assert_eq!(response.status(), 413);
    assert_eq!(sb.stats().files_stored, 0);
}

#[tokio::test]
async fn the_type_falls_back_to_the_extension_and_minimal_mode_keeps_the_routes() {
    let sb = sandbox(SandboxConfig {
        minimal: true,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let response = put(
        &base,
        &name("jpg"),
        b"jpeg bytes".to_vec(),
        "application/octet-stream",
    )
    .await;
    assert_eq!(response.status(), 201);
    let got = client()
        .get(format!("{base}/_sandbox/files/{}", name("jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/jpeg");
}

#[tokio::test]
async fn files_kept_in_a_folder_are_served_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("lamina-sbx-http-{}", uuid_like()));
    let config = || SandboxConfig {
        storage_dir: Some(dir.clone()),
        ..SandboxConfig::default()
    };
    let first = sandbox(config()).await;
    let stored = put(
        &first.base_url(),
        &name("webp"),
        b"RIFF....WEBP".to_vec(),
        "image/webp",
    )
    .await;
    assert_eq!(stored.status(), 201);
    first.shutdown().await;
    assert!(dir.join(name("webp")).is_file());

    let second = sandbox(config()).await;
    let got = client()
        .get(format!(
            "{}/_sandbox/files/{}",
            second.base_url(),
            name("webp")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/webp");
    assert_eq!(&got.bytes().await.unwrap()[..], b"RIFF....WEBP");
    let _ = std::fs::remove_dir_all(dir);
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}
