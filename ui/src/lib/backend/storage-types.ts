// Storage and upload shapes, exactly as the Rust commands of src-tauri/src/commands/storage.rs
// (lamina-core `storage`) serialize them; types.ts re-exports them.
// TODO(merge): once s7-storage's commands are in bindings.ts, these become re-exports of the
// generated types (never hand-written for long).

export type StorageKind = "none" | "builtIn" | "s3";

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  /** Folder inside the bucket; empty for the top. */
  prefix: string;
  accessKeyId: string;
  /** When the bucket is public: links are this + `/<key>` and never expire. */
  publicBaseUrl: string | null;
  linkLifetimeSecs: number;
  pathStyle: boolean;
}

/** What Settings → Storage shows: never the secret itself. */
export interface StorageSettingsView {
  active: StorageKind;
  s3: S3Settings | null;
  hasSecret: boolean;
  maxLongEdge: number;
}

/** What "Save" sends; `secretAccessKey` null keeps the saved one. */
export interface StorageSettingsInput {
  s3: S3Settings;
  secretAccessKey: string | null;
  maxLongEdge: number | null;
}

export type StorageStep = "put" | "fetch" | "delete";
export type StorageCheckStatus = "passed" | "failed" | "skipped";
export type StorageProblem =
  | "wrongKey"
  | "noSuchBucket"
  | "unreachable"
  | "linkNotFetchable"
  | "clockSkew"
  | "notConfigured"
  | "other";

export interface StorageCheck {
  step: StorageStep;
  status: StorageCheckStatus;
  /** Plain words (English fallback; the UI words it from `problem`). */
  message: string;
  problem: StorageProblem | null;
  detail: string | null;
}

export interface StorageTestReport {
  ok: boolean;
  steps: StorageCheck[];
  problem: StorageProblem | null;
  warnings: string[];
}

export type UploadState = "queued" | "preparing" | "uploading" | "done" | "failed";
export type UploadStage = "preparing" | "checking" | "sending" | "done" | "failed";

export interface UploadLink {
  url: string;
  expiresAt: string | null;
}

export interface UploadTicket {
  id: string;
  /** The local file's name (never its path). */
  fileName: string;
  state: UploadState;
  /** What goes in the form field: `lamina-upload:<id>`, resolved to the link at start. */
  inputValue: string;
  /** A small data: URL preview (the dialog path: the web view has no File then). */
  preview: string | null;
  /** Location and camera details were found and removed. */
  metadataRemoved: boolean;
  link: UploadLink | null;
  /** Plain words when `state` is "failed". */
  error: string | null;
}

export interface UploadProgress {
  id: string;
  stage: UploadStage;
  sent: number;
  total: number;
  message: string | null;
}

/** A kept output as a field's value: a link, or an upload to follow. */
export interface InputFromOutput {
  value: string;
  upload: UploadTicket | null;
}

/** An uploaded input of a run: the local file's name beside the link (History). */
export interface InputFile {
  field: string;
  fileName: string;
  uploadId: string;
  link: string;
}

export interface LinkPreview {
  thumbnail: string;
  width: number;
  height: number;
  contentType: string;
}

/** A field value naming an upload; Rust swaps it for the link when the run starts. */
export const UPLOAD_REF_PREFIX = "lamina-upload:";

/** Carried by a drag of a kept output (History, Gallery, a run card) onto a photo field. */
export const OUTPUT_DRAG_TYPE = "application/x-lamina-output";

export interface DraggedOutput {
  localId: string;
  index: number;
}
