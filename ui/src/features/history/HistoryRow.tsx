import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { AlertIcon, ImageIcon } from "../../components/Icons";
import { StatusPill } from "../../components/StatusPill";
import { useBackend } from "../../lib/backend/context";
import type { RunRecord } from "../../lib/backend/types";
import { absoluteTime, relativeTime } from "../../lib/time";
import { CompareRowCheckbox } from "../compare/HistorySelect";
import { useCompareSelection } from "../compare/selection";
import { elapsedMs, formatElapsed } from "../runs/status";
import { inputsSummary } from "../runs/summary";
import { startOutputDrag } from "../uploads/PhotoField";

export const ROW_HEIGHT = 72;
const MAX_THUMBS = 3;

interface RowProps {
  index: number;
  total: number;
  start: number;
  active: boolean;
  selected: boolean;
  onSelect: () => void;
  onFocusRow: () => void;
}

function rowStyle(start: number): CSSProperties {
  return { transform: `translateY(${start}px)`, height: ROW_HEIGHT };
}

/** One run in History: thumbnails, app, what was asked, status, when and how long. */
export function HistoryRow({ run, now, ...p }: RowProps & { run: RunRecord; now: number }) {
  const { t } = useTranslation("history");
  const backend = useBackend();
  const selecting = useCompareSelection((s) => s.active);
  const images = run.outputs.filter((o) => o.type === "image" && o.file).slice(0, MAX_THUMBS);
  const ended = run.status !== "starting" && run.status !== "queued" && run.status !== "running";
  const duration = run.status === "unknown" ? "—" : formatElapsed(elapsedMs(run, ended ? 0 : now));
  return (
    <div
      role="option"
      aria-selected={p.selected}
      aria-setsize={p.total}
      aria-posinset={p.index + 1}
      tabIndex={p.active ? 0 : -1}
      className={`history-row${selecting ? " is-selecting" : ""}`}
      data-testid="history-row"
      data-status={run.status}
      data-local-id={run.localId}
      data-index={p.index}
      style={rowStyle(p.start)}
      onClick={p.onSelect}
      onFocus={p.onFocusRow}
    >
      {selecting && <CompareRowCheckbox run={run} />}
      <div className="history-thumbs" data-count={Math.max(1, images.length)}>
        {images.length === 0 ? (
          <span className="history-thumb history-thumb-empty" aria-hidden="true">
            {run.status === "failed" || run.status === "unknown" ? (
              <AlertIcon size={16} />
            ) : (
              <ImageIcon size={16} />
            )}
          </span>
        ) : (
          images.map((o) => (
            <img
              key={o.index}
              className="history-thumb"
              data-testid="history-thumb"
              src={backend.mediaUrl(run.localId, o.index, "thumb")}
              alt=""
              loading="lazy"
              decoding="async"
              onDragStart={(e) => startOutputDrag(e, { localId: run.localId, index: o.index })}
            />
          ))
        )}
      </div>
      <div className="history-main">
        <span className="history-app">{run.appName}</span>
        <span className="history-summary">{inputsSummary(run.inputs) || t("noDetails")}</span>
      </div>
      <StatusPill status={run.status} testId="history-status" />
      <time className="history-time" dateTime={run.createdAt} title={absoluteTime(run.createdAt)}>
        {relativeTime(run.createdAt, now)}
      </time>
      <span className="history-duration" title={t("durationTitle")}>
        {duration}
      </span>
    </div>
  );
}

/** A row whose page is still loading. */
export function HistoryRowLoading(p: RowProps) {
  const { t } = useTranslation("history");
  return (
    <div
      role="option"
      aria-selected={false}
      aria-busy="true"
      aria-setsize={p.total}
      aria-posinset={p.index + 1}
      aria-label={t("loadingRow")}
      tabIndex={p.active ? 0 : -1}
      className="history-row is-loading"
      data-index={p.index}
      style={rowStyle(p.start)}
      onFocus={p.onFocusRow}
    >
      <span className="history-thumb skeleton" />
      <div className="history-main">
        <span className="skeleton skeleton-line short" />
        <span className="skeleton skeleton-line" />
      </div>
    </div>
  );
}
