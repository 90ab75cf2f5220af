// Settings → Connection: "Check connection" runs the connection check once per press (it costs
// a dozen requests of the shared budget, so it never runs by itself).
import { useMutation } from "@tanstack/react-query";
import { useBackend } from "../../../lib/backend/context";

export function useConnectionCheck() {
  const backend = useBackend();
  return useMutation({ mutationFn: () => backend.checkConnection() });
}
