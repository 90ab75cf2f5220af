// Whether the service can be reached. History and Gallery read local data only and keep
// working offline; coming back refreshes everything that depends on the service.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "./backend/context";
import { keys } from "./keys";

function setOnline(client: QueryClient, online: boolean): void {
  const was = client.getQueryData<boolean>(keys.connection);
  client.setQueryData(keys.connection, online);
  if (online && was === false) {
    // Back online: runs resume (the backend follows them again), the catalog is live again.
    void client.invalidateQueries({
      predicate: (q) => q.queryKey[0] !== "account" && q.queryKey[0] !== "connection",
    });
  }
}

/** True unless the backend said it can't reach the service. */
export function useOnline(): boolean {
  const backend = useBackend();
  const status = useQuery({
    queryKey: keys.connection,
    queryFn: () => backend.connectionStatus(),
    staleTime: Infinity,
    retry: false,
  });
  return status.data ?? true;
}

/** Follows connection changes for as long as the caller is mounted. */
export function useConnectionEvents(): void {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(
    () => backend.onConnectionChanged((online) => setOnline(client, online)),
    [backend, client],
  );
}

/** "Try again": one probe of the service. */
export function useReconnect() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => backend.reconnect(),
    onSuccess: (online) => setOnline(client, online),
  });
}
