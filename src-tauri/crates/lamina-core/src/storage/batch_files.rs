//! Local files in batches: a `url` column may hold file paths (absolute, or relative to the
//! table's folder), or a folder gives one row per image ([`folder_table`]). Every file is
//! checked before anything is sent (a missing, unreadable or non-picture file is a row problem,
//! in the same one-pass list as the table's other problems), then all are uploaded in parallel,
//! a few at a time, and the rows get the links.
//!
//! Two ways to finish, one check: the CLI uploads first and commits the batch with links
//! ([`upload_local_files`]); the desktop app journals the uploads, commits the batch with
//! `lamina-upload:<id>` references ([`submit_local_files`]), uploads them in the background
//! ([`upload_submitted`]) and the scheduler turns each reference into its link just before the
//! row starts (a row whose upload failed is not started and says why).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use lamina_api::{App, ParameterKind};
use serde::{Deserialize, Serialize};

use super::uploads::{UPLOAD_REF_PREFIX, UploadError, Uploader};
use crate::Store;
use crate::batch::table::TableRow;
use crate::batch::{ColumnTarget, Mapping, PlannedRow, RowProblem, Table};

/// Uploads at once in a batch.
pub const PARALLEL_UPLOADS: usize = 4;
const PLACEHOLDER: &str = "https://local-file.invalid/";

/// A local file a batch cell names, replaced in the table by a placeholder link until uploaded.
/// Cells naming the same file share one placeholder (and one upload).
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub placeholder: String,
    pub path: PathBuf,
    /// The cell as written (what the row's cells keep, for names and the manifest).
    pub written: String,
    /// The first row and column that named it.
    pub line: u32,
    pub column: String,
}

/// What a file's first bytes say it is: `Ok` for a picture the upload can take (the upload
/// itself converts or refuses the rarer kinds with its own words), else what it is instead.
fn sniff_picture(path: &Path) -> std::io::Result<Result<(), &'static str>> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    if head.is_empty() {
        return Ok(Err("it is empty"));
    }
    // HEIC and other ISO media files: the upload decides (it converts or says why not).
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Ok(Ok(()));
    }
    Ok(match image::guess_format(&head) {
        Ok(
            image::ImageFormat::Jpeg
            | image::ImageFormat::Png
            | image::ImageFormat::WebP
            | image::ImageFormat::Gif
            | image::ImageFormat::Tiff
            | image::ImageFormat::Bmp,
        ) => Ok(()),
        Ok(_) => Err("it is a kind of picture that can't be used"),
        Err(_) if head.starts_with(b"%PDF") => Err("it is a PDF document"),
        Err(_) if std::str::from_utf8(&head).is_ok() => Err("it is a text file"),
        Err(_) => Err("it is not a picture"),
    })
}

/// Why a named file can't be used, in words for the problems list; `None` when it can.
fn file_problem(path: &Path, shown: &str) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Some(format!("{shown} is a folder, not a photo")),
        Ok(_) => match sniff_picture(path) {
            Ok(Ok(())) => None,
            Ok(Err(what)) => Some(format!("the file {shown} isn't a photo: {what}")),
            Err(error) => Some(format!("the file {shown} can't be read ({error})")),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("the file {shown} isn't there"))
        }
        Err(error) => Some(format!("the file {shown} can't be read ({error})")),
    }
}

/// Replaces every local path in a `url` column by a placeholder link (so the table validates as
/// usual) and checks each file; returns the files and the problems (missing, unreadable, not a
/// picture). Relative paths are taken from `base_dir`, the table's folder; without one (a
/// pasted table) only full paths can be found.
pub fn take_local_files(
    app: &App,
    table: &mut Table,
    mapping: &Mapping,
    base_dir: Option<&Path>,
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
    let mut files: Vec<LocalFile> = Vec::new();
    let mut by_path: HashMap<PathBuf, String> = HashMap::new();
    let mut problems = Vec::new();
    for row in &mut table.rows {
        for &column in &url_columns {
            let Some(cell) = row.cells.get_mut(column) else {
                continue;
            };
            let value = cell.trim().to_owned();
            if value.is_empty() || value.starts_with("http://") || value.starts_with("https://") {
                continue;
            }
            let header = table.headers[column].clone();
            let named = Path::new(value.strip_prefix('@').unwrap_or(&value));
            let path = match base_dir {
                Some(base) => base.join(named),
                None if named.is_absolute() => named.to_path_buf(),
                None => {
                    // Said once, here (not again as "not a web address" by the row check).
                    *cell = format!("{PLACEHOLDER}unusable");
                    problems.push(RowProblem::new(
                        Some(row.line),
                        Some(header),
                        format!(
                            "{value} is not a web address or a full path to a photo; choose \
                             the table as a file so its folder is known, or write the whole path"
                        ),
                    ));
                    continue;
                }
            };
            if let Some(placeholder) = by_path.get(&path) {
                *cell = placeholder.clone();
                continue;
            }
            if let Some(problem) = file_problem(&path, &value) {
                *cell = format!("{PLACEHOLDER}unusable");
                problems.push(RowProblem::new(Some(row.line), Some(header), problem));
                continue;
            }
            let placeholder = format!("{PLACEHOLDER}{}", files.len());
            by_path.insert(path.clone(), placeholder.clone());
            *cell = placeholder.clone();
            files.push(LocalFile {
                placeholder,
                path,
                written: value,
                line: row.line,
                column: header,
            });
        }
    }
    (files, problems)
}

