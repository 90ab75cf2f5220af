//! Settings → Delivery: webhook delivery on or off, port and public address, the log of the last
//! deliveries (live through `DeliveryLogged`), and "Send test". The receiver itself and the
//! settings' validation live in `lamina-core` (`webhook::settings`).

use lamina_api::{FieldError, Inputs, ParameterKind};
use lamina_core::RunRecord;
use lamina_core::webhook::{
    DeliveryLogEntry, DeliverySettings, DeliveryStatus, LOG_LENGTH, SettingsError,
};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::{AppError, AppErrorKind};
use crate::session::{Mode, Session};

/// A webhook delivery was received and logged (already in SQLite).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DeliveryLogged(pub DeliveryLogEntry);

#[tauri::command]
#[specta::specta]
pub async fn delivery_status(session: State<'_, Session>) -> Result<DeliveryStatus, AppError> {
    let (_, _, delivery) = session.delivery().await?;
    Ok(delivery
        .status()
        .await
        .map_err(lamina_core::CoreError::from)?)
}

/// Validates, applies (starting, moving or stopping the receiver), then saves. A refused change
/// leaves the receiver and the saved settings as they were.
#[tauri::command]
#[specta::specta]
pub async fn set_delivery_settings(
    session: State<'_, Session>,
    settings: DeliverySettings,
) -> Result<DeliveryStatus, AppError> {
    let (_, _, delivery) = session.delivery().await?;
    delivery.apply(settings).await.map_err(settings_error)
}

/// The last deliveries, newest first.
#[tauri::command]
#[specta::specta]
pub async fn recent_deliveries(
    session: State<'_, Session>,
    limit: u32,
) -> Result<Vec<DeliveryLogEntry>, AppError> {
    let (_, workspace, _) = session.delivery().await?;
    Ok(
        lamina_core::webhook::recent_deliveries(
            workspace.store(),
            (limit as usize).min(LOG_LENGTH),
        )
        .map_err(lamina_core::CoreError::from)?,
    )
}

/// Starts a short demo run with the webhook; its delivery then shows up in the log.
#[tauri::command]
#[specta::specta]
pub async fn send_test_delivery(session: State<'_, Session>) -> Result<RunRecord, AppError> {
    let (mode, workspace, delivery) = session.delivery().await?;
    if mode != Mode::Demo {
        return Err(AppError::new(
            AppErrorKind::Conflict,
            "Send test works in the demo workspace, where nothing is charged. With your account, \
             start any run: its delivery shows up here.",
            "send test needs the demo workspace",
        ));
    }
    let status = delivery
        .status()
        .await
        .map_err(lamina_core::CoreError::from)?;
    if status.webhook_url.is_none() {
        return Err(AppError::new(
            AppErrorKind::Conflict,
            "Turn on webhook delivery first.",
            "the webhook receiver is not running",
        ));
    }
    let app = workspace
        .client()
        .get_app(lamina_sandbox::catalog::PRODUCT_COPY)
        .await?;
    let inputs: Inputs = app
        .parameters
        .iter()
        .filter_map(|p| match (&p.default, &p.kind) {
            (Some(value), _) => Some((p.name.clone(), value.clone())),
            (None, ParameterKind::Text) => Some((p.name.clone(), "A webhook test".to_owned())),
            (None, _) => p.options.first().map(|o| (p.name.clone(), o.clone())),
        })
        .collect();
    let record = workspace.tracker.start(&app, &inputs, None).await?;
    let tracker = workspace.tracker.clone();
    let local_id = record.local_id.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = tracker.follow(&local_id).await {
            tracing::warn!(%error, run = %local_id, "stopped following the test run");
        }
    });
    Ok(record)
}

fn settings_error(error: SettingsError) -> AppError {
    match error {
        SettingsError::Invalid(problems) => {
            let message = problems
                .first()
                .map(|p| p.reason.clone())
                .unwrap_or_else(|| "Check the delivery settings.".to_owned());
            let detail = problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.reason))
                .collect::<Vec<_>>()
                .join("; ");
            AppError {
                fields: problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: Some(p.field.to_owned()),
                        reason: p.reason,
                    })
                    .collect(),
                ..AppError::new(AppErrorKind::InvalidInput, message, detail)
            }
        }
        SettingsError::PortInUse { port, reason } => AppError {
            fields: vec![FieldError {
                field: Some("port".to_owned()),
                reason: format!("Port {port} is already used by another program."),
            }],
            ..AppError::new(
                AppErrorKind::Conflict,
                format!(
                    "Port {port} is already used by another program. Pick another port; \
                     nothing else was changed."
                ),
                format!("cannot listen on 127.0.0.1:{port}: {reason}"),
            )
        },
        SettingsError::Store(error) => lamina_core::CoreError::from(error).into(),
    }
}
