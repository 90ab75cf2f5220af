//! Your own photos as inputs (issue 17): a `url` parameter must be a link the service can fetch,
//! and the API has no upload endpoint, so a local photo goes to storage the user owns (an
//! S3-compatible bucket) or, in the demo workspace, to the sandbox's built-in storage.
//!
//! The pieces, in the order a photo goes through them:
//! - [`settings`]: which storage, saved in SQLite `kv` (never the secret, which is in the keychain);
//! - [`prepare`]: sniff, refuse what is not an image, orientation applied, metadata removed,
//!   scaled down, re-encoded only when needed, named by its SHA-256;
//! - [`backend`]: the bucket itself (S3 signed by `rusty-s3`, requests on the shared client) or
//!   the built-in storage: HEAD (dedup), PUT with progress, links (presigned or public);
//! - [`uploads`]: the `uploads` journal in SQLite, the uploader, and resolving a run's inputs
//!   (`@file` / upload ids / expired links re-signed) before the run may start;
//! - [`reuse`]: outputs as inputs (hosted link while valid, else the archived copy uploaded);
//! - [`check`]: "Test storage", a typed report in plain words.

pub mod backend;
pub mod batch_files;
pub mod check;
mod heic;
pub mod prepare;
pub mod reuse;
pub mod settings;
pub mod uploads;

pub use backend::{Backend, BackendError, Link};
pub use check::{
    StorageCheck, StorageCheckStatus, StorageProblem, StorageStep, StorageTestReport, test_storage,
};
pub use prepare::{PrepareError, PrepareOptions, PreparedImage, prepare_bytes, prepare_image};
pub use reuse::{InputFromOutput, input_from_output};
pub use settings::{
    S3Settings, StorageKind, StorageSecretStore, StorageSettings, StorageSettingsInput,
    StorageSettingsView,
};
pub use uploads::{
    InputFile, UploadError, UploadProgress, UploadStage, UploadState, UploadTicket, Uploader,
};
