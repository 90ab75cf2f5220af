// Settings → Storage state: where photos go (never the secret), and the save / test / forget actions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useBackend } from "../../../lib/backend/context";
import type { StorageSettingsInput, StorageSettingsView } from "../../../lib/backend/types";
import { retryTransient } from "../../../lib/queries";

export const storageKey = ["storage", "settings"] as const;

export function useStorageSettings() {
  const backend = useBackend();
  return useQuery({
    queryKey: storageKey,
    queryFn: () => backend.storageSettings(),
    retry: retryTransient,
  });
}

export function useSaveStorage() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: StorageSettingsInput) => backend.saveStorageSettings(input),
    onSuccess: (view: StorageSettingsView) => client.setQueryData(storageKey, view),
  });
}

export function useForgetStorage() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => backend.forgetStorage(),
    onSuccess: (view: StorageSettingsView) => client.setQueryData(storageKey, view),
  });
}

export function useTestStorage() {
  const backend = useBackend();
  return useMutation({ mutationFn: () => backend.testStorage() });
}
