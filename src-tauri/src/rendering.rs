//! How the web view draws on Linux. WebKitGTK composites with OpenGL; on a computer without a GPU
//! (a VM, a remote desktop, CI) that GL is Mesa's llvmpipe, which compiles shaders on the CPU at
//! start-up and keeps extra threads busy, competing with the page's first render. Without a GPU
//! render node the window therefore draws without accelerated compositing (measured in the README:
//! the first paint of the catalog comes sooner). With a GPU, WebKit's default is kept. Also, on
//! every platform, the window's background before the page's first frame.

use crate::first_screen::ChosenTheme;

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

/// The page's background (`--bg` in ui/src/styles.css), light and dark.
const LIGHT_BACKGROUND: (u8, u8, u8) = (0xf7, 0xf7, 0xf8);
const DARK_BACKGROUND: (u8, u8, u8) = (0x11, 0x11, 0x13);

/// The colour the window shows before its page's first frame (and where a resize uncovers it
/// before the page redraws): the page's own background in the theme it will draw in, instead of
/// a white flash before a dark catalog.
pub fn background_for(chosen: Option<ChosenTheme>, system: tauri::Theme) -> (u8, u8, u8) {
    let dark = match chosen {
        Some(ChosenTheme::Dark) => true,
        Some(ChosenTheme::Light) => false,
        Some(ChosenTheme::System) | None => system == tauri::Theme::Dark,
    };
    if dark {
        DARK_BACKGROUND
    } else {
        LIGHT_BACKGROUND
    }
}

/// The system's light or dark, as the web view will see it (`prefers-color-scheme`).
fn system_theme(window: &tauri::WebviewWindow) -> tauri::Theme {
    // WebKitGTK also counts a `GTK_THEME=<name>:dark` override, which GTK's settings (and so
    // `window.theme()`) don't show.
    #[cfg(target_os = "linux")]
    if std::env::var("GTK_THEME").is_ok_and(|theme| theme.ends_with(":dark")) {
        return tauri::Theme::Dark;
    }
    window.theme().unwrap_or(tauri::Theme::Light)
}

/// Paints the window's background for the theme saved with the last first screen.
pub fn match_background_to_theme(window: &tauri::WebviewWindow, chosen: Option<ChosenTheme>) {
    let system = system_theme(window);
    let (r, g, b) = background_for(chosen, system);
    if let Err(error) = window.set_background_color(Some(tauri::window::Color(r, g, b, 255))) {
        tracing::warn!(%error, "could not paint the window's background");
    }
}

#[cfg(test)]
mod background_tests {
    use super::*;

    fn hex((r, g, b): (u8, u8, u8)) -> String {
        format!("--bg: #{r:02x}{g:02x}{b:02x};")
    }

    #[test]
    fn the_window_background_is_the_pages_in_the_theme_it_draws() {
        let css = include_str!("../../ui/src/styles.css");
        // The light token comes first (:root), the dark one in the dark blocks.
        let light = css.find("--bg: #").map(|at| &css[at..at + 14]);
        assert_eq!(light, Some(hex(LIGHT_BACKGROUND).as_str()));
        assert!(css.contains(&hex(DARK_BACKGROUND)));

        use tauri::Theme::{Dark, Light};
        assert_eq!(
            background_for(Some(ChosenTheme::Dark), Light),
            DARK_BACKGROUND
        );
        assert_eq!(
            background_for(Some(ChosenTheme::Light), Dark),
            LIGHT_BACKGROUND
        );
        assert_eq!(
            background_for(Some(ChosenTheme::System), Dark),
            DARK_BACKGROUND
        );
        assert_eq!(background_for(None, Dark), DARK_BACKGROUND);
        assert_eq!(background_for(None, Light), LIGHT_BACKGROUND);
    }
}
