import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { BatchRow } from "../../lib/backend/types";
import { useUi } from "../../lib/store";

const ROW_HEIGHT = 44;
/** Below this many rows the list is plain (and fully in the document). */
const VIRTUAL_FROM = 100;

/** Every row with its status; long batches are virtualized. */
export function BatchRows({ rows, columns }: { rows: BatchRow[]; columns: string[] }) {
  const { t } = useTranslation("batch");
  const parentRef = useRef<HTMLDivElement>(null);
  const virtual = rows.length >= VIRTUAL_FROM;
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    useFlushSync: false,
  });
  const shown = virtual
    ? virtualizer.getVirtualItems().map((v) => ({ row: rows[v.index], start: v.start }))
    : rows.map((row) => ({ row, start: 0 }));

  return (
    <section className="batch-rows card-panel" aria-labelledby="batch-rows-title">
      <h2 id="batch-rows-title" className="batch-section-heading">
        {t("progress.rowsTitle")}
      </h2>
      <div
        ref={parentRef}
        className={`batch-rows-scroll${virtual ? " is-virtual" : ""}`}
        role="list"
        data-testid="batch-rows"
      >
        <div
          style={virtual ? { height: virtualizer.getTotalSize(), position: "relative" } : undefined}
        >
          {shown.map(({ row, start }) =>
            row ? (
              <Row
                key={row.index}
                row={row}
                columns={columns}
                style={
                  virtual
                    ? {
                        position: "absolute",
                        top: 0,
                        left: 0,
                        right: 0,
                        transform: `translateY(${start}px)`,
                      }
                    : undefined
                }
              />
            ) : null,
          )}
        </div>
      </div>
    </section>
  );
}

function Row({
  row,
  columns,
  style,
}: {
  row: BatchRow;
  columns: string[];
  style: React.CSSProperties | undefined;
}) {
  const { t } = useTranslation("batch");
  const openRun = useUi((s) => s.openRun);
  const cells = row.cells as Record<string, string | undefined>;
  const summary = columns
    .map((c) => cells[c] ?? "")
    .filter((v) => v !== "")
    .join(" · ");
  const error = row.run?.error?.message ?? row.run?.errorMessage ?? null;
  return (
    <div
      className="batch-row"
      role="listitem"
      style={style}
      data-testid="batch-row"
      data-state={row.state}
    >
      <span className="batch-row-line">{t("progress.rowNumber", { row: row.line })}</span>
      <span className="batch-row-cells" title={summary}>
        {summary}
        {error && <span className="batch-row-error">{error}</span>}
      </span>
      <span className={`pill pill-${pillClass(row.state)}`}>
        {(row.state === "queued" || row.state === "running" || row.state === "starting") && (
          <span className="pill-dot" aria-hidden="true" />
        )}
        {t(`row.${row.state}`)}
      </span>
      {row.run ? (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => row.run && openRun(row.run.localId)}
        >
          {t("progress.openRun")}
        </button>
      ) : (
        <span />
      )}
    </div>
  );
}

function pillClass(state: BatchRow["state"]): string {
  switch (state) {
    case "completed":
      return "completed";
    case "failed":
      return "failed";
    case "unknown":
      return "unknown";
    case "queued":
    case "running":
    case "starting":
      return "running";
    default:
      return "idle";
  }
}
