// The one seam between the UI and whatever runs it. Everything Tauri lives in this folder;
// the rest of the app talks to `Backend` only.
import type {
  AccountStatus,
  App,
  AppCatalog,
  AppError,
  AppliedPreset,
  AppErrorKind,
  DeliveryLogEntry,
  DeliverySettings,
  DeliveryStatus,
  DoctorReport,
  BatchDetail,
  BatchExportRequest,
  BatchExportResult,
  BatchFile,
  BatchFolder,
  BatchListItem,
  BatchPreview,
  BatchProgress,
  BatchSummary,
  ExportFormat,
  FieldError,
  GalleryPage,
  HistoryApp,
  HistoryPage,
  HistoryQuery,
  Inputs,
  LinkPreview,
  Mapping,
  MediaVariant,
  Preset,
  RunCandidate,
  RunRecord,
  SaveOutcome,
  StartupState,
  FirstScreen,
  Usage,
} from "./types";
import type {
  InputFile,
  InputFromOutput,
  StorageSettingsInput,
  StorageSettingsView,
  StorageTestReport,
  UploadProgress,
  UploadTicket,
} from "./storage-types";
import type { StartupTimings } from "../startup";
import type {
  BrandView,
  ChannelView,
  ContentBrief,
  ContentRunView,
  ContentScores,
  DescribeBatchItem,
  PublishView,
  PublishingHistory,
  TemplateView,
} from "./types";

export interface Backend {
  /** Which implementation this is: "tauri" inside the desktop app, "memory" in tests and a browser. */
  readonly kind: "tauri" | "memory";

  accountStatus(): Promise<AccountStatus>;
  /** The account and the catalog to draw first, in one answer (asked once, at start-up). */
  startupState(): Promise<StartupState>;
  /** Checks the key with the service, keeps it in the OS keychain and switches to it. */
  connectAccount(apiKey: string): Promise<AccountStatus>;
  /** Switches to the built-in demo workspace. */
  useDemo(): Promise<AccountStatus>;
  forgetKey(): Promise<AccountStatus>;

  listApps(search: string | null): Promise<AppCatalog>;
  getApp(appId: string): Promise<App>;
  lastInputs(appId: string): Promise<Inputs | null>;

  /** Resolves once the service accepted (or refused) the run; tracking goes on in the background. */
  startRun(appId: string, inputs: Inputs): Promise<RunRecord>;
  /** Newest first. */
  listRuns(limit: number, offset: number): Promise<RunRecord[]>;
  getRun(localId: string): Promise<RunRecord>;

  /** Every change of every run. Returns the unsubscribe function (safe to call at once). */
  onRunUpdated(callback: (run: RunRecord) => void): () => void;
  /**
   * Address of a downloaded output's file, for <img>/<video>. Only meaningful when `output.file`
   * is set. "thumb" is a 512 px preview (the original when there is none).
   */
  mediaUrl(localId: string, index: number, variant?: MediaVariant): string;

  // --- history (local only: works offline) ---------------------------------------------------
  /** One page of history matching the query, newest first, with the total number of matches. */
  searchRuns(query: HistoryQuery): Promise<HistoryPage>;
  /** Kept images of the runs matching the query (`starredOnly`: starred images only). */
  gallery(query: HistoryQuery): Promise<GalleryPage>;
  /** Apps that appear in history, most used first, for the filter menu. */
  historyApps(): Promise<HistoryApp[]>;
  setStarred(localId: string, index: number, starred: boolean): Promise<RunRecord>;

  // --- runs whose start was never confirmed (status "unknown") -----------------------------
  /** Runs in the service's list that could be this one (same app, around the same time). */
  findUnknownRun(localId: string): Promise<RunCandidate[]>;
  /** The person picked the service's run that is this one; it is then followed to the end. */
  linkUnknownRun(localId: string, runId: string): Promise<RunRecord>;
  /** The service has no such run: it never started (state "failed", error kind "notStarted"). */
  markRunNotStarted(localId: string): Promise<RunRecord>;

  // --- files --------------------------------------------------------------------------------
  /** Opens the native save dialog (one index: "Save as"; several: a folder) and writes them. */
  saveOutputs(localId: string, indexes: number[], format: ExportFormat): Promise<SaveOutcome>;
  copyImage(localId: string, index: number): Promise<void>;
  copyText(text: string): Promise<void>;
  /** Opens the file manager with the kept file selected. */
  revealOutput(localId: string, index: number): Promise<void>;

