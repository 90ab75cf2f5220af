// Settings → Storage and photo uploads in the in-memory workspace: the demo's built-in storage,
// a bucket in an account, uploads that move preparing → uploading → done with progress events.
// Test hooks: `holdUploads` (uploads wait for `releaseUploads`), `failUploadsWith`,
// `testReport`, `lastSecret` (what "Rust" received), `uploadedBytes`.
import { appError } from "./memory-demo";
import {
  UPLOAD_REF_PREFIX,
  type InputFile,
  type StorageSettingsInput,
  type StorageSettingsView,
  type StorageTestReport,
  type UploadProgress,
  type UploadStage,
  type UploadTicket,
} from "./storage-types";
import type { Inputs } from "./types";

const MAX_LONG_EDGE = 4096;
const MAX_BYTES = 50 * 1024 * 1024;

/** The bytes of a data: URL or bare base64 (what the web view sends for a dropped file). */
export function decodeData(data: string): Uint8Array {
  const base64 = data.startsWith("data:") ? data.slice(data.indexOf(",") + 1) : data;
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
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
  private active: StorageSettingsView["active"];
  private s3: StorageSettingsView["s3"] = null;
  private hasSecret = false;
  private maxLongEdge = MAX_LONG_EDGE;
  private readonly uploads = new Map<string, UploadTicket>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly listeners = new Set<(p: UploadProgress) => void>();
  private readonly held: (() => void)[] = [];
  private readonly files = new Map<string, InputFile[]>();
  private counter = 0;
  /** Uploads wait at "sending" (half sent) until `releaseUploads()`. */
  holdUploads = false;
  /** The next uploads fail while sending, with these plain words. */
  failUploadsWith: string | null = null;
  /** The answer of the next "Test storage" (default: every step passes). */
  testReport: StorageTestReport | null = null;
  /** The last secret that reached "Rust" (tests check it never comes back). */
  lastSecret: string | null = null;
  /** Bytes handed to uploadFileBytes, in order. */
  readonly uploadedBytes: number[] = [];

  constructor(
    private demo: boolean,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly stepMs: number,
  ) {
    this.active = demo ? "builtIn" : "none";
  }

  /** The workspace changed (the demo always uses the built-in storage). */
  reset(demo: boolean): void {
    this.demo = demo;
    this.active = demo ? "builtIn" : this.s3 && this.hasSecret ? "s3" : "none";
  }

  view(): StorageSettingsView {
    return {
      active: this.active,
      s3: this.s3 ? { ...this.s3 } : null,
      hasSecret: this.hasSecret,
      maxLongEdge: this.maxLongEdge,
    };
  }

  save(input: StorageSettingsInput): StorageSettingsView {
    const { s3 } = input;
    const problem = (field: string, reason: string) =>
      appError({
        kind: "invalidInput",
        message: reason,
        detail: `${field}: ${reason}`,
        fields: [{ field, reason }],
      });
    if (!/^https?:\/\/\S+$/.test(s3.endpoint.trim()))
      throw problem(
        "endpoint",
        "The endpoint must be a web address such as https://s3.eu-west-1.amazonaws.com.",
      );
    if (s3.bucket.trim() === "") throw problem("bucket", "Enter the bucket's name.");
    if (s3.accessKeyId.trim() === "") throw problem("accessKeyId", "Enter the access key ID.");
    if (input.secretAccessKey) {
      this.lastSecret = input.secretAccessKey;
      this.hasSecret = true;
    }
    this.s3 = { ...s3, endpoint: s3.endpoint.trim(), bucket: s3.bucket.trim() };
    if (input.maxLongEdge !== null) this.maxLongEdge = input.maxLongEdge;
    this.reset(this.demo);
    return this.view();
  }

  forget(): StorageSettingsView {
    this.lastSecret = null;
    this.hasSecret = false;
    this.s3 = null;
    this.reset(this.demo);
    return this.view();
  }

  async test(): Promise<StorageTestReport> {
    await this.sleep(this.stepMs);
    if (this.testReport) return structuredClone(this.testReport);
    const passed = (step: "put" | "fetch" | "delete", message: string) => ({
      step,
      status: "passed" as const,
      message,
      problem: null,
      detail: null,
    });
    return {
      ok: true,
      steps: [
        passed("put", "Put a small test picture in your storage."),
        passed("fetch", "Fetched it back through the link Lamina would be given."),
        passed("delete", "Deleted the test picture."),
      ],
      problem: null,
      warnings: [],
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

  /** Journals an upload and answers at once with its ticket; progress follows as events. */
  submit(name: string, bytes: Uint8Array, preview: string | null = null): UploadTicket {
    if (this.active === "none") {
      throw appError({
        kind: "conflict",
        message: "Set up storage first: Lamina needs an online address for your photo.",
        detail: "no storage configured",
      });
    }
    this.counter += 1;
    const id = `upload-${this.counter}`;
    this.uploadedBytes.push(bytes.length);
    const ticket: UploadTicket = {
      id,
      fileName: name,
      state: "queued",
      inputValue: `${UPLOAD_REF_PREFIX}${id}`,
      preview,
      metadataRemoved: false,
      link: null,
      error: null,
    };
    this.uploads.set(id, ticket);
    void this.run(id, bytes);
    return { ...ticket };
  }

  private async run(id: string, bytes: Uint8Array): Promise<void> {
    const kind = sniffImage(bytes);
    const name = this.status(id).fileName;
    let total = 0;
    const set = (stage: UploadStage, change: Partial<UploadTicket>, sent: number) => {
      this.uploads.set(id, { ...this.status(id), ...change });
      const message = change.error ?? null;
      for (const l of this.listeners) l({ id, stage, sent, total, message });
      if (stage === "done" || stage === "failed") {
        for (const wake of this.waiting.get(id) ?? []) wake();
        this.waiting.delete(id);
      }
    };
    await this.sleep(this.stepMs / 2);
    set("preparing", { state: "preparing" }, 0);
    if (kind === null || bytes.length > MAX_BYTES) {
      const error =
        kind === null
          ? `“${name}” isn't a photo or an image Lamina can use.`
          : `“${name}” is bigger than 50 MB.`;
      set("failed", { state: "failed", error }, 0);
      return;
    }
    total = bytes.length;
    // Camera photos (JPEG/TIFF) carry location and camera details; they are re-encoded without.
    set("sending", { state: "uploading", metadataRemoved: kind === "jpg" || kind === "tiff" }, 0);
    await this.sleep(this.stepMs / 2);
    set("sending", {}, Math.floor(total / 2));
    if (this.holdUploads) await new Promise<void>((resolve) => this.held.push(resolve));
    await this.sleep(this.stepMs / 2);
    if (this.failUploadsWith) {
      set("failed", { state: "failed", error: this.failUploadsWith }, Math.floor(total / 2));
      return;
    }
    const base =
      this.active === "builtIn"
        ? "http://127.0.0.1:8787/_sandbox/files"
        : (this.s3?.publicBaseUrl ?? `${this.s3?.endpoint}/${this.s3?.bucket}`);
    set(
      "done",
      { state: "done", link: { url: `${base}/${digest(bytes)}.${kind}`, expiresAt: null } },
      total,
    );
  }

  private async settled(id: string): Promise<UploadTicket> {
    const now = this.status(id);
    if (now.state === "done" || now.state === "failed") return now;
    await new Promise<void>((resolve) => {
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]);
    });
    return this.status(id);
  }

  /** As Rust does at run start: upload references become links (waiting for uploads in flight);
   * a failed upload refuses the run, naming the field. */
  async resolve(inputs: Inputs): Promise<{ inputs: Inputs; files: InputFile[] }> {
    const out: Inputs = { ...inputs };
    const files: InputFile[] = [];
    for (const [field, value] of Object.entries(inputs)) {
      if (!value?.startsWith(UPLOAD_REF_PREFIX)) continue;
      const uploadId = value.slice(UPLOAD_REF_PREFIX.length);
      const ticket = await this.settled(uploadId);
      if (ticket.state !== "done" || !ticket.link) {
        const reason = `The photo for ${field} didn't upload: ${ticket.error ?? ""}`.trim();
        throw appError({
          kind: "invalidInput",
          message: reason,
          detail: `upload ${uploadId} ${ticket.state}`,
          fields: [{ field, reason }],
        });
      }
      out[field] = ticket.link.url;
      files.push({ field, fileName: ticket.fileName, uploadId, link: ticket.link.url });
    }
    return { inputs: out, files };
  }

  rememberFiles(localId: string, files: InputFile[]): void {
    if (files.length > 0) this.files.set(localId, files);
  }

  inputFiles(localId: string): InputFile[] {
    return (this.files.get(localId) ?? []).map((f) => ({ ...f }));
  }
}
