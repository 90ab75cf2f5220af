// Presets through TanStack Query: one list per app, refreshed after every change.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useBackend } from "../../lib/backend/context";
import type { Inputs } from "../../lib/backend/types";

export const presetKeys = {
  list: (appId: string) => ["presets", appId] as const,
};

export function usePresets(appId: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: presetKeys.list(appId),
    queryFn: () => backend.listPresets(appId),
  });
}

/** The mutations of an app's presets; each refreshes the list when it settles. */
export function usePresetActions(appId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: presetKeys.list(appId) });
  return {
    save: useMutation({
      mutationFn: (p: { name: string; inputs: Inputs }) =>
        backend.savePreset(appId, p.name, p.inputs),
      onSettled: refresh,
    }),
    update: useMutation({
      mutationFn: (p: { presetId: string; inputs: Inputs }) =>
        backend.updatePreset(p.presetId, p.inputs),
      onSettled: refresh,
    }),
    rename: useMutation({
      mutationFn: (p: { presetId: string; name: string }) =>
        backend.renamePreset(p.presetId, p.name),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (presetId: string) => backend.deletePreset(presetId),
      onSettled: refresh,
    }),
    apply: useMutation({ mutationFn: (presetId: string) => backend.applyPreset(presetId) }),
  };
}
