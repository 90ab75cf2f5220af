// Batches through TanStack Query: the list, one batch's detail, and the `batchUpdated` events
// folded into both (the detail is refetched for its rows; totals are applied at once).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "../../lib/backend/context";
import type {
  BatchDetail,
  BatchExportRequest,
  BatchProgress,
  ExportFormat,
  Mapping,
} from "../../lib/backend/types";
import { retryTransient } from "../../lib/queries";

export const batchKeys = {
  all: ["batches"] as const,
  list: ["batches", "list"] as const,
  detail: (batchId: string) => ["batches", "detail", batchId] as const,
  preview: (appId: string, text: string, mapping: string, source: string | null) =>
    ["batches", "preview", appId, text, mapping, source] as const,
  exportName: (batchId: string, pattern: string, format: string) =>
    ["batches", "exportName", batchId, pattern, format] as const,
};

export function isBatchOver(progress: BatchProgress): boolean {
  return progress.waiting === 0 && progress.inFlight === 0;
}

export function useBatches() {
  const backend = useBackend();
  return useQuery({
    queryKey: batchKeys.list,
    queryFn: () => backend.listBatches(),
    retry: retryTransient,
  });
}

export function useBatch(batchId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: batchKeys.detail(batchId),
    queryFn: () => backend.getBatch(batchId),
    retry: retryTransient,
    // Events keep it live; this only covers a missed one.
    refetchInterval: (query) => {
      const p = query.state.data?.progress;
      return p && !isBatchOver(p) ? 3000 : false;
    },
  });
}

/** Folds every batch update into the caches while mounted. */
export function useBatchEvents(): void {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const pending = new Set<string>();
    const stop = backend.onBatchUpdated((progress) => {
      client.setQueryData<BatchDetail>(batchKeys.detail(progress.batchId), (old) =>
        old ? { ...old, progress } : old,
      );
      // The rows (and their runs) are read again, at most a few times a second.
      pending.add(progress.batchId);
      timer ??= setTimeout(() => {
        timer = null;
        for (const id of pending) {
          void client.invalidateQueries({ queryKey: batchKeys.detail(id) });
        }
        pending.clear();
        void client.invalidateQueries({ queryKey: batchKeys.list });
      }, 300);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [backend, client]);
}

/** `source`: the file or folder the table came from (its local paths are relative to it). */
export function useBatchPreview(
  appId: string | null,
  text: string,
  mapping: Mapping | null,
  source: string | null,
) {
  const backend = useBackend();
  const mappingKey = JSON.stringify(mapping);
  return useQuery({
    queryKey: batchKeys.preview(appId ?? "", text, mappingKey, source),
    queryFn: () => backend.previewBatch(appId ?? "", text, mapping, source),
    enabled: appId !== null && text.trim() !== "",
    placeholderData: keepPreviousData,
    retry: retryTransient,
  });
}

export function useStartBatch() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: {
      appId: string;
      name: string;
      text: string;
      mapping: Mapping;
      source: string | null;
    }) => backend.startBatch(v.appId, v.name, v.text, v.mapping, v.source),
    onSuccess: () => void client.invalidateQueries({ queryKey: batchKeys.list }),
  });
}

export type BatchAction = "pause" | "resume" | "cancelRest" | "retryFailed";

export function useBatchAction(batchId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: BatchAction) => {
      switch (action) {
        case "pause":
          return backend.pauseBatch(batchId);
        case "resume":
          return backend.resumeBatch(batchId);
        case "cancelRest":
          return backend.cancelBatchRest(batchId);
        case "retryFailed":
          return backend.retryBatchFailed(batchId);
      }
    },
    onSuccess: (progress) => {
      client.setQueryData<BatchDetail>(batchKeys.detail(batchId), (old) =>
        old
          ? { ...old, progress, batch: { ...old.batch, state: progress.state ?? old.batch.state } }
          : old,
      );
      void client.invalidateQueries({ queryKey: batchKeys.detail(batchId) });
    },
  });
}

export function useExportName(batchId: string, pattern: string, format: ExportFormat) {
  const backend = useBackend();
  return useQuery({
    queryKey: batchKeys.exportName(batchId, pattern, JSON.stringify(format)),
    queryFn: () => backend.batchExportName(batchId, pattern, format),
    enabled: pattern.trim() !== "",
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useExportBatch(batchId: string) {
  const backend = useBackend();
  return useMutation({
    mutationFn: (request: BatchExportRequest) => backend.exportBatch(batchId, request),
  });
}
