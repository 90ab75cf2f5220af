//! "Not offered by this service" answers of the Describe and Publishing commands, one concrete
//! type per payload: the bindings generator loses the type argument of a generic enum, so
//! `lamina_core::Offered<T>` is spelled out here for each `T`.

use lamina_api::OptionalEndpoint;
use lamina_core::Offered;
use lamina_core::content::{BrandView, ContentRunView, ContentScores, TemplateView};
use lamina_core::publishing::{ChannelView, PublishView};
use serde::{Deserialize, Serialize};

macro_rules! offered_type {
    ($(#[$doc:meta])* $name:ident, $payload:ty) => {
        $(#[$doc])*
        // Built once per command answer and serialised at once: boxing buys nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
        #[serde(tag = "state", rename_all = "camelCase")]
        pub enum $name {
            /// The service answered.
            Offered { value: $payload },
            /// The service has no such endpoint; `message` says so in plain words.
            #[serde(rename_all = "camelCase")]
            NotOffered {
                endpoint: Option<OptionalEndpoint>,
                message: String,
            },
        }

        impl From<Offered<$payload>> for $name {
            fn from(offered: Offered<$payload>) -> Self {
                match offered {
                    Offered::Offered { value } => Self::Offered { value },
                    Offered::NotOffered { endpoint, message } => {
                        Self::NotOffered { endpoint, message }
                    }
                }
            }
        }
    };
}

offered_type!(
    /// A content run started from a brief, or "not offered".
    OfferedContentRun,
    ContentRunView
);
offered_type!(
    /// Content runs started from briefs, or "not offered".
    OfferedContentRuns,
    Vec<ContentRunView>
);
offered_type!(
    /// A run's scores (`null` until its outputs exist or when none are scored).
    OfferedScores,
    Option<ContentScores>
);
offered_type!(OfferedTemplates, Vec<TemplateView>);
offered_type!(OfferedTemplate, TemplateView);
offered_type!(OfferedBrand, BrandView);
offered_type!(OfferedChannels, Vec<ChannelView>);
offered_type!(
    /// The publishes made (one per image or video), or "not offered".
    OfferedPublishes,
    Vec<PublishView>
);
