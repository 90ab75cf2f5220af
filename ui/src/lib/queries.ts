// Backend state through TanStack Query: one key per resource, run events folded into the cache.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "./backend/context";
import type { AccountStatus, Inputs, RunRecord } from "./backend/types";
import { isTransient } from "./errors";
import { keys } from "./keys";
import { applyRun, createRefresher } from "./run-cache";
import { useUi } from "./store";

export { keys };
export { upsertRun } from "./run-cache";

export const RUNS_LIMIT = 100;

export function retryTransient(failureCount: number, error: unknown): boolean {
  return failureCount < 2 && isTransient(error);
}

export function isInFlight(run: RunRecord): boolean {
  return run.status === "starting" || run.status === "queued" || run.status === "running";
}

export function useAccount() {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.account,
    queryFn: () => backend.accountStatus(),
    retry: retryTransient,
  });
}

/**
 * Asks for the account status again when a screen that shows the keychain opens: the first
 * status of the demo workspace is answered without waiting for the keychain.
 */
export function useFreshAccount(): void {
  const client = useQueryClient();
  useEffect(() => {
    void client.invalidateQueries({ queryKey: keys.account });
  }, [client]);
}

/** The account changed: remember the new status and reload everything that depends on it. */
function useAccountChange() {
  const client = useQueryClient();
  const navigate = useUi((s) => s.navigate);
  return (status: AccountStatus) => {
    client.setQueryData(keys.account, status);
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "account" });
    navigate({ page: "apps" });
  };
}

export function useConnectAccount() {
  const backend = useBackend();
  const changed = useAccountChange();
  return useMutation({
    mutationFn: (apiKey: string) => backend.connectAccount(apiKey),
    onSuccess: changed,
  });
}

export function useStartDemo() {
  const backend = useBackend();
  const changed = useAccountChange();
  return useMutation({ mutationFn: () => backend.useDemo(), onSuccess: changed });
}

export function useForgetKey() {
  const backend = useBackend();
  const changed = useAccountChange();
  return useMutation({ mutationFn: () => backend.forgetKey(), onSuccess: changed });
}

export function useCatalog(search: string) {
  const backend = useBackend();
  const q = search.trim();
  return useQuery({
    queryKey: keys.catalog(q),
    queryFn: () => backend.listApps(q === "" ? null : q),
    placeholderData: keepPreviousData,
    retry: retryTransient,
  });
}

export function useApp(appId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.app(appId),
    queryFn: () => backend.getApp(appId),
    retry: retryTransient,
  });
}

export function useLastInputs(appId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.lastInputs(appId),
    queryFn: () => backend.lastInputs(appId),
    // Prefill once per visit; later runs must not overwrite what the user is typing.
    staleTime: Infinity,
    retry: false,
  });
}

/**
 * A fetched list merged with what events already put in the cache: a run's newer state wins,
 * and runs that started while the list was loading are kept.
 */
export function mergeRuns(
  fresh: RunRecord[],
  cached: RunRecord[] | undefined,
  ownEntry: (localId: string) => RunRecord | undefined = () => undefined,
): RunRecord[] {
  // An event that came while the first list was on its way had no list to go into; it is in the
  // run's own entry (`applyRun`), so that is read too, or the run would stay as the list had it.
  const newest = (r: RunRecord, known: RunRecord | undefined) =>
    known && known.updatedAt > r.updatedAt ? known : r;
  fresh = fresh.map((r) => newest(r, ownEntry(r.localId)));
  if (!cached) return fresh;
  const byId = new Map(cached.map((r) => [r.localId, r]));
  const merged = fresh.map((r) => newest(r, byId.get(r.localId)));
  const freshIds = new Set(fresh.map((r) => r.localId));
  const extra = cached.filter((r) => !freshIds.has(r.localId) && isInFlight(r));
  return [...extra, ...merged].sort((a, b) =>
    a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1,
  );
}

export function useRuns() {
  const backend = useBackend();
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.runs,
    queryFn: async () =>
      mergeRuns(await backend.listRuns(RUNS_LIMIT, 0), client.getQueryData(keys.runs), (id) =>
        client.getQueryData<RunRecord>(keys.run(id)),
      ),
    retry: retryTransient,
    // Events keep the list live; polling while something is in flight and refetching when the
    // window comes back are only safety nets for missed events.
    refetchInterval: (query) => (query.state.data?.some(isInFlight) ? 5000 : false),
    refetchOnWindowFocus: true,
  });
}

export function useStartRun() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ appId, inputs }: { appId: string; inputs: Inputs }) =>
      backend.startRun(appId, inputs),
    onSuccess: (run, { appId, inputs }) => {
      applyRun(client, run);
      void client.invalidateQueries({ queryKey: keys.historyAll });
      void client.invalidateQueries({ queryKey: keys.historyApps });
      // What the backend now remembers as this app's last inputs.
      client.setQueryData(keys.lastInputs(appId), inputs);
    },
  });
}

/**
 * Folds every `runUpdated` event into the caches for as long as the caller is mounted. A run
 * seen for the first time, or in a new state, also refreshes History and Gallery.
 */
export function useRunEvents(): void {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(() => {
    const refresher = createRefresher(client);
    const lastState = new Map<string, string>();
    const stop = backend.onRunUpdated((run) => {
      const held = applyRun(client, run);
      if (!held || lastState.get(run.localId) !== run.status) refresher.schedule();
      lastState.set(run.localId, run.status);
    });
    return () => {
      stop();
      refresher.cancel();
    };
  }, [backend, client]);
}

export function useRun(localId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.run(localId),
    queryFn: () => backend.getRun(localId),
    retry: retryTransient,
  });
}
