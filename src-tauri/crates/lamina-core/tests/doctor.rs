//! The connection check over real HTTP against the sandbox: a full service, a minimal one, a
//! wrong key, a dead port, clocks 90 s and 10 minutes off, and the webhook receiver's public
//! address leading (or not) to this computer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use lamina_api::{ApiKey, ClientConfig, LaminaClient};
use lamina_core::doctor::{
    CheckId, CheckStatus, DoctorInput, DoctorReport, KeyOrigin, OptionalEndpoint, ReachTarget,
    Verdict, check_connection,
};
use lamina_core::webhook::{DeliveryControl, DeliverySettings, KeySource};
use lamina_sandbox::{DEMO_KEY, SandboxConfig, SandboxHandle};

#[path = "common/webhook_workspace.rs"]
mod webhook_workspace;

fn client(base_url: &str, key: &str) -> LaminaClient {
    LaminaClient::new(ClientConfig::new(base_url, ApiKey::new(key))).unwrap()
}

fn from_env() -> KeyOrigin {
    KeyOrigin::Environment {
        variable: "LAMINA_API_KEY".into(),
    }
}

async fn check(base_url: &str, key: &str) -> DoctorReport {
    let report = check_connection(&DoctorInput::new(client(base_url, key), from_env())).await;
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains(key),
        "the key leaked into the report: {json}"
    );
    report
}

fn status(report: &DoctorReport, check: CheckId) -> CheckStatus {
    report.line(check).unwrap().status
}

fn statuses(report: &DoctorReport) -> Vec<(CheckId, CheckStatus)> {
    report.lines.iter().map(|l| (l.check, l.status)).collect()
}

