// An in-memory workspace that behaves like the desktop backend: used by Vitest and by
// `npm run dev` in a plain browser. Runs move starting → queued → running → completed (or
// failed) on timers, and their images are small generated SVG data URLs. Those placeholders
// exist only here: the desktop app shows images from its local cache through `mediaUrl`.
import type { Backend } from "./index";
import { BackendError } from "./index";
import type {
  AccountStatus,
  App,
  AppCatalog,
  AppError,
  Inputs,
  OutputRecord,
  Parameter,
  RunRecord,
} from "./types";
import { validateInputs } from "../inputs";

export interface MemoryOutputDef {
  label: string;
  type: "image" | "text";
  /** Shape used when the run has no "Aspect Ratio" input. */
  ratio: string;
  /** This output fails with the given message (the run still completes). */
  failsWith?: string;
}

export interface MemoryAppDef {
  app: App;
  isPublic: boolean;
  outputs: MemoryOutputDef[];
  /** The whole run fails with this raw message. */
  failsWith?: string;
}

export interface MemoryOptions {
  /** Pace of one step of a run, in milliseconds (a run takes about three steps). */
  stepMs?: number;
  /** Mode at start-up; "none" shows onboarding. */
  mode?: AccountStatus["mode"];
  keychainAvailable?: boolean;
  offline?: boolean;
  apps?: MemoryAppDef[];
}

const RATIOS = ["1:1", "4:3", "3:4", "16:9", "9:16"];
const SAMPLE = "https://example.com/lamina-samples";

// Absent keys rather than nulls: the service omits what it does not set.
function text(name: string, required: boolean): Parameter {
  return { name, type: "text", required, options: [], accept: [] };
}
function options(name: string, choices: string[], def: string): Parameter {
  return { name, type: "options", required: true, options: choices, default: def, accept: [] };
}
function imageUrl(name: string, required: boolean, def?: string): Parameter {
  const p: Parameter = { name, type: "url", required, options: [], accept: ["image"] };
  return def === undefined ? p : { ...p, default: def };
}
function image(label: string, ratio: string, failsWith?: string): MemoryOutputDef {
  return failsWith ? { label, type: "image", ratio, failsWith } : { label, type: "image", ratio };
}

