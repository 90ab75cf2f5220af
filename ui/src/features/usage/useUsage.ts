// Credits from the service (`/v1/account/usage`), shared by the header and the batch screen.
// Refreshed when a run settles (it may have spent credits); `null` when the service doesn't
// report them, and then nothing is shown.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "../../lib/backend/context";

export const usageKey = ["usage"] as const;

export function useUsage() {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(
    () =>
      backend.onRunUpdated((run) => {
        if (run.status === "completed" || run.status === "failed") {
          void client.invalidateQueries({ queryKey: usageKey });
        }
      }),
    [backend, client],
  );
  return useQuery({
    queryKey: usageKey,
    queryFn: () => backend.accountUsage(),
    // Credits are a nice-to-have: a failure hides them instead of retrying or showing an error.
    retry: false,
    staleTime: 30_000,
  });
}
