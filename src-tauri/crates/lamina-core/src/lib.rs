//! The product logic of Lamina Desktop, shared by the desktop app and `lamina-cli`: run tracking
//! that never loses a run, the delivery strategy, SQLite history, the output cache and the
//! keychain. Knows nothing of Tauri or the UI.

pub mod batch;
pub mod credentials;
pub mod delivery;
pub mod doctor;
pub mod history;
pub mod link_preview;
pub mod notify;
pub mod outputs;
pub mod presets;
pub mod record;
pub mod storage;
pub mod store;
pub mod tracker;
pub mod webhook;
pub mod workspace;

pub use delivery::{DeliveryMode, PollCadence};
pub use history::{GalleryItem, GalleryPage, HistoryApp, HistoryPage, HistoryQuery};
pub use presets::{AppliedPreset, Preset, PresetError, PresetIssue, PresetIssueKind};
pub use record::{OutputRecord, RunError, RunRecord, RunState, StoredFile};
pub use store::{Store, StoreError};
pub use tracker::{CoreError, DeliveryEffect, RunCandidate, Tracker, TrackerConfig};
pub use workspace::{Workspace, WorkspaceConfig};

/// The desktop app's bundle identifier: names the keychain entry and the data folder, so the app
/// and the CLI share both.
pub const APP_IDENTIFIER: &str = "ai.uselamina.desktop";
