// Folding a changed run into every cache that shows it: the app page's list, the run's own
// entry, History's pages and the Gallery's pages. New runs and status changes also refresh
// History and Gallery (a run may enter or leave a filter), a moment later and in one go.
import type { QueryClient } from "@tanstack/react-query";
import type { GalleryItem, RunRecord } from "./backend/types";
import type { PageData } from "./paged";
import { keys } from "./keys";

/** Puts a run into the cached list: newer `updatedAt` wins, list stays newest first. */
export function upsertRun(client: QueryClient, run: RunRecord): void {
  client.setQueryData<RunRecord[]>(keys.runs, (old) => {
    if (!old) return old;
    const existing = old.find((r) => r.localId === run.localId);
    if (existing && existing.updatedAt > run.updatedAt) return old;
    const rest = old.filter((r) => r.localId !== run.localId);
    return [run, ...rest].sort((a, b) =>
      a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1,
    );
  });
}

function newer(known: RunRecord | undefined, run: RunRecord): boolean {
  return !known || known.updatedAt <= run.updatedAt;
}

/** Puts a run everywhere it is shown. Returns whether any History page held it. */
export function applyRun(client: QueryClient, run: RunRecord): boolean {
  upsertRun(client, run);
  client.setQueryData<RunRecord>(keys.run(run.localId), (old) =>
    old === undefined || newer(old, run) ? run : old,
  );
  let found = false;
  client.setQueriesData<PageData<RunRecord>>({ queryKey: keys.historyAll }, (page) => {
    if (!page) return page;
    const i = page.items.findIndex((r) => r.localId === run.localId);
    if (i < 0) return page;
    found = true;
    if (!newer(page.items[i], run)) return page;
    const items = [...page.items];
    items[i] = run;
    return { ...page, items };
  });
  client.setQueriesData<PageData<GalleryItem>>({ queryKey: keys.galleryAll }, (page) => {
    if (!page || !page.items.some((g) => g.localId === run.localId)) return page;
    return {
      ...page,
      items: page.items.map((g) => {
        if (g.localId !== run.localId) return g;
        const starred = run.outputs[g.index]?.starred ?? g.starred;
        return starred === g.starred ? g : { ...g, starred };
      }),
    };
  });
  return found;
}

/** Marks one output starred in the Gallery's pages at once (before the backend answers). */
export function patchStar(client: QueryClient, localId: string, index: number, starred: boolean) {
  client.setQueriesData<PageData<GalleryItem>>({ queryKey: keys.galleryAll }, (page) =>
    page && page.items.some((g) => g.localId === localId && g.index === index)
      ? {
          ...page,
          items: page.items.map((g) =>
            g.localId === localId && g.index === index ? { ...g, starred } : g,
          ),
        }
      : page,
  );
  const patchRun = (run: RunRecord): RunRecord => ({
    ...run,
    outputs: run.outputs.map((o) => (o.index === index ? { ...o, starred } : o)),
  });
  client.setQueryData<RunRecord>(keys.run(localId), (old) => (old ? patchRun(old) : old));
  client.setQueriesData<PageData<RunRecord>>({ queryKey: keys.historyAll }, (page) =>
    page && page.items.some((r) => r.localId === localId)
      ? { ...page, items: page.items.map((r) => (r.localId === localId ? patchRun(r) : r)) }
      : page,
  );
}

/** Refreshes History, Gallery and the app filter once, shortly after the last call. */
export function createRefresher(client: QueryClient, delayMs = 300) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refresh = () => {
    timer = null;
    void client.invalidateQueries({ queryKey: keys.historyAll });
    void client.invalidateQueries({ queryKey: keys.galleryAll });
    void client.invalidateQueries({ queryKey: keys.historyApps });
  };
  return {
    schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, delayMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
