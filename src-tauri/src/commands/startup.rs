//! Start-up: what the window shows first, in one answer, and how long it took. The window says when it first drew the catalog, with the page's own marks
//! (navigation, script, first answers); the footprint benchmark (`.ci/measure-startup.sh`) reads
//! them from stdout with `LAMINA_STARTUP_PROBE` set, and the log keeps them otherwise.

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tauri::State;

use super::apps::{self, AppCatalog};
use crate::error::AppError;
use crate::first_screen::{FirstScreen, FirstScreenStore};
use crate::session::{AccountStatus, Session};

/// How long the first screen waits for the live catalog before showing the saved one (the demo's
/// in-process service answers in a few milliseconds; a slow network should not hold the window).
const LIVE_CATALOG_WAIT: Duration = Duration::from_millis(200);

/// Everything the first screen needs, so the window draws it from a single answer.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupState {
    pub account: AccountStatus,
    /// The catalog to draw first: none when no workspace is open or none was ever seen.
    pub catalog: Option<AppCatalog>,
    /// False when `catalog` is the one saved last time (the window asks the service again).
    pub catalog_is_live: bool,
}

/// The account and, when a workspace is open, its catalog: live if the service answers within
/// [`LIVE_CATALOG_WAIT`], else the last one saved.
#[tauri::command]
#[specta::specta]
pub async fn startup_state(session: State<'_, Session>) -> Result<StartupState, AppError> {
    Ok(first_screen(&session).await)
}

async fn first_screen(session: &Session) -> StartupState {
    let account = session.status().await;
    let Ok(workspace) = session.workspace().await else {
        return StartupState {
            account,
            catalog: None,
            catalog_is_live: false,
        };
    };
    let (catalog, catalog_is_live) =
        match tokio::time::timeout(LIVE_CATALOG_WAIT, apps::catalog(&workspace, None)).await {
            Ok(Ok(catalog)) => {
                let live = !catalog.offline;
                (Some(catalog), live)
            }
            // Slow or refused: the saved catalog, if any; the window's own query takes it from there.
            _ => (
                apps::saved_catalog(&workspace).map(|apps| AppCatalog {
                    apps,
                    offline: false,
                }),
                false,
            ),
        };
    StartupState {
        account,
        catalog,
        catalog_is_live,
    }
}

/// Keeps the catalog's first frame as React drew it, for the next start (`None` forgets it: the
/// first screen is then not the catalog). Nothing crosses back: a failure only costs the next
/// start its head start.
#[tauri::command]
#[specta::specta]
pub fn save_first_screen(
    store: State<'_, std::sync::Arc<FirstScreenStore>>,
    screen: Option<FirstScreen>,
) {
    if let Err(error) = store.save(screen) {
        tracing::warn!(%error, "could not keep the first screen");
    }
}

static STARTED: OnceLock<(Instant, f64)> = OnceLock::new();
static FIRST_PAINT: FirstPaint = FirstPaint::new();
/// The longest start-up work waits for the first frame, for a first screen that never reports
/// one (onboarding, an error).
const FIRST_PAINT_WAIT: Duration = Duration::from_secs(2);

/// Whether the window has reported its first frame, and who waits for it.
struct FirstPaint {
    reported: AtomicBool,
    waiters: tokio::sync::Notify,
}

impl FirstPaint {
    const fn new() -> Self {
        Self {
            reported: AtomicBool::new(false),
            waiters: tokio::sync::Notify::const_new(),
        }
    }

    /// True the first time only.
    fn report(&self) -> bool {
        let first = !self.reported.swap(true, Ordering::SeqCst);
        if first {
            self.waiters.notify_waiters();
        }
        first
    }

    /// Returns once reported, or after `max`.
    async fn wait(&self, max: Duration) {
        // Created before the check, so a report in between still wakes it.
        let reported = self.waiters.notified();
        if self.reported.load(Ordering::SeqCst) {
            return;
        }
        let _ = tokio::time::timeout(max, reported).await;
    }
}

/// One moment of the page's start, in milliseconds since the page's time origin.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageMark {
    pub name: String,
    pub at_ms: f64,
}

/// The page's clock (`performance.timeOrigin`, ms since the epoch) and its marks in order.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageTimings {
    pub time_origin_ms: f64,
    pub marks: Vec<PageMark>,
}

