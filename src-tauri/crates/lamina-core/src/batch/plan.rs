//! Every row checked against the app's parameters before anything is sent: option labels,
//! mandatory values without a default, web addresses (lamina-api's `validate_inputs`, the same
//! check a single run gets), plus columns mapped to something that is not a parameter. All
//! problems, of columns and rows alike, are reported at once, each naming the row and the column.

use std::collections::BTreeMap;

use lamina_api::{ApiErrorKind, App, Inputs, validate_inputs};
use serde::{Deserialize, Serialize};

use super::mapping::{ColumnTarget, Mapping, parameter_names};
use super::table::Table;
use super::{BatchInputError, RowProblem};

/// A row ready to run: what is sent, and the row's cells (for names and the manifest).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedRow {
    /// The row's number as a spreadsheet shows it (header = 1).
    pub line: u32,
    pub cells: BTreeMap<String, String>,
    pub inputs: Inputs,
}

pub fn plan_rows(
    app: &App,
    table: &Table,
    mapping: &Mapping,
) -> Result<Vec<PlannedRow>, BatchInputError> {
    // Columns and rows are checked in one pass: a column problem does not hide the rows'.
    // A column that feeds nothing is not a problem (see `Mapping::notices`).
    let mut problems = Vec::new();
    let mut fed: BTreeMap<&str, &str> = BTreeMap::new();
    for column in &mapping.columns {
        if let Some(ColumnTarget::Parameter { name }) = &column.target {
            if app.parameter(name).is_none() {
                problems.push(RowProblem::new(
                    None,
                    Some(column.column.clone()),
                    format!("\"{name}\" is not a parameter of \"{}\"", app.name),
                ));
            } else if let Some(other) = fed.insert(name, &column.column) {
                problems.push(RowProblem::new(
                    None,
                    Some(column.column.clone()),
                    format!("feeds \"{name}\", which column \"{other}\" already feeds"),
                ));
            }
        }
    }
    for name in mapping.constants.keys() {
        if app.parameter(name).is_none() {
            problems.push(RowProblem::new(
                None,
                None,
                format!(
                    "the constant \"{name}\" is not a parameter of \"{}\" (parameters: {})",
                    app.name,
                    parameter_names(app)
                ),
            ));
        } else if let Some(column) = fed.get(name.as_str()) {
            problems.push(RowProblem::new(
                None,
                Some((*column).to_owned()),
                format!("feeds \"{name}\", which also has a constant value; keep one of them"),
            ));
        }
    }
    let mut planned = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let cells: BTreeMap<String, String> = table
            .headers
            .iter()
            .cloned()
            .zip(row.cells.iter().cloned())
            .collect();
        let mut inputs = mapping.constants.clone();
        // Reported once above, not once per row.
        inputs.retain(|name, _| app.parameter(name).is_some());
        for (header, cell) in table.headers.iter().zip(&row.cells) {
            if let Some(param) = fed_param(mapping, header)
                && app.parameter(param).is_some()
            {
                inputs.insert(param.to_owned(), cell.clone());
            }
        }
        match validate_inputs(app, &inputs) {
            Ok(to_send) => planned.push(PlannedRow {
                line: row.line,
                cells,
                inputs: to_send,
            }),
            Err(error) => {
                let ApiErrorKind::InvalidInput { fields } = error.kind else {
                    problems.push(RowProblem::new(Some(row.line), None, error.message));
                    continue;
                };
                for field in fields {
                    let param = field.field.unwrap_or_default();
                    let column = fed.get(param.as_str()).map(|c| (*c).to_owned());
                    let value = inputs.get(&param).map(|v| v.trim()).unwrap_or_default();
                    let message = match (&column, value.is_empty()) {
                        (Some(_), true) => {
                            format!("a value is required (\"{param}\" has no default)")
                        }
                        (Some(_), false) => format!("'{value}' {}", field.reason),
                        (None, true) => format!(
                            "\"{param}\" is required and has no default, but no column feeds it \
                             and no constant is set"
                        ),
                        (None, false) => {
                            format!("the constant for \"{param}\", '{value}', {}", field.reason)
                        }
                    };
                    problems.push(RowProblem::new(Some(row.line), column, message));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        Err(BatchInputError { problems })
    }
}

fn fed_param<'m>(mapping: &'m Mapping, header: &str) -> Option<&'m str> {
    mapping
        .columns
        .iter()
        .find(|c| c.column == header)
        .and_then(|c| match &c.target {
            Some(ColumnTarget::Parameter { name }) => Some(name.as_str()),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_api::{Parameter, ParameterKind};

    fn app() -> App {
        let p =
            |name: &str, kind, required: bool, default: Option<&str>, options: &[&str]| Parameter {
                id: Some(format!("id-{}", name.to_lowercase().replace(' ', "-"))),
                name: name.into(),
                kind,
                required: Some(required),
                options: options.iter().map(|s| s.to_string()).collect(),
                default: default.map(str::to_owned),
                accept: vec![],
            };
        App {
            app_id: "a".into(),
            name: "Catalog".into(),
            description: String::new(),
            parameters: vec![
                p("Prompt", ParameterKind::Text, true, None, &[]),
                p(
                    "Style",
                    ParameterKind::Options,
                    true,
                    Some("Clean"),
                    &["Clean", "Editorial", "Warm"],
                ),
                p(
                    "Aspect Ratio",
                    ParameterKind::Options,
                    true,
                    Some("1:1"),
                    &["1:1", "16:9"],
                ),
            ],
        }
    }

    fn plan(
        csv: &str,
        overrides: &[(&str, &str)],
        keep: &[&str],
    ) -> Result<Vec<PlannedRow>, BatchInputError> {
        let app = app();
        let table = Table::parse(csv).unwrap();
        let overrides: Vec<_> = overrides
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let keep: Vec<_> = keep.iter().map(|s| s.to_string()).collect();
        let mapping = Mapping::auto(&app, &table.headers, &overrides, &keep)?;
        plan_rows(&app, &table, &mapping)
    }

    #[test]
    fn auto_maps_headers_by_name_or_id_ignoring_case_and_spaces() {
        let rows = plan(
            "SKU,prompt,aspect_ratio,id-style\nA1,shoe,16:9,Warm\n",
            &[],
            &["sku"],
        )
        .unwrap();
        assert_eq!(
            rows[0].inputs.get("Aspect Ratio").map(String::as_str),
            Some("16:9")
        );
        assert_eq!(
            rows[0].inputs.get("Style").map(String::as_str),
            Some("Warm")
        );
        assert_eq!(rows[0].cells.get("SKU").map(String::as_str), Some("A1"));
        assert!(!rows[0].inputs.contains_key("SKU"));
    }

    #[test]
    fn bad_rows_are_named_by_row_and_column_and_an_extra_column_is_only_a_notice() {
        let csv = "prompt,style,colour\nshoe,Clean,red\n,Clean,red\nbag,Neon,red\n";
        for keep_colour in [false, true] {
            let overrides: &[(&str, &str)] = if keep_colour { &[("colour", "-")] } else { &[] };
            let e = plan(csv, overrides, &[]).unwrap_err();
            let text = e.to_string();
            assert!(
                text.contains("row 3, column \"prompt\": a value is required"),
                "{text}"
            );
            assert!(
                text.contains(
                    "row 4, column \"style\": 'Neon' must be one of: Clean, Editorial, Warm"
                ),
                "{text}"
            );
            assert_eq!(e.problems.len(), 2, "{text}");
            assert!(!text.contains("colour"), "{text}");
        }
        // The unmapped column is kept for names, with a notice; `--map colour=-` silences it.
        let app = app();
        let table = Table::parse("prompt,colour\nshoe,red\n").unwrap();
        let mapping = Mapping::auto(&app, &table.headers, &[], &[]).unwrap();
        let notices = mapping.notices(&app);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].column.as_deref(), Some("colour"));
        assert!(
            notices[0]
                .message
                .contains("kept for file names and the manifest")
        );
        let rows = plan_rows(&app, &table, &mapping).unwrap();
        assert_eq!(rows[0].cells.get("colour").map(String::as_str), Some("red"));
        assert!(!rows[0].inputs.contains_key("colour"));
        let kept = Mapping::auto(&app, &table.headers, &[("colour".into(), "-".into())], &[]);
        assert!(kept.unwrap().notices(&app).is_empty());
    }

    #[test]
    fn column_and_row_problems_come_in_one_pass() {
        let app = app();
        let table = Table::parse("prompt,text,style\nshoe,x,Clean\n,y,Neon\n").unwrap();
        let (mut mapping, mut problems) = Mapping::auto_with_problems(
            &app,
            &table.headers,
            &[
                ("text".into(), "Colour".into()),
                ("nope".into(), "Prompt".into()),
            ],
            &[],
        );
        mapping.constants.insert("Mood".into(), "calm".into());
        problems.extend(plan_rows(&app, &table, &mapping).unwrap_err().problems);
        let text = BatchInputError { problems }.to_string();
        for expected in [
            "column \"text\": \"Colour\" is not a parameter",
            "column \"nope\": --map names a column the table does not have",
            "the constant \"Mood\" is not a parameter",
            "row 3, column \"prompt\": a value is required",
            "row 3, column \"style\": 'Neon' must be one of",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(text.starts_with("5 problems"), "{text}");
    }

    #[test]
    fn overrides_must_name_real_columns_and_parameters() {
        let e = plan(
            "text\nshoe\n",
            &[("text", "Colour"), ("nope", "Prompt")],
            &[],
        )
        .unwrap_err();
        assert_eq!(e.problems.len(), 2);
        let ok = plan("text\nshoe\n", &[("text", "prompt")], &[]).unwrap();
        assert_eq!(ok[0].inputs.get("Prompt").map(String::as_str), Some("shoe"));
    }

    #[test]
    fn a_mandatory_parameter_without_column_or_constant_is_reported_per_row() {
        let e = plan("style\nClean\n", &[], &[]).unwrap_err();
        assert!(
            e.to_string().contains("row 2: \"Prompt\" is required"),
            "{e}"
        );
    }
}
