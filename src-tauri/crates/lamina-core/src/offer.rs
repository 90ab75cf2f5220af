//! "Not offered by this service" as an answer, not an error: content creation, templates, brand
//! context and publishing are optional endpoints, and a screen built on one says so in words
//! while the rest of the app carries on.

use lamina_api::{ApiErrorKind, OptionalEndpoint};
use serde::{Deserialize, Serialize};

use crate::tracker::CoreError;

/// What a call on an optional endpoint gave. (The desktop app spells it out per payload for its
/// bindings, whose generator loses a generic enum's type argument.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Offered<T> {
    /// The service answered.
    Offered { value: T },
    /// The service has no such endpoint (found once, remembered).
    #[serde(rename_all = "camelCase")]
    NotOffered {
        /// Which endpoint (`content`, `publish`, ...).
        endpoint: Option<OptionalEndpoint>,
        /// In a shop owner's words: "This service doesn't offer publishing to your channels."
        message: String,
    },
}

impl<T> Offered<T> {
    pub fn offered(self) -> Option<T> {
        match self {
            Self::Offered { value } => Some(value),
            Self::NotOffered { .. } => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Offered<U> {
        match self {
            Self::Offered { value } => Offered::Offered { value: f(value) },
            Self::NotOffered { endpoint, message } => Offered::NotOffered { endpoint, message },
        }
    }

    pub fn not_offered(endpoint: OptionalEndpoint) -> Self {
        Self::NotOffered {
            endpoint: Some(endpoint),
            message: not_offered_message(endpoint),
        }
    }
}

/// "This Lamina service doesn't offer <what the endpoint gives>."
pub fn not_offered_message(endpoint: OptionalEndpoint) -> String {
    lamina_api::ApiError::unsupported(endpoint, "").message
}

/// Turns "the service has no such endpoint" into [`Offered::NotOffered`]; other failures stay
/// errors.
pub fn offered<T>(result: Result<T, CoreError>) -> Result<Offered<T>, CoreError> {
    match result {
        Ok(value) => Ok(Offered::Offered { value }),
        Err(error) => match &error {
            CoreError::Api(api) if matches!(api.kind, ApiErrorKind::Unsupported { .. }) => {
                // The API error's message already says what is missing, in plain words.
                Ok(Offered::NotOffered {
                    endpoint: api.unsupported_endpoint(),
                    message: api.message.clone(),
                })
            }
            _ => Err(error),
        },
    }
}
