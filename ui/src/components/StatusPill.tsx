import type { RunState } from "../lib/backend/types";
import { statusLabel } from "../features/runs/status";

const IN_FLIGHT: readonly RunState[] = ["starting", "queued", "running"];

/** A run's state as a small coloured badge ("Done", "Failed", "Unknown — check", …). */
export function StatusPill({
  status,
  testId = "run-status",
}: {
  status: RunState;
  testId?: string;
}) {
  return (
    <span className={`pill pill-${status}`} data-testid={testId}>
      {IN_FLIGHT.includes(status) && <span className="pill-dot" aria-hidden="true" />}
      {statusLabel(status)}
    </span>
  );
}
