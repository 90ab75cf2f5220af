//! `GET /v1/apps`, `GET /v1/apps/{appId}`, `GET /v1/apps/{appId}/workflow` (and `/api` twins).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};

use super::{QueryMap, int_param};
use crate::errors::ApiError;
use crate::state::AppState;

pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    Query(query): Query<QueryMap>,
) -> Result<Json<Value>, ApiError> {
    let limit = int_param(&query, "limit", 25, 1, 100)?;
    let offset = int_param(&query, "offset", 0, 0, u64::MAX)?;
    let needle = query
        .get("search")
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    let matching: Vec<_> = state
        .catalog
        .iter()
        .filter(|def| {
            needle.is_empty()
                || def.app.name.to_lowercase().contains(&needle)
                || def.app.description.to_lowercase().contains(&needle)
        })
        .collect();
    let page: Vec<_> = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(100))
        .map(|def| def.summary())
        .collect();
    Ok(Json(json!({
        "data": page,
        "pagination": {"total": matching.len(), "limit": limit, "offset": offset},
    })))
}

pub(super) async fn get(
    State(state): State<Arc<AppState>>,
    Path(app_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let def = state
        .app(&app_id)
        .ok_or_else(|| ApiError::not_found("App not found"))?;
    Ok(Json(json!({ "data": def.app })))
}

/// One node per output, chained in order (the docs' node id pattern, reused by run outputs).
pub(super) async fn workflow(
    State(state): State<Arc<AppState>>,
    Path(app_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let def = state
        .app(&app_id)
        .ok_or_else(|| ApiError::not_found("App not found"))?;
    let nodes: Vec<Value> = def
        .outputs
        .iter()
        .map(|o| json!({"id": o.node_id, "type": o.node_type, "label": o.node_type}))
        .collect();
    let edges: Vec<Value> = def
        .outputs
        .windows(2)
        .map(|pair| json!({"source": pair[0].node_id, "target": pair[1].node_id}))
        .collect();
    Ok(Json(json!({
        "data": {"appId": def.id(), "name": def.app.name, "nodes": nodes, "edges": edges}
    })))
}
