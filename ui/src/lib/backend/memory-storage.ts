// Settings → Storage and photo uploads in the in-memory workspace: the demo's built-in storage,
// a bucket in an account, uploads that move preparing → uploading → done with progress events.
// Test hooks: `holdUploads` (uploads wait for `releaseUploads`), `failUploadsWith`,
// `testReport`, `lastSecret` (what "Rust" received), `uploadedBytes`.
import { appError } from "./memory-demo";
import type {
  LinkPreview,
  StorageSettingsInput,
  StorageSettingsView,
  StorageTestReport,
  UploadErrorKind,
  UploadProgress,
  UploadTicket,
} from "./storage-types";

const DEFAULTS = { linkLifetimeHours: 24, maxPhotoPx: 4096 };
const MAX_BYTES = 50 * 1024 * 1024;

function blank(kind: StorageSettingsView["kind"]): StorageSettingsView {
  return {
    kind,
    endpoint: null,
    region: null,
    bucket: null,
    prefix: null,
    accessKeyId: null,
    hasSecret: false,
    publicBaseUrl: null,
    ...DEFAULTS,
  };
}

/** PNG, JPEG, GIF, WebP, BMP, TIFF by their first bytes (as Rust sniffs them). */
export function sniffImage(bytes: Uint8Array): string | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47])) return "png";
  if (starts([0xff, 0xd8, 0xff])) return "jpg";
  if (starts([0x47, 0x49, 0x46, 0x38])) return "gif";
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  if (starts([0x42, 0x4d])) return "bmp";
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  return null;
}