  // --- presets (saved forms, per app; local) --------------------------------------------------
  /** An app's presets, by name. */
  listPresets(appId: string): Promise<Preset[]>;
  /** Saves the form's values under a new name (unique per app: "conflict" otherwise). */
  savePreset(appId: string, name: string, inputs: Inputs): Promise<Preset>;
  /** Replaces a preset's values with the form's. */
  updatePreset(presetId: string, inputs: Inputs): Promise<Preset>;
  /** The preset's values that fit the app as it is now, and what no longer does. */
  applyPreset(presetId: string): Promise<AppliedPreset>;
  renamePreset(presetId: string, name: string): Promise<Preset>;
  deletePreset(presetId: string): Promise<Preset>;

  // --- connection ---------------------------------------------------------------------------
  /** Whether the service answered the last request. */
  connectionStatus(): Promise<boolean>;
  /** Probes the service now; resolves to whether it answered. */
  reconnect(): Promise<boolean>;
  /** Every change of the connection. Returns the unsubscribe function. */
  onConnectionChanged(callback: (online: boolean) => void): () => void;
  /** The catalog's first frame is drawn (start-up timing; once per launch). */
  markFirstPaint(timings: StartupTimings): void;
  /** Keeps the catalog's first frame for the next start's first paint (null forgets it). */
  saveFirstScreen(screen: FirstScreen | null): void;

  // --- delivery (Settings → Delivery) and credits -----------------------------------------
  /** The saved webhook settings and what is listening now. */
  deliveryStatus(): Promise<DeliveryStatus>;
  /** Validates and applies (start/move/stop the receiver); a refused change changes nothing. */
  setDeliverySettings(settings: DeliverySettings): Promise<DeliveryStatus>;
  /** The last webhook deliveries, newest first. */
  recentDeliveries(limit: number): Promise<DeliveryLogEntry[]>;
  /** Starts a short demo run with the webhook; its delivery then shows up in the log. */
  sendTestDelivery(): Promise<RunRecord>;
  /** Every delivery as it is logged. Returns the unsubscribe function. */
  onDeliveryLogged(callback: (entry: DeliveryLogEntry) => void): () => void;
  /** Credits from the service, or null when it doesn't report them. */
  accountUsage(): Promise<Usage | null>;
  /** Settings → Connection: the connection check, one line per check (never throws for the
   * service's own failures: they are lines). */
  checkConnection(): Promise<DoctorReport>;

  /** Address to preview a link the user typed into a `url` field, or null when previews are off. */
  inputPreviewUrl(url: string): string | null;
  /** A thumbnail of the picture at a pasted link, fetched by Rust (http/https only, no local or
   * private addresses except the demo workspace's, size and time limits). */
  linkPreview(url: string): Promise<LinkPreview>;

  // --- your own photos: Settings → Storage and uploads ---------------------------------------
  /** Where photos go (built in for the demo, a bucket, or none): never the secret itself. */
  storageSettings(): Promise<StorageSettingsView>;
  /** Saves a bucket; the secret goes to the keychain (null keeps the saved one). */
  saveStorageSettings(input: StorageSettingsInput): Promise<StorageSettingsView>;
  forgetStorage(): Promise<StorageSettingsView>;
  /** Puts a small file, fetches it through the link Lamina would get, deletes it. */
  testStorage(): Promise<StorageTestReport>;
  /** A dropped or pasted file (`data`: a data: URL or base64): answers with its ticket at
   * once; progress comes as events. */
  uploadFileBytes(name: string, data: string): Promise<UploadTicket>;
  /** Opens the system's file dialog (in Rust) and uploads the chosen photo (null: cancelled). */
  chooseUploadFile(): Promise<UploadTicket | null>;
  uploadStatus(id: string): Promise<UploadTicket>;
  /** Every upload's progress. Returns the unsubscribe function. */
  onUploadProgress(callback: (progress: UploadProgress) => void): () => void;
  /** A kept output as an input: its hosted link while valid, else its copy uploaded. */
  inputFromOutput(localId: string, index: number): Promise<InputFromOutput>;
  /** A run's uploaded inputs: the local file names beside the links (History). */
  runInputFiles(localId: string): Promise<InputFile[]>;

