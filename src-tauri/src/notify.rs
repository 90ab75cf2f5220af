//! OS notifications and the dock/taskbar badge, sent from Rust (the web view has no notification
//! permission). What to say and when is decided in `lamina_core::notify` (unit-tested there);
//! this module only looks at the window's focus and hands the result to the OS.
//!
//! The badge uses `WebviewWindow::set_badge_count`: a number on the macOS dock icon and on
//! Linux launchers that support the Unity LauncherEntry API (GNOME with Dash to Dock, KDE);
//! elsewhere on Linux, and on Windows (which only takes an overlay icon), it does nothing.

use std::sync::Mutex;

use lamina_core::RunRecord;
use lamina_core::notify::{Notice, RunWatch, batch_notice};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Managed state: the runs in flight this session has seen.
#[derive(Debug, Default)]
pub struct Notifier {
    watch: Mutex<RunWatch>,
}

/// A committed run change: notify if it just finished or failed while the window is not
/// focused, and update the badge.
pub fn run_updated<R: Runtime>(app: &AppHandle<R>, record: &RunRecord) {
    let focused = window_focused(app);
    let Some(notifier) = app.try_state::<Notifier>() else {
        return;
    };
    let (notice, in_flight) = {
        let mut watch = notifier.watch.lock().unwrap_or_else(|p| p.into_inner());
        let notice = watch.observe(record, focused);
        (notice, watch.in_flight())
    };
    if let Some(notice) = notice {
        show(app, &notice);
    }
    set_badge(app, in_flight);
}

/// For the batch screen: a batch ended (`succeeded` + `failed` runs).
pub fn batch_finished<R: Runtime>(app: &AppHandle<R>, name: &str, succeeded: usize, failed: usize) {
    if let Some(notice) = batch_notice(name, succeeded, failed, window_focused(app)) {
        show(app, &notice);
    }
}

fn window_focused<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        // No window to look at: the person is not looking at the app.
        .unwrap_or(false)
}

fn show<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    if let Err(error) = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show()
    {
        tracing::info!(%error, "could not show a notification");
    }
}

fn set_badge<R: Runtime>(app: &AppHandle<R>, in_flight: usize) {
    if let Some(window) = app.get_webview_window("main") {
        let count = (in_flight > 0).then(|| i64::try_from(in_flight).unwrap_or(i64::MAX));
        if let Err(error) = window.set_badge_count(count) {
            tracing::debug!(%error, "this platform shows no badge");
        }
    }
}
