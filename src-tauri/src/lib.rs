//! Lamina Desktop: builder wiring only. Commands live in `commands/`, the service connection in
//! `session`, images in `media`; the product logic is in `lamina-core`.

pub mod batches;
mod commands;
pub mod desktop_font;
mod error;
pub mod first_screen;
mod media;
mod navigation;
pub mod notify;
pub mod rendering;
mod session;
mod updates;

use tauri::Manager;
use tauri_specta::Event;
use tauri_specta::{Builder, collect_commands, collect_events};

/// The logic behind the run-start and storage commands, for the tests that drive it.
pub use commands::{runs, storage};
pub use error::{AppError, AppErrorKind};
pub use session::{
    AccountStatus, BatchSink, ConnectionChanged, ConnectionSink, Mode, RunSink, RunUpdated, Session,
};

/// The typed IPC surface; also what `export-bindings` writes as TypeScript.
fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::account::account_status,
            commands::account::connect_account,
            commands::account::use_demo,
            commands::account::forget_key,
            commands::apps::list_apps,
            commands::apps::get_app,
            commands::runs::start_run,
            commands::runs::list_runs,
            commands::runs::get_run,
            commands::runs::last_inputs,
            commands::history::search_runs,
            commands::history::gallery,
            commands::history::history_apps,
            commands::history::set_starred,
            commands::history::find_unknown_run,
            commands::history::link_unknown_run,
            commands::history::mark_run_not_started,
            commands::files::save_outputs,
            commands::files::copy_image,
            commands::files::copy_text,
            commands::files::reveal_output,
            commands::account::connection_status,
            commands::account::reconnect,
            commands::startup::first_paint,
            commands::startup::startup_state,
            commands::startup::save_first_screen,
            commands::delivery::delivery_status,
            commands::delivery::set_delivery_settings,
            commands::delivery::recent_deliveries,
            commands::delivery::send_test_delivery,
            commands::usage::account_usage,
            commands::doctor::check_connection,
            commands::batch::pick_batch_file,
            commands::batch_folder::pick_batch_folder,
            commands::batch::preview_batch,
            commands::batch::start_batch,
            commands::batch::list_batches,
            commands::batch::get_batch,
            commands::batch::pause_batch,
            commands::batch::resume_batch,
            commands::batch::cancel_batch_rest,
            commands::batch::retry_batch_failed,
            commands::batch::batch_export_name,
            commands::batch::export_batch,
            commands::presets::list_presets,
            commands::presets::save_preset,
            commands::presets::update_preset,
            commands::presets::apply_preset,
            commands::presets::rename_preset,
            commands::presets::delete_preset,
            commands::content::describe_create,
            commands::content::describe_batch,
            commands::content::content_run,
            commands::content::content_scores,
            commands::content::list_templates,
            commands::content::template,
            commands::content::brand_context,
            commands::publishing::publishing_channels,
            commands::publishing::caption_for_run,
            commands::publishing::publish,
            commands::publishing::publishing_history,
            commands::link_preview::link_preview,
            commands::post_link::open_post_link,
            commands::storage::storage_settings,
            commands::storage::save_storage_settings,
            commands::storage::forget_storage,
            commands::storage::test_storage,
            commands::storage::upload_file_bytes,
            commands::storage::choose_upload_file,
            commands::storage::upload_status,
            commands::storage::input_from_output,
            commands::storage::run_input_files,
        ])
        .events(collect_events![
            RunUpdated,
            ConnectionChanged,
            commands::delivery::DeliveryLogged,
            batches::BatchUpdated,
            commands::publishing::PublishUpdated,
            commands::storage::UploadProgressed
        ])
        // Sizes, indexes and counts here are far below 2^53.
        .dangerously_cast_bigints_to_number()
}

/// Writes the TypeScript bindings (checked for drift in CI).
pub fn export_bindings(path: &str) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default()
        .header("// Generated from Rust by `make bindings`. Do not edit.\n/* eslint-disable */");
    specta_builder()
        .export(typescript, path)
        .map_err(|e| e.to_string())
}

/// The app's data folder: `LAMINA_DATA_DIR` (tests, benchmarks) or the platform's app data folder.
fn app_data_dir<R: tauri::Runtime>(app: &tauri::App<R>) -> tauri::Result<std::path::PathBuf> {
    match std::env::var_os("LAMINA_DATA_DIR") {
        Some(dir) => Ok(dir.into()),
        None => app.path().app_data_dir(),
    }
}

