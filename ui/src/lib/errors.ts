import { BackendError } from "./backend";
import type { AppErrorKind } from "./backend/types";

/** Plain words per kind, for when the backend sent none. The UI switches on kind, never on text. */
const FALLBACK: Record<AppErrorKind, string> = {
  unauthorized:
    "Your Lamina key was not accepted. Check it in Settings or connect your account again.",
  forbidden: "Your Lamina workspace does not have access to this.",
  notFound: "This could not be found in your workspace.",
  invalidInput: "Some of the details need another look.",
  rateLimited: "Lamina is busy with your other requests. Wait a moment and try again.",
  server: "Lamina had a problem on its side. Please try again shortly.",
  network: "Can't reach Lamina. Check your internet connection.",
  timeout: "Lamina took too long to answer. Please try again.",
  decode: "Lamina sent an answer this app could not read.",
  keychain: "Your computer's keychain isn't available, so your key can't be kept safely.",
  storage: "Lamina couldn't save to this computer. Check there is free disk space.",
  internal: "Something went wrong. Please try again.",
  conflict: "This changed in the meantime. Have another look and try again.",
};

export interface Friendly {
  kind: AppErrorKind;
  /** Words for a shop owner. */
  message: string;
  /** The raw text, for the "Details" disclosure. */
  detail: string;
}

export function friendlyError(error: unknown): Friendly {
  const e = BackendError.from(error);
  const message = e.message.trim() !== "" ? e.message : FALLBACK[e.kind];
  const detail = [e.detail, `(${e.kind})`].filter((s) => s.trim() !== "").join("\n");
  return { kind: e.kind, message, detail };
}

/** Errors worth retrying on their own (the network or the service hiccupped). */
export function isTransient(error: unknown): boolean {
  const kind = BackendError.from(error).kind;
  return kind === "network" || kind === "timeout" || kind === "server" || kind === "rateLimited";
}
