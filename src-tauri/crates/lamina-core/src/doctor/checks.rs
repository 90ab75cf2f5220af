//! The lines about the service itself: key, TLS, API generation, optional endpoints, rate limit
//! and clock. Each takes what the probes answered and says it in words.

use chrono::{DateTime, Utc};
use lamina_api::{ApiError, ApiGeneration, BudgetConfig, LaminaClient, ProbeAnswer};

use super::{
    AppsAnswer, CheckId, CheckLine, CheckStatus, EndpointFinding, OptionalEndpoint, Verdict,
};

/// Webhooks are refused when the clocks differ by more than 5 minutes.
pub const CLOCK_PROBLEM_S: i64 = 5 * 60;
/// A difference this large is worth fixing before it grows.
pub const CLOCK_WARNING_S: i64 = 60;
/// A run id no service has: its answer tells whether a by-id endpoint exists at all.
const MADE_UP_RUN: &str = "00000000-0000-4000-8000-00000000d0c7";

/// How the service took the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyOutcome {
    Accepted,
    Refused,
    /// Busy (429): the key was neither accepted nor refused.
    Undecided,
    Unreachable,
}

pub(crate) struct KeyResult {
    pub line: CheckLine,
    pub accepted: bool,
    pub outcome: KeyOutcome,
}

pub(crate) fn describe(answer: &ProbeAnswer) -> String {
    let mut text = format!(
        "GET {} → {} {} in {} ms",
        answer.path,
        answer.status,
        answer
            .content_type
            .as_deref()
            .unwrap_or("(no content type)"),
        answer.elapsed_ms
    );
    if let Some(id) = &answer.request_id {
        text.push_str(&format!(" (request id {id})"));
    }
    text
}

fn body_snippet(answer: &ProbeAnswer) -> String {
    let flat: String = answer
        .body_prefix
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    flat.trim().to_owned()
}

/// Whether an apps list answer is this generation speaking (its JSON, even a refusal of the key).
fn speaks(answer: &Result<ProbeAnswer, ApiError>) -> bool {
    answer.as_ref().is_ok_and(|a| {
        a.is_json() && ((200..300).contains(&a.status) || matches!(a.status, 401 | 403 | 429))
    })
}

/// The generation to use: the configured one when it answers, else the other one when it does.
pub(crate) fn generation_in_use(
    first: &AppsAnswer,
    second: Option<&AppsAnswer>,
) -> Option<ApiGeneration> {
    if speaks(&first.answer) {
        return Some(first.generation);
    }
    second.filter(|s| speaks(&s.answer)).map(|s| s.generation)
}

