//! A table of inputs: a CSV file or a table pasted from a spreadsheet (tab-separated), read with
//! the `csv` crate. The first row names the columns.

use serde::{Deserialize, Serialize};

use super::{BatchInputError, RowProblem};

/// Rows of text under named columns. `rows[i].line` is the row's number as a spreadsheet shows
/// it (the header is row 1), which is what every message names.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    pub line: u32,
    pub cells: Vec<String>,
}

/// The most rows one batch takes (a guard against pasting a whole catalogue by mistake).
pub const MAX_ROWS: usize = 10_000;

impl Table {
    /// Reads CSV or pasted text: the delimiter (comma, semicolon or tab) is the one the header
    /// line uses most. Blank lines are skipped; a row with more or fewer cells than the header
    /// is an error naming the row.
    pub fn parse(text: &str) -> Result<Self, BatchInputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let delimiter = sniff_delimiter(text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| BatchInputError::single(None, None, format!("the header row: {e}")))?
            .iter()
            .map(str::to_owned)
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(BatchInputError::single(
                None,
                None,
                "the table is empty: the first row must name the columns".into(),
            ));
        }
        let mut problems = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                problems.push(RowProblem::new(
                    Some(1),
                    None,
                    format!("column {} has no name in the header row", i + 1),
                ));
            } else if headers[..i].iter().any(|o| o.eq_ignore_ascii_case(h)) {
                problems.push(RowProblem::new(
                    Some(1),
                    Some(h.clone()),
                    "appears twice in the header row".into(),
                ));
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as u32);
                    problems.push(RowProblem::new(line, None, format!("cannot be read: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as u32);
            if record.iter().all(str::is_empty) {
                continue;
            }
            if record.len() != headers.len() {
                problems.push(RowProblem::new(
                    Some(line),
                    None,
                    format!(
                        "has {} cells but the header row has {} columns",
                        record.len(),
                        headers.len()
                    ),
                ));
                continue;
            }
            rows.push(TableRow {
                line,
                cells: record.iter().map(str::to_owned).collect(),
            });
            if rows.len() > MAX_ROWS {
                return Err(BatchInputError::single(
                    None,
                    None,
                    format!("the table has more than {MAX_ROWS} rows; split it into batches"),
                ));
            }
        }
        if rows.is_empty() && problems.is_empty() {
            problems.push(RowProblem::new(
                None,
                None,
                "the table has a header row but no rows".into(),
            ));
        }
        if problems.is_empty() {
            Ok(Self { headers, rows })
        } else {
            Err(BatchInputError { problems })
        }
    }
}

fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b'\t', b',', b';']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .filter(|d| header.as_bytes().contains(d))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_with_quotes_and_bom() {
        let t = Table::parse("\u{feff}sku,prompt\nA1,\"a red, shiny shoe\"\nB2,bag\n").unwrap();
        assert_eq!(t.headers, ["sku", "prompt"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["A1", "a red, shiny shoe"]);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].line, 3);
    }

    #[test]
    fn reads_pasted_tab_separated_tables() {
        let t = Table::parse("SKU\tPrompt\tAspect Ratio\nA1\tshoe, red\t16:9\n").unwrap();
        assert_eq!(t.headers.len(), 3);
        assert_eq!(t.rows[0].cells[1], "shoe, red");
    }

    #[test]
    fn ragged_rows_and_duplicate_headers_name_the_row() {
        let e = Table::parse("a,b,A\n1,2,3\n1,2\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("row 1, column \"A\": appears twice"),
            "{text}"
        );
        assert!(text.contains("row 3: has 2 cells"), "{text}");
    }
}