/// A file of a chosen folder that gets no row, and why.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedFile {
    pub name: String,
    pub reason: String,
}

/// "One run per image in this folder": a one-column table (headed by the app's `parameter`)
/// of the pictures' file names, relative to the folder (so the folder is the table's base).
#[derive(Debug, Clone)]
pub struct FolderTable {
    pub table: Table,
    /// Files that are not pictures (sorted by name); hidden files are left out silently.
    pub skipped: Vec<SkippedFile>,
}

impl FolderTable {
    /// The table as CSV text (what the Batch screen shows and edits).
    pub fn csv_text(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(&self.table.headers);
        for row in &self.table.rows {
            let _ = writer.write_record(&row.cells);
        }
        writer
            .into_inner()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

/// One row per picture in `folder`, sorted by name; pictures are told by their first bytes,
/// not their extension.
pub fn folder_table(folder: &Path, parameter: &str) -> std::io::Result<FolderTable> {
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (name, path) in entries {
        let reason = if path.is_dir() {
            Some("a folder (only the pictures directly in the chosen folder are used)".to_owned())
        } else {
            match sniff_picture(&path) {
                Ok(Ok(())) => None,
                Ok(Err(what)) => Some(format!("not a photo: {what}")),
                Err(error) => Some(format!("can't be read ({error})")),
            }
        };
        match reason {
            Some(reason) => skipped.push(SkippedFile { name, reason }),
            None => rows.push(TableRow {
                line: rows.len() as u32 + 2,
                cells: vec![name],
            }),
        }
    }
    Ok(FolderTable {
        table: Table {
            headers: vec![parameter.to_string()],
            rows,
        },
        skipped,
    })
}

/// Puts each placeholder's replacement (a link, or an upload reference) in the planned rows'
/// inputs; their cells get the path back as it was written.
fn swap_placeholders(
    rows: &mut [PlannedRow],
    files: &[LocalFile],
    replacements: &BTreeMap<String, String>,
) {
    let written: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.placeholder.as_str(), f.written.as_str()))
        .collect();
    for row in rows {
        for value in row.inputs.values_mut() {
            if let Some(replacement) = replacements.get(value.as_str()) {
                *value = replacement.clone();
            }
        }
        for value in row.cells.values_mut() {
            if let Some(original) = written.get(value.as_str()) {
                *value = (*original).to_owned();
            }
        }
    }
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
    swap_placeholders(rows, files, &links);
    Ok(())
}

