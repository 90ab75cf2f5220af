//! The sandbox fetches every `url` input of a run (as the service does), fails the run naming the
//! field when it cannot, and draws the fetched photo into the outputs.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;
use std::time::{Duration, Instant};

use common::{client, get, sandbox, start_run};
use lamina_sandbox::{FaultRule, SandboxConfig, SandboxHandle, catalog};
use serde_json::{Value, json};

const MAGENTA: [u8; 3] = [250, 0, 250];
const CYAN: [u8; 3] = [0, 230, 240];

fn solid_png(colour: [u8; 3], w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(colour));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// Stores `bytes` in the built-in storage and returns its address, with a query string like a
/// presigned link's.
async fn stored(sb: &SandboxHandle, hash_digit: char, bytes: Vec<u8>) -> String {
    let name = format!("{}.png", hash_digit.to_string().repeat(64));
    let response = client()
        .put(format!("{}/_sandbox/files/{name}", sb.base_url()))
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let body: Value = response.json().await.unwrap();
    format!(
        "{}?X-Amz-Expires=86400&X-Amz-Signature=abc",
        body["url"].as_str().unwrap()
    )
}

async fn hero(sb: &SandboxHandle, reference: Option<&str>) -> String {
    let mut inputs = json!({"Prompt": "A ceramic mug"});
    if let Some(url) = reference {
        inputs["Reference Image"] = json!(url);
    }
    let path = format!("/v1/apps/{}/runs", catalog::HERO_IMAGE);
    let started = start_run(&sb.base_url(), &path, inputs).await;
    assert_eq!(started.status(), 202);
    let body: Value = started.json().await.unwrap();
    assert_eq!(body["data"]["status"], "queued");
    body["data"]["runId"].as_str().unwrap().to_owned()
}

/// Polls until terminal, returning every status seen in order (deduplicated) and the last run.
async fn follow(sb: &SandboxHandle, run_id: &str) -> (Vec<String>, Value) {
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = get(format!("{}/v1/runs/{run_id}", sb.base_url())).await;
        if response.status() == 429 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let body: Value = response.json().await.unwrap();
        let status = body["data"]["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if matches!(status.as_str(), "completed" | "failed") {
            return (seen, body["data"].clone());
        }
        assert!(Instant::now() < deadline, "run never ended: {seen:?}");
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

async fn output_pixels(run: &Value, index: usize) -> image::RgbImage {
    let url = run["outputs"][index]["value"].as_str().unwrap();
    let bytes = client()
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    image::load_from_memory(&bytes).unwrap().to_rgb8()
}

/// Share of the picture's pixels within a small distance of `colour` (JPEG-tolerant).
fn share_of(img: &image::RgbImage, colour: [u8; 3]) -> f64 {
    let close = img
        .pixels()
        .filter(|p| (0..3).all(|c| p.0[c].abs_diff(colour[c]) <= 12))
        .count();
    close as f64 / f64::from(img.width() * img.height())
}

#[tokio::test]
async fn the_reference_photo_is_fetched_and_placed_in_the_hero_image() {
    let sb = sandbox(SandboxConfig::default()).await;
    let magenta = stored(&sb, 'a', solid_png(MAGENTA, 300, 300)).await;
    let cyan = stored(&sb, 'b', solid_png(CYAN, 400, 200)).await;

    let (_, plain) = follow(&sb, &hero(&sb, None).await).await;
    let plain = output_pixels(&plain, 0).await;
    assert!(share_of(&plain, MAGENTA) < 0.01, "no photo, no magenta");

    let (statuses, with_magenta) = follow(&sb, &hero(&sb, Some(&magenta)).await).await;
    assert_eq!(statuses.last().unwrap(), "completed", "{with_magenta}");
    let pixels = output_pixels(&with_magenta, 0).await;
    // A square photo stands on the plinth: 56% of the side each way, centred horizontally.
    let share = share_of(&pixels, MAGENTA);
    assert!((0.28..0.34).contains(&share), "magenta share {share}");
    let (w, h) = pixels.dimensions();
    assert_eq!(pixels.get_pixel(w / 2, h / 2).0, MAGENTA);
    assert_ne!(
        pixels.get_pixel(w / 2, h - 5).0,
        MAGENTA,
        "the floor stays drawn"
    );

    let (_, with_cyan) = follow(&sb, &hero(&sb, Some(&cyan)).await).await;
    let pixels = output_pixels(&with_cyan, 0).await;
    assert!(share_of(&pixels, CYAN) > 0.1);
    assert!(
        share_of(&pixels, MAGENTA) < 0.01,
        "a different photo, a different output"
    );

    let fetched = sb.stats().fetched_inputs;
    assert_eq!(
        fetched,
        vec![magenta, cyan],
        "the sandbox fetched the links it was given"
    );
    assert_eq!(sb.stats().input_fetch_failures, 0);
}

#[tokio::test]
async fn catalog_shots_show_the_front_and_back_photos_and_samples_still_work() {
    let sb = sandbox(SandboxConfig::default()).await;
    let front = stored(&sb, 'c', solid_png(MAGENTA, 300, 400)).await;
    let back = stored(&sb, 'd', solid_png(CYAN, 300, 400)).await;
    let path = format!("/v1/apps/{}/runs", catalog::FULL_SET_CATALOG);
    let started = start_run(
        &sb.base_url(),
        &path,
        json!({"Front Image": front, "Back Image": back}),
    )
    .await;
    let body: Value = started.json().await.unwrap();
    let (_, run) = follow(&sb, body["data"]["runId"].as_str().unwrap()).await;
    assert_eq!(run["status"], "completed", "{run}");
    let front_shot = output_pixels(&run, 0).await;
    let back_shot = output_pixels(&run, 1).await;
    let detail = output_pixels(&run, 2).await;
    assert!(share_of(&front_shot, MAGENTA) > 0.15 && share_of(&front_shot, CYAN) < 0.01);
    assert!(share_of(&back_shot, CYAN) > 0.15 && share_of(&back_shot, MAGENTA) < 0.01);
    assert!(
        share_of(&detail, MAGENTA) > 2.0 * share_of(&front_shot, MAGENTA),
        "the detail shot is a close-up"
    );

    // The app's defaults are the sandbox's own samples: fetched too, and the run completes.
    let started = start_run(&sb.base_url(), &path, json!({})).await;
    let body: Value = started.json().await.unwrap();
    let (_, run) = follow(&sb, body["data"]["runId"].as_str().unwrap()).await;
    assert_eq!(run["status"], "completed", "{run}");
    let fetched = sb.stats().fetched_inputs;
    assert!(
        fetched[2].ends_with("/files/samples/front.png"),
        "{fetched:?}"
    );
    assert!(
        fetched[3].ends_with("/files/samples/back.png"),
        "{fetched:?}"
    );
}

async fn failed_run_message(sb: &SandboxHandle, reference: &str) -> (Vec<String>, Value) {
    let (statuses, run) = follow(sb, &hero(sb, Some(reference)).await).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["outputs"][0]["status"], "error");
    assert_eq!(run["errorMessage"], run["outputs"][0]["error"]);
    (statuses, run)
}

