//! Local files in batches: a `url` column may hold file paths (absolute, or relative to the
//! CSV), or a folder gives one row per image. Every file is checked before anything is sent (a
//! missing or unreadable one is a row problem, in the same one-pass list as the table's other
//! problems), then all are uploaded in parallel, a few at a time, and the rows get the links.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use lamina_api::{App, ParameterKind};

use super::uploads::{UploadError, Uploader};
use crate::batch::table::TableRow;
use crate::batch::{ColumnTarget, Mapping, PlannedRow, RowProblem, Table};

/// Uploads at once in a batch.
pub const PARALLEL_UPLOADS: usize = 4;
const PLACEHOLDER: &str = "https://local-file.invalid/";
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp", "heic",
];

/// A local file a batch cell names, replaced in the table by a placeholder link until uploaded.
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub placeholder: String,
    pub path: PathBuf,
    pub line: u32,
    pub column: String,
}

/// Replaces every local path in a `url` column by a placeholder link (so the table validates as
/// usual) and checks each file; returns the files and the problems (missing, unreadable).
pub fn take_local_files(
    app: &App,
    table: &mut Table,
    mapping: &Mapping,
    base_dir: &Path,
) -> (Vec<LocalFile>, Vec<RowProblem>) {
    let url_columns: Vec<usize> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(_, header)| {
            mapping.columns.iter().any(|c| {
                &c.column == *header
                    && matches!(&c.target, Some(ColumnTarget::Parameter { name })
                        if app.parameter(name).is_some_and(|p| p.kind == ParameterKind::Url))
            })
        })
        .map(|(i, _)| i)
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for row in &mut table.rows {
        for &column in &url_columns {
            let Some(cell) = row.cells.get_mut(column) else {
                continue;
            };
            let value = cell.trim();
            if value.is_empty() || value.starts_with("http://") || value.starts_with("https://") {
                continue;
            }
            let path = base_dir.join(value.strip_prefix('@').unwrap_or(value));
            let header = table.headers[column].clone();
            match std::fs::File::open(&path).and_then(|f| f.metadata()) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => {
                    problems.push(RowProblem::new(
                        Some(row.line),
                        Some(header),
                        format!("'{value}' is a folder, not a photo"),
                    ));
                    continue;
                }
                Err(error) => {
                    let reason = if error.kind() == std::io::ErrorKind::NotFound {
                        "no such file".to_string()
                    } else {
                        format!("can't be read ({error})")
                    };
                    problems.push(RowProblem::new(
                        Some(row.line),
                        Some(header),
                        format!("'{value}': {reason}"),
                    ));
                    continue;
                }
            }
            let placeholder = format!("{PLACEHOLDER}{}", files.len());
            *cell = placeholder.clone();
            files.push(LocalFile {
                placeholder,
                path,
                line: row.line,
                column: header,
            });
        }
    }
    (files, problems)
}

/// A table with one row per image in `folder` (sorted by name), its one column named after
/// the app's `parameter`.
pub fn folder_table(folder: &Path, parameter: &str) -> std::io::Result<Table> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    names.sort();
    let rows = names
        .into_iter()
        .enumerate()
        .map(|(i, path)| TableRow {
            line: i as u32 + 2,
            cells: vec![path.to_string_lossy().into_owned()],
        })
        .collect();
    Ok(Table {
        headers: vec![parameter.to_string()],
        rows,
    })
}

/// Uploads every file, `PARALLEL_UPLOADS` at a time, and puts the links in the planned rows.
/// A failure names the row and column.
pub async fn upload_local_files(
    uploader: &Uploader,
    files: &[LocalFile],
    rows: &mut [PlannedRow],
) -> Result<(), Vec<RowProblem>> {
    let results: Vec<(LocalFile, Result<String, UploadError>)> =
        futures_util::stream::iter(files.iter().cloned())
            .map(|file| async move {
                let link = async {
                    let ticket = uploader.submit_path(&file.path)?;
                    uploader.run(&ticket.id).await?;
                    Ok(uploader.fresh_link(&ticket.id).await?.url)
                }
                .await;
                (file, link)
            })
            .buffer_unordered(PARALLEL_UPLOADS)
            .collect()
            .await;
    let mut links = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, result) in results {
        match result {
            Ok(link) => {
                links.insert(file.placeholder, link);
            }
            Err(error) => problems.push(RowProblem::new(
                Some(file.line),
                Some(file.column),
                error.to_string(),
            )),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(problems);
    }
    for row in rows {
        for value in row.inputs.values_mut() {
            if let Some(link) = links.get(value.as_str()) {
                *value = link.clone();
            }
        }
        for value in row.cells.values_mut() {
            if let Some(link) = links.get(value.as_str()) {
                *value = link.clone();
            }
        }
    }
    Ok(())
}
