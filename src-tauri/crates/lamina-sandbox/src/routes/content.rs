//! `POST /v1/content/create|batch|score`, `GET /v1/assets`, `GET /v1/templates[/{id}]`,
//! `GET /v1/intelligence/brand-context`: the creative engine of [`crate::creative`] over HTTP.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use lamina_api::{OutputKind, OutputStatus, format_time};
use serde_json::{Map, Value, json};

use super::runs::launch;
use super::validate::{is_http_url, resolve};
use super::{QueryMap, int_param};
use crate::creative::brand::{self, BrandProfile, DEMO_BRAND};
use crate::creative::score::{self, Item};
use crate::creative::select::{Brief, Selection, is_candidate, select};
use crate::creative::{ContentMeta, templates};
use crate::errors::ApiError;
use crate::flavor::Flavor;
use crate::runs::RunRecord;
use crate::state::AppState;

/// Briefs one batch takes.
const MAX_BATCH: usize = 10;

fn body_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::validation(
            "Invalid request body",
            vec!["body must be a JSON object".into()],
        )),
    }
}

/// An optional string field: absent, null or blank is `None`; another type is a 400.
fn opt_text(map: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        Some(_) => Err(ApiError::validation(
            "Invalid request body",
            vec![format!("\"{name}\": must be a string")],
        )),
    }
}

fn brand_for(id: Option<&str>) -> Result<&'static BrandProfile, ApiError> {
    match id {
        None => Ok(&DEMO_BRAND),
        Some(id) => brand::find(id).ok_or_else(|| ApiError::not_found("Brand profile not found")),
    }
}

/// A started content run, or why this brief could not start one.
enum Started {
    Run(Value),
    Refused(ApiError),
}

/// Maps one brief (a create body or a batch item, with the batch's defaults) and starts its run.
fn start_one(
    state: &Arc<AppState>,
    item: &Map<String, Value>,
    defaults: &Map<String, Value>,
    webhook_url: Option<String>,
) -> Started {
    match start_inner(state, item, defaults, webhook_url) {
        Ok(value) => Started::Run(value),
        Err(e) => Started::Refused(e),
    }
}

fn start_inner(
    state: &Arc<AppState>,
    item: &Map<String, Value>,
    defaults: &Map<String, Value>,
    webhook_url: Option<String>,
) -> Result<Value, ApiError> {
    let field = |name: &str| -> Result<Option<String>, ApiError> {
        match opt_text(item, name)? {
            Some(v) => Ok(Some(v)),
            None => opt_text(defaults, name),
        }
    };
    let brief = opt_text(item, "brief")?.ok_or_else(|| {
        ApiError::validation(
            "brief is required",
            vec!["\"brief\": required, a description of what you need".into()],
        )
    })?;
    let platform = field("platform")?;
    let modality = field("modality")?;
    let profile = brand_for(field("brandProfileId")?.as_deref())?;
    let template = match field("templateId")? {
        Some(id) => {
            Some(templates::find(&id).ok_or_else(|| ApiError::not_found("Template not found"))?)
        }
        None => None,
    };
    let forced = match field("appId")? {
        Some(id) => Some(
            state
                .app(&id)
                .ok_or_else(|| ApiError::not_found("App not found"))?,
        ),
        None => None,
    };
    let request = Brief {
        text: &brief,
        platform: platform.as_deref(),
        modality: modality.as_deref(),
        template,
        brand: Some(profile),
    };
    let mut selection = match forced {
        // An app briefs never choose by themselves (a developer tool, say): only the brief.
        Some(app) if !is_candidate(app.id()) => Selection {
            app_id: app.id().to_owned(),
            reason: format!("Chose \"{}\" because you chose it.", app.app.name),
            inputs: app
                .app
                .parameter("Prompt")
                .map(|_| Map::from_iter([("Prompt".to_owned(), json!(brief))]))
                .unwrap_or_default(),
        },
        _ => select(&request, forced.map(|app| app.id())).map_err(|why| {
            ApiError::validation(why.clone(), vec![format!("\"modality\": {why}")])
        })?,
    };
    let app = Arc::clone(
        state
            .app(&selection.app_id)
            .ok_or_else(|| ApiError::internal("the chosen app is missing from the catalog"))?,
    );
    match item.get("inputs") {
        None | Some(Value::Null) => {}
        Some(Value::Object(overrides)) => {
            for (k, v) in overrides {
                selection.inputs.insert(k.clone(), v.clone());
            }
        }
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid request body",
                vec!["\"inputs\": must be an object".into()],
            ));
        }
    }
    let inputs = resolve(&app.app, &selection.inputs)?;
    let meta = Arc::new(ContentMeta {
        brief,
        platform,
        modality,
        template_id: template.map(|t| t.id.to_owned()),
        brand: Some(profile),
        reason: selection.reason.clone(),
    });
    let run = launch(
        state,
        app,
        inputs.clone(),
        webhook_url,
        Flavor::V1Runs,
        Some(Arc::clone(&meta)),
    );
    let mut value = Flavor::V1Runs.shape_run(&run);
    if let Value::Object(map) = &mut value {
        map.insert("selectionReason".into(), json!(meta.reason));
        map.insert("inputs".into(), json!(inputs));
        map.insert("brandProfileId".into(), json!(profile.id));
        map.insert("templateId".into(), json!(meta.template_id));
    }
    Ok(value)
}

