// The desktop implementation: generated tauri-specta bindings plus the `lamina` media protocol.
import { convertFileSrc } from "@tauri-apps/api/core";
import { commands, events } from "./bindings";
import type { Backend } from "./index";
import { BackendError } from "./index";
import { contentCommands } from "./tauri-content";
import type { AppError, BatchProgress, RunRecord } from "./types";

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

/** Commands with no answer resolve to `null`; the Backend says `void`. */
async function done(call: Promise<unknown>): Promise<void> {
  await call;
}

/** Subscribes to a typed event; the returned function also works before `listen` resolved. */
function subscribe<T>(
  event: { listen: (cb: (e: { payload: T }) => void) => Promise<() => void> },
  name: string,
  callback: (payload: T) => void,
): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  event
    .listen((e) => {
      if (!stopped) callback(e.payload);
    })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch((error: unknown) => {
      console.error(`could not subscribe to ${name}`, error);
    });
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    accountStatus: () => unwrap(() => commands.accountStatus()),
    startupState: () => unwrap(() => commands.startupState()),
    connectAccount: (apiKey) => unwrap(() => commands.connectAccount(apiKey)),
    useDemo: () => unwrap(() => commands.useDemo()),
    forgetKey: () => unwrap(() => commands.forgetKey()),
    listApps: (search) => unwrap(() => commands.listApps(search)),
    getApp: (appId) => unwrap(() => commands.getApp(appId)),
    lastInputs: (appId) => unwrap(() => commands.lastInputs(appId)),
    startRun: (appId, inputs) => unwrap(() => commands.startRun(appId, inputs)),
    listRuns: (limit, offset) => unwrap(() => commands.listRuns(limit, offset)),
    getRun: (localId) => unwrap(() => commands.getRun(localId)),

    searchRuns: (query) => unwrap(() => commands.searchRuns(query)),
    gallery: (query) => unwrap(() => commands.gallery(query)),
    historyApps: () => unwrap(() => commands.historyApps()),
    setStarred: (localId, index, starred) =>
      unwrap(() => commands.setStarred(localId, index, starred)),
    findUnknownRun: (localId) => unwrap(() => commands.findUnknownRun(localId)),
    linkUnknownRun: (localId, runId) => unwrap(() => commands.linkUnknownRun(localId, runId)),
    markRunNotStarted: (localId) => unwrap(() => commands.markRunNotStarted(localId)),
    saveOutputs: (localId, indexes, format) =>
      unwrap(() => commands.saveOutputs(localId, indexes, format)),
    copyImage: (localId, index) => done(unwrap(() => commands.copyImage(localId, index))),
    copyText: (text) => done(unwrap(() => commands.copyText(text))),
    revealOutput: (localId, index) => done(unwrap(() => commands.revealOutput(localId, index))),
    listPresets: (appId) => unwrap(() => commands.listPresets(appId)),
    savePreset: (appId, name, inputs) => unwrap(() => commands.savePreset(appId, name, inputs)),
    updatePreset: (presetId, inputs) => unwrap(() => commands.updatePreset(presetId, inputs)),
    applyPreset: (presetId) => unwrap(() => commands.applyPreset(presetId)),
    renamePreset: (presetId, name) => unwrap(() => commands.renamePreset(presetId, name)),
    deletePreset: (presetId) => unwrap(() => commands.deletePreset(presetId)),
    connectionStatus: () => unwrap(() => commands.connectionStatus()),
    reconnect: () => unwrap(() => commands.reconnect()),
    markFirstPaint: (timings) => void commands.firstPaint(timings).catch(() => undefined),
    saveFirstScreen: (screen) => void commands.saveFirstScreen(screen).catch(() => undefined),
    deliveryStatus: () => unwrap(() => commands.deliveryStatus()),
    setDeliverySettings: (settings) => unwrap(() => commands.setDeliverySettings(settings)),
    recentDeliveries: (limit) => unwrap(() => commands.recentDeliveries(limit)),
    sendTestDelivery: () => unwrap(() => commands.sendTestDelivery()),
    accountUsage: () => unwrap(() => commands.accountUsage()),
    checkConnection: () => unwrap(() => commands.checkConnection()),
    onDeliveryLogged: (callback) => subscribe(events.deliveryLogged, "deliveries", callback),

    pickBatchFile: () => unwrap(() => commands.pickBatchFile()),
    pickBatchFolder: (parameter) => unwrap(() => commands.pickBatchFolder(parameter)),
    previewBatch: (appId, text, mapping, source) =>
      unwrap(() => commands.previewBatch(appId, text, mapping, source)),
    startBatch: (appId, name, text, mapping, source) =>
      unwrap(() => commands.startBatch(appId, name, text, mapping, source)),
    listBatches: () => unwrap(() => commands.listBatches()),
    getBatch: (batchId) => unwrap(() => commands.getBatch(batchId)),
    pauseBatch: (batchId) => unwrap(() => commands.pauseBatch(batchId)),
    resumeBatch: (batchId) => unwrap(() => commands.resumeBatch(batchId)),
    cancelBatchRest: (batchId) => unwrap(() => commands.cancelBatchRest(batchId)),
    retryBatchFailed: (batchId) => unwrap(() => commands.retryBatchFailed(batchId)),
    batchExportName: (batchId, pattern, format) =>
      unwrap(() => commands.batchExportName(batchId, pattern, format)),
    exportBatch: (batchId, request) => unwrap(() => commands.exportBatch(batchId, request)),
    onBatchUpdated: (callback: (progress: BatchProgress) => void) =>
      subscribe(events.batchUpdated, "batch updates", callback),
    ...contentCommands(),

    onRunUpdated: (callback: (run: RunRecord) => void) =>
      subscribe(events.runUpdated, "run updates", callback),
    onConnectionChanged: (callback: (online: boolean) => void) =>
      subscribe(events.connectionChanged, "connection changes", (p) => callback(p.online)),

    // Served by Rust (src-tauri/src/media.rs) from the local output cache by opaque id, never
    // the remote output URL. convertFileSrc gives the platform's form of the scheme
    // (lamina://localhost/… or http://lamina.localhost/… on Windows) but percent-encodes a "/",
    // so the index (and the variant) are appended as their own path segments:
    // <base>/<localId>/<index>[/thumb].
    mediaUrl: (localId, index, variant = "full") =>
      `${convertFileSrc(localId, "lamina")}/${index}${variant === "thumb" ? "/thumb" : ""}`,

    storageSettings: () => unwrap(() => commands.storageSettings()),
    saveStorageSettings: (input) => unwrap(() => commands.saveStorageSettings(input)),
    forgetStorage: () => unwrap(() => commands.forgetStorage()),
    testStorage: () => unwrap(() => commands.testStorage()),
    uploadFileBytes: (name, data) => unwrap(() => commands.uploadFileBytes(name, data)),
    chooseUploadFile: () => unwrap(() => commands.chooseUploadFile()),
    uploadStatus: (id) => unwrap(() => commands.uploadStatus(id)),
    onUploadProgress: (callback) => subscribe(events.uploadProgressed, "uploads", callback),
    inputFromOutput: (localId, index) => unwrap(() => commands.inputFromOutput(localId, index)),
    runInputFiles: (localId) => unwrap(() => commands.runInputFiles(localId)),

    // No remote content in the app window (SECURITY.md): a pasted link is never loaded for a
    // preview; the service fetches it, not the web view (the CSP has no https: image source).
    inputPreviewUrl: () => null,
    linkPreview: (url) => unwrap(() => commands.linkPreview(url)),
  };
}
