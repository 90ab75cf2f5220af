// The in-memory workspace behind MemoryBackend: account, catalog, and runs that move starting →
// queued → running → completed (or failed) on timers, with SVG placeholders as their images.
// MemoryBackend (memory.ts) adds history, files and the connection on top.
import { validateInputs } from "../inputs";
import {
  DEMO_APPS,
  SAMPLE,
  appError,
  clone,
  hash,
  placeholderImage,
  productCopy,
  sizeFor,
  type MemoryAppDef,
  type MemoryOutputDef,
} from "./memory-demo";
import type {
  AccountStatus,
  App,
  AppCatalog,
  Inputs,
  MediaVariant,
  OutputRecord,
  RunRecord,
  StartupState,
} from "./types";

export interface MemoryOptions {
  /** Pace of one step of a run, in milliseconds (a run takes about three steps). */
  stepMs?: number;
  /** Mode at start-up; "none" shows onboarding. */
  mode?: AccountStatus["mode"];
  keychainAvailable?: boolean;
  /** Start without a connection: the catalog is the last one seen and runs can't start. */
  offline?: boolean;
  apps?: MemoryAppDef[];
}

export class MemoryWorkspace {
  readonly kind = "memory" as const;

  protected account: AccountStatus;
  protected readonly apps: MemoryAppDef[];
  protected online: boolean;
  protected readonly stepMs: number;
  protected readonly runs = new Map<string, RunRecord>();
  /** Local ids, newest first. */
  protected order: string[] = [];
  protected counter = 0;
  private readonly last = new Map<string, Inputs>();
  private readonly media = new Map<string, string>();
  private readonly listeners = new Set<(run: RunRecord) => void>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: MemoryOptions = {}) {
    const keychainAvailable = options.keychainAvailable ?? true;
    this.account = {
      mode: options.mode ?? "none",
      hasKey: options.mode === "account",
      keyLastFour: options.mode === "account" ? "d3m0" : null,
      keychainAvailable,
      keychainMessage: keychainAvailable
        ? null
        : "Your computer's keychain isn't available, so your key can't be saved safely. You can still try the demo workspace.",
      baseUrl: "memory://lamina",
    };
    this.apps = options.apps ?? DEMO_APPS;
    this.online = !(options.offline ?? false);
    this.stepMs = options.stepMs ?? 700;
  }

  /** Stops every pending timer (tests call this in cleanup). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }

  // --- account ------------------------------------------------------------------------------

  async accountStatus(): Promise<AccountStatus> {
    return clone(this.account);
  }

  async startupState(): Promise<StartupState> {
    const account = await this.accountStatus();
    if (account.mode === "none") return { account, catalog: null, catalogIsLive: false };
    const catalog = await this.listApps(null);
    return { account, catalog, catalogIsLive: !catalog.offline };
  }

  async connectAccount(apiKey: string): Promise<AccountStatus> {
    await this.sleep(this.stepMs / 3);
    const key = apiKey.trim();
    if (!this.account.keychainAvailable) {
      throw appError({
        kind: "keychain",
        message: this.account.keychainMessage ?? "Your computer's keychain isn't available.",
        detail: "keychain: no secret service provider found (org.freedesktop.secrets)",
      });
    }
    if (key.length < 8 || key.toLowerCase().startsWith("bad")) {
      throw appError({
        kind: "unauthorized",
        message:
          "Your Lamina key was not accepted. Check it in Settings or connect your account again.",
        detail: 'GET /v1/apps → HTTP 401 Unauthorized: {"error":"invalid api key"}',
      });
    }
    this.account = {
      ...this.account,
      mode: "account",
      hasKey: true,
      keyLastFour: key.slice(-4),
      baseUrl: "memory://lamina",
    };
    return clone(this.account);
  }

  async useDemo(): Promise<AccountStatus> {
    this.account = { ...this.account, mode: "demo" };
    return clone(this.account);
  }

  async forgetKey(): Promise<AccountStatus> {
    this.account = { ...this.account, mode: "none", hasKey: false, keyLastFour: null };
    return clone(this.account);
  }

  // --- apps ---------------------------------------------------------------------------------

  async listApps(search: string | null): Promise<AppCatalog> {
    await this.sleep(this.stepMs / 10);
    this.requireWorkspace();
    const q = (search ?? "").trim().toLowerCase();
    const apps = this.apps
      .filter(
        (d) =>
          q === "" ||
          d.app.name.toLowerCase().includes(q) ||
          d.app.description.toLowerCase().includes(q),
      )
      .map((d) => ({
        appId: d.app.appId,
        name: d.app.name,
        description: d.app.description,
        isPublic: d.isPublic,
      }));
    return { apps, offline: !this.online };
  }

  async getApp(appId: string): Promise<App> {
    await this.sleep(this.stepMs / 10);
    return clone(this.findApp(appId).app);
  }

  async lastInputs(appId: string): Promise<Inputs | null> {
    const last = this.last.get(appId);
    return last ? clone(last) : null;
  }

  // --- runs ---------------------------------------------------------------------------------

  async startRun(appId: string, inputs: Inputs): Promise<RunRecord> {
    this.requireWorkspace();
    const def = this.findApp(appId);
    const checked = validateInputs(
      def.app.parameters,
      inputs as Record<string, string>,
      def.app.name,
    );
    if (!checked.ok) {
      throw appError({
        kind: "invalidInput",
        message: "Some of the details need another look.",
        detail: checked.problems.map((p) => `"${p.field ?? ""}": ${p.reason}`).join("\n"),
        fields: checked.problems,
      });
    }
    if (!this.online) {
      throw appError({
        kind: "network",
        message: "You're offline or the service can't be reached. Try again when you're back.",
        detail: `POST /v1/apps/${appId}/runs: network unreachable`,
      });
    }

    const now = new Date().toISOString();
    this.counter += 1;
    const localId = `local-${Date.now().toString(36)}-${this.counter}`;
    const run: RunRecord = {
      localId,
      runId: null,
      appId,
      appName: def.app.name,
      inputs: checked.inputs,
      baseUrl: this.account.baseUrl,
      webhookUrl: this.webhookUrl(),
      status: "starting",
      errorMessage: null,
      error: null,
      outputs: [],
      createdAt: now,
      startedAt: null,
      completedAt: null,
      updatedAt: now,
    };
    this.runs.set(localId, run);
    this.order.unshift(localId);
    this.last.set(appId, clone(checked.inputs));
    this.emit(run);

    await this.sleep(this.stepMs / 2);
    this.update(localId, (r) => {
      r.runId = `run_${hash(localId).toString(16)}`;
      r.status = "queued";
    });
    this.progress(localId, def);
    return clone(this.mustRun(localId));
  }

  async listRuns(limit: number, offset: number): Promise<RunRecord[]> {
    return this.order.slice(offset, offset + limit).map((id) => clone(this.mustRun(id)));
  }

  async getRun(localId: string): Promise<RunRecord> {
    return clone(this.mustRun(localId));
  }

  onRunUpdated(callback: (run: RunRecord) => void): () => void {
    this.listeners.add(callback);
    return () => {
      this.listeners.delete(callback);
    };
  }

  mediaUrl(localId: string, index: number, variant: MediaVariant = "full"): string {
    const key = `${localId}/${index}/${variant}`;
    const known = this.media.get(key);
    if (known) return known;
    const out = this.runs.get(localId)?.outputs[index];
    if (!out?.file) return "";
    const width = out.file.width ?? 768;
    const height = out.file.height ?? 768;
    const scale = variant === "thumb" ? Math.min(1, 512 / Math.max(width, height)) : 1;
    const { url } = placeholderImage(
      `${localId}/${index}`,
      out.label ?? `Image ${index + 1}`,
      Math.round(width * scale),
      Math.round(height * scale),
    );
    this.media.set(key, url);
    return url;
  }

  inputPreviewUrl(url: string): string | null {
    // The demo's sample photos live nowhere; draw a stand-in so the preview shows something.
    if (url.startsWith(`${SAMPLE}/`)) {
      const name = url.slice(SAMPLE.length + 1).replace(/\.\w+$/, "");
      return placeholderImage(url, `Sample: ${name}`, 480, 640).url;
    }
    return url;
  }

  // --- internals ----------------------------------------------------------------------------

  /** Where runs started now ask for a webhook (MemoryBackend: Settings → Delivery). */
  protected webhookUrl(): string | null {
    return null;
  }

  protected progress(localId: string, def: MemoryAppDef): void {
    const step = this.stepMs;
    // Each step is timed from the one before: timers of different lengths that are all due
    // (a busy test machine) may fire out of order, and a run must never go back to running.
    const steps: [number, () => void][] = [
      [
        step,
        () =>
          this.update(localId, (r) => {
            r.status = "running";
            r.startedAt = new Date().toISOString();
            r.outputs = def.outputs.map((_, index) => ({
              index,
              outputId: `out-${index}-${hash(`${localId}/${index}`).toString(36)}`,
              label: def.outputs[index]?.label ?? null,
              type: "pending",
              status: "pending",
              value: null,
              error: null,
              file: null,
              fileError: null,
              starred: false,
            }));
          }),
      ],
    ];
    if (def.failsWith) {
      const message = def.failsWith;
      steps.push([
        step * 0.8,
        () =>
          this.update(localId, (r) => {
            r.status = "failed";
            r.errorMessage = message;
            r.completedAt = new Date().toISOString();
            r.outputs = r.outputs.map((o) => ({ ...o, status: "error", error: message }));
          }),
      ]);
    } else {
      def.outputs.forEach((o, index) =>
        steps.push([
          step * 0.5,
          () =>
            this.update(localId, (r) => {
              const out = r.outputs[index];
              if (out) r.outputs[index] = this.finishOutput(r, out, o);
            }),
        ]),
      );
      steps.push([
        step * 0.1,
        () =>
          this.update(localId, (r) => {
            r.status = "completed";
            r.completedAt = new Date().toISOString();
          }),
      ]);
    }
    this.inTurn(steps);
  }

  /** Runs each step after its delay, counted from the step before. */
  private inTurn(steps: [number, () => void][]): void {
    const [first, ...rest] = steps;
    if (!first) return;
    this.later(first[0], () => {
      first[1]();
      this.inTurn(rest);
    });
  }

  private finishOutput(run: RunRecord, out: OutputRecord, def: MemoryOutputDef): OutputRecord {
    if (def.failsWith) return { ...out, type: def.type, status: "error", error: def.failsWith };
    if (def.type === "text") {
      return { ...out, type: "text", status: "completed", value: productCopy(run.inputs) };
    }
    const { width, height } = sizeFor(run.inputs["Aspect Ratio"] ?? def.ratio);
    const { url, bytes } = placeholderImage(
      `${run.localId}/${out.index}`,
      def.label,
      width,
      height,
    );
    this.media.set(`${run.localId}/${out.index}/full`, url);
    return {
      ...out,
      type: "image",
      status: "completed",
      value: `https://cdn.example.com/outputs/${run.runId ?? run.localId}/${out.index}.png`,
      file: {
        path: `memory/${run.localId}/${out.index}.svg`,
        contentType: "image/svg+xml",
        bytes,
        width,
        height,
        thumbnail: `memory/${run.localId}/${out.index}.thumb.webp`,
      },
    };
  }

  protected ordered(): RunRecord[] {
    return this.order.map((id) => this.mustRun(id));
  }

  protected sortOrder(): void {
    const created = (id: string) => this.runs.get(id)?.createdAt ?? "";
    this.order.sort((a, b) => (created(a) < created(b) ? 1 : created(a) > created(b) ? -1 : 0));
  }

  protected requireWorkspace(): void {
    if (this.account.mode === "none") {
      throw appError({
        kind: "unauthorized",
        message: "Connect your Lamina account or try the demo workspace first.",
        detail: "no workspace selected",
      });
    }
  }

  protected findApp(appId: string): MemoryAppDef {
    const def = this.apps.find((d) => d.app.appId === appId);
    if (!def) {
      throw appError({
        kind: "notFound",
        message: "This app or run could not be found in your workspace.",
        detail: `GET /v1/apps/${appId} → HTTP 404 Not Found`,
      });
    }
    return def;
  }

  protected mustRun(localId: string): RunRecord {
    const run = this.runs.get(localId);
    if (!run) {
      throw appError({
        kind: "notFound",
        message: "This app or run could not be found in your workspace.",
        detail: `no run with local id ${localId}`,
      });
    }
    return run;
  }

  protected update(localId: string, change: (run: RunRecord) => void): void {
    const run = this.runs.get(localId);
    if (!run) return;
    change(run);
    run.updatedAt = new Date().toISOString();
    this.emit(run);
  }

  private emit(run: RunRecord): void {
    for (const listener of this.listeners) listener(clone(run));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }
}
