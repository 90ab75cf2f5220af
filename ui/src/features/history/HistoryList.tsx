import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { RunRecord } from "../../lib/backend/types";
import { useNow } from "../../lib/useNow";
import { HistoryRow, HistoryRowLoading, ROW_HEIGHT } from "./HistoryRow";

export type Range = readonly [number, number];

/**
 * The runs as a virtualized list: only the rows on screen (plus a few) exist in the page, so
 * 10,000 runs scroll like 10. ↑/↓, Page Up/Down, Home/End move the selection.
 */
export function HistoryList({
  total,
  item,
  selectedId,
  onSelect,
  onRange,
  resetKey,
  dimmed,
}: {
  total: number;
  item: (index: number) => RunRecord | undefined;
  selectedId: string | null;
  onSelect: (run: RunRecord) => void;
  /** The rows on screen changed (pages under them get loaded). */
  onRange: (range: Range) => void;
  /** Changes with the filters: the list goes back to the top. */
  resetKey: string;
  dimmed: boolean;
}) {
  const { t } = useTranslation("history");
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const now = useNow();

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    useFlushSync: false,
    onChange: (v) => {
      const items = v.getVirtualItems();
      const first = items[0]?.index ?? 0;
      const last = items[items.length - 1]?.index ?? 0;
      onRange([first, last]);
    },
  });

  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [resetKey, virtualizer]);

  // After a key press moved the selection, focus follows once the row is rendered.
  useEffect(() => {
    if (!focusPending.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (row) {
      focusPending.current = false;
      row.focus({ preventScroll: true });
    }
  });

  const current = Math.min(active, Math.max(0, total - 1));
  const moveTo = (index: number) => {
    const next = Math.min(Math.max(0, index), total - 1);
    if (next < 0) return;
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(next, { align: "auto" });
    const run = item(next);
    if (run) onSelect(run);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const height = scroller.current?.clientHeight || 600;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: total - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      moveTo(target);
    } else if (e.key === "Enter" || e.key === " ") {
      const run = item(current);
      if (run) {
        e.preventDefault();
        onSelect(run);
      }
    }
  };

  return (
    <div
      ref={scroller}
      className={`history-list${dimmed ? " is-updating" : ""}`}
      role="listbox"
      aria-label={t("runs")}
      data-testid="history-list"
      onKeyDown={onKeyDown}
    >
      <div className="history-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const run = item(v.index);
          const common = {
            index: v.index,
            total,
            start: v.start,
            active: v.index === current,
            onFocusRow: () => setActive(v.index),
          };
          return run ? (
            <HistoryRow
              key={run.localId}
              run={run}
              now={now}
              selected={run.localId === selectedId}
              onSelect={() => {
                setActive(v.index);
                onSelect(run);
              }}
              {...common}
            />
          ) : (
            <HistoryRowLoading
              key={`loading-${v.index}`}
              selected={false}
              onSelect={() => {}}
              {...common}
            />
          );
        })}
      </div>
    </div>
  );
}
