import { useTranslation } from "react-i18next";
import { ErrorState, LoadingState } from "../../components/States";
import { Details } from "../../components/Details";
import type { BatchProgress, BatchState } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";
import { useUi } from "../../lib/store";
import { PublishButton, canPublish, publishItem } from "../publishing/PublishButton";
import { BatchControls } from "./BatchControls";
import { BatchGrid } from "./BatchGrid";
import { BatchRows } from "./BatchRows";
import { ExportPanel } from "./ExportPanel";
import { isBatchOver, useBatch, useBatchAction } from "./queries";

/** One batch: totals, ETA and the controls while it runs; the images and Export once it's over. */
export function BatchView({ batchId }: { batchId: string }) {
  const { t } = useTranslation("batch");
  const navigate = useUi((s) => s.navigate);
  const batch = useBatch(batchId);
  const action = useBatchAction(batchId);

  const back = (
    <button
      type="button"
      className="back-link"
      data-testid="batch-back"
      onClick={() => navigate({ page: "batch" })}
    >
      ← {t("page.back")}
    </button>
  );
  if (batch.isPending) {
    return (
      <div className="page">
        {back}
        <LoadingState label={t("progress.loading")} />
      </div>
    );
  }
  if (batch.isError) {
    return (
      <div className="page">
        {back}
        <ErrorState
          error={batch.error}
          title={t("progress.loadError")}
          onRetry={() => void batch.refetch()}
        />
      </div>
    );
  }
  const { batch: summary, progress, rows, uploads } = batch.data;
  const uploading = uploads != null && uploads.done + uploads.failed < uploads.total;
  const state: BatchState = progress.state ?? summary.state;
  const over = isBatchOver(progress);
  const done = progress.completed + progress.failed + progress.cancelled + progress.unknown;
  const pct = progress.total === 0 ? 0 : Math.round((done / progress.total) * 100);

  return (
    <div className="page batch-page" data-testid="batch-view" data-state={state}>
      {back}
      <header className="page-header batch-view-header">
        <div>
          <h1>{summary.name}</h1>
          <p className="page-lede">{summary.appName}</p>
        </div>
        <span className={`badge batch-state batch-state-${state}`} data-testid="batch-state">
          {t(`state.${state}`)}
        </span>
      </header>

      <section className="batch-progress card-panel" aria-label={t("progress.barLabel")}>
        <div className="batch-progress-head">
          <strong data-testid="batch-done">
            {t("progress.done", { done, total: progress.total })}
          </strong>
          {!over && progress.etaS != null && (
            <span className="muted" data-testid="batch-eta">
              {eta(t, progress.etaS)}
            </span>
          )}
        </div>
        <div
          className="batch-bar"
          role="progressbar"
          aria-label={t("progress.barLabel")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <span className="batch-bar-done" style={{ width: `${pct}%` }} />
        </div>
        {uploading && (
          <p className="notice" role="status" data-testid="batch-uploading">
            {t("progress.uploading", { done: uploads.done, total: uploads.total })}
          </p>
        )}
        {uploads != null && uploads.failed > 0 && (
          <p className="notice" data-testid="batch-uploads-failed">
            {t("progress.uploadsFailed", { count: uploads.failed })}
          </p>
        )}
        <Totals progress={progress} />
        {progress.reason && state === "paused" && (
          <p className="notice">{t("progress.pausedBy", { reason: progress.reason })}</p>
        )}
        <BatchControls
          state={state}
          progress={progress}
          busy={action.isPending}
          onAction={(verb) => action.mutate(verb)}
        />
        {action.isError && (
          <div className="inline-error" role="alert">
            {friendlyError(action.error).message}
            <Details text={friendlyError(action.error).detail} />
          </div>
        )}
      </section>

      {over && <BatchGrid rows={rows} columns={summary.columns} />}
      {over && progress.completed > 0 && (
        <div className="batch-publish">
          <PublishButton
            className="btn"
            items={rows.flatMap((r) => (r.run && canPublish(r.run) ? [publishItem(r.run)] : []))}
          />
        </div>
      )}
      {over && progress.completed > 0 && <ExportPanel batch={summary} />}
      <BatchRows rows={rows} columns={summary.columns} />
    </div>
  );
}

function Totals({ progress }: { progress: BatchProgress }) {
  const { t } = useTranslation("batch");
  const parts: [string, number, string][] = [
    ["completed", progress.completed, t("progress.completed", { count: progress.completed })],
    ["failed", progress.failed, t("progress.failed", { count: progress.failed })],
    ["running", progress.inFlight, t("progress.inFlight", { count: progress.inFlight })],
    ["waiting", progress.waiting, t("progress.waiting", { count: progress.waiting })],
    ["cancelled", progress.cancelled, t("progress.cancelled", { count: progress.cancelled })],
    ["unknown", progress.unknown, t("progress.unknown", { count: progress.unknown })],
  ];
  return (
    <ul className="batch-totals" data-testid="batch-totals">
      {parts
        .filter(([, n]) => n > 0)
        .map(([kind, , label]) => (
          <li key={kind} className={`batch-total batch-total-${kind}`}>
            {label}
          </li>
        ))}
    </ul>
  );
}

type T = ReturnType<typeof useTranslation<"batch">>["t"];

function eta(t: T, seconds: number): string {
  if (seconds < 90) return t("progress.etaSeconds", { count: Math.max(1, seconds) });
  return t("progress.etaMinutes", { count: Math.round(seconds / 60) });
}
