// The only place the app imports backend types from: re-exports of the generated bindings.
// Commands return the Rust *serialize* shapes (tauri-specta names them `X_Serialize`), so those
// are the types the UI works with.
export type {
  AccountStatus_Serialize as AccountStatus,
  App_Serialize as App,
  AppCatalog_Serialize as AppCatalog,
  AppError_Serialize as AppError,
  AppSummary_Serialize as AppSummary,
  FieldError_Serialize as FieldError,
  OutputRecord_Serialize as OutputRecord,
  Parameter_Serialize as Parameter,
  ParameterKind_Serialize as ParameterKind,
  RunError,
  RunRecord_Serialize as RunRecord,
  RunState,
  StoredFile_Serialize as StoredFile,
} from "./bindings";

import type { AppError_Serialize, RunRecord_Serialize } from "./bindings";

/** Input values keyed by parameter name, exactly as sent to `startRun`. */
export type Inputs = RunRecord_Serialize["inputs"];
export type AppErrorKind = AppError_Serialize["kind"];
