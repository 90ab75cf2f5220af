//! The app window never leaves the app: a navigation to anything but the bundled UI (a dropped
//! link, a stray `<a href>`, a redirect) is cancelled, so no remote page is ever shown in a
//! window that has IPC. (Capabilities are local-only too, so such a page would get no commands.)

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let allowed = is_app_url(url, tauri::is_dev());
            if !allowed {
                tracing::warn!(%url, "blocked a navigation away from the app");
            }
            allowed
        })
        .build()
}

/// The bundled UI's origins: `tauri://localhost` (Linux, macOS) and `http(s)://tauri.localhost`
/// (Windows); with `tauri dev` also the Vite dev server.
pub fn is_app_url(url: &Url, dev: bool) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        ("http", Some("localhost")) => dev && url.port() == Some(1420),
        ("about", _) => url.path() == "blank",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_app_url;
    use tauri::Url;

    fn allowed(url: &str, dev: bool) -> bool {
        Url::parse(url).is_ok_and(|url| is_app_url(&url, dev))
    }

    #[test]
    fn the_bundled_ui_is_allowed() {
        assert!(allowed("tauri://localhost/", false));
        assert!(allowed("tauri://localhost/index.html#/history", false));
        assert!(allowed("http://tauri.localhost/", false));
        assert!(allowed("https://tauri.localhost/", false));
        assert!(allowed("about:blank", false));
        assert!(allowed("http://localhost:1420/", true));
    }

    #[test]
    fn anything_else_is_refused() {
        assert!(!allowed("https://uselamina.ai/", false));
        assert!(!allowed("https://evil.example/tauri.localhost", false));
        assert!(!allowed("http://tauri.localhost.evil.example/", false));
        assert!(!allowed("tauri://evil.example/", false));
        assert!(!allowed("http://localhost:1420/", false));
        assert!(!allowed("http://localhost:8787/files/x.png", true));
        assert!(!allowed("file:///etc/passwd", false));
        assert!(!allowed("lamina://localhost/abc/0", false));
        assert!(!allowed("javascript:alert(1)", false));
        assert!(!allowed("data:text/html,<script>1</script>", false));
    }
}
