//! Whether the webhook receiver's public address reaches this computer: a GET of that address
//! must be answered by a Lamina Desktop receiver, and (when the running receiver is known) by
//! this very one, recognised by the random token it answers with.

use std::time::Duration;

use lamina_api::error_chain;
use serde::{Deserialize, Serialize};

use super::{CheckId, CheckLine, CheckStatus};
use crate::webhook::{DeliverySettings, RECEIVER_KIND, public_url};

/// A GET of the public address gives up after this long.
const REACH_TIMEOUT: Duration = Duration::from_secs(10);

/// The address the service posts webhooks to, and the token of the receiver that should answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachTarget {
    pub public_url: String,
    /// `None` when no receiver runs in this process (the CLI): any Lamina receiver will do.
    pub token: Option<String>,
}

impl ReachTarget {
    /// The saved delivery settings' public address, when webhooks are on and one is set (a bare
    /// origin gets the receiver's path, as the receiver itself does).
    pub fn from_settings(settings: &DeliverySettings, token: Option<String>) -> Option<Self> {
        let url = settings
            .public_url
            .as_deref()
            .filter(|_| settings.enabled)?;
        Some(Self {
            public_url: public_url(url).unwrap_or_else(|_| url.to_owned()),
            token,
        })
    }
}

pub(super) async fn reach_line(http: &reqwest::Client, target: Option<&ReachTarget>) -> CheckLine {
    let line = |status, message: &str, detail: String| {
        CheckLine::new(CheckId::Webhook, status, message, detail)
    };
    let Some(target) = target else {
        return line(
            CheckStatus::Skipped,
            "No public webhook address is set, so results arrive by checking on runs.",
            String::new(),
        );
    };
    let url = &target.public_url;
    let answer = http.get(url).timeout(REACH_TIMEOUT).send().await;
    let response = match answer {
        Ok(response) => response,
        Err(error) => {
            return line(
                CheckStatus::Problem,
                "Your webhook address can't be reached. Check that the tunnel or relay in front \
                 of this computer is running, then try again.",
                format!("GET {url}: {}", error_chain(&error)),
            );
        }
    };
    let status = response.status().as_u16();
    let body: Option<serde_json::Value> = response.json().await.ok();
    let kind = body.as_ref().and_then(|b| b.get("receiver")?.as_str());
    let token = body.as_ref().and_then(|b| b.get("token")?.as_str());
    let detail = format!(
        "GET {url} → {status}; receiver: {}; token {}",
        kind.unwrap_or("(none)"),
        match (&target.token, token) {
            (Some(expected), Some(got)) if expected == got => "matches this receiver",
            (Some(_), Some(_)) => "is another receiver's",
            (None, Some(_)) => "not compared (no receiver runs in this process)",
            (_, None) => "(none)",
        }
    );
    if kind != Some(RECEIVER_KIND) {
        return line(
            CheckStatus::Problem,
            "Your webhook address answers, but not from Lamina Desktop's receiver. Point the \
             tunnel at the receiver's port on this computer.",
            detail,
        );
    }
    match (&target.token, token) {
        (Some(expected), got) if got != Some(expected.as_str()) => line(
            CheckStatus::Problem,
            "Your webhook address leads to another copy of Lamina Desktop, not this one. Point \
             the tunnel at this computer.",
            detail,
        ),
        _ => line(
            CheckStatus::Ok,
            "Your webhook address reaches this computer.",
            detail,
        ),
    }
}
