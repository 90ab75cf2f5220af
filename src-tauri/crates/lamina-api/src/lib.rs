//! The wire of Lamina Desktop: typed models, one shared HTTP client with a request budget, the
//! error taxonomy, input validation and webhook signature verification. No Tauri, no database,
//! no UI knowledge: the core, the CLI and the desktop app all sit on top of this crate.

// `ApiError` (~130 bytes: kind, message, detail, code, request id) is this crate's one error type,
// returned by value throughout its public API; boxing it would only complicate every caller, and
// its size is nothing next to the HTTP round trip behind every `Err`.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod brand;
pub mod budget;
pub mod client;
pub mod content;
pub mod error;
pub mod key;
pub mod models;
pub mod optional;
pub mod probe;
pub mod publishing;
mod sse;
pub mod templates;
pub mod validate;
pub mod webhook;

pub use assets::{Asset, AssetFilter};
pub use brand::{BrandContext, BrandDna, BrandGuidance, BrandItem, BrandQuery, ToneSpectrum};
pub use budget::{BudgetConfig, RequestBudget};
pub use client::{ApiGeneration, ClientConfig, LaminaClient, OUT_OF_CREDITS, error_chain};
pub use content::{
    BatchContentItem, BatchContentRequest, BatchContentStarted, ContentRequest, ContentScore,
    ContentStarted, MAX_BATCH_ITEMS, ScoreRequest,
};
pub use error::{ApiError, ApiErrorKind, FieldError};
pub use key::ApiKey;
pub use models::*;
pub use optional::{EndpointMemory, EndpointStatus, OptionalEndpoint};
pub use probe::ProbeAnswer;
pub use publishing::{
    Channel, ChannelResult, HistoryFilter, MediaType, PublishOutcome, PublishRecord,
    PublishRequest, PublishStatus, TransferRequest, TransferredAsset,
};
pub use templates::{CompositionPart, Template, TemplateGuidance};
pub use validate::validate_inputs;

/// The production service.
pub const DEFAULT_BASE_URL: &str = "https://app.uselamina.ai";
