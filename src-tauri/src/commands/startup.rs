//! Start-up timing. The window says when it first drew the catalog; the footprint benchmark
//! (`.ci/measure-startup.sh`) reads the moment from stdout with `LAMINA_STARTUP_PROBE` set, and
//! the log keeps it otherwise.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Called first thing in `run()`: the in-process part of the start-up time is measured from here.
pub fn mark_process_start() {
    STARTED.get_or_init(Instant::now);
}

/// The catalog's first frame is on screen (once per process; later calls do nothing).
#[tauri::command]
#[specta::specta]
pub fn first_paint(app: tauri::AppHandle) {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let since_start = STARTED.get().map_or(0, |t| t.elapsed().as_millis());
    tracing::info!(since_start_ms = since_start, "first paint of the catalog");
    let Some(probe) = std::env::var_os("LAMINA_STARTUP_PROBE") else {
        return;
    };
    // Wall-clock, so the benchmark can measure from before exec (dynamic linking included).
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    println!("first paint at {epoch_ms} ms since the epoch ({since_start} ms after main)");
    if probe == "exit" {
        app.exit(0);
    }
}
