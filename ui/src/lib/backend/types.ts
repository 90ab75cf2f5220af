// The only place the app imports backend types from: re-exports of the generated bindings.
// Commands return the Rust *serialize* shapes (tauri-specta names them `X_Serialize`), so those
// are the types the UI works with. A query sent to Rust uses the serialize shape too (every
// field present), which the deserialize side accepts.
export type {
  AccountStatus_Serialize as AccountStatus,
  App_Serialize as App,
  AppCatalog_Serialize as AppCatalog,
  AppError_Serialize as AppError,
  AppliedPreset_Serialize as AppliedPreset,
  AppErrorKind,
  AppSummary_Serialize as AppSummary,
  DeliveryLogEntry_Serialize as DeliveryLogEntry,
  DeliveryOutcome,
  DeliverySettings_Serialize as DeliverySettings,
  DeliveryStatus_Serialize as DeliveryStatus,
  CheckId,
  CheckLine,
  CheckStatus,
  DoctorReport_Serialize as DoctorReport,
  EndpointFinding_Serialize as EndpointFinding,
  Verdict,
  BatchDetail_Serialize as BatchDetail,
  BatchExportRequest_Serialize as BatchExportRequest,
  BatchExportResult_Serialize as BatchExportResult,
  BatchFile,
  BatchListItem_Serialize as BatchListItem,
  BatchPreview_Serialize as BatchPreview,
  BatchProgress_Serialize as BatchProgress,
  BatchRow_Serialize as BatchRow,
  BatchRowState,
  BatchState,
  BatchSummary_Serialize as BatchSummary,
  ColumnMapping_Serialize as ColumnMapping,
  ColumnTarget,
  ExportFormat,
  FieldError_Serialize as FieldError,
  FirstScreen,
  ChosenTheme,
  GalleryItem_Serialize as GalleryItem,
  GalleryPage_Serialize as GalleryPage,
  HistoryApp,
  HistoryPage_Serialize as HistoryPage,
  HistoryQuery_Serialize as HistoryQuery,
  Mapping_Serialize as Mapping,
  OutputRecord_Serialize as OutputRecord,
  Parameter_Serialize as Parameter,
  ParameterKind_Serialize as ParameterKind,
  Preset,
  PresetIssue_Serialize as PresetIssue,
  PresetIssueKind,
  RunCandidate_Serialize as RunCandidate,
  RowProblem_Serialize as RowProblem,
  RunError_Serialize as RunError,
  RunRecord_Serialize as RunRecord,
  RunState,
  RunStatus_Serialize as RunStatus,
  SaveOutcome_Serialize as SaveOutcome,
  StartupState_Serialize as StartupState,
  StoredFile_Serialize as StoredFile,
  LinkPreview,
  Usage_Serialize as Usage,
  TableRow,
} from "./bindings";

import type { RunRecord_Serialize } from "./bindings";

/** Input values keyed by parameter name, exactly as sent to `startRun`. */
export type Inputs = RunRecord_Serialize["inputs"];

/** Which file of an output to show: the original, or the 512 px thumbnail. */
export type MediaVariant = "full" | "thumb";

// Describe what you need + publishing.
export type {
  BrandEntry_Serialize as BrandEntry,
  BrandView_Serialize as BrandView,
  ChannelOutcome,
  ChannelResult_Serialize as ChannelResult,
  ChannelView_Serialize as ChannelView,
  ContentBrief_Serialize as ContentBrief,
  ContentInfo_Serialize as ContentInfo,
  ContentRunView_Serialize as ContentRunView,
  ContentScores_Serialize as ContentScores,
  PublishProblem,
  PublishState,
  PublishView_Serialize as PublishView,
  PublishingHistory_Serialize as PublishingHistory,
  ScoreDimension,
  TemplatePart_Serialize as TemplatePart,
  TemplateView_Serialize as TemplateView,
} from "./bindings";
export type { DescribeBatchItem } from "./describe-batch";
export type {
  DraggedOutput,
  InputFile,
  InputFromOutput,
  S3Settings,
  StorageCheck,
  StorageCheckStatus,
  StorageKind,
  StorageProblem,
  StorageSettingsInput,
  StorageSettingsView,
  StorageStep,
  StorageTestReport,
  UploadLink,
  UploadProgress,
  UploadStage,
  UploadState,
  UploadTicket,
} from "./storage-types";
export { OUTPUT_DRAG_TYPE, UPLOAD_REF_PREFIX } from "./storage-types";
