import { useQueries } from "@tanstack/react-query";
import { useState, type CSSProperties, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BackIcon, CloseIcon, ImageIcon } from "../../components/Icons";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { StatusPill } from "../../components/StatusPill";
import { useBackend } from "../../lib/backend/context";
import type { RunRecord } from "../../lib/backend/types";
import { keys, retryTransient } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { absoluteTime } from "../../lib/time";
import { compareInputs, valuesDiffer, visibleRows } from "./diff";
import "./compare.css";

/** Two or more runs side by side: images, status, app, time and inputs in aligned rows. */
export function CompareView({ ids }: { ids: string[] }) {
  const { t } = useTranslation("compare");
  const backend = useBackend();
  const navigate = useUi((s) => s.navigate);
  const results = useQueries({
    queries: ids.map((localId) => ({
      queryKey: keys.run(localId),
      queryFn: () => backend.getRun(localId),
      retry: retryTransient,
    })),
  });

  const back = (
    <button type="button" className="back-link" onClick={() => navigate({ page: "history" })}>
      <BackIcon size={14} /> {t("back")}
    </button>
  );
  const frame = (body: ReactNode) => (
    <div className="page compare-page" data-testid="compare-screen">
      {back}
      {body}
    </div>
  );

  if (ids.length < 2) {
    return frame(<EmptyState icon={<ImageIcon size={22} />} title={t("tooFew")} />);
  }
  const failed = results.find((r) => r.isError);
  if (failed) {
    return frame(
      <ErrorState
        error={failed.error}
        title={t("loadFailed")}
        onRetry={() => results.forEach((r) => r.isError && void r.refetch())}
      />,
    );
  }
  const runs = results.map((r) => r.data).filter((r): r is RunRecord => r !== undefined);
  if (runs.length < ids.length) return frame(<LoadingState label={t("loading")} />);

  return (
    <CompareTable
      runs={runs}
      header={back}
      onRemove={(localId) => navigate({ page: "compare", ids: ids.filter((id) => id !== localId) })}
    />
  );
}

function CompareTable({
  runs,
  header,
  onRemove,
}: {
  runs: RunRecord[];
  header: ReactNode;
  onRemove: (localId: string) => void;
}) {
  const { t } = useTranslation("compare");
  const backend = useBackend();
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const inputs = compareInputs(runs);
  const differing = inputs.filter((r) => r.differs).length;
  const shown = visibleRows(inputs, onlyDifferences);
  const appDiffers = valuesDiffer(runs.map((r) => r.appName));
  const statusDiffers = valuesDiffer(runs.map((r) => r.status));
  const grid: CSSProperties = {
    gridTemplateColumns: `minmax(120px, 160px) repeat(${runs.length}, minmax(220px, 1fr))`,
  };
  const showMeta = (differs: boolean) => !onlyDifferences || differs;

  return (
    <div className="page compare-page" data-testid="compare-screen">
      <header className="page-header compare-header">
        {header}
        <div className="compare-title-row">
          <div>
            <h1>{t("title")}</h1>
            <p className="page-lede">
              {t("lede", { count: runs.length })} ·{" "}
              <span data-testid="compare-difference-count">
                {t("differences", { count: differing })}
              </span>
            </p>
          </div>
          <label className="compare-toggle">
            <input
              type="checkbox"
              data-testid="compare-only-differences"
              checked={onlyDifferences}
              onChange={(e) => setOnlyDifferences(e.target.checked)}
            />
            {t("onlyDifferences")}
          </label>
        </div>
      </header>

      <div className="compare-scroll">
        <div className="compare-grid" style={grid} role="table" aria-label={t("title")}>
          <div role="row" className="compare-row compare-row-images">
            <div role="rowheader" className="compare-label">
              {t("rows.images")}
            </div>
            {runs.map((run) => (
              <div
                role="cell"
                key={run.localId}
                className="compare-cell"
                data-testid="compare-column"
                data-local-id={run.localId}
              >
                {runs.length > 2 && (
                  <button
                    type="button"
                    className="icon-btn compare-remove"
                    aria-label={t("remove", { app: run.appName })}
                    onClick={() => onRemove(run.localId)}
                  >
                    <CloseIcon size={14} />
                  </button>
                )}
                <RunImages
                  run={run}
                  mediaUrl={backend.mediaUrl.bind(backend)}
                  empty={t("noImages")}
                />
              </div>
            ))}
          </div>
          {showMeta(statusDiffers) && (
            <MetaRow
              label={t("rows.status")}
              differs={statusDiffers}
              runs={runs}
              testId="compare-status"
            >
              {(run) => <StatusPill status={run.status} testId="compare-status-pill" />}
            </MetaRow>
          )}
          {showMeta(appDiffers) && (
            <MetaRow label={t("rows.app")} differs={appDiffers} runs={runs} testId="compare-app">
              {(run) => run.appName}
            </MetaRow>
          )}
          {!onlyDifferences && (
            <MetaRow label={t("rows.created")} differs={false} runs={runs} testId="compare-created">
              {(run) => <time dateTime={run.createdAt}>{absoluteTime(run.createdAt)}</time>}
            </MetaRow>
          )}
          <div role="row" className="compare-row compare-section">
            <div role="rowheader" className="compare-label compare-section-label">
              {t("rows.inputs")}
            </div>
          </div>
          {shown.map((row) => (
            <div
              role="row"
              key={row.name}
              className={`compare-row${row.differs ? " is-different" : ""}`}
              data-testid="compare-input-row"
              data-name={row.name}
              data-differs={row.differs}
            >
              <div role="rowheader" className="compare-label">
                {row.name}
                {row.differs && <span className="compare-differs-tag">{t("differs")}</span>}
              </div>
              {row.values.map((value, i) => (
                <div role="cell" key={runs[i]?.localId ?? i} className="compare-cell compare-value">
                  {value ?? <span className="compare-unset">{t("notSet")}</span>}
                </div>
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function MetaRow({
  label,
  differs,
  runs,
  testId,
  children,
}: {
  label: string;
  differs: boolean;
  runs: RunRecord[];
  testId: string;
  children: (run: RunRecord) => ReactNode;
}) {
  return (
    <div role="row" className={`compare-row${differs ? " is-different" : ""}`} data-testid={testId}>
      <div role="rowheader" className="compare-label">
        {label}
      </div>
      {runs.map((run) => (
        <div role="cell" key={run.localId} className="compare-cell">
          {children(run)}
        </div>
      ))}
    </div>
  );
}

function RunImages({
  run,
  mediaUrl,
  empty,
}: {
  run: RunRecord;
  mediaUrl: (localId: string, index: number, variant?: "full" | "thumb") => string;
  empty: string;
}) {
  const images = run.outputs.filter((o) => o.type === "image" && o.file);
  if (images.length === 0) {
    return (
      <div className="compare-no-image">
        <ImageIcon size={18} />
        <span>{empty}</span>
      </div>
    );
  }
  return (
    <div className="compare-images" data-count={images.length}>
      {images.map((o) => (
        <img
          key={o.index}
          className="compare-image"
          data-testid="compare-image"
          src={mediaUrl(run.localId, o.index, "thumb")}
          alt={o.label ?? run.appName}
          draggable={false}
        />
      ))}
    </div>
  );
}