pub(crate) fn key_line(main: &AppsAnswer, last_four: Option<&str>) -> KeyResult {
    let which = match last_four {
        Some(last) => format!("your key (the one ending in {last})"),
        None => "the demo workspace's key".to_owned(),
    };
    let result = |status, outcome, message: String, detail: String| KeyResult {
        line: CheckLine::new(CheckId::Key, status, message, detail),
        accepted: outcome == KeyOutcome::Accepted,
        outcome,
    };
    let answer = match &main.answer {
        Ok(answer) => answer,
        Err(error) => {
            return result(
                CheckStatus::Problem,
                KeyOutcome::Unreachable,
                "Lamina can't be reached at this address. Check your internet connection and \
                 the address, then try again."
                    .into(),
                error.detail.clone(),
            );
        }
    };
    let detail = format!("{}: {}", describe(answer), body_snippet(answer));
    match answer.status {
        200..=299 if answer.is_json() => {
            let apps = answer
                .json()
                .and_then(|v| v.get("data").and_then(|d| d.as_array()).map(Vec::len));
            let detail = match apps {
                Some(n) => format!("{}: {n} app(s) on the first page", describe(answer)),
                None => describe(answer),
            };
            result(
                CheckStatus::Ok,
                KeyOutcome::Accepted,
                format!("Lamina accepts {which}."),
                detail,
            )
        }
        401 | 403 => result(
            CheckStatus::Problem,
            KeyOutcome::Refused,
            format!(
                "Lamina refused {which}. Copy your key again from your Lamina workspace \
                 settings and enter it again."
            ),
            detail,
        ),
        429 => result(
            CheckStatus::Warning,
            KeyOutcome::Undecided,
            "Lamina is busy and didn't check your key this time. Try again in a minute.".into(),
            detail,
        ),
        500..=599 => result(
            CheckStatus::Problem,
            KeyOutcome::Unreachable,
            "Lamina had a problem on its side and couldn't check your key. Try again in a few \
             minutes."
                .into(),
            detail,
        ),
        _ => result(
            CheckStatus::Problem,
            KeyOutcome::Unreachable,
            "Something answers at this address, but it isn't Lamina. Check the address.".into(),
            detail,
        ),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(crate) fn tls_line(base_url: &str, answer: &Result<ProbeAnswer, ApiError>) -> CheckLine {
    let line = |status, message: &str, detail: String| {
        CheckLine::new(CheckId::Tls, status, message, detail)
    };
    let Ok(url) = url::Url::parse(base_url) else {
        return line(
            CheckStatus::Problem,
            "This address isn't a web address. Check it.",
            base_url.to_owned(),
        );
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    match (url.scheme(), answer) {
        ("https", Ok(_)) => line(
            CheckStatus::Ok,
            "Your connection to Lamina is encrypted.",
            format!("https://{host}: TLS handshake completed, certificate trusted"),
        ),
        ("https", Err(error)) => {
            let text = error.detail.to_ascii_lowercase();
            if ["certificate", "tls", "handshake", "ssl"]
                .iter()
                .any(|w| text.contains(w))
            {
                line(
                    CheckStatus::Problem,
                    "The service's security certificate isn't trusted, so nothing was sent. \
                     Check the address, or ask your network administrator.",
                    error.detail.clone(),
                )
            } else {
                line(
                    CheckStatus::Skipped,
                    "Encryption is checked once the service answers.",
                    error.detail.clone(),
                )
            }
        }
        _ if is_loopback(&url) => line(
            CheckStatus::Ok,
            "This service runs on this computer (like the demo workspace), so it needs no \
             encryption.",
            format!("http://{host}: loopback address, plain HTTP"),
        ),
        _ => line(
            CheckStatus::Warning,
            "The connection isn't encrypted, so others on the network could read your key. \
             Use an address that starts with https://.",
            format!("http://{host}: plain HTTP to another computer"),
        ),
    }
}

fn generation_name(generation: ApiGeneration) -> &'static str {
    match generation {
        ApiGeneration::V1 => "the current Lamina API (/v1)",
        ApiGeneration::Legacy => "the older Lamina API (/api)",
    }
}

pub(crate) fn generation_line(
    configured: ApiGeneration,
    first: &AppsAnswer,
    second: Option<&AppsAnswer>,
) -> CheckLine {
    let mut detail: Vec<String> = Vec::new();
    for asked in std::iter::once(first).chain(second) {
        detail.push(match &asked.answer {
            Ok(answer) => describe(answer),
            Err(error) => error.detail.clone(),
        });
    }
    let detail = detail.join("\n");
    let both = speaks(&first.answer) && second.is_some_and(|s| speaks(&s.answer));
    match generation_in_use(first, second) {
        Some(g) if g == configured => {
            let also = if both {
                " It also answers the other one."
            } else {
                ""
            };
            CheckLine::new(
                CheckId::Generation,
                CheckStatus::Ok,
                format!("The service speaks {}.{also}", generation_name(g)),
                detail,
            )
        }
        Some(g) => CheckLine::new(
            CheckId::Generation,
            CheckStatus::Problem,
            format!(
                "The service only speaks {}. Choose it with --api {}.",
                generation_name(g),
                match g {
                    ApiGeneration::V1 => "v1",
                    ApiGeneration::Legacy => "legacy",
                }
            ),
            detail,
        ),
        None if first.answer.is_err() => CheckLine::new(
            CheckId::Generation,
            CheckStatus::Skipped,
            "Checked once the service answers.",
            detail,
        ),
        None => CheckLine::new(
            CheckId::Generation,
            CheckStatus::Problem,
            "The service answers neither Lamina API. Check the address.",
            detail,
        ),
    }
}

pub(crate) fn first_app_id(answer: &ProbeAnswer) -> Option<String> {
    let value = answer.json()?;
    let first = value.get("data")?.as_array()?.first()?.clone();
    first
        .get("appId")
        .or_else(|| first.get("id"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn endpoint_path(
    endpoint: OptionalEndpoint,
    generation: ApiGeneration,
    app_id: Option<&str>,
) -> String {
    let (prefix, runs) = match generation {
        ApiGeneration::V1 => ("v1", "runs"),
        ApiGeneration::Legacy => ("api", "executions"),
    };
    match endpoint {
        OptionalEndpoint::RunList => format!("/{prefix}/{runs}?limit=1"),
        OptionalEndpoint::Wait => format!("/{prefix}/{runs}/{MADE_UP_RUN}/wait?timeout=1"),
        OptionalEndpoint::Stream => format!("/{prefix}/{runs}/{MADE_UP_RUN}/stream"),
        // The usage endpoint only exists under /v1.
        OptionalEndpoint::Usage => "/v1/account/usage".into(),
        OptionalEndpoint::SigningKey => format!("/{prefix}/webhooks/signing-key"),
        OptionalEndpoint::Workflow => {
            format!("/{prefix}/apps/{}/workflow", app_id.unwrap_or(MADE_UP_RUN))
        }
        // Issue 18's endpoints exist only under /v1; the POST ones are never probed (see
        // `OptionalEndpoint::is_read`), their paths are listed for completeness.
        OptionalEndpoint::Content => "/v1/content/create".into(),
        OptionalEndpoint::ContentBatch => "/v1/content/batch".into(),
        OptionalEndpoint::Score => "/v1/content/score".into(),
        OptionalEndpoint::Assets => "/v1/assets?limit=1".into(),
        OptionalEndpoint::Templates => "/v1/templates".into(),
        OptionalEndpoint::BrandContext => "/v1/intelligence/brand-context".into(),
        OptionalEndpoint::PublishingChannels => "/v1/publishing/channels".into(),
        OptionalEndpoint::Publish => "/v1/publishing/publish".into(),
        OptionalEndpoint::PublishingHistory => "/v1/publishing/history?limit=1".into(),
        OptionalEndpoint::TransferAsset => "/v1/publishing/transfer-asset".into(),
    }
}

/// Whether an endpoint asked about a made-up run (or app) answers as if it exists.
fn by_id(endpoint: OptionalEndpoint) -> bool {
    matches!(
        endpoint,
        OptionalEndpoint::Wait | OptionalEndpoint::Stream | OptionalEndpoint::Workflow
    )
}

/// Offered: the documented JSON (or, for a made-up id, a JSON `NOT_FOUND` envelope: the route
/// exists). Missing: 404/405/501 otherwise, or a success that is not JSON. Otherwise unknown.
pub(crate) fn classify(
    endpoint: OptionalEndpoint,
    answer: &Result<ProbeAnswer, ApiError>,
) -> Option<bool> {
    let answer = answer.as_ref().ok()?;
    let success = (200..300).contains(&answer.status);
    if success && answer.is_json() {
        return Some(true);
    }
    if by_id(endpoint)
        && answer.status == 404
        && answer.is_json()
        && answer.error_code().as_deref() == Some("NOT_FOUND")
    {
        return Some(true);
    }
    if success || matches!(answer.status, 404 | 405 | 501) {
        return Some(false);
    }
    None
}

/// Probes each optional endpoint once; keeps the answers (the usage one carries the limit).
pub(crate) async fn probe_endpoints(
    client: &LaminaClient,
    generation: ApiGeneration,
    app_id: Option<&str>,
) -> Vec<(EndpointFinding, Option<ProbeAnswer>)> {
    let mut found = Vec::new();
    // A GET cannot ask a POST endpoint anything without changing something: those are learned
    // on first use.
    for endpoint in OptionalEndpoint::ALL.into_iter().filter(|e| e.is_read()) {
        let path = endpoint_path(endpoint, generation, app_id);
        let answer = client.probe(&path).await;
        let offered = classify(endpoint, &answer);
        // What the check learns is what the tracker, batches and credits go by from now on.
        match offered {
            Some(true) => client.endpoints().mark_offered(endpoint),
            Some(false) => client.endpoints().mark_missing(endpoint),
            None => {}
        }
        let verdict = match offered {
            Some(true) => "offered",
            Some(false) => "missing",
            None => "could not tell",
        };
        let detail = match &answer {
            Ok(a) => format!("{}: {verdict}", describe(a)),
            Err(e) => format!("GET {path}: {}: {verdict}", e.detail),
        };
        found.push((
            EndpointFinding {
                endpoint,
                offered,
                detail,
            },
            answer.ok(),
        ));
    }
    found
}

fn list_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(crate) fn endpoints_line(
    endpoints: &[(EndpointFinding, Option<ProbeAnswer>)],
    key_accepted: bool,
) -> CheckLine {
    if !key_accepted || endpoints.is_empty() {
        return CheckLine::new(
            CheckId::Endpoints,
            CheckStatus::Skipped,
            "Optional features are checked once Lamina accepts your key.",
            "",
        );
    }
    let detail = endpoints
        .iter()
        .map(|(f, _)| f.detail.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let named = |offered: Option<bool>| {
        endpoints
            .iter()
            .filter(|(f, _)| f.offered == offered)
            .map(|(f, _)| f.endpoint.describe())
            .collect::<Vec<_>>()
    };
    let (missing, unknown) = (named(Some(false)), named(None));
    if !unknown.is_empty() {
        return CheckLine::new(
            CheckId::Endpoints,
            CheckStatus::Warning,
            format!(
                "Lamina didn't say whether it offers {}. Try again in a minute.",
                list_words(&unknown)
            ),
            detail,
        );
    }
    let message = if missing.is_empty() {
        "The service offers every optional feature the app can use.".to_owned()
    } else {
        format!(
            "The service leaves out {}. That's fine: the app works without {}, checking on \
             runs every few seconds instead.",
            list_words(&missing),
            if missing.len() == 1 { "it" } else { "them" }
        )
    };
    CheckLine::new(CheckId::Endpoints, CheckStatus::Ok, message, detail)
}

fn window_words(window_ms: u64) -> String {
    match window_ms {
        60_000 => "minute".into(),
        3_600_000 => "hour".into(),
        ms if ms % 1000 == 0 => format!("{} seconds", ms / 1000),
        ms => format!("{ms} ms"),
    }
}

pub(crate) fn rate_limit_line(
    main: Option<&ProbeAnswer>,
    endpoints: &[(EndpointFinding, Option<ProbeAnswer>)],
    budget: &BudgetConfig,
) -> CheckLine {
    let usage = endpoints
        .iter()
        .find(|(f, _)| f.endpoint == OptionalEndpoint::Usage && f.offered == Some(true))
        .and_then(|(_, a)| a.as_ref()?.json());
    let from_usage = usage.as_ref().and_then(|v| {
        let limit = v.pointer("/data/rateLimit/limit")?.as_u64()?;
        let window = v.pointer("/data/rateLimit/windowMs")?.as_u64()?;
        Some((limit, window))
    });
    let header = main.and_then(|a| a.rate_limit.clone());
    let mut detail = Vec::new();
    if let Some(a) = main {
        detail.push(format!(
            "RateLimit-Limit: {}; RateLimit-Reset: {}",
            a.rate_limit.as_deref().unwrap_or("(not sent)"),
            a.rate_limit_reset.as_deref().unwrap_or("(not sent)")
        ));
    }
    if let Some((limit, window)) = from_usage {
        detail.push(format!(
            "usage rateLimit: {{limit: {limit}, windowMs: {window}}}"
        ));
    }
    let budget_words = format!(
        "{} requests every {}",
        budget.limit,
        window_words(u64::try_from(budget.window.as_millis()).unwrap_or(u64::MAX))
    );
    detail.push(format!("the app's own pace: {budget_words}"));
    let detail = detail.join("\n");
    let message = match (from_usage, header) {
        (Some((limit, window)), _) => format!(
            "Lamina allows {limit} requests every {}; the app paces itself to stay under it.",
            window_words(window)
        ),
        (None, Some(limit)) => format!(
            "Lamina announces a limit of {limit} requests; the app paces itself to stay under it."
        ),
        (None, None) if main.is_none() => {
            return CheckLine::new(
                CheckId::RateLimit,
                CheckStatus::Skipped,
                "The rate limit is checked once the service answers.",
                detail,
            );
        }
        (None, None) => format!(
            "The service doesn't announce a rate limit; the app keeps to {budget_words} anyway."
        ),
    };
    CheckLine::new(CheckId::RateLimit, CheckStatus::Ok, message, detail)
}

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc2822(text)
        .or_else(|_| DateTime::parse_from_rfc2822(&text.replace("GMT", "+0000")))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn seconds_words(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    if seconds < 120 {
        format!("{seconds} seconds")
    } else if seconds < 2 * 3600 {
        format!("{} minutes", (seconds + 30) / 60)
    } else {
        format!("{} hours", (seconds + 1800) / 3600)
    }
}

pub(crate) fn clock_line(main: Option<&ProbeAnswer>, local: DateTime<Utc>) -> CheckLine {
    let Some(date) = main.and_then(|a| a.date.clone()) else {
        let message = if main.is_some() {
            "The service doesn't say what time it is, so the clocks can't be compared."
        } else {
            "The clock is checked once the service answers."
        };
        return CheckLine::new(CheckId::Clock, CheckStatus::Skipped, message, "");
    };
    let Some(service) = parse_http_date(&date) else {
        return CheckLine::new(
            CheckId::Clock,
            CheckStatus::Skipped,
            "The service's time couldn't be read, so the clocks can't be compared.",
            format!("Date: {date}"),
        );
    };
    // The Date header drops the fraction of its second: half a second is its best guess.
    let difference_ms = (service - local).num_milliseconds() + 500;
    let difference = (difference_ms as f64 / 1000.0).round() as i64;
    let detail = format!(
        "Date: {date}; this computer: {}; difference {difference:+} s (the service minus this \
         computer)",
        local.format("%a, %d %b %Y %H:%M:%S%.3f GMT")
    );
    let side = if difference > 0 { "behind" } else { "ahead of" };
    let gap = seconds_words(difference);
    let (status, message) = if difference.abs() > CLOCK_PROBLEM_S {
        (
            CheckStatus::Problem,
            format!(
                "Your computer's clock is {gap} {side} Lamina's, so webhooks will be refused. \
                 Set your computer's clock automatically."
            ),
        )
    } else if difference.abs() > CLOCK_WARNING_S {
        (
            CheckStatus::Warning,
            format!(
                "Your computer's clock is {gap} {side} Lamina's. Set your computer's clock \
                 automatically before it drifts further (webhooks allow 5 minutes)."
            ),
        )
    } else {
        (
            CheckStatus::Ok,
            "Your computer's clock matches Lamina's.".to_owned(),
        )
    };
    CheckLine::new(CheckId::Clock, status, message, detail)
}

pub(crate) fn verdict(lines: &[CheckLine], key: KeyOutcome) -> Verdict {
    match key {
        KeyOutcome::Refused => return Verdict::KeyRefused,
        KeyOutcome::Unreachable => return Verdict::Unreachable,
        KeyOutcome::Accepted | KeyOutcome::Undecided => {}
    }
    if lines.iter().any(|l| l.status == CheckStatus::Problem) {
        Verdict::Problems
    } else if lines.iter().any(|l| l.status == CheckStatus::Warning) {
        Verdict::Warnings
    } else {
        Verdict::Healthy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The same `Result` the probe returns, built by hand.
    #[allow(clippy::result_large_err)]
    fn answer(status: u16, content_type: &str, body: &str) -> Result<ProbeAnswer, ApiError> {
        Ok(ProbeAnswer {
            path: "/x".into(),
            status,
            date: None,
            rate_limit: None,
            rate_limit_reset: None,
            content_type: Some(content_type.into()),
            body_prefix: body.into(),
            request_id: None,
            elapsed_ms: 1,
        })
    }

    #[test]
    fn endpoints_are_offered_missing_or_unknown() {
        let not_found = r#"{"error":{"code":"NOT_FOUND","message":"Run not found"}}"#;
        let json = "application/json";
        let wait = OptionalEndpoint::Wait;
        let list = OptionalEndpoint::RunList;
        assert_eq!(classify(wait, &answer(404, json, not_found)), Some(true));
        assert_eq!(
            classify(wait, &answer(404, "text/html", "Cannot GET /x")),
            Some(false)
        );
        assert_eq!(classify(wait, &answer(405, "text/plain", "")), Some(false));
        assert_eq!(classify(wait, &answer(501, json, "{}")), Some(false));
        assert_eq!(classify(list, &answer(404, json, not_found)), Some(false));
        assert_eq!(
            classify(list, &answer(200, json, r#"{"data":[]}"#)),
            Some(true)
        );
        assert_eq!(
            classify(list, &answer(200, "text/html", "<html>")),
            Some(false)
        );
        assert_eq!(classify(list, &answer(429, json, "{}")), None);
        assert_eq!(classify(list, &answer(503, json, "{}")), None);
    }

    #[test]
    fn clock_differences_have_their_thresholds() {
        let local = parse_http_date("Sun, 06 Dec 2026 02:00:00 GMT").unwrap();
        let at = |date: &str| {
            let mut a = answer(200, "application/json", "{}").unwrap();
            a.date = Some(date.into());
            clock_line(Some(&a), local)
        };
        assert_eq!(at("Sun, 06 Dec 2026 02:00:59 GMT").status, CheckStatus::Ok);
        let warning = at("Sun, 06 Dec 2026 01:58:30 GMT");
        assert_eq!(warning.status, CheckStatus::Warning);
        assert!(
            warning.message.contains("90 seconds ahead of"),
            "{}",
            warning.message
        );
        let problem = at("Sun, 06 Dec 2026 02:10:00 GMT");
        assert_eq!(problem.status, CheckStatus::Problem);
        assert!(
            problem.message.contains("10 minutes behind"),
            "{}",
            problem.message
        );
        assert!(
            problem
                .message
                .contains("Set your computer's clock automatically")
        );
        assert_eq!(clock_line(None, local).status, CheckStatus::Skipped);
    }

    #[test]
    fn plain_http_is_fine_only_on_this_computer() {
        let ok = answer(200, "application/json", "{}");
        assert_eq!(
            tls_line("http://127.0.0.1:8787", &ok).status,
            CheckStatus::Ok
        );
        assert_eq!(
            tls_line("http://localhost:8787", &ok).status,
            CheckStatus::Ok
        );
        assert_eq!(tls_line("http://[::1]:8787", &ok).status, CheckStatus::Ok);
        assert_eq!(
            tls_line("http://lamina.example", &ok).status,
            CheckStatus::Warning
        );
        assert_eq!(
            tls_line("https://app.uselamina.ai", &ok).status,
            CheckStatus::Ok
        );
        let refused = Err(ApiError::new(
            lamina_api::ApiErrorKind::Network,
            "GET /v1/apps: invalid peer certificate: UnknownIssuer",
        ));
        assert_eq!(
            tls_line("https://self.signed", &refused).status,
            CheckStatus::Problem
        );
    }
}
