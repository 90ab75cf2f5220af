// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("Lamina Desktop {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Some("--help" | "-h") => {
            println!(
                "Lamina Desktop {}\n\nUsage: lamina-desktop\n\nOpens the app window. For scripts and servers, use lamina-cli.",
                env!("CARGO_PKG_VERSION")
            );
            return;
        }
        _ => {}
    }
    // GTK gives up with a panic when there is no display; say it in plain words instead.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "Lamina Desktop needs a graphical session: neither DISPLAY nor WAYLAND_DISPLAY is set."
        );
        std::process::exit(1);
    }
    lamina_desktop::run();
}
