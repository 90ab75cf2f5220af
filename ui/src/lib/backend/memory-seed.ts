// Ready-made history for the in-memory workspace: tests seed thousands of runs, the browser demo a
// few dozen. Records look like the desktop app's (kept files, stars, failures, unconfirmed runs).
import { SAMPLE, hash, productCopy, sizeFor, type MemoryAppDef } from "./memory-demo";
import type { Inputs, OutputRecord, RunError, RunRecord, RunState } from "./types";

export interface SeedRun {
  /** Defaults to the first app. */
  appId?: string;
  /** Defaults to sample values for the app's parameters. */
  inputs?: Inputs;
  /** Defaults to "completed". */
  status?: RunState;
  createdAt?: string;
  /** Indexes of the outputs to star. */
  starred?: number[];
  errorMessage?: string | null;
  error?: RunError | null;
}

const PROMPTS = [
  "Linen shirt on a sunlit terrace",
  "Ceramic vase with dried flowers",
  "Red sneaker on warm sand",
  "Leather tote bag in a café",
  "Scented candle on a marble shelf",
  "Wool scarf in autumn leaves",
  "Glass water bottle by the sea",
  "Silver earrings on dark velvet",
];

export const UNKNOWN_ERROR: RunError = {
  kind: "unknown",
  message: "We couldn't confirm this run started. Check it before trying again.",
  detail: "POST /v1/apps/…/runs: connection reset before the answer arrived",
  fields: [],
};

/** Sample inputs for an app: the n-th prompt, the n-th option, the default links. */
export function sampleInputs(def: MemoryAppDef, n: number): Inputs {
  const inputs: Inputs = {};
  for (const p of def.app.parameters) {
    if (p.type === "text") {
      const value = p.name === "Product Name" ? "Cloud Mug" : PROMPTS[n % PROMPTS.length];
      if (value) inputs[p.name] = value;
    } else if (p.type === "options") {
      const options = p.options ?? [];
      const value = options[n % Math.max(1, options.length)] ?? p.default;
      if (value) inputs[p.name] = value;
    } else if (p.type === "url" && p.default) {
      inputs[p.name] = p.default;
    } else if (p.type === "url" && p.required !== false) {
      inputs[p.name] = `${SAMPLE}/photo-${n % 5}.png`;
    }
  }
  return inputs;
}

function outputsFor(
  def: MemoryAppDef,
  localId: string,
  inputs: Inputs,
  status: RunState,
  starred: readonly number[],
  errorMessage: string | null,
): OutputRecord[] {
  if (status === "starting" || status === "queued" || status === "unknown") return [];
  return def.outputs.map((o, index) => {
    const base: OutputRecord = {
      index,
      outputId: `out-${index}-${hash(`${localId}/${index}`).toString(36)}`,
      label: o.label,
      type: o.type,
      status: "completed",
      value: null,
      error: null,
      file: null,
      fileError: null,
      starred: starred.includes(index),
    };
    if (status === "running") return { ...base, type: "pending", status: "pending" };
    if (status === "cancelled") return { ...base, status: "cancelled" };
    if (status === "failed") return { ...base, status: "error", error: errorMessage };
    if (o.failsWith) return { ...base, status: "error", error: o.failsWith };
    if (o.type === "text") return { ...base, value: productCopy(inputs) };
    const { width, height } = sizeFor(inputs["Aspect Ratio"] ?? o.ratio);
    return {
      ...base,
      value: `https://cdn.example.com/outputs/${localId}/${index}.png`,
      file: {
        path: `memory/${localId}/${index}.svg`,
        contentType: "image/svg+xml",
        bytes: 1200 + (hash(localId) % 4000),
        width,
        height,
        thumbnail: `memory/${localId}/${index}.thumb.webp`,
      },
    };
  });
}

/** A finished (or stuck) run as history keeps it. */
export function seedRecord(
  def: MemoryAppDef,
  spec: SeedRun,
  localId: string,
  baseUrl: string,
): RunRecord {
  const status = spec.status ?? "completed";
  // Finished in the past: a default of ten minutes ago, and never "updated" in the future.
  const createdAt = spec.createdAt ?? new Date(Date.now() - 10 * 60_000).toISOString();
  const created = Date.parse(createdAt);
  const inputs = spec.inputs ?? sampleInputs(def, hash(localId));
  const failed = status === "failed";
  const errorMessage =
    spec.errorMessage !== undefined
      ? spec.errorMessage
      : failed
        ? (def.failsWith ?? "Generation failed on the service")
        : null;
  const error = spec.error !== undefined ? spec.error : status === "unknown" ? UNKNOWN_ERROR : null;
  const ended = status === "completed" || failed || status === "cancelled";
  const duration = 20_000 + (hash(localId) % 70_000);
  return {
    localId,
    runId:
      status === "unknown" || status === "starting" ? null : `run_${hash(localId).toString(16)}`,
    appId: def.app.appId,
    appName: def.app.name,
    inputs,
    baseUrl,
    webhookUrl: null,
    status,
    errorMessage,
    error,
    outputs: outputsFor(def, localId, inputs, status, spec.starred ?? [], errorMessage),
    createdAt,
    startedAt: status === "unknown" ? null : new Date(created + 1500).toISOString(),
    completedAt: ended ? new Date(created + duration).toISOString() : null,
    updatedAt: new Date(Math.min(Date.now(), created + (ended ? duration : 1500))).toISOString(),
  };
}

/**
 * `count` varied runs, newest first, one every `spacingMinutes` back from `now`: mostly done,
 * every 23rd failed, every 97th unconfirmed, every 9th with a starred first image.
 */
export function seedSpecs(
  apps: readonly MemoryAppDef[],
  count: number,
  now = Date.now(),
  spacingMinutes = 17,
): SeedRun[] {
  const specs: SeedRun[] = [];
  for (let i = 0; i < count; i++) {
    const def = apps[(i * 7 + Math.floor(i / 3)) % apps.length];
    if (!def) break;
    const status: RunState = i % 97 === 11 ? "unknown" : i % 23 === 5 ? "failed" : "completed";
    specs.push({
      appId: def.app.appId,
      inputs: sampleInputs(def, i),
      status,
      createdAt: new Date(now - (i + 1) * spacingMinutes * 60_000).toISOString(),
      starred: i % 9 === 0 ? [0] : [],
    });
  }
  return specs;
}
