//! The wire of Lamina Desktop: typed models, one shared HTTP client with a request budget, the
//! error taxonomy, input validation and webhook signature verification. No Tauri, no database,
//! no UI knowledge: the core, the CLI and the desktop app all sit on top of this crate.

pub mod budget;
pub mod client;
pub mod error;
pub mod key;
pub mod models;
mod sse;
pub mod validate;
pub mod webhook;

pub use budget::{BudgetConfig, RequestBudget};
pub use client::{ApiGeneration, ClientConfig, LaminaClient};
pub use error::{ApiError, ApiErrorKind, FieldError};
pub use key::ApiKey;
pub use models::*;
pub use validate::validate_inputs;

/// The production service.
pub const DEFAULT_BASE_URL: &str = "https://app.uselamina.ai";
