// Storage and upload shapes the UI works with. They mirror the Rust commands of
// src-tauri/src/commands/storage.rs and link_preview.rs; types.ts re-exports them.
// TODO(merge): once those commands are in bindings.ts, these become re-exports of the
// generated `_Serialize` types (never hand-written for long).

export type StorageKind = "builtIn" | "s3" | "none";

/** What Settings → Storage shows: never the secret itself. */
export interface StorageSettingsView {
  kind: StorageKind;
  endpoint: string | null;
  region: string | null;
  bucket: string | null;
  prefix: string | null;
  accessKeyId: string | null;
  hasSecret: boolean;
  publicBaseUrl: string | null;
  linkLifetimeHours: number;
  maxPhotoPx: number;
}

/** What "Save" sends; `secretAccessKey` null keeps the saved one. */
export interface StorageSettingsInput {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string | null;
  accessKeyId: string;
  secretAccessKey: string | null;
  publicBaseUrl: string | null;
  linkLifetimeHours: number;
  maxPhotoPx: number;
}

export type StorageStepId = "put" | "fetchLink" | "delete";

export interface StorageTestStep {
  step: StorageStepId;
  ok: boolean;
  /** Plain words: what happened, or what to fix. */
  message: string;
  detail: string | null;
}

export interface StorageTestReport {
  ok: boolean;
  steps: StorageTestStep[];
}

export type UploadState = "preparing" | "uploading" | "done" | "failed";

export interface UploadTicket {
  id: string;
  /** The local file's name (never its path). */
  fileName: string;
  state: UploadState;
  /** The address Lamina is given, once uploaded. */
  link: string | null;
  /** Location and camera details were stripped before upload. */
  metadataRemoved: boolean;
  /** A small data: URL preview (the dialog path: the web view has no File then). */
  thumbnail: string | null;
  /** Plain words when `state` is "failed". */
  error: string | null;
  /** What the failure is about: the UI links to Settings → Storage for "storage". */
  errorKind: UploadErrorKind | null;
}

export type UploadErrorKind = "notImage" | "tooBig" | "noStorage" | "storage" | "other";

export interface UploadProgress {
  id: string;
  stage: UploadState;
  sent: number;
  total: number;
}

export interface LinkPreview {
  thumbnail: string;
  width: number;
  height: number;
  contentType: string;
}

/** Carried by a drag of a kept output (History, Gallery, a run card) onto a photo field. */
export const OUTPUT_DRAG_TYPE = "application/x-lamina-output";

export interface DraggedOutput {
  localId: string;
  index: number;
}
