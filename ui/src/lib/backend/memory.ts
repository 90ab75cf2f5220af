// An in-memory workspace that behaves like the desktop backend: used by Vitest and by
// `npm run dev` in a plain browser. Runs move starting → queued → running → completed (or
// failed) on timers, and their images are small generated SVG data URLs. Those placeholders
// exist only here: the desktop app shows images from its local cache through `mediaUrl`.
// Test hooks: `seedRun`, `seedHistory`, `setOnline`, `setUnknownCandidates`, `setSaveCancelled`,
// and what was last copied (`clipboard`) or shown in the file manager (`revealed`).
import type { Backend } from "./index";
import type { StartupTimings } from "../startup";
import { appError, clone, hash, placeholderImage } from "./memory-demo";
import { MemoryBatches } from "./memory-batch";
import { MemoryBatchFiles } from "./memory-batch-files";
import { MemoryContent } from "./memory-content";
import { appsInHistory, galleryPage, searchPage } from "./memory-history";
import type { MemoryAppDef } from "./memory-demo";
import { MemoryPresets } from "./memory-presets";
import { seedRecord, seedSpecs, type SeedRun } from "./memory-seed";
import { MemoryDelivery } from "./memory-delivery";
import { memoryReport } from "./memory-doctor";
import { memoryLinkPreview } from "./memory-link-preview";
import { MemoryWorkspace, type MemoryOptions } from "./memory-workspace";
import { MemoryStorage, decodeData } from "./memory-storage";
import type {
  InputFile,
  InputFromOutput,
  StorageSettingsInput,
  StorageSettingsView,
  StorageTestReport,
  UploadProgress,
  UploadTicket,
} from "./storage-types";
import type {
  AccountStatus,
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
  AppliedPreset,
  ExportFormat,
  FirstScreen,
  GalleryPage,
  HistoryApp,
  HistoryPage,
  HistoryQuery,
  Mapping,
  Inputs,
  LinkPreview,
  Parameter,
  Preset,
  RunCandidate,
  RunRecord,
  SaveOutcome,
  Usage,
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

export {
  DEMO_APPS,
  placeholderImage,
  type MemoryAppDef,
  type MemoryOutputDef,
} from "./memory-demo";
export { type MemoryOptions } from "./memory-workspace";
export { type SeedRun };

export class MemoryBackend extends MemoryWorkspace implements Backend {
  private readonly candidates = new Map<string, RunCandidate[]>();
  private readonly connectionListeners = new Set<(online: boolean) => void>();
  /** How many times the UI reported its first paint (tests check it is once). */
  firstPaints = 0;
  /** Every first screen the page asked to keep, in order. */
  savedFirstScreens: (FirstScreen | null)[] = [];
  /** The marks sent with the last first-paint report. */
  lastStartupTimings: StartupTimings | null = null;
  private saveCancelled = false;
  private readonly presets = new MemoryPresets();
  private readonly changedApps = new Map<string, MemoryAppDef>();
  /** What the last copyText / copyImage put on the "clipboard" (tests read it). */
  clipboard: string | null = null;
  /** Outputs the last revealOutput showed, as "localId/index". */
  revealed: string | null = null;
  /** Settings → Delivery and the credits (tests reach in: `busyPorts`, `usage`, `reject`). */
  delivery: MemoryDelivery;
  private readonly settled = new Set<string>();
  /** Settings → Storage and uploads (tests reach in: `holdUploads`, `failUploadsWith`, ...). */
  readonly storage: MemoryStorage;
  /** What the next "Choose…" photo dialog returns (null: the person cancels it). */
  chosenPhoto: { name: string; bytes: Uint8Array } | null = null;

  constructor(options: MemoryOptions = {}) {
    super(options);
    this.delivery = new MemoryDelivery(options.mode === "demo");
    this.storage = new MemoryStorage(options.mode === "demo", (ms) => this.sleep(ms), this.stepMs);
    this.onRunUpdated((run) => {
      const terminal = run.status === "completed" || run.status === "failed";
      if (!terminal || this.settled.has(run.localId)) return;
      this.settled.add(run.localId);
      this.delivery.runSettled(run);
    });
  }

  protected override webhookUrl(): string | null {
    return this.delivery.url;
  }

  override async useDemo(): Promise<AccountStatus> {
    if (this.account.mode !== "demo") this.delivery.reset(true);
    this.storage.reset(true);
    return super.useDemo();
  }

  override async connectAccount(apiKey: string): Promise<AccountStatus> {
    const status = await super.connectAccount(apiKey);
    this.delivery.reset(false);
    this.storage.reset(false);
    return status;
  }
  /** What the next "Choose a CSV file…" dialog returns (null: the person cancels it). */
  pickedFile: BatchFile | null = null;
  /** Folders on the pretend computer and the one "Choose a folder…" picks (tests set them). */
  readonly batchFiles = new MemoryBatchFiles();
  /** The batch engine (tests read `batches.lastExport`). */
  readonly batches = new MemoryBatches({
    files: this.batchFiles,
    app: (appId) => this.findApp(appId).app,
    startRun: (appId, inputs) => this.startRun(appId, inputs),
    run: (localId) => this.runs.get(localId),
    onRunUpdated: (callback) => this.onRunUpdated(callback),
    sleep: (ms) => this.sleep(ms),
    stepMs: this.stepMs,
  });

  /** Describe what you need and publishing (tests reach in: `offered`, `loseNextAnswer`, ...). */
  readonly content = new MemoryContent({
    app: (appId) => this.findApp(appId).app,
    startRun: (appId, inputs) => this.startRun(appId, inputs),
    run: (localId) => this.runs.get(localId),
    baseUrl: () => this.account.baseUrl,
    sleep: (ms) => this.sleep(ms),
    stepMs: this.stepMs,
  });

  /** Stops every pending timer (tests call this in cleanup). */
  override dispose(): void {
    this.content.dispose();
    this.batches.dispose();
    super.dispose();
    this.connectionListeners.clear();
    this.delivery.clear();
    this.storage.releaseUploads();
  }

  // --- test hooks ---------------------------------------------------------------------------

  /** Puts one finished (or stuck) run into history, in date order. */
  seedRun(spec: SeedRun = {}): RunRecord {
    const def = spec.appId ? this.findApp(spec.appId) : this.apps[0];
    if (!def) throw new Error("no apps to seed runs for");
    this.counter += 1;
    const localId = `seed-${this.counter}-${hash(`${this.counter}`).toString(36)}`;
    const run = seedRecord(def, spec, localId, this.account.baseUrl);
    this.runs.set(localId, run);
    this.order.push(localId);
    this.sortOrder();
    return clone(run);
  }

  /** `count` varied runs, newest first, one every `spacingMinutes` before `now`. */
  seedHistory(count: number, now = Date.now(), spacingMinutes = 17): void {
    for (const spec of seedSpecs(this.apps, count, now, spacingMinutes)) {
      const def = this.findApp(spec.appId ?? "");
      this.counter += 1;
      const localId = `seed-${this.counter}-${hash(`${this.counter}`).toString(36)}`;
      this.runs.set(localId, seedRecord(def, spec, localId, this.account.baseUrl));
      this.order.push(localId);
    }
    this.sortOrder();
  }

  /** What the service's run list offers for an unconfirmed run (default: nothing). */
  setUnknownCandidates(localId: string, candidates: RunCandidate[]): void {
    this.candidates.set(localId, clone(candidates));
  }

  /**
   * Simulates losing (false) or regaining (true) the connection. `announce: false` changes the
   * network quietly, the way it comes back before anyone has probed it (see `reconnect`).
   */
  setOnline(online: boolean, announce = true): void {
    if (this.online === online) return;
    this.online = online;
    if (announce) for (const listener of this.connectionListeners) listener(online);
  }

  /** The next save dialogs are cancelled (true) or confirmed (false). */
  setSaveCancelled(cancelled: boolean): void {
    this.saveCancelled = cancelled;
  }

  /** The app changes on the "service" (e.g. an option removed), as seen by later calls. */
  setAppParameters(appId: string, parameters: Parameter[]): void {
    const def = super.findApp(appId);
    this.changedApps.set(appId, { ...def, app: { ...def.app, parameters: clone(parameters) } });
  }

  protected override findApp(appId: string): MemoryAppDef {
    return this.changedApps.get(appId) ?? super.findApp(appId);
  }

  // --- presets ------------------------------------------------------------------------------

  async listPresets(appId: string): Promise<Preset[]> {
    return this.presets.list(appId);
  }

  async savePreset(appId: string, name: string, inputs: Inputs): Promise<Preset> {
    return this.presets.save(this.findApp(appId).app, name, inputs);
  }

  async updatePreset(presetId: string, inputs: Inputs): Promise<Preset> {
    return this.presets.update(presetId, this.findApp(this.presets.appOf(presetId)).app, inputs);
  }

  async applyPreset(presetId: string): Promise<AppliedPreset> {
    return this.presets.apply(presetId, this.findApp(this.presets.appOf(presetId)).app);
  }

  async renamePreset(presetId: string, name: string): Promise<Preset> {
    return this.presets.rename(presetId, name);
  }

  async deletePreset(presetId: string): Promise<Preset> {
    return this.presets.delete(presetId);
  }

  // --- history ------------------------------------------------------------------------------

  async searchRuns(query: HistoryQuery): Promise<HistoryPage> {
    return clone(searchPage(this.ordered(), query));
  }

  async gallery(query: HistoryQuery): Promise<GalleryPage> {
    return clone(galleryPage(this.ordered(), query));
  }

  async historyApps(): Promise<HistoryApp[]> {
    return appsInHistory(this.ordered());
  }

  async setStarred(localId: string, index: number, starred: boolean): Promise<RunRecord> {
    const out = this.mustRun(localId).outputs[index];
    if (!out) {
      throw appError({ kind: "notFound", message: "", detail: `${localId} output ${index}` });
    }
    this.update(localId, (r) => {
      const o = r.outputs[index];
      if (o) o.starred = starred;
    });
    return clone(this.mustRun(localId));
  }

  // --- unconfirmed runs ---------------------------------------------------------------------

  async findUnknownRun(localId: string): Promise<RunCandidate[]> {
    this.requireUnknown(localId);
    await this.sleep(this.stepMs / 4);
    if (!this.online) {
      throw appError({
        kind: "network",
        message: "You're offline or the service can't be reached.",
        detail: "GET /v1/runs: network unreachable",
      });
    }
    return clone(this.candidates.get(localId) ?? []);
  }

  async linkUnknownRun(localId: string, runId: string): Promise<RunRecord> {
    const run = this.requireUnknown(localId);
    const def = this.findApp(run.appId);
    this.update(localId, (r) => {
      r.runId = runId;
      r.status = "queued";
      r.error = null;
    });
    this.candidates.delete(localId);
    this.progress(localId, def);
    return clone(this.mustRun(localId));
  }

  async markRunNotStarted(localId: string): Promise<RunRecord> {
    this.requireUnknown(localId);
    this.update(localId, (r) => {
      r.status = "failed";
      r.completedAt = new Date().toISOString();
      r.error = {
        kind: "notStarted",
        fields: [],
        message:
          "This run never started on the service, so nothing was charged. You can start it again.",
        detail: "No run of this app in the service's run list matched the time it was sent.",
      };
    });
    return clone(this.mustRun(localId));
  }

  // --- files --------------------------------------------------------------------------------

  async saveOutputs(
    localId: string,
    indexes: number[],
    _format: ExportFormat,
  ): Promise<SaveOutcome> {
    const run = this.mustRun(localId);
    if (indexes.length === 0 || indexes.some((i) => !run.outputs[i]?.file)) throw this.notKept();
    await this.sleep(this.stepMs / 4);
    if (this.saveCancelled) return { saved: 0, cancelled: true, location: null };
    const location =
      indexes.length === 1 ? `~/Pictures/Lamina/${run.appName}.png` : "~/Pictures/Lamina";
    return { saved: indexes.length, cancelled: false, location };
  }

  async copyImage(localId: string, index: number): Promise<void> {
    if (!this.mustRun(localId).outputs[index]?.file) throw this.notKept();
    this.clipboard = `image:${localId}/${index}`;
  }

  async copyText(text: string): Promise<void> {
    this.clipboard = text;
    // In a browser, also the real clipboard (best effort).
    await globalThis.navigator?.clipboard?.writeText(text).catch(() => undefined);
  }

  async revealOutput(localId: string, index: number): Promise<void> {
    if (!this.mustRun(localId).outputs[index]?.file) throw this.notKept();
    this.revealed = `${localId}/${index}`;
  }

  // --- batches ------------------------------------------------------------------------------

  async pickBatchFile(): Promise<BatchFile | null> {
    return this.pickedFile ? clone(this.pickedFile) : null;
  }

  async pickBatchFolder(parameter: string): Promise<BatchFolder | null> {
    return this.batchFiles.pick(parameter);
  }

  async previewBatch(
    appId: string,
    text: string,
    mapping: Mapping | null,
    source: string | null,
  ): Promise<BatchPreview> {
    this.requireWorkspace();
    return this.batches.preview(appId, text, mapping, source);
  }

  async startBatch(
    appId: string,
    name: string,
    text: string,
    mapping: Mapping,
    source: string | null,
  ): Promise<BatchSummary> {
    this.requireWorkspace();
    return this.batches.start(appId, name, text, mapping, source);
  }

  async listBatches(): Promise<BatchListItem[]> {
    return this.batches.list();
  }

  async getBatch(batchId: string): Promise<BatchDetail> {
    return this.batches.detail(batchId);
  }

  async pauseBatch(batchId: string): Promise<BatchProgress> {
    return this.batches.setState(batchId, "paused");
  }

  async resumeBatch(batchId: string): Promise<BatchProgress> {
    return this.batches.setState(batchId, "active");
  }

  async cancelBatchRest(batchId: string): Promise<BatchProgress> {
    return this.batches.cancelRest(batchId);
  }

  async retryBatchFailed(batchId: string): Promise<BatchProgress> {
    return this.batches.retryFailed(batchId);
  }

  async batchExportName(batchId: string, pattern: string, format: ExportFormat): Promise<string> {
    return this.batches.exportName(batchId, pattern, format);
  }

  async exportBatch(batchId: string, request: BatchExportRequest): Promise<BatchExportResult> {
    await this.sleep(this.stepMs / 4);
    return this.batches.export(batchId, request, this.saveCancelled);
  }

  onBatchUpdated(callback: (progress: BatchProgress) => void): () => void {
    return this.batches.onUpdated(callback);
  }

  // --- connection ---------------------------------------------------------------------------

  async connectionStatus(): Promise<boolean> {
    return this.online;
  }

  async reconnect(): Promise<boolean> {
    await this.sleep(this.stepMs / 4);
    return this.online;
  }

  markFirstPaint(timings: StartupTimings): void {
    this.firstPaints += 1;
    this.lastStartupTimings = timings;
  }

  saveFirstScreen(screen: FirstScreen | null): void {
    this.savedFirstScreens.push(screen);
  }

  onConnectionChanged(callback: (online: boolean) => void): () => void {
    this.connectionListeners.add(callback);
    return () => {
      this.connectionListeners.delete(callback);
    };
  }

  // --- delivery and credits -----------------------------------------------------------------

  async deliveryStatus(): Promise<DeliveryStatus> {
    this.requireWorkspace();
    return this.delivery.status();
  }

  async setDeliverySettings(settings: DeliverySettings): Promise<DeliveryStatus> {
    this.requireWorkspace();
    await this.sleep(this.stepMs / 10);
    return this.delivery.apply(settings);
  }

  async recentDeliveries(limit: number): Promise<DeliveryLogEntry[]> {
    this.requireWorkspace();
    return this.delivery.recent(limit);
  }

  async sendTestDelivery(): Promise<RunRecord> {
    if (this.account.mode !== "demo") {
      throw appError({
        kind: "conflict",
        message:
          "Send test works in the demo workspace, where nothing is charged. With your account, start any run: its delivery shows up here.",
        detail: "send test needs the demo workspace",
      });
    }
    if (!this.delivery.url) {
      throw appError({
        kind: "conflict",
        message: "Turn on webhook delivery first.",
        detail: "the webhook receiver is not running",
      });
    }
    return this.startRun("product-copy", { "Product Name": "A webhook test", Tone: "Friendly" });
  }

  onDeliveryLogged(callback: (entry: DeliveryLogEntry) => void): () => void {
    return this.delivery.onLogged(callback);
  }

  /** The service's clock minus this computer's, for the connection check (tests set it). */
  clockOffsetS = 0;

  async checkConnection(): Promise<DoctorReport> {
    this.requireWorkspace();
    await this.sleep(this.stepMs / 10);
    const status = this.delivery.status();
    return memoryReport({
      demo: this.account.mode === "demo",
      online: this.online,
      baseUrl: this.account.baseUrl ?? "memory://lamina",
      keyLastFour: this.account.keyLastFour,
      clockOffsetS: this.clockOffsetS,
      publicUrl: status.settings.enabled ? (status.webhookUrl ?? null) : null,
    });
  }

  async linkPreview(url: string): Promise<LinkPreview> {
    await this.sleep(this.stepMs / 10);
    return memoryLinkPreview(url);
  }

  async accountUsage(): Promise<Usage | null> {
    this.requireWorkspace();
    const usage = this.delivery.usage;
    return usage?.credits ? clone(usage) : null;
  }

  // --- your own photos ---------------------------------------------------------------------

  /** As Rust does: uploaded photos become links first; a failed upload refuses the run. */
  override async startRun(appId: string, inputs: Inputs): Promise<RunRecord> {
    const resolved = await this.storage.resolve(inputs);
    const run = await super.startRun(appId, resolved.inputs);
    this.storage.rememberFiles(run.localId, resolved.files);
    return run;
  }

  async storageSettings(): Promise<StorageSettingsView> {
    return this.storage.view();
  }

  async saveStorageSettings(input: StorageSettingsInput): Promise<StorageSettingsView> {
    return this.storage.save(input);
  }

  async forgetStorage(): Promise<StorageSettingsView> {
    return this.storage.forget();
  }

  async testStorage(): Promise<StorageTestReport> {
    return this.storage.test();
  }

  async uploadFileBytes(name: string, data: string): Promise<UploadTicket> {
    return this.storage.submit(name, decodeData(data));
  }

  async chooseUploadFile(): Promise<UploadTicket | null> {
    const chosen = this.chosenPhoto;
    if (!chosen) return null;
    const preview = placeholderImage(chosen.name, chosen.name, 64, 64).url;
    return this.storage.submit(chosen.name, chosen.bytes, preview);
  }

  async uploadStatus(id: string): Promise<UploadTicket> {
    return this.storage.status(id);
  }

  onUploadProgress(callback: (progress: UploadProgress) => void): () => void {
    return this.storage.onProgress(callback);
  }

  async inputFromOutput(localId: string, index: number): Promise<InputFromOutput> {
    const output = this.mustRun(localId).outputs.find((o) => o.index === index);
    if (!output || output.type !== "image" || !output.value) throw this.notKept();
    return { value: output.value, upload: null };
  }

  async runInputFiles(localId: string): Promise<InputFile[]> {
    return this.storage.inputFiles(localId);
  }

  private requireUnknown(localId: string): RunRecord {
    const run = this.mustRun(localId);
    if (run.status !== "unknown" || run.runId !== null) {
      throw appError({
        kind: "conflict",
        message: "This run's start is already confirmed; there is nothing to check.",
        detail: `run ${localId} is ${run.status}`,
      });
    }
    return run;
  }

  private notKept() {
    return appError({
      kind: "notFound",
      message: "This result isn't on this computer yet.",
      detail: "output has no kept file",
    });
  }

  // --- describe what you need + publishing -----------------------------------------------------

  describeCreate(request: ContentBrief): Promise<ContentRunView> {
    return this.content.create(request);
  }

  describeBatch(requests: ContentBrief[]): Promise<DescribeBatchItem[]> {
    return this.content.batch(requests);
  }

  contentScores(localId: string): Promise<ContentScores | null> {
    return this.content.scores(localId);
  }

  listTemplates(): Promise<TemplateView[]> {
    return this.content.templates();
  }

  getTemplate(templateId: string): Promise<TemplateView> {
    return this.content.template(templateId);
  }

  brandContext(_brandId: string | null): Promise<BrandView> {
    return this.content.brand();
  }

  publishingChannels(): Promise<ChannelView[]> {
    return this.content.channels();
  }

  publish(
    localId: string,
    outputIndexes: number[],
    channelIds: string[],
    caption: string | null,
  ): Promise<PublishView[]> {
    return this.content.publish(localId, outputIndexes, channelIds, caption);
  }

  publishingHistory(): Promise<PublishingHistory> {
    return this.content.history();
  }

  captionForRun(localId: string): Promise<string | null> {
    return this.content.caption(localId);
  }

  openPostLink(url: string): Promise<void> {
    return this.content.open(url);
  }

  onPublishUpdated(callback: (publish: PublishView) => void): () => void {
    return this.content.onPublishUpdated(callback);
  }
}