pub fn run() {
    commands::startup::mark_process_start();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LAMINA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let builder = specta_builder();
    let mut context: tauri::Context<tauri::Wry> = tauri::generate_context!("tauri.conf.json");
    let first_screen = std::sync::Arc::new(first_screen::FirstScreenStore::default());
    first_screen::WithFirstScreen::install(&mut context, first_screen.clone());
    let updates_on = updates::configured(context.config());
    let mut tauri_builder = tauri::Builder::default();
    if updates_on {
        tauri_builder = tauri_builder.plugin(tauri_plugin_updater::Builder::new().build());
    }
    let result = tauri_builder
        .plugin(navigation::guard())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::handle)
        .setup(move |app| {
            if let Some(window) = app.get_webview_window("main") {
                rendering::prefer_cpu_drawing_without_gpu(&window);
                rendering::cache_as_one_document(&window);
            }
            builder.mount_events(app);
            let app_data = app_data_dir(app)?;
            first_screen.set_dir(app_data.clone());
            if let Some(window) = app.get_webview_window("main") {
                rendering::match_background_to_theme(&window, first_screen.saved_theme());
            }
            app.manage(first_screen);
            // Managed before the window can call anything.
            let window_events = app.handle().clone();
            app.manage(notify::Notifier::default());
            app.manage(commands::storage::Uploads::new(app.handle().clone()));
            app.manage(commands::batch_folder::BatchSources::default());
            let sink: session::RunSink = std::sync::Arc::new(move |record| {
                notify::run_updated(&window_events, &record);
                if let Err(error) = RunUpdated(record).emit(&window_events) {
                    tracing::warn!(%error, "could not notify the window");
                }
            });
            let connection_events = app.handle().clone();
            let connection_sink: session::ConnectionSink = std::sync::Arc::new(move |change| {
                if let Err(error) = change.emit(&connection_events) {
                    tracing::warn!(%error, "could not notify the window");
                }
            });
            let delivery_events = app.handle().clone();
            let delivery_sink: session::DeliverySink = std::sync::Arc::new(move |entry| {
                if let Err(error) = commands::delivery::DeliveryLogged(entry).emit(&delivery_events)
                {
                    tracing::warn!(%error, "could not notify the window");
                }
            });
            let batch_events = app.handle().clone();
            let notified = std::sync::Mutex::new(std::collections::HashSet::new());
            let batch_sink: session::BatchSink = std::sync::Arc::new(move |progress| {
                let finished = progress.state == Some(lamina_core::batch::BatchState::Finished);
                // One notice per batch, however many "finished" updates follow.
                if finished
                    && notified
                        .lock()
                        .is_ok_and(|mut seen| seen.insert(progress.batch_id.clone()))
                {
                    let handle = batch_events.clone();
                    let ended = progress.clone();
                    tauri::async_runtime::spawn(async move {
                        let name = match handle.state::<Session>().batches().await {
                            Ok((workspace, _)) => workspace
                                .store()
                                .batch(&ended.batch_id)
                                .ok()
                                .flatten()
                                .map(|summary| summary.name),
                            Err(_) => None,
                        };
                        notify::batch_finished(
                            &handle,
                            name.as_deref().unwrap_or("Batch"),
                            ended.completed as usize,
                            ended.failed as usize,
                        );
                    });
                }
                if let Err(error) = batches::BatchUpdated(progress).emit(&batch_events) {
                    tracing::warn!(%error, "could not notify the window");
                }
            });
            let publish_events = app.handle().clone();
            let publish_sink: commands::publishing::PublishSink =
                std::sync::Arc::new(move |publish| {
                    if let Err(error) =
                        commands::publishing::PublishUpdated(publish).emit(&publish_events)
                    {
                        tracing::warn!(%error, "could not notify the window");
                    }
                });
            let session = Session::new(app_data, sink)
                .with_publish_sink(publish_sink)
                .with_connection_sink(connection_sink)
                .with_delivery_sink(delivery_sink)
                .with_batch_sink(batch_sink)
                .with_batch_uploaders(commands::batch_folder::batch_uploaders(
                    app.handle().clone(),
                ));
            let guard = session.restore_guard();
            app.manage(session);
            if updates_on {
                updates::check_in_background(app.handle());
            }
            let probing = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                commands::startup::after_first_paint().await;
                probing.state::<Session>().probe_keychain_now().await;
            });
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _restoring = guard;
                let session = handle.state::<Session>();
                if let Err(error) = session.restore().await {
                    tracing::warn!(%error, "could not reopen the last workspace");
                }
            });
            Ok(())
        })
        .run(context);
    if let Err(error) = result {
        eprintln!("Lamina Desktop could not start: {error}");
        std::process::exit(1);
    }
}
