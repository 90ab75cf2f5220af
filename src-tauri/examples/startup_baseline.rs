//! The floor for start-up on this machine: a bare wry web view (what every Tauri app is built on)
//! loading a hello-world page over a custom protocol, as tauri-apps/benchmark_results measures it.
//! It prints the wall-clock moments of DOMContentLoaded and of its first painted frame (two
//! animation frames, the convention the app's own probe uses), then exits, unless
//! `BASELINE_STAY_OPEN` is set: then it stays open (idle) until killed, for the idle RSS reading.
//! `.ci/bench-footprint.sh` runs it beside the app, in the same session, with the same drawing
//! choice (`lamina_desktop::rendering`).

use wry::http::Response;

#[path = "common/bare_webview.rs"]
mod bare_webview;

const PAGE: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>Hello</title></head>
<body><h1>Hello world</h1><script>
document.addEventListener("DOMContentLoaded", () => {
  window.ipc.postMessage("dom-content-loaded");
  requestAnimationFrame(() => requestAnimationFrame(() => window.ipc.postMessage("painted")));
});
</script></body></html>"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stay_open = std::env::var_os("BASELINE_STAY_OPEN").is_some();
    bare_webview::run(
        "Start-up baseline",
        "baseline",
        |_request| {
            Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec().into())
                .unwrap_or_default()
        },
        move |what| {
            println!("{what} at {} ms since the epoch", bare_webview::epoch_ms());
            what == "painted" && !stay_open
        },
    )
}
