//! Writes the TypeScript bindings of the app's commands and events (`make bindings`).

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ui/src/lib/backend/bindings.ts".into());
    if let Err(error) = lamina_desktop::export_bindings(&path) {
        eprintln!("error: cannot export bindings to {path}: {error}");
        std::process::exit(1);
    }
    println!("wrote {path}");
}
