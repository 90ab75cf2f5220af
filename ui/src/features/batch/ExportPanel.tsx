import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Details } from "../../components/Details";
import type { BatchSummary, ExportFormat } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";
import { useDebounced } from "../../lib/useDebounced";
import { useExportBatch, useExportName } from "./queries";

type FormatChoice = "png" | "jpeg" | "webp" | "original";
const SIZES = [0, 4096, 2048, 1600, 1200, 1024, 800];
const BUILT_INS = ["label", "n", "row", "app", "date", "run", "ext"];

/** A pattern that names files after the table's key column when there is one (e.g. a SKU). */
export function defaultPattern(columns: string[]): string {
  const key = columns.find((c) => /^(sku|id|code|name|product)$/i.test(c.trim()));
  return key ? `{${key}}_{label}_{n}.{ext}` : "{row}_{label}_{n}.{ext}";
}

function toFormat(choice: FormatChoice, quality: number): ExportFormat {
  switch (choice) {
    case "jpeg":
      return { format: "jpeg", quality };
    case "webp":
      return { format: "webp", quality };
    case "original":
      return { format: "original" };
    default:
      return { format: "png" };
  }
}

/** Folder or ZIP, names from a pattern (with a live example), format, quality and size. */
export function ExportPanel({ batch }: { batch: BatchSummary }) {
  const { t } = useTranslation("batch");
  const [zip, setZip] = useState(false);
  const [chooseFolder, setChooseFolder] = useState(false);
  const [pattern, setPattern] = useState(() => defaultPattern(batch.columns));
  const [choice, setChoice] = useState<FormatChoice>("png");
  const [quality, setQuality] = useState(90);
  const [size, setSize] = useState(0);
  const format = toFormat(choice, quality);
  const example = useExportName(batch.batchId, useDebounced(pattern, 150), format);
  const run = useExportBatch(batch.batchId);
  const result = run.data;

  const insert = (field: string) =>
    setPattern((p) => `${p.replace(/\.\{ext\}$/, "")}_{${field}}.{ext}`);

  return (
    <section
      className="batch-export card-panel"
      aria-labelledby="batch-export-title"
      data-testid="batch-export"
    >
      <h2 id="batch-export-title" className="batch-section-heading">
        {t("export.title")}
      </h2>
      <p className="field-help">{t("export.help")}</p>
      <div className="batch-export-grid">
        <fieldset className="field">
          <legend className="field-label">{t("export.destination")}</legend>
          <div className="segmented" role="radiogroup" aria-label={t("export.destination")}>
            <button
              type="button"
              role="radio"
              className="segment"
              aria-checked={!chooseFolder}
              onClick={() => setChooseFolder(false)}
            >
              {t("export.defaultFolder")}
            </button>
            <button
              type="button"
              role="radio"
              className="segment"
              data-testid="batch-export-choose"
              aria-checked={chooseFolder}
              onClick={() => setChooseFolder(true)}
            >
              {t("export.chooseFolder")}
            </button>
          </div>
        </fieldset>
        <fieldset className="field">
          <legend className="field-label">{t("export.packing")}</legend>
          <div className="segmented" role="radiogroup" aria-label={t("export.packing")}>
            <button
              type="button"
              role="radio"
              className="segment"
              aria-checked={!zip}
              onClick={() => setZip(false)}
            >
              {t("export.folder")}
            </button>
            <button
              type="button"
              role="radio"
              className="segment"
              data-testid="batch-export-zip"
              aria-checked={zip}
              onClick={() => setZip(true)}
            >
              {t("export.zip")}
            </button>
          </div>
        </fieldset>

        <div className="field batch-pattern-field">
          <label className="field-label" htmlFor="batch-pattern">
            {t("export.pattern")}
          </label>
          <input
            id="batch-pattern"
            className={`input batch-pattern${example.isError ? " invalid" : ""}`}
            data-testid="batch-pattern"
            spellCheck={false}
            value={pattern}
            aria-describedby="batch-pattern-example"
            onChange={(e) => setPattern(e.target.value)}
          />
          <div className="chips batch-fields">
            {[...batch.columns, ...BUILT_INS.filter((b) => b !== "ext")].map((f) => (
              <button
                key={f}
                type="button"
                className="chip"
                aria-label={t("export.insert", { field: `{${f}}` })}
                onClick={() => insert(f)}
              >
                {`{${f}}`}
              </button>
            ))}
          </div>
          <p id="batch-pattern-example" className="field-help" data-testid="batch-pattern-example">
            {example.isError ? (
              <span className="field-error">{friendlyError(example.error).message}</span>
            ) : (
              example.data && t("export.example", { name: example.data })
            )}
          </p>
        </div>

        <div className="field">
          <label className="field-label" htmlFor="batch-format">
            {t("export.format")}
          </label>
          <select
            id="batch-format"
            className="input select"
            data-testid="batch-format"
            value={choice}
            onChange={(e) => setChoice(e.target.value as FormatChoice)}
          >
            <option value="png">{t("export.png")}</option>
            <option value="jpeg">{t("export.jpeg")}</option>
            <option value="webp">{t("export.webp")}</option>
            <option value="original">{t("export.original")}</option>
          </select>
        </div>
        {(choice === "jpeg" || choice === "webp") && (
          <div className="field">
            <label className="field-label" htmlFor="batch-quality">
              {t("export.quality")} <output>{quality}</output>
            </label>
            <input
              id="batch-quality"
              type="range"
              min={10}
              max={100}
              step={5}
              value={quality}
              onChange={(e) => setQuality(Number(e.target.value))}
            />
          </div>
        )}
        <div className="field">
          <label className="field-label" htmlFor="batch-size">
            {t("export.size")}
          </label>
          <select
            id="batch-size"
            className="input select"
            value={size}
            disabled={choice === "original"}
            onChange={(e) => setSize(Number(e.target.value))}
          >
            {SIZES.map((px) => (
              <option key={px} value={px}>
                {px === 0 ? t("export.sizeOriginal") : t("export.sizeLongest", { px })}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="batch-export-run"
          disabled={run.isPending || example.isError || pattern.trim() === ""}
          onClick={() =>
            run.mutate({
              zip,
              pattern,
              format,
              longestSide: size > 0 && choice !== "original" ? size : null,
              chooseFolder,
            })
          }
        >
          {run.isPending ? t("export.exporting") : t("export.export")}
        </button>
      </div>
      {run.isError && (
        <div className="inline-error" role="alert">
          {friendlyError(run.error).message}
          <Details text={friendlyError(run.error).detail} />
        </div>
      )}
      {result && result.cancelled && <p className="muted">{t("export.cancelled")}</p>}
      {result && !result.cancelled && (
        <div className="batch-export-done" role="status" data-testid="batch-export-done">
          <p>{t("export.done", { count: result.files, location: result.location ?? "" })}</p>
          {result.skipped > 0 && (
            <p className="muted">{t("export.skipped", { count: result.skipped })}</p>
          )}
          <Details label={t("export.files")} text={result.paths.join("\n")} />
        </div>
      )}
    </section>
  );
}
