//! The three API generations differ only in naming: which id key run JSON carries and which
//! error shape is used. Everything else is shared, so the flavor is derived from the path.

use lamina_api::{Run, format_time};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `/v1/apps/{id}/runs`, `/v1/runs…`: `runId` only.
    V1Runs,
    /// `/v1/apps/{id}/executions`, `/v1/executions…`: both `runId` and `executionId`.
    V1Executions,
    /// `/api/…`: `executionId` only, old error shape, plain-text 429.
    Legacy,
}

impl Flavor {
    pub(crate) fn for_path(path: &str) -> Self {
        if path == "/api" || path.starts_with("/api/") {
            Self::Legacy
        } else if path.starts_with("/v1/executions") || path.ends_with("/executions") {
            Self::V1Executions
        } else {
            Self::V1Runs
        }
    }

    pub(crate) fn legacy_errors(self) -> bool {
        self == Self::Legacy
    }

    /// Run JSON under this generation's id naming.
    pub(crate) fn shape_run(self, run: &Run) -> Value {
        let mut value = serde_json::to_value(run).unwrap_or_default();
        if let Value::Object(map) = &mut value {
            // chrono's serde form varies its precision; the service always sends ISO ms + `Z`.
            for (key, time) in [
                ("createdAt", run.created_at),
                ("startedAt", run.started_at),
                ("completedAt", run.completed_at),
            ] {
                if map.contains_key(key) {
                    map.insert(
                        key.into(),
                        time.map(format_time).map_or(Value::Null, Value::String),
                    );
                }
            }
            match self {
                Self::V1Runs => {}
                Self::V1Executions => {
                    map.insert("executionId".into(), Value::String(run.run_id.clone()));
                }
                Self::Legacy => {
                    map.remove("runId");
                    map.insert("executionId".into(), Value::String(run.run_id.clone()));
                }
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_api::RunStatus;

    #[test]
    fn flavor_follows_the_path_and_renames_ids() {
        assert_eq!(Flavor::for_path("/api/executions/x"), Flavor::Legacy);
        assert_eq!(
            Flavor::for_path("/v1/executions/x/wait"),
            Flavor::V1Executions
        );
        assert_eq!(
            Flavor::for_path("/v1/apps/a/executions"),
            Flavor::V1Executions
        );
        assert_eq!(Flavor::for_path("/v1/runs/x"), Flavor::V1Runs);
        let run = Run {
            run_id: "r1".into(),
            workflow_id: None,
            workflow_name: None,
            status: RunStatus::Queued,
            webhook_url: None,
            outputs: vec![],
            error_message: None,
            started_at: None,
            completed_at: None,
            created_at: chrono::DateTime::from_timestamp(1_700_000_000, 5_000_000),
            source: None,
        };
        let legacy = Flavor::Legacy.shape_run(&run);
        assert_eq!(legacy["executionId"], "r1");
        assert!(legacy.get("runId").is_none());
        let both = Flavor::V1Executions.shape_run(&run);
        assert_eq!(
            (both["runId"].as_str(), both["executionId"].as_str()),
            (Some("r1"), Some("r1"))
        );
        let v1 = Flavor::V1Runs.shape_run(&run);
        assert!(v1.get("executionId").is_none());
        assert_eq!(v1["createdAt"], "2023-11-14T22:13:20.005Z");
        assert!(v1["startedAt"].is_null());
    }
}
