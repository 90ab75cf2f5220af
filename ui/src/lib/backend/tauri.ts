// The desktop implementation: generated tauri-specta bindings plus the `lamina` media protocol.
import { convertFileSrc } from "@tauri-apps/api/core";
import { commands, events } from "./bindings";
import type { Backend } from "./index";
import { BackendError } from "./index";
import type { AppError, RunRecord } from "./types";

/** The shape tauri-specta gives every command that returns a Rust `Result`. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

async function unwrap<T>(call: () => Promise<Result<T, AppError>>): Promise<T> {
  let result: Result<T, AppError>;
  try {
    result = await call();
  } catch (error) {
    // IPC itself failed (command missing, state not managed, bindings placeholder, ...).
    throw BackendError.from(error);
  }
  if (result.status === "ok") return result.data;
  throw BackendError.from(result.error);
}

export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    accountStatus: () => unwrap(() => commands.accountStatus()),
    connectAccount: (apiKey) => unwrap(() => commands.connectAccount(apiKey)),
    useDemo: () => unwrap(() => commands.useDemo()),
    forgetKey: () => unwrap(() => commands.forgetKey()),
    listApps: (search) => unwrap(() => commands.listApps(search)),
    getApp: (appId) => unwrap(() => commands.getApp(appId)),
    lastInputs: (appId) => unwrap(() => commands.lastInputs(appId)),
    startRun: (appId, inputs) => unwrap(() => commands.startRun(appId, inputs)),
    listRuns: (limit, offset) => unwrap(() => commands.listRuns(limit, offset)),
    getRun: (localId) => unwrap(() => commands.getRun(localId)),

    onRunUpdated(callback: (run: RunRecord) => void) {
      let stopped = false;
      let unlisten: (() => void) | null = null;
      events.runUpdated
        .listen((event) => {
          if (!stopped) callback(event.payload);
        })
        .then((fn) => {
          if (stopped) fn();
          else unlisten = fn;
        })
        .catch((error: unknown) => {
          console.error("could not subscribe to run updates", error);
        });
      return () => {
        stopped = true;
        unlisten?.();
        unlisten = null;
      };
    },

    // Served by Rust (src-tauri/src/media.rs) from the local output cache by opaque id, never
    // the remote output URL. convertFileSrc gives the platform's form of the scheme
    // (lamina://localhost/… or http://lamina.localhost/… on Windows) but percent-encodes a "/",
    // so the index is appended as its own path segment: <base>/<localId>/<index>.
    mediaUrl: (localId, index) => `${convertFileSrc(localId, "lamina")}/${index}`,

    // The preview of a pasted link loads the link itself; the window's CSP decides whether
    // that is allowed (img-src). Swap this for a Rust-side proxy protocol if that is preferred.
    inputPreviewUrl: (url) => url,
  };
}