/// Journals every file as an upload (nothing is sent yet) and puts its reference
/// (`lamina-upload:<id>`) in the planned rows; returns the upload ids. A file that went away
/// since the check is a row problem.
pub fn submit_local_files(
    uploader: &Uploader,
    files: &[LocalFile],
    rows: &mut [PlannedRow],
) -> Result<Vec<String>, Vec<RowProblem>> {
    let mut references = BTreeMap::new();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match uploader.submit_path(&file.path) {
            Ok(ticket) => {
                references.insert(file.placeholder.clone(), ticket.input_value);
                ids.push(ticket.id);
            }
            Err(error) => problems.push(RowProblem::new(
                Some(file.line),
                Some(file.column.clone()),
                error.to_string(),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    swap_placeholders(rows, files, &references);
    Ok(ids)
}

/// Runs journaled uploads, `PARALLEL_UPLOADS` at a time, calling `each` after every one ends
/// (done or failed: a failure is journaled, and the row that needs it will say why).
pub async fn upload_submitted(uploader: &Uploader, ids: &[String], each: impl Fn()) {
    futures_util::stream::iter(ids.to_vec())
        .map(|id| {
            let uploader = uploader.clone();
            async move {
                if let Err(error) = uploader.run(&id).await {
                    tracing::info!(upload = %id, %error, "a batch photo could not be uploaded");
                }
            }
        })
        .buffer_unordered(PARALLEL_UPLOADS)
        .for_each(|()| async { each() })
        .await;
}

/// Where a batch's photo uploads stand.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadTally {
    pub total: u32,
    pub done: u32,
    pub failed: u32,
}

/// The upload ids the values refer to (`lamina-upload:<id>`), each once.
pub fn upload_ids<'a>(values: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut ids: Vec<String> = values
        .into_iter()
        .filter_map(|v| v.strip_prefix(UPLOAD_REF_PREFIX))
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// How many of these uploads are done or failed, from the journal.
pub fn tally_uploads(store: &Store, ids: &[String]) -> UploadTally {
    let conn = store.lock();
    let mut tally = UploadTally {
        total: ids.len() as u32,
        ..UploadTally::default()
    };
    let Ok(mut statement) = conn.prepare_cached("SELECT state FROM uploads WHERE id = ?1") else {
        return tally;
    };
    for id in ids {
        match statement
            .query_row([id], |r| r.get::<_, String>(0))
            .as_deref()
        {
            Ok("done") => tally.done += 1,
            Ok("failed") => tally.failed += 1,
            _ => {}
        }
    }
    tally
}

/// Puts failed uploads back in the queue (their photo may have been fixed): the row that needs
/// one runs it again just before it starts. Returns how many.
pub fn requeue_failed_uploads(store: &Store, ids: &[String]) -> usize {
    let conn = store.lock();
    ids.iter()
        .map(|id| {
            conn.execute(
                "UPDATE uploads SET state = 'queued', error = NULL WHERE id = ?1 AND state = 'failed'",
                [id],
            )
            .unwrap_or(0)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamina_api::Parameter;

    fn app() -> App {
        let p = |name: &str, kind| Parameter {
            id: None,
            name: name.into(),
            kind,
            required: Some(false),
            options: vec![],
            default: None,
            accept: vec![],
        };
        App {
            app_id: "a".into(),
            name: "Hero".into(),
            description: String::new(),
            parameters: vec![
                p("Prompt", ParameterKind::Text),
                p("Reference", ParameterKind::Url),
            ],
        }
    }

    fn problems(csv: &str, base: Option<&Path>) -> (usize, Vec<String>) {
        let app = app();
        let mut table = Table::parse(csv).unwrap();
        let mapping = Mapping::auto(&app, &table.headers, &[], &[]).unwrap();
        let (files, problems) = take_local_files(&app, &mut table, &mapping, base);
        let words = problems
            .iter()
            .map(|p| format!("{}|{}", p.row.unwrap_or(0), p.message))
            .collect();
        (files.len(), words)
    }

    #[test]
    fn every_kind_of_unusable_file_is_a_row_problem_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let png = image::RgbImage::from_pixel(4, 4, image::Rgb([9, 9, 9]));
        png.save(dir.path().join("ok.png")).unwrap();
        std::fs::write(dir.path().join("notes.png"), "not a picture").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let csv = "Prompt,Reference\n\
                   a,ok.png\n\
                   b,gone.png\n\
                   c,notes.png\n\
                   d,sub\n\
                   e,https://example.com/x.png\n\
                   f,ok.png\n";
        let (files, said) = problems(csv, Some(dir.path()));
        assert_eq!(files, 1, "ok.png once, though two rows name it");
        assert_eq!(
            said,
            [
                "3|the file gone.png isn't there",
                "4|the file notes.png isn't a photo: it is a text file",
                "5|sub is a folder, not a photo",
            ]
        );
        // A pasted table has no folder: relative paths can't be found, whole ones can.
        let whole = dir.path().join("ok.png");
        let csv = format!("Prompt,Reference\na,ok.png\nb,{}\n", whole.display());
        let (files, said) = problems(&csv, None);
        assert_eq!(files, 1);
        assert_eq!(said.len(), 1);
        assert!(said[0].starts_with("2|ok.png is not a web address or a full path"));
    }
}
