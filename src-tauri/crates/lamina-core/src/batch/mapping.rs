//! Which column feeds which parameter. Columns are auto-mapped by header (to a parameter's name
//! or id, ignoring case, spaces, `_` and `-`); `COL=PARAM` overrides; `COL=-` keeps a column for
//! names and the manifest only; a column that matches no parameter and was not mapped is kept
//! the same way, with a notice ([`Mapping::notices`]). Parameters no column feeds take a
//! constant or their default.

use lamina_api::{App, Inputs};
use serde::{Deserialize, Serialize};

use super::{BatchInputError, RowProblem, normalize};

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ColumnTarget {
    /// Feeds this parameter (by its name).
    Parameter { name: String },
    /// Not sent; kept for file names and the manifest (e.g. a SKU).
    Keep,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    pub column: String,
    /// `None`: the column matches no parameter and was not mapped: kept for names and the
    /// manifest like [`ColumnTarget::Keep`], with a notice.
    pub target: Option<ColumnTarget>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Mapping {
    pub columns: Vec<ColumnMapping>,
    /// Values for parameters no column feeds, by parameter name.
    pub constants: Inputs,
}

impl Mapping {
    /// Maps `headers` to `app`'s parameters. `overrides` are `(column, parameter)` pairs
    /// (`--map COL=PARAM`; parameter `-` or empty keeps the column without sending it);
    /// `keep` names columns used only by names or the manifest (e.g. those a file-name pattern
    /// mentions). An override naming an unknown column or parameter is an error.
    pub fn auto(
        app: &App,
        headers: &[String],
        overrides: &[(String, String)],
        keep: &[String],
    ) -> Result<Self, BatchInputError> {
        let (mapping, problems) = Self::auto_with_problems(app, headers, overrides, keep);
        if problems.is_empty() {
            Ok(mapping)
        } else {
            Err(BatchInputError { problems })
        }
    }

    /// [`Mapping::auto`] that always returns the mapping (bad overrides left out) beside their
    /// problems, so the rows can be checked in the same pass.
    pub fn auto_with_problems(
        app: &App,
        headers: &[String],
        overrides: &[(String, String)],
        keep: &[String],
    ) -> (Self, Vec<RowProblem>) {
        let mut problems = Vec::new();
        let find_param = |name: &str| {
            let n = normalize(name);
            app.parameters.iter().find(|p| {
                normalize(&p.name) == n || p.id.as_deref().is_some_and(|id| normalize(id) == n)
            })
        };
        let mut columns: Vec<ColumnMapping> = headers
            .iter()
            .map(|h| ColumnMapping {
                column: h.clone(),
                target: find_param(h).map(|p| ColumnTarget::Parameter {
                    name: p.name.clone(),
                }),
            })
            .collect();
        for column in &mut columns {
            if column.target.is_none()
                && keep
                    .iter()
                    .any(|k| normalize(k) == normalize(&column.column))
            {
                column.target = Some(ColumnTarget::Keep);
            }
        }
        for (col, param) in overrides {
            let Some(column) = columns
                .iter_mut()
                .find(|c| normalize(&c.column) == normalize(col))
            else {
                problems.push(RowProblem::new(
                    None,
                    Some(col.clone()),
                    format!(
                        "--map names a column the table does not have (columns: {})",
                        headers.join(", ")
                    ),
                ));
                continue;
            };
            let param = param.trim();
            if param.is_empty() || param == "-" {
                column.target = Some(ColumnTarget::Keep);
            } else if let Some(p) = find_param(param) {
                column.target = Some(ColumnTarget::Parameter {
                    name: p.name.clone(),
                });
            } else {
                problems.push(RowProblem::new(
                    None,
                    Some(col.clone()),
                    format!(
                        "\"{param}\" is not a parameter of \"{}\" (parameters: {})",
                        app.name,
                        parameter_names(app)
                    ),
                ));
            }
        }
        let mapping = Self {
            columns,
            constants: Inputs::new(),
        };
        (mapping, problems)
    }

    /// Columns that feed no parameter and were not marked as kept: not sent, kept for file
    /// names and the manifest. Worth a word, not an error.
    pub fn notices(&self, app: &App) -> Vec<RowProblem> {
        self.columns
            .iter()
            .filter(|c| c.target.is_none())
            .map(|c| {
                RowProblem::new(
                    None,
                    Some(c.column.clone()),
                    format!(
                        "is not a parameter of \"{}\" (parameters: {}); it is not sent, only kept \
                         for file names and the manifest",
                        app.name,
                        parameter_names(app)
                    ),
                )
            })
            .collect()
    }

    /// The column feeding parameter `name`, if any.
    pub fn column_for(&self, name: &str) -> Option<&str> {
        self.columns.iter().find_map(|c| match &c.target {
            Some(ColumnTarget::Parameter { name: p }) if p == name => Some(c.column.as_str()),
            _ => None,
        })
    }
}

pub(crate) fn parameter_names(app: &App) -> String {
    app.parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
