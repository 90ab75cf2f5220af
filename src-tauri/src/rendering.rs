//! How the web view draws on Linux. WebKitGTK composites with OpenGL; on a computer without a GPU
//! (a VM, a remote desktop, CI) that GL is Mesa's llvmpipe, which compiles shaders on the CPU at
//! start-up and keeps extra threads busy, competing with the page's first render. Without a GPU
//! render node the window therefore draws without accelerated compositing (measured in the README:
//! the first paint of the catalog comes sooner). With a GPU, WebKit's default is kept.

/// Applies the choice to a freshly created window (before its page has painted).
pub fn prefer_cpu_drawing_without_gpu(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        if !draw_on_cpu() {
            return;
        }
        let applied = window.with_webview(|webview| draw_without_compositing(&webview.inner()));
        if let Err(error) = applied {
            tracing::warn!(%error, "could not choose how the window draws");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Tells WebKitGTK this is one document, not a browser: no back/forward page cache and small
/// in-memory resource caches in the web process (the app's page never navigates; its assets come
/// from the app itself in milliseconds). Lowers the idle memory of the web process.
pub fn cache_as_one_document(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
        let applied = window.with_webview(|webview| {
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(error) = applied {
            tracing::warn!(%error, "could not choose the web view's caches");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// True on Linux without a GPU, unless the user chose for WebKit (their choice wins either way),
/// or a WebDriver session drives the window: WebKitWebDriver's screenshots never return from a
/// web view drawing without compositing (WebKitGTK 2.50), and tauri-driver says so by
/// `TAURI_WEBVIEW_AUTOMATION=true`.
#[cfg(target_os = "linux")]
pub fn draw_on_cpu() -> bool {
    std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() != Ok("true")
        && !has_gpu_render_node()
}

/// Turns accelerated compositing off for one web view (also used by the start-up baseline).
#[cfg(target_os = "linux")]
pub fn draw_without_compositing(webview: &webkit2gtk::WebView) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = WebViewExt::settings(webview) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

/// A DRM render node (`/dev/dri/renderD128`, …) is what a GPU driver exposes to applications.
#[cfg(target_os = "linux")]
fn has_gpu_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}