/** The demo catalog: the same apps as the Rust sandbox's demo workspace. */
export const DEMO_APPS: MemoryAppDef[] = [
  {
    app: {
      appId: "hero-image",
      name: "Hero Image",
      description:
        "Turn a one-line idea into a polished hero shot for your storefront banner or product page. Optionally add a reference photo to match your product's look.",
      parameters: [
        text("Prompt", true),
        options("Aspect Ratio", RATIOS, "1:1"),
        imageUrl("Reference Image", false),
      ],
    },
    isPublic: true,
    outputs: [image("Hero Image", "1:1")],
  },
  {
    app: {
      appId: "full-set-catalog",
      name: "Full Set Catalog Generation",
      description:
        "Upload a front and a back photo of a garment and get a consistent four-shot catalog set (front, back, detail close-up and lifestyle) on the background and style of your choice.",
      parameters: [
        imageUrl("Front Image", true, `${SAMPLE}/front.png`),
        imageUrl("Back Image", true, `${SAMPLE}/back.png`),
        options("Background", ["Studio", "Urban", "Park"], "Studio"),
        options("Style", ["Clean", "Editorial", "Warm"], "Clean"),
        options("Aspect Ratio", RATIOS, "3:4"),
      ],
    },
    isPublic: false,
    outputs: ["Front", "Back", "Detail", "Lifestyle"].map((l) => image(l, "3:4")),
  },
  {
    app: {
      appId: "lifestyle-scene",
      name: "Lifestyle Scene",
      description:
        "Place your product in a believable everyday setting. Three passes (composition, lighting, final render) take about a minute, so it's ideal for queuing up and coming back to.",
      parameters: [
        text("Prompt", true),
        options("Setting", ["Living Room", "Kitchen", "Outdoor Café", "Beach"], "Living Room"),
      ],
    },
    isPublic: false,
    outputs: ["Scene Composition", "Lighting Pass", "Final Render"].map((l) => image(l, "16:9")),
  },
  {
    app: {
      appId: "virtual-try-on",
      name: "Virtual Try-On",
      description:
        "Show a garment on a model photo without a photo shoot. Provide a model photo and a flat-lay of the garment.",
      parameters: [
        imageUrl("Model Image", true, `${SAMPLE}/person.png`),
        imageUrl("Garment Image", true, `${SAMPLE}/garment.png`),
      ],
    },
    isPublic: false,
    outputs: [image("Try-On Result", "3:4")],
    failsWith: "Model capacity exceeded, please retry later",
  },
  {
    app: {
      appId: "social-ad-pack",
      name: "Social Ad Pack",
      description:
        "Three ready-to-post ad creatives for one product: a square feed post, a vertical story and a wide banner, in the tone you choose.",
      parameters: [
        text("Product Description", true),
        options("Tone", ["Playful", "Premium", "Minimal"], "Premium"),
      ],
    },
    isPublic: true,
    outputs: [
      image("Feed Post", "1:1"),
      image("Story", "9:16", "Safety filter blocked the story layout; try a different description"),
      image("Banner", "16:9"),
    ],
  },
  {
    app: {
      appId: "product-copy",
      name: "Product Copy",
      description:
        "Write a product description for your listing from the product name and a few key features, in your brand's tone.",
      parameters: [
        text("Product Name", true),
        text("Key Features", false),
        options("Tone", ["Friendly", "Luxury", "Technical"], "Friendly"),
      ],
    },
    isPublic: true,
    outputs: [{ label: "Product Description", type: "text", ratio: "1:1" }],
  },
];

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `fields` is always present, as the Rust side always sends it. */
function appError(error: Omit<AppError, "fields"> & { fields?: AppError["fields"] }): BackendError {
  return new BackendError({ ...error, fields: error.fields ?? [] } as AppError);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function sizeFor(ratio: string): { width: number; height: number } {
  const [w, h] = ratio.split(":").map(Number);
  if (!w || !h) return { width: 768, height: 768 };
  const long = 768;
  return w >= h
    ? { width: long, height: Math.round((long * h) / w) }
    : { width: Math.round((long * w) / h), height: long };
}

/** A soft gradient card with the output's label: a stand-in for a generated image. */
export function placeholderImage(seed: string, label: string, width: number, height: number) {
  const hue = hash(seed) % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="hsl(${hue},70%,78%)"/><stop offset="1" stop-color="hsl(${(hue + 50) % 360},60%,48%)"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>` +
    `<circle cx="${width * 0.62}" cy="${height * 0.42}" r="${Math.min(width, height) * 0.22}" fill="rgba(255,255,255,0.35)"/>` +
    `<rect x="${width * 0.18}" y="${height * 0.55}" width="${width * 0.34}" height="${height * 0.22}" rx="12" fill="rgba(255,255,255,0.28)"/>` +
    `<text x="24" y="${height - 28}" font-family="system-ui, sans-serif" font-size="${Math.round(Math.min(width, height) / 18)}" fill="white">${escapeXml(label)}</text>` +
    `</svg>`;
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return { url, bytes: svg.length };
}

function productCopy(inputs: Inputs): string {
  const name = inputs["Product Name"] ?? "Your product";
  const features = inputs["Key Features"];
  const tone = inputs["Tone"] ?? "Friendly";
  const opening =
    tone === "Luxury"
      ? `Crafted for those who notice the details, ${name} brings quiet refinement to every day.`
      : tone === "Technical"
        ? `${name}: engineered for reliable, everyday performance.`
        : `Meet ${name}, the little upgrade your day has been waiting for.`;
  return features ? `${opening}\n\nWhat you'll love: ${features}.` : opening;
}

export class MemoryBackend implements Backend {
  readonly kind = "memory" as const;

  private account: AccountStatus;
  private readonly apps: MemoryAppDef[];
  private readonly offline: boolean;
  private readonly stepMs: number;
  private readonly runs = new Map<string, RunRecord>();
  private readonly order: string[] = [];
  private readonly last = new Map<string, Inputs>();
  private readonly media = new Map<string, string>();
  private readonly listeners = new Set<(run: RunRecord) => void>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private counter = 0;

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
    this.offline = options.offline ?? false;
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
    return { apps, offline: this.offline };
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
      webhookUrl: null,
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

  mediaUrl(localId: string, index: number): string {
    return this.media.get(`${localId}/${index}`) ?? "";
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

  private progress(localId: string, def: MemoryAppDef): void {
    const step = this.stepMs;
    this.later(step, () =>
      this.update(localId, (r) => {
        r.status = "running";
        r.startedAt = new Date().toISOString();
        r.outputs = def.outputs.map((o, index) => ({
          index,
          outputId: `out-${index}-${hash(`${localId}/${index}`).toString(36)}`,
          label: o.label,
          type: "pending",
          status: "pending",
          value: null,
          error: null,
          file: null,
          fileError: null,
        }));
      }),
    );

    if (def.failsWith) {
      const message = def.failsWith;
      this.later(step * 1.8, () =>
        this.update(localId, (r) => {
          r.status = "failed";
          r.errorMessage = message;
          r.completedAt = new Date().toISOString();
          r.outputs = r.outputs.map((o) => ({ ...o, status: "error", error: message }));
        }),
      );
      return;
    }

    def.outputs.forEach((o, index) => {
      this.later(step * (1.5 + index * 0.5), () =>
        this.update(localId, (r) => {
          const out = r.outputs[index];
          if (out) r.outputs[index] = this.finishOutput(r, out, o);
        }),
      );
    });
    this.later(step * (1.6 + (def.outputs.length - 1) * 0.5), () =>
      this.update(localId, (r) => {
        r.status = "completed";
        r.completedAt = new Date().toISOString();
      }),
    );
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
    this.media.set(`${run.localId}/${out.index}`, url);
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
      },
    };
  }

  private requireWorkspace(): void {
    if (this.account.mode === "none") {
      throw appError({
        kind: "unauthorized",
        message: "Connect your Lamina account or try the demo workspace first.",
        detail: "no workspace selected",
      });
    }
  }

  private findApp(appId: string): MemoryAppDef {
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

  private mustRun(localId: string): RunRecord {
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

  private update(localId: string, change: (run: RunRecord) => void): void {
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }
}
