import { useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import { Details } from "../../components/Details";
import { useBackend } from "../../lib/backend/context";
import type { Mapping } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";
import { formatNumber } from "../../i18n/format";
import { useCatalog, useApp } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { useDebounced } from "../../lib/useDebounced";
import { MappingTable } from "./MappingTable";
import { KeptColumnsNotice, ProblemList } from "./ProblemList";
import { FolderPicker } from "./FolderPicker";
import { useUsage } from "../usage/useUsage";
import { useBatchPreview, useStartBatch } from "./queries";

/** App → table (file, paste or drop) → columns → problems or summary → Run. Nothing is sent
 * before Run, and Run stays disabled while any row has a problem. */
export function NewBatch() {
  const { t } = useTranslation("batch");
  const backend = useBackend();
  const navigate = useUi((s) => s.navigate);
  const catalog = useCatalog("");
  const [appId, setAppId] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  // The file or folder the table came from (local paths in it are relative to that); a token.
  const [source, setSource] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [pickError, setPickError] = useState<unknown>(null);
  const debouncedText = useDebounced(text, 250);
  const app = useApp(appId ?? "");
  const preview = useBatchPreview(appId, debouncedText, mapping, source);
  const data = preview.data;
  const ready = data !== undefined && data.problems.length === 0 && data.runs > 0;
  const usage = useUsage();
  const balance = usage.data?.credits?.balance ?? null;
  const start = useStartBatch();
  const settled = !preview.isFetching && debouncedText === text;

  const loadText = (value: string, file: string | null, from?: string | null) => {
    setText(value);
    setFileName(file);
    setMapping(null);
    // A new file or folder brings its own place; edits keep it, a cleared box forgets it.
    if (from !== undefined) setSource(from);
    else if (value.trim() === "") setSource(null);
    if (file && name.trim() === "") setName(file.replace(/\.(csv|tsv|txt)$/i, ""));
  };

  const pick = async () => {
    setPickError(null);
    try {
      const file = await backend.pickBatchFile();
      if (file) loadText(file.text, file.name, file.source);
    } catch (error) {
      setPickError(error);
    }
  };

  const onDrop = (event: DragEvent<HTMLTextAreaElement>) => {
    const file = event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    void file.text().then((value) => loadText(value, file.name, null));
  };

  const run = () => {
    if (!appId || !data) return;
    start.mutate(
      { appId, name, text, mapping: data.mapping, source },
      { onSuccess: (batch) => navigate({ page: "batch", batchId: batch.batchId }) },
    );
  };

  const appName = app.data?.name ?? "";
  return (
    <section
      className="batch-new card-panel"
      aria-labelledby="batch-new-title"
      data-testid="batch-new"
    >
      <h2 id="batch-new-title" className="batch-section-heading">
        {t("new.title")}
      </h2>

      <div className="field">
        <label className="field-label" htmlFor="batch-app">
          {t("new.appLabel")}
        </label>
        <select
          id="batch-app"
          className="input select batch-app-select"
          data-testid="batch-app"
          value={appId ?? ""}
          onChange={(e) => {
            setAppId(e.target.value === "" ? null : e.target.value);
            setMapping(null);
          }}
        >
          <option value="">{t("new.appPlaceholder")}</option>
          {(catalog.data?.apps ?? []).map((a) => (
            <option key={a.appId} value={a.appId}>
              {a.name}
            </option>
          ))}
        </select>
      </div>

      {appId && (
        <div className="field">
          <div className="field-label-row">
            <label className="field-label" htmlFor="batch-table">
              {t("new.tableLabel")}
            </label>
            <button
              type="button"
              className="btn btn-small"
              data-testid="batch-pick-file"
              onClick={() => void pick()}
            >
              {t("new.chooseFile")}
            </button>
          </div>
          <p className="field-help">{t("new.tableHelp")}</p>
          {app.data?.parameters.some((p) => p.type === "url") && (
            <p className="field-help">{t("new.photosHelp")}</p>
          )}
          {fileName && <p className="batch-file">{t("new.fileLoaded", { name: fileName })}</p>}
          {pickError !== null && (
            <p className="inline-error" role="alert">
              {friendlyError(pickError).message}
            </p>
          )}
          <textarea
            id="batch-table"
            className="input textarea batch-table-input"
            data-testid="batch-paste"
            rows={6}
            spellCheck={false}
            aria-describedby="batch-table-hint"
            placeholder={t("new.pastePlaceholder")}
            value={text}
            onChange={(e) => loadText(e.target.value, null)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={onDrop}
          />
          <p id="batch-table-hint" className="field-help">
            {t("new.pasteLabel")} · {t("new.dropHint")}
          </p>
          {app.data && (
            <FolderPicker
              key={appId}
              app={app.data}
              onLoaded={(folder) => loadText(folder.text, folder.name, folder.source)}
            />
          )}
        </div>
      )}

      {appId && text.trim() !== "" && preview.isError && (
        <p className="inline-error" role="alert">
          {friendlyError(preview.error).message}
        </p>
      )}
      {appId && text.trim() !== "" && !data && preview.isFetching && (
        <p className="muted">{t("new.checking")}</p>
      )}

      {appId && text.trim() !== "" && data && app.data && (
        <>
          {data.headers.length > 0 && (
            <MappingTable app={app.data} preview={data} onChange={(next) => setMapping(next)} />
          )}
          {data.problems.length > 0 && <ProblemList problems={data.problems} />}
          {data.keptColumns.length > 0 && (
            <KeptColumnsNotice columns={data.keptColumns} app={appName} />
          )}
          {ready && (
            <div className="batch-summary" data-testid="batch-summary">
              <h3 className="batch-subheading">{t("summary.title")}</h3>
              <p className="batch-summary-count">
                {t("summary.runs", { count: data.runs, app: appName })}
              </p>
              {balance != null ? (
                <p data-testid="batch-credits">
                  {t("summary.credits", {
                    credits: formatNumber(balance, { maximumFractionDigits: 2 }),
                  })}
                </p>
              ) : (
                usage.isFetched && <p className="muted">{t("summary.creditsUnknown")}</p>
              )}
              {data.localFiles > 0 && (
                <p data-testid="batch-photos">{t("summary.photos", { count: data.localFiles })}</p>
              )}
              <p className="field-help">{t("summary.pace")}</p>
            </div>
          )}
          <div className="batch-run-row">
            <div className="field batch-name-field">
              <label className="field-label" htmlFor="batch-name">
                {t("new.nameLabel")}
              </label>
              <input
                id="batch-name"
                className="input"
                data-testid="batch-name"
                value={name}
                placeholder={appName}
                onChange={(e) => setName(e.target.value)}
              />
            </div>
            <button
              type="button"
              className="btn btn-primary btn-large"
              data-testid="batch-run"
              disabled={!ready || !settled || start.isPending}
              onClick={run}
            >
              {start.isPending ? t("new.starting") : t("new.run", { count: data.runs })}
            </button>
          </div>
          {!ready && data.problems.length > 0 && <p className="muted">{t("new.fixFirst")}</p>}
          {start.isError && (
            <div className="inline-error" role="alert">
              {friendlyError(start.error).message}
              <Details text={friendlyError(start.error).detail} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
