import type { RunRecord, RunState } from "../../lib/backend/types";

export const STATUS_LABEL: Record<RunState, string> = {
  starting: "Starting",
  queued: "Queued",
  running: "Running",
  completed: "Done",
  failed: "Failed",
  unknown: "Unknown — check",
  cancelled: "Stopped",
};

export const FAILED_MESSAGE = "Something went wrong with this run — try again.";
export const UNKNOWN_MESSAGE =
  "We couldn't confirm that Lamina received this run. It may still be running, so check with the service before starting it again.";
export const CANCELLED_MESSAGE = "This run was stopped before it finished.";
export const BAD_KEY_MESSAGE =
  "Lamina didn't accept your key. Check it in Settings, then start the run again.";
export const NO_CREDITS_MESSAGE =
  "You're out of credits. Top up your Lamina account, then start the run again.";
export const BUSY_MESSAGE = "The service is busy right now. Wait a minute, then start again.";
export const OFFLINE_MESSAGE =
  "You're offline or the service can't be reached. Start again once you're connected.";
export const NOT_STARTED_MESSAGE =
  "This run never started, so nothing was charged. You can start it again.";
export const INVALID_MESSAGE =
  "Some of the details need another look. Open the form to fix them, then start again.";

export type FailureKind =
  | "badKey"
  | "noCredits"
  | "invalidInput"
  | "busy"
  | "offline"
  | "appFailed"
  | "notStarted"
  | "unknown"
  | "cancelled";

export interface Failure {
  kind: FailureKind;
  /** Plain words for a shop owner. */
  message: string;
  /** The input the service complained about, when it said which. */
  field?: string;
}

/** The input named in the service's complaint: a quoted name, else an input the text mentions. */
export function invalidField(run: RunRecord): string | undefined {
  const named = run.error?.fields?.find((f) => f.field)?.field;
  if (named) return named;
  const raw = [run.error?.detail, run.error?.message, run.errorMessage].filter(Boolean).join("\n");
  const names = Object.keys(run.inputs);
  const quoted = [...raw.matchAll(/["“'`]([^"”'`\n]{1,60})["”'`]/g)].map((m) => m[1] ?? "");
  return (
    quoted.find((q) => names.includes(q)) ??
    names.find((n) => raw.toLowerCase().includes(n.toLowerCase())) ??
    quoted.find((q) => q.trim() !== "")
  );
}

/** A 402, or an app failure that says the credits ran out (the docs leave open which it is). */
function mentionsCredits(run: RunRecord): boolean {
  if (/\(HTTP 402\)/.test(run.error?.detail ?? "")) return true;
  return /\b(insufficient|out of|not enough|no( more)?)\s+credits?\b/i.test(run.errorMessage ?? "");
}

/** Why a run did not end well, in plain words chosen from the error's kind; null when it did. */
export function describeFailure(run: RunRecord): Failure | null {
  if (run.status === "unknown") return { kind: "unknown", message: UNKNOWN_MESSAGE };
  const kind = run.error?.kind;
  const ended = run.status === "failed" || run.status === "cancelled";
  if (!ended && !run.error) return null;
  if (kind === "notStarted") return { kind: "notStarted", message: NOT_STARTED_MESSAGE };
  if (kind === "outOfCredits" || mentionsCredits(run)) {
    return { kind: "noCredits", message: NO_CREDITS_MESSAGE };
  }
  if (kind === "unauthorized" || kind === "forbidden") {
    return { kind: "badKey", message: BAD_KEY_MESSAGE };
  }
  if (kind === "invalidInput") {
    const field = invalidField(run);
    return field
      ? {
          kind: "invalidInput",
          field,
          message: `Lamina couldn't use “${field}”. Open the form to fix it, then start again.`,
        }
      : { kind: "invalidInput", message: INVALID_MESSAGE };
  }
  if (kind === "rateLimited" || kind === "server") return { kind: "busy", message: BUSY_MESSAGE };
  if (kind === "network" || kind === "timeout") {
    return { kind: "offline", message: OFFLINE_MESSAGE };
  }
  if (run.status === "cancelled") return { kind: "cancelled", message: CANCELLED_MESSAGE };
  // The app itself failed (the raw errorMessage is under Details), or a kind we don't know yet
  // whose words the backend already chose.
  const message = kind && run.error?.message ? run.error.message : FAILED_MESSAGE;
  return { kind: "appFailed", message };
}

/** The plain-words line for a run that did not end well, or null when there is nothing to say. */
export function failureMessage(run: RunRecord): string | null {
  return describeFailure(run)?.message ?? null;
}

/** Everything raw about a failure, for "Details". */
export function failureDetails(run: RunRecord): string {
  const lines: string[] = [];
  if (run.errorMessage) lines.push(run.errorMessage);
  if (run.error?.detail) lines.push(run.error.detail);
  if (run.error?.kind) lines.push(`Kind: ${run.error.kind}`);
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
