//! Tauri commands: thin, typed translations between IPC and `lamina-core`.

pub mod account;
pub mod apps;
pub mod batch;
pub mod batch_folder;
pub mod content;
pub mod delivery;
pub mod doctor;
pub mod files;
pub mod history;
pub mod link_preview;
pub mod offered;
pub mod post_link;
pub mod presets;
pub mod publishing;
pub mod runs;
pub mod startup;
pub mod storage;
pub mod usage;
