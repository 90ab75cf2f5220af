import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState, LoadingState } from "../../components/States";
import { formatDate } from "../../i18n/format";
import { useUi } from "../../lib/store";
import "./batch.css";
import { BatchView } from "./BatchView";
import { NewBatch } from "./NewBatch";
import { useBatchEvents, useBatches } from "./queries";

/** The Batch screen: a new batch and the list of batches, or one batch's progress. */
export function BatchPage({ batchId }: { batchId?: string }) {
  useBatchEvents();
  if (batchId) return <BatchView batchId={batchId} />;
  return <BatchHome />;
}

function BatchHome() {
  const { t } = useTranslation("batch");
  const navigate = useUi((s) => s.navigate);
  const batches = useBatches();
  const [creating, setCreating] = useState(false);
  const list = batches.data ?? [];
  const showNew = creating || (batches.isSuccess && list.length === 0);

  return (
    <div className="page batch-page" data-testid="batch-page">
      <header className="page-header batch-view-header">
        <div>
          <h1>{t("page.title")}</h1>
          <p className="page-lede">{t("page.lede")}</p>
        </div>
        {!showNew && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="batch-new-button"
            onClick={() => setCreating(true)}
          >
            {t("page.newBatch")}
          </button>
        )}
      </header>
      {showNew && <NewBatch />}
      {batches.isPending && <LoadingState label={t("page.loading")} />}
      {batches.isError && (
        <ErrorState
          error={batches.error}
          title={t("page.loadError")}
          onRetry={() => void batches.refetch()}
        />
      )}
      {list.length > 0 && (
        <section className="batch-list-section" aria-labelledby="batch-list-title">
          <h2 id="batch-list-title" className="batch-section-heading">
            {t("page.yourBatches")}
          </h2>
          <ul className="batch-list" data-testid="batch-list">
            {list.map(({ batch, progress }) => {
              const done =
                progress.completed + progress.failed + progress.cancelled + progress.unknown;
              const pct = progress.total === 0 ? 0 : Math.round((done / progress.total) * 100);
              const state = progress.state ?? batch.state;
              return (
                <li key={batch.batchId}>
                  <button
                    type="button"
                    className="batch-list-item"
                    data-testid="batch-list-item"
                    onClick={() => navigate({ page: "batch", batchId: batch.batchId })}
                  >
                    <span className="batch-list-name">{batch.name}</span>
                    <span className="muted">
                      {batch.appName} ·{" "}
                      {formatDate(new Date(batch.createdAt), {
                        dateStyle: "medium",
                        timeStyle: "short",
                      })}
                    </span>
                    <span className="batch-bar batch-bar-small" aria-hidden="true">
                      <span className="batch-bar-done" style={{ width: `${pct}%` }} />
                    </span>
                    <span className="batch-list-count">
                      {t("progress.done", { done, total: progress.total })}
                    </span>
                    <span className={`badge batch-state batch-state-${state}`}>
                      {t(`state.${state}`)}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
