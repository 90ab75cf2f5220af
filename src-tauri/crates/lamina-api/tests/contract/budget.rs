//! The request budget keeps a burst under the service's rate limit.

use std::time::{Duration, Instant};

use lamina_api::{ApiErrorKind, ApiGeneration, BudgetConfig};
use lamina_sandbox::SandboxConfig;
use lamina_sandbox::catalog::HERO_IMAGE;

use crate::common::*;

fn limited() -> SandboxConfig {
    SandboxConfig {
        rate_limit: 10,
        rate_window: Duration::from_secs(2),
        ..fast()
    }
}

#[tokio::test]
async fn the_budget_keeps_a_concurrent_burst_under_the_limit() {
    let sandbox = start(limited()).await;
    // Reads may not be retried: a single 429 would fail the test.
    let client = client_with(&sandbox, ApiGeneration::V1, |c| c.max_read_attempts = 1);

    // The budget takes the workspace's limit from the usage endpoint.
    let usage = client.usage().await.unwrap();
    let limit = usage.rate_limit.unwrap();
    client
        .budget()
        .set_limit(limit.limit, Duration::from_millis(limit.window_ms));
    assert_eq!(
        client.budget().config(),
        BudgetConfig {
            limit: 10,
            window: Duration::from_secs(2)
        }
    );

    let started = Instant::now();
    let calls = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_app(HERO_IMAGE).await })
    });
    let results = futures_util::future::join_all(calls).await;
    let elapsed = started.elapsed();
    for result in results {
        let app = result.unwrap().unwrap();
        assert_eq!(app.app_id, HERO_IMAGE);
    }
    let stats = sandbox.stats();
    assert_eq!(stats.rate_limited, 0, "the budget must never cause a 429");
    assert_eq!(stats.requests_total, 31);
    // 31 requests at 10 per 2 s need at least three more windows after the first.
    assert!(elapsed >= Duration::from_secs(5), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    let budget = client.budget().stats();
    assert_eq!(budget.requests_sent, 31);
    assert_eq!(budget.rate_limited_seen, 0);
    assert!(budget.waited_ms_total > 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn without_the_budget_the_same_burst_is_rate_limited() {
    // The control experiment: the sandbox's limit is real, and its 429s map to RateLimited.
    let sandbox = start(limited()).await;
    let client = client_with(&sandbox, ApiGeneration::V1, |c| {
        c.max_read_attempts = 1;
        c.budget = BudgetConfig {
            limit: 1000,
            window: Duration::from_secs(2),
        };
    });
    let calls = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_app(HERO_IMAGE).await })
    });
    let results = futures_util::future::join_all(calls).await;
    let limited: Vec<_> = results
        .into_iter()
        .filter_map(|r| r.unwrap().err())
        .inspect(|e| {
            assert!(
                matches!(
                    e.kind,
                    ApiErrorKind::RateLimited {
                        retry_after_ms: Some(_)
                    }
                ),
                "{e:?}"
            )
        })
        .collect();
    assert!(!limited.is_empty());
    assert_eq!(sandbox.stats().rate_limited, limited.len() as u64);
    assert!(client.budget().stats().rate_limited_seen >= 1);
    sandbox.shutdown().await;
}
