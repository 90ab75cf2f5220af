//! Export packs: the outputs of a batch, a run or a selection of runs written into a folder or
//! a ZIP, named from a pattern ([`NamePattern`]), converted to PNG/JPEG/WebP with a quality and
//! an optional longest side (the same pipeline as "Save as…"), with `manifest.csv` tying each
//! file to its row, inputs and run id.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::naming::{NameContext, NamePattern};
use crate::outputs::{ExportFormat, OutputError, OutputLimits, export_image};
use crate::record::RunRecord;
use crate::store::{Store, StoreError};

pub const MANIFEST_NAME: &str = "manifest.csv";

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    /// A folder (created if missing), or the `.zip` file to write when `zip` is set.
    pub dest: PathBuf,
    pub zip: bool,
    /// e.g. `{sku}_{label}_{n}.{ext}`; see [`NamePattern`].
    pub pattern: String,
    pub format: ExportFormat,
    /// Scale down so the longest side is at most this many pixels (never up).
    pub longest_side: Option<u32>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    /// The file's name inside the folder or the ZIP.
    pub name: String,
    pub row: Option<u32>,
    pub run_id: Option<String>,
    pub local_id: String,
    pub label: String,
    pub n: u32,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub files: Vec<ExportedFile>,
    /// The folder or the ZIP written.
    pub dest: PathBuf,
    /// Runs that had no kept output to export (not finished, failed, ...), by local id.
    pub skipped: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Pattern(String),
    #[error("Could not convert {name}: {source}")]
    Output { name: String, source: OutputError },
    #[error("Could not write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("Could not write the ZIP: {0}")]
    Zip(String),
    #[error("Could not write the manifest: {0}")]
    Manifest(String),
}

/// One run to export with what its names may use.
#[derive(Debug, Clone)]
pub struct ExportSource {
    pub run: RunRecord,
    pub row: Option<u32>,
    pub cells: Option<BTreeMap<String, String>>,
}

/// Every row of a batch that has kept outputs.
pub fn export_batch(
    store: &Store,
    batch_id: &str,
    options: &ExportOptions,
    limits: &OutputLimits,
) -> Result<ExportReport, ExportError> {
    let summary = store
        .batch(batch_id)?
        .ok_or_else(|| StoreError::missing(batch_id))?;
    let mut skipped = Vec::new();
    let sources: Vec<ExportSource> = store
        .batch_rows(batch_id)?
        .into_iter()
        .filter_map(|row| match row.run {
            Some(run) => Some(ExportSource {
                run,
                row: Some(row.line),
                cells: Some(row.cells),
            }),
            None => {
                skipped.push(format!("row {}", row.line));
                None
            }
        })
        .collect();
    let mut report = export_sources(&sources, &summary.columns, options, limits)?;
    skipped.append(&mut report.skipped);
    report.skipped = skipped;
    Ok(report)
}

/// A run or a selection of runs (names may use the built-in placeholders only).
pub fn export_runs(
    store: &Store,
    local_ids: &[String],
    options: &ExportOptions,
    limits: &OutputLimits,
) -> Result<ExportReport, ExportError> {
    let mut sources = Vec::new();
    for id in local_ids {
        let run = store.find(id)?.ok_or_else(|| StoreError::missing(id))?;
        sources.push(ExportSource {
            run,
            row: None,
            cells: None,
        });
    }
    export_sources(&sources, &[], options, limits)
}

