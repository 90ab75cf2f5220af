//! The floor for start-up on this machine: a bare wry web view (what every Tauri app is built on)
//! loading a hello-world page over a custom protocol, as tauri-apps/benchmark_results measures it.
//! It prints the wall-clock moments of DOMContentLoaded and of its first painted frame (two
//! animation frames, the convention the app's own probe uses), then exits, unless
//! `BASELINE_STAY_OPEN` is set: then it stays open (idle) until killed, for the idle RSS reading.
//! `.ci/bench-footprint.sh` runs it beside the app, in the same session, with the same drawing
//! choice (`lamina_desktop::rendering`).

use std::time::{SystemTime, UNIX_EPOCH};

use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::window::WindowBuilder;
use wry::WebViewBuilder;
use wry::http::Response;

const PAGE: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>Hello</title></head>
<body><h1>Hello world</h1><script>
document.addEventListener("DOMContentLoaded", () => {
  window.ipc.postMessage("dom-content-loaded");
  requestAnimationFrame(() => requestAnimationFrame(() => window.ipc.postMessage("painted")));
});
</script></body></html>"#;

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let event_loop = EventLoopBuilder::<()>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let stay_open = std::env::var_os("BASELINE_STAY_OPEN").is_some();
    let window = WindowBuilder::new()
        .with_title("Start-up baseline")
        .with_inner_size(tao::dpi::LogicalSize::new(1200.0, 800.0))
        .build(&event_loop)?;
    let builder = WebViewBuilder::new()
        .with_custom_protocol("baseline".into(), |_id, _request| {
            Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec().into())
                .unwrap_or_default()
        })
        .with_url("baseline://localhost/")
        .with_ipc_handler(move |message| {
            let what = message.body();
            println!("{what} at {} ms since the epoch", epoch_ms());
            if what == "painted" && !stay_open {
                let _ = proxy.send_event(());
            }
        });
    #[cfg(target_os = "linux")]
    let _webview = {
        use tao::platform::unix::WindowExtUnix;
        use wry::{WebViewBuilderExtUnix, WebViewExtUnix};
        let vbox = window
            .default_vbox()
            .ok_or("the window has no GTK container")?;
        let webview = builder.build_gtk(vbox)?;
        if lamina_desktop::rendering::draw_on_cpu() {
            lamina_desktop::rendering::draw_without_compositing(&webview.webview());
        }
        webview
    };
    #[cfg(not(target_os = "linux"))]
    let _webview = builder.build(&window)?;

    event_loop.run(move |event, _, control_flow| {
        *control_flow = ControlFlow::Wait;
        match event {
            Event::UserEvent(()) => *control_flow = ControlFlow::Exit,
            Event::WindowEvent {
                event: WindowEvent::CloseRequested,
                ..
            } => *control_flow = ControlFlow::Exit,
            _ => {}
        }
    });
}
