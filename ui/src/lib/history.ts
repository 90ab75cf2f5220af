// History and Gallery queries: filters → HistoryQuery, pages under the visible rows, the app menu.
import { useQuery } from "@tanstack/react-query";
import { useBackend } from "./backend/context";
import type { GalleryItem, HistoryQuery, RunRecord, RunState } from "./backend/types";
import { keys } from "./keys";
import { usePaged, type Paged } from "./paged";
import type { HistoryFilters, StatusFilter } from "./store";

/** Labels: `history:filters.states.<value>` in the catalog. */
export const STATUS_FILTERS: { value: StatusFilter; states: RunState[] }[] = [
  { value: "done", states: ["completed"] },
  { value: "failed", states: ["failed", "cancelled"] },
  { value: "inProgress", states: ["starting", "queued", "running"] },
  { value: "unknown", states: ["unknown"] },
];

/** Local midnight of a yyyy-mm-dd date (plus `addDays`), as an ISO instant; null if not a date. */
export function localDayStart(date: string, addDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The filters as a query. "To" is inclusive for people, so it becomes the next midnight. */
export function toHistoryQuery(f: HistoryFilters, offset = 0, limit = 100): HistoryQuery {
  const text = f.text.trim();
  return {
    text: text === "" ? null : text,
    appId: f.appId,
    states: STATUS_FILTERS.find((s) => s.value === f.status)?.states ?? [],
    from: localDayStart(f.from),
    to: localDayStart(f.to, 1),
    starredOnly: f.starredOnly,
    limit,
    offset,
  };
}

export function hasFilters(f: HistoryFilters): boolean {
  return (
    f.text.trim() !== "" ||
    f.appId !== null ||
    f.status !== null ||
    f.from !== "" ||
    f.to !== "" ||
    f.starredOnly
  );
}

type Ranges = readonly (readonly [number, number])[];

export function useHistoryPages(filters: HistoryFilters, ranges: Ranges): Paged<RunRecord> {
  const backend = useBackend();
  const query = toHistoryQuery(filters);
  return usePaged({
    baseKey: [...keys.historyAll, { ...query, limit: 0 }],
    fetchPage: async (offset, limit) => {
      const page = await backend.searchRuns({ ...query, offset, limit });
      return { items: page.runs, total: page.total };
    },
    ranges,
  });
}

export function useGalleryPages(filters: HistoryFilters, ranges: Ranges): Paged<GalleryItem> {
  const backend = useBackend();
  const query = toHistoryQuery(filters);
  return usePaged({
    baseKey: [...keys.galleryAll, { ...query, limit: 0 }],
    fetchPage: (offset, limit) => backend.gallery({ ...query, offset, limit }),
    ranges,
  });
}

export function useHistoryApps() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.historyApps, queryFn: () => backend.historyApps() });
}
