//! The bare wry web view the start-up examples measure in (`startup_baseline.rs`,
//! `page_paint.rs`): a 1200×800 window, the page served over one custom protocol, drawn as the app
//! draws (`lamina_desktop::rendering`), each `window.ipc.postMessage` handed to the example.
//! Included by each example with `#[path]`: examples cannot share a module otherwise, and wry and
//! tao are dev-dependencies, so the app's library cannot hold it.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::window::WindowBuilder;
use wry::WebViewBuilder;
use wry::http::{Request, Response};

pub fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// Opens a window titled `title` on `<scheme>://localhost/`, each request of the page answered by
/// `serve`, and runs the event loop until `on_message` (called with each message the page posts)
/// returns `true` or the window is closed; the process then exits.
pub fn run(
    title: &str,
    scheme: &str,
    serve: impl Fn(Request<Vec<u8>>) -> Response<Cow<'static, [u8]>> + Send + Sync + 'static,
    on_message: impl Fn(&str) -> bool + 'static,
) -> Result<(), Box<dyn std::error::Error>> {
    let event_loop = EventLoopBuilder::<()>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let window = WindowBuilder::new()
        .with_title(title)
        .with_inner_size(tao::dpi::LogicalSize::new(1200.0, 800.0))
        .build(&event_loop)?;
    let builder = WebViewBuilder::new()
        .with_custom_protocol(scheme.into(), move |_id, request| serve(request))
        .with_url(format!("{scheme}://localhost/"))
        .with_ipc_handler(move |message| {
            if on_message(message.body()) {
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