pub fn export_sources(
    sources: &[ExportSource],
    columns: &[String],
    options: &ExportOptions,
    limits: &OutputLimits,
) -> Result<ExportReport, ExportError> {
    let pattern = NamePattern::parse(&options.pattern, columns)
        .map_err(|e| ExportError::Pattern(e.to_string()))?;
    // Folder: straight into it. ZIP: a scratch folder beside the ZIP, zipped, then removed.
    let scratch;
    let folder: &Path = if options.zip {
        let parent = options
            .dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        scratch = tempfile::tempdir_in(parent)?;
        scratch.path()
    } else {
        std::fs::create_dir_all(&options.dest)?;
        &options.dest
    };

    let mut taken: HashSet<String> = HashSet::new();
    taken.insert(MANIFEST_NAME.to_lowercase());
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut manifest = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["file", "row", "run_id", "local_id", "app", "label", "n"]
        .map(str::to_owned)
        .to_vec();
    header.extend(columns.iter().cloned());
    header.push("inputs".into());
    manifest
        .write_record(&header)
        .map_err(|e| ExportError::Manifest(e.to_string()))?;

    for source in sources {
        let run = &source.run;
        let kept: Vec<_> = run
            .outputs
            .iter()
            .filter_map(|o| o.file.as_ref().map(|f| (o, f)))
            .collect();
        if kept.is_empty() {
            skipped.push(run.local_id.clone());
            continue;
        }
        for (n, (output, file)) in kept.into_iter().enumerate() {
            let n = n + 1;
            let source_kind = crate::outputs::sniff(&read_head(&file.path)?).map_err(|e| {
                ExportError::Output {
                    name: file.path.display().to_string(),
                    source: e,
                }
            })?;
            let ext = options.format.kind().unwrap_or(source_kind).extension();
            // A video cannot be converted: it keeps its own format.
            let format = if source_kind.is_image() {
                options.format
            } else {
                ExportFormat::Original
            };
            let ext = if source_kind.is_image() {
                ext
            } else {
                source_kind.extension()
            };
            let label = output
                .label
                .clone()
                .unwrap_or_else(|| format!("output {n}"));
            let name = pattern.render(&NameContext {
                cells: source.cells.as_ref(),
                app: &run.app_name,
                label: &label,
                n,
                row: source.row,
                date: run.created_at.format("%Y-%m-%d").to_string(),
                run: run.run_id.as_deref().unwrap_or(&run.local_id),
                ext,
            });
            let name = unique(name, &mut taken);
            export_image(
                &file.path,
                &folder.join(&name),
                format,
                options.longest_side,
                limits,
            )
            .map_err(|e| ExportError::Output {
                name: name.clone(),
                source: e,
            })?;
            let mut record = vec![
                name.clone(),
                source.row.map(|r| r.to_string()).unwrap_or_default(),
                run.run_id.clone().unwrap_or_default(),
                run.local_id.clone(),
                run.app_name.clone(),
                label.clone(),
                n.to_string(),
            ];
            for column in columns {
                record.push(
                    source
                        .cells
                        .as_ref()
                        .and_then(|c| c.get(column).cloned())
                        .unwrap_or_default(),
                );
            }
            record.push(serde_json::to_string(&run.inputs).unwrap_or_default());
            manifest
                .write_record(&record)
                .map_err(|e| ExportError::Manifest(e.to_string()))?;
            files.push(ExportedFile {
                name,
                row: source.row,
                run_id: run.run_id.clone(),
                local_id: run.local_id.clone(),
                label,
                n: n as u32,
            });
        }
    }
    let manifest = manifest
        .into_inner()
        .map_err(|e| ExportError::Manifest(e.to_string()))?;
    std::fs::write(folder.join(MANIFEST_NAME), &manifest)?;

    if options.zip {
        write_zip(folder, &files, &options.dest)?;
    }
    Ok(ExportReport {
        files,
        dest: options.dest.clone(),
        skipped,
    })
}

/// Files are already compressed images: stored as they are (the manifest too, for simplicity).
fn write_zip(folder: &Path, files: &[ExportedFile], dest: &Path) -> Result<(), ExportError> {
    let zip_err = |e: zip::result::ZipError| ExportError::Zip(e.to_string());
    let partial = dest.with_extension("zip.partial");
    {
        let out = std::fs::File::create(&partial)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(false);
        let names = std::iter::once(MANIFEST_NAME).chain(files.iter().map(|f| f.name.as_str()));
        for name in names {
            zip.start_file(name, options).map_err(zip_err)?;
            let mut input = std::fs::File::open(folder.join(name))?;
            std::io::copy(&mut input, &mut zip)?;
        }
        let mut inner = zip.finish().map_err(zip_err)?;
        inner.flush()?;
    }
    std::fs::rename(&partial, dest)?;
    Ok(())
}

fn unique(name: String, taken: &mut HashSet<String>) -> String {
    if taken.insert(name.to_lowercase()) {
        return name;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name.as_str(), ""),
    };
    (2..)
        .map(|i| format!("{stem}-{i}{ext}"))
        .find(|candidate| taken.insert(candidate.to_lowercase()))
        .unwrap_or(name)
}

fn read_head(path: &Path) -> Result<Vec<u8>, std::io::Error> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_get_a_suffix() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a.png".into(), &mut taken), "a.png");
        assert_eq!(unique("A.png".into(), &mut taken), "A-2.png");
        assert_eq!(unique("a.png".into(), &mut taken), "a-3.png");
    }
}
