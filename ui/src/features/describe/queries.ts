// Describe what you need through TanStack Query: templates, the brand, content runs and scores.
// A content run is an ordinary run: its record goes into the same caches as any other.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BackendError } from "../../lib/backend";
import { useBackend } from "../../lib/backend/context";
import type { ContentBrief, RunRecord } from "../../lib/backend/types";
import { keys, retryTransient, useRuns } from "../../lib/queries";
import { applyRun } from "../../lib/run-cache";

export const describeKeys = {
  templates: ["templates"] as const,
  template: (id: string) => ["templates", id] as const,
  brand: ["brand"] as const,
  scores: (localId: string) => ["scores", localId] as const,
};

/** The service lacks this endpoint: the screen says so in words instead of failing. */
export function isNotOffered(error: unknown): boolean {
  return error != null && BackendError.from(error).kind === "unsupported";
}

/** Not offered is an answer, not a hiccup: never retried. */
function retryUnlessMissing(count: number, error: unknown): boolean {
  return !isNotOffered(error) && retryTransient(count, error);
}

export function useTemplates() {
  const backend = useBackend();
  return useQuery({
    queryKey: describeKeys.templates,
    queryFn: () => backend.listTemplates(),
    retry: retryUnlessMissing,
    staleTime: 5 * 60_000,
  });
}

export function useTemplate(templateId: string | undefined) {
  const backend = useBackend();
  return useQuery({
    queryKey: describeKeys.template(templateId ?? ""),
    queryFn: () => backend.getTemplate(templateId ?? ""),
    enabled: !!templateId,
    retry: retryUnlessMissing,
  });
}

export function useBrand() {
  const backend = useBackend();
  return useQuery({
    queryKey: describeKeys.brand,
    queryFn: () => backend.brandContext(null),
    retry: retryUnlessMissing,
    staleTime: 5 * 60_000,
  });
}

function useRunStarted() {
  const client = useQueryClient();
  return (run: RunRecord) => {
    applyRun(client, run);
    void client.invalidateQueries({ queryKey: keys.historyAll });
    void client.invalidateQueries({ queryKey: keys.historyApps });
  };
}

export function useDescribe() {
  const backend = useBackend();
  const started = useRunStarted();
  return useMutation({
    mutationFn: (request: ContentBrief) => backend.describeCreate(request),
    onSuccess: (view) => started(view.run),
  });
}

export function useDescribeBatch() {
  const backend = useBackend();
  const started = useRunStarted();
  return useMutation({
    mutationFn: (requests: ContentBrief[]) => backend.describeBatch(requests),
    onSuccess: (items) => {
      for (const item of items) if (item.content) started(item.content.run);
    },
  });
}

/** The run as it is now (events keep the runs list live), or the record we were given. */
export function useLiveRun(run: RunRecord): RunRecord {
  const runs = useRuns();
  return runs.data?.find((r) => r.localId === run.localId) ?? run;
}

/** How many times a finished run's missing scores are asked for (3 s apart). */
const SCORE_ASKS = 10;

/** Scores once the run has finished (kept once there are some). */
export function useScores(run: RunRecord) {
  const backend = useBackend();
  return useQuery({
    queryKey: describeKeys.scores(run.localId),
    queryFn: () => backend.contentScores(run.localId),
    enabled: run.status === "completed",
    retry: retryUnlessMissing,
    staleTime: Infinity,
    // The service may score a run a moment after its outputs exist: ask again for a while.
    refetchInterval: (query) =>
      query.state.data === null && query.state.dataUpdateCount < SCORE_ASKS ? 3000 : false,
  });
}

/** Lines of the brief box: each non-empty line is a brief (at most 10 are sent at once). */
export function briefLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

export const MAX_BRIEFS = 10;
