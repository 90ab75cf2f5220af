import type { RunRecord, RunState } from "../../lib/backend/types";

export const STATUS_LABEL: Record<RunState, string> = {
  starting: "Starting",
  queued: "Queued",
  running: "Running",
  completed: "Done",
  failed: "Failed",
  unknown: "Check needed",
  cancelled: "Stopped",
};

export const FAILED_MESSAGE = "Something went wrong with this run — try again.";
export const UNKNOWN_MESSAGE =
  "We couldn't confirm that Lamina received this run. It may still be running, so check your images before trying again.";
export const CANCELLED_MESSAGE = "This run was stopped before it finished.";

/** The plain-words line for a run that did not end well, or null when there is nothing to say. */
export function failureMessage(run: RunRecord): string | null {
  if (run.error?.message) return run.error.message;
  switch (run.status) {
    case "failed":
      return FAILED_MESSAGE;
    case "unknown":
      return UNKNOWN_MESSAGE;
    case "cancelled":
      return CANCELLED_MESSAGE;
    default:
      return null;
  }
}

/** Everything raw about a failure, for "Details". */
export function failureDetails(run: RunRecord): string {
  const lines: string[] = [];
  if (run.errorMessage) lines.push(run.errorMessage);
  if (run.error?.detail) lines.push(run.error.detail);
  for (const o of run.outputs) {
    if (o.error) lines.push(`Output ${o.index + 1}${o.label ? ` (${o.label})` : ""}: ${o.error}`);
    if (o.fileError)
      lines.push(`Output ${o.index + 1}${o.label ? ` (${o.label})` : ""} download: ${o.fileError}`);
  }
  lines.push(`Run id: ${run.runId ?? "none (the service never answered)"}`);
  lines.push(`Local id: ${run.localId}`);
  return lines.join("\n");
}

/** "8 s", "1 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

export function elapsedMs(run: RunRecord, now: number): number {
  const start = Date.parse(run.createdAt);
  const end = run.completedAt
    ? Date.parse(run.completedAt)
    : isTerminal(run)
      ? Date.parse(run.updatedAt)
      : now;
  return Number.isNaN(start) || Number.isNaN(end) ? 0 : end - start;
}

export function isTerminal(run: RunRecord): boolean {
  return (
    run.status === "completed" ||
    run.status === "failed" ||
    run.status === "cancelled" ||
    run.status === "unknown"
  );
}
