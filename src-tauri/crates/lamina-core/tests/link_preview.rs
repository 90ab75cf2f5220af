//! Link previews over real HTTP: the sandbox (the one local address allowed) serves pictures
//! from its built-in storage; other local addresses, also behind redirects, are refused without
//! a request; non-images, oversized files, slow and missing addresses are told apart.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine;
use lamina_core::link_preview::{LinkPreviewError, LinkPreviewer, PreviewLimits};
use lamina_sandbox::{SandboxConfig, SandboxHandle};
use tokio::net::TcpListener;

async fn sandbox() -> SandboxHandle {
    lamina_sandbox::start(SandboxConfig::default())
        .await
        .unwrap()
}

fn previewer() -> LinkPreviewer {
    LinkPreviewer::new(PreviewLimits::default()).unwrap()
}

fn encoded(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
    bytes
}

/// Puts `bytes` in the sandbox's built-in storage; returns the link.
async fn store(sb: &SandboxHandle, digit: char, ext: &str, bytes: Vec<u8>) -> String {
    let name = format!("{}.{ext}", digit.to_string().repeat(64));
    let url = format!("{}/_sandbox/files/{name}", sb.base_url());
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .put(&url)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    url
}

fn decode_data_url(data_url: &str) -> image::DynamicImage {
    let (_, b64) = data_url.split_once(";base64,").unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    image::load_from_memory(&bytes).unwrap()
}

/// A loopback listener that records whether anything connected to it.
async fn victim() -> (SocketAddr, tokio::task::JoinHandle<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let watch = tokio::spawn(async move {
        tokio::time::timeout(Duration::from_millis(700), listener.accept())
            .await
            .is_ok()
    });
    (addr, watch)
}

#[tokio::test]
async fn pictures_from_the_sandbox_get_a_small_thumbnail_and_their_real_type() {
    let sb = sandbox().await;
    let photo = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        640,
        480,
        image::Rgb([200, 40, 40]),
    ));
    // Stored as .jpg with a JPEG content type, but the bytes are a PNG: the bytes decide.
    let url = store(&sb, 'a', "jpg", encoded(photo, image::ImageFormat::Png)).await;
    let preview = previewer().fetch(&url, Some(&sb.base_url())).await.unwrap();
    assert_eq!((preview.width, preview.height), (640, 480));
    assert_eq!(preview.content_type, "image/png");
    assert!(preview.thumbnail.starts_with("data:image/jpeg;base64,"));
    let thumb = decode_data_url(&preview.thumbnail);
    assert_eq!((thumb.width(), thumb.height()), (256, 192));
    let centre = thumb.to_rgb8().get_pixel(128, 96).0;
    assert!(centre[0] > 180 && centre[1] < 70, "{centre:?}");

    let clear = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        100,
        300,
        image::Rgba([0, 0, 255, 90]),
    ));
    let url = store(&sb, 'b', "webp", encoded(clear, image::ImageFormat::WebP)).await;
    let preview = previewer().fetch(&url, Some(&sb.base_url())).await.unwrap();
    assert_eq!(preview.content_type, "image/webp");
    assert!(
        preview.thumbnail.starts_with("data:image/png;base64,"),
        "alpha kept"
    );
    assert_eq!(decode_data_url(&preview.thumbnail).height(), 256);
}

#[tokio::test]
async fn local_and_private_addresses_are_refused_without_a_request() {
    let sb = sandbox().await;
    let (addr, connected) = victim().await;
    let previewer = previewer();
    for url in [
        format!("http://{addr}/photo.png"),
        format!("http://localhost:{}/photo.png", addr.port()),
        format!("http://[::ffff:127.0.0.1]:{}/photo.png", addr.port()),
        "http://10.255.255.1/photo.png".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let asked = Instant::now();
        let err = previewer
            .fetch(&url, Some(&sb.base_url()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, LinkPreviewError::PrivateAddress { .. }),
            "{url}: {err:?}"
        );
        assert!(asked.elapsed() < Duration::from_secs(1), "{url} was tried");
    }
    // Without the sandbox allowed, the sandbox itself is just another loopback address.
    let err = previewer
        .fetch(&format!("{}/_sandbox/stats", sb.base_url()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, LinkPreviewError::PrivateAddress { .. }),
        "{err:?}"
    );
    assert!(
        !connected.await.unwrap(),
        "a refused address was connected to"
    );
    assert_eq!(
        previewer.fetch("ftp://example.com/a.png", None).await,
        Err(LinkPreviewError::NotWebAddress)
    );
}

#[tokio::test]
async fn non_images_missing_and_oversized_files_are_refused_in_words() {
    let sb = sandbox().await;
    let base = sb.base_url();
    let previewer = previewer();

    let page = store(
        &sb,
        'c',
        "html",
        b"<!DOCTYPE html><html><body>Shop</body></html>".to_vec(),
    )
    .await;
    let err = previewer.fetch(&page, Some(&base)).await.unwrap_err();
    assert!(
        matches!(&err, LinkPreviewError::NotAnImage { what } if what.contains("web page")),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "That address doesn't lead to a picture (a web page)."
    );
    let json = previewer
        .fetch(&format!("{base}/_sandbox/stats"), Some(&base))
        .await
        .unwrap_err();
    assert!(
        matches!(json, LinkPreviewError::NotAnImage { .. }),
        "{json:?}"
    );

    let missing = format!("{base}/_sandbox/files/{}.png", "d".repeat(64));
    assert_eq!(
        previewer.fetch(&missing, Some(&base)).await,
        Err(LinkPreviewError::Status { status: 404 })
    );

    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(20 * 1024 * 1024 + 1, 0);
    let big = store(&sb, 'e', "png", huge).await;
    assert_eq!(
        previewer.fetch(&big, Some(&base)).await,
        Err(LinkPreviewError::TooLarge { limit_mb: 20 })
    );
}

/// A local server standing in for the allowed sandbox, sending redirects.
async fn redirector(target: SocketAddr) -> String {
    let to_ip = format!("http://{target}/secret.png");
    let to_name = format!("http://localhost:{}/secret.png", target.port());
    let app = Router::new()
        .route(
            "/to-ip",
            get(move || async move { (StatusCode::FOUND, [(header::LOCATION, to_ip)]) }),
        )
        .route(
            "/to-name",
            get(move || async move { (StatusCode::FOUND, [(header::LOCATION, to_name)]) }),
        )
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response() }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn redirects_to_local_addresses_loops_and_slow_answers_are_refused() {
    let (addr, connected) = victim().await;
    let allowed = redirector(addr).await;
    let previewer = LinkPreviewer::new(PreviewLimits {
        timeout: Duration::from_millis(400),
        ..PreviewLimits::default()
    })
    .unwrap();
    for path in ["/to-ip", "/to-name"] {
        let err = previewer
            .fetch(&format!("{allowed}{path}"), Some(&allowed))
            .await
            .unwrap_err();
        assert!(
            matches!(err, LinkPreviewError::PrivateAddress { .. }),
            "{path}: {err:?}"
        );
    }
    assert!(
        !connected.await.unwrap(),
        "a redirect reached a refused address"
    );
    assert_eq!(
        previewer
            .fetch(&format!("{allowed}/loop"), Some(&allowed))
            .await,
        Err(LinkPreviewError::TooManyRedirects)
    );
    let asked = Instant::now();
    assert_eq!(
        previewer
            .fetch(&format!("{allowed}/hang"), Some(&allowed))
            .await,
        Err(LinkPreviewError::Timeout)
    );
    assert!(asked.elapsed() < Duration::from_secs(2));
}
