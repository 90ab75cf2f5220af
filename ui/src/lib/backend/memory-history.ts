// History queries over the in-memory runs: the same rules as the Rust store (lamina-core
// history.rs), so tests and the browser demo filter and page exactly like the desktop app.
import type {
  GalleryItem,
  GalleryPage,
  HistoryApp,
  HistoryPage,
  HistoryQuery,
  RunRecord,
} from "./types";

/** Largest page a query may ask for (the Rust side's MAX_PAGE). */
export const MAX_PAGE = 500;

function pageSize(limit: number): number {
  return Math.min(Math.max(1, Math.floor(limit)), MAX_PAGE);
}

function haystack(run: RunRecord): string {
  return [run.appName, JSON.stringify(run.inputs), run.runId ?? "", run.localId]
    .join("\n")
    .toLowerCase();
}

/** Every condition of the query except paging (and, for the gallery, per-image stars). */
export function matchesRun(run: RunRecord, query: HistoryQuery): boolean {
  const words = (query.text ?? "").trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 0) {
    const text = haystack(run);
    if (!words.every((w) => text.includes(w))) return false;
  }
  if (query.appId && run.appId !== query.appId) return false;
  if (query.states.length > 0 && !query.states.includes(run.status)) return false;
  const created = Date.parse(run.createdAt);
  if (query.from && created < Date.parse(query.from)) return false;
  if (query.to && created >= Date.parse(query.to)) return false;
  if (query.starredOnly && !run.outputs.some((o) => o.starred)) return false;
  return true;
}

/** `runs` newest first. */
export function searchPage(runs: readonly RunRecord[], query: HistoryQuery): HistoryPage {
  const matching = runs.filter((r) => matchesRun(r, query));
  const offset = Math.max(0, query.offset);
  return {
    runs: matching.slice(offset, offset + pageSize(query.limit)),
    total: matching.length,
  };
}

export function galleryPage(runs: readonly RunRecord[], query: HistoryQuery): GalleryPage {
  const items: GalleryItem[] = [];
  const runQuery = { ...query, starredOnly: false };
  for (const run of runs) {
    if (!matchesRun(run, runQuery)) continue;
    for (const o of [...run.outputs].sort((a, b) => a.index - b.index)) {
      if (o.type !== "image" || !o.file) continue;
      if (query.starredOnly && !o.starred) continue;
      items.push({
        localId: run.localId,
        index: o.index,
        appId: run.appId,
        appName: run.appName,
        label: o.label,
        file: o.file,
        starred: o.starred,
        createdAt: run.createdAt,
      });
    }
  }
  const offset = Math.max(0, query.offset);
  return { items: items.slice(offset, offset + pageSize(query.limit)), total: items.length };
}

/** Apps that appear in history, most used first, then by name. */
export function appsInHistory(runs: readonly RunRecord[]): HistoryApp[] {
  const byApp = new Map<string, HistoryApp>();
  for (const run of runs) {
    const entry = byApp.get(run.appId);
    if (entry) entry.runs += 1;
    else byApp.set(run.appId, { appId: run.appId, appName: run.appName, runs: 1 });
  }
  return [...byApp.values()].sort((a, b) => b.runs - a.runs || a.appName.localeCompare(b.appName));
}
