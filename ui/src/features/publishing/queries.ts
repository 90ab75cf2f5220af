// Publishing through TanStack Query: channels, the history, a run's suggested caption, and the
// `publishUpdated` events folded into the history.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "../../lib/backend/context";
import type { PublishView, PublishingHistory } from "../../lib/backend/types";
import { retryTransient } from "../../lib/queries";
import { isNotOffered } from "../describe/queries";

export const publishKeys = {
  channels: ["publishing", "channels"] as const,
  history: ["publishing", "history"] as const,
  caption: (localId: string) => ["publishing", "caption", localId] as const,
};

function retryUnlessMissing(count: number, error: unknown): boolean {
  return !isNotOffered(error) && retryTransient(count, error);
}

export function useChannels() {
  const backend = useBackend();
  return useQuery({
    queryKey: publishKeys.channels,
    queryFn: () => backend.publishingChannels(),
    retry: retryUnlessMissing,
  });
}

export function usePublishingHistory() {
  const backend = useBackend();
  return useQuery({
    queryKey: publishKeys.history,
    queryFn: () => backend.publishingHistory(),
    retry: retryUnlessMissing,
    // An unconfirmed publish is settled by the history: ask again while one is waiting.
    refetchInterval: (query) => (query.state.data?.entries.some(isWaiting) ? 5000 : false),
  });
}

export function useCaption(localId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: publishKeys.caption(localId),
    queryFn: () => backend.captionForRun(localId),
    retry: false,
  });
}

export function usePublish() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: {
      localId: string;
      indexes: number[];
      channelIds: string[];
      caption: string | null;
    }) => backend.publish(v.localId, v.indexes, v.channelIds, v.caption),
    onSuccess: (views) => {
      for (const view of views) putInHistory(client, view);
    },
  });
}

export function isWaiting(view: PublishView): boolean {
  return view.state === "intent" || view.state === "sent" || view.state === "unconfirmed";
}

function putInHistory(client: ReturnType<typeof useQueryClient>, view: PublishView): void {
  client.setQueryData<PublishingHistory>(publishKeys.history, (old) => {
    if (!old) return old;
    const rest = old.entries.filter((p) => p.id !== view.id);
    const entries = [view, ...rest].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return { ...old, entries };
  });
}

/** Calls `onChange` with every publish update while mounted (and keeps the history current). */
export function usePublishEvents(onChange?: (view: PublishView) => void): void {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(
    () =>
      backend.onPublishUpdated((view) => {
        putInHistory(client, view);
        onChange?.(view);
      }),
    [backend, client, onChange],
  );
}
