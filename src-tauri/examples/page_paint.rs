//! Paint time of any saved page in a bare wry web view, drawn as the app draws (no compositing
//! without a GPU): a bench for finding what the first frame of a page costs, one variant at a time
//! (`.ci/page-paint.sh` builds the variants of the app's first screen and runs them in turns).
//! Serves the files of `PAGE_DIR` over a custom protocol (`index.html` first). The page reports
//! through `window.ipc.postMessage("<name>")`; each message is printed as
//! `<name> at <ms since the epoch> ms`, and the process exits on `painted` (unless `PAGE_STAY` is
//! set: then it stays open, e.g. for a screenshot).

use std::path::{Component, Path, PathBuf};

use wry::http::Response;

#[path = "common/bare_webview.rs"]
mod bare_webview;

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `root` (never outside it).
fn file_for(root: &Path, request_path: &str) -> Option<PathBuf> {
    let relative = Path::new(request_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = if relative.as_os_str().is_empty() {
        root.join("index.html")
    } else {
        root.join(relative)
    };
    Some(file)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var_os("PAGE_DIR").ok_or("PAGE_DIR is not set")?);
    let stay_open = std::env::var_os("PAGE_STAY").is_some();
    bare_webview::run(
        "Page paint",
        "page",
        move |request| {
            let file = file_for(&root, request.uri().path());
            match file.as_deref().map(|f| (f, std::fs::read(f))) {
                Some((path, Ok(body))) => Response::builder()
                    .header("Content-Type", content_type(path))
                    .body(body.into())
                    .unwrap_or_default(),
                _ => Response::builder()
                    .status(404)
                    .body(Vec::new().into())
                    .unwrap_or_default(),
            }
        },
        move |what| {
            println!("{what} at {} ms", bare_webview::epoch_ms());
            what.starts_with("painted") && !stay_open
        },
    )
}