/// Called first thing in `run()`: the in-process part of the start-up time is measured from here.
pub fn mark_process_start() {
    STARTED.get_or_init(|| (Instant::now(), epoch_ms()));
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Returns once the window has reported its first frame, or after `FIRST_PAINT_WAIT`: start-up
/// work the first screen doesn't need (asking the keychain whether it works, which may start a
/// Secret Service) waits for it, instead of taking the CPU while the first frame is drawn.
pub async fn after_first_paint() {
    FIRST_PAINT.wait(FIRST_PAINT_WAIT).await;
}

/// "navigation +412, script +780, …": each mark in ms after `main`, on the wall clock.
fn describe(timings: &PageTimings, main_epoch_ms: f64) -> String {
    let mut line = String::new();
    for mark in &timings.marks {
        let after_main = timings.time_origin_ms + mark.at_ms - main_epoch_ms;
        if !line.is_empty() {
            line.push_str(", ");
        }
        let _ = write!(line, "{} +{after_main:.0}", mark.name);
    }
    line
}

/// The catalog's first frame is on screen (once per process; later calls do nothing).
#[tauri::command]
#[specta::specta]
pub fn first_paint(app: tauri::AppHandle, timings: PageTimings) {
    if !FIRST_PAINT.report() {
        return;
    }
    let (since_start, main_epoch) = STARTED
        .get()
        .map_or((0, 0.0), |(at, epoch)| (at.elapsed().as_millis(), *epoch));
    let page = describe(&timings, main_epoch);
    tracing::info!(
        since_start_ms = since_start,
        page,
        "first paint of the catalog"
    );
    let Some(probe) = std::env::var_os("LAMINA_STARTUP_PROBE") else {
        return;
    };
    // Wall-clock, so the benchmark can measure from before exec (dynamic linking included).
    println!("page marks, ms after main: {page}");
    println!(
        "first paint at {:.0} ms since the epoch ({since_start} ms after main)",
        epoch_ms()
    );
    if probe == "exit" {
        app.exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_after_the_first_paint_waits_for_the_report_or_the_time_limit() {
        let signal = std::sync::Arc::new(FirstPaint::new());
        let waiting = tokio::spawn({
            let signal = signal.clone();
            async move { signal.wait(Duration::from_secs(60)).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "it waits for the report");
        assert!(signal.report());
        assert!(!signal.report(), "reported once only");
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken by the report, long before its time limit")
            .expect("no panic");
        // Already reported: no wait at all.
        tokio::time::timeout(Duration::from_secs(5), signal.wait(Duration::from_secs(60)))
            .await
            .expect("returns at once");
        // Never reported: the time limit ends the wait.
        let never = FirstPaint::new();
        let started = std::time::Instant::now();
        never.wait(Duration::from_millis(300)).await;
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn the_first_screen_has_the_demo_catalog_live_and_nothing_before_a_workspace() {
        let data = tempfile::tempdir().expect("temp dir");
        let session = Session::new(data.path().to_owned(), std::sync::Arc::new(|_| {}));
        let before = first_screen(&session).await;
        assert_eq!(before.account.mode, crate::Mode::None);
        assert!(before.catalog.is_none());

        session.start_demo().await.expect("demo starts");
        let first = first_screen(&session).await;
        assert_eq!(first.account.mode, crate::Mode::Demo);
        assert!(first.catalog_is_live);
        let catalog = first.catalog.expect("a catalog");
        assert!(!catalog.offline);
        assert!(
            catalog
                .apps
                .iter()
                .any(|app| app.app_id == lamina_sandbox::catalog::HERO_IMAGE)
        );
        // Saved for the next start, when the service may be slow or away.
        let workspace = session.workspace().await.expect("workspace");
        assert_eq!(
            apps::saved_catalog(&workspace).map(|apps| apps.len()),
            Some(catalog.apps.len())
        );
    }

    #[test]
    fn marks_are_told_in_ms_after_main_on_the_wall_clock() {
        let timings = PageTimings {
            time_origin_ms: 1_000_250.0,
            marks: vec![
                PageMark {
                    name: "navigation".into(),
                    at_ms: 0.0,
                },
                PageMark {
                    name: "painted".into(),
                    at_ms: 600.4,
                },
            ],
        };
        assert_eq!(
            describe(&timings, 1_000_000.0),
            "navigation +250, painted +850"
        );
    }
}