async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    lamina_sandbox::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_service_is_healthy_and_every_optional_endpoint_is_offered() {
    let server = sandbox(SandboxConfig::default()).await;
    let report = check(&server.base_url(), DEMO_KEY).await;
    use CheckId::*;
    use CheckStatus::*;
    assert_eq!(
        statuses(&report),
        [
            (Key, Ok),
            (Tls, Ok),
            (Generation, Ok),
            (Endpoints, Ok),
            (RateLimit, Ok),
            (Clock, Ok),
            (Webhook, Skipped),
            (Keychain, Ok),
        ],
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Healthy);
    let key = report.line(Key).unwrap();
    // What Settings shows of the key, and nothing more.
    assert!(key.message.contains("ending in _key"), "{}", key.message);
    let probed = OptionalEndpoint::ALL.iter().filter(|e| e.is_read()).count();
    assert_eq!(report.endpoints.len(), probed);
    assert!(
        report.endpoints.iter().all(|e| e.offered == Some(true)),
        "{:#?}",
        report.endpoints
    );
    let rate = report.line(RateLimit).unwrap();
    assert!(
        rate.message.contains("100 requests every minute"),
        "{}",
        rate.message
    );
    assert!(
        report
            .line(Keychain)
            .unwrap()
            .message
            .contains("LAMINA_API_KEY")
    );
    // Each optional endpoint was asked exactly once.
    let stats = server.stats();
    for route in [
        "GET /v1/runs",
        "GET /v1/runs/{id}/wait",
        "GET /v1/runs/{id}/stream",
        "GET /v1/account/usage",
        "GET /v1/webhooks/signing-key",
        "GET /v1/apps/{appId}/workflow",
    ] {
        assert_eq!(
            stats.by_route.get(route),
            Some(&1),
            "{route}: {:?}",
            stats.by_route
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_minimal_service_is_healthy_with_every_optional_endpoint_missing() {
    let server = sandbox(SandboxConfig {
        minimal: true,
        ..SandboxConfig::default()
    })
    .await;
    let report = check(&server.base_url(), DEMO_KEY).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{report:#?}");
    assert_eq!(status(&report, CheckId::Key), CheckStatus::Ok);
    assert_eq!(status(&report, CheckId::Endpoints), CheckStatus::Ok);
    assert!(
        report.endpoints.iter().all(|e| e.offered == Some(false)),
        "{:#?}",
        report.endpoints
    );
    let endpoints = report.line(CheckId::Endpoints).unwrap();
    assert!(
        endpoints.message.contains("leaves out"),
        "{}",
        endpoints.message
    );
    assert!(
        endpoints.detail.contains("404 text/html"),
        "{}",
        endpoints.detail
    );
    // What the check learnt is remembered by the client: nothing asks these again.
    let remembering = client(&server.base_url(), DEMO_KEY);
    check_connection(&DoctorInput::new(remembering.clone(), from_env())).await;
    for endpoint in OptionalEndpoint::ALL.into_iter().filter(|e| e.is_read()) {
        assert!(remembering.endpoints().is_missing(endpoint), "{endpoint}");
    }
    // No usage endpoint: the limit comes from the headers.
    let rate = report.line(CheckId::RateLimit).unwrap();
    assert_eq!(rate.status, CheckStatus::Ok);
    assert!(rate.message.contains("100 requests"), "{}", rate.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_refused_and_the_rest_waits_for_it() {
    let server = sandbox(SandboxConfig::default()).await;
    let wrong = "lma_this_key_is_wrong_wxyz";
    let report = check(&server.base_url(), wrong).await;
    assert_eq!(report.verdict, Verdict::KeyRefused, "{report:#?}");
    let key = report.line(CheckId::Key).unwrap();
    assert_eq!(key.status, CheckStatus::Problem);
    assert!(
        key.message
            .contains("refused your key (the one ending in wxyz)")
    );
    assert!(key.detail.contains("401"), "{}", key.detail);
    assert_eq!(status(&report, CheckId::Endpoints), CheckStatus::Skipped);
    assert!(report.endpoints.is_empty());
    // The refusal still carries the service's time.
    assert_eq!(status(&report, CheckId::Clock), CheckStatus::Ok);
    assert_eq!(server.stats().by_route.get("GET /v1/runs"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_port_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let report = check(&format!("http://127.0.0.1:{port}"), DEMO_KEY).await;
    assert_eq!(report.verdict, Verdict::Unreachable, "{report:#?}");
    let key = report.line(CheckId::Key).unwrap();
    assert_eq!(key.status, CheckStatus::Problem);
    assert!(key.message.contains("can't be reached"), "{}", key.message);
    assert!(
        key.detail.to_lowercase().contains("connect"),
        "{}",
        key.detail
    );
    for skipped in [
        CheckId::Generation,
        CheckId::Endpoints,
        CheckId::RateLimit,
        CheckId::Clock,
    ] {
        assert_eq!(
            status(&report, skipped),
            CheckStatus::Skipped,
            "{skipped:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_off_by_ten_minutes_is_a_problem_and_ninety_seconds_a_warning() {
    let far = sandbox(SandboxConfig {
        clock_offset_s: 600,
        ..SandboxConfig::default()
    })
    .await;
    let report = check(&far.base_url(), DEMO_KEY).await;
    assert_eq!(report.verdict, Verdict::Problems, "{report:#?}");
    let clock = report.line(CheckId::Clock).unwrap();
    assert_eq!(clock.status, CheckStatus::Problem);
    assert!(
        clock.message.contains("10 minutes behind"),
        "{}",
        clock.message
    );
    assert!(
        clock
            .message
            .contains("Set your computer's clock automatically")
    );

    let near = sandbox(SandboxConfig {
        clock_offset_s: -90,
        ..SandboxConfig::default()
    })
    .await;
    let report = check(&near.base_url(), DEMO_KEY).await;
    assert_eq!(report.verdict, Verdict::Warnings, "{report:#?}");
    let clock = report.line(CheckId::Clock).unwrap();
    assert_eq!(clock.status, CheckStatus::Warning);
    assert!(clock.message.contains("ahead of"), "{}", clock.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_webhook_address_must_lead_to_this_receiver() {
    let server = sandbox(SandboxConfig::default()).await;
    let data = tempfile::tempdir().unwrap();
    let workspace = webhook_workspace::workspace(&server.base_url(), data.path());
    let control = DeliveryControl::new(
        workspace.tracker.clone(),
        KeySource::Service(workspace.client().clone()),
        DeliverySettings::account_default(),
    );
    // No public address set: nothing to check.
    assert_eq!(control.reach_target().await.unwrap(), None);

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // The "tunnel" here is the loopback address itself: it leads to this receiver.
    control
        .apply(DeliverySettings {
            enabled: true,
            port: Some(port),
            public_url: Some(format!("http://127.0.0.1:{port}")),
        })
        .await
        .unwrap();
    let target = control.reach_target().await.unwrap().unwrap();
    assert!(target.token.is_some());
    let run = |target: ReachTarget| {
        let client = workspace.client().clone();
        async move {
            let mut input = DoctorInput::new(client, KeyOrigin::Demo);
            input.webhook = Some(target);
            check_connection(&input).await
        }
    };

    let report = run(target.clone()).await;
    let line = report.line(CheckId::Webhook).unwrap();
    assert_eq!(line.status, CheckStatus::Ok, "{line:#?}");
    assert!(
        line.detail.contains("matches this receiver"),
        "{}",
        line.detail
    );
    assert_eq!(report.verdict, Verdict::Healthy);
    // The demo workspace's built-in key is not named, and no keychain is involved.
    let key = report.line(CheckId::Key).unwrap();
    assert!(
        key.message.contains("the demo workspace's key"),
        "{}",
        key.message
    );
    assert_eq!(status(&report, CheckId::Keychain), CheckStatus::Skipped);

    // Another receiver's token: the address leads to another copy of the app.
    let other = ReachTarget {
        token: Some("another-receiver".into()),
        ..target.clone()
    };
    let line = run(other).await.line(CheckId::Webhook).unwrap().clone();
    assert_eq!(line.status, CheckStatus::Problem);
    assert!(line.message.contains("another copy"), "{}", line.message);

    // Something that answers but is not a receiver (the sandbox itself).
    let wrong = ReachTarget {
        public_url: format!("{}/lamina/webhook", server.base_url()),
        token: None,
    };
    let report = run(wrong).await;
    let line = report.line(CheckId::Webhook).unwrap();
    assert_eq!(line.status, CheckStatus::Problem);
    assert!(
        line.message.contains("not from Lamina Desktop"),
        "{}",
        line.message
    );
    assert_eq!(report.verdict, Verdict::Problems);

    // Nothing listens there.
    control
        .apply(DeliverySettings {
            enabled: false,
            ..DeliverySettings::account_default()
        })
        .await
        .unwrap();
    let line = run(target).await.line(CheckId::Webhook).unwrap().clone();
    assert_eq!(line.status, CheckStatus::Problem);
    assert!(
        line.message.contains("can't be reached"),
        "{}",
        line.message
    );
}