function digest(bytes: Uint8Array): string {
  let h = 2166136261;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export class MemoryStorage {
  private settings: StorageSettingsView;
  private readonly uploads = new Map<string, UploadTicket>();
  private readonly listeners = new Set<(p: UploadProgress) => void>();
  private readonly held: (() => void)[] = [];
  private counter = 0;
  /** Uploads wait at "uploading" (half sent) until `releaseUploads()`. */
  holdUploads = false;
  /** The next uploads fail with this (kind + plain words). */
  failUploadsWith: { kind: UploadErrorKind; message: string } | null = null;
  /** The answer of the next "Test storage" (default: every step fine). */
  testReport: StorageTestReport | null = null;
  /** The last secret that reached "Rust" (tests check it never comes back). */
  lastSecret: string | null = null;
  /** Bytes handed to uploadFileBytes, in order. */
  readonly uploadedBytes: number[] = [];

  constructor(
    demo: boolean,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly stepMs: number,
  ) {
    this.settings = blank(demo ? "builtIn" : "none");
  }

  reset(demo: boolean): void {
    if (this.settings.kind === "s3") return; // a bucket survives switching workspaces
    this.settings = blank(demo ? "builtIn" : "none");
  }

  view(): StorageSettingsView {
    return { ...this.settings };
  }

  save(input: StorageSettingsInput): StorageSettingsView {
    const problems: { field: string; reason: string }[] = [];
    if (!/^https?:\/\/\S+$/.test(input.endpoint.trim()))
      problems.push({ field: "endpoint", reason: "Enter the address starting with https://." });
    if (input.bucket.trim() === "")
      problems.push({ field: "bucket", reason: "Enter a bucket name." });
    if (input.accessKeyId.trim() === "")
      problems.push({ field: "accessKeyId", reason: "Enter the access key ID." });
    if (input.secretAccessKey === null && !this.settings.hasSecret)
      problems.push({ field: "secretAccessKey", reason: "Enter the secret key." });
    if (problems.length > 0) {
      throw appError({
        kind: "invalidInput",
        message: "Some of the storage details need another look.",
        detail: problems.map((p) => `${p.field}: ${p.reason}`).join("\n"),
        fields: problems,
      });
    }
    if (input.secretAccessKey !== null) this.lastSecret = input.secretAccessKey;
    this.settings = {
      kind: "s3",
      endpoint: input.endpoint.trim(),
      region: input.region.trim() || null,
      bucket: input.bucket.trim(),
      prefix: input.prefix?.trim() || null,
      accessKeyId: input.accessKeyId.trim(),
      hasSecret: true,
      publicBaseUrl: input.publicBaseUrl?.trim() || null,
      linkLifetimeHours: input.linkLifetimeHours,
      maxPhotoPx: input.maxPhotoPx,
    };
    return this.view();
  }

  forget(demo: boolean): StorageSettingsView {
    this.lastSecret = null;
    this.settings = blank(demo ? "builtIn" : "none");
    return this.view();
  }

  async test(): Promise<StorageTestReport> {
    await this.sleep(this.stepMs);
    if (this.testReport) return structuredClone(this.testReport);
    return {
      ok: true,
      steps: [
        { step: "put", ok: true, message: "Put a small test photo in your storage.", detail: null },
        {
          step: "fetchLink",
          ok: true,
          message: "Fetched it back through the link Lamina would be given.",
          detail: null,
        },
        { step: "delete", ok: true, message: "Deleted the test photo.", detail: null },
      ],
    };
  }

  onProgress(callback: (p: UploadProgress) => void): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  releaseUploads(): void {
    for (const release of this.held.splice(0)) release();
  }

  status(id: string): UploadTicket {
    const ticket = this.uploads.get(id);
    if (!ticket) {
      throw appError({ kind: "notFound", message: "That upload is gone.", detail: `upload ${id}` });
    }
    return { ...ticket };
  }

  /** Starts an upload and answers at once with its ticket; progress follows as events. */
  start(name: string, bytes: Uint8Array, thumbnail: string | null = null): UploadTicket {
    this.counter += 1;
    const id = `upload-${this.counter}`;
    this.uploadedBytes.push(bytes.length);
    const kind = sniffImage(bytes);
    const ticket: UploadTicket = {
      id,
      fileName: name,
      state: "preparing",
      link: null,
      // Photos (JPEG/TIFF) carry camera details; the pipeline re-encodes them without.
      metadataRemoved: kind === "jpg" || kind === "tiff",
      thumbnail,
      error: null,
      errorKind: null,
    };
    const failure: { kind: UploadErrorKind; message: string } | null =
      kind === null
        ? { kind: "notImage", message: `“${name}” isn't a photo or an image.` }
        : bytes.length > MAX_BYTES
          ? { kind: "tooBig", message: `“${name}” is bigger than 50 MB.` }
          : this.settings.kind === "none"
            ? {
                kind: "noStorage",
                message: "Set up storage first: Lamina needs an online address for your photo.",
              }
            : this.failUploadsWith;
    this.uploads.set(id, ticket);
    void this.run(id, bytes, kind ?? "png", failure);
    return { ...ticket };
  }

  private async run(
    id: string,
    bytes: Uint8Array,
    ext: string,
    failure: { kind: UploadErrorKind; message: string } | null,
  ): Promise<void> {
    const total = bytes.length;
    const set = (change: Partial<UploadTicket>, sent: number) => {
      const ticket = { ...this.status(id), ...change };
      this.uploads.set(id, ticket);
      for (const l of this.listeners) l({ id, stage: ticket.state, sent, total });
    };
    await this.sleep(this.stepMs / 2);
    if (failure) {
      set({ state: "failed", error: failure.message, errorKind: failure.kind }, 0);
      return;
    }
    set({ state: "uploading" }, 0);
    await this.sleep(this.stepMs / 2);
    set({}, Math.floor(total / 2));
    if (this.holdUploads) await new Promise<void>((resolve) => this.held.push(resolve));
    await this.sleep(this.stepMs / 2);
    const base =
      this.settings.kind === "builtIn"
        ? "http://127.0.0.1:8787/_sandbox/files"
        : (this.settings.publicBaseUrl ?? `${this.settings.endpoint}/${this.settings.bucket}`);
    set({ state: "done", link: `${base}/${digest(bytes)}.${ext}` }, total);
  }

  async preview(url: string): Promise<LinkPreview> {
    await this.sleep(this.stepMs / 2);
    if (/^https?:\/\/(localhost|127\.|10\.|192\.168\.)/.test(url) && !url.includes(":8787/")) {
      throw appError({
        kind: "invalidInput",
        message: "That address is on your own network, so it can't be previewed.",
        detail: url,
      });
    }
    const thumbnail = `data:image/svg+xml;utf8,${encodeURIComponent(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#c9b79c"/></svg>',
    )}`;
    return { thumbnail, width: 64, height: 64, contentType: "image/png" };
  }
}