fn webhook_of(state: &AppState, query: &QueryMap) -> Result<Option<String>, ApiError> {
    match query.get("webhook") {
        Some(_) if state.minimal.is_on() => Ok(None),
        Some(url) if is_http_url(url) => Ok(Some(url.trim().to_owned())),
        Some(url) => Err(ApiError::webhook_invalid(format!(
            "Invalid webhook URL {url:?}: must be an http or https URL"
        ))),
        None => Ok(None),
    }
}

pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    Query(query): Query<QueryMap>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let map = body_object(&body)?;
    let webhook = webhook_of(&state, &query)?;
    match start_one(&state, &map, &Map::new(), webhook) {
        Started::Run(value) => Ok((StatusCode::ACCEPTED, Json(json!({ "data": value })))),
        Started::Refused(e) => Err(e),
    }
}

pub(super) async fn batch(
    State(state): State<Arc<AppState>>,
    Query(query): Query<QueryMap>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let map = body_object(&body)?;
    let webhook = webhook_of(&state, &query)?;
    let items = match map.get("items") {
        Some(Value::Array(items)) if (1..=MAX_BATCH).contains(&items.len()) => items,
        Some(Value::Array(items)) => {
            return Err(ApiError::validation(
                "items must hold 1 to 10 briefs",
                vec![format!(
                    "\"items\": must hold 1 to {MAX_BATCH} briefs (got {})",
                    items.len()
                )],
            ));
        }
        _ => {
            return Err(ApiError::validation(
                "items is required",
                vec!["\"items\": required, an array of 1 to 10 briefs".into()],
            ));
        }
    };
    let mut defaults = Map::new();
    for key in ["brandProfileId", "campaignId"] {
        if let Some(v) = map.get(key) {
            defaults.insert(key.into(), v.clone());
        }
    }
    let mut results = Vec::new();
    let (mut queued, mut failed) = (0, 0);
    for (index, item) in items.iter().enumerate() {
        let started = match item {
            Value::Object(item) => start_one(&state, item, &defaults, webhook.clone()),
            _ => Started::Refused(ApiError::validation("each item must be an object", vec![])),
        };
        results.push(match started {
            Started::Run(run) => {
                queued += 1;
                json!({
                    "index": index, "status": "queued", "runId": run["runId"],
                    "workflowId": run["workflowId"], "workflowName": run["workflowName"],
                    "selectionReason": run["selectionReason"], "inputs": run["inputs"],
                })
            }
            Started::Refused(e) => {
                failed += 1;
                let why = e
                    .details
                    .first()
                    .cloned()
                    .unwrap_or_else(|| e.message.clone());
                json!({"index": index, "status": "failed", "error": why})
            }
        });
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"data": {
            "batchId": format!("batch-{}", uuid::Uuid::new_v4()),
            "total": items.len(), "queued": queued, "failed": failed, "items": results,
        }})),
    ))
}

/// Every finished output of every run, newest run first, as (asset id, run, index).
fn finished_outputs(state: &AppState) -> Vec<(String, Arc<RunRecord>, usize)> {
    let mut out = Vec::new();
    for run in state.runs.newest_first() {
        let view = run.view(&state.base_url, run.elapsed());
        for (index, output) in view.outputs.iter().enumerate() {
            if output.status.is_terminal() {
                out.push((asset_id(&run.id, index), Arc::clone(&run), index));
            }
        }
    }
    out
}

fn asset_id(run_id: &str, index: usize) -> String {
    format!("{run_id}-{index}")
}

