fn main() {
    // tauri-build emits no rerun-if-changed for a custom capabilities path.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let manifest = tauri_build::AppManifest::new().commands(lamina_desktop_commands());
    if let Err(error) = tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(manifest),
    ) {
        println!("cargo:warning=tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}

/// The app's command allow-list (every command the UI may call; anything else is refused).
fn lamina_desktop_commands() -> &'static [&'static str] {
    &[
        "account_status",
        "connect_account",
        "use_demo",
        "forget_key",
        "list_apps",
        "get_app",
        "start_run",
        "list_runs",
        "get_run",
        "last_inputs",
        "search_runs",
        "gallery",
        "history_apps",
        "set_starred",
        "find_unknown_run",
        "link_unknown_run",
        "mark_run_not_started",
        "save_outputs",
        "copy_image",
        "copy_text",
        "reveal_output",
        "connection_status",
        "reconnect",
        "first_paint",
        "startup_state",
        "save_first_screen",
        "delivery_status",
        "set_delivery_settings",
        "recent_deliveries",
        "send_test_delivery",
        "account_usage",
        "check_connection",
        "pick_batch_file",
        "pick_batch_folder",
        "preview_batch",
        "start_batch",
        "list_batches",
        "get_batch",
        "pause_batch",
        "resume_batch",
        "cancel_batch_rest",
        "retry_batch_failed",
        "batch_export_name",
        "export_batch",
        "list_presets",
        "save_preset",
        "update_preset",
        "apply_preset",
        "rename_preset",
        "delete_preset",
        "describe_create",
        "describe_batch",
        "content_run",
        "content_scores",
        "list_templates",
        "template",
        "brand_context",
        "publishing_channels",
        "caption_for_run",
        "publish",
        "publishing_history",
        "link_preview",
        "open_post_link",
        "storage_settings",
        "save_storage_settings",
        "forget_storage",
        "test_storage",
        "upload_file_bytes",
        "choose_upload_file",
        "upload_status",
        "input_from_output",
        "run_input_files",
    ]
}