fn error_of(run: &Value) -> &str {
    run["outputs"][0]["error"].as_str().unwrap()
}

#[tokio::test]
async fn an_unfetchable_photo_fails_the_run_naming_the_field_in_both_modes() {
    for minimal in [false, true] {
        // Slow enough that the queued and running phases are seen by polling.
        let sb = lamina_sandbox::start(SandboxConfig {
            speed: 4.0,
            minimal,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let missing = format!("{}/_sandbox/files/{}.png", sb.base_url(), "e".repeat(64));
        let (statuses, run) = failed_run_message(&sb, &missing).await;
        assert_eq!(
            error_of(&run),
            "Couldn't fetch the image given for Reference Image: the address answered 404"
        );
        if minimal {
            assert_eq!(statuses.last().unwrap(), "failed");
        } else {
            // The start's own answer was `queued` (checked in `hero`); polling may begin later.
            let mut seen = vec!["queued".to_owned()];
            seen.extend(statuses.into_iter().filter(|s| s != "queued"));
            assert_eq!(seen, ["queued", "running", "failed"]);
        }
        assert_eq!(sb.stats().fetched_inputs, vec![missing]);
        assert_eq!(sb.stats().input_fetch_failures, 1);
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn not_an_image_unreachable_and_too_slow_are_told_apart() {
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_url = format!("http://{}/photo.jpg", hanging.local_addr().unwrap());
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = hanging.accept().await {
            open.push(socket);
        }
    });
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/photo.png", closed.local_addr().unwrap());
    drop(closed);

    let sb = sandbox(SandboxConfig {
        input_fetch_timeout: Duration::from_millis(1500),
        ..SandboxConfig::default()
    })
    .await;
    let page = format!("{}/_sandbox/stats", sb.base_url());
    let (_, run) = failed_run_message(&sb, &page).await;
    assert_eq!(
        error_of(&run),
        "Couldn't fetch the image given for Reference Image: the address gave a file that is \
         not an image"
    );
    let (_, run) = failed_run_message(&sb, &closed_url).await;
    assert!(
        error_of(&run).ends_with("the address could not be reached"),
        "{run}"
    );

    // A hanging address: the run stays running past its planned end, and a long poll wakes
    // when the fetch gives up.
    let run_id = hero(&sb, Some(&hanging_url)).await;
    let asked = Instant::now();
    let waited = get(format!(
        "{}/v1/runs/{run_id}/wait?timeout=10",
        sb.base_url()
    ))
    .await;
    let body: Value = waited.json().await.unwrap();
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(body["data"]["status"], "failed", "{body}");
    assert_eq!(
        body["data"]["errorMessage"],
        "Couldn't fetch the image given for Reference Image: the address did not answer \
         within 1.5 seconds"
    );
}

#[tokio::test]
async fn the_unfetchable_input_fault_fails_fetches_of_a_good_link() {
    let sb = sandbox(SandboxConfig::default()).await;
    let photo = stored(&sb, 'f', solid_png(MAGENTA, 64, 64)).await;
    sb.set_faults(FaultRule::parse_spec("unfetchable-input=403@/_sandbox/files*1").unwrap());
    let (_, run) = failed_run_message(&sb, &photo).await;
    assert_eq!(
        error_of(&run),
        "Couldn't fetch the image given for Reference Image: the address answered 403"
    );
    let (_, run) = follow(&sb, &hero(&sb, Some(&photo)).await).await;
    assert_eq!(run["status"], "completed", "the rule fired once");
}
