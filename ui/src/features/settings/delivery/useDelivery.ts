// Settings → Delivery state: the saved settings and receiver status, the delivery log kept live
// by `deliveryLogged` events, and the two actions (save, send test).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useBackend } from "../../../lib/backend/context";
import type { DeliveryLogEntry, DeliverySettings } from "../../../lib/backend/types";
import { retryTransient } from "../../../lib/queries";
import { applyRun } from "../../../lib/run-cache";

export const DELIVERY_LOG_LIMIT = 20;

export const deliveryKeys = {
  status: ["delivery", "status"] as const,
  log: ["delivery", "log"] as const,
};

export function useDeliveryStatus() {
  const backend = useBackend();
  return useQuery({
    queryKey: deliveryKeys.status,
    queryFn: () => backend.deliveryStatus(),
    retry: retryTransient,
  });
}

/** The last deliveries, newest first, updated live as they are logged. */
export function useDeliveryLog() {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(
    () =>
      backend.onDeliveryLogged((entry) => {
        client.setQueryData<DeliveryLogEntry[]>(deliveryKeys.log, (old) =>
          [entry, ...(old ?? []).filter((e) => e.id !== entry.id)].slice(0, DELIVERY_LOG_LIMIT),
        );
      }),
    [backend, client],
  );
  return useQuery({
    queryKey: deliveryKeys.log,
    queryFn: () => backend.recentDeliveries(DELIVERY_LOG_LIMIT),
    retry: retryTransient,
  });
}

export function useSaveDelivery() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: DeliverySettings) => backend.setDeliverySettings(settings),
    onSuccess: (status) => client.setQueryData(deliveryKeys.status, status),
  });
}

export function useSendTest() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => backend.sendTestDelivery(),
    onSuccess: (run) => applyRun(client, run),
  });
}