  // --- batches ------------------------------------------------------------------------------
  /** Opens the system dialog for a CSV file and returns its text (null: cancelled). */
  pickBatchFile(): Promise<BatchFile | null>;
  /** Opens the system dialog for a folder: one row per photo in it, feeding `parameter`
   * (null: cancelled). */
  pickBatchFolder(parameter: string): Promise<BatchFolder | null>;
  /** Maps the table's columns (by header, then `mapping`) and checks every row, and every local
   * photo it names (relative to the file or folder `source` stands for); nothing is sent. */
  previewBatch(
    appId: string,
    text: string,
    mapping: Mapping | null,
    source: string | null,
  ): Promise<BatchPreview>;
  /** Checks the table again, saves the batch, uploads its photos and starts it. */
  startBatch(
    appId: string,
    name: string,
    text: string,
    mapping: Mapping,
    source: string | null,
  ): Promise<BatchSummary>;
  /** Newest first. */
  listBatches(): Promise<BatchListItem[]>;
  getBatch(batchId: string): Promise<BatchDetail>;
  pauseBatch(batchId: string): Promise<BatchProgress>;
  resumeBatch(batchId: string): Promise<BatchProgress>;
  /** Cancels the rows not sent yet; started runs go on. */
  cancelBatchRest(batchId: string): Promise<BatchProgress>;
  retryBatchFailed(batchId: string): Promise<BatchProgress>;
  /** The first exported file's name under `pattern` (throws invalidInput for a bad pattern). */
  batchExportName(batchId: string, pattern: string, format: ExportFormat): Promise<string>;
  exportBatch(batchId: string, request: BatchExportRequest): Promise<BatchExportResult>;
  /** Every change of every batch's totals. Returns the unsubscribe function. */
  onBatchUpdated(callback: (progress: BatchProgress) => void): () => void;

  // --- describe what you need (content runs) ----------------------------------------------
  // Each throws kind "unsupported" (plain words in the message) when the service lacks it.
  /** Lamina picks an app for the brief, fills its inputs and starts an ordinary run. */
  describeCreate(request: ContentBrief): Promise<ContentRunView>;
  /** Up to 10 briefs at once (one run each); an item the service refused carries its error. */
  describeBatch(requests: ContentBrief[]): Promise<DescribeBatchItem[]>;
  /** The finished run's scores (null: the service has none for it yet). */
  contentScores(localId: string): Promise<ContentScores | null>;
  listTemplates(): Promise<TemplateView[]>;
  getTemplate(templateId: string): Promise<TemplateView>;
  /** The default brand profile (null) or that one. */
  brandContext(brandId: string | null): Promise<BrandView>;

  // --- publishing ----------------------------------------------------------------------------
  publishingChannels(): Promise<ChannelView[]>;
  /**
   * Sends once (the intent is kept first), one publish per chosen image or video; a lost
   * answer comes back "unconfirmed".
   */
  publish(
    localId: string,
    outputIndexes: number[],
    channelIds: string[],
    caption: string | null,
  ): Promise<PublishView[]>;
  /** Newest first: this computer's publishes merged with the service's history. */
  publishingHistory(): Promise<PublishingHistory>;
  /** A caption from a text output of the same run, if it has one. */
  captionForRun(localId: string): Promise<string | null>;
  /** Opens a published post in the browser. */
  openPostLink(url: string): Promise<void>;
  /** Every change of a publish's state. Returns the unsubscribe function. */
  onPublishUpdated(callback: (publish: PublishView) => void): () => void;
}

const KINDS: readonly AppErrorKind[] = [
  "unauthorized",
  "forbidden",
  "notFound",
  "invalidInput",
  "rateLimited",
  "server",
  "network",
  "timeout",
  "decode",
  "unsupported",
  "keychain",
  "storage",
  "internal",
  "conflict",
];

/** A failed backend call: carries the typed AppError. Switch on `kind`, never on the message. */
export class BackendError extends Error {
  readonly kind: AppErrorKind;
  readonly detail: string;
  readonly fields: FieldError[];
  readonly appError: AppError;

  constructor(appError: AppError) {
    super(appError.message);
    this.name = "BackendError";
    this.appError = appError;
    this.kind = appError.kind;
    this.detail = appError.detail;
    this.fields = appError.fields ?? [];
  }

  /** Turns anything thrown (a typed AppError, an IPC failure, a bug) into a BackendError. */
  static from(error: unknown): BackendError {
    if (error instanceof BackendError) return error;
    if (isAppError(error)) return new BackendError(error);
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : safeString(error);
    return new BackendError({ kind: "internal", message: "", detail, fields: [] });
  }
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.kind === "string" &&
    (KINDS as readonly string[]).includes(v.kind) &&
    typeof v.message === "string"
  );
}

function safeString(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True inside the Tauri web view. */
export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/**
 * Picks the implementation at start-up: the desktop app's when Tauri's internals are present,
 * otherwise the in-memory workspace (browser `npm run dev`). Loaded lazily so each build only
 * runs the one it needs.
 */
export async function createBackend(): Promise<Backend> {
  if (isTauri()) {
    const { createTauriBackend } = await import("./tauri");
    return createTauriBackend();
  }
  const { MemoryBackend } = await import("./memory");
  // Browser-only conveniences: `?demo` opens the demo workspace, `?seed=2000` fills history.
  const params = new URLSearchParams(window.location.search);
  const backend = new MemoryBackend({
    stepMs: 700,
    mode: params.has("demo") || params.has("seed") ? "demo" : "none",
  });
  const seed = Number(params.get("seed"));
  if (seed > 0) backend.seedHistory(Math.min(seed, 20_000));
  return backend;
}
