//! A local, Lamina-compatible server ("sandbox") speaking the public API over real HTTP.
//!
//! It is both the desktop app's offline demo workspace (started in-process with [`start`]) and
//! the fixture of every integration test. It deliberately does **not** reuse `lamina-api`'s client
//! or webhook verification: only the wire models are shared, so contract tests catch mistakes on
//! either side.
//!
//! # What it serves
//! All three path generations of the API (`/v1/apps/{appId}/runs` + `/v1/runs/{id}`, the
//! intermediate `/v1/apps/{appId}/executions` + `/v1/executions/{id}`, and the legacy
//! `/api/apps/{appId}/executions` + `/api/executions/{id}`), long-poll `wait`, SSE `stream`, the
//! webhook signing key, account usage and the workflow graph. Run JSON carries `runId` on
//! `/v1/runs…`, both `runId` and `executionId` on `/v1/…/executions…`, and only `executionId` on
//! `/api/…`. Errors use the `/v1` envelope (`error, code, retryable, requestId`) or, on `/api`,
//! the older `{error[, details]}` shape (legacy 429s are plain text).
//!
//! Routes (auth with `x-api-key` or `Authorization: Bearer`; rate-limited per key):
//!
//! | generation | routes |
//! |---|---|
//! | `/v1` | `GET /v1/apps`, `GET /v1/apps/{appId}`, `GET /v1/apps/{appId}/workflow`, `POST /v1/apps/{appId}/runs`, `GET /v1/runs`, `GET /v1/runs/{id}` (+`/wait`, `/stream`), `GET /v1/webhooks/signing-key`, `GET /v1/account/usage` |
//! | intermediate | `POST /v1/apps/{appId}/executions`, `GET /v1/executions`, `GET /v1/executions/{id}` (+`/wait`, `/stream`) |
//! | legacy | `GET /api/apps`, `GET /api/apps/{appId}`, `GET /api/apps/{appId}/workflow`, `POST /api/apps/{appId}/executions`, `GET /api/executions`, `GET /api/executions/{id}` (+`/wait`, `/stream`), `GET /api/webhooks/signing-key` |
//! | no auth | `GET /files/{runId}/{index}.{ext}`, `GET /files/samples/{front,back,person,garment}.png`, `GET /_sandbox/stats`, `PUT /_sandbox/faults`, `PUT /_sandbox/mode`, `PUT`/`GET`/`HEAD /_sandbox/files/{sha256}.{ext}` |
//!
//! The rate limiter runs before authentication (like express-rate-limit mounted ahead of the
//! auth middleware), keyed by the presented key, or by client IP when none is sent, so every API
//! answer, 401s included, carries `RateLimit-*` headers. A stream opens with a `progress` event
//! for the current state (unless the run is already terminal).
//!
//! Sample apps and their ids are in [`catalog`].
//!
//! Runs follow a clock-driven timeline (queued ≈1 s, then running, outputs completing one after
//! another, then terminal); nothing runs per run except an optional webhook delivery task. Output
//! files are generated on first download and served from `GET /files/{runId}/{index}.{ext}`
//! (PNG, JPEG or WebP stills; the "video" output is a small **animated GIF** because no video
//! encoder is available, served as `image/gif`).
//!
//! # Fault injection
//! Rules come from [`FaultRule::parse_spec`], the CLI `--faults` flag, [`SandboxHandle::set_faults`]
//! or `PUT /_sandbox/faults` with `{"spec": "..."}`. The grammar:
//!
//! ```text
#![doc = include_str!("fault_grammar.txt")]
//! ```
//!
//! Control routes (no auth, no rate limit, not counted in `requestsTotal`, answered in minimal
//! mode too): `GET /_sandbox/stats`, `PUT /_sandbox/faults`, `PUT /_sandbox/mode`, and the
//! built-in storage `PUT`/`GET`/`HEAD /_sandbox/files/{name}` (name `<sha256 hex>.<ext>`, body
//! the bytes, up to 50 MB; answers `{"url": ...}`, 201 when new, 200 when already stored), kept
//! in [`SandboxConfig::storage_dir`] or in memory.

pub mod catalog;
pub mod cli;
mod config;
mod copy;
mod errors;
mod fault_responses;
mod faults;
mod files;
mod flavor;
mod images;
mod input_fetch;
mod middleware;
mod minimal;
mod ratelimit;
mod routes;
mod runs;
mod server;
mod state;
mod stats;
mod storage;
mod timeline;
mod webhooks;

pub use config::SandboxConfig;
pub use faults::{FAULT_SPEC_HELP, FaultKind, FaultRule};
pub use server::{SandboxHandle, start};
pub use stats::SandboxStats;

/// The API key the demo workspace accepts by default.
pub const DEMO_KEY: &str = "lma_demo_workspace_key";

/// The only workspace the sandbox knows; an `x-workspace-id` header must equal it.
pub const DEMO_WORKSPACE_ID: &str = "ws_demo";

/// The user every run is attributed to (sent as `X-Lamina-Webhook-User-Id`).
pub const DEMO_USER_ID: &str = "user_demo";

/// The `kid` of the single webhook signing key.
pub const SIGNING_KEY_ID: &str = "lamina-webhook-v1";
