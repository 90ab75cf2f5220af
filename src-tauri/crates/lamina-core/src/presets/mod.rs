//! Presets: the values of an app's form saved under a name, per app, to fill the form again.
//!
//! A preset keeps the parameters as they were when it was saved, so applying it later can say
//! exactly what no longer fits the app as it is now (a parameter removed, an option gone, a
//! parameter whose kind changed, a new mandatory one): those are reported, the rest applied
//! (see [`apply`]).

mod apply;

use chrono::{DateTime, Utc};
use lamina_api::{App, Inputs, Parameter};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, from_millis, millis};

pub use apply::{AppliedPreset, PresetIssue, PresetIssueKind, apply_preset};

/// Appended to `store::MIGRATIONS` (migration 5). `name_key` is the name as compared for
/// uniqueness (trimmed, single spaces, lower case).
pub(crate) const MIGRATION: &str = "CREATE TABLE presets (
        preset_id  TEXT PRIMARY KEY,
        app_id     TEXT NOT NULL,
        name       TEXT NOT NULL,
        name_key   TEXT NOT NULL,
        inputs     TEXT NOT NULL,
        parameters TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX presets_app_name ON presets(app_id, name_key);";

/// Longest preset name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A saved form, as the UI lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub preset_id: String,
    pub app_id: String,
    pub name: String,
    /// Values keyed by parameter name (blank values kept: a preset may clear a field).
    pub inputs: Inputs,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("Give the preset a name.")]
    EmptyName,
    #[error("Keep the preset's name under {MAX_NAME_CHARS} characters.")]
    NameTooLong,
    #[error(
        "There is already a preset called \u{201c}{0}\u{201d} for this app. Pick another name."
    )]
    DuplicateName(String),
    #[error("That preset no longer exists.")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for PresetError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(error.into())
    }
}

impl From<serde_json::Error> for PresetError {
    fn from(error: serde_json::Error) -> Self {
        Self::Store(error.into())
    }
}

/// The name as shown (trimmed, runs of white space made one space) and as compared.
pub fn normalize_name(name: &str) -> Result<(String, String), PresetError> {
    let shown = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if shown.is_empty() {
        return Err(PresetError::EmptyName);
    }
    if shown.chars().count() > MAX_NAME_CHARS {
        return Err(PresetError::NameTooLong);
    }
    let key = shown.to_lowercase();
    Ok((shown, key))
}

const SELECT_PRESET: &str =
    "SELECT preset_id, app_id, name, inputs, created_at, updated_at, parameters FROM presets";

fn read_preset(row: &Row<'_>) -> rusqlite::Result<(Preset, String, String)> {
    Ok((
        Preset {
            preset_id: row.get(0)?,
            app_id: row.get(1)?,
            name: row.get(2)?,
            inputs: Inputs::new(),
            created_at: from_millis(row.get(4)?),
            updated_at: from_millis(row.get(5)?),
        },
        row.get(3)?,
        row.get(6)?,
    ))
}

