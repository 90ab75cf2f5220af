import { i18n } from "../i18n";
import { BackendError } from "./backend";
import type { AppErrorKind } from "./backend/types";

// Plain words per kind, for when the backend sent none: `common:errors.<kind>` in the catalog.
// The UI switches on kind, never on text.

export interface Friendly {
  kind: AppErrorKind;
  /** Words for a shop owner. */
  message: string;
  /** The raw text, for the "Details" disclosure. */
  detail: string;
}

export function friendlyError(error: unknown): Friendly {
  const e = BackendError.from(error);
  const message = e.message.trim() !== "" ? e.message : i18n.t(`errors.${e.kind}`);
  const detail = [e.detail, `(${e.kind})`].filter((s) => s.trim() !== "").join("\n");
  return { kind: e.kind, message, detail };
}

/** Errors worth retrying on their own (the network or the service hiccupped). */
export function isTransient(error: unknown): boolean {
  const kind = BackendError.from(error).kind;
  return kind === "network" || kind === "timeout" || kind === "server" || kind === "rateLimited";
}
