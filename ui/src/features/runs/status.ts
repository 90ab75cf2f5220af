import { i18n } from "../../i18n";
import { formatNumber } from "../../i18n/format";
import type { RunRecord, RunState } from "../../lib/backend/types";

/** A run's state in a word or two ("Done", "Unknown — check"). */
export function statusLabel(status: RunState): string {
  return i18n.t(`runs:status.${status}`);
}

/** The plain-words line for each way a run can end badly (`runs:failure.*` in the catalog). */
export function runMessage(kind: FailureKind): string {
  return i18n.t(`runs:failure.${kind}`);
}

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

/** An app failure whose words say the service was overloaded: trying again later may work. */
function mentionsCapacity(run: RunRecord): boolean {
  return /\b(capacity|overloaded|too many requests|temporarily unavailable|try again later)\b/i.test(
    run.errorMessage ?? "",
  );
}

/** Why a run did not end well, in plain words chosen from the error's kind; null when it did. */
export function describeFailure(run: RunRecord): Failure | null {
  if (run.status === "unknown") return { kind: "unknown", message: runMessage("unknown") };
  const kind = run.error?.kind;
  const ended = run.status === "failed" || run.status === "cancelled";
  if (!ended && !run.error) return null;
  if (kind === "notStarted") return { kind: "notStarted", message: runMessage("notStarted") };
  if (kind === "outOfCredits" || mentionsCredits(run)) {
    return { kind: "noCredits", message: runMessage("noCredits") };
  }
  if (kind === "unauthorized" || kind === "forbidden") {
    return { kind: "badKey", message: runMessage("badKey") };
  }
  if (kind === "invalidInput") {
    const field = invalidField(run);
    return field
      ? {
          kind: "invalidInput",
          field,
          message: i18n.t("runs:failure.invalidField", { field }),
        }
      : { kind: "invalidInput", message: runMessage("invalidInput") };
  }
  if (kind === "rateLimited" || kind === "server" || (!kind && mentionsCapacity(run)))
    return { kind: "busy", message: runMessage("busy") };
  if (kind === "network" || kind === "timeout") {
    return { kind: "offline", message: runMessage("offline") };
  }
  if (run.status === "cancelled") return { kind: "cancelled", message: runMessage("cancelled") };
  // The app itself failed (the raw errorMessage is under Details), or a kind we don't know yet
  // whose words the backend already chose.
  const message = kind && run.error?.message ? run.error.message : runMessage("appFailed");
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
  if (run.error?.kind) lines.push(i18n.t("runs:raw.kind", { kind: run.error.kind }));
  for (const o of run.outputs) {
    const number = o.index + 1;
    const label = o.label;
    if (o.error) {
      lines.push(
        label
          ? i18n.t("runs:raw.outputLabelled", { number, label, error: o.error })
          : i18n.t("runs:raw.output", { number, error: o.error }),
      );
    }
    if (o.fileError) {
      lines.push(
        label
          ? i18n.t("runs:raw.downloadLabelled", { number, label, error: o.fileError })
          : i18n.t("runs:raw.download", { number, error: o.fileError }),
      );
    }
  }
  lines.push(run.runId ? i18n.t("runs:raw.runId", { id: run.runId }) : i18n.t("runs:raw.noRunId"));
  lines.push(i18n.t("runs:raw.localId", { id: run.localId }));
  return lines.join("\n");
}

/** "8 s", "1 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return i18n.t("runs:elapsed.seconds", { s: formatNumber(s) });
  const m = Math.floor(s / 60);
  const two = { minimumIntegerDigits: 2 };
  if (m < 60) {
    return i18n.t("runs:elapsed.minutes", { m: formatNumber(m), s: formatNumber(s % 60, two) });
  }
  return i18n.t("runs:elapsed.hours", {
    h: formatNumber(Math.floor(m / 60)),
    m: formatNumber(m % 60, two),
  });
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
