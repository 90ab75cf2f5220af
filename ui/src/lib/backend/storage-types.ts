// Storage and upload shapes: re-exports of the generated bindings (src-tauri/src/commands/
// storage.rs, lamina-core `storage`), plus what only the UI knows (drags of kept outputs).
export type {
  InputFile,
  InputFromOutput_Serialize as InputFromOutput,
  Link_Serialize as UploadLink,
  S3Settings_Serialize as S3Settings,
  StorageCheck_Serialize as StorageCheck,
  StorageCheckStatus,
  StorageKind,
  StorageProblem,
  StorageSettingsInput_Serialize as StorageSettingsInput,
  StorageSettingsView_Serialize as StorageSettingsView,
  StorageStep,
  StorageTestReport_Serialize as StorageTestReport,
  UploadProgress_Serialize as UploadProgress,
  UploadStage,
  UploadState,
  UploadTicket_Serialize as UploadTicket,
} from "./bindings";

/** A field value naming an upload; Rust swaps it for the link when the run starts. */
export const UPLOAD_REF_PREFIX = "lamina-upload:";

/** Carried by a drag of a kept output (History, Gallery, a run card) onto a photo field. */
export const OUTPUT_DRAG_TYPE = "application/x-lamina-output";

export interface DraggedOutput {
  localId: string;
  index: number;
}