fn decode(
    (mut preset, inputs, parameters): (Preset, String, String),
) -> Result<(Preset, Vec<Parameter>), PresetError> {
    preset.inputs = serde_json::from_str(&inputs)?;
    Ok((preset, serde_json::from_str(&parameters)?))
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

impl Store {
    /// Saves `inputs` as a new preset of `app`. Only values of the app's parameters are kept;
    /// a half-filled form is a fine preset, so values are not required to be complete.
    pub fn save_preset(
        &self,
        app: &App,
        name: &str,
        inputs: &Inputs,
        now: DateTime<Utc>,
    ) -> Result<Preset, PresetError> {
        let (name, key) = normalize_name(name)?;
        let kept: Inputs = inputs
            .iter()
            .filter(|(param, _)| app.parameter(param).is_some())
            .map(|(param, value)| (param.clone(), value.clone()))
            .collect();
        let preset = Preset {
            preset_id: uuid::Uuid::new_v4().to_string(),
            app_id: app.app_id.clone(),
            name,
            inputs: kept,
            created_at: now,
            updated_at: now,
        };
        let inserted = self.lock().execute(
            "INSERT INTO presets (preset_id, app_id, name, name_key, inputs, parameters,
                                  created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                preset.preset_id,
                preset.app_id,
                preset.name,
                key,
                serde_json::to_string(&preset.inputs)?,
                serde_json::to_string(&app.parameters)?,
                millis(now),
            ],
        );
        match inserted {
            Ok(_) => Ok(preset),
            Err(error) if is_unique_violation(&error) => {
                Err(PresetError::DuplicateName(preset.name))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// An app's presets, by name.
    pub fn presets(&self, app_id: &str) -> Result<Vec<Preset>, PresetError> {
        let conn = self.lock();
        let mut statement = conn.prepare(&format!(
            "{SELECT_PRESET} WHERE app_id = ?1 ORDER BY name_key"
        ))?;
        let rows = statement
            .query_map([app_id], read_preset)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|row| decode(row).map(|(preset, _)| preset))
            .collect()
    }

    /// One preset and the parameters of its app when it was saved.
    fn preset_with_parameters(
        &self,
        preset_id: &str,
    ) -> Result<(Preset, Vec<Parameter>), PresetError> {
        let row = self
            .lock()
            .query_row(
                &format!("{SELECT_PRESET} WHERE preset_id = ?1"),
                [preset_id],
                read_preset,
            )
            .optional()?;
        match row {
            Some(row) => decode(row),
            None => Err(PresetError::NotFound(preset_id.to_owned())),
        }
    }

    pub fn preset(&self, preset_id: &str) -> Result<Preset, PresetError> {
        self.preset_with_parameters(preset_id)
            .map(|(preset, _)| preset)
    }

    pub fn rename_preset(
        &self,
        preset_id: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Preset, PresetError> {
        let (name, key) = normalize_name(name)?;
        let updated = self.lock().execute(
            "UPDATE presets SET name = ?2, name_key = ?3, updated_at = ?4 WHERE preset_id = ?1",
            params![preset_id, name, key, millis(now)],
        );
        match updated {
            Ok(0) => Err(PresetError::NotFound(preset_id.to_owned())),
            Ok(_) => self.preset(preset_id),
            Err(error) if is_unique_violation(&error) => Err(PresetError::DuplicateName(name)),
            Err(error) => Err(error.into()),
        }
    }

    /// Replaces a preset's values with `inputs` (the form as it is now) and remembers the
    /// app's parameters as they are now.
    pub fn update_preset_inputs(
        &self,
        preset_id: &str,
        app: &App,
        inputs: &Inputs,
        now: DateTime<Utc>,
    ) -> Result<Preset, PresetError> {
        let kept: Inputs = inputs
            .iter()
            .filter(|(param, _)| app.parameter(param).is_some())
            .map(|(param, value)| (param.clone(), value.clone()))
            .collect();
        let updated = self.lock().execute(
            "UPDATE presets SET inputs = ?2, parameters = ?3, updated_at = ?4
             WHERE preset_id = ?1 AND app_id = ?5",
            params![
                preset_id,
                serde_json::to_string(&kept)?,
                serde_json::to_string(&app.parameters)?,
                millis(now),
                app.app_id,
            ],
        )?;
        if updated == 0 {
            return Err(PresetError::NotFound(preset_id.to_owned()));
        }
        self.preset(preset_id)
    }

    /// Deletes a preset and returns what it was.
    pub fn delete_preset(&self, preset_id: &str) -> Result<Preset, PresetError> {
        let preset = self.preset(preset_id)?;
        self.lock()
            .execute("DELETE FROM presets WHERE preset_id = ?1", [preset_id])?;
        Ok(preset)
    }

    /// The preset's values checked against `app` as it is now: what fits is returned to fill
    /// the form, what does not is reported.
    pub fn apply_preset(&self, preset_id: &str, app: &App) -> Result<AppliedPreset, PresetError> {
        let (preset, saved_parameters) = self.preset_with_parameters(preset_id)?;
        Ok(apply_preset(preset, &saved_parameters, app))
    }
}

#[cfg(test)]
mod tests;