pub(super) async fn assets(
    State(state): State<Arc<AppState>>,
    Query(query): Query<QueryMap>,
) -> Result<Json<Value>, ApiError> {
    let limit = int_param(&query, "limit", 25, 1, 100)?;
    let offset = int_param(&query, "offset", 0, 0, u64::MAX)?;
    let kind = match query.get("outputType").map(String::as_str) {
        None => None,
        Some(k @ ("image" | "video" | "audio" | "text")) => Some(k.to_owned()),
        Some(other) => {
            return Err(ApiError::validation(
                "Invalid query parameter \"outputType\"",
                vec![format!(
                    "\"outputType\": must be image, video, audio or text (got {other:?})"
                )],
            ));
        }
    };
    let run_id = query
        .get("runId")
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let mut items = Vec::new();
    for run in state.runs.newest_first() {
        if run_id.as_deref().is_some_and(|id| id != run.id) {
            continue;
        }
        let view = run.view(&state.base_url, run.elapsed());
        for (index, output) in view.outputs.iter().enumerate() {
            if !output.status.is_terminal() {
                continue;
            }
            let def_kind = run.app.outputs.get(index).map(|o| o.format.kind());
            let output_type = if output.kind == OutputKind::Pending {
                def_kind
            } else {
                Some(output.kind)
            };
            let type_name = match output_type {
                Some(OutputKind::Image) => "image",
                Some(OutputKind::Video) => "video",
                Some(OutputKind::Audio) => "audio",
                _ => "text",
            };
            if kind.as_deref().is_some_and(|k| k != type_name) {
                continue;
            }
            let text = type_name == "text";
            let value = output.value.clone();
            items.push(json!({
                "id": asset_id(&run.id, index),
                "runId": run.id,
                "nodeLabel": output.label,
                "outputType": type_name,
                "sourceUrl": if text { None } else { value.clone() },
                "cdnUrl": null,
                "textContent": if text { value } else { None },
                "status": if output.status == OutputStatus::Completed { "completed" } else { "error" },
                "createdAt": format_time(view.completed_at.or(view.created_at).unwrap_or(run.created_at)),
            }));
        }
    }
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(100))
        .collect();
    Ok(Json(json!({
        "data": page,
        "pagination": {"total": total, "limit": limit, "offset": offset},
    })))
}

pub(super) async fn score(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let map = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        body_object(&body)?
    };
    let limit = match map.get("limit") {
        None | Some(Value::Null) => 25,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::validation(
                    "Invalid request body",
                    vec!["\"limit\": must be 1 to 100".into()],
                )
            })?,
    };
    let platform = opt_text(&map, "platform")?;
    let modality = opt_text(&map, "modality")?;
    let ids: Option<Vec<String>> = match map.get("contentItemIds") {
        None | Some(Value::Null) => None,
        Some(Value::Array(ids)) => Some(
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid request body",
                vec!["\"contentItemIds\": must be an array of ids".into()],
            ));
        }
    };
    let all = finished_outputs(&state);
    let wanted = |(id, run, index): &(String, Arc<RunRecord>, usize)| {
        let type_ok = modality.as_deref().is_none_or(|m| {
            run.app.outputs.get(*index).is_some_and(|o| {
                matches!(
                    (m, o.format.kind()),
                    ("image", OutputKind::Image)
                        | ("video", OutputKind::Video)
                        | ("text", OutputKind::Text)
                )
            })
        });
        // A run id stands for every output of that run.
        let id_ok = ids
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|i| i == id || *i == run.id));
        type_ok && id_ok
    };
    let chosen: Vec<_> = all
        .iter()
        .filter(|o| wanted(o))
        .take(usize::try_from(limit).unwrap_or(25))
        .collect();
    if chosen.is_empty() && ids.as_ref().is_some_and(|ids| !ids.is_empty()) {
        return Err(ApiError::not_found("Content item not found"));
    }
    let scores: Vec<Value> = chosen
        .iter()
        .map(|(id, run, index)| {
            score::score(
                &Item {
                    id: id.clone(),
                    run,
                    index: *index,
                },
                platform.as_deref(),
            )
        })
        .collect();
    Ok(Json(json!({"data": {"scores": scores}})))
}

pub(super) async fn list_templates() -> Json<Value> {
    let all: Vec<Value> = templates::TEMPLATES
        .iter()
        .map(templates::to_json)
        .collect();
    let total = all.len();
    Json(json!({"data": all, "pagination": {"total": total, "limit": total, "offset": 0}}))
}

pub(super) async fn get_template(Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let template = templates::find(&id).ok_or_else(|| ApiError::not_found("Template not found"))?;
    Ok(Json(json!({"data": templates::to_json(template)})))
}

pub(super) async fn brand_context(Query(query): Query<QueryMap>) -> Result<Json<Value>, ApiError> {
    let id = query
        .get("brandProfileId")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    let profile = brand_for(id)?;
    Ok(Json(json!({"data": brand::context_json(profile)})))
}
