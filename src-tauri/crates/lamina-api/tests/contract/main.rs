//! Contract tests of `lamina-api` against the real sandbox server over HTTP.
//!
//! One test binary (so the sandbox is linked once), split by theme:
//! - `endpoints`: every endpoint in both path generations, validation, wait, stream, lists,
//!   a wrong key;
//! - `faults`: every injected fault kind mapped to its typed error, and the run-start POST never
//!   repeated;
//! - `budget`: a burst kept under the service's rate limit;
//! - `content`: issue 18's content, assets, templates, brand and publishing endpoints;
//! - `webhooks`: signing keys and a signed delivery verified by `WebhookVerifier`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod budget;
mod common;
mod content;
mod endpoints;
mod faults;
mod optional;
mod webhooks;
