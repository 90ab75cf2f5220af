import { observeElementRect, useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { GalleryItem } from "../../lib/backend/types";
import { GalleryTile } from "./GalleryTile";

const MIN_TILE = 180;
const GAP = 12;
/** Before the grid has been measured (and in tests, which have no layout). */
const FALLBACK_WIDTH = 1000;

export type Range = readonly [number, number];

export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + GAP) / (MIN_TILE + GAP)));
}

/**
 * Thumbnails in a virtualized grid of square tiles, as many columns as fit. Arrow keys move
 * between images, Enter opens one, S stars it.
 */
export function GalleryGrid({
  total,
  item,
  active,
  focusRequest,
  onActive,
  onOpen,
  onToggleStar,
  onRange,
  resetKey,
  dimmed,
}: {
  total: number;
  item: (index: number) => GalleryItem | undefined;
  active: number;
  /** A new object moves the focus to that image (e.g. when the lightbox closes). */
  focusRequest: { index: number } | null;
  onActive: (index: number) => void;
  onOpen: (index: number) => void;
  onToggleStar: (item: GalleryItem) => void;
  /** The images on screen changed (their pages get loaded). */
  onRange: (range: Range) => void;
  resetKey: string;
  dimmed: boolean;
}) {
  const { t } = useTranslation("gallery");
  const scroller = useRef<HTMLDivElement>(null);
  const focusPending = useRef(false);
  const [width, setWidth] = useState(0);
  const columns = columnsFor(width || FALLBACK_WIDTH);
  const tile = ((width || FALLBACK_WIDTH) - GAP * (columns - 1)) / columns;
  const rows = Math.ceil(total / columns);

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => tile + GAP,
    overscan: 3,
    useFlushSync: false,
    // The grid's width decides the columns: take it from the virtualizer's own measuring.
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        cb(rect);
        setWidth(rect.width);
      }),
    onChange: (v) => {
      const items = v.getVirtualItems();
      const first = (items[0]?.index ?? 0) * columns;
      const last = ((items[items.length - 1]?.index ?? 0) + 1) * columns - 1;
      onRange([first, Math.min(last, total - 1)]);
    },
  });

  useEffect(() => {
    virtualizer.measure();
  }, [tile, virtualizer]);

  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [resetKey, virtualizer]);

  useEffect(() => {
    if (!focusRequest) return;
    focusPending.current = true;
    virtualizer.scrollToIndex(Math.floor(focusRequest.index / columns), { align: "auto" });
  }, [focusRequest, columns, virtualizer]);

  // Once the image to focus is on screen, focus it.
  useEffect(() => {
    if (!focusPending.current) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const next = Math.min(Math.max(0, index), total - 1);
    onActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(Math.floor(next / columns), { align: "auto" });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!e.currentTarget.contains(e.target as Node) || e.metaKey || e.ctrlKey || e.altKey) return;
    const visibleRows = Math.max(1, Math.floor((scroller.current?.clientHeight || 600) / tile));
    const moves: Record<string, number> = {
      ArrowRight: active + 1,
      ArrowLeft: active - 1,
      ArrowDown: active + columns,
      ArrowUp: active - columns,
      PageDown: active + columns * visibleRows,
      PageUp: active - columns * visibleRows,
      Home: 0,
      End: total - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      // Up from the first row and down from the last stay put, like a file manager.
      if (target >= 0 && target < total) moveTo(target);
      else if (e.key === "Home" || e.key === "End" || e.key.startsWith("Page")) moveTo(target);
      return;
    }
    const current = item(active);
    if ((e.key === "s" || e.key === "S") && current) {
      e.preventDefault();
      onToggleStar(current);
    }
  };

  return (
    <div
      ref={scroller}
      className={`gallery-grid${dimmed ? " is-updating" : ""}`}
      role="grid"
      aria-label={t("images")}
      aria-rowcount={rows}
      aria-colcount={columns}
      data-testid="gallery-grid"
      data-columns={columns}
      onKeyDown={onKeyDown}
    >
      <div className="gallery-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.index}
            role="row"
            aria-rowindex={row.index + 1}
            className="gallery-row"
            style={{
              transform: `translateY(${row.start}px)`,
              height: tile,
              gridTemplateColumns: `repeat(${columns}, ${tile}px)`,
              gap: GAP,
            }}
          >
            {Array.from({ length: columns }, (_, c) => row.index * columns + c)
              .filter((i) => i < total)
              .map((i) => {
                const it = item(i);
                return (
                  <GalleryTile
                    key={it ? `${it.localId}/${it.index}` : `loading-${i}`}
                    item={it}
                    index={i}
                    active={i === Math.min(active, total - 1)}
                    style={{ width: tile, height: tile }}
                    onOpen={() => {
                      onActive(i);
                      onOpen(i);
                    }}
                    onFocus={() => onActive(i)}
                    onToggleStar={() => it && onToggleStar(it)}
                  />
                );
              })}
          </div>
        ))}
      </div>
    </div>
  );
}
